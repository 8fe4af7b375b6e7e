//! Revocation and missing intermediates: what `certutil -verify -urlfetch` does.
//!
//! [`run`] is the network part: when a path stops at a missing issuer it downloads the issuer from the
//! AIA "CA Issuers" URL and builds the path again (up to three times), then fetches every CRL
//! distribution point and asks every OCSP responder of the path's certificates, all URLs of a round at
//! once, each bounded by a timeout and a size cap. It records facts ([`RevocationFacts`]): what each URL
//! did, what each CRL or OCSP answer says. [`judge`] judges those facts at an instant and is pure.

pub mod crl;
pub mod http;
pub mod ocsp;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::engine::cert::CertificateFacts;
use crate::engine::finding::{Finding, Scope, Severity, ids};
use crate::engine::load::{Origin, SourcedCertificate};
use crate::engine::path::{CandidatePool, CertificationPath, sha256_hex};
use crate::engine::probe::{CancelFlag, ProbeStep, Progress};

use self::crl::CrlFacts;
use self::http::{FetchLimits, FetchRecord, FetchRequest, fetch_all, is_fetchable};
use self::ocsp::{OcspFacts, OcspStatus};

/// Default bound of one fetch.
pub const DEFAULT_FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest CRL read (enterprise CRLs reach a few MiB; 16 MiB leaves room and bounds memory).
pub const MAX_CRL_BYTES: usize = 16 * 1024 * 1024;
/// Largest CA certificate or PKCS#7 bundle read from an AIA URL, and largest OCSP answer.
pub const MAX_SMALL_BYTES: usize = 1024 * 1024;
/// Most rounds of intermediate downloads (each may reveal the next missing issuer).
pub const MAX_AIA_ROUNDS: usize = 3;
/// Most CRL / OCSP URLs contacted for one certificate (real ones name one to three; a hostile
/// certificate may name hundreds).
pub const MAX_URLS_PER_CERTIFICATE: usize = 4;
/// Most distinct URLs contacted for one path (one round of concurrent requests).
pub const MAX_URLS_PER_PATH: usize = 16;

/// How to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchOptions {
    /// Bound of each request.
    pub timeout: Duration,
    /// Largest body read.
    pub max_bytes: usize,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: DEFAULT_FETCH_TIMEOUT,
            max_bytes: MAX_CRL_BYTES,
        }
    }
}

impl FetchOptions {
    fn limits(self) -> FetchLimits {
        FetchLimits {
            timeout: self.timeout,
            max_bytes: self.max_bytes,
        }
    }
}

/// An issuer downloaded from an AIA "CA Issuers" URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntermediateFetch {
    /// The certificate whose issuer was missing (its display name).
    pub for_certificate: String,
    /// The issuer it asks for.
    pub issuer: String,
    /// The URL.
    pub url: String,
    /// What the URL did.
    pub fetch: FetchRecord,
    /// The certificates that came back.
    pub certificates: Vec<CertificateFacts>,
    /// Why what came back could not be read, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Whether a downloaded certificate is now part of the path.
    pub used: bool,
    /// The downloaded certificates, DER, for building the path again.
    #[serde(skip)]
    pub der: Vec<Arc<[u8]>>,
}

/// Where a revocation answer comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A CRL distribution point.
    Crl,
    /// An OCSP responder.
    Ocsp,
}

/// What one CRL distribution point or OCSP responder gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum SourceResult {
    /// Not contacted, and why (an LDAP URL, another scheme, an unknown issuer, cancelled).
    NotChecked {
        /// Why.
        reason: String,
    },
    /// Contacted; nothing usable came back (see the fetch record).
    Unreachable,
    /// Something came back that is not a CRL / OCSP answer.
    Unreadable {
        /// What is wrong with it.
        reason: String,
    },
    /// A CRL.
    Crl {
        /// What it says.
        crl: CrlFacts,
    },
    /// An OCSP answer.
    Ocsp {
        /// What it says.
        ocsp: OcspFacts,
    },
}

/// One URL checked for one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCheck {
    /// CRL or OCSP.
    pub kind: SourceKind,
    /// The URL as the certificate names it.
    pub url: String,
    /// What the request did, when it was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetch: Option<FetchRecord>,
    /// What came of it.
    #[serde(flatten)]
    pub result: SourceResult,
}

