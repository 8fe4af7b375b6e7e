//! Step 1 (what happened: symptom and case notes) and step 2 (the server), plus the target bar.

use egui::{RichText, TextEdit, Ui};

use super::{section_ui, step_heading_ui, submitted};
use crate::gui::tokens;
use crate::gui::wizard::{LabState, Msg, Step, Symptom, Wizard};
use crate::lab::Scenario;

/// A labelled single-line field; the label is its accessible name.
/// A locked field (a saved report, or the masked view) shows `shown` instead and cannot be edited.
fn field_ui(
    ui: &mut Ui,
    label: &str,
    value: &mut String,
    hint: &str,
    width: f32,
    shown: Option<String>,
) -> egui::Response {
    let label = ui.label(RichText::new(label).size(tokens::BODY_SIZE));
    let font = egui::FontId::proportional(tokens::BODY_SIZE);
    // Never wider than what is left of the row (a zoomed, narrow window).
    let width = width.min(ui.available_width() - 8.0).max(60.0);
    match shown {
        Some(text) => ui.add(
            TextEdit::singleline(&mut text.as_str())
                .desired_width(width)
                .font(font),
        ),
        None => ui.add(
            TextEdit::singleline(value)
                .hint_text(hint)
                .desired_width(width)
                .font(font),
        ),
    }
    .labelled_by(label.id)
}

/// What a locked field shows: the value, masked in the masked view. None when the field is editable.
fn locked_text(wizard: &Wizard, value: &str) -> Option<String> {
    super::locked(wizard).then(|| wizard.mask(value).into_owned())
}

fn problem_ui(ui: &mut Ui, problem: Option<&String>) {
    if let Some(p) = problem {
        ui.label(
            RichText::new(format!("✖ {p}"))
                .color(tokens::FAIL)
                .size(tokens::DETAIL_SIZE),
        );
    }
}

/// The top bar: server, port and the big Run all checks button.
/// `elapsed`: how long the running checks have run (shown beside Cancel).
pub fn target_bar_ui(
    ui: &mut Ui,
    wizard: &mut Wizard,
    elapsed: Option<std::time::Duration>,
    msgs: &mut Vec<Msg>,
) {
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("certwiz").size(tokens::HEADING_SIZE).strong());
        ui.add_space(16.0);
        let shown = locked_text(wizard, &wizard.target.server_fqdn);
        let server = field_ui(
            ui,
            "Server FQDN",
            &mut wizard.target.server_fqdn,
            "ocs1.contoso.com",
            260.0,
            shown,
        );
        let shown = locked_text(wizard, &wizard.target.port);
        let port = field_ui(ui, "Port", &mut wizard.target.port, "444", 80.0, shown);
        if submitted(&server) || submitted(&port) {
            msgs.push(Msg::RunStep);
        }
        ui.add_space(12.0);
        let run = egui::Button::new(
            RichText::new("▶ Run all checks")
                .size(tokens::RUN_BUTTON_TEXT_SIZE)
                .strong(),
        )
        .min_size(egui::vec2(200.0, tokens::RUN_BUTTON_HEIGHT));
        if wizard.is_running() {
            // Cancel takes Run's place and size, so nothing on the page moves.
            let cancel = egui::Button::new(
                RichText::new("■ Cancel")
                    .size(tokens::RUN_BUTTON_TEXT_SIZE)
                    .strong(),
            )
            .min_size(egui::vec2(200.0, tokens::RUN_BUTTON_HEIGHT));
            let cancel = ui.add(cancel);
            super::names::name_button(&cancel, "Cancel");
            if cancel.clicked() {
                msgs.push(Msg::Cancel);
            }
            ui.spinner();
            if let Some(elapsed) = elapsed {
                ui.label(
                    RichText::new(format!("running {:.0} s", elapsed.as_secs_f32().floor()))
                        .size(tokens::BODY_SIZE),
                );
            }
        } else {
            let response = ui.add_enabled(wizard.can_run(), run);
            super::names::name_button(&response, "Run all checks");
            let response = if wizard.can_run() {
                response
            } else {
                response.on_disabled_hover_text("Enter a valid server name first (step 2)")
            };
            if response.clicked() {
                msgs.push(Msg::RunAll);
            }
        }
    });
    revocation_switch_ui(ui, wizard);
    session_bar_ui(ui, wizard, msgs);
    ui.add_space(6.0);
}

/// Accessible names of the session controls.
pub const SAVE_REPORT_LABEL: &str = "💾 Save report…";
/// Opens a saved report.
pub const OPEN_REPORT_LABEL: &str = "📂 Open report…";
/// The masking switch.
pub const REDACT_LABEL: &str = "Mask names and addresses (for screen-sharing and sending)";
/// Leaves a saved report.
pub const CLOSE_REPORT_LABEL: &str = "Close report";

