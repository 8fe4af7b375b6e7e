//! The default text of `certwiz check` is a verdict-first summary that fits one screen; `--full` is the
//! whole report. Against the practice lab's impostor (the famous incident).

use certwiz::lab::Scenario;

use crate::reports::{check, lab};

#[test]
fn impostor_summary_fits_one_screen_with_the_fix_and_commands_once() {
    let (server, _dir, files) = lab(Scenario::ImpostorWebSite);
    let port = server.port().to_string();
    let (code, text, stderr) = check(&server, &files, &[]);
    assert_eq!(code, 1, "{stderr}");
    let lines = text.lines().count();
    assert!(lines <= 40, "{lines} lines:\n{text}");
    // Verdict first, then the two failures (ids named for `certwiz explain`), each fix once.
    assert!(
        text.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("Verdict: ✗ FAIL")),
        "{text}"
    );
    assert!(text.contains("[http.web-site-answering]"), "{text}");
    assert!(text.contains("[tls.no-client-cert-request]"), "{text}");
    assert_eq!(
        text.matches("IIS Manager").count(),
        1,
        "the fix once:\n{text}"
    );
    let netstat = format!("netstat -ano | findstr :{port}");
    assert_eq!(
        text.lines().filter(|l| l.trim() == netstat).count(),
        1,
        "each command once:\n{text}"
    );
    assert!(text.contains(&format!("Get-WebBinding -Port {port}")));
    assert!(text.contains("--full"), "says how to get the whole report");
    // --full is the whole report: the presented certificate and the certification path.
    let (code, full, _) = check(&server, &files, &["--full"]);
    assert_eq!(code, 1);
    assert!(
        full.contains("Certification path") && full.contains("Certificate presented by the server")
    );
    assert!(full.lines().count() > lines);
}
