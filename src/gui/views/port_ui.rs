//! Step 6 (what answers on the port: classification, status, Server header, title, the first lines of
//! the body as plain text: never rendered) and step 7 (mutual TLS and the server's acceptable-CA list
//! with our issuer marked).

use egui::{RichText, Ui};

use super::{finding_ui, no_report_ui, section_ui, step_heading_ui, summary_ui, work_button_ui};
use crate::engine::probe::browse::{AnswerKind, BrowseFacts, BrowseOutcome};
use crate::engine::probe::handshake_outcome_summary;
use crate::engine::probe::tls::HandshakeOutcome;
use crate::gui::tokens;
use crate::gui::wizard::{Msg, Step, Wizard};

fn row_ui(ui: &mut Ui, label: &str, value: &str) {
    ui.label(RichText::new(label).size(tokens::DETAIL_SIZE).strong());
    ui.label(RichText::new(value).size(tokens::DETAIL_SIZE));
    ui.end_row();
}

fn browse_ui(ui: &mut Ui, browse: &BrowseFacts, id: &str) {
    section_ui(
        ui,
        if browse.with_client_certificate {
            "Browsing with our client certificate"
        } else {
            "Browsing without a client certificate"
        },
    );
    ui.label(
        RichText::new(format!("GET {}", browse.url))
            .size(tokens::DETAIL_SIZE)
            .monospace(),
    );
    match &browse.outcome {
        BrowseOutcome::Answered(a) => {
            let (kind, color) = match a.kind {
                AnswerKind::WebSite => ("✖ A web site answers", tokens::FAIL),
                AnswerKind::Endpoint => ("✔ A non-web endpoint answers", tokens::PASS),
                AnswerKind::Redirect => ("! A redirect", tokens::WARN),
                AnswerKind::HttpError => ("i An HTTP error, no web page", tokens::NEUTRAL),
                AnswerKind::ClientCertificateRequired => {
                    ("✔ Refused: a client certificate is required", tokens::PASS)
                }
                AnswerKind::ClientCertificateRejected => {
                    ("✖ Our client certificate is refused", tokens::FAIL)
                }
                AnswerKind::Other => ("i Another answer", tokens::NEUTRAL),
            };
            ui.label(
                RichText::new(kind)
                    .size(tokens::BODY_SIZE)
                    .strong()
                    .color(color),
            );
            super::fitted_grid_ui(
                ui,
                egui::Grid::new(id).spacing([16.0, 4.0]),
                2,
                16.0,
                |ui| {
                    row_ui(ui, "Status", &format!("{} {}", a.status, a.reason));
                    row_ui(ui, "Server header", a.server.as_deref().unwrap_or("(none)"));
                    row_ui(
                        ui,
                        "Content type",
                        a.content_type.as_deref().unwrap_or("(none)"),
                    );
                    if let Some(t) = &a.title {
                        row_ui(ui, "Page title", t);
                    }
                    if let Some(l) = &a.location {
                        row_ui(ui, "Redirects to", l);
                    }
                    row_ui(ui, "Body", &a.body_size_text());
                },
            );
            if !a.body_preview.is_empty() {
                ui.label(
                    RichText::new("The page begins (as plain text):").size(tokens::DETAIL_SIZE),
                );
                for line in a.body_preview.iter().take(6) {
                    ui.label(RichText::new(format!("│ {line}")).monospace());
                }
            }
        }
        BrowseOutcome::Failed { kind, reason } => {
            ui.label(
                RichText::new(format!("No HTTP answer ({kind})"))
                    .size(tokens::BODY_SIZE)
                    .strong(),
            );
            ui.label(RichText::new(reason).size(tokens::SMALL_SIZE).weak());
        }
    }
}

