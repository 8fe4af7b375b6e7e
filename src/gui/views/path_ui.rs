//! Step 4 (the certification path as MMC shows it, root on top, with details of the selected node) and
//! step 5 (the purpose table).

use egui::{RichText, Ui};

use super::{finding_ui, section_ui, step_heading_ui};
use crate::engine::purpose::{PurposeSource, Role};
use crate::engine::report::Report;
use crate::gui::tokens;
use crate::gui::wizard::{Msg, Step, Wizard};

fn source_toggle_ui(ui: &mut Ui, wizard: &mut Wizard) {
    let has_remote = wizard.report().is_some_and(|r| r.path.is_some());
    let has_local = wizard.local.report.is_some();
    if has_remote && has_local {
        ui.horizontal(|ui| {
            ui.radio_value(
                &mut wizard.show_local_path,
                false,
                RichText::new("Presented by the server").size(tokens::BODY_SIZE),
            );
            ui.radio_value(
                &mut wizard.show_local_path,
                true,
                RichText::new("Local certificate").size(tokens::BODY_SIZE),
            );
        });
    }
}

fn which(report: &Report) -> &'static str {
    if report.probe.is_some() {
        "Certificate presented by the server"
    } else {
        "Local certificate"
    }
}

/// Step 4.
pub fn path_ui(ui: &mut Ui, wizard: &mut Wizard, msgs: &mut Vec<Msg>) {
    step_heading_ui(
        ui,
        Step::CertificationPath.number(),
        Step::CertificationPath.title(),
    );
    source_toggle_ui(ui, wizard);
    let Some(report) = wizard.path_report() else {
        ui.label(
            RichText::new(
                "Load a certificate in step 3 or run the checks to see a certification path.",
            )
            .size(tokens::BODY_SIZE),
        );
        return;
    };
    let Some(path) = &report.path else { return };
    ui.label(RichText::new(which(report)).size(tokens::BODY_SIZE).weak());
    section_ui(ui, "Certification path");
    if let Some(missing) = &path.missing_issuer {
        ui.label(
            RichText::new(format!("✖ ? {}  (issuer not found)", missing.issuer))
                .size(tokens::BODY_SIZE)
                .color(tokens::FAIL),
        );
    }
    let offset = usize::from(path.missing_issuer.is_some());
    for (i, node) in path.nodes.iter().enumerate() {
        let depth = i + offset;
        ui.horizontal(|ui| {
            ui.add_space(24.0 * depth as f32);
            let mark = tokens::node_mark(node.status);
            let anchor = if node.trust_anchor {
                "  (trusted root)"
            } else {
                ""
            };
            let text = RichText::new(format!(
                "{}{}   {mark}{anchor}",
                if depth > 0 { "└ " } else { "" },
                node.certificate.display_name
            ))
            .size(tokens::BODY_SIZE)
            .color(tokens::node_color(node.status));
            if ui
                .selectable_label(wizard.selected_node == Some(i), text)
                .clicked()
            {
                msgs.push(Msg::SelectNode(i));
            }
        });
    }
    section_ui(ui, "Validity");
    super::timeline_ui::timeline_ui(ui, path, report.evaluated_at);
    let selected = wizard
        .selected_node
        .filter(|i| *i < path.nodes.len())
        .unwrap_or(path.nodes.len().saturating_sub(1));
    let Some(node) = path.nodes.get(selected) else {
        return;
    };
    section_ui(
        ui,
        &format!("Certificate status: {}", node.certificate.display_name),
    );
    ui.label(
        RichText::new(&node.status_text)
            .size(tokens::BODY_SIZE)
            .color(tokens::node_color(node.status)),
    );
    let c = &node.certificate;
    let rows = [
        ("Subject", c.subject.clone()),
        ("Issuer", c.issuer.clone()),
        ("Valid from", c.not_before.date().to_string()),
        ("Valid to", c.not_after.date().to_string()),
        ("Thumbprint (SHA-1)", c.thumbprint_sha1.clone()),
        ("SHA-256", c.sha256.clone()),
        ("Serial number", c.serial.clone()),
        ("Alternative names", c.alternative_names_text()),
        ("Enhanced key usage", c.eku_text()),
        ("Public key", c.key_text()),
        ("Signature algorithm", c.signature_algorithm.name.clone()),
        (
            "CRL distribution points",
            if c.crl_distribution_points.is_empty() {
                "(none)".into()
            } else {
                c.crl_distribution_points.join(", ")
            },
        ),
        ("Authority information", c.authority_info_text()),
    ];
    egui::Grid::new("node_details")
        .num_columns(2)
        .spacing([16.0, 6.0])
        .striped(true)
        .show(ui, |ui| {
            for (label, value) in rows {
                ui.label(RichText::new(label).size(tokens::BODY_SIZE - 1.0).strong());
                ui.label(RichText::new(value).size(tokens::BODY_SIZE - 1.0));
                ui.end_row();
            }
        });
}