impl SourceCheck {
    /// One line on what this URL gave, for lists.
    pub fn summary(&self, at: OffsetDateTime) -> String {
        let fetched = self.fetch.as_ref().map(FetchRecord::summary);
        let text = match &self.result {
            SourceResult::NotChecked { reason } => format!("not checked: {reason}"),
            SourceResult::Unreachable => fetched.unwrap_or_else(|| "no answer".into()),
            SourceResult::Unreadable { reason } => reason.clone(),
            SourceResult::Crl { crl } => {
                let mut parts = vec![format!(
                    "CRL published {} by {}",
                    crl.this_update.date(),
                    crl.issuer
                )];
                if crl.not_yet_valid_at(at) {
                    parts.push("NOT YET VALID (published after the time judged at)".into());
                }
                match crl.next_update {
                    Some(next) if next < at => parts.push(format!("EXPIRED on {}", next.date())),
                    Some(next) => parts.push(format!("next update {}", next.date())),
                    None => parts.push("no next update".into()),
                }
                parts.push(match crl.entries {
                    1 => "1 entry".to_owned(),
                    n => format!("{n} entries"),
                });
                match crl.signature {
                    crate::engine::signature::SignatureCheck::Valid => {}
                    crate::engine::signature::SignatureCheck::Unsupported => {
                        parts.push("signature algorithm not supported by certwiz (not used)".into())
                    }
                    crate::engine::signature::SignatureCheck::Invalid => {
                        parts.push("signature does NOT verify with the issuing CA's key".into())
                    }
                }
                if !crl.issuer_matches {
                    parts.push("published by another CA".into());
                }
                match &crl.revoked {
                    Some(r) if r.reason.as_deref() == Some("removeFromCRL") => parts
                        .push("a delta CRL takes this certificate off hold (removeFromCRL)".into()),
                    Some(r) => parts.push(format!(
                        "lists this certificate as revoked on {}{}",
                        r.date.date(),
                        r.reason
                            .as_ref()
                            .map(|r| format!(" ({r})"))
                            .unwrap_or_default()
                    )),
                    None => parts.push("does not list this certificate".into()),
                }
                parts.join(", ")
            }
            SourceResult::Ocsp { ocsp } => ocsp.summary(),
        };
        // A redirect (to another host above all) is always said, whatever came of it.
        match &self.fetch {
            Some(f)
                if !f.redirects.is_empty() && !matches!(self.result, SourceResult::Unreachable) =>
            {
                format!("{text} ({})", f.summary())
            }
            _ => text,
        }
    }
}

/// The revocation checks of one certificate of the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRevocation {
    /// The certificate's display name.
    pub display_name: String,
    /// Its subject.
    pub subject: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Its serial number.
    pub serial: String,
    /// Its issuer's display name, when the issuer is in the path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Every CRL distribution point and OCSP responder it names.
    pub sources: Vec<SourceCheck>,
}

/// Everything the fetches found for one path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationFacts {
    /// Whose path: the local certificate's or the one a server presented.
    pub scope: Scope,
    /// Issuers downloaded through AIA.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intermediates: Vec<IntermediateFetch>,
    /// Revocation of each certificate below the root, the examined certificate first.
    pub certificates: Vec<CertificateRevocation>,
    /// Whether the user cancelled before everything was fetched.
    #[serde(default)]
    pub cancelled: bool,
}

impl RevocationFacts {
    /// The downloaded certificates, as pool input.
    pub fn downloaded(&self) -> Vec<SourcedCertificate> {
        self.intermediates
            .iter()
            .flat_map(|f| {
                f.der.iter().enumerate().map(|(i, der)| SourcedCertificate {
                    der: Arc::clone(der),
                    origin: downloaded_origin(&f.url, i),
                })
            })
            .collect()
    }

    /// Every URL that was contacted, in order, without repeats.
    pub fn contacted(&self) -> Vec<String> {
        let mut urls: Vec<String> = Vec::new();
        let all = self.intermediates.iter().map(|f| &f.fetch).chain(
            self.certificates
                .iter()
                .flat_map(|c| c.sources.iter().filter_map(|s| s.fetch.as_ref())),
        );
        for record in all {
            if !urls.contains(&record.url) {
                urls.push(record.url.clone());
            }
        }
        urls
    }
}

fn downloaded_origin(url: &str, index: usize) -> Origin {
    Origin {
        source: format!("downloaded from {url}"),
        position: index + 1,
    }
}

