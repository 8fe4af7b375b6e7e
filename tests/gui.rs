//! The GUI through egui_kittest: widgets found by their accessible names, as a screen reader sees them.

use std::time::{Duration, Instant};

use certwiz::gui::app::CertwizApp;
use certwiz::gui::wizard::Step;
use certwiz::lab::{LAB_HOST, LabServer, Scenario};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

mod common;

#[path = "gui/explain.rs"]
mod explain;
#[path = "gui/federation.rs"]
mod federation;
#[path = "gui/fixes.rs"]
mod fixes;
#[path = "gui/layout.rs"]
mod layout;
#[path = "gui/logs.rs"]
mod logs;
#[path = "gui/names.rs"]
mod names;
#[path = "gui/session.rs"]
mod session;
#[path = "gui/sip.rs"]
mod sip;
#[path = "gui/snapshots.rs"]
mod snapshots;
#[path = "gui/store.rs"]
mod store;
#[path = "gui/truth.rs"]
mod truth;

/// A step in the step list, by its number ("6. Port 444" finds step 6 whatever its port). Its
/// accessible name also says its state: "4. Certification path: fail".
fn step_button<'a>(h: &'a Harness<'static, CertwizApp>, label: &'a str) -> egui_kittest::Node<'a> {
    let number = label.split_once(". ").map_or(label, |(n, _)| n);
    let prefix = format!("{number}. ");
    h.get(
        egui_kittest::kittest::By::new()
            .role(egui::accesskit::Role::Button)
            .predicate(move |node| node.label().is_some_and(|l| l.starts_with(&prefix))),
    )
}

fn harness() -> Harness<'static, CertwizApp> {
    harness_of(CertwizApp::new())
}

/// The window of `app` (e.g. one made by `CertwizApp::with_start`), in a test harness.
fn harness_of(app: CertwizApp) -> Harness<'static, CertwizApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 860.0))
        // Wrapped text in grids takes a few more frames to settle its column widths.
        .with_max_steps(12)
        .build_ui_state(|ui, app: &mut CertwizApp| app.ui_root(ui), app)
}

/// Fills the target with the lab server's address, as a user would in step 2.
fn aim_at(h: &mut Harness<'static, CertwizApp>, lab: &LabServer) {
    let target = &mut h.state_mut().wizard.target;
    target.server_fqdn = LAB_HOST.into();
    target.port = lab.port().to_string();
    target.address = "127.0.0.1".into();
}

/// Aims the target at a server on 127.0.0.1 named `host`.
fn aim(h: &mut Harness<'static, CertwizApp>, host: &str, port: u16) {
    let target = &mut h.state_mut().wizard.target;
    target.server_fqdn = host.into();
    target.port = port.to_string();
    target.address = "127.0.0.1".into();
}

/// The practice lab's impostor checked from start to end: the window shows the verdict.
fn impostor_verdict() -> (LabServer, Harness<'static, CertwizApp>) {
    let lab = LabServer::start(Scenario::ImpostorWebSite).expect("lab");
    let mut h = harness();
    aim_at(&mut h, &lab);
    h.run();
    run_all_checks(&mut h);
    assert_eq!(h.state().wizard.step, Step::Verdict);
    (lab, h)
}

/// Scrolls a control into view and clicks it, as a user would (step 1 is taller than the window).
fn click_in_view(h: &mut Harness<'static, CertwizApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
}

/// Presses Run all checks and waits for the result.
fn run_all_checks(h: &mut Harness<'static, CertwizApp>) {
    h.get_by_label("Run all checks").click();
    h.step();
    wait_for_checks(h);
}

/// Steps the UI until the background checks finish (bounded).
fn wait_for_checks(h: &mut Harness<'static, CertwizApp>) {
    let started = Instant::now();
    while h.state().is_busy() && started.elapsed() < Duration::from_secs(20) {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!h.state().is_busy(), "checks did not finish");
    h.run();
}

/// The ID of the last report's first (most severe) finding.
fn first_finding_id(h: &Harness<'static, CertwizApp>) -> Option<String> {
    h.state()
        .wizard
        .report()
        .and_then(|r| r.findings.first())
        .map(|f| f.id.clone())
}

