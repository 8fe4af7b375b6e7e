//! Reports (#7): every format from every command, the JSON that opens again, the HTML that fetches
//! nothing, redaction that leaves no name, address, serial or thumbprint behind, and secrets that never
//! reach a report. Against the real lab over loopback, through the real binary.

use std::path::Path;

use assert_cmd::Command;
use certwiz::engine::report::{Redactor, Report};
use certwiz::lab::{LAB_HOST, LabFiles, LabServer, Scenario};
use certwiz::render::{render_html, render_markdown};

use crate::common;

pub(crate) fn lab(scenario: Scenario) -> (LabServer, tempfile::TempDir, LabFiles) {
    let server = LabServer::start(scenario).expect("lab server starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let files = server.write_files(dir.path()).expect("lab files");
    (server, dir, files)
}

/// `certwiz check` against the lab with the lab's files, plus `extra`; (exit code, stdout, stderr).
pub(crate) fn check(server: &LabServer, files: &LabFiles, extra: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .args([
            "check",
            LAB_HOST,
            "--address",
            "127.0.0.1",
            "--timeout",
            "2",
        ])
        .args(["--port", &server.port().to_string()])
        .arg("--ca")
        .arg(&files.root)
        .arg("--client-cert")
        .arg(&files.client_cert)
        .arg("--client-key")
        .arg(&files.client_key)
        .args(extra)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The identifying values of a lab check: host, addresses, and every presented certificate's
/// thumbprints and (when long enough to identify anything: the lab's are one byte) serial, in both
/// cases.
fn identifying(report: &Report) -> Vec<String> {
    let mut out = vec![LAB_HOST.to_owned(), "127.0.0.1".to_owned()];
    let probe = report.probe.as_ref().expect("a check has probe facts");
    for c in &probe.handshake.as_ref().expect("handshake").presented_chain {
        let serial = Some(&c.serial).filter(|s| s.len() >= 8);
        for v in [&c.thumbprint_sha1, &c.sha256].into_iter().chain(serial) {
            out.push(v.to_ascii_lowercase());
            out.push(v.to_ascii_uppercase());
        }
    }
    out
}

#[test]
fn json_report_opens_again_with_the_same_findings() {
    let (server, dir, files) = lab(Scenario::ImpostorWebSite);
    let saved = dir.path().join("report.json");
    let (code, stdout, stderr) = check(
        &server,
        &files,
        &["--output", saved.to_str().expect("utf-8")],
    );
    assert_eq!(code, 1, "the impostor is a failure");
    assert!(
        stdout.is_empty(),
        "--output writes the file, not stdout: {stdout}"
    );
    assert!(stderr.contains("JSON report written to"), "{stderr}");
    let original = Report::from_json(read(&saved).as_bytes()).expect("the saved JSON reads back");
    assert_eq!(original.command, "check");
    assert!(original.origin.is_some(), "made where and when");
    assert!(
        original.timeline.len() >= 3,
        "connect, handshake, browse and the judging are in the timeline: {:?}",
        original.timeline
    );

    // certwiz open renders it again: same verdict, same findings, byte for byte the same JSON.
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .arg("open")
        .arg(&saved)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "open keeps the exit code of the findings"
    );
    let reopened = Report::from_json(&out.stdout).expect("open's JSON reads");
    assert_eq!(reopened, original);
    let ids = |r: &Report| {
        r.findings
            .iter()
            .map(|f| (f.id.clone(), f.severity))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&reopened), ids(&original));
    assert!(
        ids(&original)
            .iter()
            .any(|(id, _)| id == "http.web-site-answering")
    );

    // And as a page for the ticket, from the customer's JSON.
    let page = dir.path().join("again.html");
    Command::cargo_bin("certwiz")
        .expect("binary")
        .arg("open")
        .arg(&saved)
        .arg("--output")
        .arg(&page)
        .assert()
        .code(1);
    assert!(read(&page).contains("http.web-site-answering"));
}