/// "Who listens on port N on this computer": the lookup button, each listener (PID, name, address,
/// program) and the findings (a web server on the port fails).
fn port_owner_ui(ui: &mut Ui, wizard: &Wizard, msgs: &mut Vec<Msg>) {
    let port = wizard.port_to_look_up();
    section_ui(ui, &format!("Who listens on port {port} on this computer"));
    ui.label(
        RichText::new("Run certwiz on the conferencing server itself: this asks the system (like netstat -ano) which process owns the port. On Windows PID 4 is HTTP.SYS (IIS or another HTTP API application).")
            .size(tokens::DETAIL_SIZE),
    );
    work_button_ui(
        ui,
        &format!("Who listens on port {port} here?"),
        wizard.port_owner_looking,
        Msg::LookUpPortOwner,
        msgs,
    );
    let Some(report) = wizard.port_owner_report() else {
        return;
    };
    let Some(facts) = &report.port_owner else {
        return;
    };
    if facts.port != port {
        ui.label(
            RichText::new(format!(
                "Last looked up for port {} (the port has changed since):",
                facts.port
            ))
            .size(tokens::DETAIL_SIZE)
            .italics(),
        );
    }
    if !facts.listeners.is_empty() {
        super::fitted_grid_ui(
            ui,
            egui::Grid::new("port_owner")
                .spacing([16.0, 4.0])
                .striped(true),
            4,
            16.0,
            |ui| {
                for header in ["PID", "Process", "Listens on", "Program"] {
                    ui.label(RichText::new(header).size(tokens::DETAIL_SIZE).strong());
                }
                ui.end_row();
                for l in &facts.listeners {
                    let mark = match l.kind {
                        crate::engine::port_owner::OwnerKind::WebServer => "✖ web server: ",
                        crate::engine::port_owner::OwnerKind::HttpSys => "i HTTP.SYS: ",
                        crate::engine::port_owner::OwnerKind::Other => "",
                    };
                    ui.label(RichText::new(l.pid.to_string()).size(tokens::DETAIL_SIZE));
                    ui.label(RichText::new(format!("{mark}{}", l.name)).size(tokens::DETAIL_SIZE));
                    ui.label(RichText::new(&l.address).size(tokens::DETAIL_SIZE));
                    ui.label(RichText::new(&l.path).size(tokens::DETAIL_SIZE));
                    ui.end_row();
                }
            },
        );
    }
    for finding in &report.findings {
        finding_ui(ui, finding);
    }
}

/// Step 6.
pub fn port_ui(ui: &mut Ui, wizard: &Wizard, msgs: &mut Vec<Msg>) {
    step_heading_ui(ui, Step::Port.number(), &wizard.step_title(Step::Port));
    let Some(report) = wizard.report() else {
        no_report_ui(ui, wizard, msgs);
        return port_owner_ui(ui, wizard, msgs);
    };
    let Some(probe) = &report.probe else { return };
    summary_ui::cancelled_line_ui(ui, wizard, Step::Port);
    // The step's own findings, as its status in the step list counts them.
    for f in wizard
        .step_findings(Step::Port)
        .into_iter()
        .filter(|f| f.severity != crate::engine::finding::Severity::Pass)
    {
        finding_ui(ui, f);
    }
    section_ui(ui, "Connection");
    super::fitted_grid_ui(
        ui,
        egui::Grid::new("connection").spacing([16.0, 4.0]),
        2,
        16.0,
        |ui| {
            for a in &probe.connect.attempts {
                row_ui(ui, &a.address, &format!("{:?}", a.outcome).to_lowercase());
            }
            if let Some(e) = &probe.connect.resolve_error {
                row_ui(ui, "Name resolution", e);
            }
            if probe.connect.is_open() {
                row_ui(ui, "After the handshake", &probe.target.spoken_text());
            }
            if let Some(h) = &probe.handshake {
                row_ui(ui, "TLS handshake", &handshake_outcome_summary(&h.outcome));
                row_ui(ui, "TLS version", h.version.as_deref().unwrap_or("(none)"));
                if let Some(engine) = h.engine_text() {
                    row_ui(ui, "TLS engine", &engine);
                }
                row_ui(
                    ui,
                    "Presented certificate",
                    h.presented_chain
                        .first()
                        .map(|c| c.display_name.as_str())
                        .unwrap_or("(none)"),
                );
                // "No" only from a server that got as far as showing its certificate: one that never
                // answered did not say either way.
                let answered = !h.presented_chain.is_empty() || h.certificate_requested;
                row_ui(
                    ui,
                    "Asks for a client certificate",
                    &match (
                        &h.requested_after_handshake,
                        h.certificate_requested,
                        answered,
                    ) {
                        (Some(how), _, _) => format!("✔ yes, after the handshake ({how})"),
                        (None, true, _) => "✔ yes".to_owned(),
                        (None, false, true) => "✖ no".to_owned(),
                        (None, false, false) => {
                            "? unknown: the handshake did not get that far".to_owned()
                        }
                    },
                );
            }
        },
    );
    for (i, browse) in [&probe.browse, &probe.browse_with_certificate]
        .into_iter()
        .flatten()
        .enumerate()
    {
        browse_ui(ui, browse, &format!("browse_{i}"));
    }
    for (with, reason) in crate::render::browses_not_tried(probe) {
        section_ui(ui, &format!("HTTP answer {with} a client certificate"));
        ui.label(RichText::new(format!("○ Not tried: {reason}.")).size(tokens::BODY_SIZE));
    }
    if let Some(rows) = crate::render::sip_rows(probe) {
        section_ui(ui, "SIP answer to OPTIONS");
        super::fitted_grid_ui(
            ui,
            egui::Grid::new("sip_answer").spacing([16.0, 4.0]),
            2,
            16.0,
            |ui| {
                for (label, value) in rows {
                    row_ui(ui, label, &value);
                }
            },
        );
    }
    port_owner_ui(ui, wizard, msgs);
}

