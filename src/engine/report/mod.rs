//! [`Report`]: the one serialisable result shared by the CLI, the GUI and report files, and its plain
//! text rendering.

pub mod redact;

pub use redact::Redactor;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::engine::cert::CertificateFacts;
pub use crate::engine::facts::coverage::{CheckPart, Coverage};
use crate::engine::facts::port_owner::PortOwnerFacts;
use crate::engine::facts::root_store::RootStoreFacts;
use crate::engine::facts::store::StoreListing;
use crate::engine::finding::{Finding, Severity, worst};
use crate::engine::logs::{LogAnalysis, RankedHypothesis};
use crate::engine::names::NameCheck;
use crate::engine::path::CertificationPath;
pub use crate::engine::probe::TimelineEntry;
use crate::engine::probe::{ProbeFacts, StepTimings};
use crate::engine::purpose::PurposeAnalysis;
use crate::engine::revocation::RevocationFacts;

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

/// Why a saved report file cannot be opened: the file itself, or what it holds.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportFileError {
    /// The file could not be opened.
    #[error("{path}: cannot open: {reason}")]
    Open {
        /// The file, as given.
        path: String,
        /// What the system said.
        reason: std::io::Error,
    },
    /// The file opened but could not be read.
    #[error("{path}: cannot read: {reason}")]
    Read {
        /// The file, as given.
        path: String,
        /// What the system said.
        reason: std::io::Error,
    },
    /// The file holds no report certwiz can show.
    #[error("{path}: {reason}")]
    NotAReport {
        /// The file, as given.
        path: String,
        /// Why not.
        reason: ReportReadError,
    },
}

/// Reads a saved JSON report from a file, at most [`MAX_REPORT_BYTES`] of it: what `certwiz open`
/// and the window's Open report… share.
pub fn read_report(path: &std::path::Path) -> Result<Report, ReportFileError> {
    use std::io::Read as _;
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|reason| ReportFileError::Open {
        path: shown.clone(),
        reason,
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_REPORT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|reason| ReportFileError::Read {
            path: shown.clone(),
            reason,
        })?;
    Report::from_json(&bytes).map_err(|reason| ReportFileError::NotAReport {
        path: shown,
        reason,
    })
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

/// The overall state of a report: `fail`, `warn`, `pass`, or `cancelled` (a run stopped before it
/// finished: nothing unfinished is judged, and it is never shown as pass).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerdictStatus {
    /// At least one finding of severity `fail`.
    Fail,
    /// No failure, at least one warning.
    Warn,
    /// Everything checked passed.
    Pass,
    /// The run was stopped before it finished.
    Cancelled,
    /// Nothing in the input was recognised (`logs`): not an all-clear.
    Unknown,
}

impl VerdictStatus {
    /// The lower-case word used in text output and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictStatus::Fail => "fail",
            VerdictStatus::Warn => "warn",
            VerdictStatus::Pass => "pass",
            VerdictStatus::Cancelled => "cancelled",
            VerdictStatus::Unknown => "unknown",
        }
    }

    /// A symbol that carries the state without colour (text output and reports).
    pub fn symbol(self) -> &'static str {
        match self.severity() {
            Some(severity) => severity.symbol(),
            None => "-",
        }
    }

    /// The severity this state stands for; `None` for a run that did not finish.
    pub fn severity(self) -> Option<Severity> {
        match self {
            VerdictStatus::Fail => Some(Severity::Fail),
            VerdictStatus::Warn => Some(Severity::Warn),
            VerdictStatus::Pass => Some(Severity::Pass),
            VerdictStatus::Cancelled => None,
            VerdictStatus::Unknown => Some(Severity::Unknown),
        }
    }
}

impl From<Severity> for VerdictStatus {
    fn from(severity: Severity) -> Self {
        match severity {
            Severity::Fail => VerdictStatus::Fail,
            Severity::Warn => VerdictStatus::Warn,
            Severity::Info | Severity::Pass => VerdictStatus::Pass,
            Severity::Unknown => VerdictStatus::Unknown,
        }
    }
}

/// Lets a finished verdict be compared with a severity (`status == Severity::Pass`); a cancelled one
/// equals none.
impl PartialEq<Severity> for VerdictStatus {
    fn eq(&self, other: &Severity) -> bool {
        self.severity() == Some(*other)
    }
}

/// The overall result in one word and one sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// `fail`, `warn`, `pass` or `cancelled`.
    pub status: VerdictStatus,
    /// One sentence for a ticket.
    pub summary: String,
    /// Number of `fail` findings.
    pub failures: usize,
    /// Number of `warn` findings.
    pub warnings: usize,
    /// What to do first: the fix of the worst finding (absent when nothing is wrong).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
    /// A cancelled run: the parts that finished (and were judged).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checked: Vec<CheckPart>,
    /// A cancelled run: the parts the cancel stopped (judged as nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<CheckPart>,
}

