//! A report as Markdown for a ticket or a chat: the same parts as the HTML page, tables for the
//! purposes and the timeline, the path tree and the port's answer in fences (text layout), and
//! nothing that a ticket system could turn into a tag.

use std::fmt::Write as _;

use crate::engine::finding::{Finding, FixCommand, Severity};
use crate::engine::purpose::Role;
use crate::engine::report::{Report, TimelineEntry, platform};

use super::sections::{Section, sections};
use super::text::{path_text, pool_text, probe_text};
use super::{certificate_block, clock, name_lines, report_name, stamp, usable_text};

/// Renders a report as Markdown for a ticket or a chat: where and when it was made, the case notes,
/// the verdict and what to do, possible causes (logs), the findings with their fixes, the path tree,
/// the purpose table, what answers on the port, mutual TLS, the other checks of a saved session, and
/// the timeline.
pub fn render_markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# certwiz {}: {}\n",
        report.command,
        report_name(report)
    );
    if let Some(origin) = &report.origin {
        let _ = writeln!(
            out,
            "_Made {}{} · {} · certwiz {}_\n",
            stamp(origin.made_at),
            if origin.computer.is_empty() {
                String::new()
            } else {
                format!(" on {}", origin.computer)
            },
            origin.platform,
            report.certwiz_version
        );
    }
    if let Some(notes) = &report.case_notes {
        let _ = writeln!(out, "## Case notes\n\n- Symptom: {}", notes.symptom.label());
        for (q, a) in notes.answers() {
            let _ = writeln!(
                out,
                "- {q} {}",
                if a.is_empty() { "(not answered)" } else { a }
            );
        }
        out.push('\n');
    }
    markdown_body(&mut out, report, 2);
    for (title, part) in report.session.reports() {
        let _ = writeln!(out, "## {title}: {}\n", report_name(part));
        markdown_body(&mut out, part, 3);
    }
    if !report.timeline.is_empty() {
        let _ = writeln!(
            out,
            "## Timeline\n\n| Time (UTC) | Check | Result | Took |\n| --- | --- | --- | --- |"
        );
        let mut sorted: Vec<&TimelineEntry> = report.timeline.iter().collect();
        sorted.sort_by_key(|e| e.at);
        for e in sorted {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                clock(e.at),
                md_cell(&e.what),
                md_cell(&e.result),
                e.elapsed_ms
                    .map(|ms| format!("{ms} ms"))
                    .unwrap_or_default()
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "_certwiz {} · {}_",
        report.certwiz_version,
        report
            .origin
            .as_ref()
            .map_or_else(platform, |o| o.platform.clone())
    );
    markdown_safe(&out)
}

/// The verdict and what the report found, headings at `level` (`##` = 2), part by part in the order
/// [`sections`] gives.
fn markdown_body(out: &mut String, report: &Report, level: usize) {
    let hashes = "#".repeat(level);
    for section in sections(report) {
        let title = section.title();
        match section {
            Section::Verdict(verdict) => {
                let _ = writeln!(
                    out,
                    "**Verdict: {} {}**: {}\n",
                    verdict.status.symbol(),
                    verdict.status.as_str().to_uppercase(),
                    verdict.summary
                );
                if let Some(next) = &verdict.next_step {
                    let _ = writeln!(out, "**What to do:** {next}\n");
                }
            }
            Section::Logs(logs) => {
                let _ = writeln!(
                    out,
                    "Read {} lines, {} event records; recognised {} signal(s).\n",
                    logs.lines,
                    logs.events_read,
                    logs.signals.len()
                );
                if !logs.signals.is_empty() {
                    let _ = writeln!(
                        out,
                        "| Signal | Seen | First | Last |\n| --- | --- | --- | --- |"
                    );
                    for s in &logs.signals {
                        let _ = writeln!(
                            out,
                            "| {} {}: {} | {} | {} | {} |",
                            s.severity.symbol(),
                            md_cell(&s.label),
                            md_cell(&s.title),
                            s.count,
                            md_cell(s.first_seen.as_deref().unwrap_or("")),
                            md_cell(s.last_seen.as_deref().unwrap_or(""))
                        );
                    }
                    out.push('\n');
                }
                super::logs::unrecognised_markdown(out, logs, md_cell);
            }
            Section::Hypotheses(hypotheses) => {
                let _ = writeln!(out, "{hashes} {title}\n");
                for (i, h) in hypotheses.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "{}. **{}** (score {}; step {}): {}",
                        i + 1,
                        h.title,
                        h.score,
                        h.step,
                        h.check.trim()
                    );
                    for r in h.reasons.iter().take(3) {
                        let _ = writeln!(out, "   - {r}");
                    }
                }
                out.push('\n');
            }
            Section::Problems(problems) => {
                let _ = writeln!(out, "{hashes} {title}\n");
                if problems.is_empty() {
                    out.push_str("Nothing to fix.\n");
                }
                for f in problems {
                    out.push_str(&finding_markdown(f));
                }
                out.push('\n');
            }
            Section::Path(path) => {
                let mut block = String::new();
                path_text(&mut block, path);
                fenced(out, &hashes, &title, &block);
            }
            Section::Purposes(purposes) => {
                let _ = writeln!(
                    out,
                    "{hashes} {title}\n\n| Certificate | Server Authentication | Client Authentication |\n| --- | --- | --- |"
                );
                for row in &purposes.rows {
                    let cell = |role: Role| {
                        format!(
                            "{} {}",
                            if row.flags.allows(role) { "✓" } else { "✗" },
                            row.flags.describe(role)
                        )
                    };
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} |",
                        md_cell(&row.display_name),
                        md_cell(&cell(Role::ServerAuth)),
                        md_cell(&cell(Role::ClientAuth))
                    );
                }
                let usable = |role: Role| usable_text(purposes, role);
                let _ = writeln!(
                    out,
                    "| **Chain as a whole** | {} | {} |\n",
                    usable(Role::ServerAuth),
                    usable(Role::ClientAuth)
                );
            }
            Section::Names(names) => {
                let _ = writeln!(out, "{hashes} {title}\n");
                for line in name_lines(names) {
                    let _ = writeln!(out, "- {line}");
                }
                out.push('\n');
            }
            Section::PortAnswer {
                probe,
                client_issuers,
            } => {
                let mut block = String::new();
                probe_text(&mut block, probe, client_issuers);
                fenced(out, &hashes, &title, &block);
            }
            Section::Pool(pool) => {
                let mut block = String::new();
                pool_text(&mut block, pool);
                fenced(out, &hashes, &title, &block);
            }
            Section::Passed(passed) => {
                let _ = writeln!(out, "{hashes} {title}\n");
                for f in passed {
                    out.push_str(&finding_markdown(f));
                }
                out.push('\n');
            }
            Section::Certificate { facts, .. } => {
                fenced(out, &hashes, &title, &certificate_block(facts));
            }
            Section::Details(rest) => fenced(out, &hashes, &title, &rest),
        }
    }
}