/// Step 7.
pub fn mtls_ui(ui: &mut Ui, wizard: &Wizard, msgs: &mut Vec<Msg>) {
    step_heading_ui(ui, Step::MutualTls.number(), Step::MutualTls.title());
    mtls_result_ui(ui, wizard, msgs);
    root_store_ui(ui, wizard, msgs);
}

/// This computer's Trusted Root store against Schannel's CA-list limits (on Windows the Root store;
/// elsewhere the system trust store).
fn root_store_ui(ui: &mut Ui, wizard: &Wizard, msgs: &mut Vec<Msg>) {
    section_ui(ui, "Trusted Root store of this computer");
    ui.label(
        RichText::new("A server sends the names of its trusted roots when it asks for a client certificate; more than about 100 roots or 16 KB of names cut that list (KB 2880390), and a certificate that is not a root in the store breaks Lync 2013 on Windows Server 2012. Run this on the server; for another server, export its Root store to a folder and run certwiz root-store FOLDER.")
            .size(tokens::DETAIL_SIZE),
    );
    work_button_ui(
        ui,
        "Check this computer's Trusted Root store",
        wizard.root_store_looking,
        Msg::CheckRootStore,
        msgs,
    );
    let Some(report) = wizard.root_store_report() else {
        return;
    };
    if let Some(input) = report.inputs.first() {
        ui.label(
            RichText::new(format!("Read: {}", input.source))
                .size(tokens::DETAIL_SIZE)
                .weak(),
        );
    }
    if let Some(store) = &report.root_store {
        ui.label(RichText::new(store.summary()).size(tokens::DETAIL_SIZE));
    }
    for finding in &report.findings {
        finding_ui(ui, finding);
    }
}

/// Step 7's result: the handshake with our certificate and the server's acceptable-CA list.
fn mtls_result_ui(ui: &mut Ui, wizard: &Wizard, msgs: &mut Vec<Msg>) {
    let Some(report) = wizard.report() else {
        return no_report_ui(ui, wizard, msgs);
    };
    let Some(probe) = &report.probe else { return };
    summary_ui::cancelled_line_ui(ui, wizard, Step::MutualTls);
    for f in wizard.step_findings(Step::MutualTls) {
        finding_ui(ui, f);
    }
    match &probe.mutual_tls {
        Some(m) => {
            let (text, color) = match &m.outcome {
                // The handshake is half the answer: nginx and IIS refuse a certificate in HTTP.
                HandshakeOutcome::Completed if report.findings.iter().any(|f| f.id == "tls.client-cert-rejected") => (
                    "✖ The TLS handshake completed, but the HTTP answer refuses our certificate"
                        .to_owned(),
                    tokens::FAIL,
                ),
                HandshakeOutcome::Completed if report.findings.iter().any(|f| f.id == "tls.mtls-unconfirmed") => (
                    "! The TLS handshake completed; the HTTP answer does not say whether our certificate was accepted".to_owned(),
                    tokens::WARN,
                ),
                HandshakeOutcome::Completed => (
                    "✔ The server accepted our certificate".to_owned(),
                    tokens::PASS,
                ),
                other => (
                    format!("✖ {}", handshake_outcome_summary(other)),
                    tokens::FAIL,
                ),
            };
            ui.label(
                RichText::new(text)
                    .size(tokens::BODY_SIZE)
                    .strong()
                    .color(color),
            );
            ui.label(
                RichText::new(format!("Presented: {}", m.presented.join(" ← ")))
                    .size(tokens::DETAIL_SIZE),
            );
        }
        None => {
            if let Some(reason) = wizard.mutual_tls_not_tried_reason() {
                ui.label(RichText::new(format!("○ {reason}")).size(tokens::BODY_SIZE));
            }
        }
    }
    let Some(h) = &probe.handshake else { return };
    if !h.certificate_requested {
        return;
    }
    section_ui(ui, "CAs the server accepts for client certificates");
    if h.acceptable_ca_names.is_empty() {
        ui.label(RichText::new("(an empty list: SendTrustedIssuerList=0, or a Trusted Root store too large to send)").size(tokens::BODY_SIZE));
    }
    let ours: Vec<String> = report
        .client_issuers
        .iter()
        .map(|i| i.to_ascii_lowercase())
        .collect();
    for name in &h.acceptable_ca_names {
        if ours.contains(&name.to_ascii_lowercase()) {
            ui.label(
                RichText::new(format!("→ {name}   (our issuer)"))
                    .size(tokens::BODY_SIZE)
                    .strong()
                    .color(tokens::HIGHLIGHT),
            );
        } else {
            ui.label(RichText::new(format!("  {name}")).size(tokens::BODY_SIZE));
        }
    }
}