#[test]
fn open_refuses_what_is_not_a_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, contents, expected) in [
        ("page.html", "<html></html>", "not a JSON file"),
        ("other.json", r#"{"findings": []}"#, "not a certwiz report"),
        (
            "future.json",
            r#"{"schema": "certwiz-report/9", "findings": []}"#,
            "use a newer certwiz",
        ),
        (
            "damaged.json",
            r#"{"schema": "certwiz-report/1", "verdict": 3}"#,
            "damaged",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).expect("write");
        let out = Command::cargo_bin("certwiz")
            .expect("binary")
            .arg("open")
            .arg(&path)
            .args(["--format", "text"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(name) && stderr.contains(expected),
            "{name}: {stderr}"
        );
    }
}

#[test]
fn html_report_is_self_contained_and_complete() {
    let (server, dir, files) = lab(Scenario::LeafWithoutClientAuth);
    let page = dir.path().join("r.html");
    let (code, _, _) = check(
        &server,
        &files,
        &[
            "--format",
            "html",
            "--output",
            page.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code, 1);
    let html = read(&page);
    assert!(html.starts_with("<!DOCTYPE html>"));
    let lower = html.to_ascii_lowercase();
    for forbidden in [
        "<script",
        "javascript:",
        " src=",
        " href=",
        "url(",
        "@import",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "<form",
    ] {
        assert!(
            !lower.contains(forbidden),
            "the page contains {forbidden:?}"
        );
    }
    assert!(
        lower.contains("content-security-policy") && lower.contains("default-src 'none'"),
        "a CSP forbids fetching anything"
    );
    for part in [
        "Verdict: ✗ FAIL",
        "cert.client-auth-missing",
        "Certification path",
        "certwiz Lab Root CA",
        "Purposes",
        "Client Authentication",
        "What answers on port",
        "Acceptable CAs",
        "Mutual TLS",
        "Timeline",
        "TLS handshake",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
    ] {
        assert!(html.contains(part), "the page lacks {part:?}");
    }

    // Markdown has the same parts for a ticket.
    let (_, md, _) = check(&server, &files, &["--format", "markdown"]);
    for part in [
        "**Verdict: ✗ FAIL**",
        "## Certification path",
        "## Purposes",
        "| Certificate | Server Authentication | Client Authentication |",
        "## What answers on port",
        "## Timeline",
        "cert.client-auth-missing",
    ] {
        assert!(md.contains(part), "the Markdown lacks {part:?}:\n{md}");
    }
}

#[test]
fn redaction_leaves_no_name_address_or_thumbprint_and_keeps_the_verdict() {
    let (server, dir, files) = lab(Scenario::ImpostorWebSite);
    let plain_path = dir.path().join("plain.json");
    check(
        &server,
        &files,
        &["--output", plain_path.to_str().expect("utf-8")],
    );
    let plain = Report::from_json(read(&plain_path).as_bytes()).expect("report");
    let secrets = identifying(&plain);
    // The plain report does carry them (or the test would prove nothing).
    let plain_json = read(&plain_path);
    for s in &secrets[..2] {
        assert!(plain_json.contains(s.as_str()), "{s} in the plain report");
    }

    for format in ["json", "text", "markdown", "html"] {
        let (code, out, _) = check(&server, &files, &["--redact", "--format", format]);
        assert_eq!(code, 1, "{format}: the verdict is unchanged");
        for s in &secrets {
            assert!(
                !out.contains(s.as_str()),
                "{format}: {s} is still in the output"
            );
        }
        assert!(
            out.contains("host-1.example"),
            "{format}: the host has a pseudonym"
        );
        if format == "json" {
            let masked = Report::from_json(out.as_bytes()).expect("masked JSON is still a report");
            assert_eq!(masked.verdict.status, plain.verdict.status);
            let ids = |r: &Report| {
                r.findings
                    .iter()
                    .map(|f| (f.id.clone(), f.severity))
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&masked), ids(&plain), "same findings, same severities");
            let sha = masked
                .certificate
                .as_ref()
                .map(|c| c.sha256.clone())
                .unwrap_or_default();
            assert!(
                sha.starts_with("sha256-"),
                "thumbprint masked as a pseudonym: {sha}"
            );
            let serial = masked
                .certificate
                .as_ref()
                .map(|c| c.serial.clone())
                .unwrap_or_default();
            assert!(
                serial.starts_with("serial-"),
                "serial masked, short as it is: {serial}"
            );
        }
    }

    // In the library: masking is consistent across renderings and never masks twice.
    let redactor = Redactor::for_report(&plain);
    let masked = redactor.report(&plain);
    let html = render_html(&masked);
    let md = render_markdown(&masked);
    for s in &secrets {
        assert!(
            !html.contains(s.as_str()) && !md.contains(s.as_str()),
            "{s}"
        );
    }
    assert_eq!(
        redactor.report(&masked),
        masked,
        "masking a masked report changes nothing"
    );
}

#[test]
fn keys_and_passwords_never_reach_a_report() {
    // The fixture PFX under its marker password, presented to the lab in mutual TLS, and inspected:
    // neither the password nor any line of the key may appear in any format, file or stream.
    let (server, dir, files) = lab(Scenario::Healthy);
    let pfx = common::openssl_file("rsa-modern.pfx");
    let key_pem = read(&common::openssl_file("rsa-leaf.key"));
    let key_lines: Vec<&str> = key_pem
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() > 20)
        .collect();
    assert!(key_lines.len() > 5, "the key has lines to look for");
    for format in ["json", "text", "markdown", "html"] {
        let saved = dir.path().join(format!("secret.{format}"));
        for args in [
            vec!["inspect".to_owned()],
            vec![
                "check".to_owned(),
                LAB_HOST.to_owned(),
                "--address".to_owned(),
                "127.0.0.1".to_owned(),
                "--port".to_owned(),
                server.port().to_string(),
                "--timeout".to_owned(),
                "2".to_owned(),
                "--ca".to_owned(),
                files.root.display().to_string(),
            ],
        ] {
            let out = Command::cargo_bin("certwiz")
                .expect("binary")
                .env("CERTWIZ_TEST_PFX", common::PFX_PASSWORD)
                .args(&args)
                .arg(if args[0] == "check" {
                    "--pfx"
                } else {
                    "--system-roots"
                })
                .arg(&pfx)
                .args(["--password-env", "CERTWIZ_TEST_PFX", "--format", format])
                .arg("--output")
                .arg(&saved)
                .output()
                .expect("runs");
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{args:?} {format}: {stderr}"
            );
            let report = read(&saved);
            if format == "json" {
                assert!(
                    report.contains("\"private_keys\": 1"),
                    "{args:?}: the report counts the key it used"
                );
            }
            for text in [
                &report,
                &String::from_utf8_lossy(&out.stdout).into_owned(),
                &stderr,
            ] {
                assert!(
                    !text.contains(common::PFX_PASSWORD),
                    "{format}: the password leaked"
                );
                assert!(
                    !text.contains("PRIVATE KEY"),
                    "{format}: a key block leaked"
                );
                for line in &key_lines {
                    assert!(!text.contains(line), "{format}: a line of the key leaked");
                }
            }
        }
    }
}

