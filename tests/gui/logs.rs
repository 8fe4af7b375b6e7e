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

/// #16 point 4: the wheel over the log box scrolls the page past it (the box does not trap it)
/// until the user clicks into the box.
#[test]
fn the_wheel_over_the_log_box_scrolls_the_page_until_the_box_is_clicked() {
    // Tall enough that the box's top is in the window, with page left below it.
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1280.0, 1100.0))
        .with_max_steps(12)
        .build_ui_state(
            |ui, app: &mut certwiz::gui::app::CertwizApp| app.ui_root(ui),
            certwiz::gui::app::CertwizApp::new(),
        );
    // Long enough for the box to scroll inside and for the page to scroll.
    let long: String = (0..400)
        .map(|i| format!("Log Name: Application  Event ID: {i}  Level: Information\n"))
        .collect();
    h.state_mut().wizard.logs.text = long;
    h.state_mut()
        .wizard
        .apply(certwiz::gui::wizard::Msg::LogTextChanged);
    h.run();
    let top = |h: &egui_kittest::Harness<'static, certwiz::gui::app::CertwizApp>| {
        h.get_by_label("Symptom").rect().min.y
    };
    let wheel = |h: &mut egui_kittest::Harness<'static, certwiz::gui::app::CertwizApp>| {
        // Just inside the box's top edge: the part of it in the window.
        let rect = log_box(h).rect();
        h.hover_at(egui::pos2(rect.center().x, rect.min.y + 30.0));
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -120.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::default(),
        });
        h.run();
    };
    let before = top(&h);
    let box_top = log_box(&h).rect().min.y;
    assert!(box_top < 1000.0, "the box is in view: {box_top}");
    wheel(&mut h);
    let after = top(&h);
    assert!(
        after < before - 20.0,
        "the page scrolled under the wheel: label at {before} then {after}"
    );
    // Clicked into, the box takes the wheel and the page stays.
    log_box(&h).click();
    h.run();
    let clicked = top(&h);
    wheel(&mut h);
    assert!(
        (top(&h) - clicked).abs() < 1.0,
        "the page stayed: label at {clicked} then {}",
        top(&h)
    );
}

/// The editable log box, by its role and the pasted text it holds.
fn log_box<'a>(
    h: &'a egui_kittest::Harness<'static, certwiz::gui::app::CertwizApp>,
) -> egui_kittest::Node<'a> {
    h.get(
        egui_kittest::kittest::By::new()
            .role(egui::accesskit::Role::MultilineTextInput)
            .predicate(|n| {
                n.value()
                    .is_some_and(|v| v.starts_with("Log Name: Application"))
            }),
    )
}
