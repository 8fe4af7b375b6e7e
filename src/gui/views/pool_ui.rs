//! Step 9: the pool trust matrix. Every front end of an Enterprise pool connects to the others with
//! its own certificate as the client certificate, so each must accept every other's: the matrix shows
//! who accepts whom (✓ / ✗ / ?), and a click on a cell says why.

use egui::{RichText, Ui};

use crate::engine::pool::PoolMatrix;
use crate::gui::tokens;
use crate::gui::views::{finding_ui, section_ui, step_heading_ui};
use crate::gui::wizard::{Msg, Step, Wizard};

/// Accessible name of the members box.
pub const MEMBERS_LABEL: &str = "Pool members, one per line";
/// Accessible name of the run button.
pub const RUN_POOL_LABEL: &str = "Check the pool";
/// Starts the practice pool.
pub const START_PRACTICE_POOL_LABEL: &str = "Start practice pool";
/// Stops it.
pub const STOP_PRACTICE_POOL_LABEL: &str = "Stop practice pool";

/// Step 9.
pub fn pool_ui(ui: &mut Ui, wizard: &mut Wizard, msgs: &mut Vec<Msg>) {
    pool_matrix_ui(ui, wizard, msgs);
    // The other servers that call ours with mutual TLS: a federation partner's access edges.
    super::federation_ui::federation_partner_ui(ui, wizard, msgs);
}

/// Step 9's pool part: the members and the matrix.
fn pool_matrix_ui(ui: &mut Ui, wizard: &mut Wizard, msgs: &mut Vec<Msg>) {
    step_heading_ui(
        ui,
        Step::Pool.number(),
        "Pool trust: who accepts whom for mutual TLS",
    );
    ui.label(
        RichText::new(
            "In an Enterprise pool every front end calls the others (MCU Factory, Focus, C3P) and \
             presents its own certificate as the client certificate. Each server must trust the \
             others' certificate chains — \"the chain of the local server installed on the remote \
             server and vice-versa\". certwiz asks every member at once what it presents and which \
             CAs it accepts, then decides each pair.",
        )
        .size(tokens::DETAIL_SIZE),
    );
    section_ui(ui, "Members");
    let editable = !wizard.is_read_only() && !wizard.redact && !wizard.pool.running;
    if editable {
        ui.label(
            RichText::new(format!(
                "One front end per line: FQDN, or FQDN:port (default: step 2's port, {}). Add an IP \
                 address after a space to connect there instead of resolving the name. The trust \
                 anchors are step 3's root certificates; step 2's pool FQDN, when given, must be on \
                 every member's certificate.",
                wizard.target.port.trim()
            ))
            .size(tokens::SMALL_SIZE)
            .weak(),
        );
        let edit = egui::TextEdit::multiline(&mut wizard.pool.text)
            .hint_text("fe1.contoso.com\nfe2.contoso.com\nfe3.contoso.com:444")
            .desired_rows(4)
            .desired_width(520.0)
            .font(egui::TextStyle::Monospace);
        let response = ui.add(edit);
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::MultilineTextInput, true, MEMBERS_LABEL)
        });
    } else {
        let shown: Vec<String> = if wizard.pool.hosts.is_empty() {
            wizard
                .pool_report()
                .and_then(|r| r.pool.as_ref())
                .map(|p| p.members.iter().map(|m| m.label.clone()).collect())
                .unwrap_or_default()
        } else {
            wizard
                .pool
                .hosts
                .iter()
                .map(|h| wizard.mask(h).into_owned())
                .collect()
        };
        ui.label(
            RichText::new(if shown.is_empty() {
                "(none)".to_owned()
            } else {
                shown.join(", ")
            })
            .size(tokens::DETAIL_SIZE)
            .monospace(),
        );
    }
    if let Some(error) = &wizard.pool.error {
        ui.label(
            RichText::new(format!("✗ {}", wizard.mask(error)))
                .size(tokens::DETAIL_SIZE)
                .color(tokens::FAIL),
        );
    }
    ui.horizontal(|ui| {
        if !wizard.is_read_only() {
            if wizard.pool.practice {
                if ui
                    .button(RichText::new(STOP_PRACTICE_POOL_LABEL).size(tokens::DETAIL_SIZE))
                    .clicked()
                {
                    msgs.push(Msg::StopPracticePool);
                }
            } else if ui
                .button(RichText::new(START_PRACTICE_POOL_LABEL).size(tokens::DETAIL_SIZE))
                .on_hover_text(
                    "Three front ends on this computer: fe03 was renewed from a new CA whose root \
                     only fe03 trusts, so the others reject it",
                )
                .clicked()
            {
                msgs.push(Msg::StartPracticePool);
            }
        }
        if wizard.pool.running {
            ui.spinner();
            ui.label(RichText::new("Asking every member at once…").size(tokens::BODY_SIZE));
        } else {
            let enabled = !wizard.is_read_only() && !wizard.pool.text.trim().is_empty();
            let run = egui::Button::new(
                RichText::new(format!("▶ {RUN_POOL_LABEL}"))
                    .size(tokens::BODY_SIZE)
                    .strong(),
            )
            .min_size(egui::vec2(180.0, tokens::RUN_BUTTON_HEIGHT));
            let response = ui.add_enabled(enabled, run);
            super::names::name_button(&response, RUN_POOL_LABEL);
            if response
                .on_disabled_hover_text("Enter the pool's front ends first")
                .clicked()
            {
                msgs.push(Msg::RunPool);
            }
        }
    });

    let Some(report) = wizard.pool_report() else {
        return;
    };
    let Some(matrix) = report.pool.as_ref() else {
        return;
    };
    // The pool's verdict first: one problem per cause, the members it affects in its title.
    super::verdict_headline_ui(ui, report, tokens::BODY_SIZE);
    section_ui(ui, "Who accepts whom");
    ui.label(
        RichText::new(
            "Row: the server that connects and presents its certificate. Column: the server that \
             accepts (✔) or rejects (✖) it. ? = unknown: a member did not answer TLS. Click a cell for \
             the reasons.",
        )
        .size(tokens::SMALL_SIZE)
        .weak(),
    );
    matrix_ui(ui, matrix, wizard.pool.selected, msgs);
    if let Some((client, server)) = wizard.pool.selected {
        cell_reasons_ui(ui, matrix, client, server);
    }
    section_ui(ui, "Members");
    for m in &matrix.members {
        let mark = if m.certificate.is_some() { "•" } else { "!" };
        ui.label(
            RichText::new(format!("{mark} {}: {}", m.label, m.status_text))
                .size(tokens::DETAIL_SIZE),
        );
    }
    section_ui(ui, "Findings");
    // The same finding twice (same id and title) is said once, as on the other pages.
    for f in super::distinct_findings(&report.findings) {
        finding_ui(ui, f);
    }
}