/// The URLs a path's certificates name, per certificate (leaf first), for showing before they are
/// contacted: `(display name, kind, url)`.
pub fn urls_of(path: &CertificationPath) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    for node in path.nodes.iter().rev() {
        let c = &node.certificate;
        for url in &c.crl_distribution_points {
            out.push((c.display_name.clone(), "CRL", url.clone()));
        }
        for url in &c.aia_ocsp {
            out.push((c.display_name.clone(), "OCSP", url.clone()));
        }
        for url in &c.aia_ca_issuers {
            out.push((c.display_name.clone(), "CA Issuers", url.clone()));
        }
    }
    out
}

/// Downloads missing issuers, then checks the revocation of every certificate of the path of
/// `subject` in `pool` (downloaded issuers are added to `pool`). Returns the facts and the final path.
pub fn run(
    pool: &mut CandidatePool,
    subject: usize,
    scope: Scope,
    at: OffsetDateTime,
    options: FetchOptions,
    cancel: &CancelFlag,
    progress: &Progress,
) -> Result<(CertificationPath, RevocationFacts), crate::engine::cert::CertError> {
    let mut facts = RevocationFacts {
        scope,
        intermediates: Vec::new(),
        certificates: Vec::new(),
        cancelled: false,
    };
    let mut path = pool.build_path(subject, at)?;
    let mut tried: Vec<String> = Vec::new();
    for _ in 0..MAX_AIA_ROUNDS {
        let Some(missing) = path.missing_issuer.clone() else {
            break;
        };
        let urls: Vec<String> = missing
            .aia_ca_issuers
            .iter()
            .filter(|u| is_fetchable(u) && !tried.contains(u))
            .cloned()
            .collect();
        if urls.is_empty() || cancel.is_cancelled() {
            break;
        }
        tried.extend(urls.iter().cloned());
        let top = path
            .nodes
            .first()
            .map(|n| n.certificate.display_name.clone())
            .unwrap_or_default();
        let requests: Vec<FetchRequest> = urls
            .iter()
            .map(|url| FetchRequest {
                url: url.clone(),
                post: None,
                max_bytes: MAX_SMALL_BYTES,
            })
            .collect();
        progress.contacting(ProbeStep::Intermediates, urls.clone());
        let (results, _) = progress.step(
            ProbeStep::Intermediates,
            || fetch_all(&requests, options.limits(), cancel),
            |results: &Vec<http::Fetched>| {
                let ok = results.iter().filter(|r| r.ok()).count();
                format!("{ok} of {} issuer download(s) answered", results.len())
            },
        );
        for fetched in results {
            let mut record = IntermediateFetch {
                for_certificate: top.clone(),
                issuer: missing.issuer.clone(),
                url: fetched.record.url.clone(),
                fetch: fetched.record.clone(),
                certificates: Vec::new(),
                error: None,
                used: false,
                der: Vec::new(),
            };
            if fetched.ok() {
                match crate::engine::load::load_bytes(&fetched.record.url, &fetched.body, None) {
                    Ok(loaded) if !loaded.certificates.is_empty() => {
                        for (i, cert) in loaded.certificates.iter().enumerate() {
                            let sourced = SourcedCertificate {
                                der: Arc::clone(&cert.der),
                                origin: downloaded_origin(&record.url, i),
                            };
                            if let Ok(facts) = CertificateFacts::from_der(&cert.der)
                                && pool.add(&sourced, false).is_ok()
                            {
                                record.certificates.push(facts);
                                record.der.push(Arc::clone(&cert.der));
                            }
                        }
                    }
                    Ok(_) => record.error = Some("no certificate in the answer".into()),
                    Err(e) => record.error = Some(format!("not a certificate: {e}")),
                }
            }
            facts.intermediates.push(record);
        }
        path = pool.build_path(subject, at)?;
        let in_path: Vec<&str> = path
            .nodes
            .iter()
            .map(|n| n.certificate.sha256.as_str())
            .collect();
        for f in &mut facts.intermediates {
            f.used = f
                .certificates
                .iter()
                .any(|c| in_path.contains(&c.sha256.as_str()));
        }
    }
    facts.certificates = check_path(pool, &path, options, cancel, progress);
    facts.cancelled = cancel.is_cancelled();
    Ok((path, facts))
}

/// What to do for one URL of one certificate.
enum Planned {
    Fetch(usize),
    Skip(String),
}

/// One certificate's record to fill, what to do per URL, and its DER with its issuer's.
type CertificatePlan = (
    CertificateRevocation,
    Vec<(SourceKind, String, Planned)>,
    Option<(Arc<[u8]>, Arc<[u8]>)>,
);

