//! [`Report`]: the one serialisable result shared by the CLI, the GUI and report files, and its plain
//! text rendering.

use std::fmt::Write as _;

pub mod html;
pub mod redact;

pub use redact::Redactor;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::engine::cert::CertificateFacts;
use crate::engine::check::{CheckRequest, Judgement};
use crate::engine::finding::{Finding, Severity, worst};
use crate::engine::inspect::InspectRequest;
use crate::engine::logs::{LogAnalysis, RankedHypothesis};
use crate::engine::names::NameCheck;
use crate::engine::path::{CertificationPath, PathEnd};
use crate::engine::port_owner::PortOwnerFacts;
pub use crate::engine::probe::TimelineEntry;
use crate::engine::probe::{ProbeFacts, StepTimings};
use crate::engine::purpose::{PurposeAnalysis, Role};
use crate::engine::revocation::RevocationFacts;
use crate::engine::root_store::RootStoreFacts;
use crate::engine::store::StoreListing;

/// Largest report file `open` reads (a session with a 500-root store listing is about 2 MiB).
pub const MAX_REPORT_BYTES: usize = 64 * 1024 * 1024;

/// Why a saved report cannot be opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportReadError {
    /// Too big to be a report.
    #[error("more than {limit_mib} MiB: not a certwiz report")]
    TooLarge {
        /// The limit.
        limit_mib: usize,
    },
    /// Not JSON at all.
    #[error(
        "not a JSON file ({0}); open the .json report certwiz saved (HTML and Markdown reports are for reading only)"
    )]
    NotJson(String),
    /// JSON, but not a certwiz report.
    #[error("a JSON file, but not a certwiz report (it has no \"schema\": \"certwiz-report/1\")")]
    NotAReport,
    /// A report layout this certwiz does not know.
    #[error("a report of layout {0}, which this certwiz cannot read; use a newer certwiz")]
    NewerLayout(String),
    /// A certwiz report with missing or malformed parts.
    #[error("a certwiz report, but damaged: {0}")]
    Damaged(String),
}

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

/// The symptom the admin reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Symptom {
    /// Nobody can join conferences.
    #[default]
    CannotJoinConferences,
    /// IM escalation to a conference fails.
    ImEscalationFails,
    /// Live Meeting fails.
    LiveMeetingFails,
    /// Something else.
    Other,
}

impl Symptom {
    /// All symptoms.
    pub const ALL: [Symptom; 4] = [
        Symptom::CannotJoinConferences,
        Symptom::ImEscalationFails,
        Symptom::LiveMeetingFails,
        Symptom::Other,
    ];

    /// Words.
    pub fn label(self) -> &'static str {
        match self {
            Symptom::CannotJoinConferences => "Users cannot join conferences",
            Symptom::ImEscalationFails => "IM escalation to a conference fails",
            Symptom::LiveMeetingFails => "Live Meeting fails",
            Symptom::Other => "Something else",
        }
    }
}

/// Step 1's case notes: the three questions every support call asks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseNotes {
    /// The symptom.
    pub symptom: Symptom,
    /// Did it ever work?
    pub ever_worked: String,
    /// When did it stop?
    pub when_stopped: String,
    /// What changed?
    pub what_changed: String,
}

impl CaseNotes {
    /// Whether nothing was written down (the symptom alone is a default, not a note).
    pub fn is_empty(&self) -> bool {
        self.ever_worked.trim().is_empty()
            && self.when_stopped.trim().is_empty()
            && self.what_changed.trim().is_empty()
    }

    /// The three questions with their answers, in the order they are asked.
    pub fn answers(&self) -> [(&'static str, &str); 3] {
        [
            ("Did it ever work?", self.ever_worked.trim()),
            ("When did it stop?", self.when_stopped.trim()),
            ("What changed?", self.what_changed.trim()),
        ]
    }
}

/// Where and when a report was made: shown when it is opened again, so nobody mistakes a customer's
/// saved session for a check of their own network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// When the report was made.
    #[serde(with = "time::serde::rfc3339")]
    pub made_at: OffsetDateTime,
    /// The computer's name (empty when it cannot be read).
    pub computer: String,
    /// Operating system and architecture, e.g. `windows x86_64`.
    pub platform: String,
}

impl Origin {
    /// This computer, now.
    pub fn here() -> Self {
        Origin {
            made_at: OffsetDateTime::now_utc(),
            computer: computer_name(),
            platform: platform(),
        }
    }
}

/// `os architecture`, as Rust names them (`windows x86_64`, `linux aarch64`).
pub fn platform() -> String {
    format!("{} {}", std::env::consts::OS, std::env::consts::ARCH)
}

/// The computer's name: `COMPUTERNAME` on Windows, the kernel's host name elsewhere.
fn computer_name() -> String {
    let name = if cfg!(windows) {
        std::env::var("COMPUTERNAME").unwrap_or_default()
    } else {
        std::fs::read_to_string("/proc/sys/kernel/hostname")
            .or_else(|_| std::fs::read_to_string("/etc/hostname"))
            .or_else(|_| std::env::var("HOSTNAME"))
            .unwrap_or_default()
    };
    // A name is short; anything else is not one.
    let name = name.trim();
    if name.len() <= 255 && !name.contains(char::is_control) {
        name.to_owned()
    } else {
        String::new()
    }
}

