//! Step 9's "Federation partner": the federation producer runs as a background job and its verdict,
//! targets and problems show on step 9 (other servers that call ours with
//! mutual TLS: the pool, and a federation partner). A stub DNS server on 127.0.0.1 publishes the lab server as the
//! partner's access edge; step 3 holds no root, so the system trust store is the anchor, as for a
//! real partner, and the lab's private root is (truly) not trusted there.

use certwiz::lab::dns::Zone;
use certwiz::lab::{LabServer, Scenario};
use egui_kittest::kittest::Queryable;

use egui_kittest::Harness;

use certwiz::gui::app::CertwizApp;
use certwiz::lab::dns::StubDns;

use super::harness;

/// A stub DNS server publishing `lab` as `lab.test`'s access edge.
fn publish(lab: &LabServer) -> StubDns {
    Zone::default()
        .srv(
            "_sipfederationtls._tcp.lab.test",
            10,
            0,
            lab.port(),
            "pool01.lab.test",
        )
        .a("pool01.lab.test")
        .start()
        .expect("stub DNS")
}

/// Step 3 loaded with `files`, step 9's federation partner check of `lab.test` (asking `dns`) run to
/// its end.
fn run_federation(dns: &StubDns, files: &[&std::path::Path]) -> Harness<'static, CertwizApp> {
    let mut h = harness();
    for file in files {
        h.state_mut().load_file(file);
    }
    h.state_mut().wizard.step = certwiz::gui::wizard::Step::Pool;
    {
        let f = &mut h.state_mut().wizard.federation;
        f.domain = "lab.test".into();
        f.dns_server = dns.arg();
    }
    h.run();
    super::click_in_view(&mut h, "Check federation partner");
    h.step();
    super::wait_for_checks(&mut h);
    h
}

#[test]
fn the_federation_partner_check_runs_in_the_background_and_shows_its_targets() {
    let lab = LabServer::start(Scenario::SipHealthy).expect("lab");
    let dns = publish(&lab);
    let h = run_federation(&dns, &[]);
    // Expected: one target checked, its chain not built to a trusted root (the lab root is in no
    // public store and a server does not send its root: chain.incomplete), so the verdict fails and
    // never passes; the target line and the finding show on step 9.
    let report = h
        .state()
        .wizard
        .federation
        .report
        .clone()
        .expect("a report");
    assert_eq!(report.command, "federation");
    let facts = report.federation.as_ref().expect("facts");
    assert_eq!(facts.targets.len(), 1);
    assert!(
        report.findings.iter().any(|f| f.id == "chain.incomplete"),
        "{:#?}",
        report.findings
    );
    assert!(!report.findings.iter().any(|f| f.id == "federation.ok"));
    // Step 9 in the list says the federation run failed (it said "not run" before).
    assert_eq!(
        h.state()
            .wizard
            .step_status(certwiz::gui::wizard::Step::Pool),
        certwiz::gui::wizard::StepStatus::Done(certwiz::engine::finding::Severity::Fail)
    );
    let line = format!(
        "[1] pool01.lab.test:{} (priority 10, weight 0): fail",
        lab.port()
    );
    h.get_by_label(&line);
    assert!(
        h.query_all_by_label_contains(
            "The issuer of \"certwiz Lab Issuing CA\" could not be found"
        )
        .count()
            >= 1
    );
}

/// With step 3 holding the lab's root and client certificate, the federation check presents it as
/// our Edge's: the healthy edge answers the OPTIONS over mutual TLS, and the section shows that SIP
/// answer (a pass) beside the verdict. Expected: federation.ok, the "SIP answers on port N: 200 OK"
/// finding on step 9.
#[test]
fn with_our_certificate_the_federation_section_shows_the_sip_answer() {
    let lab = LabServer::start(Scenario::SipHealthy).expect("lab");
    let dir = tempfile::tempdir().expect("dir");
    let files = lab.write_files(dir.path()).expect("files");
    let dns = publish(&lab);
    let h = run_federation(&dns, &[&files.root, &files.client_cert, &files.client_key]);
    let report = h
        .state()
        .wizard
        .federation
        .report
        .clone()
        .expect("a report");
    assert!(
        report.findings.iter().any(|f| f.id == "federation.ok"),
        "{:#?}",
        report.findings
    );
    assert_eq!(
        h.state()
            .wizard
            .step_status(certwiz::gui::wizard::Step::Pool),
        certwiz::gui::wizard::StepStatus::Done(certwiz::engine::finding::Severity::Pass)
    );
    h.get_by_label_contains(&format!("SIP answers on port {}: 200 OK", lab.port()));
}
