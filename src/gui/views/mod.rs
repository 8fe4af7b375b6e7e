//! The wizard's views: one `*_ui` function per area. They draw the [`Wizard`] and push [`Msg`]s; they
//! never do slow work.

pub mod certificate_ui;
pub mod explain_ui;
pub mod federation_ui;
pub mod logs_ui;
pub mod names;
pub mod path_ui;
pub mod pool_ui;
pub mod port_ui;
pub mod secrets;
pub mod server_ui;
pub mod steps_ui;
pub mod summary_ui;
pub mod theme_ui;
pub mod timeline_ui;
pub mod verdict_ui;

use egui::{RichText, Ui};

use crate::engine::finding::{Finding, Severity};
use crate::gui::tokens;
use crate::gui::wizard::{Msg, Wizard};

/// Whether the inputs are shown but cannot be edited: a saved report is shown, or the view is masked
/// (an editable field would show the real name).
pub fn locked(wizard: &Wizard) -> bool {
    wizard.is_read_only() || wizard.redact
}

/// A step's heading: "4. Certification path".
pub fn step_heading_ui(ui: &mut Ui, number: usize, title: &str) {
    ui.label(
        RichText::new(format!("{number}. {title}"))
            .size(tokens::HEADING_SIZE)
            .strong(),
    );
    ui.add_space(tokens::SECTION_GAP / 2.0);
}

/// A button that asks for background work, disabled with a spinner beside it while that work runs
/// (pressing it again would start the same work twice).
pub fn work_button_ui(ui: &mut Ui, text: &str, working: bool, msg: Msg, msgs: &mut Vec<Msg>) {
    ui.horizontal(|ui| {
        let button = egui::Button::new(RichText::new(text).size(tokens::BODY_SIZE));
        if ui.add_enabled(!working, button).clicked() {
            msgs.push(msg);
        }
        if working {
            ui.spinner();
        }
    });
}

/// Whether Enter was pressed in this single-line field (it gives up focus on Enter): the step's check
/// runs, as it does for Enter anywhere outside a field.
pub fn submitted(response: &egui::Response) -> bool {
    response.lost_focus() && response.ctx.input(|i| i.key_pressed(egui::Key::Enter))
}

/// A section label inside a step.
pub fn section_ui(ui: &mut Ui, title: &str) {
    ui.add_space(tokens::SECTION_GAP);
    ui.label(RichText::new(title).size(tokens::SECTION_SIZE).strong());
}

/// "Run the checks first" when there is no report yet.
pub fn no_report_ui(ui: &mut Ui, wizard: &Wizard, msgs: &mut Vec<Msg>) {
    ui.label(RichText::new("No checks have run yet.").size(tokens::BODY_SIZE));
    if wizard.is_running() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(RichText::new(wizard.mask(&wizard.status)).size(tokens::BODY_SIZE));
        });
    } else if ui
        .add_enabled(
            wizard.can_run(),
            egui::Button::new(RichText::new("Run all checks").size(tokens::BODY_SIZE)),
        )
        .clicked()
    {
        msgs.push(Msg::RunAll);
    }
}

/// A grid of `columns` that never reaches past the page's right edge: each column gets at most its
/// share of the width (after `spacing_x` between columns) and the text in its cells wraps.
pub fn fitted_grid_ui(
    ui: &mut Ui,
    grid: egui::Grid,
    columns: usize,
    spacing_x: f32,
    add_contents: impl FnOnce(&mut Ui),
) {
    let gaps = spacing_x * columns.saturating_sub(1) as f32;
    let share = ((ui.available_width() - gaps) / columns.max(1) as f32).max(48.0);
    grid.num_columns(columns)
        .max_col_width(share)
        .show(ui, |ui| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
            add_contents(ui);
        });
}

/// `findings` without repeats: the same finding twice (same id and title) is listed once, as
/// [`crate::gui::wizard::Wizard::step_findings`] does for the step pages.
pub fn distinct_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<&'a Finding> {
    let mut out: Vec<&Finding> = Vec::new();
    for f in findings {
        if !out
            .iter()
            .any(|seen| seen.id == f.id && seen.title == f.title)
        {
            out.push(f);
        }
    }
    out
}

