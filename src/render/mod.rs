//! The renderers: a [`Report`] drawn as text for a terminal, Markdown for a ticket, one HTML page, or
//! the contract's JSON. They sit above the engine (they import its report model and fact types, the
//! engine never imports them), below the front ends: the CLI and the GUI's Save report… both call
//! [`render`]. [`sections`] decides once which parts a report has and in which order the reading
//! formats show them; [`text`], [`markdown`] and [`html`] each draw those parts their own way.

pub mod explain;
pub mod html;
pub mod logs;
pub mod markdown;
pub mod sections;
pub mod summary;
pub mod text;

use std::fmt::Write as _;

use time::OffsetDateTime;

use crate::engine::cert::CertificateFacts;
use crate::engine::names::NameCheck;

use crate::engine::report::Report;

pub use html::render_html;
pub use markdown::{findings_markdown, markdown_safe, render_markdown};
pub use text::render_text;

/// The forms a report can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable text (the default).
    Text,
    /// One JSON object (the contract's machine form).
    Json,
    /// Markdown, for a ticket.
    Markdown,
    /// One self-contained HTML page (inline CSS, no script, nothing fetched).
    Html,
}

impl Format {
    /// The format a file name's extension asks for (`.json`, `.md`, `.html`), if any.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Format::Json),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "txt" | "text" => Some(Format::Text),
            _ => None,
        }
    }

    /// Its name in a sentence ("HTML report saved to ...").
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "JSON",
            Format::Markdown => "Markdown",
            Format::Html => "HTML",
        }
    }
}

/// `report` in `format`. Only JSON can fail (a report that cannot be encoded).
pub fn render(report: &Report, format: Format) -> Result<String, serde_json::Error> {
    Ok(match format {
        Format::Json => report.to_json()?,
        Format::Text => render_text(report),
        Format::Markdown => render_markdown(report),
        Format::Html => render_html(report),
    })
}

const WRAP_COLUMNS: usize = 100;

/// Date and time to the minute, in UTC ("2026-11-27 15:50 UTC").
pub fn stamp(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// Date and time to the second, for a timeline.
pub(crate) fn clock(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

pub(crate) fn day(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// Wraps `text` at word boundaries, every line after the first indented by `indent` spaces.
pub(crate) fn wrap(text: &str, indent: usize) -> String {
    // Line breaks in the text (lists in a finding's detail) are kept; each line is wrapped.
    text.lines()
        .map(|line| wrap_line(line, indent))
        .collect::<Vec<_>>()
        .join(&format!("\n{}", " ".repeat(indent)))
}

fn wrap_line(text: &str, indent: usize) -> String {
    let width = WRAP_COLUMNS.saturating_sub(indent).max(40);
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let word_len = word.chars().count();
        if line_len > 0 && line_len + 1 + word_len > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word_len;
    }
    out
}

pub(crate) fn pad(text: &str, width: usize) -> String {
    let len = text.chars().count();
    if len >= width {
        let mut cut: String = text.chars().take(width.saturating_sub(2)).collect();
        cut.push_str("… ");
        cut
    } else {
        format!("{text}{}", " ".repeat(width - len))
    }
}

/// What a report is about, in a few words: the target, the log source or the certificate.
pub(crate) fn report_name(report: &Report) -> String {
    if let Some(f) = &report.federation {
        return format!(
            "federation of {} ({} SRV target{})",
            f.sip_domain,
            f.targets.len(),
            if f.targets.len() == 1 { "" } else { "s" }
        );
    }
    if let Some(pool) = &report.pool {
        let labels: Vec<&str> = pool.members.iter().map(|m| m.label.as_str()).collect();
        return format!("pool of {}: {}", labels.len(), labels.join(", "));
    }
    match &report.probe {
        // A SIP port has no path: say what was spoken and why instead ("SIP (port 5061)").
        Some(p) if p.target.speaks_sip() => format!(
            "{}:{}, {}",
            p.target.host,
            p.target.port,
            p.target.spoken_text()
        ),
        Some(p) => format!("{}:{}{}", p.target.host, p.target.port, p.target.path),
        None if report.store.is_some() => report
            .store
            .as_ref()
            .map(|s| s.summary())
            .unwrap_or_default(),
        None if report.root_store.is_some() => report
            .root_store
            .as_ref()
            .map(|r| format!("Trusted Root store ({} certificates)", r.entries.len()))
            .unwrap_or_default(),
        None if report.port_owner.is_some() => report
            .port_owner
            .as_ref()
            .map(|o| format!("port {} of this machine", o.port))
            .unwrap_or_default(),
        None if report.logs.is_some() => report
            .inputs
            .first()
            .map(|i| i.source.clone())
            .unwrap_or_else(|| "(log text)".into()),
        None => report
            .certificate
            .as_ref()
            .map(|c| c.display_name.clone())
            .unwrap_or_else(|| "(no certificate)".into()),
    }
}

/// The mark of a matrix cell: ✓ accepts, ✗ rejects, ? unknown, — the member itself.
pub fn pool_mark(accepted: Option<bool>) -> &'static str {
    match accepted {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "?",
    }
}

/// Whether the chain as a whole can be used for `role`, with its symbol ("✓ usable", "✗ NOT usable").
pub fn usable_text(
    purposes: &crate::engine::purpose::PurposeAnalysis,
    role: crate::engine::purpose::Role,
) -> &'static str {
    let verdict = purposes.role(role);
    if verdict.is_some_and(|v| v.not_judged.is_some()) {
        "? not judged (issuer missing)"
    } else if verdict.is_some_and(|v| v.usable) {
        "✓ usable"
    } else {
        "✗ NOT usable"
    }
}