fn check_path(
    pool: &CandidatePool,
    path: &CertificationPath,
    options: FetchOptions,
    cancel: &CancelFlag,
    progress: &Progress,
) -> Vec<CertificateRevocation> {
    let der_by_hash: HashMap<String, Arc<[u8]>> = pool
        .entries()
        .iter()
        .map(|e| (sha256_hex(e.sha256()), Arc::clone(&e.der)))
        .collect();
    let mut requests: Vec<FetchRequest> = Vec::new();
    // Per certificate: its DERs and per URL what to do.
    let mut plans: Vec<CertificatePlan> = Vec::new();
    // Leaf first, as certutil lists them.
    for (i, node) in path.nodes.iter().enumerate().rev() {
        let c = &node.certificate;
        let is_root = i == 0 && c.self_signed && path.complete;
        if is_root {
            continue;
        }
        let issuer = i.checked_sub(1).and_then(|p| path.nodes.get(p));
        let ders = match (
            der_by_hash.get(&c.sha256),
            issuer.and_then(|n| der_by_hash.get(&n.certificate.sha256)),
        ) {
            (Some(cert), Some(issuer)) => Some((Arc::clone(cert), Arc::clone(issuer))),
            _ => None,
        };
        let mut planned = Vec::new();
        let urls = c
            .crl_distribution_points
            .iter()
            .map(|u| (SourceKind::Crl, u))
            .chain(c.aia_ocsp.iter().map(|u| (SourceKind::Ocsp, u)));
        let mut fetched_here = 0;
        for (kind, url) in urls {
            let lower = url.trim().to_ascii_lowercase();
            let fetchable = is_fetchable(url) && ders.is_some();
            let plan = if fetchable && fetched_here >= MAX_URLS_PER_CERTIFICATE {
                Planned::Skip(format!(
                    "certwiz contacts at most {MAX_URLS_PER_CERTIFICATE} URLs per certificate"
                ))
            } else if fetchable
                && requests.len() >= MAX_URLS_PER_PATH
                && !requests.iter().any(|r| r.url == *url)
            {
                Planned::Skip(format!(
                    "certwiz contacts at most {MAX_URLS_PER_PATH} URLs per path"
                ))
            } else if lower.starts_with("ldap:") || lower.starts_with("ldaps:") {
                Planned::Skip(
                    "LDAP distribution points are read from Active Directory, which needs a domain member; certwiz reads HTTP only".into(),
                )
            } else if !is_fetchable(url) {
                Planned::Skip(format!(
                    "certwiz reads HTTP and HTTPS URLs only ({})",
                    lower.split(':').next().unwrap_or("unknown scheme")
                ))
            } else if let Some((cert, issuer)) = &ders {
                fetched_here += 1;
                match kind {
                    // The same CRL named twice (by two certificates of one CA, or twice in one) is
                    // fetched once.
                    SourceKind::Crl => match requests
                        .iter()
                        .position(|r| r.url == *url && r.post.is_none())
                    {
                        Some(index) => Planned::Fetch(index),
                        None => {
                            requests.push(FetchRequest {
                                url: url.clone(),
                                post: None,
                                max_bytes: MAX_CRL_BYTES,
                            });
                            Planned::Fetch(requests.len() - 1)
                        }
                    },
                    SourceKind::Ocsp => match ocsp::request(cert, issuer) {
                        Ok(body) => {
                            requests.push(FetchRequest {
                                url: url.clone(),
                                post: Some((body, "application/ocsp-request")),
                                max_bytes: MAX_SMALL_BYTES,
                            });
                            Planned::Fetch(requests.len() - 1)
                        }
                        Err(e) => {
                            Planned::Skip(format!("the OCSP request could not be built: {e}"))
                        }
                    },
                }
            } else {
                Planned::Skip(
                    "the issuer is not in the path, so its answer could not be verified".into(),
                )
            };
            planned.push((kind, url.clone(), plan));
        }
        plans.push((
            CertificateRevocation {
                display_name: c.display_name.clone(),
                subject: c.subject.clone(),
                sha256: c.sha256.clone(),
                serial: c.serial.clone(),
                issuer: issuer.map(|n| n.certificate.display_name.clone()),
                sources: Vec::new(),
            },
            planned,
            ders,
        ));
    }
    let results = if requests.is_empty() || cancel.is_cancelled() {
        Vec::new()
    } else {
        progress.contacting(
            ProbeStep::Revocation,
            requests.iter().map(|r| r.url.clone()).collect(),
        );
        progress
            .step(
                ProbeStep::Revocation,
                || fetch_all(&requests, options.limits(), cancel),
                |results: &Vec<http::Fetched>| {
                    let ok = results.iter().filter(|r| r.ok()).count();
                    format!("{ok} of {} CRL / OCSP URL(s) answered", results.len())
                },
            )
            .0
    };
    plans
        .into_iter()
        .map(|(mut record, planned, ders)| {
            for (kind, url, plan) in planned {
                let check = match plan {
                    Planned::Skip(reason) => SourceCheck {
                        kind,
                        url,
                        fetch: None,
                        result: SourceResult::NotChecked { reason },
                    },
                    Planned::Fetch(index) => match (results.get(index), &ders) {
                        (Some(fetched), _)
                            if fetched.record.failure == Some(http::FetchFailure::Cancelled) =>
                        {
                            SourceCheck {
                                kind,
                                url,
                                fetch: None,
                                result: SourceResult::NotChecked {
                                    reason: "cancelled".into(),
                                },
                            }
                        }
                        (Some(fetched), Some((cert, issuer))) => {
                            let result = if !fetched.ok() {
                                SourceResult::Unreachable
                            } else {
                                match kind {
                                    SourceKind::Crl => {
                                        match crl::evaluate(&fetched.body, cert, issuer) {
                                            Ok(crl) => SourceResult::Crl { crl },
                                            Err(e) => SourceResult::Unreadable {
                                                reason: e.to_string(),
                                            },
                                        }
                                    }
                                    SourceKind::Ocsp => {
                                        match ocsp::evaluate(&fetched.body, cert, issuer) {
                                            Ok(ocsp) => SourceResult::Ocsp { ocsp },
                                            Err(e) => SourceResult::Unreadable {
                                                reason: e.to_string(),
                                            },
                                        }
                                    }
                                }
                            };
                            SourceCheck {
                                kind,
                                url,
                                fetch: Some(fetched.record.clone()),
                                result,
                            }
                        }
                        _ => SourceCheck {
                            kind,
                            url,
                            fetch: None,
                            result: SourceResult::NotChecked {
                                reason: "cancelled".into(),
                            },
                        },
                    },
                };
                record.sources.push(check);
            }
            record
        })
        .collect()
}