impl Verdict {
    /// Names in the summary what the run could not check (`parts`, each with its reason), so a
    /// verdict never reads as covering it: "No problems found in what was checked. Not checked: ...".
    /// `advice` (may be empty) follows. Nothing changes for a cancelled run (its summary says so) or
    /// when every part was checked.
    pub fn note_unchecked(&mut self, parts: &[String], advice: &str) {
        if parts.is_empty() || self.status == VerdictStatus::Cancelled {
            return;
        }
        let said = self.summary.trim_end_matches('.').replacen(
            "No problems found",
            "No problems found in what was checked",
            1,
        );
        self.summary = format!("{said}. Not checked: {}.", parts.join("; "));
        if !advice.is_empty() {
            self.summary = format!("{} {advice}", self.summary);
        }
    }

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
            Some(Severity::Fail) => VerdictStatus::Fail,
            Some(Severity::Warn) => VerdictStatus::Warn,
            _ => VerdictStatus::Pass,
        };
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let summary = match status {
            VerdictStatus::Fail => format!(
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
            VerdictStatus::Warn => format!(
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
            VerdictStatus::Fail | VerdictStatus::Warn => findings.first().map(|f| f.fix.clone()),
            _ => None,
        };
        Verdict {
            status,
            summary,
            failures,
            warnings,
            next_step,
            checked: Vec::new(),
            not_checked: Vec::new(),
        }
    }

    /// The verdict of a run stopped before it finished: the findings of the parts that finished are
    /// counted and named, nothing else is judged, and the sentence says what was and was not checked.
    pub fn cancelled(findings: &[Finding], coverage: &Coverage) -> Self {
        let finished = Verdict::of(findings);
        let found = match finished.status {
            VerdictStatus::Fail | VerdictStatus::Warn => {
                format!(" What finished already found: {}", finished.summary)
            }
            _ => String::new(),
        };
        let summary = format!(
            "Cancelled before the checks finished: nothing unfinished was judged. Checked: {}. Not checked: {}.{found}",
            CheckPart::list(&coverage.checked),
            CheckPart::list(&coverage.not_checked),
        );
        Verdict {
            status: VerdictStatus::Cancelled,
            summary,
            failures: finished.failures,
            warnings: finished.warnings,
            next_step: Some(
                finished.next_step.unwrap_or_else(|| {
                    "Run the checks again and let them finish (each network step stops by itself after its timeout).".to_owned()
                }),
            ),
            checked: coverage.checked.clone(),
            not_checked: coverage.not_checked.clone(),
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
    pub pool: Option<crate::engine::facts::pool::PoolMatrix>,
    /// The partner's SRV records and access edges (`federation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub federation: Option<crate::engine::facts::federation::FederationFacts>,
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
    /// A report of `command` with only its verdict, findings and inputs filled in: each producer
    /// (`check`, `inspect`, `pool`, `store`, `port_owner`, `root_store`, `logs`) adds its own parts.
    pub fn new(
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
            federation: None,
            case_notes: None,
            session: SessionParts::default(),
            timeline: vec![judged],
            origin: Some(Origin::here()),
        }
    }

    /// Marks the report of a run stopped before it finished: the verdict says so and what was and was
    /// not checked (the findings must already be those of the finished parts only), and the timeline's
    /// "findings judged" line says the same instead of an all-clear.
    pub fn mark_cancelled(&mut self, coverage: &Coverage) {
        self.verdict = Verdict::cancelled(&self.findings, coverage);
        let judged = format!("certwiz {}: findings judged", self.command);
        for entry in self.timeline.iter_mut().filter(|e| e.what == judged) {
            entry.result = self.verdict.summary.clone();
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
        let mut report = Report::new("logs", findings, inputs, at);
        if let Some(top) = analysis.hypotheses.first() {
            let n = analysis.signals.len();
            report.verdict.summary = format!(
                "{n} known sign{} of trouble; most likely: {} (step {})",
                if n == 1 { "" } else { "s" },
                top.title.trim().trim_end_matches('.'),
                top.step
            );
            report.verdict.next_step = Some(crate::engine::logs::verdict::top_next_step(top));
        } else if analysis.signals.is_empty() {
            // Nothing recognised is not an all-clear: its own state, with what was read.
            report.verdict.status = VerdictStatus::Unknown;
            report.verdict.summary =
                crate::engine::logs::verdict::nothing_recognised_summary(&analysis);
            report.verdict.next_step = Some(
                crate::engine::logs::verdict::nothing_recognised_next_step(&analysis),
            );
        }
        if let Some(last) = report.timeline.last_mut() {
            last.result = report.verdict.summary.clone();
        }
        report.hypotheses = analysis.hypotheses.clone();
        report.logs = Some(analysis);
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
    /// [`crate::engine::facts::pool::MAX_MEMBERS`] members whose cells point at members (a crafted file must
    /// not make certwiz draw millions of cells).
    fn check_shape(&self) -> Result<(), ReportReadError> {
        if let Some(pool) = &self.pool {
            let n = pool.members.len();
            if n > crate::engine::facts::pool::MAX_MEMBERS {
                return Err(ReportReadError::Damaged(format!(
                    "a pool of {n} members; certwiz reads at most {}",
                    crate::engine::facts::pool::MAX_MEMBERS
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

#[cfg(test)]
mod read_tests {
    use super::{Report, ReportReadError};

    #[test]
    fn a_crafted_pool_matrix_is_refused() {
        let report = Report::new(
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
