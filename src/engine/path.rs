//! Building the certification path the way MMC's "Certification Path" tab shows it.
//!
//! A [`CandidatePool`] holds every certificate that may be an issuer (files given, `--ca` anchors,
//! system roots), indexed by subject name and Subject Key Identifier so that building never scans the
//! pool. [`CandidatePool::build_path`] walks from a certificate up to a trust anchor, trying every
//! candidate issuer (cross-signed CAs give several paths), verifying each signature once, and keeps the
//! best path: trusted over untrusted, complete over incomplete, good signatures and dates over bad.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;

use crate::engine::cert::{CertError, CertificateFacts, hex_upper, name_key, sha256};
use crate::engine::load::{Origin, SourcedCertificate};
pub use crate::engine::path_rules::{PathRule, PathViolation};
use crate::engine::role::{RequestedPurpose, Role};
use crate::engine::signature::{self, SignatureCheck};

/// Longest path certwiz builds (real PKIs have 2 to 4 levels).
pub const MAX_PATH_LENGTH: usize = 10;

/// Most partial paths explored for one build; bounds the work on a pool full of cross-certificates.
const MAX_EXPLORED: usize = 256;

/// One certificate in the pool with the keys it is indexed by.
#[derive(Debug, Clone)]
pub struct PoolEntry {
    /// The DER encoding.
    pub der: Arc<[u8]>,
    /// Where it came from.
    pub origin: Origin,
    /// Whether it is a trust anchor (`--ca`, system roots).
    pub trust_anchor: bool,
    sha256: [u8; 32],
    subject_key: Box<str>,
    issuer_key: Box<str>,
    ski: Option<Box<[u8]>>,
    aki: Option<Box<[u8]>>,
    is_ca: bool,
    may_sign_certificates: bool,
    eku_server: bool,
    eku_client: bool,
    /// It carries name constraints or a path length constraint: paths through it are checked
    /// against them while building.
    constrains: bool,
}

impl PoolEntry {
    /// SHA-256 of the DER.
    pub fn sha256(&self) -> &[u8; 32] {
        &self.sha256
    }

    /// Whether Basic Constraints marks it as a CA.
    pub fn is_ca(&self) -> bool {
        self.is_ca
    }

    /// Whether it may issue certificates: a CA whose Key Usage (if present) includes Certificate Signing.
    pub fn may_issue(&self) -> bool {
        self.is_ca && self.may_sign_certificates
    }

    /// Whether subject and issuer names are the same.
    pub fn is_self_issued(&self) -> bool {
        self.subject_key == self.issuer_key
    }

    /// Whether its EKU extension (if any) allows every role of `purpose`.
    pub fn allows(&self, purpose: RequestedPurpose) -> bool {
        purpose.roles().iter().all(|role| match role {
            Role::ServerAuth => self.eku_server,
            Role::ClientAuth => self.eku_client,
        })
    }
}

/// Every certificate that may appear in a path, indexed for building.
#[derive(Debug, Default, Clone)]
pub struct CandidatePool {
    entries: Vec<PoolEntry>,
    by_subject: HashMap<Box<str>, Vec<usize>>,
    by_ski: HashMap<Box<[u8]>, Vec<usize>>,
    by_sha256: HashMap<[u8; 32], usize>,
    anchors: usize,
    purpose: RequestedPurpose,
}