/// The IDs of the last report's findings that are not passes (None before any check).
fn problem_ids(h: &Harness<'static, CertwizApp>) -> Option<Vec<String>> {
    h.state().wizard.report().map(|r| {
        r.findings
            .iter()
            .filter(|f| f.severity != certwiz::engine::finding::Severity::Pass)
            .map(|f| f.id.clone())
            .collect()
    })
}

#[test]
fn run_is_disabled_until_the_server_name_is_valid() {
    let mut h = harness();
    h.run();
    let run = h.get_by_label("Run all checks");
    assert!(run.accesskit_node().is_disabled());
    h.get_by_label("Server FQDN").focus();
    h.run();
    h.get_by_label("Server FQDN").type_text("ocs1.contoso.com");
    h.run();
    assert!(
        !h.get_by_label("Run all checks")
            .accesskit_node()
            .is_disabled()
    );
    assert_eq!(h.state().wizard.target.server_fqdn, "ocs1.contoso.com");
}

#[test]
fn every_step_is_numbered_and_reachable_by_name() {
    let mut h = harness();
    h.run();
    for step in Step::ALL {
        let label = format!("{}. {}", step.number(), step.title());
        step_button(&h, &label).click();
        h.run();
        assert_eq!(h.state().wizard.step, step, "{label}");
    }
    step_button(&h, "8. Verdict").click();
    h.run();
    // Steps without results say so and never panic.
    assert!(h.query_by_label("No checks have run yet.").is_some());
}

#[test]
fn server_step_explains_a_bad_port_inline() {
    let mut h = harness();
    step_button(&h, "2. Server").click();
    h.run();
    h.state_mut().wizard.target.port = "70000".into();
    h.run();
    assert!(
        h.query_by_label_contains("A port number from 1 to 65535")
            .is_some()
    );
}

#[test]
fn run_all_checks_against_the_impostor_shows_the_incident_verdict() {
    let (lab, mut h) = impostor_verdict();
    // The verdict headline and the first finding both name the incident.
    assert!(
        h.query_all_by_label_contains("answered by a web site")
            .count()
            >= 2
    );
    assert_eq!(
        first_finding_id(&h).as_deref(),
        Some("http.web-site-answering")
    );
    assert!(h.query_by_label("Copy summary").is_some());
    // Step 6 shows what answered, as plain text.
    step_button(&h, "6. What answers on port 444").click();
    h.run();
    assert!(h.query_by_label_contains("A web site answers").is_some());
    assert!(
        h.query_by_label("Communicator Web Access").is_some(),
        "the page title row"
    );
    // The summary for the ticket names the finding, with its commands in a block to paste.
    let summary = h.state().wizard.summary_markdown();
    assert!(summary.contains("`http.web-site-answering`"), "{summary}");
    let netstat = format!("netstat -ano | findstr :{}", lab.port());
    assert!(summary.contains(&format!("    {netstat}\n")), "{summary}");
    // Each command has a Copy button named after it; pressing it puts the command on the clipboard.
    let copy = format!("Copy: {netstat}");
    click_in_view(&mut h, &copy);
    h.step();
    assert_eq!(
        copied_text(&h).as_deref(),
        Some(netstat.as_str()),
        "the command was copied"
    );
}

/// The text the last frame put on the clipboard, if any.
fn copied_text(h: &Harness<'static, CertwizApp>) -> Option<String> {
    h.output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
}