/// A heading and `block` in a code fence that nothing in the block can close (the path tree, the
/// port's answer: text layout, monospaced).
fn fenced(out: &mut String, hashes: &str, title: &str, block: &str) {
    let fence = fence_for(block);
    let _ = writeln!(
        out,
        "{hashes} {title}\n\n{fence}text\n{}\n{fence}\n",
        block.trim_matches('\n')
    );
}

/// A code fence longer than any run of backticks in `content` (at least three), so that text from
/// the far end (a page's lines, a site's name) can never close it.
fn fence_for(content: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in content.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// Markdown made safe for ticket systems that render HTML: outside code fences, `<` becomes `&lt;`,
/// so that nothing in a certificate or a web page's text can become a tag (an image that fetches, a
/// link). Inside fences text is shown as it is.
pub fn markdown_safe(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut open_fence: Option<usize> = None;
    for line in md.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let ticks = trimmed.chars().take_while(|c| *c == '`').count();
        match open_fence {
            Some(n) if ticks >= n && trimmed.trim_end().chars().all(|c| c == '`') => {
                open_fence = None;
                out.push_str(line);
            }
            Some(_) => out.push_str(line),
            None if ticks >= 3 => {
                open_fence = Some(ticks);
                out.push_str(line);
            }
            None => out.push_str(&line.replace('<', "&lt;")),
        }
    }
    out
}

/// Findings as a Markdown list for a ticket (the reports' and the wizard's summary share it): one line
/// per finding; for failures, warnings and notes also the detail, the fix and the commands to copy.
pub fn findings_markdown(findings: &[Finding]) -> String {
    findings.iter().map(finding_markdown).collect()
}

/// One finding as a Markdown list item; for failures, warnings and notes also the detail, the fix and
/// the commands to copy.
fn finding_markdown(f: &Finding) -> String {
    let mut out = format!(
        "- {} **{}** `{}`: {}\n",
        f.severity.symbol(),
        f.severity.as_str().to_uppercase(),
        f.id,
        f.title
    );
    if f.severity != Severity::Pass {
        // A list inside the detail stays nested under its finding.
        let detail = f.detail.replace('\n', "\n    ");
        let _ = writeln!(out, "  - {detail}\n  - Fix: {}", f.fix);
        out.push_str(&commands_markdown(&f.commands, "    "));
    }
    out
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A finding's commands as a fenced block for Markdown, each under a `#` comment saying what it does
/// (the block pastes into PowerShell as it is). Empty when there are none.
fn commands_markdown(commands: &[FixCommand], indent: &str) -> String {
    if commands.is_empty() {
        return String::new();
    }
    let mut all = String::new();
    for c in commands {
        all.push_str(&c.purpose);
        all.push_str(&c.command);
    }
    let fence = fence_for(&all);
    let mut out = format!("{indent}{fence}powershell\n");
    for c in commands {
        let _ = writeln!(out, "{indent}# {}", c.heading());
        let _ = writeln!(out, "{indent}{}", c.command);
    }
    let _ = writeln!(out, "{indent}{fence}");
    out
}

#[cfg(test)]
mod markdown_tests {
    use super::{fence_for, markdown_safe};

    #[test]
    fn far_end_text_cannot_close_a_fence_or_become_a_tag() {
        assert_eq!(fence_for("plain"), "```");
        assert_eq!(fence_for("a ``` b ```` c"), "`````");
        let md = "Title <img src=x>\n````text\n```\n<b>kept</b>\n````\nafter <a>\n";
        assert_eq!(
            markdown_safe(md),
            "Title &lt;img src=x>\n````text\n```\n<b>kept</b>\n````\nafter &lt;a>\n"
        );
    }
}
