//! #16 point 7: the fix itself has a Copy button, filled with what certwiz saw, and a value it did
//! not see is a placeholder the page says to replace.

use certwiz::gui::wizard::Step;
use certwiz::lab::Scenario;
use egui_kittest::kittest::Queryable;

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
    assert!(
        h.query_all_by_label_contains("replace <IIS site name> (angle brackets included)")
            .count()
            >= 1
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