#[test]
fn certwiz_pool_against_the_practice_pool_finds_the_one_way_trust() {
    let pool = certwiz::lab::PracticePool::start().expect("practice pool");
    let dir = tempfile::tempdir().expect("temp dir");
    let old_root = dir.path().join("old.pem");
    let new_root = dir.path().join("new.pem");
    std::fs::write(&old_root, &pool.pki.root_pem).expect("write");
    std::fs::write(&new_root, &pool.pki.new_root_pem).expect("write");
    let members: Vec<String> = pool
        .members
        .iter()
        .map(|(host, server)| format!("{host}:{}", server.port()))
        .collect();
    let saved = dir.path().join("pool.json");
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .arg("pool")
        .args(&members)
        .args(["--address", "127.0.0.1", "--timeout", "3"])
        .arg("--ca")
        .arg(&old_root)
        .arg("--ca")
        .arg(&new_root)
        .arg("--output")
        .arg(&saved)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = Report::from_json(read(&saved).as_bytes()).expect("pool report");
    assert_eq!(report.command, "pool");
    let matrix = report.pool.as_ref().expect("the matrix");
    let cell = |a: usize, b: usize| matrix.cell(a, b).and_then(|c| c.accepted);
    // fe03 (new CA) is rejected by fe01 and fe02, and accepts both: one-way trust.
    assert_eq!(
        [
            cell(0, 1),
            cell(1, 0),
            cell(0, 2),
            cell(1, 2),
            cell(2, 0),
            cell(2, 1)
        ],
        [
            Some(true),
            Some(true),
            Some(true),
            Some(true),
            Some(false),
            Some(false)
        ]
    );
    let ids: Vec<(&str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.severity.as_str()))
        .collect();
    // #16: one cause (fe03's new root, which fe01 and fe02 do not have) is one problem naming
    // both members, with its one-way note beside it (not a second problem).
    assert_eq!(
        ids,
        [
            ("pool.mtls-would-fail", "fail"),
            ("pool.trust-asymmetric", "info")
        ]
    );
    let problem = &report.findings[0];
    assert_eq!(
        problem.title,
        "fe01.lab.test and fe02.lab.test would reject fe03.lab.test in mutual TLS"
    );
    assert!(
        problem
            .fix
            .starts_with("On fe01.lab.test and fe02.lab.test, import certwiz Lab New Root CA")
            && problem.fix.matches("import").count() == 1,
        "names where and which root: {problem:?}"
    );
    let asymmetric = &report.findings[1];
    assert!(
        asymmetric.detail.contains("fe03.lab.test") && asymmetric.fix.contains(&problem.title),
        "names who and points at the problem: {asymmetric:?}"
    );
    assert!(asymmetric.commands.is_empty());
    // Every member's steps are in the timeline, each with a time.
    assert!(
        report
            .timeline
            .iter()
            .filter(|e| e.what == "TLS handshake")
            .count()
            >= 3,
        "{:?}",
        report.timeline
    );
    // The HTML page draws the matrix.
    let page = dir.path().join("pool.html");
    Command::cargo_bin("certwiz")
        .expect("binary")
        .arg("open")
        .arg(&saved)
        .arg("--output")
        .arg(&page)
        .assert()
        .code(1);
    let html = read(&page);
    assert!(
        html.contains("Pool trust matrix")
            && html.contains("✗ rejects")
            && html.contains("✓ accepts")
    );
}

