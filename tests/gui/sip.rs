//! Step 6 on a SIP port: its title says what answers on which port, and its page shows the SIP
//! answer (status line, Server, ms-diagnostics); step 2 offers the protocol choice.

use certwiz::engine::probe::ProtocolChoice;
use certwiz::lab::Scenario;
use egui_kittest::kittest::Queryable;

/// The practice lab's Edge refusing the partner (403 with ms-diagnostics), checked from start to
/// end: step 6 names the port in its title and shows the SIP answer as plain text.
#[test]
fn step_6_shows_the_sip_answer() {
    let mut h = super::lab_window(Scenario::SipForbidden);
    let port = h
        .state()
        .wizard
        .report()
        .and_then(|r| r.probe.as_ref())
        .map(|p| p.target.port)
        .expect("a probe");
    let title = format!("6. What answers on port {port}");
    super::step_button(&h, &title).click();
    h.run();
    assert!(
        h.query_by_label(&format!("{title}: fail")).is_some(),
        "the step list names the port and the state"
    );
    for shown in [
        "SIP answer to OPTIONS",
        "SIP (--protocol sip)",
        "SIP/2.0 403 Forbidden",
        "RTCC/7.0.0.0 AccessEdge (certwiz-lab)",
        "mutual TLS, with our client certificate",
    ] {
        assert!(h.query_by_label(shown).is_some(), "{shown} on step 6");
    }
    // In the finding's detail and in the answer's ms-diagnostics row.
    let diagnostics = "1034: Previous hop federated peer did not report diagnostic information";
    assert!(h.query_all_by_label_contains(diagnostics).count() >= 2);
    assert!(
        h.query_all_by_label_contains("answered SIP 403 Forbidden")
            .count()
            >= 1
    );
}

/// Step 2's protocol choice: the lab's SIP scenario chose SIP; choosing HTTP there is what the next
/// run speaks.
#[test]
fn step_2_offers_the_protocol() {
    let mut h = super::lab_window(Scenario::SipHealthy);
    assert_eq!(h.state().wizard.target.protocol, ProtocolChoice::Sip);
    super::step_button(&h, "2. Server").click();
    h.run();
    assert!(
        h.query_by_label_contains("certwiz sends a SIP OPTIONS")
            .is_some()
    );
    h.get_by_label("HTTP").click();
    h.run();
    assert_eq!(h.state().wizard.target.protocol, ProtocolChoice::Http);
    assert!(
        h.query_by_label_contains("certwiz sends an HTTP GET")
            .is_some()
    );
}
