//! [`Report`]: the one serialisable result shared by the CLI, the GUI and report files, and its plain
//! text rendering.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::engine::cert::CertificateFacts;
use crate::engine::finding::{Finding, Severity, worst};
use crate::engine::inspect::InspectRequest;
use crate::engine::names::NameCheck;
use crate::engine::path::{CertificationPath, PathEnd};
use crate::engine::purpose::{PurposeAnalysis, PurposeSource, Role};

/// Version of the report layout; bumped only with a migration note in the README.
pub const REPORT_SCHEMA: &str = "certwiz-report/1";

/// One input the user gave, for the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputSummary {
    /// File, folder or `system trust store`.
    pub source: String,
    /// `certificate` (a file to inspect) or `trust-anchor` (`--ca`, `--system-roots`).
    pub role: String,
    /// Certificates read from it.
    pub certificates: usize,
    /// Private keys found in it (kept in memory, never written out).
    pub private_keys: usize,
}

/// The overall result in one word and one sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// `fail`, `warn` or `pass`.
    pub status: Severity,
    /// One sentence for a ticket.
    pub summary: String,
    /// Number of `fail` findings.
    pub failures: usize,
    /// Number of `warn` findings.
    pub warnings: usize,
}

impl Verdict {
    /// Summarises sorted findings.
    pub fn of(findings: &[Finding]) -> Self {
        let failures = findings
            .iter()
            .filter(|f| f.severity == Severity::Fail)
            .count();
        let warnings = findings
            .iter()
            .filter(|f| f.severity == Severity::Warn)
            .count();
        let status = match worst(findings) {
            Some(Severity::Fail) => Severity::Fail,
            Some(Severity::Warn) => Severity::Warn,
            _ => Severity::Pass,
        };
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let summary = match status {
            Severity::Fail => format!(
                "{} to fix{}: {}",
                plural(failures, "problem"),
                if warnings > 0 {
                    format!(" and {}", plural(warnings, "warning"))
                } else {
                    String::new()
                },
                findings
                    .first()
                    .map(|f| f.title.as_str())
                    .unwrap_or_default()
            ),
            Severity::Warn => format!(
                "No failures, {}: {}",
                plural(warnings, "warning"),
                findings
                    .first()
                    .map(|f| f.title.as_str())
                    .unwrap_or_default()
            ),
            _ => "No problems found.".to_owned(),
        };
        Verdict {
            status,
            summary,
            failures,
            warnings,
        }
    }
}

/// The result of a certwiz command, in the form every output (text, JSON, GUI, files) is made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Layout version: `certwiz-report/1`.
    pub schema: String,
    /// The command that made it (`inspect`).
    pub command: String,
    /// certwiz version that made it.
    pub certwiz_version: String,
    /// The overall result.
    pub verdict: Verdict,
    /// The instant certificates were judged at (`--at`, or the time of the run).
    #[serde(with = "time::serde::rfc3339")]
    pub evaluated_at: OffsetDateTime,
    /// What was read.
    pub inputs: Vec<InputSummary>,
    /// The examined certificate (the same as the last node of `path`).
    pub certificate: Option<CertificateFacts>,
    /// The certification path, root first.
    pub path: Option<CertificationPath>,
    /// The purpose table.
    pub purposes: Option<PurposeAnalysis>,
    /// Expected names and how they matched.
    pub names: Vec<NameCheck>,
    /// All findings, sorted fail, warn, info, pass.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The report of an inspection.
    pub fn for_inspect(
        request: &InspectRequest,
        path: CertificationPath,
        purposes: PurposeAnalysis,
        names: Vec<NameCheck>,
        findings: Vec<Finding>,
    ) -> Self {
        Report {
            schema: REPORT_SCHEMA.to_owned(),
            command: "inspect".to_owned(),
            certwiz_version: env!("CARGO_PKG_VERSION").to_owned(),
            verdict: Verdict::of(&findings),
            evaluated_at: request.at,
            inputs: request.inputs.clone(),
            certificate: path.leaf().map(|n| n.certificate.clone()),
            path: Some(path),
            purposes: Some(purposes),
            names,
            findings,
        }
    }

    /// Whether any finding is a failure (exit code 1).
    pub fn has_failures(&self) -> bool {
        self.verdict.failures > 0
    }

    /// Pretty JSON, byte-identical for identical input.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self).map(|mut s| {
            s.push('\n');
            s
        })
    }
}

