//! Step 4 (the certification path as MMC shows it, root on top, with details of the selected node) and
//! step 5 (the purpose table).

use egui::{RichText, Ui};

use super::{finding_ui, section_ui, step_heading_ui};
use crate::engine::finding::{Finding, Severity, ids};
use crate::engine::purpose::Role;
use crate::engine::report::Report;
use crate::gui::tokens;
use crate::gui::wizard::{Msg, Step, Wizard, node_status_line};

fn source_toggle_ui(ui: &mut Ui, wizard: &mut Wizard) {
    let has_remote = wizard.report().is_some_and(|r| r.path.is_some());
    let has_local = wizard.local_report().is_some();
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
    super::summary_ui::step_summary_ui(ui, wizard, Step::CertificationPath);
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
        ui.horizontal_wrapped(|ui| {
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
            let chosen = wizard.selected_node == Some(i);
            let response = ui.selectable_label(chosen, text);
            // Read as "fe1.contoso.com: ok (trusted root)": the name, then its state in words.
            let name = format!(
                "{}: {}{}",
                node.certificate.display_name,
                super::names::plain_name(mark),
                if node.trust_anchor {
                    " (trusted root)"
                } else {
                    ""
                }
            );
            super::names::name_selectable(&response, egui::Role::Button, chosen, &name);
            if response.clicked() {
                msgs.push(Msg::SelectNode(i));
            }
            // Revocation in its own colour: MMC's status above is about the path, this about the CA's
            // list (a certificate can be both "OK" and revoked).
            if let Some((mark, severity)) = revocation_mark(report, &node.certificate.sha256) {
                ui.label(
                    RichText::new(format!("· {mark}"))
                        .size(tokens::BODY_SIZE)
                        .color(tokens::severity_color(severity)),
                );
            }
        });
    }
    path_fixes_ui(ui, report);
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
    let sentence = node_status_line(report, selected);
    if let Some((sentence, severity)) = &sentence {
        ui.label(
            RichText::new(format!("{} {sentence}", tokens::severity_mark(*severity)))
                .size(tokens::BODY_SIZE)
                .color(tokens::severity_color(*severity)),
        );
    }
    // What exactly breaks the rule, and which CA imposes it (name constraints, path length, the
    // algorithm that could not be checked).
    for violation in &node.violations {
        let status = violation.rule.node_status();
        ui.label(
            RichText::new(format!(
                "{} {}",
                tokens::violation_mark(status),
                violation.sentence()
            ))
            .size(tokens::BODY_SIZE)
            .color(tokens::violation_color(status)),
        );
    }
    if let Some(finding) = revocation_finding(report, &node.certificate.sha256).filter(|f| {
        f.severity != Severity::Pass
            && !sentence
                .as_ref()
                .is_some_and(|(s, _)| s.contains(f.title.as_str()))
    }) {
        super::finding_line_ui(ui, finding);
    }
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
        ("Revocation", revocation_row(report, &c.sha256)),
    ];
    super::fitted_grid_ui(
        ui,
        egui::Grid::new("node_details")
            .spacing([16.0, 6.0])
            .striped(true),
        2,
        16.0,
        |ui| {
            for (label, value) in rows {
                ui.label(RichText::new(label).size(tokens::DETAIL_SIZE).strong());
                ui.label(RichText::new(value).size(tokens::DETAIL_SIZE));
                ui.end_row();
            }
        },
    );
    let sha256 = c.sha256.clone();
    revocation_ui(ui, report, &sha256);
}

/// The path's failures and warnings that have a fix to copy (the root to import, the intermediate to
/// install), with their commands filled in: the page that shows the problem offers its fix. The
/// revocation findings are shown with the certificate they are about.
fn path_fixes_ui(ui: &mut Ui, report: &Report) {
    let fixable: Vec<_> = report
        .findings
        .iter()
        .filter(|f| {
            (f.id.starts_with("chain.") || f.id.starts_with("cert."))
                && f.id != ids::CHAIN_INTERMEDIATE_FETCHED
                && matches!(f.severity, Severity::Fail | Severity::Warn)
                && f.commands
                    .iter()
                    .any(|c| c.kind == crate::engine::finding::CommandKind::Fix)
        })
        .collect();
    if fixable.is_empty() {
        return;
    }
    section_ui(ui, "How to fix");
    for finding in super::distinct_findings(fixable) {
        finding_ui(ui, finding);
    }
}