/// A report's verdict in one line, in its colour: mark and summary ("✖ 1 problem to fix: ...").
pub fn verdict_headline_ui(ui: &mut Ui, report: &crate::engine::report::Report, size: f32) {
    ui.label(
        RichText::new(format!(
            "{} {}",
            tokens::verdict_mark(report.verdict.status),
            report.verdict.summary
        ))
        .size(size)
        .strong()
        .color(tokens::verdict_color(report.verdict.status)),
    );
}

/// One finding in one line: its mark and title in its colour (the opening lines of a step's page).
pub fn finding_line_ui(ui: &mut Ui, finding: &Finding) {
    ui.label(
        RichText::new(format!(
            "{} {}",
            tokens::severity_mark(finding.severity),
            finding.title
        ))
        .size(tokens::BODY_SIZE)
        .strong()
        .color(tokens::severity_color(finding.severity)),
    );
}

/// One finding: symbol + word + title, then detail and fix.
pub fn finding_ui(ui: &mut Ui, finding: &Finding) {
    let color = tokens::severity_color(finding.severity);
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!(
                "{} {}",
                tokens::severity_mark(finding.severity),
                finding.severity.as_str().to_uppercase()
            ))
            .size(tokens::BODY_SIZE)
            .color(color)
            .strong(),
        );
        ui.label(
            RichText::new(&finding.title)
                .size(tokens::BODY_SIZE)
                .strong(),
        );
    });
    ui.label(RichText::new(&finding.detail).size(tokens::DETAIL_SIZE));
    if finding.severity != Severity::Pass {
        ui.label(
            RichText::new(format!("Fix: {}", finding.fix))
                .size(tokens::DETAIL_SIZE)
                .italics(),
        );
    }
    commands_ui(ui, &finding.commands);
    ui.label(RichText::new(&finding.id).size(tokens::CAPTION_SIZE).weak());
    ui.add_space(8.0);
}

/// Commands to copy, each with what it does and a Copy button (its accessible name says which
/// command). certwiz never runs them.
pub fn commands_ui(ui: &mut Ui, commands: &[crate::engine::fixes::FixCommand]) {
    for c in commands {
        let is_fix = c.kind == crate::engine::fixes::CommandKind::Fix;
        let purpose = RichText::new(c.title()).size(tokens::DETAIL_SIZE);
        ui.label(if is_fix { purpose.strong() } else { purpose });
        let copy_word = if is_fix { "Copy fix" } else { "Copy" };
        ui.horizontal_wrapped(|ui| {
            let copy = ui
                .button(RichText::new(copy_word).size(tokens::DETAIL_SIZE))
                .on_hover_text("Copy the command; certwiz never runs it");
            copy.widget_info(|| {
                egui::WidgetInfo::labeled(
                    egui::Role::Button,
                    true,
                    format!("{copy_word}: {}", c.command),
                )
            });
            if copy.clicked() {
                ui.ctx().copy_text(c.command.clone());
            }
            ui.label(
                // The theme's strong text colour: readable in dark and light themes alike.
                RichText::new(&c.command)
                    .monospace()
                    .size(tokens::DETAIL_SIZE)
                    .strong(),
            );
        });
        // Under the Copy button, what to put in place of each value certwiz could not see: the
        // command does not run until the admin does.
        for placeholder in c.placeholders() {
            ui.label(
                RichText::new(format!(
                    "Before running it, replace {placeholder} (angle brackets included) with {}.",
                    crate::engine::fixes::placeholder_meaning(placeholder)
                ))
                .size(tokens::DETAIL_SIZE)
                .color(tokens::WARN),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::finding::Severity;

    #[test]
    fn the_same_finding_twice_is_listed_once_in_its_first_place() {
        let f = |id: &str, title: &str| Finding::new(id, Severity::Fail, title, "d", "f");
        let findings = [
            f("pool.mtls-would-fail", "a rejects b"),
            f("pool.mtls-would-fail", "a rejects c"),
            f("pool.mtls-would-fail", "a rejects b"),
            f("port.closed", "a rejects b"),
        ];
        let titles: Vec<(&str, &str)> = distinct_findings(&findings)
            .into_iter()
            .map(|f| (f.id.as_str(), f.title.as_str()))
            .collect();
        assert_eq!(
            titles,
            [
                ("pool.mtls-would-fail", "a rejects b"),
                ("pool.mtls-would-fail", "a rejects c"),
                ("port.closed", "a rejects b"),
            ]
        );
    }
}