/// What a session saved from the wizard holds besides its main report: the other checks run in the
/// same window, each a report of its own, so opening the file shows every step as it was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionParts {
    /// The target as typed in step 2 (host, pool, port, path, address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<SessionTarget>,
    /// Step 3: the local certificate's inspection, when the main report is the network check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<Box<Report>>,
    /// Step 6: who listened on the port of the machine certwiz ran on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_owner: Option<Box<Report>>,
    /// Step 6: the Trusted Root store's health.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_store: Option<Box<Report>>,
    /// The pool trust matrix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<Box<Report>>,
}

impl SessionParts {
    /// Whether nothing but the main report was saved.
    pub fn is_empty(&self) -> bool {
        self.target.is_none()
            && self.local.is_none()
            && self.port_owner.is_none()
            && self.root_store.is_none()
            && self.pool.is_none()
    }

    /// The attached reports with a heading each, in step order.
    pub fn reports(&self) -> Vec<(&'static str, &Report)> {
        [
            ("Step 3: the local certificate", &self.local),
            ("Step 6: who listens on the port", &self.port_owner),
            ("Step 6: the Trusted Root store", &self.root_store),
            ("Pool trust matrix", &self.pool),
        ]
        .into_iter()
        .filter_map(|(title, r)| r.as_deref().map(|r| (title, r)))
        .collect()
    }
}