#[test]
fn healthy_server_with_a_loaded_client_certificate_passes_mutual_tls() {
    let lab = LabServer::start(Scenario::Healthy).expect("lab");
    let dir = tempfile::tempdir().expect("dir");
    let files = lab.write_files(dir.path()).expect("files");
    let mut h = harness();
    // Load the calling server's certificate and key, and the root, as step 3 would from files.
    let both = dir.path().join("client-with-key.pem");
    let text = format!(
        "{}{}",
        std::fs::read_to_string(&files.client_cert).expect("cert"),
        std::fs::read_to_string(&files.client_key).expect("key")
    );
    std::fs::write(&both, text).expect("write");
    h.state_mut().load_file(&both);
    h.state_mut().load_file(&files.root);
    aim_at(&mut h, &lab);
    h.run();
    assert!(
        h.query_by_label_contains("client-with-key.pem: 2 certificate(s), 1 private key(s)")
            .is_some()
    );
    run_all_checks(&mut h);
    let findings = problem_ids(&h);
    assert_eq!(findings, Some(vec![]));
    assert!(h.query_by_label("✔ No problems found.").is_some());
    // A second run still has the client certificate's key (each run gets its own copy).
    run_all_checks(&mut h);
    let mtls_ok = h
        .state()
        .wizard
        .report()
        .is_some_and(|r| r.findings.iter().any(|f| f.id == "tls.mtls-ok"));
    assert!(mtls_ok, "mutual TLS on the second run");
    step_button(&h, "7. Mutual TLS").click();
    h.run();
    assert!(
        h.query_by_label("✔ The server accepted our certificate")
            .is_some()
    );
    assert!(h.query_by_label_contains("(our issuer)").is_some());
    step_button(&h, "4. Certification path").click();
    h.run();
    assert!(
        h.query_by_label_contains("This certificate is OK.")
            .is_some()
    );
    step_button(&h, "5. Purposes").click();
    h.run();
    assert!(h.query_all_by_label("✔ usable").count() == 2);
}

#[test]
fn wrong_pfx_password_shows_the_error_inline() {
    let pfx =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/openssl/rsa-modern.pfx");
    let mut h = harness();
    h.state_mut().wizard.pfx_password = "not-the-password".into();
    h.state_mut().load_file(&pfx);
    h.run();
    assert!(
        h.query_by_label(
            "✖ rsa-modern.pfx: wrong password. Type it again in PFX password and press Enter."
        )
        .is_some()
    );
    assert!(
        h.state().wizard.pfx_password.is_empty(),
        "the password field is cleared after use"
    );
    h.state_mut().wizard.pfx_password = "Marker-Pfx-Pass-123".into();
    h.state_mut().load_file(&pfx);
    h.run();
    assert!(
        h.query_by_label_contains("rsa-modern.pfx: 3 certificate(s), 1 private key(s)")
            .is_some()
    );
}

#[test]
fn alt_number_jumps_to_a_step() {
    let mut h = harness();
    h.run();
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::Num6);
    h.run();
    assert_eq!(h.state().wizard.step, Step::Port);
}

#[test]
fn expired_certificate_shows_on_the_timeline_and_in_words() {
    let lab = LabServer::start(Scenario::ExpiredLeaf).expect("lab");
    let mut h = harness();
    aim_at(&mut h, &lab);
    h.run();
    run_all_checks(&mut h);
    step_button(&h, "4. Certification path").click();
    h.run();
    assert!(
        h.query_by_label("Expires first: pool01.lab.test on 2021-01-01.")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Validity timeline: pool01.lab.test expires first")
            .is_some()
    );
    assert!(
        h.query_by_label("✖ This certificate has expired.")
            .is_some()
    );
}

#[test]
fn the_last_target_is_remembered_unless_the_command_line_names_one() {
    use certwiz::gui::StartOptions;
    use certwiz::gui::wizard::TargetInput;
    let remembered = TargetInput {
        server_fqdn: "ocs2.contoso.com".into(),
        port: "5061".into(),
        ..TargetInput::default()
    };
    // What eframe stores is serde; it must round-trip.
    let json = serde_json::to_string(&remembered).expect("serialises");
    let back: TargetInput = serde_json::from_str(&json).expect("deserialises");
    assert_eq!(back, remembered);
    let app = CertwizApp::with_start(StartOptions::default(), Some(remembered.clone()));
    assert_eq!(app.wizard.target, remembered);
    let named = StartOptions {
        server_fqdn: Some("ocs9.contoso.com".into()),
        ..StartOptions::default()
    };
    let app = CertwizApp::with_start(named, Some(remembered));
    assert_eq!(app.wizard.target.server_fqdn, "ocs9.contoso.com");
    assert_eq!(app.wizard.target.port, "444");
}

/// Steps the UI until the practice lab has started (bounded).
fn wait_for_lab(h: &mut Harness<'static, CertwizApp>) {
    wait_for_checks(h);
    assert!(
        matches!(
            h.state().wizard.lab.state,
            certwiz::gui::wizard::LabState::Running { .. }
        ),
        "lab state: {:?}",
        h.state().wizard.lab.state
    );
}

