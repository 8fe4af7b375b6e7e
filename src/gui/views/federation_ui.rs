//! Step 9's "Federation partner" section: a partner's SIP domain, checked as a federating Edge
//! server would (its `_sipfederationtls._tcp` SRV record, then every access edge it names at once),
//! with the verdict, the targets and the problems with their fixes.

use egui::{RichText, Ui};

use crate::engine::facts::federation::TargetStatus;
use crate::engine::finding::Severity;
use crate::gui::tokens;
use crate::gui::views::{finding_ui, section_ui};
use crate::gui::wizard::{Msg, Wizard};

/// Accessible name of the domain field.
pub const DOMAIN_LABEL: &str = "Partner SIP domain";
/// Accessible name of the DNS server field.
pub const DNS_SERVER_LABEL: &str = "DNS server for the partner (optional)";
/// Accessible name of the run button.
pub const RUN_FEDERATION_LABEL: &str = "Check federation partner";

/// The federation partner section.
pub fn federation_partner_ui(ui: &mut Ui, wizard: &mut Wizard, msgs: &mut Vec<Msg>) {
    section_ui(ui, "Federation partner");
    ui.label(
        RichText::new(
            "Edge federation failing with one partner? certwiz looks up the partner's \
             _sipfederationtls._tcp SRV record and checks every access edge it names at once: the \
             chain against public CAs (or step 3's roots), the name, Client Authentication, \
             whether it asks for a client certificate, and its SIP answer (step 3's certificate is \
             presented as our Edge's; without one, mutual TLS and SIP are not checked).",
        )
        .size(tokens::SMALL_SIZE)
        .weak(),
    );
    let editable = !super::locked(wizard) && !wizard.federation.running;
    // One field per line, each as wide as the page allows: step 9 must fit 1024×768 at 150 %.
    let width = (ui.available_width() - 40.0).clamp(160.0, 360.0);
    // Visible labels above the fields: a hint disappears once the field is filled in.
    ui.label(RichText::new(DOMAIN_LABEL).size(tokens::BODY_SIZE));
    let domain = ui.add_enabled(
        editable,
        egui::TextEdit::singleline(&mut wizard.federation.domain)
            .hint_text("contoso.com")
            .desired_width(width),
    );
    domain.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, editable, DOMAIN_LABEL));
    ui.label(RichText::new(DNS_SERVER_LABEL).size(tokens::BODY_SIZE));
    let dns = ui.add_enabled(
        editable,
        egui::TextEdit::singleline(&mut wizard.federation.dns_server)
            .hint_text("DNS server (optional)")
            .desired_width(width),
    );
    dns.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::TextInput, editable, DNS_SERVER_LABEL)
    });
    if wizard.federation.running {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(
                RichText::new("Asking DNS, then every access edge at once…")
                    .size(tokens::BODY_SIZE),
            );
        });
    } else {
        let enabled = !wizard.is_read_only() && !wizard.federation.domain.trim().is_empty();
        let run = egui::Button::new(
            RichText::new(format!("▶ {RUN_FEDERATION_LABEL}")).size(tokens::BODY_SIZE),
        );
        let response = ui.add_enabled(enabled, run);
        super::names::name_button(&response, RUN_FEDERATION_LABEL);
        if response.clicked() || (enabled && super::submitted(&domain)) {
            msgs.push(Msg::RunFederation);
        }
    }
    if let Some(error) = &wizard.federation.error {
        ui.label(
            RichText::new(error)
                .size(tokens::DETAIL_SIZE)
                .color(tokens::severity_color(Severity::Fail)),
        );
    }
    let Some(report) = &wizard.federation.report else {
        return;
    };
    if wizard.redact {
        // The masked view's pseudonyms are learned from the session's own reports, not this one:
        // nothing of it is shown rather than a name left unmasked.
        ui.label(
            RichText::new("The federation result is hidden while names are masked.")
                .size(tokens::DETAIL_SIZE)
                .weak(),
        );
        return;
    }
    // The status in words: the text symbols (✗) are not in the window's fonts.
    let verdict = format!(
        "Federation: {}. {}",
        report.verdict.status.as_str().to_uppercase(),
        report.verdict.summary
    );
    ui.label(RichText::new(verdict).size(tokens::BODY_SIZE).strong());
    if let Some(facts) = &report.federation {
        for lookup in &facts.lookups {
            let line = format!("SRV {}: {}", lookup.name, lookup.outcome.label());
            ui.label(RichText::new(line).size(tokens::DETAIL_SIZE));
        }
        for (i, t) in facts.targets.iter().enumerate() {
            let state = match t.status {
                TargetStatus::Checked => t.verdict.clone().unwrap_or_else(|| "no answer".into()),
                TargetStatus::Unresolvable => "unresolvable".into(),
                TargetStatus::NotChecked => "not checked".into(),
            };
            let line = format!(
                "[{}] {} (priority {}, weight {}): {state}",
                i + 1,
                t.label(),
                t.priority,
                t.weight
            );
            ui.add(
                egui::Label::new(RichText::new(line).size(tokens::DETAIL_SIZE).monospace()).wrap(),
            );
        }
    }
    for finding in report
        .findings
        .iter()
        // The problems, and every SIP answer (a pass included): what each edge said to our OPTIONS.
        .filter(|f| {
            matches!(f.severity, Severity::Fail | Severity::Warn) || f.id.starts_with("sip.")
        })
    {
        finding_ui(ui, finding);
    }
}