/// Save, open, the masking switch, and the banner of a saved report.
fn session_bar_ui(ui: &mut Ui, wizard: &mut Wizard, msgs: &mut Vec<Msg>) {
    let small = tokens::DETAIL_SIZE;
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(
                wizard.can_save() && !wizard.is_running(),
                egui::Button::new(RichText::new(SAVE_REPORT_LABEL).size(small)),
            )
            .on_hover_text("One file for the ticket: a web page (.html), Markdown (.md), or the certwiz report (.json) that opens again here")
            .on_disabled_hover_text("Nothing to save yet: run the checks first")
            .clicked()
        {
            msgs.push(Msg::SaveReport);
        }
        if ui
            .add_enabled(
                !wizard.is_running(),
                egui::Button::new(RichText::new(OPEN_REPORT_LABEL).size(small)),
            )
            .on_hover_text("Show a report saved by certwiz (.json), read-only")
            .clicked()
        {
            msgs.push(Msg::OpenReport);
        }
        let mut redact = wizard.redact;
        let label = format!("{} {REDACT_LABEL}", if redact { "🔒" } else { "🔓" });
        let response = ui.checkbox(&mut redact, RichText::new(label).size(small));
        response.widget_info(|| {
            egui::WidgetInfo::selected(egui::Role::CheckBox, true, redact, REDACT_LABEL)
        });
        if response.changed() {
            msgs.push(Msg::SetRedact(redact));
        }
    });
    if let Some(banner) = wizard.opened_banner() {
        egui::Frame::new()
            .fill(tokens::READ_ONLY_BACKGROUND)
            .inner_margin(egui::Margin::symmetric(10, 6))
            .corner_radius(4.0)
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("📄 {banner}")).size(small).strong());
                    if ui
                        .button(RichText::new(CLOSE_REPORT_LABEL).size(small))
                        .clicked()
                    {
                        msgs.push(Msg::CloseReport);
                    }
                });
            });
    }
}

/// The switch for the fetches Run all checks makes, with the URLs it will contact listed before it
/// does (the local certificate's, known now; the server's are named as they are contacted).
fn revocation_switch_ui(ui: &mut Ui, wizard: &mut Wizard) {
    // As shown: masked in the masked view.
    let known: Vec<(String, &'static str, String)> = wizard
        .local_report()
        .and_then(|r| r.path.as_ref())
        .map(crate::engine::revocation::urls_of)
        .unwrap_or_default();
    let contacting: Vec<String> = match &wizard.run {
        crate::gui::wizard::RunState::Running { contacting, .. } => contacting
            .iter()
            .map(|url| wizard.mask(url).into_owned())
            .collect(),
        _ => Vec::new(),
    };
    let small = tokens::SMALL_SIZE;
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled(
            !wizard.is_running(),
            egui::Checkbox::new(
                &mut wizard.fetch_revocation,
                RichText::new(FETCH_SWITCH_LABEL).size(tokens::DETAIL_SIZE),
            ),
        );
        if !wizard.fetch_revocation {
            return;
        }
        let title = if contacting.is_empty() {
            format!("Which URLs? ({} known)", known.len())
        } else {
            format!("Contacting {} URL(s)…", contacting.len())
        };
        ui.menu_button(RichText::new(title).size(small), |ui| {
            for url in &contacting {
                ui.label(RichText::new(format!("→ contacting {url}")).size(small));
            }
            if known.is_empty() {
                ui.label(RichText::new("The local certificate names no URL (or none is loaded).").size(small));
            }
            for (name, kind, url) in &known {
                ui.label(RichText::new(format!("{name}: {kind} {url}")).size(small));
            }
            ui.label(
                RichText::new(
                    "And the URLs in the certificates the server presents: known only after the handshake, named in the status line as they are contacted.",
                )
                .size(small)
                .weak(),
            );
        });
    });
}

/// The revocation switch's label (also its accessible name).
pub const FETCH_SWITCH_LABEL: &str =
    "Check revocation (contacts the CRL and OCSP servers named in the certificates)";

