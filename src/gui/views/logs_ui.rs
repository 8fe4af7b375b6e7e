//! Step 1's event-log box: paste Event Viewer, wizard or trace text; what certwiz recognises is
//! highlighted in place, listed in words, and the likely causes are ranked with a button to the step
//! that confirms or rules out each.

use std::borrow::Cow;
use std::sync::Arc;

use egui::text::{LayoutJob, TextFormat};
use egui::{RichText, TextEdit, Ui};

use super::section_ui;
use crate::engine::logs::LogAnalysis;
use crate::gui::tokens;
use crate::gui::wizard::logs::MAX_SHOWN_BYTES;
use crate::gui::wizard::{Msg, Step, Wizard};

fn scroll_id() -> egui::Id {
    egui::Id::unique("certwiz-logs-scroll-to-result")
}

/// Asks step 1 to bring what certwiz read into view once it is ready (a log given on the command
/// line: the result is below the case notes).
pub fn scroll_to_result_once(ctx: &egui::Context) {
    ctx.data_mut(|d| d.insert_temp(scroll_id(), true));
}

/// Scrolls to `response` if a scroll was asked for, once.
fn scroll_if_asked(ui: &Ui, response: &egui::Response) {
    let asked = ui.ctx().data_mut(|d| d.remove_temp::<bool>(scroll_id()));
    if asked == Some(true) {
        response.scroll_to_me(Some(egui::Align::TOP));
    }
}

