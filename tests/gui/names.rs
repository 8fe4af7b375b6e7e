//! #16 point 8: accessible names that read well. No control's name holds a drawn mark (a screen
//! reader would read "black right-pointing triangle"), and step 5's table is read row by row.

use certwiz::gui::app::CertwizApp;
use certwiz::gui::wizard::Step;
use certwiz::lab::{LAB_HOST, Scenario};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};

use super::lab_window;

/// Roles a user operates: their names are what a screen reader announces on Tab.
const CONTROLS: [Role; 6] = [
    Role::Button,
    Role::RadioButton,
    Role::CheckBox,
    Role::ComboBox,
    Role::TextInput,
    Role::MultilineTextInput,
];

/// The marks the wizard draws beside its words (listed by hand, not taken from certwiz).
const MARKS: [char; 14] = [
    '▶', '■', '✔', '✖', '✗', '★', '⚠', '└', '→', '◆', '●', '☀', '🌙', '⟳',
];

/// Every control's name on the shown page that holds a mark.
fn marked_controls(h: &Harness<'static, CertwizApp>) -> Vec<String> {
    h.query_all(By::new())
        .filter_map(|node| {
            let n = node.accesskit_node();
            if !CONTROLS.contains(&n.role()) {
                return None;
            }
            let name = n.label()?;
            name.chars()
                .any(|c| MARKS.contains(&c))
                .then(|| format!("{:?} {name:?}", n.role()))
        })
        .collect()
}

#[test]
fn no_control_on_any_step_has_a_mark_in_its_name() {
    let mut found = Vec::new();
    for scenario in [Scenario::IssuingServerAuthOnly, Scenario::ImpostorWebSite] {
        let mut h = lab_window(scenario);
        for step in Step::ALL {
            h.state_mut().wizard.step = step;
            h.run();
            found.extend(
                marked_controls(&h)
                    .into_iter()
                    .map(|c| format!("{scenario:?} step {}: {c}", step.number())),
            );
        }
        // The controls named here are there, in words.
        h.state_mut().wizard.step = Step::WhatHappened;
        h.run();
        assert!(h.query_by_label("Restart practice lab").is_some());
        assert!(h.query_by_label("Stop practice lab").is_some());
        assert!(h.query_by_label("Run all checks").is_some());
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn step_5_is_read_row_by_row() {
    // The issuing CA is enabled for Server Authentication only (written down before the run: the
    // leaf allows both, the issuing CA only Server Authentication, so the chain as a whole is not
    // usable for Client Authentication).
    let mut h = lab_window(Scenario::IssuingServerAuthOnly);
    h.state_mut().wizard.step = Step::Purposes;
    h.run();
    let rows: Vec<String> = h
        .query_all(By::new().role(Role::Row))
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert!(
        rows.contains(&format!(
            "{LAB_HOST}: Server Authentication yes, Client Authentication yes"
        )),
        "{rows:#?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.ends_with(": Server Authentication yes, Client Authentication no")),
        "{rows:#?}"
    );
    assert!(
        rows.contains(
            &"Chain as a whole: Server Authentication usable, Client Authentication NOT usable"
                .to_owned()
        ),
        "{rows:#?}"
    );
}
