//! #16: the wizard tells the truth on every page. Each test writes its expected answer first (in its
//! doc line), then drives the window through the accessibility tree.

use std::time::{Duration, Instant};

use certwiz::engine::finding::Severity;
use certwiz::engine::report::VerdictStatus;
use certwiz::gui::wizard::{Step, StepStatus};
use certwiz::lab::{LabServer, Scenario};
use egui_kittest::kittest::{NodeT, Queryable};

use super::{harness, run_all_checks, start_lab, step_button, wait_for_checks};

type Window = egui_kittest::Harness<'static, certwiz::gui::app::CertwizApp>;

/// Opens the step named `step` in the step list and tells whether its page shows a text containing
/// `words`.
fn page_says(h: &mut Window, step: &str, words: &str) -> bool {
    step_button(h, step).click();
    h.run();
    h.query_by_label_contains(words).is_some()
}

/// Expected: Cancel ends a check against a silent listener within 3 s, and a check cancelled while
/// the listener holds the handshake (with the lab's certificate loaded in step 3) finishes no step after
/// the connection, so steps 4-8 are "■ cancelled" (none "✔ pass"), the verdict says it was cancelled
/// and what was not checked, step 6 does not claim the server "does not ask" for a client
/// certificate, and nothing anywhere reads "No problems".
#[test]
fn a_cancelled_run_shows_no_pass_anywhere() {
    // The practice lab also loads the client certificate into step 3: its own path passes, which
    // must not make step 4 or 5 read "pass" after the cancel.
    let mut h = harness();
    h.run();
    start_lab(&mut h, Scenario::SilentListener);
    h.get_by_label("Run all checks").click();
    h.step();
    std::thread::sleep(Duration::from_millis(1100));
    h.step();
    // The top bar counts the seconds while the checks run, beside Cancel.
    assert!(h.query_by_label("running 1 s").is_some());
    let started = Instant::now();
    h.get_by_label("Cancel").click();
    h.step();
    wait_for_checks(&mut h);
    assert!(started.elapsed() < Duration::from_secs(3));
    let w = &h.state().wizard;
    let report = w.report().expect("a report of the cancelled run");
    assert_eq!(report.verdict.status, VerdictStatus::Cancelled);
    for step in [
        Step::CertificationPath,
        Step::Purposes,
        Step::Port,
        Step::MutualTls,
        Step::Verdict,
    ] {
        assert_eq!(w.step_status(step), StepStatus::Cancelled, "{step:?}");
    }
    assert_eq!(
        w.step,
        Step::Verdict,
        "a finished run opens the verdict: {}",
        w.status
    );
    // The only pass is step 3's: the loaded certificate's own check, which the run did not touch.
    assert_eq!(h.query_all_by_label("✔ pass").count(), 1);
    assert_eq!(
        h.state().wizard.step_status(Step::LocalCertificate),
        StepStatus::Done(Severity::Pass)
    );
    assert!(
        h.query_all_by_label_contains("No problems")
            .next()
            .is_none()
    );
    assert!(h.query_by_label("■ Cancelled: not all checked").is_some());
    assert!(
        h.query_by_label_contains("Cancelled before the checks finished")
            .is_some()
    );
    assert!(page_says(
        &mut h,
        "6. What answers on port 444",
        "Cancelled before this step's check finished"
    ));
    assert!(h.query_by_label("✖ no").is_none());
    assert!(
        h.query_by_label("? unknown: the handshake did not get that far")
            .is_some()
    );
}

/// Expected: with only the lab root loaded there is no certificate of the server in step 3, so the
/// step is a warning (not "✔ pass") and its page says why.
#[test]
fn step_3_with_only_a_root_is_not_a_pass() {
    let dir = tempfile::tempdir().expect("dir");
    let lab = LabServer::start(Scenario::Healthy).expect("lab");
    let files = lab.write_files(dir.path()).expect("files");
    let mut h = harness();
    h.state_mut().load_file(&files.root);
    h.run();
    let w = &h.state().wizard;
    assert_eq!(
        w.step_status(Step::LocalCertificate),
        StepStatus::Done(Severity::Warn)
    );
    assert!(page_says(
        &mut h,
        "3. Local certificate",
        "Only CA certificates are loaded"
    ));
}

/// Expected: the lab whose issuing CA allows only Server Authentication fails step 4 (a CA in the
/// path restricts Client Authentication) and the page opens with that finding in words, and the
/// status sentence of the examined certificate is not "This certificate is OK.".
#[test]
fn a_path_that_fails_on_purposes_says_why_on_its_page() {
    let mut h = harness();
    h.run();
    start_lab(&mut h, Scenario::IssuingServerAuthOnly);
    run_all_checks(&mut h);
    let w = &h.state().wizard;
    assert_eq!(
        w.step_status(Step::CertificationPath),
        StepStatus::Done(Severity::Fail)
    );
    let title = w
        .step_findings(Step::CertificationPath)
        .into_iter()
        .find(|f| f.severity == Severity::Fail)
        .map(|f| f.title.clone())
        .expect("a failing finding of step 4");
    assert!(page_says(
        &mut h,
        "4. Certification path",
        "but it cannot be used as it is"
    ));
    assert!(h.query_by_label(&format!("✖ {title}")).is_some(), "{title}");
    assert!(h.query_by_label("✔ This certificate is OK.").is_none());
}