/// Step 1: the symptom and the three questions every support call asks, and the practice lab.
pub fn what_happened_ui(ui: &mut Ui, wizard: &mut Wizard, msgs: &mut Vec<Msg>) {
    step_heading_ui(ui, Step::WhatHappened.number(), Step::WhatHappened.title());
    // A newcomer's first stop: reachable without scrolling on the first launch.
    practice_lab_ui(ui, wizard, msgs);
    section_ui(ui, "Symptom");
    let read_only = wizard.is_read_only();
    ui.add_enabled_ui(!read_only, |ui| {
        for symptom in Symptom::ALL {
            ui.radio_value(
                &mut wizard.notes.symptom,
                symptom,
                RichText::new(symptom.label()).size(tokens::BODY_SIZE),
            );
        }
    });
    section_ui(ui, "Case notes");
    let locked = super::locked(wizard);
    let shown: Vec<String> = [
        &wizard.notes.ever_worked,
        &wizard.notes.when_stopped,
        &wizard.notes.what_changed,
    ]
    .into_iter()
    .map(|a| wizard.mask(a).into_owned())
    .collect();
    for ((question, answer), shown) in [
        ("Did it ever work?", &mut wizard.notes.ever_worked),
        ("When did it stop?", &mut wizard.notes.when_stopped),
        ("What changed?", &mut wizard.notes.what_changed),
    ]
    .into_iter()
    .zip(shown)
    {
        let label = ui.label(RichText::new(question).size(tokens::BODY_SIZE));
        let font = egui::FontId::proportional(tokens::BODY_SIZE);
        if locked {
            ui.add(
                TextEdit::multiline(&mut shown.as_str())
                    .desired_rows(2)
                    .desired_width(f32::INFINITY)
                    .font(font),
            )
        } else {
            ui.add(
                TextEdit::multiline(answer)
                    .desired_rows(2)
                    .desired_width(f32::INFINITY)
                    .font(font),
            )
        }
        .labelled_by(label.id);
    }
    super::logs_ui::log_paste_ui(ui, wizard, msgs);
}

/// The practice lab: pick a failure, start a loopback server that plays it, and the target and step 3
/// are filled in, ready for Run all checks.
fn practice_lab_ui(ui: &mut Ui, wizard: &mut Wizard, msgs: &mut Vec<Msg>) {
    section_ui(ui, "Practice lab");
    let starting = matches!(wizard.lab.state, LabState::Starting(_));
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(RichText::new("Scenario").size(tokens::BODY_SIZE));
        ui.add_enabled_ui(!starting, |ui| {
            egui::ComboBox::from_id_salt("lab_scenario")
                .selected_text(
                    RichText::new(wizard.lab.scenario.description()).size(tokens::BODY_SIZE),
                )
                // Never wider than the page (150 % zoom on 1024×768 leaves about 390 points).
                .width((ui.available_width() - 40.0).clamp(200.0, 520.0))
                .show_ui(ui, |ui| {
                    for scenario in Scenario::ALL {
                        ui.selectable_value(
                            &mut wizard.lab.scenario,
                            scenario,
                            RichText::new(scenario.description()).size(tokens::BODY_SIZE),
                        );
                    }
                })
                .response
                .labelled_by(label.id);
        });
    });
    ui.horizontal_wrapped(|ui| {
        let running = matches!(wizard.lab.state, LabState::Running { .. });
        let start = if running {
            "▶ Restart practice lab"
        } else {
            "▶ Start practice lab"
        };
        let start_button = ui.add_enabled(
            !starting,
            egui::Button::new(RichText::new(start).size(tokens::BODY_SIZE).strong()),
        );
        super::names::name_button(&start_button, start);
        if start_button.clicked() {
            msgs.push(Msg::StartLab);
        }
        if running {
            let stop = "■ Stop practice lab";
            let stop_button = ui.button(RichText::new(stop).size(tokens::BODY_SIZE));
            super::names::name_button(&stop_button, stop);
            if stop_button.clicked() {
                msgs.push(Msg::StopLab);
            }
        }
    });
    let (text, color) = match &wizard.lab.state {
        LabState::Stopped => ("○ Not running.".to_owned(), tokens::NEUTRAL),
        LabState::Starting(s) => (format!("… Starting: {}", s.description()), tokens::NEUTRAL),
        LabState::Running { scenario, port } => (
            format!(
                "✔ Running on 127.0.0.1:{port}: {}. The server name, port and step 3 are filled in: \
                 press Run all checks.",
                scenario.description()
            ),
            tokens::PASS,
        ),
        LabState::Failed(e) => (format!("✖ Could not start: {e}"), tokens::FAIL),
    };
    ui.label(RichText::new(text).size(tokens::BODY_SIZE).color(color));
    // What it is comes after the controls, so Start is in view on a small, zoomed screen.
    ui.label(
        RichText::new(
            "No pool at hand? The practice lab starts a server on this computer (on its loopback address) that plays \
             one failure, fills in the server and step 3, and you run the checks as on a real pool.",
        )
        .size(tokens::DETAIL_SIZE),
    );
}