#[test]
fn certwiz_pool_expect_name_names_each_member_without_the_pool_fqdn() {
    let pool = certwiz::lab::PracticePool::start().expect("practice pool");
    let members: Vec<String> = pool
        .members
        .iter()
        .map(|(host, server)| format!("{host}:{}", server.port()))
        .collect();
    // fe01 carries pool01.lab.test (the lab server's certificate); fe02 and fe03 do not.
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .arg("pool")
        .args(&members)
        .args(["--address", "127.0.0.1", "--timeout", "3", "--json"])
        .args(["--expect-name", LAB_HOST, "--path", "/LiveServer/Focus/"])
        .output()
        .expect("runs");
    let report = Report::from_json(&out.stdout).expect("pool report");
    let mismatches: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.id == "cert.name-mismatch")
        .map(|f| f.title.as_str())
        .collect();
    assert_eq!(
        mismatches,
        [
            "fe02.lab.test's certificate does not carry the name pool01.lab.test",
            "fe03.lab.test's certificate does not carry the name pool01.lab.test"
        ]
    );
    // Without a path that starts with /, the usage is refused.
    Command::cargo_bin("certwiz")
        .expect("binary")
        .arg("pool")
        .args(&members)
        .args(["--path", "LiveServer"])
        .assert()
        .code(2);
}
