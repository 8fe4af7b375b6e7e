//! Steps 6 and 7 say what the server really did (#15), read through the accessibility tree: an HTTP-layer
//! rejection is never "accepted", and every step not taken says why.

use certwiz::gui::wizard::Step;
use certwiz::lab::{LabServer, Scenario};
use egui_kittest::kittest::Queryable;

use super::{aim_at, harness, run_all_checks};

#[test]
fn step_7_shows_an_http_layer_rejection_as_a_rejection() {
    let lab = LabServer::start(Scenario::IisRejectsCertificate).expect("lab");
    let mut h = harness();
    aim_at(&mut h, &lab);
    // Step 3: our certificate with its key, as the admin loads them.
    for (name, text) in [
        ("lab-client.pem", &lab.pki.client.chain_pem),
        ("lab-client.key", &lab.pki.client.key_pem),
    ] {
        let loaded = certwiz::engine::load::load_bytes(name, text.as_bytes(), None);
        h.state_mut().wizard.add_loaded(name, loaded);
    }
    run_all_checks(&mut h);
    h.state_mut().wizard.step = Step::MutualTls;
    h.run();
    h.get_by_label("✖ The TLS handshake completed, but the HTTP answer refuses our certificate");
    assert!(
        h.query_by_label("✔ The server accepted our certificate")
            .is_none()
    );
}

#[test]
fn step_6_says_why_the_browse_with_a_certificate_was_not_tried() {
    let lab = LabServer::start(Scenario::ImpostorWebSite).expect("lab");
    let mut h = harness();
    aim_at(&mut h, &lab);
    run_all_checks(&mut h);
    h.state_mut().wizard.step = Step::Port;
    h.run();
    h.get_by_label_contains(
        "○ Not tried: the server did not ask for a client certificate (no CertificateRequest",
    );
}
