//! The "?" beside a finding: opens, under it, the catalogue's text for the finding's id (the same text
//! as `certwiz explain ID`): what it means, why it matters for conferencing, the fix and the wizard step.
//! Self-contained: the open/closed state lives in egui's memory, keyed by the finding's id and position.

use egui::{Id, RichText, Ui};

use crate::engine::catalogue;
use crate::engine::finding::Finding;
use crate::gui::tokens;

/// A small "?" toggle (accessible name "Explain ID") and, when open, the catalogue entry for
/// `finding`. `index` keeps two findings with the same id apart. Nothing is drawn for an id the
/// catalogue does not know (an older saved report).
pub fn explain_toggle_ui(ui: &mut Ui, finding: &Finding, index: usize) {
    let id = Id::unique(("certwiz-explain", finding.id.as_str(), index));
    let mut open = ui.data(|d| d.get_temp::<bool>(id)).unwrap_or(false);
    let name = format!("Explain {}", finding.id);
    let button = ui
        .small_button(RichText::new("?").size(tokens::CAPTION_SIZE))
        .on_hover_text("What this finding means, why it matters, the fix (certwiz explain)");
    button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, name.clone()));
    if button.clicked() {
        open = !open;
        ui.data_mut(|d| d.insert_temp(id, open));
    }
    if !open {
        return;
    }
    // Computed only while open: a table lookup, cheap enough for a frame.
    let Some(x) = catalogue::explain(&finding.id) else {
        ui.label(RichText::new("No catalogue entry for this id.").size(tokens::DETAIL_SIZE));
        return;
    };
    ui.indent(id, |ui| {
        for (heading, text) in x.sections() {
            ui.label(RichText::new(heading).size(tokens::DETAIL_SIZE).strong());
            ui.label(RichText::new(text).size(tokens::DETAIL_SIZE));
        }
        ui.label(
            RichText::new(format!("Wizard step {}: {}", x.step, x.step_name))
                .size(tokens::DETAIL_SIZE)
                .italics(),
        );
    });
}
