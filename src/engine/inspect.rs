//! `inspect`: the analysis of a local certificate, from loaded certificates to a [`Report`].

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::engine::cert::CertError;
use crate::engine::finding::{Finding, Scope, sort_findings};
use crate::engine::load::SourcedCertificate;
use crate::engine::names::{NameCheck, check_names};
use crate::engine::path::{CandidatePool, CertificationPath};
use crate::engine::progress::{CancelFlag, Progress};
use crate::engine::purpose::{PurposeAnalysis, RequestedPurpose, StorePurposes};
use crate::engine::report::{InputSummary, Report};
use crate::engine::revocation::{self, FetchOptions};
use crate::engine::rules::{PathFacts, judge_path};

/// What to inspect.
#[derive(Debug, Clone)]
pub struct InspectRequest {
    /// Certificates from the files given; the first leaf among them is examined, the rest are
    /// candidates for its path.
    pub certificates: Vec<SourcedCertificate>,
    /// Trust anchors (`--ca`, system roots); also candidates.
    pub trust_anchors: Vec<SourcedCertificate>,
    /// Names the certificate must carry (pool FQDN, server FQDN).
    pub expected_names: Vec<String>,
    /// The instant dates are judged at (`--at`, or now).
    pub at: OffsetDateTime,
    /// What the inputs were, for the report.
    pub inputs: Vec<InputSummary>,
    /// The Windows store's purpose property of certificates that came from a store, by SHA-256
    /// ([`crate::engine::store::StoreListing::purposes_by_sha256`]); empty for files.
    pub store_purposes: HashMap<String, StorePurposes>,
    /// The roles the certificate is examined for (`--purpose`; default both).
    pub purpose: RequestedPurpose,
}

/// Why an inspection could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InspectError {
    /// No certificate was given.
    #[error("no certificate to inspect: the files given hold no certificate (only private keys?)")]
    NothingToInspect,
    /// A certificate could not be parsed.
    #[error("{source_name}: {error}")]
    BadCertificate {
        /// Which file and position.
        source_name: String,
        /// What is wrong.
        error: CertError,
    },
}

/// Runs the inspection: builds the pool, picks the certificate, builds its path and judges it. Contacts
/// nothing.
pub fn inspect(request: &InspectRequest) -> Result<Report, InspectError> {
    inspect_inner(request, None, &CancelFlag::new(), &Progress::none())
}

/// [`inspect`], and then what `certutil -verify -urlfetch` adds (`--fetch`): missing issuers
/// downloaded from their AIA URL, and every CRL distribution point and OCSP responder of the path
/// contacted (bounded by `options`, reported through `progress`, stopped by `cancel`).
pub fn inspect_fetching(
    request: &InspectRequest,
    options: FetchOptions,
    cancel: &CancelFlag,
    progress: &Progress,
) -> Result<Report, InspectError> {
    inspect_inner(request, Some(options), cancel, progress)
}

fn inspect_inner(
    request: &InspectRequest,
    fetch: Option<FetchOptions>,
    cancel: &CancelFlag,
    progress: &Progress,
) -> Result<Report, InspectError> {
    let (progress, journal) = progress.journaled();
    let progress = &progress;
    let started_at = time::OffsetDateTime::now_utc();
    let started = std::time::Instant::now();
    let mut pool = CandidatePool::new();
    pool.set_purpose(request.purpose);
    let mut given = Vec::with_capacity(request.certificates.len());
    for cert in &request.certificates {
        let index = pool
            .add(cert, false)
            .map_err(|error| InspectError::BadCertificate {
                source_name: cert.origin.to_string(),
                error,
            })?;
        given.push(index);
    }
    for cert in &request.trust_anchors {
        pool.add(cert, true)
            .map_err(|error| InspectError::BadCertificate {
                source_name: cert.origin.to_string(),
                error,
            })?;
    }
    let subject = pick_subject(&pool, &given).ok_or(InspectError::NothingToInspect)?;
    let source_name = pool
        .entry(subject)
        .map(|e| e.origin.to_string())
        .unwrap_or_default();
    let bad = |error| InspectError::BadCertificate {
        source_name: source_name.clone(),
        error,
    };
    let (path, revocation) = match fetch {
        Some(options) => {
            let (path, facts) = revocation::run(
                &mut pool,
                subject,
                Scope::Local,
                request.at,
                options,
                cancel,
                progress,
            )
            .map_err(bad)?;
            (path, Some(facts))
        }
        None => (pool.build_path(subject, request.at).map_err(bad)?, None),
    };
    let purposes = PurposeAnalysis::of_path(&path, &|sha256| {
        request
            .store_purposes
            .get(sha256)
            .cloned()
            .unwrap_or_default()
    })
    .for_purpose(request.purpose);
    let names = match path.leaf() {
        Some(leaf) => check_names(&leaf.certificate, &request.expected_names),
        None => Vec::new(),
    };
    let mut findings = judge_path(&PathFacts {
        path: &path,
        purposes: &purposes,
        names: &names,
        scope: Scope::Local,
        trust_anchors_given: pool.has_trust_anchors(),
        at: request.at,
    });
    if let Some(facts) = &revocation {
        findings.extend(revocation::judge(facts, request.at));
        sort_findings(&mut findings);
        crate::engine::fixes::attach(&mut findings, &crate::engine::fixes::FixContext::default());
    }
    let mut report = report(request, path, purposes, names, findings);
    report.revocation = revocation;
    let mut timeline = vec![crate::engine::report::TimelineEntry {
        at: started_at,
        what: "Reading the certificates and building the certification path".to_owned(),
        result: format!(
            "{} certificate(s) read, path of {} found",
            request.certificates.len() + request.trust_anchors.len(),
            report
                .path
                .as_ref()
                .map_or_else(|| "none".to_owned(), |p| p.nodes.len().to_string())
        ),
        elapsed_ms: Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)),
    }];
    timeline.extend(journal.entries());
    timeline.append(&mut report.timeline);
    report.timeline = timeline;
    Ok(report)
}

/// The report of an inspection: the path, its purposes and names, judged.
pub fn report(
    request: &InspectRequest,
    path: CertificationPath,
    purposes: PurposeAnalysis,
    names: Vec<NameCheck>,
    findings: Vec<Finding>,
) -> Report {
    let mut report = Report::new("inspect", findings, request.inputs.clone(), request.at);
    report.certificate = path.leaf().map(|n| n.certificate.clone());
    report.path = Some(path);
    report.purposes = Some(purposes);
    report.names = names;
    report
}

/// The certificate to examine: the first end-entity certificate given; when all are CAs, the first one
/// that issued none of the others (the bottom of what was given).
fn pick_subject(pool: &CandidatePool, given: &[usize]) -> Option<usize> {
    let entry = |i: usize| pool.entry(i);
    if let Some(&leaf) = given
        .iter()
        .find(|&&i| entry(i).is_some_and(|e| !e.is_ca()))
    {
        return Some(leaf);
    }
    let issues_another = |candidate: usize| {
        given.iter().any(|&other| {
            other != candidate
                && pool.entry(other).is_some_and(|o| !o.is_self_issued())
                && pool.issuers_of(other).contains(&candidate)
        })
    };
    given
        .iter()
        .copied()
        .find(|&i| !issues_another(i))
        .or_else(|| given.first().copied())
}
