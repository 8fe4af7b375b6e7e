//! One self-contained HTML page per report, for the ticket: inline CSS, no script, no image, no link
//! to anything outside the file (a Content-Security-Policy forbids fetching even if a certificate's
//! text tried), readable printed or on a phone. State is always said in words and symbols, never by
//! colour alone.

use std::fmt::Write as _;

use crate::engine::finding::{Finding, Severity};
use crate::engine::path::CertificationPath;
use crate::engine::probe::browse::BrowseOutcome;
use crate::engine::probe::tls::HandshakeOutcome;
use crate::engine::probe::{ProbeFacts, ProbeStep};
use crate::engine::purpose::{PurposeAnalysis, Role};

use crate::engine::report::{Report, TimelineEntry};

use super::sections::{Section, sections};
use super::{certificate_rows, clock, day, name_lines, pool_mark, report_name, stamp};

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 16px/1.5 "Segoe UI", system-ui, -apple-system, sans-serif; color: #1b1f24; background: #f6f7f9; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #d8dde3; padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; }
.sub { color: #4a5561; margin: 0 0 1rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; color: #333; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
.verdict { border: 3px solid; border-radius: 8px; padding: .8rem 1.1rem; margin: 1.2rem 0; }
.verdict h2 { border: 0; margin: 0 0 .3rem; font-size: 1.5rem; }
.fail { border-color: #b3261e; background: #fdecea; }
.warn { border-color: #9a6700; background: #fff6dc; }
.info { border-color: #1f5fa8; background: #eaf2fc; }
.pass { border-color: #1a7f37; background: #e8f6ec; }
.unknown { border-color: #5f6368; background: #f1f3f4; }
.cancelled { border-color: #5a6570; background: #eef0f2; }
.finding { border-left-width: 6px; border-left-style: solid; border-radius: 4px; padding: .5rem .9rem; margin: .7rem 0; }
ul.passed { padding-left: 1.2rem; }
ul.passed li { margin: .35rem 0; }
.finding h3 { margin: 0 0 .3rem; font-size: 1.05rem; }
.finding p { margin: .3rem 0; white-space: pre-line; }
code, pre, .mono { font-family: Consolas, "Cascadia Mono", "DejaVu Sans Mono", monospace; font-size: .92em; }
pre { background: #f0f2f5; border: 1px solid #d8dde3; border-radius: 4px; padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
th, td { border: 1px solid #d8dde3; padding: .35rem .55rem; text-align: left; vertical-align: top; }
th { background: #eef1f4; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 1.4rem; }
ul.tree { padding-left: 0; }
ul.tree li { margin: .3rem 0; }
ul.tree ul { border-left: 2px solid #c4ccd5; margin-left: .5rem; }
.node { font-weight: 600; }
.bad { color: #b3261e; font-weight: 600; }
.good { color: #1a7f37; font-weight: 600; }
.muted { color: #5a6570; }
footer { margin-top: 2.5rem; color: #5a6570; font-size: .9rem; border-top: 1px solid #d8dde3; padding-top: .6rem; }
@media print { body { background: #fff; } main { padding: 0; } }
"#;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn class(severity: Severity) -> &'static str {
    match severity {
        Severity::Fail => "fail",
        Severity::Warn => "warn",
        Severity::Info => "info",
        Severity::Pass => "pass",
        Severity::Unknown => "unknown",
    }
}

/// Renders `report` as one HTML page.
pub fn render_html(report: &Report) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let name = report_name(report);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>certwiz report: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(&name)
    );
    let _ = writeln!(out, "<header>\n<h1>certwiz report</h1>");
    let _ = writeln!(
        out,
        "<p class=\"sub\">{}: {}</p>",
        escape(&report.command),
        escape(&name)
    );
    out.push_str("<dl class=\"meta\">\n");
    if let Some(origin) = &report.origin {
        let _ = writeln!(
            out,
            "<dt>Made</dt><dd>{}{}</dd>",
            stamp(origin.made_at),
            if origin.computer.is_empty() {
                String::new()
            } else {
                format!(" on {}", escape(&origin.computer))
            }
        );
        let _ = writeln!(
            out,
            "<dt>Platform</dt><dd>{}</dd>",
            escape(&origin.platform)
        );
    }
    let _ = writeln!(
        out,
        "<dt>Certificates judged at</dt><dd>{}</dd>",
        stamp(report.evaluated_at)
    );
    let _ = writeln!(
        out,
        "<dt>certwiz</dt><dd>{}</dd>",
        escape(&report.certwiz_version)
    );
    out.push_str("</dl>\n</header>\n");

    if let Some(notes) = &report.case_notes {
        let _ = writeln!(out, "<section>\n<h2>Case notes</h2>\n<dl class=\"meta\">");
        let _ = writeln!(
            out,
            "<dt>Symptom</dt><dd>{}</dd>",
            escape(notes.symptom.label())
        );
        for (q, a) in notes.answers() {
            let _ = writeln!(
                out,
                "<dt>{q}</dt><dd>{}</dd>",
                if a.is_empty() {
                    "<span class=\"muted\">(not answered)</span>".to_owned()
                } else {
                    escape(a)
                }
            );
        }
        out.push_str("</dl>\n</section>\n");
    }

    body(&mut out, report, 2);

    for (title, part) in report.session.reports() {
        let _ = writeln!(
            out,
            "<section>\n<h2>{}: {}</h2>",
            escape(title),
            escape(&report_name(part))
        );
        body(&mut out, part, 3);
        out.push_str("</section>\n");
    }

    if !report.timeline.is_empty() {
        timeline(&mut out, &report.timeline);
    }
    let _ = writeln!(
        out,
        "<footer>Made by certwiz {} on {} · report layout {} · this page runs no script and loads nothing.</footer>",
        escape(&report.certwiz_version),
        escape(
            &report
                .origin
                .as_ref()
                .map_or_else(crate::engine::report::platform, |o| o.platform.clone())
        ),
        escape(&report.schema)
    );
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The verdict and what the report found, headings at `level`, part by part in the order
/// [`sections`] gives.
fn body(out: &mut String, report: &Report, level: u8) {
    let h = level;
    for section in sections(report) {
        let title = section.title();
        match section {
            Section::Verdict(v) => {
                let _ = writeln!(
                    out,
                    "<section class=\"verdict {}\">\n<h{h}>Verdict: {} {}</h{h}>\n<p>{}</p>",
                    v.status.as_str(),
                    v.status.symbol(),
                    v.status.as_str().to_uppercase(),
                    escape(&v.summary)
                );
                if let Some(next) = &v.next_step {
                    let _ = writeln!(out, "<p><strong>What to do:</strong> {}</p>", escape(next));
                }
                out.push_str("</section>\n");
            }
            Section::Logs(logs) => {
                let _ = writeln!(out, "<h{h}>{title}</h{h}>");
                let _ = writeln!(
                    out,
                    "<p>Read {} lines, {} event records; recognised {} signal(s).</p>",
                    logs.lines,
                    logs.events_read,
                    logs.signals.len()
                );
                if !logs.signals.is_empty() {
                    out.push_str(
                        "<table>\n<tr><th>Signal</th><th>Seen</th><th>First</th><th>Last</th></tr>\n",
                    );
                    for s in &logs.signals {
                        let _ = writeln!(
                            out,
                            "<tr><td>{} {}: {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                            s.severity.symbol(),
                            escape(&s.label),
                            escape(&s.title),
                            s.count,
                            escape(s.first_seen.as_deref().unwrap_or("")),
                            escape(s.last_seen.as_deref().unwrap_or(""))
                        );
                    }
                    out.push_str("</table>\n");
                }
                super::logs::unrecognised_html(out, logs, escape);
            }
            Section::Hypotheses(hypotheses) => {
                let _ = writeln!(out, "<h{h}>{title}</h{h}>\n<ol>");
                for hyp in hypotheses {
                    let _ = writeln!(
                        out,
                        "<li><strong>{}</strong> (score {}; step {}): {}</li>",
                        escape(&hyp.title),
                        hyp.score,
                        hyp.step,
                        escape(hyp.check.trim())
                    );
                }
                out.push_str("</ol>\n");
            }
            Section::Problems(problems) => {
                let _ = writeln!(out, "<h{h}>{title}</h{h}>");
                if problems.is_empty() {
                    out.push_str("<p class=\"muted\">Nothing to fix.</p>\n");
                }
                for f in problems {
                    problem(out, f, h + 1);
                }
            }
            Section::Path(path) => path_tree(out, path, h),
            Section::Purposes(purposes) => purpose_table(out, purposes, h),
            Section::Names(names) => {
                let _ = writeln!(out, "<h{h}>{title}</h{h}>\n<ul>");
                for (n, line) in names.iter().zip(name_lines(names)) {
                    let (mark, words) = line.split_at(line.find(' ').unwrap_or(0));
                    let _ = writeln!(
                        out,
                        "<li><span class=\"{}\">{}</span>{}</li>",
                        if n.matched_by.is_some() {
                            "good"
                        } else {
                            "bad"
                        },
                        escape(mark),
                        escape(words)
                    );
                }
                out.push_str("</ul>\n");
            }
            Section::PortAnswer {
                probe,
                client_issuers,
            } => {
                port_answer(out, probe, client_issuers, h);
                mutual_tls(out, probe, h);
            }
            Section::Pool(pool) => pool_matrix(out, pool, h),
            Section::Passed(passed) => {
                let _ = writeln!(out, "<h{h}>{title}</h{h}>\n<ul class=\"passed\">");
                for f in passed {
                    let _ = writeln!(
                        out,
                        "<li><span class=\"good\">{} PASS</span> <code>{}</code>: {}<br><span class=\"muted\">{}</span></li>",
                        f.severity.symbol(),
                        escape(&f.id),
                        escape(&f.title),
                        escape(&f.detail)
                    );
                }
                out.push_str("</ul>\n");
            }
            Section::Certificate { facts, .. } => {
                let _ = writeln!(out, "<h{h}>{title}</h{h}>\n<table>");
                for (label, value) in certificate_rows(facts) {
                    let _ = writeln!(
                        out,
                        "<tr><th scope=\"row\">{label}</th><td class=\"mono\">{}</td></tr>",
                        escape(&value)
                    );
                }
                out.push_str("</table>\n");
            }
            // The rarer parts keep the text renderer's layout, in a monospaced block.
            Section::Details(rest) => {
                let _ = writeln!(
                    out,
                    "<h{h}>{title}</h{h}>\n<pre>{}</pre>",
                    escape(rest.trim())
                );
            }
        }
    }
}

/// One failure, warning or note: its words, the fix, and the commands to copy.
fn problem(out: &mut String, f: &Finding, h: u8) {
    let _ = writeln!(
        out,
        "<article class=\"finding {}\">\n<h{h} >{} {} <code>{}</code>: {}</h{h}>",
        class(f.severity),
        f.severity.symbol(),
        f.severity.as_str().to_uppercase(),
        escape(&f.id),
        escape(&f.title),
    );
    let _ = writeln!(out, "<p>{}</p>", escape(&f.detail));
    let _ = writeln!(out, "<p><strong>Fix:</strong> {}</p>", escape(&f.fix));
    if !f.commands.is_empty() {
        out.push_str("<p class=\"muted\">Commands to copy (certwiz does not run them):</p>\n<pre>");
        for c in &f.commands {
            let _ = writeln!(out, "# {}\n{}", escape(&c.heading()), escape(&c.command));
        }
        out.push_str("</pre>\n");
    }
    out.push_str("</article>\n");
}

/// The certification path as MMC draws it: root at the top, each certificate under its issuer.
fn path_tree(out: &mut String, path: &CertificationPath, h: u8) {
    let _ = writeln!(
        out,
        "<h{h}>Certification path</h{h}>\n<p class=\"muted\">Root at the top, as in the Certification Path tab.</p>"
    );
    let mut depth = 0;
    out.push_str("<ul class=\"tree\">\n");
    if let Some(missing) = &path.missing_issuer {
        let _ = writeln!(
            out,
            "<li><span class=\"node\">? {}</span> <span class=\"bad\">✗ issuer not found</span>",
            escape(&missing.issuer)
        );
        if !missing.aia_ca_issuers.is_empty() {
            let _ = writeln!(
                out,
                "<br><span class=\"muted\">CA Issuers: {}</span>",
                escape(&missing.aia_ca_issuers.join(", "))
            );
        }
        out.push_str("<ul>\n");
        depth += 1;
    }
    for (i, node) in path.nodes.iter().enumerate() {
        let c = &node.certificate;
        let mark_class = if node.status == crate::engine::path::NodeStatus::Ok {
            "good"
        } else {
            "bad"
        };
        let _ = writeln!(
            out,
            "<li><span class=\"node\">{}</span> <span class=\"{mark_class}\">{}</span>{}<br>\
             <span class=\"muted\">valid {} to {} · thumbprint <span class=\"mono\">{}</span></span>",
            escape(&c.display_name),
            node.status.mark(),
            if node.trust_anchor {
                " (trust anchor)"
            } else {
                ""
            },
            day(c.not_before),
            day(c.not_after),
            escape(&c.thumbprint_sha1)
        );
        if i + 1 < path.nodes.len() {
            out.push_str("<ul>\n");
            depth += 1;
        }
    }
    for _ in 0..depth {
        out.push_str("</li></ul>\n");
    }
    out.push_str("</li></ul>\n");
    if let Some(leaf) = path.leaf() {
        let _ = writeln!(
            out,
            "<p><strong>Certificate status:</strong> {}</p>",
            escape(&leaf.status_text)
        );
    }
}

fn purpose_table(out: &mut String, purposes: &PurposeAnalysis, h: u8) {
    let _ = writeln!(
        out,
        "<h{h}>Purposes</h{h}>\n<p class=\"muted\">Every certificate in the path must allow a purpose for the chain to allow it.</p>\n\
         <table>\n<tr><th>Certificate</th><th>Server Authentication</th><th>Client Authentication</th></tr>"
    );
    for row in &purposes.rows {
        let cell = |role: Role| {
            let (mark, cls) = if row.flags.allows(role) {
                ("✓", "good")
            } else {
                ("✗", "bad")
            };
            format!(
                "<span class=\"{cls}\">{mark}</span> {}",
                escape(row.flags.describe(role))
            )
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&row.display_name),
            cell(Role::ServerAuth),
            cell(Role::ClientAuth)
        );
    }
    let usable = |role: Role| {
        if purposes.role(role).is_some_and(|v| v.not_judged.is_some()) {
            "<span class=\"warn\">? not judged (issuer missing)</span>"
        } else if purposes.role(role).is_some_and(|v| v.usable) {
            "<span class=\"good\">✓ usable</span>"
        } else {
            "<span class=\"bad\">✗ NOT usable</span>"
        }
    };
    let _ = writeln!(
        out,
        "<tr><th scope=\"row\">Chain as a whole</th><td>{}</td><td>{}</td></tr>\n</table>",
        usable(Role::ServerAuth),
        usable(Role::ClientAuth)
    );
}

/// What answers on the port: TCP, TLS, the client-certificate request, and the HTTP answer.
fn port_answer(out: &mut String, probe: &ProbeFacts, client_issuers: &[String], h: u8) {
    use crate::engine::probe::tcp::ConnectOutcome;
    let t = &probe.target;
    let _ = writeln!(out, "<h{h}>What answers on port {}</h{h}>\n<table>", t.port);
    let row = |out: &mut String, label: &str, value: &str| {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{label}</th><td>{value}</td></tr>"
        );
    };
    row(out, "Address asked", &escape(&t.asked_text()));
    if let Some(e) = &probe.connect.resolve_error {
        row(
            out,
            "Name lookup",
            &format!("<span class=\"bad\">✗</span> {}", escape(e)),
        );
    }
    for a in &probe.connect.attempts {
        let what = match &a.outcome {
            ConnectOutcome::Open => "<span class=\"good\">✓ open</span>".to_owned(),
            ConnectOutcome::Refused => "<span class=\"bad\">✗ refused</span>".to_owned(),
            ConnectOutcome::Timeout => "<span class=\"bad\">✗ no answer</span>".to_owned(),
            ConnectOutcome::Failed(r) => format!("<span class=\"bad\">✗</span> {}", escape(r)),
            ConnectOutcome::NotTried => "- not tried".to_owned(),
        };
        row(
            out,
            "TCP",
            &format!(
                "{} {what} <span class=\"muted\">({})</span>",
                escape(&a.address),
                escape(&probe.connect.resolved_by)
            ),
        );
    }
    if probe.connect.is_open() {
        row(
            out,
            "After the handshake",
            &escape(&probe.target.spoken_text()),
        );
    }
    if let Some(hs) = &probe.handshake {
        row(
            out,
            "TLS handshake",
            &escape(&crate::engine::probe::handshake_outcome_summary(
                &hs.outcome,
            )),
        );
        if let Some(v) = hs.version_text() {
            row(out, "Version", &escape(&v));
        }
        if let Some(engine) = hs.engine_text() {
            row(out, "Engine", &escape(&engine));
        }
        if let Some(chain) = hs.chain_text() {
            row(out, "Chain sent", &escape(&chain));
        }
        row(
            out,
            "Client certificate",
            &match (&hs.requested_after_handshake, hs.certificate_requested) {
                (Some(how), _) => format!(
                    "<span class=\"good\">✓ requested after the handshake ({})</span>",
                    escape(how)
                ),
                (None, true) => "<span class=\"good\">✓ requested</span>".to_owned(),
                (None, false) => "<span class=\"bad\">✗ not requested</span>".to_owned(),
            },
        );
        if hs.certificate_requested {
            let value = if hs.acceptable_ca_names.is_empty() {
                "(empty list: any trusted CA)".to_owned()
            } else {
                let ours: Vec<String> = client_issuers
                    .iter()
                    .map(|i| i.to_ascii_lowercase())
                    .collect();
                let mut list = format!("{} listed", hs.acceptable_ca_names.len());
                if !ours.is_empty() {
                    list.push_str(" (→ = in our client certificate's path)");
                }
                list.push_str("<ul>");
                for name in &hs.acceptable_ca_names {
                    let mark = if ours.contains(&name.to_ascii_lowercase()) {
                        "→ "
                    } else {
                        ""
                    };
                    let _ = write!(list, "<li>{mark}{}</li>", escape(name));
                }
                list.push_str("</ul>");
                list
            };
            row(out, "Acceptable CAs", &value);
        }
    }
    out.push_str("</table>\n");
    for browse in [&probe.browse, &probe.browse_with_certificate]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(
            out,
            "<p><strong>HTTP answer {} a client certificate</strong>: GET <span class=\"mono\">{}</span></p>\n<table>",
            if browse.with_client_certificate {
                "with"
            } else {
                "without"
            },
            escape(&browse.url)
        );
        match &browse.outcome {
            BrowseOutcome::Answered(a) => {
                row(
                    out,
                    "Status",
                    &escape(&format!("{} {}", a.status, a.reason)),
                );
                for (label, value) in [
                    ("Server", &a.server),
                    ("Content-Type", &a.content_type),
                    ("Location", &a.location),
                    ("Page title", &a.title),
                ] {
                    if let Some(v) = value {
                        row(out, label, &escape(v));
                    }
                }
                row(out, "Body", &a.body_size_text());
                if !a.body_preview.is_empty() {
                    let preview: Vec<&str> =
                        a.body_preview.iter().take(5).map(String::as_str).collect();
                    row(
                        out,
                        "Beginning of the page",
                        &format!("<pre>{}</pre>", escape(&preview.join("\n"))),
                    );
                }
            }
            BrowseOutcome::Failed { kind, reason } => {
                row(
                    out,
                    "Answer",
                    &format!(
                        "<span class=\"bad\">✗ no answer</span> ({}): {}",
                        escape(&kind.to_string()),
                        escape(reason)
                    ),
                );
            }
        }
        out.push_str("</table>\n");
    }
    for (with, reason) in crate::render::browses_not_tried(probe) {
        let _ = writeln!(
            out,
            "<p><strong>HTTP answer {with} a client certificate</strong>: - Not tried: {}.</p>",
            escape(reason)
        );
    }
    if let Some(rows) = crate::render::sip_rows(probe) {
        out.push_str("<p><strong>SIP answer to OPTIONS</strong></p>\n<table>\n");
        for (label, value) in rows {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{label}</th><td>{}</td></tr>",
                escape(&value)
            );
        }
        out.push_str("</table>\n");
    }
}

fn mutual_tls(out: &mut String, probe: &ProbeFacts, h: u8) {
    let _ = writeln!(out, "<h{h}>Mutual TLS</h{h}>");
    match &probe.mutual_tls {
        Some(m) => {
            let presenting = m
                .presented
                .first()
                .map(String::as_str)
                .unwrap_or("our certificate");
            let result = match &m.outcome {
                HandshakeOutcome::Completed => format!(
                    "<span class=\"good\">✓ accepted</span>{}",
                    m.http_status_line
                        .as_deref()
                        .map(|s| format!(", answered “{}”", escape(s)))
                        .unwrap_or_default()
                ),
                other => format!(
                    "<span class=\"bad\">✗</span> {}",
                    escape(&crate::engine::probe::handshake_outcome_summary(other))
                ),
            };
            let _ = writeln!(out, "<p>Presenting {}: {result}</p>", escape(presenting));
        }
        None => {
            let why = crate::render::not_tried_text(probe, ProbeStep::MutualTls);
            let _ = writeln!(out, "<p>- Not tried: {}.</p>", escape(&why));
        }
    }
}

/// The N×N matrix (rows connect and present, columns accept or reject), then each member and the
/// reasons of every cell that is not ✓.
fn pool_matrix(out: &mut String, pool: &crate::engine::pool::PoolMatrix, h: u8) {
    let _ = writeln!(
        out,
        "<h{h}>Pool trust matrix</h{h}>\n<p class=\"muted\">Row: the server that connects and presents its certificate. Column: the server that accepts (✓) or rejects (✗) it. ? = unknown: the member did not answer TLS.</p>\n<table>\n<tr><th>Connects ↓ / accepts →</th>"
    );
    for (i, m) in pool.members.iter().enumerate() {
        let _ = write!(out, "<th>[{}] {}</th>", i + 1, escape(&m.label));
    }
    out.push_str("</tr>\n");
    for (a, m) in pool.members.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">[{}] {}</th>",
            a + 1,
            escape(&m.label)
        );
        for b in 0..pool.members.len() {
            if a == b {
                out.push_str("<td class=\"muted\">—</td>");
                continue;
            }
            let accepted = pool.cell(a, b).and_then(|c| c.accepted);
            let (cls, word) = match accepted {
                Some(true) => ("good", "accepts"),
                Some(false) => ("bad", "rejects"),
                None => ("muted", "unknown"),
            };
            let _ = write!(
                out,
                "<td><span class=\"{cls}\">{} {word}</span></td>",
                pool_mark(accepted)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n<ul>\n");
    for m in &pool.members {
        let _ = writeln!(
            out,
            "<li><strong>{}</strong>: {}</li>",
            escape(&m.label),
            escape(&m.status_text)
        );
    }
    out.push_str("</ul>\n");
    for cell in pool.cells.iter().filter(|c| c.accepted != Some(true)) {
        let (client, server) = (pool.label(cell.client), pool.label(cell.server));
        let _ = writeln!(
            out,
            "<p><strong>{} {} → {}</strong></p>\n<ul>",
            pool_mark(cell.accepted),
            escape(client),
            escape(server)
        );
        for r in &cell.reasons {
            let _ = writeln!(out, "<li>{}</li>", escape(r));
        }
        out.push_str("</ul>\n");
    }
}

fn timeline(out: &mut String, entries: &[TimelineEntry]) {
    out.push_str(
        "<section>\n<h2>Timeline</h2>\n<table>\n<tr><th>Time (UTC)</th><th>Check</th><th>Result</th><th>Took</th></tr>\n",
    );
    let mut sorted: Vec<&TimelineEntry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.at);
    for e in sorted {
        let _ = writeln!(
            out,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            clock(e.at),
            escape(&e.what),
            escape(&e.result),
            e.elapsed_ms
                .map(|ms| format!("{ms} ms"))
                .unwrap_or_default()
        );
    }
    out.push_str("</table>\n</section>\n");
}