#[test]
fn practice_lab_walks_the_famous_incident_from_step_1() {
    let mut h = harness();
    h.state_mut().wizard.target.server_fqdn = "ocs1.contoso.com".into();
    h.run();
    // Step 1 offers the lab; the famous incident is the default scenario.
    assert_eq!(
        h.get_by_label("Scenario")
            .accesskit_node()
            .value()
            .as_deref(),
        Some("Another web site (Communicator Web Access) bound to the port")
    );
    click_in_view(&mut h, "Start practice lab");
    h.step();
    wait_for_lab(&mut h);
    // The target and step 3 are filled in.
    assert_eq!(h.state().wizard.target.server_fqdn, LAB_HOST);
    assert_eq!(h.state().wizard.target.address, "127.0.0.1");
    assert!(h.query_by_label_contains("Running on 127.0.0.1:").is_some());
    step_button(&h, "3. Local certificate").click();
    h.run();
    assert!(
        h.query_by_label_contains("lab-client.key: 0 certificate(s), 1 private key(s)")
            .is_some()
    );
    run_all_checks(&mut h);
    assert_eq!(
        first_finding_id(&h).as_deref(),
        Some("http.web-site-answering")
    );
    step_button(&h, "6. What answers on port 444").click();
    h.run();
    assert!(h.query_by_label("Communicator Web Access").is_some());
    // Step 7 says why mutual TLS was not tried, though the lab's key is loaded.
    assert!(h.query_by_label("○ not tried").is_some());
    step_button(&h, "7. Mutual TLS").click();
    h.run();
    assert!(
        h.query_by_label_contains("the server did not ask for a client certificate")
            .is_some()
    );
    // Stopping puts the user's own target back and forgets the lab's files and results.
    step_button(&h, "1. What happened?").click();
    h.run();
    click_in_view(&mut h, "Stop practice lab");
    h.run();
    assert_eq!(h.state().wizard.target.server_fqdn, "ocs1.contoso.com");
    assert!(h.state().wizard.local.certificates.is_empty());
    assert!(h.state().wizard.report().is_none());
}

#[test]
fn practice_lab_scenario_is_picked_from_the_list() {
    let mut h = harness();
    h.run();
    click_in_view(&mut h, "Scenario");
    h.run();
    h.get_by_label("Healthy MCU Factory: mutual TLS required")
        .click();
    h.run();
    assert_eq!(h.state().wizard.lab.scenario, Scenario::Healthy);
    click_in_view(&mut h, "Start practice lab");
    h.step();
    wait_for_lab(&mut h);
    run_all_checks(&mut h);
    // The lab's client certificate and key were loaded, so mutual TLS is tried and works.
    let problems = problem_ids(&h);
    assert_eq!(problems, Some(vec![]));
    assert!(
        h.state()
            .wizard
            .report()
            .is_some_and(|r| r.findings.iter().any(|f| f.id == "tls.mtls-ok"))
    );
}

/// A window started as `certwiz gui --lab SCENARIO --run`, once its checks have finished.
fn lab_window(scenario: Scenario) -> Harness<'static, CertwizApp> {
    use certwiz::gui::StartOptions;
    let start = StartOptions {
        lab: Some(scenario),
        run: true,
        ..StartOptions::default()
    };
    let mut h = harness_of(CertwizApp::with_start(start, None));
    h.step();
    // First the lab starts, then the checks run (the run waits for the lab).
    let started = Instant::now();
    while h.state().wizard.report().is_none() && started.elapsed() < Duration::from_secs(30) {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    wait_for_checks(&mut h);
    h
}

#[test]
fn gui_lab_option_starts_the_lab_and_runs() {
    let h = lab_window(Scenario::ExpiredLeaf);
    let ids: Vec<String> = h
        .state()
        .wizard
        .report()
        .map(|r| r.findings.iter().map(|f| f.id.clone()).collect())
        .unwrap_or_default();
    assert!(ids.iter().any(|id| id == "cert.expired"), "{ids:?}");
}

