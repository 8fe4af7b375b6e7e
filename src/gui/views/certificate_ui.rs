//! Step 3: the local certificate: Browse…, drag and drop, or paste PEM; a masked PFX password with the
//! error inline; the loaded certificates listed. The Windows certificate store list plugs in here later
//! (`engine::load` is the seam).

use egui::{RichText, TextEdit, Ui};

use super::{finding_ui, section_ui, step_heading_ui};
use crate::gui::tokens;
use crate::gui::wizard::{Msg, Step, Wizard};

/// Draws step 3.
pub fn certificate_ui(ui: &mut Ui, wizard: &mut Wizard, msgs: &mut Vec<Msg>) {
    step_heading_ui(
        ui,
        Step::LocalCertificate.number(),
        Step::LocalCertificate.title(),
    );
    ui.label(
        RichText::new(
            "Load the server's certificate (.cer, .pem, .p7b or .pfx with its key) and the root and intermediate CA certificates. \
             Self-signed CA certificates you load are treated as trusted roots. You can also drop files onto the window.",
        )
        .size(tokens::BODY_SIZE),
    );
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new("PFX password").size(tokens::BODY_SIZE));
        ui.add(
            TextEdit::singleline(&mut wizard.pfx_password)
                .password(true)
                .desired_width(220.0),
        )
        .labelled_by(label.id);
        if ui
            .button(RichText::new("Browse…").size(tokens::BODY_SIZE))
            .clicked()
        {
            msgs.push(Msg::BrowseCertificate);
        }
        if !wizard.local.certificates.is_empty()
            && ui
                .button(RichText::new("Clear").size(tokens::BODY_SIZE))
                .clicked()
        {
            msgs.push(Msg::ClearLocal);
        }
    });
    if let Some(error) = &wizard.local.error {
        ui.label(
            RichText::new(format!("✖ {error}"))
                .color(tokens::FAIL)
                .size(tokens::BODY_SIZE),
        );
    }
    section_ui(ui, "Or paste PEM text");
    let label = ui.label(RichText::new("Pasted certificate text").size(tokens::BODY_SIZE - 1.0));
    ui.add(
        TextEdit::multiline(&mut wizard.pasted_pem)
            .hint_text("-----BEGIN CERTIFICATE-----")
            .desired_rows(4)
            .desired_width(f32::INFINITY)
            .code_editor(),
    )
    .labelled_by(label.id);
    if ui
        .add_enabled(
            !wizard.pasted_pem.trim().is_empty(),
            egui::Button::new(RichText::new("Load pasted text").size(tokens::BODY_SIZE)),
        )
        .clicked()
    {
        msgs.push(Msg::LoadPasted);
    }
    section_ui(ui, "Loaded");
    if wizard.local.sources.is_empty() {
        ui.label(
            RichText::new("Nothing loaded yet.")
                .size(tokens::BODY_SIZE)
                .weak(),
        );
    }
    for source in &wizard.local.sources {
        ui.label(RichText::new(format!("• {source}")).size(tokens::BODY_SIZE));
    }
    if let Some(report) = &wizard.local.report {
        section_ui(ui, "Local certificate check");
        if let Some(c) = &report.certificate {
            ui.label(
                RichText::new(format!(
                    "{} (thumbprint {})",
                    c.display_name, c.thumbprint_sha1
                ))
                .size(tokens::BODY_SIZE),
            );
        }
        for finding in report
            .findings
            .iter()
            .filter(|f| f.severity != crate::engine::finding::Severity::Pass)
        {
            finding_ui(ui, finding);
        }
        if report.verdict.failures == 0 && report.verdict.warnings == 0 {
            ui.label(
                RichText::new("✔ The local certificate and its path look fine.")
                    .color(tokens::PASS)
                    .size(tokens::BODY_SIZE),
            );
        }
    }
}
