//! Image snapshots of the main steps (egui_kittest `snapshot` + `wgpu`, rendered headless by Mesa).
//!
//! A live lab makes new keys, ports and thumbprints on every run, so the pictures are drawn from a
//! recorded check instead: `tests/snapshots/impostor-facts.json` holds what the probe saw of the
//! impostor lab once (facts, the presented chain, the lab root and the client chain; no private key).
//! The test feeds those facts through the real judge and the real wizard, at a fixed instant, so the
//! same input always gives the same picture. Re-record with `CERTWIZ_RECORD_FIXTURES=1`, refresh the
//! pictures with `UPDATE_SNAPSHOTS=1`, and look at every changed PNG before committing it.

use std::path::PathBuf;
use std::sync::Arc;

use certwiz::engine::check::judge;
use certwiz::engine::probe::{CancelFlag, ProbeFacts, ProbePlan, Progress};
use certwiz::gui::app::CertwizApp;
use certwiz::gui::wizard::Step;
use certwiz::lab::{LAB_HOST, LabServer, Scenario};
use egui_kittest::Harness;
use time::macros::datetime;

use super::{harness, step_button};

#[derive(serde::Serialize, serde::Deserialize)]
struct Fixture {
    facts: ProbeFacts,
    presented_pem: String,
    root_pem: String,
    client_chain_pem: String,
}

fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/impostor-facts.json")
}

/// Runs the probe against a live impostor lab and keeps what it saw.
fn record() -> Fixture {
    let lab = LabServer::start(Scenario::ImpostorWebSite).expect("lab");
    let plan = ProbePlan {
        target: certwiz::engine::probe::ProbeTarget {
            host: LAB_HOST.into(),
            port: lab.port(),
            path: certwiz::engine::probe::DEFAULT_PATH.into(),
            address: Some("127.0.0.1".parse().expect("ip")),
            protocol: Default::default(),
        },
        timeout: certwiz::engine::probe::DEFAULT_TIMEOUT,
        identity: None,
    };
    let (tx, _rx) = std::sync::mpsc::channel();
    let facts = certwiz::engine::probe::run(&plan, &CancelFlag::new(), &Progress::new(tx, None));
    let presented_pem = facts
        .handshake
        .as_ref()
        .map(|h| {
            h.presented_der
                .iter()
                .map(|der| pem::encode(&pem::Pem::new("CERTIFICATE", der.to_vec())))
                .collect()
        })
        .unwrap_or_default();
    Fixture {
        facts,
        presented_pem,
        root_pem: lab.pki.root_pem.clone(),
        client_chain_pem: lab.pki.client.chain_pem.clone(),
    }
}

fn load_fixture() -> Fixture {
    let path = fixture_path();
    if std::env::var("CERTWIZ_RECORD_FIXTURES").is_ok_and(|v| v == "1") {
        let fixture = record();
        let json = serde_json::to_string_pretty(&fixture).expect("serialises");
        std::fs::write(&path, json).expect("write fixture");
        return fixture;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; record it with CERTWIZ_RECORD_FIXTURES=1",
            path.display()
        )
    });
    let mut fixture: Fixture = serde_json::from_str(&text).expect("fixture parses");
    let presented =
        certwiz::engine::load::load_bytes("presented.pem", fixture.presented_pem.as_bytes(), None)
            .expect("presented chain");
    if let Some(h) = fixture.facts.handshake.as_mut() {
        h.presented_der = presented
            .certificates
            .iter()
            .map(|c| Arc::clone(&c.der))
            .collect();
    }
    fixture
}

/// A window that has just finished Run all checks against the recorded impostor, judged at a fixed
/// instant: everything drawn comes from the real wizard, judge and views.
fn impostor_window() -> Harness<'static, CertwizApp> {
    let fixture = load_fixture();
    let mut h = harness();
    {
        let wizard = &mut h.state_mut().wizard;
        let target = &fixture.facts.target;
        wizard.target.server_fqdn = target.host.clone();
        wizard.target.port = target.port.to_string();
        wizard.target.address = target.address.map(|a| a.to_string()).unwrap_or_default();
        for (name, text) in [
            ("lab-client.pem", &fixture.client_chain_pem),
            ("lab-root.pem", &fixture.root_pem),
        ] {
            let loaded = certwiz::engine::load::load_bytes(name, text.as_bytes(), None);
            wizard.add_loaded(name, loaded);
        }
        let mut request = wizard.check_request().expect("valid target");
        request.at = datetime!(2026-11-27 12:00:00 UTC);
        let judged = judge(&fixture.facts, &request);
        wizard.on_done(certwiz::engine::check::report(
            &request,
            fixture.facts.clone(),
            judged,
        ));
    }
    h.run();
    h
}

/// The one snapshot helper: settles the frame, then compares with `tests/snapshots/NAME.png`.
fn snapshot(h: &mut Harness<'static, CertwizApp>, name: &str) {
    h.run();
    h.snapshot(name);
}

#[test]
fn main_steps_look_as_recorded() {
    let mut h = impostor_window();
    assert_eq!(h.state().wizard.step, Step::Verdict);
    snapshot(&mut h, "impostor-step8-verdict");
    for (label, name) in [
        ("4. Certification path", "impostor-step4-path"),
        ("5. Purposes", "impostor-step5-purposes"),
        ("6. What answers on port 444", "impostor-step6-port"),
        ("7. Mutual TLS", "impostor-step7-mtls"),
    ] {
        step_button(&h, label).click();
        h.run();
        snapshot(&mut h, name);
    }
    // The recorded facts still say what the live lab said: a web site with its title.
    step_button(&h, "6. What answers on port 444").click();
    h.run();
    use egui_kittest::kittest::Queryable;
    assert!(h.query_by_label("Communicator Web Access").is_some());
}

#[test]
fn first_steps_look_as_recorded() {
    let mut h = harness();
    h.run();
    snapshot(&mut h, "step1-what-happened");
    step_button(&h, "2. Server").click();
    h.state_mut().wizard.target.server_fqdn = "ocs1.contoso.com".into();
    h.state_mut().wizard.target.port = "70000".into();
    h.run();
    snapshot(&mut h, "step2-server-invalid-port");
}

#[test]
fn step_1_with_the_incidents_events_pasted_looks_as_recorded() {
    let mut h = harness();
    super::logs::paste(&mut h, "incident-eventviewer.txt");
    h.run();
    use egui_kittest::kittest::Queryable;
    h.get_by_label("Possible causes, most likely first")
        .scroll_to_me();
    snapshot(&mut h, "step1-log-pasted");
}