#[test]
fn enter_runs_the_shown_steps_check() {
    let lab = LabServer::start(Scenario::ImpostorWebSite).expect("lab");
    let mut h = harness();
    aim_at(&mut h, &lab);
    step_button(&h, "2. Server").click();
    h.run();
    // Enter in a field of step 2 (the field gives up focus and the step's check runs).
    h.get_by_label("Path").focus();
    h.run();
    h.key_press(egui::Key::Enter);
    h.step();
    assert!(h.state().wizard.is_running() || h.state().wizard.report().is_some());
    wait_for_checks(&mut h);
    assert!(h.state().wizard.report().is_some());
    // Enter with nothing focused on a result step runs the checks again.
    step_button(&h, "4. Certification path").click();
    h.run();
    h.state_mut().wizard.last_report = None;
    h.ctx
        .memory_mut(|m| m.surrender_focus(m.focused().unwrap_or(egui::Id::NULL)));
    h.run();
    h.key_press(egui::Key::Enter);
    h.step();
    wait_for_checks(&mut h);
    assert!(h.state().wizard.report().is_some());
    // On step 1 Enter belongs to the case notes: nothing runs.
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::Num1);
    h.run();
    h.state_mut().wizard.last_report = None;
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(!h.state().is_busy() && h.state().wizard.report().is_none());
}

#[test]
fn pasted_event_log_text_is_recognised_ranked_and_steers_the_steps() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/logs/incident-eventviewer.txt"),
    )
    .expect("corpus");
    let mut h = harness();
    h.run();
    h.get_by_label("Paste event log text").focus();
    h.run();
    h.get_by_label("Paste event log text").type_text(&text);
    h.step();
    wait_for_checks(&mut h);
    // What was recognised, in words (the highlight in the box says the same by colour and underline).
    assert!(
        h.query_all_by_label_contains("✖ Event 61030 (OCS MCU Infrastructure)")
            .count()
            == 1
    );
    assert!(
        h.query_by_label_contains("the event counts 3491 failures")
            .is_some()
    );
    let highlighted = h
        .state()
        .wizard
        .logs
        .current()
        .map_or(0, |a| a.mentions.len());
    assert!(highlighted >= 5, "{highlighted} highlights");
    // The most likely cause first, with a button to the step that tests it.
    assert!(
        h.query_by_label_contains("1. Another application, not the conferencing service")
            .is_some()
    );
    assert!(h.query_all_by_label("→ the log points here").count() == 2);
    click_in_view(&mut h, "Go to step 6: What answers on port 444");
    h.run();
    assert_eq!(h.state().wizard.step, Step::Port);
    // The ticket summary carries the log's story.
    let summary = h.state().wizard.summary_markdown();
    assert!(
        summary.contains("- Log: Event 61030 (OCS MCU Infrastructure) ×2"),
        "{summary}"
    );
    assert!(
        summary.contains("The log points first at: Another application"),
        "{summary}"
    );
    // Clearing forgets it.
    step_button(&h, "1. What happened?").click();
    h.run();
    click_in_view(&mut h, "Clear log text");
    h.run();
    assert!(h.state().wizard.logs.text.is_empty());
    assert!(h.query_by_label("→ the log points here").is_none());
}

#[test]
fn run_all_checks_confirms_or_rules_out_what_the_pasted_log_suggested() {
    let lab = LabServer::start(Scenario::ImpostorWebSite).expect("lab");
    let mut h = harness();
    {
        let wizard = &mut h.state_mut().wizard;
        wizard.logs.text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/logs/incident-eventviewer.txt"),
        )
        .expect("corpus");
        wizard.apply(certwiz::gui::wizard::Msg::LogTextChanged);
        let generation = wizard.logs.generation;
        let analysis = certwiz::engine::logs::analyse(&wizard.logs.text);
        wizard.on_logs_analysed(generation, analysis);
    }
    aim_at(&mut h, &lab);
    h.run();
    run_all_checks(&mut h);
    assert_eq!(h.state().wizard.step, Step::Verdict);
    // The log's first suspect (another site on port 444) is confirmed by step 6's finding; the
    // second (certificate trust) is not, since the presented chain is fine.
    assert!(
        h.query_by_label_contains(
            "✖ Confirmed by step 6: Another application, not the conferencing service"
        )
        .is_some()
    );
    let summary = h.state().wizard.summary_markdown();
    assert!(
        h.query_by_label_contains("○ Not confirmed by these checks: A CA certificate is missing")
            .is_some()
    );
    assert!(
        summary.contains("- Confirmed: Another application, not the conferencing service, answers on port 444 (`http.web-site-answering`)"),
        "{summary}"
    );
}