/// Step 2's fields, in the order shown: label and hint (the values are the target's, in this order).
const SERVER_FIELDS: [(&str, &str); 5] = [
    ("Pool FQDN", "pool01.contoso.com (optional)"),
    ("Server FQDN (checked)", "ocs1.contoso.com"),
    ("Port number", "444"),
    ("Path", "/LiveServer/MCUFactory/"),
    ("Connect address", "optional IP, e.g. 10.0.0.12"),
];

/// Step 2's protocol choice: what certwiz speaks after the handshake (auto: by port), and what that
/// means for the port typed.
fn protocol_ui(ui: &mut Ui, wizard: &mut Wizard) {
    use crate::engine::probe::ProtocolChoice;
    ui.add_space(tokens::SECTION_GAP);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("After the handshake speak").size(tokens::BODY_SIZE));
        let locked = wizard.is_read_only() || wizard.is_running();
        ui.add_enabled_ui(!locked, |ui| {
            let choice = &mut wizard.target.protocol;
            for (value, words) in [
                (ProtocolChoice::Auto, "Auto (by port)"),
                (ProtocolChoice::Http, "HTTP"),
                (ProtocolChoice::Sip, "SIP"),
            ] {
                ui.radio_value(choice, value, RichText::new(words).size(tokens::BODY_SIZE));
            }
        });
    });
    if let Ok(port) = wizard.target.port.trim().parse::<u16>() {
        let (protocol, why) = wizard.target.protocol.resolve(port);
        let words = match protocol {
            crate::engine::probe::Protocol::Sip => "a SIP OPTIONS (the path is not used)",
            crate::engine::probe::Protocol::Http => "an HTTP GET for the path",
        };
        ui.label(
            RichText::new(format!("certwiz sends {words} ({why})."))
                .size(tokens::DETAIL_SIZE)
                .weak(),
        );
    }
}

/// Step 2: pool and server names, port, path and connect address, validated as typed.
pub fn server_ui(ui: &mut Ui, wizard: &mut Wizard, msgs: &mut Vec<Msg>) {
    step_heading_ui(ui, Step::Server.number(), Step::Server.title());
    let problems = wizard.target.parse().err().unwrap_or_default();
    // What the fields show when they are locked (a saved report, or the masked view).
    let t = &wizard.target;
    let mut shown = [&t.pool_fqdn, &t.server_fqdn, &t.port, &t.path, &t.address]
        .map(|value| locked_text(wizard, value))
        .into_iter();
    // Beside their labels where there is room (the grid measures its columns a frame late, so the
    // fields take what is left), under them in a narrow or zoomed window.
    let narrow = ui.available_width() < 640.0;
    let field_width = if narrow {
        (ui.available_width() - 8.0).min(380.0)
    } else {
        (ui.available_width() - 240.0).clamp(120.0, 380.0)
    };
    let body = |ui: &mut Ui| {
        let t = &mut wizard.target;
        let values = [
            &mut t.pool_fqdn,
            &mut t.server_fqdn,
            &mut t.port,
            &mut t.path,
            &mut t.address,
        ];
        let problems = [
            &problems.pool_fqdn,
            &problems.server_fqdn,
            &problems.port,
            &problems.path,
            &problems.address,
        ];
        for (((label, hint), value), problem) in SERVER_FIELDS.into_iter().zip(values).zip(problems)
        {
            let problem = problem.as_ref();
            if submitted(&field_ui(
                ui,
                label,
                value,
                hint,
                field_width,
                shown.next().flatten(),
            )) {
                msgs.push(Msg::RunStep);
            }
            ui.end_row();
            if problem.is_some() {
                ui.label("");
                problem_ui(ui, problem);
                ui.end_row();
            }
        }
    };
    if narrow {
        ui.vertical(body);
    } else {
        super::fitted_grid_ui(
            ui,
            egui::Grid::new("server_fields").spacing([12.0, 10.0]),
            2,
            12.0,
            body,
        );
    }
    protocol_ui(ui, wizard);
    ui.add_space(tokens::SECTION_GAP);
    let ready = wizard.can_run();
    let (text, color) = if wizard.is_running() {
        (
            "… The checks are running: steps 4 to 8 fill in as they finish.",
            tokens::NEUTRAL,
        )
    } else if ready {
        (
            "✔ Ready: press Run all checks at the top (or Enter).",
            tokens::PASS,
        )
    } else {
        ("Enter the server details above.", tokens::NEUTRAL)
    };
    ui.label(RichText::new(text).size(tokens::BODY_SIZE).color(color));
}
