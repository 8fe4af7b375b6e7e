//! Step 8: the verdict, findings sorted by severity with detail and fix, and Copy summary.

use egui::{RichText, Ui};

use super::{finding_ui, no_report_ui, step_heading_ui};
use crate::gui::tokens;
use crate::gui::wizard::{Msg, Step, Wizard};

/// Draws step 8.
pub fn verdict_ui(ui: &mut Ui, wizard: &Wizard, msgs: &mut Vec<Msg>) {
    step_heading_ui(ui, Step::Verdict.number(), Step::Verdict.title());
    let Some(report) = wizard.report() else {
        return no_report_ui(ui, wizard, msgs);
    };
    super::verdict_headline_ui(ui, report, tokens::VERDICT_SIZE);
    if let Some(next) = &report.verdict.next_step {
        ui.label(RichText::new(format!("What to do: {next}")).size(tokens::BODY_SIZE));
    }
    ui.add_space(8.0);
    if ui
        .button(RichText::new("Copy summary").size(tokens::BODY_SIZE))
        .clicked()
    {
        msgs.push(Msg::CopySummary);
    }
    let causes = wizard.log_causes_checked();
    if !causes.is_empty() {
        super::section_ui(ui, "What the pasted log suggested");
        for (h, confirming) in causes {
            let (text, color) = match confirming {
                Some(f) => (
                    format!(
                        "✖ Confirmed by step {}: {} ({})",
                        h.step,
                        h.title.trim(),
                        f.title
                    ),
                    tokens::FAIL,
                ),
                None => (
                    format!("○ Not confirmed by these checks: {}", h.title.trim()),
                    tokens::NEUTRAL,
                ),
            };
            ui.label(RichText::new(text).size(tokens::BODY_SIZE).color(color));
        }
        ui.add_space(6.0);
    }
    ui.separator();
    // The same finding twice is said once.
    for (i, finding) in wizard.step_findings(Step::Verdict).into_iter().enumerate() {
        finding_ui(ui, finding);
        super::explain_ui::explain_toggle_ui(ui, finding, i);
    }
}
