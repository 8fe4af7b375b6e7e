//! Step 3: the local certificate: the Personal store's certificates to choose from (on Windows the
//! Local Machine store, read at start; elsewhere the loaded files, sorted the same way), Browse…, drag
//! and drop, or paste PEM; a masked PFX password with the error inline.

use egui::{RichText, TextEdit, Ui};
use time::OffsetDateTime;

use super::{finding_ui, secrets, section_ui, step_heading_ui};
use crate::gui::tokens;
use crate::gui::wizard::{Msg, Step, Wizard};

/// Draws step 3.
pub fn certificate_ui(ui: &mut Ui, wizard: &mut Wizard, msgs: &mut Vec<Msg>) {
    step_heading_ui(
        ui,
        Step::LocalCertificate.number(),
        Step::LocalCertificate.title(),
    );
    super::summary_ui::step_summary_ui(ui, wizard, Step::LocalCertificate);
    let intro = if wizard.local.machine.is_some() {
        "Choose the certificate the server uses from this computer's Personal store. Steps 4 and 5 build its path from the Intermediate and Trusted Root stores, with their purpose settings, as Windows does. \
         You can also load certificate files below, or drop them onto the window."
    } else {
        "Load the server's certificate (.cer, .pem, .p7b or .pfx with its key) and the root and intermediate CA certificates. \
         Self-signed CA certificates you load are treated as trusted roots. You can also drop files onto the window."
    };
    ui.label(RichText::new(intro).size(tokens::BODY_SIZE));
    ui.add_space(8.0);
    // On the server itself the machine's Personal store comes first, as in MMC.
    if wizard.local.machine.is_some() {
        personal_store_ui(ui, wizard, msgs);
        section_ui(ui, "Or load certificate files");
    }
    let waiting = wizard.prompt.waiting_pfx.is_some();
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(RichText::new("PFX password").size(tokens::BODY_SIZE));
        let field = ui
            .add(
                TextEdit::singleline(&mut wizard.pfx_password)
                    .password(true)
                    .desired_width(220.0),
            )
            .labelled_by(label.id);
        if std::mem::take(&mut wizard.prompt.focus_password) {
            field.request_focus();
            field.scroll_to_me(Some(egui::Align::Center));
        }
        if waiting && super::submitted(&field) {
            msgs.push(Msg::LoadWaitingPfx);
        }
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
    secrets::path_field_ui(ui, wizard, msgs);
    if let Some(error) = wizard.local.error.as_deref().map(|e| wizard.mask(e)) {
        ui.label(
            RichText::new(format!("✖ {error}"))
                .color(tokens::FAIL)
                .size(tokens::BODY_SIZE),
        );
    }
    section_ui(ui, "Or paste PEM text");
    let label = ui.label(RichText::new("Pasted certificate text").size(tokens::DETAIL_SIZE));
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
    for source in wizard.local.sources.iter().map(|s| wizard.mask(s)) {
        ui.label(RichText::new(format!("• {source}")).size(tokens::BODY_SIZE));
    }
    if wizard.local.machine.is_none() {
        personal_store_ui(ui, wizard, msgs);
    }
    if let Some(report) = wizard.local_report() {
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
        for finding in super::distinct_findings(
            report
                .findings
                .iter()
                .filter(|f| f.severity != crate::engine::finding::Severity::Pass),
        ) {
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

/// Accessible name of the button that reads the machine's stores (Windows).
pub const READ_STORES_LABEL: &str = "Read this computer's certificate stores";

/// The Personal store as MMC lists it, to choose the server's certificate from: usable ones (private
/// key, Server Authentication, in date) first, each with its key, purposes, expiry and thumbprint, and
/// the one the checked server presented marked.
fn personal_store_ui(ui: &mut Ui, wizard: &Wizard, msgs: &mut Vec<Msg>) {
    let machine = wizard.local.machine.is_some();
    section_ui(
        ui,
        if machine {
            "Personal store (Local Computer): the server's certificate"
        } else {
            "Certificates loaded, as MMC's Personal store would list them"
        },
    );
    if wizard.local.machine_reading {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(
                RichText::new("Reading this computer's certificate stores…")
                    .size(tokens::BODY_SIZE),
            );
        });
    } else if cfg!(windows)
        && !machine
        && ui
            .button(RichText::new(READ_STORES_LABEL).size(tokens::BODY_SIZE))
            .clicked()
    {
        msgs.push(Msg::ReadMachineStore);
    }
    let Some(stores) = wizard.store_listing() else {
        ui.label(
            RichText::new(if cfg!(windows) {
                "No certificate listed yet."
            } else {
                "Load the server's certificate (with its key) and its CA certificates: they are listed here the way MMC sorts them (this computer has no Windows certificate store)."
            })
            .size(tokens::BODY_SIZE)
            .weak(),
        );
        return;
    };
    let now = OffsetDateTime::now_utc();
    ui.label(RichText::new(stores.summary()).size(tokens::DETAIL_SIZE));
    let personal = stores.personal(now);
    let selected = wizard
        .selected_local()
        .map(|c| wizard.shown_value(&c.sha256));
    let presented = wizard
        .presented_local()
        .map(|c| wizard.shown_value(&c.sha256));
    if personal.is_empty() {
        ui.label(
            RichText::new("No certificate in the Personal store.")
                .size(tokens::BODY_SIZE)
                .weak(),
        );
    } else {
        let yes_no = |ok: bool, what: &str| {
            let (mark, color) = if ok {
                ("✔", tokens::PASS)
            } else {
                ("✖", tokens::FAIL)
            };
            RichText::new(format!("{mark} {what}"))
                .color(color)
                .size(tokens::DETAIL_SIZE)
        };
        super::fitted_grid_ui(
            ui,
            egui::Grid::new("personal_store")
                .striped(true)
                .spacing(egui::vec2(14.0, 6.0)),
            6,
            14.0,
            |ui| {
                for header in [
                    "Certificate",
                    "Private key",
                    "Purposes",
                    "Expires",
                    "Thumbprint",
                ] {
                    ui.label(RichText::new(header).strong().size(tokens::DETAIL_SIZE));
                }
                ui.end_row();
                for c in personal {
                    let is_selected = selected.as_deref() == Some(c.sha256.as_str());
                    let mut name = c.display_name.clone();
                    if let Some(friendly) = &c.friendly_name {
                        name.push_str(&format!(" (\"{friendly}\")"));
                    }
                    let usable = c.usable_as_server_certificate(now);
                    let row_name = store_row_name(&name, c, usable, now);
                    if usable {
                        name = format!("★ {name}");
                    }
                    let radio = ui.radio(is_selected, RichText::new(name).size(tokens::BODY_SIZE));
                    // The radio carries the whole row in words: one element per row for a screen
                    // reader.
                    super::names::name_selectable(
                        &radio,
                        egui::Role::RadioButton,
                        is_selected,
                        &row_name,
                    );
                    if radio.clicked() && !is_selected {
                        msgs.push(Msg::SelectLocal(c.sha256.clone()));
                    }
                    ui.label(yes_no(c.has_private_key, "key"));
                    ui.horizontal(|ui| {
                        ui.label(yes_no(
                            c.flags.allows(crate::engine::purpose::Role::ServerAuth),
                            "Server Auth",
                        ));
                        ui.label(yes_no(
                            c.flags.allows(crate::engine::purpose::Role::ClientAuth),
                            "Client Auth",
                        ));
                    });
                    let expired = c.not_after <= now;
                    let date = format!(
                        "{}{}",
                        c.not_after.date(),
                        if expired { " ✖ expired" } else { "" }
                    );
                    ui.label(
                        RichText::new(date)
                            .size(tokens::DETAIL_SIZE)
                            .color(if expired {
                                tokens::FAIL
                            } else {
                                tokens::NEUTRAL
                            }),
                    );
                    ui.label(
                        RichText::new(short_thumbprint(&c.thumbprint_sha1))
                            .monospace()
                            .size(tokens::SMALL_SIZE),
                    )
                    .on_hover_text(&c.thumbprint_sha1);
                    let bound = wizard.http_sys_bindings_of(c);
                    if !bound.is_empty() {
                        ui.label(
                            RichText::new(format!("◆ bound to {} (HTTP.SYS)", bound.join(", ")))
                                .color(tokens::HIGHLIGHT)
                                .strong()
                                .size(tokens::DETAIL_SIZE),
                        );
                    } else if presented.as_deref() == Some(c.sha256.as_str()) {
                        ui.label(
                            RichText::new(format!(
                                "◆ presented on port {}",
                                wizard.port_to_look_up()
                            ))
                            .color(tokens::HIGHLIGHT)
                            .strong()
                            .size(tokens::DETAIL_SIZE),
                        );
                    }
                    ui.end_row();
                }
            },
        );
        ui.label(
            RichText::new(
                "★ has its private key, allows Server Authentication and is in date. Steps 4 and 5 examine the certificate chosen here, with the Intermediate and Trusted Root stores and their purpose settings, as Windows does.",
            )
            .size(tokens::SMALL_SIZE)
            .weak(),
        );
    }
    for finding in wizard.shown_store_findings() {
        finding_ui(ui, finding);
    }
    for problem in &stores.problems {
        ui.label(
            RichText::new(format!("! {problem}"))
                .color(tokens::WARN)
                .size(tokens::DETAIL_SIZE),
        );
    }
}

/// The first and last hex digits of a thumbprint (the whole one is in the tooltip).
fn short_thumbprint(thumbprint: &str) -> String {
    let chars: Vec<char> = thumbprint.chars().collect();
    if chars.len() <= 12 {
        return thumbprint.to_owned();
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// One row of the Personal store table in words: "fe1.contoso.com: usable as the server
/// certificate, private key yes, Server Authentication yes, Client Authentication no, expires
/// 2027-01-01".
fn store_row_name(
    name: &str,
    c: &crate::engine::facts::store::StoreCertificate,
    usable: bool,
    now: OffsetDateTime,
) -> String {
    use super::names::yes_no;
    use crate::engine::purpose::Role;
    let mut cells = vec![format!("private key {}", yes_no(c.has_private_key))];
    cells.extend(
        Role::ALL
            .iter()
            .map(|&role| format!("{} {}", role.name(), yes_no(c.flags.allows(role)))),
    );
    let expired = if c.not_after <= now { " (expired)" } else { "" };
    cells.push(format!("expires {}{expired}", c.not_after.date()));
    format!(
        "{name}{}: {}",
        if usable {
            ", usable as the server certificate"
        } else {
            ""
        },
        cells.join(", ")
    )
}