/// The "Revocation" row of a certificate's details.
fn revocation_row(report: &Report, sha256: &str) -> String {
    if let Some((mark, _)) = revocation_mark(report, sha256) {
        return mark;
    }
    let Some(facts) = &report.revocation else {
        return "○ not checked: these checks ran without \"Check revocation\"".to_owned();
    };
    let reason = facts
        .certificates
        .iter()
        .find(|c| c.sha256 == sha256)
        .and_then(|c| {
            c.sources.iter().find_map(|s| match &s.result {
                crate::engine::revocation::SourceResult::NotChecked { reason } => {
                    Some(reason.clone())
                }
                _ => None,
            })
        });
    match reason {
        Some(reason) => format!("○ not checked: {reason}"),
        None => "○ not checked: a root is trusted as it is".to_owned(),
    }
}

/// The `revocation.*` finding about the certificate with `sha256`.
fn revocation_finding<'r>(report: &'r Report, sha256: &str) -> Option<&'r Finding> {
    // Only the findings about this path: the local and the presented path may share a CA.
    let scope = report.revocation.as_ref().map(|r| r.scope);
    report.findings.iter().find(|f| {
        f.id.starts_with("revocation.")
            && f.scope == scope
            && f.certificate.as_ref().is_some_and(|c| c.sha256 == sha256)
    })
}

/// The revocation state of the certificate with `sha256`: symbol and words, and its severity.
fn revocation_mark(report: &Report, sha256: &str) -> Option<(String, Severity)> {
    let finding = revocation_finding(report, sha256)?;
    let words = match finding.id.as_str() {
        ids::REVOCATION_OK => "not revoked",
        ids::REVOCATION_REVOKED => "REVOKED",
        ids::REVOCATION_OFFLINE => "revocation unknown: no distribution point answered",
        ids::REVOCATION_CRL_EXPIRED => "CRL expired",
        ids::REVOCATION_CRL_BAD_SIGNATURE => "CRL not signed by its CA",
        ids::REVOCATION_NO_CDP => "no CRL distribution point",
        ids::REVOCATION_LDAP_NOT_CHECKED => "LDAP CRL not checked",
        _ => finding.title.as_str(),
    };
    Some((
        format!("{} {words}", tokens::severity_mark(finding.severity)),
        finding.severity,
    ))
}

/// What the fetches found for the selected certificate (each URL and its answer), the issuers
/// downloaded for the path, and the revocation findings with their fixes.
fn revocation_ui(ui: &mut Ui, report: &Report, sha256: &str) {
    let Some(facts) = &report.revocation else {
        return;
    };
    section_ui(ui, "Revocation and downloads");
    for fetch in &facts.intermediates {
        let names: Vec<&str> = fetch
            .certificates
            .iter()
            .map(|c| c.display_name.as_str())
            .collect();
        let text = if fetch.used {
            format!(
                "! Downloaded the missing issuer {} from {}",
                names.join(", "),
                fetch.url
            )
        } else if !names.is_empty() {
            format!(
                "○ Downloaded {} from {}, but it did not complete the path",
                names.join(", "),
                fetch.url
            )
        } else {
            format!(
                "✖ Could not download the missing issuer from {}: {}",
                fetch.url,
                fetch.error.clone().unwrap_or_else(|| fetch.fetch.summary())
            )
        };
        ui.label(RichText::new(text).size(tokens::DETAIL_SIZE));
    }
    match facts.certificates.iter().find(|c| c.sha256 == sha256) {
        Some(cert) if cert.sources.is_empty() => {
            ui.label(
                RichText::new(
                    "This certificate names no CRL distribution point or OCSP responder.",
                )
                .size(tokens::DETAIL_SIZE),
            );
        }
        Some(cert) => {
            for source in &cert.sources {
                let kind = match source.kind {
                    crate::engine::revocation::SourceKind::Crl => "CRL",
                    crate::engine::revocation::SourceKind::Ocsp => "OCSP",
                };
                ui.label(
                    RichText::new(format!("{kind} {}", source.url))
                        .size(tokens::DETAIL_SIZE)
                        .strong(),
                );
                ui.indent(("revocation_source", &source.url), |ui| {
                    ui.label(
                        RichText::new(source.summary(report.evaluated_at))
                            .size(tokens::DETAIL_SIZE),
                    );
                });
            }
        }
        None => {
            ui.label(
                RichText::new("Not checked for this certificate (roots are trusted as they are).")
                    .size(tokens::DETAIL_SIZE),
            );
        }
    }
    let problems: Vec<_> = report
        .findings
        .iter()
        .filter(|f| {
            (f.id.starts_with("revocation.") || f.id == ids::CHAIN_INTERMEDIATE_FETCHED)
                && f.severity != Severity::Pass
                && f.scope == Some(facts.scope)
        })
        .collect();
    for finding in super::distinct_findings(problems) {
        finding_ui(ui, finding);
    }
}