/// Starts the practice lab with `scenario` from step 1 (picking from the list is tested above).
fn start_lab(h: &mut Harness<'static, CertwizApp>, scenario: Scenario) {
    h.state_mut().wizard.lab.scenario = scenario;
    h.run();
    click_in_view(h, "Start practice lab");
    h.step();
    wait_for_lab(h);
}

#[test]
fn revocation_is_checked_by_default_and_shown_in_the_path() {
    let mut h = harness();
    h.run();
    let switch = "Check revocation (contacts the CRL and OCSP servers named in the certificates)";
    assert_eq!(
        h.get_by_label(switch).accesskit_node().toggled(),
        Some(egui::accesskit::Toggled::True),
        "on by default in the wizard"
    );
    start_lab(&mut h, Scenario::RevokedCertificate);
    // Before anything is contacted, the URLs the local certificate names are listed.
    h.get_by_label_contains("Which URLs? (4 known)").click();
    h.run();
    let crl = h
        .state()
        .wizard
        .local
        .report
        .as_ref()
        .and_then(|r| r.certificate.as_ref())
        .and_then(|c| c.crl_distribution_points.first().cloned())
        .expect("the lab's client certificate names its CRL");
    assert!(crl.ends_with("/issuing.crl"), "{crl}");
    assert!(
        h.query_by_label(&format!("fe02.lab.test: CRL {crl}"))
            .is_some()
    );
    h.key_press(egui::Key::Escape);
    h.run();
    run_all_checks(&mut h);
    assert_eq!(problem_ids(&h), Some(vec!["revocation.revoked".to_owned()]));
    assert_eq!(
        h.state().wizard.step_status(Step::CertificationPath),
        certwiz::gui::wizard::StepStatus::Done(certwiz::engine::finding::Severity::Fail)
    );
    // Step 4: the mark beside the certificate, the sentence under its status, each URL's answer.
    step_button(&h, "4. Certification path").click();
    h.run();
    assert!(h.query_by_label("· ✖ REVOKED").is_some());
    assert!(
        h.query_by_label("· ✔ not revoked").is_some(),
        "the issuing CA"
    );
    assert!(
        h.query_by_label("✖ pool01.lab.test has been revoked")
            .is_some()
    );
    // #16: the status sentence of a revoked certificate is not "OK".
    assert!(h.query_by_label("✔ This certificate is OK.").is_none());
    assert!(
        h.query_by_label_contains(
            "but it cannot be used as it is: pool01.lab.test has been revoked"
        )
        .is_some()
    );
    assert!(h.query_by_label(&format!("CRL {crl}")).is_some());
    assert!(
        h.query_all_by_label_contains("lists this certificate as revoked")
            .count()
            >= 1
    );
    // The local certificate's path was checked in the same run (the lab's client certificate).
    let local = h.state().wizard.local.report.clone().expect("local report");
    assert!(local.revocation.is_some());
    assert!(local.findings.iter().any(|f| f.id == "revocation.ok"));
}

#[test]
fn unticking_revocation_contacts_nothing() {
    let mut h = harness();
    h.run();
    start_lab(&mut h, Scenario::RevokedCertificate);
    h.get_by_label(
        "Check revocation (contacts the CRL and OCSP servers named in the certificates)",
    )
    .click();
    h.run();
    assert!(!h.state().wizard.fetch_revocation);
    assert!(
        h.state_mut()
            .wizard
            .check_request()
            .is_some_and(|r| r.fetch.is_none())
    );
    run_all_checks(&mut h);
    assert_eq!(problem_ids(&h), Some(vec![]));
    assert!(
        h.state()
            .wizard
            .report()
            .is_some_and(|r| r.revocation.is_none())
    );
    step_button(&h, "4. Certification path").click();
    h.run();
    assert!(
        h.query_by_label_contains("not checked: these checks ran without \"Check revocation\"")
            .is_some()
    );
}