/// The box, the recognised signals and the ranked causes.
pub fn log_paste_ui(ui: &mut Ui, wizard: &mut Wizard, msgs: &mut Vec<Msg>) {
    section_ui(ui, "Event log text");
    ui.label(
        RichText::new(
            "Events (Event Viewer text or XML, Get-WinEvent output), the validation wizard's output or \
             trace lines: certwiz says what they mean and which step to check first.",
        )
        .size(tokens::DETAIL_SIZE),
    );
    let label = ui.label(RichText::new("Paste event log text").size(tokens::BODY_SIZE));
    let locked = super::locked(wizard);
    if locked {
        // A saved report or the masked view: the text as it is shown, not editable.
        if wizard.logs.text.is_empty() {
            if wizard.is_read_only() && wizard.logs.last().is_some() {
                ui.label(
                    RichText::new(
                        "The saved report keeps what certwiz read in the log, not the log itself.",
                    )
                    .size(tokens::DETAIL_SIZE)
                    .weak(),
                );
            }
        } else if wizard.logs.text.len() <= MAX_SHOWN_BYTES {
            let shown = if wizard.redact {
                Cow::Borrowed(wizard.shown_log_text().unwrap_or_default())
            } else {
                Cow::Borrowed(wizard.logs.text.as_str())
            };
            egui::ScrollArea::vertical()
                .id_salt("log_text")
                .max_height(tokens::LOG_BOX_MAX_HEIGHT)
                .show(ui, |ui| {
                    ui.add(
                        TextEdit::multiline(&mut shown.as_ref())
                            .desired_rows(6)
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id)
                });
        }
    }
    let logs = &mut wizard.logs;
    // Editable: the box with what certwiz recognised highlighted in place.
    if locked {
        // Drawn above.
    } else if logs.text.len() > MAX_SHOWN_BYTES {
        ui.label(
            RichText::new(format!(
                "i A long text was pasted ({:.1} MB): it is read in full, but not shown here.",
                logs.text.len() as f64 / 1_048_576.0
            ))
            .size(tokens::BODY_SIZE),
        );
    } else {
        let analysis: Option<Arc<LogAnalysis>> = logs
            .analysis
            .as_ref()
            .filter(|(generation, _)| *generation == logs.generation)
            .map(|(_, a)| Arc::clone(a));
        let mut layouter = |ui: &Ui, buf: &dyn egui::TextBuffer, wrap_width: f32| {
            let mut job = highlighted(buf.as_str(), analysis.as_deref());
            job.wrap.max_width = wrap_width;
            // The theme's text colours (a layout job's own default is a fixed grey, 2.6:1 on the
            // light theme's field); a recognised signal in the strong one, readable on its tint.
            for section in &mut job.sections {
                section.format.color = if section.format.background == tokens::LOG_MARK_BACKGROUND {
                    ui.visuals().strong_text_color()
                } else {
                    ui.visuals().text_color()
                };
            }
            ui.fonts_mut(|f| f.layout_job(job))
        };
        // A long paste scrolls inside the box instead of pushing the rest of step 1 away.
        let edit_id = egui::Id::unique(LOG_EDIT_ID);
        let response = log_scroll_area(ui, edit_id)
            .show(ui, |ui| {
                ui.add(
                    TextEdit::multiline(&mut logs.text)
                        .id(edit_id)
                        .desired_rows(6)
                        .desired_width(f32::INFINITY)
                        .hint_text(
                            "Event Type: Error / Event Source: OCS MCU Infrastructure / Event ID: 61030 …",
                        )
                        .layouter(&mut layouter),
                )
                .labelled_by(label.id)
            })
            .inner;
        if response.changed() {
            msgs.push(Msg::LogTextChanged);
        }
    }
    if !logs.text.is_empty()
        && !locked
        && ui
            .button(RichText::new("Clear log text").size(tokens::DETAIL_SIZE))
            .clicked()
    {
        msgs.push(Msg::ClearLogText);
    }
    if let Some(error) = &logs.error {
        ui.label(
            RichText::new(format!("✖ {error}"))
                .color(tokens::FAIL)
                .size(tokens::BODY_SIZE),
        );
    }
    if logs.text.trim().is_empty() && !wizard.is_read_only() {
        return;
    }
    let Some(analysis) = wizard.log_analysis() else {
        return;
    };
    if analysis.signals.is_empty() {
        // Nothing recognised is its own state, never a pass: say so, and show what was read.
        let verdict = ui.label(
            RichText::new(format!(
                "{} {}",
                tokens::severity_mark(crate::engine::finding::Severity::Unknown),
                crate::engine::logs::verdict::nothing_recognised_summary(analysis)
            ))
            .size(tokens::BODY_SIZE)
            .strong()
            .color(tokens::severity_color(
                crate::engine::finding::Severity::Unknown,
            )),
        );
        scroll_if_asked(ui, &verdict);
        ui.label(
            RichText::new(crate::engine::logs::verdict::nothing_recognised_next_step(
                analysis,
            ))
            .size(tokens::BODY_SIZE - 1.0),
        );
        unrecognised_ui(ui, analysis);
        return;
    }
    ui.add_space(6.0);
    let recognised = ui.label(RichText::new("Recognised").size(tokens::BODY_SIZE).strong());
    scroll_if_asked(ui, &recognised);
    for s in &analysis.signals {
        let mut seen = if s.count == 1 {
            "once".to_owned()
        } else {
            format!("{} times", s.count)
        };
        if let Some(c) = &s.counter {
            seen.push_str(&format!(", the event counts {} failures", c.occurrences));
        }
        ui.label(
            RichText::new(format!(
                "{} {}: {} ({seen})",
                tokens::severity_mark(s.severity),
                s.label,
                s.title
            ))
            .size(tokens::DETAIL_SIZE)
            .color(tokens::severity_color(s.severity)),
        );
    }
    ui.add_space(6.0);
    ui.label(
        RichText::new("Possible causes, most likely first")
            .size(tokens::BODY_SIZE)
            .strong(),
    );
    let mut go = None;
    for (i, h) in analysis.hypotheses.iter().enumerate() {
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!("{}. {}", i + 1, h.title.trim()))
                    .size(tokens::DETAIL_SIZE)
                    .strong(),
            );
            let step = Step::ALL
                .get(usize::from(h.step).saturating_sub(1))
                .copied();
            if let Some(step) = step
                && ui
                    .button(
                        RichText::new(format!("Go to step {}: {}", step.number(), step.title()))
                            .size(tokens::SMALL_SIZE),
                    )
                    .clicked()
            {
                go = Some(step);
            }
        });
        if let Some(reason) = h.reasons.first() {
            ui.label(
                RichText::new(format!("   Why: {reason}"))
                    .size(tokens::SMALL_SIZE)
                    .weak(),
            );
        }
    }
    if let Some(step) = go {
        msgs.push(Msg::Select(step));
    }
    unrecognised_ui(ui, analysis);
}

