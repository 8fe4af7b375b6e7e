//! `inspect`: the analysis of a local certificate, from loaded certificates to a [`Report`].

use time::OffsetDateTime;

use crate::engine::cert::CertError;
use crate::engine::finding::Scope;
use crate::engine::load::SourcedCertificate;
use crate::engine::names::check_names;
use crate::engine::path::CandidatePool;
use crate::engine::purpose::{PurposeAnalysis, StorePurposes};
use crate::engine::report::{InputSummary, Report};
use crate::engine::rules::{PathFacts, path_findings};

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

/// Runs the inspection: builds the pool, picks the certificate, builds its path and judges it.
pub fn inspect(request: &InspectRequest) -> Result<Report, InspectError> {
    let mut pool = CandidatePool::new();
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
    let path =
        pool.build_path(subject, request.at)
            .map_err(|error| InspectError::BadCertificate {
                source_name: pool
                    .entry(subject)
                    .map(|e| e.origin.to_string())
                    .unwrap_or_default(),
                error,
            })?;
    let purposes = PurposeAnalysis::of_path(&path, &|_| StorePurposes::AllEnabled);
    let names = match path.leaf() {
        Some(leaf) => check_names(&leaf.certificate, &request.expected_names),
        None => Vec::new(),
    };
    let findings = path_findings(&PathFacts {
        path: &path,
        purposes: &purposes,
        names: &names,
        scope: Scope::Local,
        trust_anchors_given: pool.has_trust_anchors(),
        at: request.at,
    });
    Ok(Report::for_inspect(
        request, path, purposes, names, findings,
    ))
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