/// A cell's mark in the window's fonts: ✔ accepts, ✖ rejects, ? unknown.
pub fn pool_mark(accepted: Option<bool>) -> &'static str {
    match accepted {
        Some(true) => "✔",
        Some(false) => "✖",
        None => "?",
    }
}

/// Accessible name of a cell's button, in words: "fe03.lab.test connecting to fe01.lab.test:
/// rejected".
pub fn cell_label(matrix: &PoolMatrix, client: usize, server: usize) -> String {
    let name = |i: usize| matrix.members.get(i).map_or("?", |m| m.label.as_str());
    let accepted = matrix.cell(client, server).and_then(|c| c.accepted);
    format!(
        "{} connecting to {}: {}",
        name(client),
        name(server),
        match accepted {
            Some(true) => "accepted",
            Some(false) => "rejected",
            None => "unknown",
        }
    )
}

fn matrix_ui(
    ui: &mut Ui,
    matrix: &PoolMatrix,
    selected: Option<(usize, usize)>,
    msgs: &mut Vec<Msg>,
) {
    let n = matrix.members.len();
    egui::ScrollArea::horizontal()
        .id_salt("pool_matrix")
        .show(ui, |ui| {
            egui::Grid::new("pool_matrix_grid")
                .striped(true)
                .spacing(egui::vec2(12.0, 8.0))
                .show(ui, |ui| {
                    ui.label(
                        RichText::new("connects ↓ · accepts →")
                            .size(tokens::SMALL_SIZE)
                            .weak(),
                    );
                    for (i, m) in matrix.members.iter().enumerate() {
                        ui.label(
                            RichText::new(format!("[{}]", i + 1))
                                .size(tokens::BODY_SIZE)
                                .strong(),
                        )
                        .on_hover_text(&m.label);
                    }
                    ui.end_row();
                    for a in 0..n {
                        let label = matrix.members.get(a).map_or("?", |m| m.label.as_str());
                        ui.label(
                            RichText::new(format!("[{}] {label}", a + 1))
                                .size(tokens::BODY_SIZE)
                                .strong(),
                        );
                        for b in 0..n {
                            if a == b {
                                ui.label(RichText::new("—").size(tokens::BODY_SIZE).weak());
                                continue;
                            }
                            let accepted = matrix.cell(a, b).and_then(|c| c.accepted);
                            let (word, color) = match accepted {
                                Some(true) => ("accepts", tokens::PASS),
                                Some(false) => ("rejects", tokens::FAIL),
                                None => ("unknown", tokens::NEUTRAL),
                            };
                            let chosen = selected == Some((a, b));
                            let text = RichText::new(format!("{} {word}", pool_mark(accepted)))
                                .size(tokens::BODY_SIZE)
                                .strong();
                            // On the chosen cell's highlight the theme's strong text reads best.
                            let text = if chosen { text } else { text.color(color) };
                            let button = egui::Button::selectable(chosen, text)
                                .min_size(egui::vec2(110.0, 32.0));
                            let response = ui.add(button);
                            let name = cell_label(matrix, a, b);
                            response.widget_info(|| {
                                egui::WidgetInfo::labeled(egui::Role::Button, true, name.clone())
                            });
                            if response.clicked() {
                                msgs.push(Msg::SelectCell(a, b));
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}

fn cell_reasons_ui(ui: &mut Ui, matrix: &PoolMatrix, client: usize, server: usize) {
    let Some(cell) = matrix.cell(client, server) else {
        return;
    };
    let name = |i: usize| matrix.members.get(i).map_or("?", |m| m.label.as_str());
    section_ui(
        ui,
        &format!(
            "{} connecting to {}: {}",
            name(client),
            name(server),
            match cell.accepted {
                Some(true) => "✔ accepted",
                Some(false) => "✖ rejected",
                None => "? unknown",
            }
        ),
    );
    for reason in &cell.reasons {
        ui.label(RichText::new(format!("• {reason}")).size(tokens::DETAIL_SIZE));
    }
}
