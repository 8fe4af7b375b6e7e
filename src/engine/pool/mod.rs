//! `pool`: the trust matrix of an Enterprise pool.
//!
//! The front ends of a pool call each other over mutual TLS (conferencing on 444, SIP on 5061), and
//! each presents its own certificate as the client certificate. So every member must accept every
//! other member's certificate: "the certificate chain of the local server is installed on the remote
//! server and vice-versa".
//!
//! The parts: `probe.rs` (the network: one probe per member, all at once), the matrix as plain data
//! in [`crate::engine::facts::pool`] (what the report and the GUI show), `decide.rs` (facts →
//! matrix, pure) and `judge.rs` (matrix → findings, pure); this file runs them in order and builds
//! the report.
//!
//! [`probe_pool`] probes every member at once (one thread each, connect and the recording handshake
//! only: [`crate::engine::probe::handshake_only`]) and returns [`PoolFacts`]. [`decide`] is pure: for every ordered
//! pair (A the client, B the server) it says whether B would accept A's certificate, with the reasons
//! in words, and returns a self-contained [`PoolMatrix`] (what the report and the GUI show).
//! [`judge()`] turns the matrix into `pool.*` findings. [`check_pool`] runs all three.
//!
//! B accepts A when, as far as certwiz can see from the outside:
//! - B asks for a client certificate (a CertificateRequest); without one, mutual TLS to B cannot work;
//! - A's certificate path allows Client Authentication (the leaf's EKU and every CA above it:
//!   [`crate::engine::purpose::PurposeAnalysis`]);
//! - B's acceptable-CA list (what its Trusted Root store announces) names a CA of A's path (an empty
//!   list means "any CA B trusts", a caution, not a rejection);
//! - A's path builds to a `--ca` trust anchor (all members share them; without any, trust is not
//!   judged and the decision rests on the CA list), and is in date and correctly signed.
//!
//! A member that did not answer TLS has an unknown row and column, never a ✓ or ✗.

mod decide;
mod group;
mod judge;
mod probe;
#[cfg(test)]
mod tests;

pub use crate::engine::facts::pool::{
    Blocker, MAX_MEMBERS, MemberCertificate, MemberStatus, PoolCell, PoolMatrix, PoolMember,
};
pub use decide::decide;
pub use judge::judge;
pub use probe::{PoolFacts, PoolRequest, probe_pool};

use crate::engine::finding::{Finding, sort_findings};
use crate::engine::probe::StepTimings;
use crate::engine::progress::{CancelFlag, Progress};
use crate::engine::report::Report;

/// Everything a pool check produces: the probe facts, the matrix and the findings.
#[derive(Debug, Clone)]
pub struct PoolCheck {
    /// What the probes found.
    pub facts: PoolFacts,
    /// Who would accept whom.
    pub matrix: PoolMatrix,
    /// The findings, sorted.
    pub findings: Vec<Finding>,
}

/// Probes every member at once, decides the matrix and judges it.
pub fn check_pool(request: &PoolRequest, cancel: &CancelFlag, progress: &Progress) -> PoolCheck {
    let facts = probe_pool(request, cancel, progress);
    let matrix = decide(&facts.members, &request.trust_anchors, request.at);
    let findings = judge(&matrix);
    PoolCheck {
        facts,
        matrix,
        findings,
    }
}

/// Probes the pool and makes its report, with every member's steps in the timeline (the CLI's
/// `certwiz pool` and the wizard's step 9 share it).
pub fn pool_report(request: &PoolRequest, cancel: &CancelFlag, progress: &Progress) -> Report {
    pool_report_expecting(request, &[], cancel, progress)
}

/// [`pool_report`], and each member's certificate must carry `expected_names` too (the pool FQDN:
/// every front end answers for it): `cert.name-mismatch` names each member whose certificate lacks
/// one, `cert.name-match` when all carry them.
pub fn pool_report_expecting(
    request: &PoolRequest,
    expected_names: &[String],
    cancel: &CancelFlag,
    progress: &Progress,
) -> Report {
    let (progress, journal) = progress.journaled();
    let mut check = check_pool(request, cancel, &progress);
    // Members on SIP ports were also sent an OPTIONS (without a client certificate): say what answered.
    for member in check.facts.members.iter().filter(|m| m.target.speaks_sip()) {
        crate::engine::sip_rules::sip_findings(member, &mut check.findings);
    }
    sort_findings(&mut check.findings);
    if !expected_names.is_empty() {
        check.findings.extend(judge::member_name_findings(
            &check.facts,
            &check.matrix,
            expected_names,
        ));
        sort_findings(&mut check.findings);
    }
    let mut steps = journal.entries();
    steps.sort_by_key(|e| e.at);
    let mut report = Report::new("pool", check.findings, Vec::new(), request.at);
    // A member on a SIP port that gave no SIP answer (it wanted a client certificate, which the pool
    // check does not present): the verdict covers only what was checked, and says so.
    let unanswered: Vec<String> = check
        .facts
        .members
        .iter()
        .filter_map(|m| {
            crate::engine::sip_rules::sip_unanswered(m)
                .map(|part| format!("{}: {part}", m.target.host))
        })
        .collect();
    report.verdict.note_unchecked(&unanswered, "");
    report.timings = Some(StepTimings {
        steps_ms: Vec::new(),
        total_ms: check.facts.total_ms,
    });
    report.pool = Some(check.matrix);
    steps.append(&mut report.timeline);
    report.timeline = steps;
    report
}
