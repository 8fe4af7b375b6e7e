//! The theme buttons at the bottom right: egui's icons, with names a screen reader can say ("Dark
//! theme", not the moon emoji egui's own buttons are named by).

use egui::{ThemePreference, Ui};

/// The buttons, each with its accessible name and tooltip.
pub const THEME_BUTTONS: [(ThemePreference, &str, &str); 3] = [
    (
        ThemePreference::System,
        "Follow the system theme",
        "Follow the system's light or dark setting",
    ),
    (ThemePreference::Dark, "Dark theme", "Use the dark theme"),
    (ThemePreference::Light, "Light theme", "Use the light theme"),
];

/// Draws the three theme buttons and applies the choice to the whole window.
pub fn theme_buttons_ui(ui: &mut Ui) {
    let mut preference = ui.options(|o| o.theme_preference);
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 2.0;
        for (choice, name, hint) in THEME_BUTTONS {
            let selected = preference == choice;
            let response = ui
                .selectable_label(selected, choice.icon())
                .on_hover_text(hint);
            response.widget_info(|| {
                egui::WidgetInfo::selected(egui::Role::Button, true, selected, name)
            });
            if response.clicked() {
                preference = choice;
            }
        }
    });
    ui.ctx().set_theme(preference);
}