/// A certificate's details as label / value rows, for a table or a text block (every format shows
/// the same rows).
pub fn certificate_rows(c: &CertificateFacts) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("Subject", c.subject.clone()),
        ("Issuer", c.issuer.clone()),
        ("Serial number", c.serial.clone()),
        ("Thumbprint (SHA-1)", c.thumbprint_sha1.clone()),
        ("SHA-256", c.sha256.clone()),
        (
            "Valid",
            format!("{} to {}", day(c.not_before), day(c.not_after)),
        ),
        ("Alternative names", c.alternative_names_text()),
        ("Enhanced key usage", c.eku_text()),
        ("Public key", c.key_text()),
        ("Signature algorithm", c.signature_algorithm.name.clone()),
    ];
    if !c.crl_distribution_points.is_empty() {
        rows.push(("CRL distribution", c.crl_distribution_points.join(", ")));
    }
    if !c.aia_ca_issuers.is_empty() || !c.aia_ocsp.is_empty() {
        rows.push(("Authority info", c.authority_info_text()));
    }
    rows
}

/// The names as lines: "✓ NAME (matched by ...)" or "✗ NAME (not on the certificate)".
pub fn name_lines(names: &[NameCheck]) -> Vec<String> {
    names
        .iter()
        .map(|n| match &n.matched_by {
            Some(by) => format!("✓ {} (matched by {by})", n.expected),
            None => format!("✗ {} (not on the certificate)", n.expected),
        })
        .collect()
}

/// The certificate rows as an aligned text block (the text report and Markdown's fence).
pub fn certificate_block(c: &CertificateFacts) -> String {
    let mut out = String::new();
    for (label, value) in certificate_rows(c) {
        let _ = writeln!(out, "  {} {}", pad(label, 20), wrap(&value, 23));
    }
    out
}

/// Why the probe did not take `step`, as it recorded it; a report saved before certwiz recorded reasons
/// says so instead of guessing one.
pub fn not_tried_text(
    probe: &crate::engine::probe::ProbeFacts,
    step: crate::engine::probe::ProbeStep,
) -> String {
    probe.not_tried_reason(step).map_or_else(
        || "the reason was not recorded (a report from an older certwiz)".to_owned(),
        str::to_owned,
    )
}

/// The browses the probe did not take: "without" or "with" (a client certificate) and the recorded
/// reason, in step order.
pub fn browses_not_tried(probe: &crate::engine::probe::ProbeFacts) -> Vec<(&'static str, &str)> {
    use crate::engine::probe::ProbeStep;
    if probe.target.speaks_sip() {
        // The SIP block (sip_rows) says that SIP, not HTTP, was spoken.
        return Vec::new();
    }
    [
        (ProbeStep::Browse, "without"),
        (ProbeStep::BrowseWithCertificate, "with"),
    ]
    .into_iter()
    .filter_map(|(step, with)| probe.not_tried_reason(step).map(|r| (with, r)))
    .collect()
}

/// The SIP answer of a probe on a SIP target, as (label, value) rows every format shows the same way:
/// over which connection, the status line, who answered, ms-diagnostics.
/// `None` on an HTTP target.
pub fn sip_rows(probe: &crate::engine::probe::ProbeFacts) -> Option<Vec<(&'static str, String)>> {
    use crate::engine::probe::ProbeStep;
    use crate::engine::probe::sip::SipReply;
    if !probe.target.speaks_sip() {
        return None;
    }
    let mut rows = Vec::new();
    let Some(x) = &probe.sip else {
        rows.push((
            "OPTIONS",
            format!(
                "not tried: {}",
                not_tried_text(probe, ProbeStep::SipOptions)
            ),
        ));
        return Some(rows);
    };
    rows.push((
        "Connection",
        if x.with_client_certificate {
            "mutual TLS, with our client certificate".to_owned()
        } else {
            "TLS, without a client certificate".to_owned()
        },
    ));
    match &x.reply {
        SipReply::Answered(a) => {
            rows.push(("Status line", a.first_line.clone()));
            for (label, value) in [
                ("Server", &a.server),
                ("User-Agent", &a.user_agent),
                ("Allow", &a.allow),
            ] {
                if let Some(v) = value {
                    rows.push((label, v.clone()));
                }
            }
            if let Some(d) = &a.ms_diagnostics {
                rows.push((
                    "ms-diagnostics",
                    crate::engine::sip_rules::ms_diagnostics_words(d),
                ));
            }
            rows.push(("Bytes read", a.bytes_read.to_string()));
        }
        SipReply::NotSip {
            looks_like,
            first_line,
            ..
        } => {
            rows.push(("Answer", format!("not SIP: {looks_like}")));
            rows.push(("First line", first_line.clone()));
        }
        SipReply::Nothing { why } => rows.push(("Answer", format!("none: {why}"))),
    }
    Some(rows)
}
