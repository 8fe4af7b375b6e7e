//! The log matcher's own parts of a report, written once for every format: the verdict when nothing
//! was recognised (never a pass), the "what to do" from the most likely cause, and the list of Error
//! and Warning events that were read but not recognised. The report renderers call these with their
//! own escaping, so the wording is the same in text, Markdown, HTML and the GUI.

use std::fmt::Write as _;

use super::{LogAnalysis, RankedHypothesis, UnrecognisedEvent};

/// Rows of the unrecognised list shown in reports (the JSON keeps up to [`super::MAX_UNRECOGNISED`]).
pub const SHOWN_UNRECOGNISED: usize = 30;

/// The verdict's sentence when nothing was recognised: "certwiz recognises none of these 12 events".
pub fn nothing_recognised_summary(logs: &LogAnalysis) -> String {
    let n = logs.events_read;
    match n {
        0 => format!(
            "certwiz recognises nothing in these {} line{}: no event record, error code or message it \
             knows. This is not an all-clear.",
            logs.lines,
            if logs.lines == 1 { "" } else { "s" }
        ),
        1 => "certwiz does not recognise the 1 event read. This is not an all-clear.".to_owned(),
        _ => format!("certwiz recognises none of these {n} events. This is not an all-clear."),
    }
}

/// What to do when nothing was recognised.
pub fn nothing_recognised_next_step(logs: &LogAnalysis) -> String {
    let listed = if logs.unrecognised.is_empty() {
        String::new()
    } else {
        "Read the Error and Warning events listed below (ID, source, first line of the \
         description): certwiz cannot judge them, and they may be real problems. "
            .to_owned()
    };
    format!(
        "{listed}Then paste the events around the failure time from Event Viewer (Applications and \
         Services Logs > Lync Server / Office Communications Server, and System for Schannel), or run \
         the checks of steps 2 to 7 against the server."
    )
}

/// The verdict's "what to do" from the most likely cause: its specific fix, then where to confirm it.
pub fn top_next_step(top: &RankedHypothesis) -> String {
    format!(
        "{} (Most likely: {} Confirm it first in step {}: {})",
        top.fix.trim(),
        end_sentence(&top.title),
        top.step,
        top.check.trim()
    )
}

fn end_sentence(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['.', '!', '?']) {
        t.to_owned()
    } else {
        format!("{t}.")
    }
}

fn heading(logs: &LogAnalysis) -> String {
    if logs.signals.is_empty() {
        format!(
            "Error and Warning events read, none recognised ({} of {} event records not recognised)",
            logs.events_unrecognised, logs.events_read
        )
    } else {
        format!(
            "Also read, not recognised: Error and Warning events ({} of {} event records not recognised)",
            logs.events_unrecognised, logs.events_read
        )
    }
}

fn name(e: &UnrecognisedEvent) -> String {
    match &e.source {
        Some(source) => format!("Event {} ({source})", e.id),
        None => format!("Event {}", e.id),
    }
}

fn more(logs: &LogAnalysis) -> Option<String> {
    let hidden = logs.unrecognised.len().saturating_sub(SHOWN_UNRECOGNISED);
    (hidden > 0).then(|| format!("… and {hidden} more (all in the JSON report)"))
}

/// One line per unrecognised event, for the GUI and plain text: "Error · Event 1000 (Application
/// Error) ×3, line 12: Faulting application name: …".
pub fn unrecognised_lines(logs: &LogAnalysis) -> Vec<String> {
    let mut lines: Vec<String> = logs
        .unrecognised
        .iter()
        .take(SHOWN_UNRECOGNISED)
        .map(|e| {
            format!(
                "{} · {} ×{}, line {}: {}",
                e.level,
                name(e),
                e.count,
                e.line,
                e.description.as_deref().unwrap_or("(no description)")
            )
        })
        .collect();
    lines.extend(more(logs));
    lines
}

/// The unrecognised events as plain text (terminal).
pub fn unrecognised_text(out: &mut String, logs: &LogAnalysis) {
    if logs.unrecognised.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", heading(logs));
    for line in unrecognised_lines(logs) {
        let _ = writeln!(out, "  {line}");
    }
}

/// The table's cells, escaped by `cell`: level, ID, source, count, description.
fn table_rows(logs: &LogAnalysis, cell: fn(&str) -> String) -> Vec<[String; 5]> {
    logs.unrecognised
        .iter()
        .take(SHOWN_UNRECOGNISED)
        .map(|e| {
            [
                e.level.clone(),
                e.id.to_string(),
                cell(e.source.as_deref().unwrap_or("")),
                e.count.to_string(),
                cell(e.description.as_deref().unwrap_or("")),
            ]
        })
        .collect()
}

const COLUMNS: [&str; 5] = ["Level", "ID", "Source", "Count", "Description (first line)"];

/// The unrecognised events as a Markdown table; `cell` escapes a table cell.
pub fn unrecognised_markdown(out: &mut String, logs: &LogAnalysis, cell: fn(&str) -> String) {
    if logs.unrecognised.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "**{}**\n\n| {} |\n|{}",
        heading(logs),
        COLUMNS.join(" | "),
        " --- |".repeat(COLUMNS.len())
    );
    for row in table_rows(logs, cell) {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    if let Some(more) = more(logs) {
        let _ = writeln!(out, "\n{more}");
    }
    out.push('\n');
}

/// The unrecognised events as an HTML table; `escape` escapes text.
pub fn unrecognised_html(out: &mut String, logs: &LogAnalysis, escape: fn(&str) -> String) {
    if logs.unrecognised.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<p><strong>{}</strong></p>\n<table>\n<tr><th>{}</th></tr>",
        escape(&heading(logs)),
        COLUMNS.join("</th><th>")
    );
    for row in table_rows(logs, escape) {
        let _ = writeln!(out, "<tr><td>{}</td></tr>", row.join("</td><td>"));
    }
    out.push_str("</table>\n");
    if let Some(more) = more(logs) {
        let _ = writeln!(out, "<p>{}</p>", escape(&more));
    }
}