const WRAP_COLUMNS: usize = 100;

fn stamp(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

fn day(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// Wraps `text` at word boundaries, every line after the first indented by `indent` spaces.
fn wrap(text: &str, indent: usize) -> String {
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

fn pad(text: &str, width: usize) -> String {
    let len = text.chars().count();
    if len >= width {
        let mut cut: String = text.chars().take(width.saturating_sub(2)).collect();
        cut.push_str("… ");
        cut
    } else {
        format!("{text}{}", " ".repeat(width - len))
    }
}

/// Renders a report as plain text for a terminal: verdict first, then the certificate, the path as
/// MMC shows it, the purpose table and the findings. State is carried by symbol and word, not colour.
pub fn render_text(report: &Report) -> String {
    let mut out = String::new();
    let name = report
        .certificate
        .as_ref()
        .map(|c| c.display_name.as_str())
        .unwrap_or("(no certificate)");
    let _ = writeln!(out, "certwiz {}: {name}", report.command);
    let _ = writeln!(
        out,
        "Verdict: {} {}",
        report.verdict.status.symbol(),
        report.verdict.status.as_str().to_uppercase()
    );
    let _ = writeln!(out, "  {}", wrap(&report.verdict.summary, 2));
    let _ = writeln!(out, "  Judged at {}", stamp(report.evaluated_at));

    if let Some(c) = &report.certificate {
        let _ = writeln!(out, "\nCertificate");
        let row = |out: &mut String, label: &str, value: &str| {
            let _ = writeln!(out, "  {} {}", pad(label, 20), wrap(value, 23));
        };
        row(&mut out, "Subject", &c.subject);
        row(&mut out, "Issuer", &c.issuer);
        row(&mut out, "Serial number", &c.serial);
        row(&mut out, "Thumbprint (SHA-1)", &c.thumbprint_sha1);
        row(&mut out, "SHA-256", &c.sha256);
        row(
            &mut out,
            "Valid",
            &format!("{} to {}", day(c.not_before), day(c.not_after)),
        );
        let mut san: Vec<String> = c.san_dns.iter().map(|d| format!("DNS:{d}")).collect();
        san.extend(c.san_ip.iter().map(|i| format!("IP:{i}")));
        row(
            &mut out,
            "Alternative names",
            &if san.is_empty() {
                "(none)".to_owned()
            } else {
                san.join(", ")
            },
        );
        let eku = if c.eku.present {
            c.eku
                .purposes
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            "(no extension: all purposes)".to_owned()
        };
        row(&mut out, "Enhanced key usage", &eku);
        let key = match &c.key.curve {
            Some(curve) => format!("{} {} ({curve})", c.key.algorithm, c.key.bits),
            None => format!("{} {}", c.key.algorithm, c.key.bits),
        };
        row(&mut out, "Public key", &key);
        row(&mut out, "Signature algorithm", &c.signature_algorithm.name);
        if !c.crl_distribution_points.is_empty() {
            row(
                &mut out,
                "CRL distribution",
                &c.crl_distribution_points.join(", "),
            );
        }
        if !c.aia_ca_issuers.is_empty() || !c.aia_ocsp.is_empty() {
            let mut aia: Vec<String> = c
                .aia_ca_issuers
                .iter()
                .map(|u| format!("CA Issuers: {u}"))
                .collect();
            aia.extend(c.aia_ocsp.iter().map(|u| format!("OCSP: {u}")));
            row(&mut out, "Authority info", &aia.join(", "));
        }
    }

    if let Some(path) = &report.path {
        path_text(&mut out, path);
    }
    if let Some(purposes) = &report.purposes {
        purposes_text(&mut out, purposes);
    }
    if !report.names.is_empty() {
        let _ = writeln!(out, "\nNames");
        for n in &report.names {
            match &n.matched_by {
                Some(by) => {
                    let _ = writeln!(out, "  ✓ {} (matched by {by})", n.expected);
                }
                None => {
                    let _ = writeln!(out, "  ✗ {} (not on the certificate)", n.expected);
                }
            }
        }
    }

    let _ = writeln!(out, "\nFindings");
    for f in &report.findings {
        let _ = writeln!(
            out,
            "  {} {:<4}  {}",
            f.severity.symbol(),
            f.severity.as_str().to_uppercase(),
            f.id
        );
        let _ = writeln!(out, "          {}", wrap(&f.title, 10));
        let _ = writeln!(out, "          {}", wrap(&f.detail, 10));
        if f.severity != Severity::Pass {
            let _ = writeln!(out, "          Fix: {}", wrap(&f.fix, 15));
        }
    }
    out
}

fn path_text(out: &mut String, path: &CertificationPath) {
    let _ = writeln!(out, "\nCertification path (root at the top, as in MMC)");
    let mut depth = 0;
    let width = 52;
    if let Some(missing) = &path.missing_issuer {
        let _ = writeln!(
            out,
            "  {}✗ issuer not found",
            pad(&format!("? {}", missing.issuer), width)
        );
        depth = 1;
    }
    for node in &path.nodes {
        let prefix = if depth == 0 {
            String::new()
        } else {
            format!("{}└─ ", "   ".repeat(depth - 1))
        };
        let label = format!("{prefix}{}", node.certificate.display_name);
        let anchor = if node.trust_anchor {
            " (trust anchor)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {}{}{anchor}",
            pad(&label, width),
            node.status.mark()
        );
        depth += 1;
    }
    if let Some(leaf) = path.leaf() {
        let _ = writeln!(out, "  Certificate status: {}", leaf.status_text);
    }
    if path.complete_paths_found > 1 {
        let _ = writeln!(
            out,
            "  {} complete paths exist (cross-signed CAs); certwiz shows the best one{}.",
            path.complete_paths_found,
            if path.end == PathEnd::TrustAnchor {
                ", which ends at a trust anchor"
            } else {
                ""
            }
        );
    }
}

fn purposes_text(out: &mut String, purposes: &PurposeAnalysis) {
    let width = 44;
    let _ = writeln!(
        out,
        "\nPurposes (each certificate must allow the purpose for the chain to allow it)"
    );
    let _ = writeln!(
        out,
        "  {}{:<24}Client Authentication",
        pad("", width),
        "Server Authentication"
    );
    for row in &purposes.rows {
        let cell = |allowed: bool| {
            let how = match (allowed, row.flags.source) {
                (true, PurposeSource::NoExtension) => "✓ all purposes",
                (true, PurposeSource::AnyPurpose) => "✓ any purpose",
                (true, PurposeSource::Listed) => "✓ yes",
                (false, _) => "✗ no",
            };
            how.to_owned()
        };
        let _ = writeln!(
            out,
            "  {}{}{}",
            pad(&row.display_name, width),
            pad(&cell(row.flags.server_auth), 24),
            cell(row.flags.client_auth)
        );
    }
    let usable = |role: Role| {
        if purposes.role(role).is_some_and(|v| v.usable) {
            "✓ usable"
        } else {
            "✗ NOT usable"
        }
    };
    let _ = writeln!(
        out,
        "  {}{}{}",
        pad("Chain as a whole", width),
        pad(usable(Role::ServerAuth), 24),
        usable(Role::ClientAuth)
    );
}