/// The test PFX (openssl-made, see tests/data/openssl) and its password.
fn test_pfx() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/openssl/rsa-modern.pfx")
}

/// Expected: `certwiz gui HOST --load server.pfx` without `--password-env` opens step 3 (not step 2)
/// with the password field focused and "needs its password" in words; a wrong password typed and
/// Enter say "wrong password"; the right one and Enter load the file (3 certificates, 1 key).
#[test]
fn a_pfx_without_its_password_asks_for_it() {
    use certwiz::gui::StartOptions;
    use certwiz::gui::app::CertwizApp;
    let start = StartOptions {
        server_fqdn: Some("ocs1.contoso.com".into()),
        files: vec![test_pfx()],
        ..StartOptions::default()
    };
    let mut h = super::harness_of(CertwizApp::with_start(start, None));
    h.run();
    assert_eq!(h.state().wizard.step, Step::LocalCertificate);
    assert!(
        h.query_all_by_label_contains("rsa-modern.pfx needs its password")
            .next()
            .is_some()
    );
    assert!(h.get_by_label("PFX password").accesskit_node().is_focused());
    h.get_by_label("PFX password").type_text("not-the-password");
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(
        h.query_all_by_label_contains("rsa-modern.pfx: wrong password")
            .next()
            .is_some()
    );
    assert!(h.get_by_label("PFX password").accesskit_node().is_focused());
    h.get_by_label("PFX password")
        .type_text("Marker-Pfx-Pass-123");
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(
        h.query_by_label_contains("rsa-modern.pfx: 3 certificate(s), 1 private key(s)")
            .is_some()
    );
    assert!(h.state().wizard.prompt.waiting_pfx.is_none());
    assert!(
        h.state().wizard.pfx_password.is_empty(),
        "not kept after use"
    );
}

/// Expected: a file dialog that cannot open says why on step 3 and focuses the path field; a path
/// typed there and Enter load the file.
#[test]
fn a_file_dialog_that_cannot_open_offers_a_path_field() {
    use certwiz::gui::views::secrets::PATH_FIELD_LABEL;
    let dir = tempfile::tempdir().expect("dir");
    let lab = LabServer::start(Scenario::Healthy).expect("lab");
    let files = lab.write_files(dir.path()).expect("files");
    let mut h = harness();
    h.run();
    h.state_mut()
        .wizard
        .on_file_dialog_failed("it closed at once");
    h.run();
    h.run();
    assert_eq!(h.state().wizard.step, Step::LocalCertificate);
    assert!(
        h.query_all_by_label_contains("The file dialog did not open: it closed at once")
            .next()
            .is_some()
    );
    assert!(
        h.get_by_label(PATH_FIELD_LABEL)
            .accesskit_node()
            .is_focused()
    );
    h.get_by_label(PATH_FIELD_LABEL)
        .type_text(&files.root.display().to_string());
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().wizard.local.certificates.len(), 1);
}

/// Expected: the theme buttons are named in words and "Light theme" switches the window to the light
/// theme; a step's accessible name is its number, title and state, with no symbol
/// ("4. Certification path: fail" against the revoked certificate's lab).
#[test]
fn names_read_well_to_a_screen_reader() {
    let mut h = harness();
    h.run();
    for name in ["Follow the system theme", "Dark theme", "Light theme"] {
        assert!(h.query_by_label(name).is_some(), "{name}");
    }
    h.get_by_label("Light theme").click();
    h.run();
    assert!(!h.ctx.global_style().visuals.dark_mode);
    start_lab(&mut h, Scenario::RevokedCertificate);
    run_all_checks(&mut h);
    assert!(h.query_by_label("4. Certification path: fail").is_some());
    let port = h.state().wizard.target.port.clone();
    assert!(
        h.query_by_label(&format!("6. What answers on port {port}: pass"))
            .is_some(),
        "step 6 names the real port"
    );
}

/// Expected: against a server that speaks only TLS 1.0, mutual TLS is not tried, so step 7 is
/// "not tried" (never "pass") and says the true reason: the server speaks only TLS 1.0 / 1.1.
#[test]
fn step_7_against_a_tls_1_0_server_is_not_tried_and_says_why() {
    let mut h = harness();
    h.run();
    start_lab(&mut h, Scenario::Tls10Only);
    run_all_checks(&mut h);
    assert_eq!(
        h.state().wizard.step_status(Step::MutualTls),
        StepStatus::Skipped
    );
    assert!(page_says(
        &mut h,
        "7. Mutual TLS",
        "the server speaks only TLS 1.0 / 1.1"
    ));
}
