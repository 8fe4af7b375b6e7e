//! The session as a whole (#7), through the accessibility tree: Save report…, Open report… read-only
//! with where and when it was made, the masking switch on every step, and the pool step's matrix.

use certwiz::engine::report::Report;
use certwiz::gui::app::CertwizApp;
use certwiz::gui::views::pool_ui::{MEMBERS_LABEL, RUN_POOL_LABEL};
use certwiz::gui::views::server_ui::{CLOSE_REPORT_LABEL, REDACT_LABEL};
use certwiz::gui::wizard::Step;
use certwiz::lab::{LAB_HOST, LabServer, Scenario};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};

use super::{aim_at, harness, harness_of, run_all_checks, step_button, wait_for_checks};
use crate::common;

/// Every label and value the accessibility tree holds (what a screen reader, or a shared screen,
/// shows).
fn all_text(h: &Harness<'static, CertwizApp>) -> String {
    let mut out = String::new();
    for node in h.query_all(By::new().include_labels()) {
        let n = node.accesskit_node();
        for text in [n.label(), n.value()].into_iter().flatten() {
            out.push_str(&text);
            out.push('\n');
        }
    }
    out
}

/// Visits every step and gathers what each shows.
fn every_step_text(h: &mut Harness<'static, CertwizApp>) -> String {
    let mut out = String::new();
    for step in Step::ALL {
        h.state_mut().wizard.step = step;
        h.run();
        out.push_str(&all_text(h));
    }
    out
}

#[test]
fn a_saved_session_opens_read_only_marked_with_where_and_when() {
    let lab = LabServer::start(Scenario::ImpostorWebSite).expect("lab");
    let mut h = harness();
    aim_at(&mut h, &lab);
    h.state_mut().wizard.notes.what_changed = "CWA was installed on the front end last week".into();
    run_all_checks(&mut h);
    let findings: Vec<(String, String)> = h
        .state()
        .wizard
        .report()
        .expect("a report")
        .findings
        .iter()
        .map(|f| (f.id.clone(), f.severity.as_str().to_owned()))
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let saved = dir.path().join("session.json");
    h.state_mut().save_report_to(&saved);
    h.run();
    assert!(
        h.state().wizard.status.contains("JSON report saved to"),
        "{}",
        h.state().wizard.status
    );
    let page = dir.path().join("session.html");
    h.state_mut().save_report_to(&page);
    let html = std::fs::read_to_string(&page).expect("page");
    assert!(
        html.contains("CWA was installed on the front end last week"),
        "case notes in the page"
    );
    assert!(html.contains("Timeline") && html.contains("TLS handshake"));

    // Opened in a fresh window, as the support engineer would.
    let mut e = harness();
    let ctx = e.ctx.clone();
    e.state_mut().open_report_file(&saved, &ctx);
    wait_for_checks(&mut e);
    // Masked, the banner names the computer by its pseudonym, however short its name.
    let computer = Report::from_json(&std::fs::read(&saved).expect("file"))
        .expect("report")
        .origin
        .map(|o| o.computer)
        .unwrap_or_default();
    e.state_mut().wizard.set_redact(true);
    e.run();
    let masked_banner = e.state().wizard.opened_banner().unwrap_or_default();
    assert!(
        computer.is_empty() || !masked_banner.contains(&format!(" on {computer} ")),
        "{masked_banner}"
    );
    assert!(masked_banner.contains("host-"), "{masked_banner}");
    e.state_mut().wizard.set_redact(false);
    e.run();
    let banner = e
        .get_by_label_contains("Saved report, read-only: made")
        .accesskit_node()
        .value()
        .unwrap_or_default();
    assert!(
        banner.contains("by certwiz") && banner.contains("session.json"),
        "{banner}"
    );
    assert!(
        banner.contains(std::env::consts::OS),
        "where it was made: {banner}"
    );
    let opened: Vec<(String, String)> = e
        .state()
        .wizard
        .report()
        .expect("the saved check")
        .findings
        .iter()
        .map(|f| (f.id.clone(), f.severity.as_str().to_owned()))
        .collect();
    assert_eq!(
        opened, findings,
        "the same findings as in the window that saved it"
    );
    assert!(
        e.query_all_by_label_contains("answered by a web site")
            .count()
            >= 1
    );
    // Read-only: nothing can be run, the fields cannot be edited, the case notes are there.
    assert!(
        e.get_by_label("Run all checks")
            .accesskit_node()
            .is_disabled()
    );
    assert_eq!(e.state().wizard.target.server_fqdn, LAB_HOST);
    step_button(&e, "1. What happened?").click();
    e.run();
    assert!(all_text(&e).contains("CWA was installed on the front end last week"));
    e.state_mut().wizard.notes.what_changed.clear();
    let before = e.state().wizard.notes.clone();
    e.get_by_label("What changed?").click();
    e.run();
    e.get_by_label("What changed?")
        .type_text("typed into a saved report");
    e.run();
    assert_eq!(
        e.state().wizard.notes,
        before,
        "a saved report's fields cannot be typed into"
    );
    // The file itself is the same report.
    let report = Report::from_json(&std::fs::read(&saved).expect("file")).expect("report");
    assert_eq!(
        report.case_notes.map(|n| n.what_changed).as_deref(),
        Some("CWA was installed on the front end last week")
    );
    // Saved again (a page for the ticket, say), it keeps where and when it was first made.
    let again = dir.path().join("again.json");
    e.state_mut().save_report_to(&again);
    let again = Report::from_json(&std::fs::read(&again).expect("file")).expect("report");
    assert_eq!(again.origin, report.origin);
    assert_eq!(again.findings, report.findings);
    // Closing it gives an empty wizard back.
    e.get_by_label(CLOSE_REPORT_LABEL).click();
    e.run();
    assert!(e.state().wizard.opened.is_none() && e.state().wizard.report().is_none());
}

