//! #16 point 7: the fix itself has a Copy button, filled with what certwiz saw, and a value it did
//! not see is a placeholder the page says to replace.

use certwiz::gui::wizard::Step;
use certwiz::lab::Scenario;
use egui_kittest::kittest::{NodeT, Queryable};

use super::{copied_text, lab_window};

#[test]
fn step_6_offers_the_binding_removal_to_copy_with_its_port_and_a_site_placeholder() {
    // Written down first: a web site answers on the lab's port; certwiz cannot see the IIS site's
    // name from outside, so the removal names "<IIS site name>" and the page says to replace it.
    let mut h = lab_window(Scenario::ImpostorWebSite);
    let port = h.state().wizard.target.port.trim().to_owned();
    h.state_mut().wizard.step = Step::Port;
    h.run();
    let removal = format!(
        "Copy fix: Remove-WebBinding -Name \"<IIS site name>\" -Port {port} -Protocol https"
    );
    h.get_by_label(&removal);
    h.get_by_label("Copy fix: Stop-CsWindowsService; Start-CsWindowsService");
    // Under the Copy button, what to put there.
    let replace = h.get_by_label_contains(
        "replace <IIS site name> (angle brackets included) with the name of the site that Get-WebBinding -Port lists",
    );
    assert!(
        replace.rect().top() >= h.get_by_label(&removal).rect().bottom(),
        "the line is under the Copy button"
    );
    // The diagnostic commands stay plain copies.
    h.get_by_label(&format!("Copy: Get-WebBinding -Port {port}"));
    // Pressing it copies the very command.
    h.get_by_label(&removal).click();
    // One frame: the click is handled in it and its output holds the copy.
    h.step();
    let copied = copied_text(&h);
    assert_eq!(
        copied.as_deref(),
        Some(
            format!("Remove-WebBinding -Name \"<IIS site name>\" -Port {port} -Protocol https")
                .as_str()
        )
    );
}

#[test]
fn the_verdict_copies_the_root_import_with_the_roots_own_name_and_thumbprint() {
    // Written down first: the lab server's chain ends in a root that is not among step 3's; the
    // fix adds that very root (its name, from the report's path) to Trusted Root, and the check
    // after it finds the root by its thumbprint. No placeholder is left: certwiz saw the root.
    let mut h = lab_window(Scenario::UntrustedRoot);
    let report = h.state().wizard.report().expect("report").clone();
    let root = &report.path.as_ref().expect("path").nodes[0].certificate;
    h.state_mut().wizard.step = Step::Verdict;
    h.run();
    let add = format!("certutil -addstore -f Root \"{}.cer\"", root.display_name);
    let copies: Vec<String> = h
        .query_all_by_label_contains("Copy")
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert!(copies.contains(&format!("Copy fix: {add}")), "{copies:#?}");
    h.get_by_label(&format!("Copy fix: {add}")).click();
    h.step();
    assert_eq!(copied_text(&h).as_deref(), Some(add.as_str()));
    h.get_by_label(&format!(
        "Copy: certutil -store Root {}",
        root.thumbprint_sha1
    ));
    assert_eq!(
        h.query_all_by_label_contains("Before running it, replace")
            .count(),
        0,
        "nothing to replace on this page"
    ); // Step 4, where the untrusted root is shown, offers the same fix.
    h.state_mut().wizard.step = Step::CertificationPath;
    h.run();
    h.get_by_label(&format!("Copy fix: {add}"));
    h.get_by_label("How to fix");
}

#[test]
fn every_placeholder_a_page_shows_is_in_angle_brackets_and_said_what_to_put_there() {
    // The leaf without Client Authentication: the request names the issuing CA certwiz saw; only
    // the CA's server is a placeholder, and step 5 says what to put there.
    let mut h = lab_window(Scenario::LeafWithoutClientAuth);
    h.state_mut().wizard.step = Step::Purposes;
    h.run();
    let requests: Vec<String> = h
        .query_all_by_label_contains("Copy fix: Request-CsCertificate")
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(
        requests[0].contains("-CA \"<CA server FQDN>\\certwiz Lab Issuing CA\""),
        "{}",
        requests[0]
    );
    h.get_by_label_contains(
        "replace <CA server FQDN> (angle brackets included) with the CA server's DNS name",
    );
}
