//! Step 3's path field: a file loaded by its typed path, for when the file dialog cannot open (a
//! Linux desktop without a file-dialog portal, some RDP sessions) or a path is at hand.

use egui::{RichText, TextEdit, Ui};

use crate::gui::tokens;
use crate::gui::wizard::{Msg, Wizard};

/// The accessible name of the path field.
pub const PATH_FIELD_LABEL: &str = "Or type a file path";

/// Draws the path field with its Load button, and why the file dialog did not open when it did not.
pub fn path_field_ui(ui: &mut Ui, wizard: &mut Wizard, msgs: &mut Vec<Msg>) {
    if let Some(problem) = &wizard.prompt.dialog_problem {
        ui.label(
            RichText::new(format!(
                "{} {problem}",
                tokens::severity_mark(crate::engine::finding::Severity::Warn)
            ))
            .size(tokens::BODY_SIZE)
            .color(tokens::WARN),
        );
    }
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(RichText::new(PATH_FIELD_LABEL).size(tokens::BODY_SIZE));
        let field = ui
            .add(
                TextEdit::singleline(&mut wizard.prompt.typed_path)
                    .hint_text("C:\\certs\\server.pfx")
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
        if std::mem::take(&mut wizard.prompt.focus_path) {
            field.request_focus();
            field.scroll_to_me(Some(egui::Align::Center));
        }
        let typed = !wizard.prompt.typed_path.trim().is_empty();
        let load = ui.add_enabled(
            typed,
            egui::Button::new(RichText::new("Load file").size(tokens::BODY_SIZE)),
        );
        if typed && (load.clicked() || super::submitted(&field)) {
            msgs.push(Msg::LoadTypedPath);
        }
    });
}