#[test]
fn masking_hides_names_addresses_and_thumbprints_on_every_step_and_in_the_saved_report() {
    let lab = LabServer::start(Scenario::LeafWithoutClientAuth).expect("lab");
    let mut h = harness();
    aim_at(&mut h, &lab);
    run_all_checks(&mut h);
    let report = h.state().wizard.report().expect("report").clone();
    let verdict = report.verdict.status;
    let mut secrets = vec![LAB_HOST.to_owned(), "127.0.0.1".to_owned()];
    for c in &report
        .probe
        .as_ref()
        .expect("probe")
        .handshake
        .as_ref()
        .expect("tls")
        .presented_chain
    {
        secrets.push(c.sha256.clone());
        secrets.push(c.thumbprint_sha1.clone());
    }
    // A pasted log and case notes name other machines: they are masked too.
    h.state_mut().wizard.logs.text =
        "Event ID: 61013 ... https://ocs9.fabrikam.local:444/LiveServer/MCUFactory/ from fe80::99"
            .into();
    h.state_mut().wizard.notes.what_changed = "moved the CWA site from web7.fabrikam.local".into();
    secrets.extend(["ocs9.fabrikam.local", "fe80::99", "web7.fabrikam.local"].map(String::from));
    // Unmasked, the steps do show them (or the test would prove nothing).
    let plain = every_step_text(&mut h);
    assert!(plain.contains("ocs9.fabrikam.local") && plain.contains("web7.fabrikam.local"));
    assert!(plain.contains(LAB_HOST) && plain.contains("127.0.0.1"));

    h.state_mut().wizard.step = Step::Verdict;
    h.run();
    h.get_by_label(REDACT_LABEL).click();
    h.run();
    assert!(h.state().wizard.redact);
    let masked = every_step_text(&mut h);
    for s in &secrets {
        let s = s.to_ascii_lowercase();
        let shown: Vec<&str> = masked
            .lines()
            .filter(|l| l.to_ascii_lowercase().contains(&s))
            .collect();
        assert!(shown.is_empty(), "{s} is on screen: {shown:?}");
    }
    assert!(
        masked.contains("host-1.example"),
        "the host has its pseudonym"
    );
    assert_eq!(
        h.state().wizard.report().map(|r| r.verdict.status),
        Some(verdict)
    );

    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["masked.json", "masked.md", "masked.html"] {
        let path = dir.path().join(name);
        h.state_mut().save_report_to(&path);
        let text = std::fs::read_to_string(&path).expect("saved");
        for s in &secrets {
            assert!(
                !text.to_ascii_lowercase().contains(&s.to_ascii_lowercase()),
                "{name}: {s}"
            );
        }
        assert!(
            text.contains("host-1.example"),
            "{name}: same pseudonym as on screen"
        );
    }
}

