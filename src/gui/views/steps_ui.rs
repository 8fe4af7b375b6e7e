//! The left panel: numbered steps with a status mark in symbol, word and colour.

use egui::{RichText, Ui};

use crate::engine::report::VerdictStatus;
use crate::gui::tokens;
use crate::gui::wizard::{Msg, Step, StepStatus, Wizard};

/// Draws the step list.
pub fn steps_ui(ui: &mut Ui, wizard: &Wizard, msgs: &mut Vec<Msg>) {
    ui.add_space(tokens::SECTION_GAP);
    let suspected = wizard.suspected_steps();
    for step in Step::ALL {
        let status = wizard.step_status(step);
        let color = match status {
            StepStatus::NotRun | StepStatus::Running | StepStatus::Skipped => {
                tokens::NEUTRAL.into()
            }
            StepStatus::Cancelled => tokens::CANCELLED.into(),
            StepStatus::Ready => tokens::PASS.into(),
            StepStatus::Done(s) => tokens::severity_color(s),
        };
        let selected = wizard.step == step;
        let text = RichText::new(format!("{}. {}", step.number(), wizard.step_title(step)))
            .size(tokens::STEP_SIZE);
        let text = if selected { text.strong() } else { text };
        ui.horizontal(|ui| {
            let response = ui.selectable_label(selected, text);
            // One name with the state in words: a screen reader says "4. Certification path: fail".
            let name = wizard.step_name(step);
            response.widget_info(|| {
                egui::WidgetInfo::selected(egui::Role::Button, true, selected, &name)
            });
            if response.clicked() {
                msgs.push(Msg::Select(step));
            }
        });
        ui.horizontal(|ui| {
            ui.add_space(28.0);
            if status == StepStatus::Running {
                ui.spinner();
            }
            ui.label(
                RichText::new(status.label())
                    .size(tokens::STEP_STATUS_SIZE)
                    .color(color),
            );
        });
        // Steered by the pasted log: the steps that test its most likely causes are marked.
        if let Some((_, why)) = suspected.iter().find(|(s, _)| *s == step) {
            ui.horizontal(|ui| {
                ui.add_space(28.0);
                ui.label(
                    RichText::new("→ the log points here")
                        .size(tokens::STEP_STATUS_SIZE)
                        .color(tokens::HIGHLIGHT),
                )
                .on_hover_text(why);
            });
        }
        ui.add_space(6.0);
    }
    if let Some(report) = wizard.report() {
        ui.separator();
        let c = tokens::verdict_color(report.verdict.status);
        let word = match report.verdict.status {
            VerdictStatus::Fail => "✖ Problems found",
            VerdictStatus::Warn => "! Warnings",
            VerdictStatus::Unknown => "? Nothing recognised",
            VerdictStatus::Cancelled => "■ Cancelled: not all checked",
            VerdictStatus::Pass => "✔ No problems",
        };
        ui.label(
            RichText::new(word)
                .size(tokens::STEP_SIZE)
                .color(c)
                .strong(),
        );
    }
}
