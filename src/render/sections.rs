//! The one walk over a report's parts that the reading formats share: which parts a report has and
//! in which order a reader needs them (the verdict, what the log says, the problems with their fixes,
//! then the evidence: path, purposes, names, the port's answer, the pool, then the checks that passed
//! and the details). Markdown and HTML draw each [`Section`] their own way; neither decides again what
//! to show or in which order, so a part added here reaches both.

use crate::engine::cert::CertificateFacts;
use crate::engine::finding::{Finding, Severity};
use crate::engine::logs::{LogAnalysis, RankedHypothesis};
use crate::engine::names::NameCheck;
use crate::engine::path::CertificationPath;
use crate::engine::pool::PoolMatrix;
use crate::engine::probe::ProbeFacts;
use crate::engine::purpose::PurposeAnalysis;
use crate::engine::report::{Report, Verdict};

/// One part of a report body.
#[derive(Debug)]
pub enum Section<'a> {
    /// The overall result and what to do.
    Verdict(&'a Verdict),
    /// What the log matcher read and recognised (`logs`).
    Logs(&'a LogAnalysis),
    /// Possible causes, most likely first (`logs`).
    Hypotheses(&'a [RankedHypothesis]),
    /// The failures, warnings and notes, worst first, each with its fix and commands.
    Problems(Vec<&'a Finding>),
    /// The certification path, root first.
    Path(&'a CertificationPath),
    /// Each certificate × Server / Client Authentication.
    Purposes(&'a PurposeAnalysis),
    /// The expected names and how they matched.
    Names(&'a [NameCheck]),
    /// What answered on the port, and mutual TLS (`check`).
    PortAnswer {
        /// The probe's facts.
        probe: &'a ProbeFacts,
        /// The CAs of our client certificate's path, to mark in the server's CA list.
        client_issuers: &'a [String],
    },
    /// The pool trust matrix (`pool`).
    Pool(&'a PoolMatrix),
    /// The checks that passed, compactly.
    Passed(Vec<&'a Finding>),
    /// The examined certificate's details.
    Certificate {
        /// The certificate.
        facts: &'a CertificateFacts,
        /// Whether the server presented it (a `check`) rather than it being read from a file.
        presented: bool,
    },
    /// The rarer parts (revocation answers, store listings, the Root store, the port's owner) in
    /// the text layout, for a monospaced block.
    Details(String),
}

impl Section<'_> {
    /// The section's heading, the same words in every format.
    pub fn title(&self) -> String {
        match self {
            Section::Verdict(_) => "Verdict".to_owned(),
            Section::Logs(_) => "What the pasted log says".to_owned(),
            Section::Hypotheses(_) => "Possible causes, most likely first".to_owned(),
            Section::Problems(_) => "Findings".to_owned(),
            Section::Path(_) => "Certification path".to_owned(),
            Section::Purposes(_) => "Purposes".to_owned(),
            Section::Names(_) => "Names".to_owned(),
            Section::PortAnswer { probe, .. } => {
                format!(
                    "What answers on port {} (and mutual TLS)",
                    probe.target.port
                )
            }
            Section::Pool(_) => "Pool trust matrix".to_owned(),
            Section::Passed(_) => "Checks that passed".to_owned(),
            Section::Certificate { presented, .. } => if *presented {
                "Certificate presented by the server"
            } else {
                "Certificate"
            }
            .to_owned(),
            Section::Details(_) => "Details".to_owned(),
        }
    }
}

/// The parts of `report`'s body that it has, in reading order. The verdict always comes first and
/// the findings always follow (an empty problem list says "nothing to fix"); the other parts only
/// when the report holds them.
pub fn sections(report: &Report) -> Vec<Section<'_>> {
    let (passed, problems): (Vec<&Finding>, Vec<&Finding>) = report
        .findings
        .iter()
        .partition(|f| f.severity == Severity::Pass);
    let mut out = vec![Section::Verdict(&report.verdict)];
    if let Some(logs) = &report.logs {
        out.push(Section::Logs(logs));
    }
    if !report.hypotheses.is_empty() {
        out.push(Section::Hypotheses(&report.hypotheses));
    }
    out.push(Section::Problems(problems));
    if let Some(path) = &report.path {
        out.push(Section::Path(path));
    }
    if let Some(purposes) = &report.purposes {
        out.push(Section::Purposes(purposes));
    }
    if !report.names.is_empty() {
        out.push(Section::Names(&report.names));
    }
    if let Some(probe) = &report.probe {
        out.push(Section::PortAnswer {
            probe,
            client_issuers: &report.client_issuers,
        });
    }
    if let Some(pool) = &report.pool {
        out.push(Section::Pool(pool));
    }
    if !passed.is_empty() {
        out.push(Section::Passed(passed));
    }
    if let Some(facts) = &report.certificate {
        out.push(Section::Certificate {
            facts,
            presented: report.probe.is_some(),
        });
    }
    let rest = super::text::details_text(report);
    if !rest.trim().is_empty() {
        out.push(Section::Details(rest));
    }
    out
}
