//! Step 1 with a paste certwiz recognises nothing in: the "nothing recognised" state and the Error and
//! Warning events it did read, found by their accessible names.

use std::path::PathBuf;

use egui_kittest::kittest::Queryable;

use super::harness;

/// Pastes a corpus file into step 1 and analyses it, as the background task would.
pub(crate) fn paste(
    h: &mut egui_kittest::Harness<'static, certwiz::gui::app::CertwizApp>,
    file: &str,
) {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/logs")
            .join(file),
    )
    .expect("corpus");
    let wizard = &mut h.state_mut().wizard;
    wizard.logs.text = text;
    wizard.apply(certwiz::gui::wizard::Msg::LogTextChanged);
    let generation = wizard.logs.generation;
    let analysis = certwiz::engine::logs::analyse(&wizard.logs.text);
    wizard.on_logs_analysed(generation, analysis);
}

#[test]
fn step_1_says_nothing_was_recognised_and_lists_the_errors_it_read() {
    let mut h = harness();
    paste(&mut h, "unrecognised-errors.txt");
    h.run();
    h.get_by_label("? certwiz recognises none of these 5 events. This is not an all-clear.");
    h.get_by_label("Error and Warning events read (not recognised)");
    h.get_by_label(
        "Error · Event 20 (Microsoft-Windows-WindowsUpdateClient) ×1, line 17: Installation \
         Failure: Windows failed to install the following update with error 0x80070643: Security \
         Intelligence Update.",
    );
    h.get_by_label_contains("Error · Event 1000 (Application Error) ×2");
    h.get_by_label_contains("Warning · Event 153 (disk) ×1");
    // Never a pass anywhere in step 1.
    assert!(h.query_by_label_contains("No problems").is_none());
    assert!(
        h.query_by_label("Possible causes, most likely first")
            .is_none()
    );
}