/// Step 2 as it was typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionTarget {
    /// Server FQDN.
    pub server_fqdn: String,
    /// Pool FQDN.
    pub pool_fqdn: String,
    /// Port.
    pub port: String,
    /// Path.
    pub path: String,
    /// Connect address.
    pub address: String,
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
    /// What to do first: the fix of the worst finding (absent when nothing is wrong).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
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
        let next_step = match status {
            Severity::Fail | Severity::Warn => findings.first().map(|f| f.fix.clone()),
            _ => None,
        };
        Verdict {
            status,
            summary,
            failures,
            warnings,
            next_step,
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
    /// What the network checks found (`check`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeFacts>,
    /// The CAs in our client certificate's path, as matched against the server's acceptable-CA list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub client_issuers: Vec<String>,
    /// How long each network step took. Not a fact: it varies between runs, so it has its own field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timings: Option<StepTimings>,
    /// What the log matcher recognised (`logs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<LogAnalysis>,
    /// Possible causes, most likely first, each with the wizard step that tests it (`logs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hypotheses: Vec<RankedHypothesis>,
    /// What the CRL, OCSP and AIA fetches found (`--fetch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<RevocationFacts>,
    /// Who listens on the port of this machine (`port-owner`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_owner: Option<PortOwnerFacts>,
    /// What a Trusted Root store holds (`root-store`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_store: Option<RootStoreFacts>,
    /// The certificate stores as MMC shows them (`store`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<StoreListing>,
    /// The pool trust matrix (`pool`): who would accept whom for mutual TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<crate::engine::pool::PoolMatrix>,
    /// The case notes of the wizard's step 1: the symptom and the three questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_notes: Option<CaseNotes>,
    /// The other checks of a session saved from the wizard.
    #[serde(default, skip_serializing_if = "SessionParts::is_empty")]
    pub session: SessionParts,
    /// What was run, when, and what each step found. Timestamps: their own field, not facts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineEntry>,
    /// Where and when the report was made (absent in reports of certwiz before 0.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
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
        let mut report = Report::bare("inspect", findings, request.inputs.clone(), request.at);
        report.certificate = path.leaf().map(|n| n.certificate.clone());
        report.path = Some(path);
        report.purposes = Some(purposes);
        report.names = names;
        report
    }

    /// The report of a network check.
    pub fn for_check(request: &CheckRequest, probe: ProbeFacts, judged: Judgement) -> Self {
        let mut client_issuers = Vec::new();
        for cert in &request.client_chain {
            if let Ok(f) = CertificateFacts::from_der(&cert.der) {
                if !client_issuers.contains(&f.issuer) {
                    client_issuers.push(f.issuer.clone());
                }
                if f.is_ca && !client_issuers.contains(&f.subject) {
                    client_issuers.push(f.subject);
                }
            }
        }
        let mut report = Report::bare("check", judged.findings, request.inputs.clone(), request.at);
        report.certificate = judged
            .path
            .as_ref()
            .and_then(|p| p.leaf())
            .map(|n| n.certificate.clone());
        report.path = judged.path;
        report.purposes = judged.purposes;
        report.names = judged.names;
        report.timings = Some(probe.timings.clone());
        report.probe = Some(probe);
        report.client_issuers = client_issuers;
        report
    }

    /// A report of `command` with only its verdict, findings and inputs filled in; the commands'
    /// constructors add their own parts.
    fn bare(
        command: &str,
        findings: Vec<Finding>,
        inputs: Vec<InputSummary>,
        at: OffsetDateTime,
    ) -> Self {
        let verdict = Verdict::of(&findings);
        let judged = TimelineEntry {
            at: OffsetDateTime::now_utc(),
            what: format!("certwiz {command}: findings judged"),
            result: verdict.summary.clone(),
            elapsed_ms: None,
        };
        Report {
            schema: REPORT_SCHEMA.to_owned(),
            command: command.to_owned(),
            certwiz_version: env!("CARGO_PKG_VERSION").to_owned(),
            verdict,
            evaluated_at: at,
            inputs,
            certificate: None,
            path: None,
            purposes: None,
            names: Vec::new(),
            findings,
            probe: None,
            client_issuers: Vec::new(),
            timings: None,
            logs: None,
            hypotheses: Vec::new(),
            revocation: None,
            port_owner: None,
            root_store: None,
            store: None,
            pool: None,
            case_notes: None,
            session: SessionParts::default(),
            timeline: vec![judged],
            origin: Some(Origin::here()),
        }
    }

    /// The report of the log matcher: one finding per recognised signal, the hypotheses ranked, and a
    /// verdict that names the most likely cause and the step that tests it.
    pub fn for_logs(
        analysis: LogAnalysis,
        findings: Vec<Finding>,
        inputs: Vec<InputSummary>,
        at: OffsetDateTime,
    ) -> Self {
        let mut report = Report::bare("logs", findings, inputs, at);
        if let Some(top) = analysis.hypotheses.first() {
            let n = analysis.signals.len();
            report.verdict.summary = format!(
                "{n} known sign{} of trouble; most likely: {} (step {})",
                if n == 1 { "" } else { "s" },
                top.title.trim().trim_end_matches('.'),
                top.step
            );
            report.verdict.next_step = Some(format!(
                "Most likely: {} Go to step {} to confirm or rule it out: {}",
                end_sentence(&top.title),
                top.step,
                top.check.trim()
            ));
        }
        if let Some(last) = report.timeline.last_mut() {
            last.result = report.verdict.summary.clone();
        }
        report.hypotheses = analysis.hypotheses.clone();
        report.logs = Some(analysis);
        report
    }

    /// The report of `port-owner`: who listens on a port of this machine.
    pub fn for_port_owner(facts: PortOwnerFacts, at: OffsetDateTime) -> Self {
        let findings = crate::engine::port_owner::findings(&facts);
        let mut report = Report::bare("port-owner", findings, Vec::new(), at);
        report.port_owner = Some(facts);
        report
    }

    /// The report of `root-store`: the health of a Trusted Root store (export) judged at `at`.
    pub fn for_root_store(
        facts: RootStoreFacts,
        inputs: Vec<InputSummary>,
        at: OffsetDateTime,
    ) -> Self {
        let findings = crate::engine::root_store::judge(&facts, at);
        let mut report = Report::bare("root-store", findings, inputs, at);
        report.root_store = Some(facts);
        report
    }

    /// The report of `store`: the three certificate stores as MMC shows them, judged at `at`.
    pub fn for_store(listing: StoreListing, inputs: Vec<InputSummary>, at: OffsetDateTime) -> Self {
        let findings = crate::engine::store::judge(&listing, at);
        let mut report = Report::bare("store", findings, inputs, at);
        report.store = Some(listing);
        report
    }

    /// The report of `pool`: the trust matrix and its findings, with each member's probe in the
    /// timeline.
    pub fn for_pool(
        check: crate::engine::pool::PoolCheck,
        inputs: Vec<InputSummary>,
        at: OffsetDateTime,
        steps: Vec<TimelineEntry>,
    ) -> Self {
        let mut report = Report::bare("pool", check.findings, inputs, at);
        report.timings = Some(StepTimings {
            steps_ms: Vec::new(),
            total_ms: check.facts.total_ms,
        });
        report.pool = Some(check.matrix);
        let mut timeline = steps;
        timeline.append(&mut report.timeline);
        report.timeline = timeline;
        report
    }

    /// Whether any finding is a failure (exit code 1).
    pub fn has_failures(&self) -> bool {
        self.verdict.failures > 0
    }

    /// Reads a report saved as JSON (`--format json`, or the GUI's Save report…): the machine form
    /// that `certwiz open` and Open report… show again. Refuses what is not a certwiz report with a
    /// reason a user can act on.
    pub fn from_json(bytes: &[u8]) -> Result<Report, ReportReadError> {
        if bytes.len() > MAX_REPORT_BYTES {
            return Err(ReportReadError::TooLarge {
                limit_mib: MAX_REPORT_BYTES / (1024 * 1024),
            });
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| ReportReadError::NotJson(e.to_string()))?;
        let schema = value
            .get("schema")
            .and_then(|s| s.as_str())
            .unwrap_or_default()
            .to_owned();
        if !schema.starts_with("certwiz-report/") {
            return Err(ReportReadError::NotAReport);
        }
        if schema != REPORT_SCHEMA {
            return Err(ReportReadError::NewerLayout(schema));
        }
        let report: Report =
            serde_json::from_value(value).map_err(|e| ReportReadError::Damaged(e.to_string()))?;
        report.check_shape()?;
        Ok(report)
    }

    /// What a report read from a file must hold to be drawn without harm: a pool matrix of at most
    /// [`crate::engine::pool::MAX_MEMBERS`] members whose cells point at members (a crafted file must
    /// not make certwiz draw millions of cells).
    fn check_shape(&self) -> Result<(), ReportReadError> {
        if let Some(pool) = &self.pool {
            let n = pool.members.len();
            if n > crate::engine::pool::MAX_MEMBERS {
                return Err(ReportReadError::Damaged(format!(
                    "a pool of {n} members; certwiz reads at most {}",
                    crate::engine::pool::MAX_MEMBERS
                )));
            }
            let in_range = pool
                .cells
                .iter()
                .all(|c| c.client < n && c.server < n && c.client != c.server);
            if !in_range || pool.cells.len() > n * n.saturating_sub(1) {
                return Err(ReportReadError::Damaged(
                    "the pool matrix's cells do not match its members".to_owned(),
                ));
            }
        }
        for (_, part) in self.session.reports() {
            part.check_shape()?;
        }
        Ok(())
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
fn clock(t: OffsetDateTime) -> String {
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

fn day(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// Wraps `text` at word boundaries, every line after the first indented by `indent` spaces.
fn wrap(text: &str, indent: usize) -> String {
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

fn logs_text(out: &mut String, logs: &LogAnalysis) {
    let _ = writeln!(
        out,
        "\nRead {} lines, {} event records; recognised {} signal(s)",
        logs.lines,
        logs.events_read,
        logs.signals.len()
    );
    for s in &logs.signals {
        let mut seen = format!("×{}", s.count);
        if let (Some(a), Some(b)) = (&s.first_seen, &s.last_seen) {
            seen.push_str(&if a == b {
                format!(", {a}")
            } else {
                format!(", {a} … {b}")
            });
        }
        if let Some(c) = &s.counter {
            seen.push_str(&format!(", counter {}", c.occurrences));
        }
        let _ = writeln!(
            out,
            "  {} {} ({seen}): {}",
            s.severity.symbol(),
            s.label,
            s.title
        );
    }
    if !logs.hypotheses.is_empty() {
        let _ = writeln!(out, "\nPossible causes, most likely first");
        for (i, h) in logs.hypotheses.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. {} [score {}] → step {}",
                i + 1,
                h.title,
                h.score,
                h.step
            );
            let _ = writeln!(out, "     Check: {}", wrap(h.check.trim(), 12));
            for r in h.reasons.iter().take(3) {
                let _ = writeln!(out, "     - {}", wrap(r, 7));
            }
        }
    }
}

fn end_sentence(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['.', '!', '?']) {
        t.to_owned()
    } else {
        format!("{t}.")
    }
}

/// What a report is about, in a few words: the target, the log source or the certificate.
fn report_name(report: &Report) -> String {
    if let Some(pool) = &report.pool {
        let labels: Vec<&str> = pool.members.iter().map(|m| m.label.as_str()).collect();
        return format!("pool of {}: {}", labels.len(), labels.join(", "));
    }
    match &report.probe {
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

/// The verdict and what the report found, headings at `level` (`##` = 2).
fn markdown_body(out: &mut String, report: &Report, level: usize) {
    let hashes = "#".repeat(level);
    let _ = writeln!(
        out,
        "**Verdict: {} {}**: {}\n",
        report.verdict.status.symbol(),
        report.verdict.status.as_str().to_uppercase(),
        report.verdict.summary
    );
    if let Some(next) = &report.verdict.next_step {
        let _ = writeln!(out, "**What to do:** {next}\n");
    }
    if let Some(logs) = &report.logs {
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
    }
    if !report.hypotheses.is_empty() {
        let _ = writeln!(out, "{hashes} Possible causes, most likely first\n");
        for (i, h) in report.hypotheses.iter().enumerate() {
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
    let _ = writeln!(out, "{hashes} Findings\n");
    out.push_str(&findings_markdown(&report.findings));
    out.push('\n');
    // The path tree and the port's answer keep the text layout, in a monospaced block.
    let mut block = String::new();
    if let Some(path) = &report.path {
        path_text(&mut block, path);
    }
    if !block.is_empty() {
        let fence = fence_for(&block);
        let _ = writeln!(
            out,
            "{hashes} Certification path\n\n{fence}text\n{}\n{fence}\n",
            block.trim_matches('\n')
        );
    }
    if let Some(purposes) = &report.purposes {
        let _ = writeln!(
            out,
            "{hashes} Purposes\n\n| Certificate | Server Authentication | Client Authentication |\n| --- | --- | --- |"
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
        let usable = |role: Role| {
            if purposes.role(role).is_some_and(|v| v.usable) {
                "✓ usable"
            } else {
                "✗ NOT usable"
            }
        };
        let _ = writeln!(
            out,
            "| **Chain as a whole** | {} | {} |\n",
            usable(Role::ServerAuth),
            usable(Role::ClientAuth)
        );
    }
    if let Some(probe) = &report.probe {
        let mut block = String::new();
        probe_text(&mut block, probe, &report.client_issuers);
        let fence = fence_for(&block);
        let _ = writeln!(
            out,
            "{hashes} What answers on port {} (and mutual TLS)\n\n{fence}text\n{}\n{fence}\n",
            probe.target.port,
            block.trim_matches('\n')
        );
    }
    if let Some(pool) = &report.pool {
        let mut block = String::new();
        pool_text(&mut block, pool);
        let fence = fence_for(&block);
        let _ = writeln!(
            out,
            "{hashes} Pool trust matrix\n\n{fence}text\n{}\n{fence}\n",
            block.trim_matches('\n')
        );
    }
    let rest = details_text(report);
    if !rest.trim().is_empty() {
        let fence = fence_for(&rest);
        let _ = writeln!(
            out,
            "{hashes} Details\n\n{fence}text\n{}\n{fence}\n",
            rest.trim_matches('\n')
        );
    }
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
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(
            out,
            "- {} **{}** `{}`: {}",
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
    }
    out
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Renders a report as plain text for a terminal: verdict first, then the certificate, the path as
/// MMC shows it, the purpose table and the findings. State is carried by symbol and word, not colour.
pub fn render_text(report: &Report) -> String {
    let mut out = String::new();
    let name = report_name(report);
    let _ = writeln!(out, "certwiz {}: {name}", report.command);
    let _ = writeln!(
        out,
        "Verdict: {} {}",
        report.verdict.status.symbol(),
        report.verdict.status.as_str().to_uppercase()
    );
    let _ = writeln!(out, "  {}", wrap(&report.verdict.summary, 2));
    if let Some(next) = &report.verdict.next_step {
        let _ = writeln!(out, "  What to do: {}", wrap(next, 14));
    }
    let _ = writeln!(out, "  Judged at {}", stamp(report.evaluated_at));

    if let Some(probe) = &report.probe {
        probe_text(&mut out, probe, &report.client_issuers);
    }
    if let Some(pool) = &report.pool {
        pool_text(&mut out, pool);
    }
    if let Some(logs) = &report.logs {
        logs_text(&mut out, logs);
    }
    if let Some(store) = &report.root_store {
        let _ = writeln!(out, "\nTrusted Root store: {}", store.summary());
    }
    if let Some(listing) = &report.store {
        store_text(&mut out, listing, report.evaluated_at);
    }
    if let Some(owner) = &report.port_owner {
        let _ = writeln!(out, "\nListening on port {} (TCP)", owner.port);
        if owner.listeners.is_empty() {
            let _ = writeln!(out, "  (no listener visible)");
        }
        for l in &owner.listeners {
            let _ = writeln!(
                out,
                "  PID {:<7} {:<24} {:<22} {}",
                l.pid,
                l.name,
                l.address,
                if l.path.is_empty() { "" } else { &l.path }
            );
        }
    }

    if let Some(c) = &report.certificate {
        let heading = if report.probe.is_some() {
            "Certificate presented by the server"
        } else {
            "Certificate"
        };
        let _ = writeln!(out, "\n{heading}");
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
        row(&mut out, "Alternative names", &c.alternative_names_text());
        row(&mut out, "Enhanced key usage", &c.eku_text());
        row(&mut out, "Public key", &c.key_text());
        row(&mut out, "Signature algorithm", &c.signature_algorithm.name);
        if !c.crl_distribution_points.is_empty() {
            row(
                &mut out,
                "CRL distribution",
                &c.crl_distribution_points.join(", "),
            );
        }
        if !c.aia_ca_issuers.is_empty() || !c.aia_ocsp.is_empty() {
            row(&mut out, "Authority info", &c.authority_info_text());
        }
    }

    if let Some(path) = &report.path {
        path_text(&mut out, path);
    }
    if let Some(revocation) = &report.revocation {
        revocation_text(&mut out, revocation, report.evaluated_at);
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
        if !f.commands.is_empty() {
            let _ = writeln!(
                out,
                "          Commands (to copy; certwiz does not run them):"
            );
            for c in &f.commands {
                let _ = writeln!(out, "            {}", c.command);
                let _ = writeln!(out, "              {}", wrap(&c.purpose, 14));
            }
        }
    }
    out
}

/// A finding's commands as a fenced block for Markdown, each under a `#` comment saying what it does
/// (the block pastes into PowerShell as it is). Empty when there are none.
fn commands_markdown(commands: &[crate::engine::fixes::FixCommand], indent: &str) -> String {
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
        let _ = writeln!(out, "{indent}# {}", c.purpose);
        let _ = writeln!(out, "{indent}{}", c.command);
    }
    let _ = writeln!(out, "{indent}{fence}");
    out
}

/// What each URL gave: the downloaded issuers, then per certificate (leaf first) each CRL / OCSP URL.
fn revocation_text(out: &mut String, facts: &RevocationFacts, at: OffsetDateTime) {
    let _ = writeln!(
        out,
        "\nRevocation and downloads (URLs named in the certificates{})",
        if facts.cancelled { "; cancelled" } else { "" }
    );
    for f in &facts.intermediates {
        let what = if f.certificates.is_empty() {
            f.error.clone().unwrap_or_else(|| f.fetch.summary())
        } else {
            let names: Vec<&str> = f
                .certificates
                .iter()
                .map(|c| c.display_name.as_str())
                .collect();
            format!(
                "{} ({}){}",
                names.join(", "),
                f.fetch.summary(),
                if f.used {
                    ", completes the path"
                } else {
                    ", not used"
                }
            )
        };
        let _ = writeln!(
            out,
            "  {} issuer of {}: {} → {}",
            if f.used { "!" } else { "✗" },
            f.for_certificate,
            f.url,
            wrap(&what, 6)
        );
    }
    for cert in &facts.certificates {
        let _ = writeln!(out, "  {} (serial {})", cert.display_name, cert.serial);
        if cert.sources.is_empty() {
            let _ = writeln!(
                out,
                "    ! names no CRL distribution point or OCSP responder"
            );
        }
        for source in &cert.sources {
            let mark = match &source.result {
                crate::engine::revocation::SourceResult::NotChecked { .. } => "○",
                crate::engine::revocation::SourceResult::Crl { crl }
                    if crl.usable_at(at) && crl.revoked.is_none() =>
                {
                    "✓"
                }
                crate::engine::revocation::SourceResult::Ocsp { ocsp }
                    if ocsp.usable_at(at)
                        && ocsp.status == crate::engine::revocation::ocsp::OcspStatus::Good =>
                {
                    "✓"
                }
                _ => "✗",
            };
            let kind = match source.kind {
                crate::engine::revocation::SourceKind::Crl => "CRL",
                crate::engine::revocation::SourceKind::Ocsp => "OCSP",
            };
            let _ = writeln!(out, "    {mark} {kind} {}", source.url);
            let _ = writeln!(out, "        {}", wrap(&source.summary(at), 8));
        }
    }
}

/// The rarer parts of a report in the text layout (Markdown and HTML put it in a monospaced block):
/// revocation, the stores, the Root store's health, who listens on the port.
fn details_text(report: &Report) -> String {
    let mut rest = String::new();
    if let Some(revocation) = &report.revocation {
        revocation_text(&mut rest, revocation, report.evaluated_at);
    }
    if let Some(listing) = &report.store {
        store_text(&mut rest, listing, report.evaluated_at);
    }
    if let Some(store) = &report.root_store {
        let _ = writeln!(rest, "\nTrusted Root store: {}", store.summary());
    }
    if let Some(owner) = &report.port_owner {
        let _ = writeln!(rest, "\nListening on port {} (TCP)", owner.port);
        if owner.listeners.is_empty() {
            let _ = writeln!(rest, "  (no listener visible)");
        }
        for l in &owner.listeners {
            let _ = writeln!(
                rest,
                "  PID {:<7} {:<24} {:<22} {}",
                l.pid, l.name, l.address, l.path
            );
        }
    }
    rest
}

/// The mark of a matrix cell: ✓ accepts, ✗ rejects, ? unknown, — the member itself.
pub fn pool_mark(accepted: Option<bool>) -> &'static str {
    match accepted {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "?",
    }
}

/// The matrix as a table (rows connect and present their certificate, columns accept or reject it),
/// then the reasons of every cell that is not ✓.
fn pool_text(out: &mut String, pool: &crate::engine::pool::PoolMatrix) {
    let _ = writeln!(
        out,
        "\nPool trust matrix: row = the server that connects and presents its certificate; column = the\nserver that accepts (✓) or rejects (✗) it; ? = unknown (did not answer TLS)"
    );
    let width = pool
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| format!("[{}] {}", i + 1, m.label).chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 60)
        + 2;
    let mut header = format!("  {}", pad("", width));
    for (i, _) in pool.members.iter().enumerate() {
        header.push_str(&format!("{:<5}", format!("[{}]", i + 1)));
    }
    let _ = writeln!(out, "{}", header.trim_end());
    for (a, member) in pool.members.iter().enumerate() {
        let mut line = format!("  {}", pad(&format!("[{}] {}", a + 1, member.label), width));
        for b in 0..pool.members.len() {
            let mark = if a == b {
                "—"
            } else {
                pool_mark(pool.cell(a, b).and_then(|c| c.accepted))
            };
            line.push_str(&format!("{mark:<5}"));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    for m in &pool.members {
        if m.certificate.is_none() {
            let _ = writeln!(out, "  ! {}: {}", m.label, m.status_text);
        }
    }
    for cell in pool.cells.iter().filter(|c| c.accepted != Some(true)) {
        let client = pool
            .members
            .get(cell.client)
            .map_or("?", |m| m.label.as_str());
        let server = pool
            .members
            .get(cell.server)
            .map_or("?", |m| m.label.as_str());
        let _ = writeln!(out, "  {} {client} → {server}:", pool_mark(cell.accepted));
        for reason in &cell.reasons {
            let _ = writeln!(out, "      - {}", wrap(reason, 8));
        }
    }
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
        for violation in &node.violations {
            let _ = writeln!(
                out,
                "  {}   ! {}",
                " ".repeat(3 * depth),
                violation.sentence()
            );
        }
        let c = &node.certificate;
        let urls = c
            .crl_distribution_points
            .iter()
            .map(|u| ("CRL", u))
            .chain(c.aia_ocsp.iter().map(|u| ("OCSP", u)))
            .chain(c.aia_ca_issuers.iter().map(|u| ("CA Issuers", u)));
        for (kind, url) in urls {
            let _ = writeln!(out, "  {}   {kind}: {url}", " ".repeat(3 * depth));
        }
        if node.source.starts_with("downloaded from ") {
            let _ = writeln!(out, "  {}   ({})", " ".repeat(3 * depth), node.source);
        }
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
    if let Some(note) = purposes.requested_note() {
        let _ = writeln!(out, "  {note}");
    }
    let _ = writeln!(
        out,
        "  {}{:<24}Client Authentication",
        pad("", width),
        "Server Authentication"
    );
    for row in &purposes.rows {
        let cell = |role: Role| {
            let mark = if row.flags.allows(role) { "✓" } else { "✗" };
            format!("{mark} {}", row.flags.describe(role))
        };
        let _ = writeln!(
            out,
            "  {}{}{}",
            pad(&row.display_name, width),
            pad(&cell(Role::ServerAuth), 24),
            cell(Role::ClientAuth)
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

fn probe_text(out: &mut String, probe: &ProbeFacts, client_issuers: &[String]) {
    use crate::engine::probe::tcp::ConnectOutcome;
    let _ = writeln!(out, "\nConnection");
    if let Some(e) = &probe.connect.resolve_error {
        let _ = writeln!(out, "  ✗ {e}");
    }
    for a in &probe.connect.attempts {
        let what = match &a.outcome {
            ConnectOutcome::Open => "✓ open".to_owned(),
            ConnectOutcome::Refused => "✗ refused".to_owned(),
            ConnectOutcome::Timeout => "✗ no answer".to_owned(),
            ConnectOutcome::Failed(r) => format!("✗ {r}"),
            ConnectOutcome::NotTried => "- not tried".to_owned(),
        };
        let _ = writeln!(
            out,
            "  {} {what} ({})",
            pad(&a.address, 40),
            probe.connect.resolved_by
        );
    }
    if let Some(h) = &probe.handshake {
        let _ = writeln!(out, "\nTLS");
        let _ = writeln!(
            out,
            "  Handshake            {}",
            crate::engine::probe::handshake_outcome_summary(&h.outcome)
        );
        if let Some(v) = &h.version {
            let _ = writeln!(
                out,
                "  Version              {v}{}",
                h.cipher_suite
                    .as_deref()
                    .map(|c| format!(", {c}"))
                    .unwrap_or_default()
            );
        }
        if !h.presented_chain.is_empty() {
            let names: Vec<&str> = h
                .presented_chain
                .iter()
                .map(|c| c.display_name.as_str())
                .collect();
            let _ = writeln!(
                out,
                "  Chain sent           {}",
                wrap(&names.join(" ← "), 23)
            );
        }
        let _ = writeln!(
            out,
            "  Client certificate   {}",
            if h.certificate_requested {
                "✓ requested"
            } else {
                "✗ not requested"
            }
        );
        if h.certificate_requested {
            if h.acceptable_ca_names.is_empty() {
                let _ = writeln!(out, "  Acceptable CAs       (empty list)");
            } else {
                let norm = |s: &str| s.to_ascii_lowercase();
                let ours: Vec<String> = client_issuers.iter().map(|i| norm(i)).collect();
                let _ = writeln!(
                    out,
                    "  Acceptable CAs       {} listed{}",
                    h.acceptable_ca_names.len(),
                    if ours.is_empty() {
                        ""
                    } else {
                        " (→ = in our client certificate's path)"
                    }
                );
                for name in h.acceptable_ca_names.iter().take(20) {
                    let mark = if ours.contains(&norm(name)) {
                        "→"
                    } else {
                        " "
                    };
                    let _ = writeln!(out, "    {mark} {name}");
                }
                if h.acceptable_ca_names.len() > 20 {
                    let _ = writeln!(out, "      … and {} more", h.acceptable_ca_names.len() - 20);
                }
            }
        }
    }
    let requested = probe
        .handshake
        .as_ref()
        .is_some_and(|h| h.certificate_requested);
    if probe.mutual_tls.is_none()
        && probe
            .handshake
            .as_ref()
            .is_some_and(|h| !h.presented_chain.is_empty())
    {
        let _ = writeln!(
            out,
            "\nMutual TLS\n  - not tried: {}",
            if requested {
                "no client certificate was given (--client-cert/--client-key or --pfx)"
            } else if probe.handshake.as_ref().is_some_and(|h| h.legacy) {
                "certwiz cannot complete a TLS 1.0 handshake"
            } else {
                "the server does not ask for a client certificate"
            }
        );
    }
    if let Some(m) = &probe.mutual_tls {
        let _ = writeln!(
            out,
            "\nMutual TLS (presenting {})",
            m.presented
                .first()
                .map(String::as_str)
                .unwrap_or("our certificate")
        );
        let result = match &m.outcome {
            crate::engine::probe::tls::HandshakeOutcome::Completed => format!(
                "✓ accepted{}",
                m.http_status_line
                    .as_deref()
                    .map(|s| format!(", answered \"{s}\""))
                    .unwrap_or_default()
            ),
            other => format!(
                "✗ {}",
                crate::engine::probe::handshake_outcome_summary(other)
            ),
        };
        let _ = writeln!(out, "  {result}");
    }
    for browse in [&probe.browse, &probe.browse_with_certificate]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(
            out,
            "\nHTTP answer {} a client certificate: GET {}",
            if browse.with_client_certificate {
                "with"
            } else {
                "without"
            },
            browse.url
        );
        match &browse.outcome {
            crate::engine::probe::browse::BrowseOutcome::Answered(a) => {
                let _ = writeln!(out, "  Status               {} {}", a.status, a.reason);
                if let Some(v) = &a.server {
                    let _ = writeln!(out, "  Server               {v}");
                }
                if let Some(v) = &a.content_type {
                    let _ = writeln!(out, "  Content-Type         {v}");
                }
                if let Some(v) = &a.location {
                    let _ = writeln!(out, "  Location             {v}");
                }
                if let Some(v) = &a.title {
                    let _ = writeln!(out, "  Page title           {v}");
                }
                let _ = writeln!(
                    out,
                    "  Body                 {} bytes{}",
                    a.body_bytes,
                    if a.body_capped { " (cut at 1 MiB)" } else { "" }
                );
                for line in a.body_preview.iter().take(5) {
                    let _ = writeln!(out, "    | {line}");
                }
            }
            crate::engine::probe::browse::BrowseOutcome::Failed { kind, reason } => {
                let _ = writeln!(out, "  ✗ no answer ({kind}): {}", wrap(reason, 4));
            }
        }
    }
}

/// The stores, MMC's way: each store's certificates with key, purposes, expiry and thumbprint; the
/// Personal store in step 3's order (usable server certificates first).
fn store_text(out: &mut String, listing: &StoreListing, at: OffsetDateTime) {
    use crate::engine::purpose::{Role, StorePurposes};
    use crate::engine::store::StoreName;
    let _ = writeln!(out, "\nCertificate stores: {}", listing.description);
    for name in StoreName::ALL {
        let list: Vec<&crate::engine::store::StoreCertificate> = match name {
            StoreName::Personal => listing.personal(at),
            _ => listing.of(name).collect(),
        };
        let _ = writeln!(
            out,
            "\n  {} ({}): {} certificate(s)",
            name.title(),
            name.system_name(),
            list.len()
        );
        for c in list {
            let mark = |role: Role| if c.flags.allows(role) { "✔" } else { "✖" };
            let setting = match &c.flags.store_property {
                StorePurposes::AllEnabled => String::new(),
                StorePurposes::AllDisabled => " · store setting: all purposes disabled".to_owned(),
                StorePurposes::Only(oids) => format!(
                    " · store setting: only {}",
                    oids.iter()
                        .map(|o| crate::engine::cert::eku_name(o))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let _ = writeln!(
                out,
                "  {} {}{}",
                if c.usable_as_server_certificate(at) {
                    "★"
                } else {
                    "•"
                },
                c.display_name,
                c.friendly_name
                    .as_ref()
                    .map(|f| format!(" (\"{f}\")"))
                    .unwrap_or_default()
            );
            let _ = writeln!(
                out,
                "      {} Server Authentication  {} Client Authentication  {}  expires {}{}{}",
                mark(Role::ServerAuth),
                mark(Role::ClientAuth),
                if c.has_private_key {
                    "private key ✔"
                } else {
                    "no private key"
                },
                stamp(c.not_after),
                if c.not_after <= at { " (EXPIRED)" } else { "" },
                setting
            );
            let _ = writeln!(out, "      thumbprint {}", c.thumbprint_sha1);
        }
    }
    for problem in &listing.problems {
        let _ = writeln!(out, "  ! {problem}");
    }
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

#[cfg(test)]
mod read_tests {
    use super::{Report, ReportReadError};

    #[test]
    fn a_crafted_pool_matrix_is_refused() {
        let report = Report::bare(
            "pool",
            Vec::new(),
            Vec::new(),
            time::OffsetDateTime::UNIX_EPOCH,
        );
        let mut value = serde_json::to_value(&report).expect("json");
        value["pool"] = serde_json::json!({
            "members": [],
            "cells": [{"client": 0, "server": 1, "accepted": null, "reasons": [], "blockers": []}],
            "trust_judged": false,
            "cancelled": false
        });
        let bytes = serde_json::to_vec(&value).expect("bytes");
        assert!(matches!(
            Report::from_json(&bytes),
            Err(ReportReadError::Damaged(reason)) if reason.contains("cells do not match")
        ));
        // The same report without the crafted matrix reads.
        value.as_object_mut().expect("object").remove("pool");
        let bytes = serde_json::to_vec(&value).expect("bytes");
        assert!(Report::from_json(&bytes).is_ok());
    }
}
