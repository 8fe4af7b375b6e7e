//! #16 point 4: the wizard fits every screen it is shared on. Every step of every practice-lab
//! scenario is drawn at 1024×768, 1280×720 and 1920×1080 pixels at 100, 125 and 150 % zoom (the
//! window's size in points divided by the zoom: egui lays out in points, so this is the layout a
//! zoomed window gets), and no widget may reach past the window's right edge, and the step list
//! must reach step 9.

use certwiz::gui::app::CertwizApp;
use certwiz::gui::wizard::{Msg, Step};
use certwiz::lab::Scenario;
use egui_kittest::kittest::{By, NodeT, Queryable};

use super::{harness_of, lab_window};

/// Window sizes in pixels: an RDP session's, a laptop's, a meeting-room screen's.
const SIZES: [(f32, f32); 3] = [(1024.0, 768.0), (1280.0, 720.0), (1920.0, 1080.0)];
/// Zoom factors (Ctrl+= steps, and Windows' 125 % / 150 % display scaling).
const ZOOMS: [f32; 3] = [1.0, 1.25, 1.5];

/// What leaves the window's right edge on the shown step, as "label: right edge".
fn overflowing(h: &egui_kittest::Harness<'static, CertwizApp>, width: f32) -> Vec<String> {
    h.query_all(By::new())
        .filter_map(|node| {
            let n = node.accesskit_node();
            let name = n.label().or_else(|| n.value())?;
            n.bounding_box()?;
            let rect = node.rect();
            (rect.max.x > width + 1.0).then(|| format!("{name:?}: right edge {:.0}", rect.max.x))
        })
        .collect()
}

#[test]
fn every_step_of_every_lab_scenario_fits_every_screen() {
    let mut problems = Vec::new();
    for scenario in Scenario::ALL {
        let mut h = lab_window(scenario);
        assert!(
            h.state().wizard.report().is_some(),
            "{scenario:?}: no report"
        );
        for (w, hgt) in SIZES {
            for zoom in ZOOMS {
                let (width, height) = (w / zoom, hgt / zoom);
                h.set_size(egui::vec2(width, height));
                for step in Step::ALL {
                    h.state_mut().wizard.apply(Msg::Select(step));
                    // Grids settle over a few frames after a resize.
                    h.run_steps(8);
                    for what in overflowing(&h, width) {
                        problems.push(format!(
                            "{scenario:?} {w}x{hgt} at {zoom}: step {}: {what}",
                            step.number()
                        ));
                    }
                }
                // The step list reaches step 9 (it scrolls when it does not fit).
                super::step_button(&h, "9. Pool trust").scroll_to_me();
                h.run_steps(4);
                let last = super::step_button(&h, "9. Pool trust").rect();
                if last.max.y > height + 1.0 || last.min.y < 0.0 {
                    problems.push(format!(
                        "{scenario:?} {w}x{hgt} at {zoom}: step 9 out of reach ({last:?})"
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A window of 1024×768 with the healthy lab checked, on step 4 (taller than the window).
fn step_4_at_1024x768() -> egui_kittest::Harness<'static, CertwizApp> {
    let mut h = lab_window(Scenario::Healthy);
    h.set_size(egui::vec2(1024.0, 768.0));
    h.run();
    super::step_button(&h, "4. Certification path").click();
    h.run();
    h
}

/// Whether the node named `label` lies within the window's height.
fn in_view(h: &egui_kittest::Harness<'static, CertwizApp>, label: &str, height: f32) -> bool {
    let rect = h.get_by_label(label).rect();
    rect.min.y >= 0.0 && rect.max.y <= height
}

/// Expected: End scrolls step 4 to its bottom (its heading leaves the view), Home back to the top;
/// PageDown moves the page; another step opens at its top, and so does step 4 again.
#[test]
fn the_keyboard_scrolls_the_page_and_each_step_opens_at_its_top() {
    let mut h = step_4_at_1024x768();
    let heading = "4. Certification path";
    assert!(in_view(&h, heading, 768.0));
    h.key_press(egui::Key::End);
    h.run();
    assert!(!in_view(&h, heading, 768.0), "End scrolls to the bottom");
    h.key_press(egui::Key::Home);
    h.run();
    assert!(in_view(&h, heading, 768.0), "Home scrolls to the top");
    let before = h.get_by_label(heading).rect().min.y;
    h.key_press(egui::Key::PageDown);
    h.run();
    let after = h.get_by_label(heading).rect().min.y;
    assert!(
        before - after > 300.0,
        "PageDown moved {} points",
        before - after
    );
    h.key_press(egui::Key::End);
    h.run();
    super::step_button(&h, "5. Purposes").click();
    h.run();
    assert!(in_view(&h, "5. Purposes", 768.0), "step 5 opens at its top");
    super::step_button(&h, "4. Certification path").click();
    h.run();
    assert!(in_view(&h, heading, 768.0), "step 4 opens at its top again");
    // Alt+9 reaches the ninth step.
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::Num9);
    h.run();
    assert_eq!(h.state().wizard.step, Step::Pool);
}

/// Expected: Tab through step 4 at 1024×768: every control that gets the focus is scrolled into
/// the window.
#[test]
fn tab_scrolls_the_focused_control_into_view() {
    let mut h = step_4_at_1024x768();
    let mut below_the_fold_seen = false;
    for _ in 0..40 {
        h.key_press(egui::Key::Tab);
        h.run();
        let focused = h
            .query_all(By::new())
            .find(|n| n.accesskit_node().is_focused())
            .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()));
        let Some((name, rect)) = focused else {
            continue;
        };
        assert!(
            rect.min.y >= 0.0 && rect.max.y <= 768.0 + 1.0,
            "{name:?} focused at {rect:?}, out of view"
        );
        below_the_fold_seen |= rect.min.y > 400.0;
    }
    assert!(below_the_fold_seen, "Tab reached controls low on the page");
}

/// Expected: on first launch at 1024×768 (and at 150 %), the practice lab's Start button is in view
/// without scrolling.
#[test]
fn the_practice_lab_is_in_view_on_first_launch() {
    for (width, height) in [(1024.0, 768.0), (1024.0 / 1.5, 768.0 / 1.5)] {
        let mut h = harness_of(CertwizApp::new());
        h.set_size(egui::vec2(width, height));
        h.run();
        assert!(
            in_view(&h, "Start practice lab", height),
            "{width}x{height}"
        );
    }
}