impl CandidatePool {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a certificate; returns its index. The same certificate added twice is kept once (and
    /// becomes a trust anchor if either addition says so).
    pub fn add(
        &mut self,
        cert: &SourcedCertificate,
        trust_anchor: bool,
    ) -> Result<usize, CertError> {
        let hash = sha256(&cert.der);
        if let Some(&index) = self.by_sha256.get(&hash) {
            if trust_anchor && !self.entries[index].trust_anchor {
                self.entries[index].trust_anchor = true;
                self.anchors += 1;
            }
            return Ok(index);
        }
        let (_, parsed) = X509Certificate::from_der(&cert.der)
            .map_err(|e| CertError::Malformed(e.to_string()))?;
        let mut ski = None;
        let mut aki = None;
        let mut is_ca = false;
        let mut may_sign_certificates = true;
        let (mut eku_server, mut eku_client) = (true, true);
        let mut constrains = false;
        for ext in parsed.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::ExtendedKeyUsage(eku) => {
                    eku_server = eku.any || eku.server_auth;
                    eku_client = eku.any || eku.client_auth;
                }
                ParsedExtension::SubjectKeyIdentifier(kid) => ski = Some(Box::from(kid.0)),
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    aki = a.key_identifier.as_ref().map(|k| Box::from(k.0))
                }
                ParsedExtension::BasicConstraints(bc) => {
                    is_ca = bc.ca;
                    constrains |= bc.path_len_constraint.is_some();
                }
                ParsedExtension::NameConstraints(_) => constrains = true,
                ParsedExtension::KeyUsage(ku) => may_sign_certificates = ku.key_cert_sign(),
                _ => {}
            }
        }
        let entry = PoolEntry {
            der: Arc::clone(&cert.der),
            origin: cert.origin.clone(),
            trust_anchor,
            sha256: hash,
            subject_key: name_key(parsed.subject()).into_boxed_str(),
            issuer_key: name_key(parsed.issuer()).into_boxed_str(),
            ski,
            aki,
            is_ca,
            may_sign_certificates,
            eku_server,
            eku_client,
            constrains,
        };
        let index = self.entries.len();
        self.by_subject
            .entry(entry.subject_key.clone())
            .or_default()
            .push(index);
        if let Some(ski) = &entry.ski {
            self.by_ski.entry(ski.clone()).or_default().push(index);
        }
        self.by_sha256.insert(hash, index);
        if trust_anchor {
            self.anchors += 1;
        }
        self.entries.push(entry);
        Ok(index)
    }

    /// Number of distinct certificates.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether any trust anchor was given; without one, no root can be called trusted.
    pub fn has_trust_anchors(&self) -> bool {
        self.anchors > 0
    }

    /// The entry at `index`.
    pub fn entry(&self, index: usize) -> Option<&PoolEntry> {
        self.entries.get(index)
    }

    /// All entries in the order they were added.
    pub fn entries(&self) -> &[PoolEntry] {
        &self.entries
    }

    /// Index of the certificate with this SHA-256, if present.
    pub fn find(&self, sha256: &[u8; 32]) -> Option<usize> {
        self.by_sha256.get(sha256).copied()
    }

    /// Certificates whose subject is `child`'s issuer and, when `child` names its issuer's key (AKI),
    /// whose key is that key. A renewed CA with a new key therefore does not stand in for the old one.
    pub fn issuers_of(&self, child: usize) -> Vec<usize> {
        let entry = &self.entries[child];
        let by_name = self
            .by_subject
            .get(&entry.issuer_key)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut found: Vec<usize> = match &entry.aki {
            Some(aki) => {
                let by_key = self.by_ski.get(aki).map(Vec::as_slice).unwrap_or(&[]);
                by_key
                    .iter()
                    .copied()
                    .filter(|&c| self.entries[c].subject_key == entry.issuer_key)
                    .chain(
                        by_name
                            .iter()
                            .copied()
                            .filter(|&c| self.entries[c].ski.is_none()),
                    )
                    .collect()
            }
            None => by_name.to_vec(),
        };
        found.retain(|&c| c != child);
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Sets the roles paths are built for: where several complete paths exist, one valid for them is
    /// preferred, as Windows' chain engine prefers a path valid for the requested usage.
    pub fn set_purpose(&mut self, purpose: RequestedPurpose) {
        self.purpose = purpose;
    }

    /// Subject Key Identifiers of the certificates named like `child`'s issuer whose key is not the one
    /// `child`'s Authority Key Identifier names (sorted). Empty when `child` names no key.
    pub fn same_name_other_keys(&self, child: usize) -> Vec<String> {
        let Some(entry) = self.entries.get(child) else {
            return Vec::new();
        };
        let Some(aki) = &entry.aki else {
            return Vec::new();
        };
        let mut keys: Vec<String> = self
            .by_subject
            .get(&entry.issuer_key)
            .into_iter()
            .flatten()
            .filter(|&&c| c != child)
            .filter_map(|&c| self.entries[c].ski.as_ref())
            .filter(|ski| *ski != aki)
            .map(|ski| hex_upper(ski))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// Builds the best certification path for the certificate at `subject`, judging dates at `at`.
    pub fn build_path(
        &self,
        subject: usize,
        at: OffsetDateTime,
    ) -> Result<CertificationPath, CertError> {
        let mut search = Search {
            pool: self,
            at,
            signatures: RefCell::new(HashMap::new()),
            parsed_validity: RefCell::new(HashMap::new()),
            best: None,
            explored: 0,
            complete_paths: 0,
            considered: Vec::new(),
        };
        let mut chain = vec![subject];
        search.walk(&mut chain);
        let (best_score, chain, end) = search.best.take().unwrap_or((
            Score::default(),
            vec![subject],
            PathEnd::IssuerNotFound,
        ));
        let complete_paths = search.complete_paths;
        let alternatives = search.alternatives(&chain, best_score);
        let mut path = search.into_path(&chain, end, complete_paths)?;
        path.alternatives = alternatives;
        Ok(path)
    }
}

/// How the walk up the path ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathEnd {
    /// At a trust anchor.
    TrustAnchor,
    /// At a self-signed root that is not a trust anchor.
    UntrustedRoot,
    /// At a certificate whose issuer is not in the pool.
    IssuerNotFound,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    trusted: bool,
    complete: bool,
    signatures_ok: bool,
    issuers_are_cas: bool,
    constraints_ok: bool,
    purposes_ok: bool,
    dates_ok: bool,
    shorter: std::cmp::Reverse<usize>,
}