/// Step 5.
pub fn purposes_ui(ui: &mut Ui, wizard: &mut Wizard) {
    step_heading_ui(ui, Step::Purposes.number(), Step::Purposes.title());
    super::summary_ui::step_summary_ui(ui, wizard, Step::Purposes);
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
    if let Some(note) = purposes.requested_note() {
        ui.label(RichText::new(note).size(tokens::BODY_SIZE).strong());
    }
    ui.add_space(8.0);
    let cell = |flags: &crate::engine::purpose::PurposeFlags, role: Role| {
        let (mark, color) = if flags.allows(role) {
            ("✔", tokens::PASS)
        } else {
            ("✖", tokens::FAIL)
        };
        RichText::new(format!("{mark} {}", flags.describe(role)))
            .size(tokens::BODY_SIZE)
            .color(color)
    };
    super::fitted_grid_ui(
        ui,
        egui::Grid::new("purpose_table")
            .spacing([24.0, 8.0])
            .striped(true),
        3,
        24.0,
        |ui| {
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
                let first = ui.label(RichText::new(&row.display_name).size(tokens::BODY_SIZE));
                super::names::name_row(&first, &purpose_row_name(&row.display_name, &row.flags));
                ui.label(cell(&row.flags, Role::ServerAuth));
                ui.label(cell(&row.flags, Role::ClientAuth));
                ui.end_row();
            }
            let whole = ui.label(
                RichText::new("Chain as a whole")
                    .size(tokens::BODY_SIZE)
                    .strong(),
            );
            let verdicts: Vec<String> = Role::ALL
                .iter()
                .map(|&role| {
                    let verdict = match purposes.role(role) {
                        Some(v) if v.not_judged.is_some() => "not judged (issuer missing)",
                        Some(v) if v.usable => "usable",
                        _ => "NOT usable",
                    };
                    format!("{} {verdict}", role.name())
                })
                .collect();
            super::names::name_row(
                &whole,
                &format!("Chain as a whole: {}", verdicts.join(", ")),
            );
            for role in Role::ALL {
                let usable = purposes.role(role).is_some_and(|v| v.usable);
                // An issuer that was not seen may restrict the role: neither ✔ nor ✖.
                let not_judged = purposes.role(role).is_some_and(|v| v.not_judged.is_some());
                let (text, colour) = match (not_judged, usable) {
                    (true, _) => ("? not judged (issuer missing)", tokens::WARN),
                    (false, true) => ("✔ usable", tokens::PASS),
                    (false, false) => ("✖ NOT usable", tokens::FAIL),
                };
                ui.label(
                    RichText::new(text)
                        .size(tokens::BODY_SIZE)
                        .strong()
                        .color(colour),
                );
            }
            ui.end_row();
        },
    );
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
        for finding in super::distinct_findings(blockers) {
            finding_ui(ui, finding);
        }
    }
}

/// One row of the purpose table in words: "fe1.contoso.com: Server Authentication yes, Client
/// Authentication no".
fn purpose_row_name(name: &str, flags: &crate::engine::purpose::PurposeFlags) -> String {
    let cells: Vec<String> = Role::ALL
        .iter()
        .map(|&role| {
            format!(
                "{} {}",
                role.name(),
                super::names::yes_no(flags.allows(role))
            )
        })
        .collect();
    format!("{name}: {}", cells.join(", "))
}