/// How one certificate's revocation came out.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome<'a> {
    Revoked(&'a SourceCheck),
    Good(&'a SourceCheck),
    Unknown(&'a SourceCheck),
    BadSignature(&'a SourceCheck),
    Expired(&'a SourceCheck),
    Offline,
    OnlyLdap,
    NoSources,
    NotChecked,
}

fn outcome(cert: &CertificateRevocation, at: OffsetDateTime) -> Outcome<'_> {
    use crate::engine::signature::SignatureCheck;
    let usable = |s: &&SourceCheck| match &s.result {
        SourceResult::Crl { crl } => crl.usable_at(at),
        SourceResult::Ocsp { ocsp } => ocsp.usable_at(at),
        _ => false,
    };
    let revoked = |s: &&SourceCheck| match &s.result {
        // A delta CRL's removeFromCRL entry takes a certificate off hold: not revoked.
        SourceResult::Crl { crl } => crl
            .revoked
            .as_ref()
            .is_some_and(|r| r.reason.as_deref() != Some("removeFromCRL")),
        SourceResult::Ocsp { ocsp } => matches!(ocsp.status, OcspStatus::Revoked { .. }),
        _ => false,
    };
    let good = |s: &&SourceCheck| match &s.result {
        SourceResult::Crl { crl } => crl.revoked.is_none() && !crl.delta,
        SourceResult::Ocsp { ocsp } => ocsp.status == OcspStatus::Good,
        _ => false,
    };
    if cert.sources.is_empty() {
        return Outcome::NoSources;
    }
    if let Some(s) = cert.sources.iter().filter(usable).find(revoked) {
        return Outcome::Revoked(s);
    }
    if let Some(s) = cert.sources.iter().filter(usable).find(good) {
        return Outcome::Good(s);
    }
    let unknown = |s: &&SourceCheck| matches!(&s.result, SourceResult::Ocsp { ocsp } if ocsp.status == OcspStatus::Unknown);
    if let Some(s) = cert.sources.iter().filter(usable).find(unknown) {
        return Outcome::Unknown(s);
    }
    // A signature certwiz cannot check is not a bad one; such an answer only goes unused.
    let bad_signature = |s: &&SourceCheck| match &s.result {
        SourceResult::Crl { crl } => {
            crl.signature == SignatureCheck::Invalid || !crl.issuer_matches
        }
        SourceResult::Ocsp { ocsp } => {
            ocsp.signature == SignatureCheck::Invalid || !ocsp.signer_authorized
        }
        _ => false,
    };
    if let Some(s) = cert.sources.iter().find(bad_signature) {
        return Outcome::BadSignature(s);
    }
    let expired = |s: &&SourceCheck| match &s.result {
        SourceResult::Crl { crl } => crl.expired_at(at) || crl.not_yet_valid_at(at),
        SourceResult::Ocsp { ocsp } => {
            ocsp.next_update.is_some_and(|n| n < at) || ocsp.this_update > crl::tolerant(at)
        }
        _ => false,
    };
    if let Some(s) = cert.sources.iter().find(expired) {
        return Outcome::Expired(s);
    }
    let contacted = cert.sources.iter().any(|s| s.fetch.is_some());
    if contacted {
        return Outcome::Offline;
    }
    let ldap = cert.sources.iter().any(|s| {
        let lower = s.url.trim().to_ascii_lowercase();
        lower.starts_with("ldap:") || lower.starts_with("ldaps:")
    });
    if ldap {
        Outcome::OnlyLdap
    } else {
        Outcome::NotChecked
    }
}

/// When `source`'s answer was published, if that is after `at` (beyond the clock tolerance).
fn published_after(source: &SourceCheck, at: OffsetDateTime) -> Option<OffsetDateTime> {
    let published = match &source.result {
        SourceResult::Crl { crl } => crl.this_update,
        SourceResult::Ocsp { ocsp } => ocsp.this_update,
        _ => return None,
    };
    (published > crl::tolerant(at)).then_some(published)
}

fn url_list(cert: &CertificateRevocation, at: OffsetDateTime) -> String {
    cert.sources
        .iter()
        .map(|s| format!("\n- {} {}: {}", kind_word(s.kind), s.url, s.summary(at)))
        .collect()
}

fn kind_word(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Crl => "CRL",
        SourceKind::Ocsp => "OCSP",
    }
}

fn whose(scope: Scope) -> &'static str {
    match scope {
        Scope::Local => "the local certificate's path",
        Scope::Remote => "the path the server presented",
    }
}

/// The findings for revocation facts judged at `at`: per certificate below the root one of
/// `revocation.ok` / `revoked` / `crl-bad-signature` / `crl-expired` / `offline` / `no-cdp` /
/// `ldap-not-checked`, and `chain.intermediate-fetched` for each downloaded issuer now in the path.
pub fn judge(facts: &RevocationFacts, at: OffsetDateTime) -> Vec<Finding> {
    let mut out = Vec::new();
    let scope = facts.scope;
    let mut reported: Vec<&str> = Vec::new();
    for fetch in facts.intermediates.iter().filter(|f| f.used) {
        // Two CA Issuers URLs serving the same certificate make one finding.
        let Some(first) = fetch.certificates.first() else {
            continue;
        };
        if reported.contains(&first.sha256.as_str()) {
            continue;
        }
        reported.push(&first.sha256);
        // A server is not expected to send its root, and a root found through AIA is judged by the
        // trust findings: only a downloaded intermediate is a warning.
        let names: Vec<&str> = fetch
            .certificates
            .iter()
            .filter(|c| !c.self_signed)
            .map(|c| c.display_name.as_str())
            .collect();
        if names.is_empty() {
            continue;
        }
        let (detail, fix) = match scope {
            Scope::Remote => (
                format!(
                    "The server did not send the issuing CA certificate of {}. certwiz downloaded {} from {} (the certificate's Authority Information Access) and the path now completes. Windows peers may do the same, but only when they can reach that URL: a front end that cannot reach it fails mutual TLS with this server.",
                    fetch.for_certificate,
                    names.join(", "),
                    fetch.url
                ),
                "Install the intermediate in the server's Intermediate Certification Authorities store so that it sends the whole chain (certutil -addstore CA issuing-ca.cer, then restart the service), or install it on every server that must trust this one.".to_owned(),
            ),
            Scope::Local => (
                format!(
                    "The issuer of {} was not among the certificates given (the local store). certwiz downloaded {} from {} (the certificate's Authority Information Access) and the path now completes. A server without Internet or PKI access cannot do this and will fail the chain.",
                    fetch.for_certificate,
                    names.join(", "),
                    fetch.url
                ),
                "Install the intermediate on this server: save it as issuing-ca.cer and run certutil -addstore CA issuing-ca.cer (Certificates (Local Computer) > Intermediate Certification Authorities > Import).".to_owned(),
            ),
        };
        let mut finding = Finding::new(
            ids::CHAIN_INTERMEDIATE_FETCHED,
            Severity::Warn,
            format!("The intermediate {} had to be downloaded", names.join(", ")),
            detail,
            fix,
        );
        if let Some(c) = fetch.certificates.iter().find(|c| !c.self_signed) {
            finding = finding.about(c.reference(), scope);
        }
        out.push(finding);
    }
    for cert in &facts.certificates {
        let reference = crate::engine::finding::CertificateRef {
            subject: cert.subject.clone(),
            sha256: cert.sha256.clone(),
        };
        let name = &cert.display_name;
        let list = url_list(cert, at);
        let ldap_note = cert
            .sources
            .iter()
            .any(|s| s.url.trim().to_ascii_lowercase().starts_with("ldap"));
        let finding = match outcome(cert, at) {
            Outcome::Revoked(source) => {
                let (date, reason) = match &source.result {
                    SourceResult::Crl { crl } => (
                        crl.revoked.as_ref().map(|r| r.date),
                        crl.revoked.as_ref().and_then(|r| r.reason.clone()),
                    ),
                    SourceResult::Ocsp { ocsp } => match &ocsp.status {
                        OcspStatus::Revoked { date, reason } => (Some(*date), reason.clone()),
                        _ => (None, None),
                    },
                    _ => (None, None),
                };
                Finding::new(
                    ids::REVOCATION_REVOKED,
                    Severity::Fail,
                    format!("{name} has been revoked"),
                    format!(
                        "The {} at {} says the CA revoked serial number {}{}{}. Windows refuses a revoked certificate (CRYPT_E_REVOKED, 0x80092010) in {}.{list}",
                        kind_word(source.kind),
                        source.url,
                        cert.serial,
                        date.map(|d| format!(" on {}", d.date()))
                            .unwrap_or_default(),
                        reason.map(|r| format!(", reason: {r}")).unwrap_or_default(),
                        whose(scope)
                    ),
                    "Request a new certificate (Lync / SfB: Request-CsCertificate ... -ClientEKU $true, then Set-CsCertificate; OCS 2007: the Certificate Wizard), assign it, and remove the revoked one from the Personal store. If the revocation was a mistake, only the CA can undo a certificateHold.",
                )
            }
            Outcome::Good(source) => Finding::new(
                ids::REVOCATION_OK,
                Severity::Pass,
                format!("{name} is not revoked"),
                format!(
                    "Checked through the {} at {}.{list}",
                    kind_word(source.kind),
                    source.url
                ),
                "Nothing to do.",
            ),
            Outcome::BadSignature(source) => Finding::new(
                ids::REVOCATION_CRL_BAD_SIGNATURE,
                Severity::Fail,
                format!("The revocation answer for {name} is not signed by its CA"),
                format!(
                    "The {} at {} is not signed by {} (the certificate's issuer): it is another CA's list, a damaged file, or the CA was renewed with a new key and the old list is still published. Windows cannot use it and reports the revocation check as failed (CRYPT_E_REVOCATION_OFFLINE).{list}",
                    kind_word(source.kind),
                    source.url,
                    cert.issuer.as_deref().unwrap_or("the issuer")
                ),
                "On the issuing CA, publish a new CRL (certutil -crl) and copy it to the distribution point the certificate names; check that the URL in the CA's CRL Distribution Point extension points at this CA's list.",
            ),
            Outcome::Expired(source) if published_after(source, at).is_some() => {
                let published = published_after(source, at).unwrap_or(at);
                Finding::new(
                    ids::REVOCATION_CRL_EXPIRED,
                    Severity::Fail,
                    format!("The CRL for {name} is not valid yet: this machine's clock is behind"),
                    format!(
                        "The {} at {} was published {} ({}), after the time certwiz judged at ({}). Either this machine's clock is behind or the CA's is ahead; Windows does not use a CRL before its publication time and fails the revocation check (CRYPT_E_REVOCATION_OFFLINE).{list}",
                        kind_word(source.kind),
                        source.url,
                        published.date(),
                        published.time(),
                        at.time()
                    ),
                    "Check the time on this machine and on the CA (w32tm /query /status; domain members follow the domain hierarchy), then run the check again.",
                )
            }
            Outcome::Expired(source) => {
                let next = match &source.result {
                    SourceResult::Crl { crl } => crl.next_update,
                    SourceResult::Ocsp { ocsp } => ocsp.next_update,
                    _ => None,
                };
                Finding::new(
                    ids::REVOCATION_CRL_EXPIRED,
                    Severity::Fail,
                    format!("The CRL for {name} has expired"),
                    format!(
                        "The {} at {} was due to be replaced {}; no newer one is published. Windows treats an expired CRL as no CRL: the revocation check fails (CRYPT_E_REVOCATION_OFFLINE, 0x80092013) and mutual TLS with {} fails.{list}",
                        kind_word(source.kind),
                        source.url,
                        next.map(|n| format!("on {}", n.date())).unwrap_or_default(),
                        whose(scope)
                    ),
                    "On the issuing CA run certutil -crl to publish a new CRL, copy it to every distribution point (the web folder behind the URL), and check the CA's CRL publication interval and whatever copies the file (a scheduled task that stopped is the usual cause).",
                )
            }
            Outcome::Unknown(source) => Finding::new(
                ids::REVOCATION_OFFLINE,
                Severity::Fail,
                format!(
                    "The revocation status of {name} is unknown: the OCSP responder does not know it"
                ),
                format!(
                    "The OCSP responder at {} answered \"unknown\": it has no record of serial number {} (a certificate from another CA, or a responder not configured for this CA's revocation data), and no CRL gave an answer. Windows cannot complete the revocation check (CRYPT_E_REVOCATION_OFFLINE, 0x80092013).{list}",
                    source.url, cert.serial
                ),
                "On the CA's Online Responder, check the revocation configuration for this CA (Online Responder Management > Revocation Configuration) and that it reads the CA's current CRL; or make a CRL distribution point reachable.",
            ),
            Outcome::Offline => Finding::new(
                ids::REVOCATION_OFFLINE,
                Severity::Fail,
                format!(
                    "The revocation of {name} cannot be checked: no distribution point answered"
                ),
                format!(
                    "Every CRL distribution point and OCSP responder named in the certificate was tried from this machine and none gave a usable answer. Schannel then fails the certificate with CRYPT_E_REVOCATION_OFFLINE (0x80092013) although it looks fine in MMC.{list}{}",
                    if ldap_note {
                        "\nLDAP distribution points were not checked (certwiz reads HTTP only); a domain member may reach them."
                    } else {
                        ""
                    }
                ),
                "Make a distribution point reachable from every server (the web server behind the URL, DNS, firewall and proxy), or publish the CA's CRL to a URL the servers can reach and reissue; test with certutil -url or certutil -verify -urlfetch on the server.",
            ),
            Outcome::OnlyLdap => {
                let mut note = Finding::new(
                    ids::REVOCATION_LDAP_NOT_CHECKED,
                    Severity::Info,
                    format!("The LDAP distribution points of {name} were not checked"),
                    format!(
                        "Active Directory CAs publish CRLs as ldap:///CN=... URLs, read from the directory by domain members. certwiz reads HTTP only, so their answer is unknown from here.{list}"
                    ),
                    "On a domain member, run certutil -url server.cer (Retrieve CRLs) or certutil -verify -urlfetch server.cer to see whether the LDAP CRL is reachable and current. Adding an HTTP distribution point on the CA helps servers outside the domain (edge, other forests).",
                );
                // A note, but one that only a command on a domain member can settle.
                note.commands = crate::engine::fixes::commands_for(
                    ids::REVOCATION_LDAP_NOT_CHECKED,
                    &crate::engine::fixes::FixContext::default(),
                );
                note
            }
            Outcome::NoSources => Finding::new(
                ids::REVOCATION_NO_CDP,
                Severity::Warn,
                format!("{name} names no CRL distribution point"),
                format!(
                    "The certificate has no CRL Distribution Points extension and no OCSP responder, so nobody can check whether it was revoked. OCS 2007 expects a CDP in server certificates; Windows may fail a revocation check it cannot make ({}).",
                    whose(scope)
                ),
                "Reissue the certificate from a CA that adds a CRL Distribution Point (CA properties > Extensions > CRL Distribution Point: add an HTTP URL the servers can reach, tick 'Include in the CDP extension of issued certificates').",
            ),
            Outcome::NotChecked => continue,
        };
        out.push(finding.about(reference, scope));
    }
    out
}