/// Step 5.
pub fn purposes_ui(ui: &mut Ui, wizard: &mut Wizard) {
    step_heading_ui(ui, Step::Purposes.number(), Step::Purposes.title());
    source_toggle_ui(ui, wizard);
    let Some(report) = wizard.path_report() else {
        ui.label(
            RichText::new("Load a certificate in step 3 or run the checks to see its purposes.")
                .size(tokens::BODY_SIZE),
        );
        return;
    };
    let Some(purposes) = &report.purposes else {
        return;
    };
    ui.label(RichText::new(which(report)).size(tokens::BODY_SIZE).weak());
    ui.label(
        RichText::new("Windows allows a certificate only the purposes every CA above it allows. Both are needed: Server Authentication to answer, Client Authentication for mutual TLS.")
            .size(tokens::BODY_SIZE),
    );
    ui.add_space(8.0);
    let cell = |allowed: bool, source: PurposeSource| {
        let (text, color) = match (allowed, source) {
            (true, PurposeSource::NoExtension) => ("✔ all purposes", tokens::PASS),
            (true, PurposeSource::AnyPurpose) => ("✔ any purpose", tokens::PASS),
            (true, PurposeSource::Listed) => ("✔ yes", tokens::PASS),
            (false, _) => ("✖ no", tokens::FAIL),
        };
        RichText::new(text).size(tokens::BODY_SIZE).color(color)
    };
    egui::Grid::new("purpose_table")
        .num_columns(3)
        .spacing([24.0, 8.0])
        .striped(true)
        .show(ui, |ui| {
            ui.label(
                RichText::new("Certificate")
                    .size(tokens::BODY_SIZE)
                    .strong(),
            );
            ui.label(
                RichText::new("Server Authentication")
                    .size(tokens::BODY_SIZE)
                    .strong(),
            );
            ui.label(
                RichText::new("Client Authentication")
                    .size(tokens::BODY_SIZE)
                    .strong(),
            );
            ui.end_row();
            for row in &purposes.rows {
                ui.label(RichText::new(&row.display_name).size(tokens::BODY_SIZE));
                ui.label(cell(row.flags.server_auth, row.flags.source));
                ui.label(cell(row.flags.client_auth, row.flags.source));
                ui.end_row();
            }
            ui.label(
                RichText::new("Chain as a whole")
                    .size(tokens::BODY_SIZE)
                    .strong(),
            );
            for role in Role::ALL {
                let usable = purposes.role(role).is_some_and(|v| v.usable);
                ui.label(
                    RichText::new(if usable {
                        "✔ usable"
                    } else {
                        "✖ NOT usable"
                    })
                    .size(tokens::BODY_SIZE)
                    .strong()
                    .color(if usable { tokens::PASS } else { tokens::FAIL }),
                );
            }
            ui.end_row();
        });
    let blockers: Vec<_> = report
        .findings
        .iter()
        .filter(|f| {
            f.id.starts_with("chain.ca-restricts")
                || f.id == "cert.server-auth-missing"
                || f.id == "cert.client-auth-missing"
        })
        .collect();
    if !blockers.is_empty() {
        section_ui(ui, "How to fix");
        for finding in blockers {
            finding_ui(ui, finding);
        }
    }
}