struct Search<'p> {
    pool: &'p CandidatePool,
    at: OffsetDateTime,
    signatures: RefCell<HashMap<(usize, usize), SignatureCheck>>,
    parsed_validity: RefCell<HashMap<usize, bool>>,
    best: Option<(Score, Vec<usize>, PathEnd)>,
    explored: usize,
    complete_paths: usize,
    /// The complete paths seen (bounded), for the alternatives the report lists.
    considered: Vec<(Score, Vec<usize>)>,
}

/// Most alternative paths kept for the report.
const MAX_ALTERNATIVES: usize = 8;

impl Search<'_> {
    fn walk(&mut self, chain: &mut Vec<usize>) {
        self.explored += 1;
        let Some(&last) = chain.last() else { return };
        let entry = &self.pool.entries[last];
        if entry.trust_anchor {
            self.record(chain, PathEnd::TrustAnchor);
            return;
        }
        // A root's own signature proves nothing (CryptoAPI does not check it); one certwiz cannot
        // check still ends the path at that root rather than sending it looking for an issuer.
        if entry.is_self_issued() && self.signature(last, last) != SignatureCheck::Invalid {
            self.record(chain, PathEnd::UntrustedRoot);
            return;
        }
        let candidates: Vec<usize> = self
            .pool
            .issuers_of(last)
            .into_iter()
            .filter(|c| !chain.contains(c))
            .collect();
        if candidates.is_empty() || chain.len() >= MAX_PATH_LENGTH || self.explored > MAX_EXPLORED {
            self.record(chain, PathEnd::IssuerNotFound);
            return;
        }
        for candidate in candidates {
            chain.push(candidate);
            self.walk(chain);
            chain.pop();
        }
    }

    fn record(&mut self, chain: &[usize], end: PathEnd) {
        if end != PathEnd::IssuerNotFound {
            self.complete_paths += 1;
        }
        let signatures_ok = chain
            .windows(2)
            .all(|pair| self.signature(pair[0], pair[1]) == SignatureCheck::Valid);
        let issuers_are_cas = chain
            .iter()
            .skip(1)
            .all(|&i| self.pool.entries[i].may_issue());
        let dates_ok = chain.iter().all(|&i| self.valid_at(i));
        let purpose = self.pool.purpose;
        let purposes_ok = chain.iter().all(|&i| self.pool.entries[i].allows(purpose));
        let constraints_ok = self.constraints_ok(chain);
        let score = Score {
            trusted: end == PathEnd::TrustAnchor,
            complete: end != PathEnd::IssuerNotFound,
            signatures_ok,
            issuers_are_cas,
            constraints_ok,
            purposes_ok,
            dates_ok,
            shorter: std::cmp::Reverse(chain.len()),
        };
        if score.complete && self.considered.len() < MAX_ALTERNATIVES {
            self.considered.push((score, chain.to_vec()));
        }
        let better = match &self.best {
            Some((best, _, _)) => score > *best,
            None => true,
        };
        if better {
            self.best = Some((score, chain.to_vec(), end));
        }
    }

    /// The other complete paths, listed only when the requested purposes told them apart (some valid
    /// for the purposes, some not): then the choice of path depended on the purpose, and the report
    /// says what was passed over and why. Otherwise nothing, so existing reports stay unchanged.
    fn alternatives(&self, best: &[usize], best_score: Score) -> Vec<AlternativePath> {
        let differ = |pick: fn(&Score) -> bool| {
            self.considered.iter().any(|(s, _)| pick(s))
                && self.considered.iter().any(|(s, _)| !pick(s))
        };
        let split = differ(|s| s.purposes_ok) || differ(|s| s.constraints_ok);
        if !split {
            return Vec::new();
        }
        let name = |i: usize| {
            CertificateFacts::from_der(&self.pool.entries[i].der)
                .map(|f| f.display_name)
                .unwrap_or_default()
        };
        let mut out: Vec<AlternativePath> = self
            .considered
            .iter()
            .filter(|(_, chain)| chain.as_slice() != best)
            .map(|(score, chain)| {
                let mut passed_over_because = Vec::new();
                if !score.trusted && best_score.trusted {
                    passed_over_because.push("not trusted".to_owned());
                }
                if !score.signatures_ok {
                    passed_over_because.push("a signature does not verify".to_owned());
                }
                if !score.issuers_are_cas {
                    passed_over_because.push("an issuer is not a CA".to_owned());
                }
                if !score.constraints_ok {
                    passed_over_because
                        .push("a CA's name or path length constraint is broken".to_owned());
                }
                if !score.purposes_ok {
                    passed_over_because.push(format!(
                        "a certificate's Enhanced Key Usage does not allow {}",
                        self.pool
                            .purpose
                            .roles()
                            .iter()
                            .map(|r| r.name())
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ));
                }
                if !score.dates_ok {
                    passed_over_because.push("a certificate is out of date".to_owned());
                }
                if passed_over_because.is_empty() {
                    passed_over_because.push("longer or equal, and found later".to_owned());
                }
                AlternativePath {
                    certificates: chain.iter().rev().map(|&i| name(i)).collect(),
                    trusted: score.trusted,
                    valid_for_purpose: score.purposes_ok,
                    passed_over_because,
                }
            })
            .collect();
        out.sort_by(|a, b| a.certificates.cmp(&b.certificates));
        out
    }

    /// Whether the path breaks no name or path length constraint. Only paths through a CA that has
    /// such constraints are parsed and checked, so building stays cheap for the usual PKI.
    fn constraints_ok(&self, chain: &[usize]) -> bool {
        if !chain
            .iter()
            .skip(1)
            .any(|&i| self.pool.entries[i].constrains)
        {
            return true;
        }
        let parsed: Vec<X509Certificate<'_>> = chain
            .iter()
            .filter_map(|&i| X509Certificate::from_der(&self.pool.entries[i].der).ok())
            .map(|(_, c)| c)
            .collect();
        if parsed.len() != chain.len() {
            return false;
        }
        let names = vec![String::new(); chain.len()];
        crate::engine::path_rules::check(&parsed, &names)
            .iter()
            .flatten()
            .all(|v| !matches!(v.rule, PathRule::NameConstraints | PathRule::PathLength))
    }

    /// Whether `issuer` signed `child` (cached: every pair is verified at most once per build).
    fn signature(&self, child: usize, issuer: usize) -> SignatureCheck {
        if let Some(check) = self.signatures.borrow().get(&(child, issuer)) {
            return *check;
        }
        let child_der = &self.pool.entries[child].der;
        let issuer_der = &self.pool.entries[issuer].der;
        let check = match (
            X509Certificate::from_der(child_der),
            X509Certificate::from_der(issuer_der),
        ) {
            (Ok((_, c)), Ok((_, i))) => signature::verify(&c, i.public_key()),
            _ => SignatureCheck::Invalid,
        };
        self.signatures.borrow_mut().insert((child, issuer), check);
        check
    }

    fn valid_at(&self, index: usize) -> bool {
        if let Some(valid) = self.parsed_validity.borrow().get(&index) {
            return *valid;
        }
        let valid = X509Certificate::from_der(&self.pool.entries[index].der).is_ok_and(|(_, c)| {
            let v = c.validity();
            v.not_before.to_datetime() <= self.at && self.at <= v.not_after.to_datetime()
        });
        self.parsed_validity.borrow_mut().insert(index, valid);
        valid
    }

    fn into_path(
        self,
        chain: &[usize],
        end: PathEnd,
        complete_paths: usize,
    ) -> Result<CertificationPath, CertError> {
        let mut facts = Vec::with_capacity(chain.len());
        let mut parsed = Vec::with_capacity(chain.len());
        for &index in chain {
            let der = &self.pool.entries[index].der;
            facts.push(CertificateFacts::from_der(der)?);
            let (_, cert) =
                X509Certificate::from_der(der).map_err(|e| CertError::Malformed(e.to_string()))?;
            parsed.push(cert);
        }
        let display: Vec<String> = facts.iter().map(|f| f.display_name.clone()).collect();
        let mut violations = crate::engine::path_rules::check(&parsed, &display);
        let mut nodes: Vec<PathNode> = Vec::with_capacity(chain.len());
        for (pos, (&index, certificate)) in chain.iter().zip(facts).enumerate() {
            let entry = &self.pool.entries[index];
            let mut node_violations = std::mem::take(&mut violations[pos]);
            let issuer = chain.get(pos + 1).copied();
            let is_top = pos + 1 == chain.len();
            let mut problems = Vec::new();
            let signature = match issuer {
                Some(issuer) => Some(self.signature(index, issuer)),
                None if entry.is_self_issued() => Some(self.signature(index, index)),
                None => None,
            };
            if signature == Some(SignatureCheck::Invalid)
                && !(is_top && end == PathEnd::TrustAnchor)
            {
                problems.push(NodeStatus::BadSignature);
            }
            // Only the signatures CAs make count (a root's own is not checked by Windows either).
            if let (Some(SignatureCheck::Unsupported), Some(issuer)) = (signature, issuer) {
                problems.push(NodeStatus::SignatureNotChecked);
                let algorithm = parsed
                    .get(pos)
                    .map(|c| signature::algorithm_name(&c.signature_algorithm))
                    .unwrap_or_default();
                let key = CertificateFacts::from_der(&self.pool.entries[issuer].der)
                    .map(|f| f.key_text())
                    .unwrap_or_default();
                node_violations.push(PathViolation {
                    rule: PathRule::SignatureUnsupported,
                    by: display.get(pos + 1).cloned(),
                    what: format!("{algorithm} with the issuer's {key} key"),
                });
            }
            for v in &node_violations {
                if let Some(status) = v.rule.node_status() {
                    problems.push(status);
                }
            }
            node_violations.sort();
            if is_top {
                match end {
                    PathEnd::IssuerNotFound => problems.push(NodeStatus::IssuerNotFound),
                    PathEnd::UntrustedRoot => problems.push(NodeStatus::RootNotTrusted),
                    PathEnd::TrustAnchor => {}
                }
            }
            if let Some(issuer) = issuer {
                let issuer_entry = &self.pool.entries[issuer];
                // Version 1 roots predate Basic Constraints; CryptoAPI accepts them as CAs.
                let v1_root = issuer_entry.is_self_issued()
                    && X509Certificate::from_der(&issuer_entry.der)
                        .is_ok_and(|(_, c)| c.version().0 == 0);
                if !issuer_entry.may_issue() && !v1_root {
                    problems.push(NodeStatus::IssuerNotCa);
                }
            }
            if certificate.not_after < self.at {
                problems.push(NodeStatus::Expired);
            } else if certificate.not_before > self.at {
                problems.push(NodeStatus::NotYetValid);
            }
            problems.sort();
            problems.dedup();
            let status = problems.first().copied().unwrap_or(NodeStatus::Ok);
            nodes.push(PathNode {
                status_text: status.sentence().to_owned(),
                status,
                problems,
                signature,
                trust_anchor: entry.trust_anchor,
                source: entry.origin.to_string(),
                certificate,
                violations: node_violations,
            });
        }
        let missing_issuer = if end == PathEnd::IssuerNotFound {
            let top_index = chain.last().copied();
            nodes.last().map(|top| MissingIssuer {
                issuer: top.certificate.issuer.clone(),
                authority_key_id: top.certificate.authority_key_id.clone(),
                aia_ca_issuers: top.certificate.aia_ca_issuers.clone(),
                same_name_other_keys: top_index
                    .map(|i| self.pool.same_name_other_keys(i))
                    .unwrap_or_default(),
            })
        } else {
            None
        };
        nodes.reverse();
        Ok(CertificationPath {
            end,
            trusted: end == PathEnd::TrustAnchor,
            complete: end != PathEnd::IssuerNotFound,
            complete_paths_found: complete_paths,
            missing_issuer,
            alternatives: Vec::new(),
            nodes,
        })
    }
}

