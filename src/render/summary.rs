//! The verdict-first summary: what `certwiz` prints on a terminal by default (the whole report is
//! `--full`, or any other format). It fits one screen: the verdict, each failure and warning once with
//! its fix, the commands to copy (each once), the likely causes for a log, and how many checks passed.
//! Nothing is judged here; a cancelled or unknown verdict is shown with its own word, never as pass.

use std::fmt::Write as _;

use crate::engine::finding::Severity;
use crate::engine::report::Report;

use super::{report_name, stamp, wrap};

/// How many likely causes of a log paste the summary lists (the full report lists all).
const CAUSES_SHOWN: usize = 3;

/// `report` as the one-screen summary.
pub fn render_summary(report: &Report) -> String {
    let mut out = String::new();
    let v = &report.verdict;
    let _ = writeln!(out, "certwiz {}: {}", report.command, report_name(report));
    let _ = writeln!(
        out,
        "Verdict: {} {}\n  {}",
        v.status.symbol(),
        v.status.as_str().to_uppercase(),
        wrap(&v.summary, 2)
    );
    for (n, h) in report.hypotheses.iter().take(CAUSES_SHOWN).enumerate() {
        if n == 0 {
            out.push_str("\nLikely causes (most likely first)\n");
        }
        let _ = writeln!(
            out,
            "  {}. {} (wizard step {})",
            n + 1,
            wrap(h.title.trim(), 5),
            h.step
        );
    }
    let problems: Vec<_> = report
        .findings
        .iter()
        .filter(|f| matches!(f.severity, Severity::Fail | Severity::Warn))
        .collect();
    for f in &problems {
        let _ = writeln!(
            out,
            "\n{} {}  {} [{}]",
            f.severity.symbol(),
            f.severity.as_str().to_uppercase(),
            wrap(&f.title, 8),
            f.id
        );
        let _ = writeln!(out, "  Fix: {}", wrap(&f.fix, 7));
    }
    let commands: Vec<_> = problems.iter().flat_map(|f| &f.commands).collect();
    if !commands.is_empty() {
        out.push_str("\nCommands to copy (certwiz never runs them)\n");
        for c in commands {
            let _ = writeln!(out, "  {}", c.command);
        }
    }
    let passed = count(report, Severity::Pass);
    let info = count(report, Severity::Info);
    let _ = writeln!(
        out,
        "\n{passed} check(s) passed, {info} note(s). Judged at {}.",
        stamp(report.evaluated_at)
    );
    let _ = writeln!(
        out,
        "The whole report: add --full (or --format markdown|html|json). A finding explained: certwiz explain ID"
    );
    out
}

fn count(report: &Report, severity: Severity) -> usize {
    report
        .findings
        .iter()
        .filter(|f| f.severity == severity)
        .count()
}
