//! The log matcher's own part of a report, written once for every format: the list of Error and
//! Warning events that were read but not recognised. The text, Markdown and HTML renderers call these
//! with their own escaping, and the GUI's step 1 shows the same lines.

use std::fmt::Write as _;

use crate::engine::logs::{LogAnalysis, UnrecognisedEvent};

/// Rows of the unrecognised list shown in reports (the JSON keeps up to [`crate::engine::logs::MAX_UNRECOGNISED`]).
pub const SHOWN_UNRECOGNISED: usize = 30;

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