/// The state of one certificate in the path, as MMC's status line reports it. Ordered from worst to
/// best: a node's `status` is the first of its problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeStatus {
    /// The issuer's signature does not verify.
    BadSignature,
    /// The issuer's signature uses an algorithm certwiz cannot verify: not known to be good.
    SignatureNotChecked,
    /// The issuer is not in the pool.
    IssuerNotFound,
    /// The issuer is not a certification authority.
    IssuerNotCa,
    /// A name of the certificate is outside a CA's name constraints.
    NameConstraintsViolated,
    /// More CAs under a CA than its pathLenConstraint allows.
    PathLengthExceeded,
    /// A critical extension certwiz (and Windows) does not know, or an extension that is duplicated or
    /// cannot be decoded.
    InvalidExtension,
    /// A self-signed root that is not a trust anchor.
    RootNotTrusted,
    /// Past its validity.
    Expired,
    /// Before its validity.
    NotYetValid,
    /// Nothing wrong.
    Ok,
}

impl NodeStatus {
    /// The status sentence shown under the path, in MMC's words where MMC has some.
    pub fn sentence(self) -> &'static str {
        match self {
            NodeStatus::Ok => "This certificate is OK.",
            NodeStatus::Expired => "This certificate has expired.",
            NodeStatus::NotYetValid => "This certificate is not yet valid.",
            NodeStatus::BadSignature => {
                "The digital signature of this certificate does not verify with its issuer's key: it was altered, or a different CA with the same name signed it."
            }
            NodeStatus::IssuerNotFound => "The issuer of this certificate could not be found.",
            NodeStatus::RootNotTrusted => {
                "This CA root certificate is not trusted: it is not in the Trusted Root Certification Authorities given to certwiz."
            }
            NodeStatus::IssuerNotCa => {
                "The issuer of this certificate is not a certification authority."
            }
            NodeStatus::SignatureNotChecked => {
                "The signature of this certificate was not checked: certwiz cannot verify its algorithm, so it is not known to be valid."
            }
            NodeStatus::NameConstraintsViolated => {
                "A name in this certificate is outside the names a CA above it may certify (name constraints)."
            }
            NodeStatus::PathLengthExceeded => {
                "This certificate is deeper under a CA than that CA's path length constraint allows."
            }
            NodeStatus::InvalidExtension => {
                "This certificate has an invalid extension, or an unknown extension marked critical."
            }
        }
    }

    /// A short mark for text output: symbol plus word, never colour alone.
    pub fn mark(self) -> &'static str {
        match self {
            NodeStatus::Ok => "✓ ok",
            NodeStatus::Expired => "✗ expired",
            NodeStatus::NotYetValid => "✗ not yet valid",
            NodeStatus::BadSignature => "✗ bad signature",
            NodeStatus::IssuerNotFound => "✗ issuer not found",
            NodeStatus::RootNotTrusted => "✗ root not trusted",
            NodeStatus::IssuerNotCa => "✗ issuer not a CA",
            NodeStatus::SignatureNotChecked => "? signature not checked",
            NodeStatus::NameConstraintsViolated => "✗ name constraints violated",
            NodeStatus::PathLengthExceeded => "✗ path length exceeded",
            NodeStatus::InvalidExtension => "✗ invalid extension",
        }
    }
}