#[test]
fn pool_step_draws_who_accepts_whom_and_explains_a_cell() {
    // Three members from three PKIs: a trusts a and b; b trusts all three; c trusts a and c. So c → a
    // is rejected while a → c is accepted (asymmetric), and a ↔ b both ways.
    let pki_a = common::member_pki("Alpha", "fe-a.contoso.test");
    let pki_b = common::member_pki("Bravo", "fe-b.contoso.test");
    let pki_c = common::member_pki("Charlie", "fe-c.contoso.test");
    let roots =
        |pkis: &[&common::Healthy]| pkis.iter().map(|p| p.root.der.clone()).collect::<Vec<_>>();
    let port_a = common::pool_member(&pki_a, roots(&[&pki_a, &pki_b]));
    let port_b = common::pool_member(&pki_b, roots(&[&pki_a, &pki_b, &pki_c]));
    let port_c = common::pool_member(&pki_c, roots(&[&pki_a, &pki_c]));
    let mut h = harness();
    h.state_mut().wizard.step = Step::Pool;
    h.run();
    let members = format!(
        "fe-a.contoso.test:{port_a} 127.0.0.1\nfe-b.contoso.test:{port_b} 127.0.0.1\nfe-c.contoso.test:{port_c} 127.0.0.1"
    );
    h.get_by_label(MEMBERS_LABEL).click();
    h.run();
    h.get_by_label(MEMBERS_LABEL).type_text(&members);
    h.run();
    h.get_by_label(RUN_POOL_LABEL).click();
    h.step();
    wait_for_checks(&mut h);
    let report = h.state().wizard.pool_report().expect("pool report").clone();
    let ids: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(
        ids.contains(&"pool.mtls-would-fail") && ids.contains(&"pool.trust-asymmetric"),
        "{ids:?}"
    );
    // The matrix, cell by cell, by accessible name.
    let text = all_text(&h);
    assert!(
        text.contains("fe-a.contoso.test connecting to fe-c.contoso.test: accepted"),
        "{text}"
    );
    assert!(text.contains("fe-c.contoso.test connecting to fe-a.contoso.test: rejected"));
    assert!(text.contains("fe-a.contoso.test connecting to fe-b.contoso.test: accepted"));
    // A click on a cell shows why.
    h.get_by_label("fe-c.contoso.test connecting to fe-a.contoso.test: rejected")
        .click();
    h.run();
    assert_eq!(h.state().wizard.pool.selected, Some((2, 0)));
    assert!(
        h.query_all_by_label_contains(
            "fe-c.contoso.test connecting to fe-a.contoso.test: ✖ rejected"
        )
        .count()
            == 1
    );
    let reasons = all_text(&h);
    assert!(
        reasons.contains("acceptable-CA list"),
        "the reason names the CA list: {reasons}"
    );
    assert!(
        h.query_all_by_label_contains("Pool trust").count() >= 1,
        "step 9 in the list"
    );
}

#[test]
fn practice_pool_fills_step_9_and_shows_the_one_way_trust() {
    use certwiz::gui::views::pool_ui::{START_PRACTICE_POOL_LABEL, STOP_PRACTICE_POOL_LABEL};
    let mut h = harness();
    step_button(&h, "9. Pool trust").click();
    h.run();
    h.get_by_label(START_PRACTICE_POOL_LABEL).click();
    h.step();
    wait_for_checks(&mut h);
    assert_eq!(h.state().wizard.pool.text.lines().count(), 3);
    assert_eq!(
        h.state().wizard.pool.anchors.len(),
        2,
        "both roots are the anchors"
    );
    h.get_by_label(RUN_POOL_LABEL).click();
    h.step();
    wait_for_checks(&mut h);
    let text = all_text(&h);
    assert!(
        text.contains("fe03.lab.test connecting to fe01.lab.test: rejected"),
        "{text}"
    );
    assert!(text.contains("fe01.lab.test connecting to fe03.lab.test: accepted"));
    // The first rejecting cell is opened with its reasons.
    assert!(text.contains("fe03.lab.test connecting to fe01.lab.test: ✖ rejected"));
    assert!(text.contains("does not name certwiz Lab New Root CA"));
    // #16: one cause (fe03's new root, missing on fe01 and fe02) is one problem, the members named,
    // said first on the page; its finding is listed once, and the one-way note is not a problem.
    let headline = "1 problem to fix: fe01.lab.test and fe02.lab.test would reject fe03.lab.test in mutual TLS";
    assert!(text.contains(headline), "{text}");
    let title = "fe01.lab.test and fe02.lab.test would reject fe03.lab.test in mutual TLS";
    assert_eq!(
        h.query_all_by_label(title).count(),
        1,
        "the finding is listed once"
    );
    assert_eq!(
        h.query_all_by_label("pool.mtls-would-fail").count(),
        1,
        "one such finding: {text}"
    );
    assert_eq!(h.query_all_by_label("pool.trust-asymmetric").count(), 1);
    assert!(!text.contains("problems to fix"), "{text}");
    h.get_by_label(STOP_PRACTICE_POOL_LABEL).click();
    h.run();
    assert!(h.state().wizard.pool.text.is_empty() && !h.state().wizard.pool.practice);
}

/// A practice lab that comes up after a saved report was opened is not kept: the report stays shown
/// read-only, untouched, and no practice server is left listening behind it.
#[test]
fn a_practice_lab_that_starts_after_a_saved_report_opened_is_not_kept() {
    use certwiz::gui::StartOptions;
    use certwiz::gui::wizard::LabState;

    // An empty Root store's health, as a saved report (any saved report will do).
    let report = certwiz::engine::root_store::report(
        certwiz::engine::root_store::facts(&[]),
        Vec::new(),
        time::OffsetDateTime::now_utc(),
    );
    let start = StartOptions {
        lab: Some(Scenario::ImpostorWebSite),
        open: Some((report, "ticket.json".to_owned())),
        ..StartOptions::default()
    };
    let mut h = harness_of(CertwizApp::with_start(start, None));
    wait_for_checks(&mut h);
    let app = h.state();
    assert!(app.wizard.is_read_only(), "{}", app.wizard.status);
    assert_eq!(app.wizard.lab.state, LabState::Stopped);
    assert_ne!(app.wizard.target.server_fqdn, LAB_HOST);
    assert!(!app.practice_servers_running(), "the late lab was dropped");
}