#[test]
fn step_6_names_the_process_that_owns_the_port_on_this_computer() {
    let lab = LabServer::start(Scenario::ImpostorWebSite).expect("lab");
    let mut h = harness();
    aim_at(&mut h, &lab);
    h.run();
    step_button(&h, "6. What answers on port 444").click();
    h.run();
    // Before any check: the lookup is offered for the target's port.
    let button = format!("Who listens on port {} here?", lab.port());
    click_in_view(&mut h, &button);
    h.step();
    wait_for_checks(&mut h);
    // The lab server runs in this test process.
    let facts = h
        .state()
        .wizard
        .port_owner
        .as_ref()
        .and_then(|r| r.port_owner.clone())
        .expect("looked up");
    assert!(
        facts.listeners.iter().any(|l| l.pid == std::process::id()),
        "{facts:?}"
    );
    assert!(h.query_by_label(&std::process::id().to_string()).is_some());
    assert!(
        h.query_all_by_label_contains(&format!("owns port {}", lab.port()))
            .count()
            >= 1
    );
}

#[test]
fn step_7_judges_this_computers_root_store() {
    let mut h = harness();
    h.run();
    step_button(&h, "7. Mutual TLS").click();
    h.run();
    click_in_view(&mut h, "Check this computer's Trusted Root store");
    h.step();
    wait_for_checks(&mut h);
    let Some(report) = h.state().wizard.root_store.clone() else {
        // A machine without a trust store: the reason is said, the button is usable again.
        assert!(h.state().wizard.status.contains("could not be read"));
        assert!(!h.state().wizard.root_store_looking);
        return;
    };
    assert!(
        report.inputs[0].source.contains("trust store")
            || report.inputs[0].source.contains("Root store")
    );
    let store = report.root_store.as_ref().expect("facts");
    assert!(!store.entries.is_empty());
    let first = report.findings.first().expect("a finding");
    assert!(first.id.starts_with("store."), "{}", first.id);
    // Shown in step 7 (and the status line), in words.
    assert!(h.query_all_by_label_contains(&first.title).count() >= 2);
    assert!(
        h.query_by_label_contains(&format!("{} distinct", store.distinct))
            .is_some()
    );
}

#[test]
fn the_path_tree_shows_a_name_constraint_violation_and_an_unchecked_signature() {
    // A CA limited to contoso.test issued pool01.fabrikam.test; another leaf's signature uses an
    // algorithm certwiz cannot verify. Expected in step 4: the node states and the rule, CA and name.
    let dir = tempfile::tempdir().expect("dir");
    let root = common::self_signed(&common::Spec::ca("GUI Root CA"));
    let ca = common::signed(
        &common::Spec::ca("Contoso-only CA")
            .serial(2)
            .permit_dns("contoso.test"),
        &root,
    );
    let outside = common::signed(&common::Spec::leaf("pool01.fabrikam.test"), &ca);
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path
    };
    let mut h = harness();
    h.state_mut()
        .load_file(&write("leaf.pem", &format!("{}{}", outside.pem, ca.pem)));
    h.state_mut().load_file(&write("root.pem", &root.pem));
    h.run();
    step_button(&h, "4. Certification path").click();
    h.run();
    assert!(
        h.query_by_label_contains("pool01.fabrikam.test: name constraints violated")
            .is_some()
    );
    assert!(
        h.query_by_label_contains(
            "Name constraints of \"Contoso-only CA\": DNS name pool01.fabrikam.test is outside the permitted DNS subtrees"
        )
        .is_some()
    );

    let plain = common::signed(&common::Spec::ca("Plain CA").serial(3), &root);
    let leaf = common::signed(&common::Spec::leaf("pool01.contoso.test"), &plain);
    let unverifiable = common::unverifiable_signature_pem(&leaf);
    let mut h = harness();
    h.state_mut().load_file(&write(
        "unverifiable.pem",
        &format!("{unverifiable}{}", plain.pem),
    ));
    h.state_mut().load_file(&write("root.pem", &root.pem));
    h.run();
    step_button(&h, "4. Certification path").click();
    h.run();
    assert!(
        h.query_by_label_contains("pool01.contoso.test: signature not checked")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Signature not checked: \"Plain CA\" signed it with sha512ECDSA")
            .is_some()
    );
}
#[path = "gui/legacy_lab.rs"]
mod legacy_lab;
#[path = "gui/probe_truth.rs"]
mod probe_truth;