/// The Error and Warning events that were read but not recognised, one line each.
fn unrecognised_ui(ui: &mut Ui, analysis: &LogAnalysis) {
    if analysis.unrecognised.is_empty() {
        return;
    }
    ui.add_space(6.0);
    let title = if analysis.signals.is_empty() {
        "Error and Warning events read (not recognised)"
    } else {
        "Also read, not recognised"
    };
    ui.label(RichText::new(title).size(tokens::BODY_SIZE).strong());
    for line in crate::render::logs::unrecognised_lines(analysis) {
        ui.label(RichText::new(line).size(tokens::BODY_SIZE - 2.0));
    }
}

/// The id of the editable log box (its focus decides who gets the mouse wheel).
const LOG_EDIT_ID: &str = "log_text_edit";

/// The log box's scroll area. The wheel scrolls the page past the box (a long paste must not trap
/// the wheel of someone scrolling the page); once the user clicks into the box, it scrolls the
/// box. Its scroll bar always works.
fn log_scroll_area(ui: &Ui, edit_id: egui::Id) -> egui::ScrollArea {
    let focused = ui.memory(|m| m.has_focus(edit_id));
    egui::ScrollArea::vertical()
        .id_salt("log_text")
        .max_height(tokens::LOG_BOX_MAX_HEIGHT)
        .scroll_source(egui::scroll_area::ScrollSource {
            mouse_wheel: focused,
            ..egui::scroll_area::ScrollSource::default()
        })
}

/// The text with every recognised signal marked: a tinted background and an underline.
pub fn highlighted(text: &str, analysis: Option<&LogAnalysis>) -> LayoutJob {
    let plain = TextFormat {
        font_id: egui::FontId::monospace(tokens::SMALL_SIZE),
        ..TextFormat::default()
    };
    let marked = TextFormat {
        background: tokens::LOG_MARK_BACKGROUND,
        underline: egui::Stroke::new(1.5, tokens::WARN),
        ..plain.clone()
    };
    let mut job = LayoutJob::default();
    let mut at = 0;
    let mentions = analysis.map_or(&[][..], |a| a.mentions.as_slice());
    for m in mentions {
        let valid = m.start >= at
            && m.end <= text.len()
            && m.start < m.end
            && text.is_char_boundary(m.start)
            && text.is_char_boundary(m.end);
        if !valid {
            continue;
        }
        job.append(&text[at..m.start], 0.0, plain.clone());
        job.append(&text[m.start..m.end], 0.0, marked.clone());
        at = m.end;
    }
    job.append(&text[at..], 0.0, plain);
    job
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognised_signals_are_marked_and_the_rest_is_plain() {
        let text = "noise\nEvent ID: 61030\nHTTP Connectivity Error : ReceiveFailure\n";
        let analysis = crate::engine::logs::analyse(text).expect("kb");
        let job = highlighted(text, Some(&analysis));
        let marked: Vec<&str> = job
            .sections
            .iter()
            .filter(|s| s.format.background == tokens::LOG_MARK_BACKGROUND)
            .map(|s| &job.text[s.byte_range.start.0..s.byte_range.end.0])
            .collect();
        assert_eq!(
            marked,
            ["61030", "HTTP Connectivity Error : ReceiveFailure"]
        );
        assert_eq!(job.text, text, "the text is unchanged");
        // Highlights from another text (the user typed on) are skipped, never sliced wrongly.
        let job = highlighted("é", Some(&analysis));
        assert_eq!(job.text, "é");
    }
}