/// One certificate in the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathNode {
    /// What the certificate says.
    pub certificate: CertificateFacts,
    /// The worst of `problems`, or `ok`.
    pub status: NodeStatus,
    /// MMC-style sentence for `status`.
    pub status_text: String,
    /// Everything wrong with this node, worst first.
    pub problems: Vec<NodeStatus>,
    /// Whether the issuer's signature on this certificate verifies (`null` when the issuer is missing).
    pub signature: Option<SignatureCheck>,
    /// Whether this certificate is a trust anchor.
    pub trust_anchor: bool,
    /// File (and position) it came from.
    pub source: String,
    /// Rules of path validation this certificate breaks, with the CA and the name concerned.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<PathViolation>,
}

impl PathRule {
    /// The node status this rule sets, when breaking it makes Windows reject the path.
    pub fn node_status(self) -> Option<NodeStatus> {
        match self {
            PathRule::SignatureUnsupported => Some(NodeStatus::SignatureNotChecked),
            PathRule::NameConstraints => Some(NodeStatus::NameConstraintsViolated),
            PathRule::PathLength => Some(NodeStatus::PathLengthExceeded),
            PathRule::UnknownCriticalExtension | PathRule::MalformedExtension => {
                Some(NodeStatus::InvalidExtension)
            }
            PathRule::DuplicateExtension
            | PathRule::InvalidName
            | PathRule::NameConstraintsNotChecked
            | PathRule::UnreadExtension
            | PathRule::InvalidSerial
            | PathRule::AuthorityKeyIdCritical => None,
        }
    }
}

