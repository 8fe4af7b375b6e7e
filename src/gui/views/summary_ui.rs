//! The lines a result step's page opens with: its state in words, what a cancel left unjudged, and
//! its failing and warning findings, computed from the same findings as its status in the step list
//! ([`Wizard::step_findings`]), so the page and the list cannot disagree.

use egui::{RichText, Ui};

use crate::engine::finding::Severity;
use crate::engine::report::CheckPart;
use crate::gui::tokens;
use crate::gui::wizard::{Step, StepStatus, Wizard};

/// The line that says a cancel stopped this step's check, and what it did not check (nothing when
/// the run finished).
pub fn cancelled_line_ui(ui: &mut Ui, wizard: &Wizard, step: Step) {
    let not_checked = wizard.step_not_checked(step);
    if !not_checked.is_empty() {
        ui.label(
            RichText::new(format!(
                "{} Cancelled before this step's check finished: what it did not finish is not judged. Not checked: {}.",
                tokens::CANCELLED_MARK,
                CheckPart::list(&not_checked)
            ))
            .size(tokens::BODY_SIZE)
            .strong()
            .color(tokens::CANCELLED),
        );
    }
}

/// Draws the opening lines of `step`'s page (nothing before any check, nothing while it runs).
pub fn step_summary_ui(ui: &mut Ui, wizard: &Wizard, step: Step) {
    let status = wizard.step_status(step);
    cancelled_line_ui(ui, wizard, step);
    if step == Step::LocalCertificate
        && let Some(gap) = wizard.local_certificate_gap()
    {
        ui.label(
            RichText::new(format!("{} {gap}", tokens::severity_mark(Severity::Warn)))
                .size(tokens::BODY_SIZE)
                .color(tokens::WARN),
        );
    }
    if !matches!(status, StepStatus::Done(_) | StepStatus::Cancelled) {
        return;
    }
    for finding in wizard
        .step_findings(step)
        .into_iter()
        .filter(|f| matches!(f.severity, Severity::Fail | Severity::Warn))
    {
        super::finding_line_ui(ui, finding);
    }
    ui.add_space(tokens::SECTION_GAP / 2.0);
}