/// What is known about an issuer that could not be found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingIssuer {
    /// The issuer name the top certificate asks for.
    pub issuer: String,
    /// The issuer key id it asks for.
    pub authority_key_id: Option<String>,
    /// Where the certificate says its issuer can be downloaded.
    pub aia_ca_issuers: Vec<String>,
    /// Key identifiers (SKI, upper-case hex) of certificates that have the issuer's name but another
    /// key than the Authority Key Identifier names: a renewed or rebuilt CA (AKI/SKI mismatch).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub same_name_other_keys: Vec<String>,
}

/// A built path, root first (as MMC shows it) and the examined certificate last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificationPath {
    /// Root first, the certificate itself last.
    pub nodes: Vec<PathNode>,
    /// How the walk ended.
    pub end: PathEnd,
    /// Whether it ends at a trust anchor.
    pub trusted: bool,
    /// Whether it reaches a root or anchor.
    pub complete: bool,
    /// How many complete paths the pool allowed (more than one means cross-signed CAs).
    pub complete_paths_found: usize,
    /// Set when the path stops at a certificate whose issuer is missing.
    pub missing_issuer: Option<MissingIssuer>,
    /// Other complete paths that were considered, when the requested purposes told them apart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<AlternativePath>,
}

/// A complete path that was considered and not chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlternativePath {
    /// Display names, root first.
    pub certificates: Vec<String>,
    /// Whether it ends at a trust anchor.
    pub trusted: bool,
    /// Whether every certificate's EKU allows the requested purposes.
    pub valid_for_purpose: bool,
    /// Why the chosen path was preferred.
    pub passed_over_because: Vec<String>,
}

impl CertificationPath {
    /// The certificate the path was built for.
    pub fn leaf(&self) -> Option<&PathNode> {
        self.nodes.last()
    }

    /// True when every node is `ok`.
    pub fn all_ok(&self) -> bool {
        self.nodes.iter().all(|n| n.status == NodeStatus::Ok)
    }
}

/// Hex of a SHA-256 for display.
pub fn sha256_hex(hash: &[u8; 32]) -> String {
    hex_upper(hash)
}
