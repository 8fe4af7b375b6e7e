//! Health of a Trusted Root store (an export of it: store, folder or bundle): what makes Schannel cut or
//! refuse the CA list a server sends in its CertificateRequest. More than about 100 roots, or subject
//! names over 16 KB together, truncate the list (Windows Server 2012, KB 2880390), so a calling server
//! finds no matching certificate and sends none (event 61030); a non-self-signed certificate in Root
//! stops a Lync 2013 front end (0x800B0109); duplicates are a smell. [`judge`] is pure.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use crate::engine::cert::{CertificateFacts, display_dn};
use crate::engine::finding::{Finding, Severity, ids, sort_findings};
use crate::engine::load::SourcedCertificate;

/// More roots than this truncate Schannel's CA list.
pub const MAX_ROOTS: usize = 100;
/// The CA list (each subject name's DER plus its 2-byte length) must stay under 16 KB.
pub const MAX_NAME_BYTES: usize = 16 * 1024;

/// One certificate of the store, as far as its health goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootEntry {
    /// Display name.
    pub display_name: String,
    /// Subject.
    pub subject: String,
    /// Issuer.
    pub issuer: String,
    /// SHA-1 thumbprint (what certutil and MMC show).
    pub thumbprint_sha1: String,
    /// Where it came from.
    pub source: String,
    /// Whether its issuer is its subject (a root).
    pub self_signed: bool,
    /// End of validity.
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    /// Bytes its subject name takes in the CA list (DER + 2).
    pub name_bytes: usize,
}

/// What the store holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootStoreFacts {
    /// Every certificate, in the order read.
    pub entries: Vec<RootEntry>,
    /// Distinct certificates (by thumbprint).
    pub distinct: usize,
    /// Bytes of the CA list a server would send with these roots.
    pub ca_list_bytes: usize,
}

impl RootStoreFacts {
    /// One line: how many certificates, how many distinct, and the CA list's size against the limits.
    pub fn summary(&self) -> String {
        format!(
            "{} certificate(s), {} distinct, {} bytes of names in the CA list (Schannel's limits: about {MAX_ROOTS} roots, {MAX_NAME_BYTES} bytes)",
            self.entries.len(),
            self.distinct,
            self.ca_list_bytes
        )
    }
}

/// Reads `certificates` (the store's content) into facts; unreadable certificates are skipped.
pub fn facts(certificates: &[SourcedCertificate]) -> RootStoreFacts {
    let mut entries = Vec::new();
    for cert in certificates {
        let Ok((_, parsed)) = X509Certificate::from_der(&cert.der) else {
            continue;
        };
        let Ok(facts) = CertificateFacts::from_der(&cert.der) else {
            continue;
        };
        entries.push(RootEntry {
            display_name: facts.display_name,
            subject: display_dn(parsed.subject()),
            issuer: display_dn(parsed.issuer()),
            thumbprint_sha1: facts.thumbprint_sha1,
            source: cert.origin.to_string(),
            self_signed: facts.self_signed,
            not_after: facts.not_after,
            name_bytes: parsed.subject().as_raw().len() + 2,
        });
    }
    let mut seen: HashSet<&str> = HashSet::new();
    let mut ca_list_bytes = 0;
    for e in &entries {
        if seen.insert(e.thumbprint_sha1.as_str()) {
            ca_list_bytes += e.name_bytes;
        }
    }
    let distinct = seen.len();
    RootStoreFacts {
        entries,
        distinct,
        ca_list_bytes,
    }
}

/// The findings: `store.root-list-too-long` (fail), `store.non-root-in-root` (fail),
/// `store.duplicate-roots` (warn), expired roots (info, `store.expired-roots`), and a pass when the
/// store is healthy.
pub fn judge(facts: &RootStoreFacts, at: OffsetDateTime) -> Vec<Finding> {
    let mut out = Vec::new();
    let (count, bytes) = (facts.distinct, facts.ca_list_bytes);
    if count > MAX_ROOTS || bytes > MAX_NAME_BYTES {
        // The 16 KB of names is the hard limit; the count is the usual sign of getting near it.
        let severity = if bytes > MAX_NAME_BYTES {
            Severity::Fail
        } else {
            Severity::Warn
        };
        out.push(Finding::new(
            ids::STORE_ROOT_LIST_TOO_LONG,
            severity,
            format!("The Trusted Root store is too big for Schannel's CA list: {count} roots, {bytes} bytes of names"),
            format!(
                "A server sends the names of its trusted roots in the TLS CertificateRequest; with more than about {MAX_ROOTS} roots or more than {MAX_NAME_BYTES} bytes of names (Windows Server 2012 and later, KB 2880390) the list is cut, so a calling server may find none of its certificate's issuers in it, send no certificate, and the call fails (event 61030: \"did not receive a certificate from the client\")."
            ),
            "Remove the roots this server does not need from Trusted Root Certification Authorities (Local Computer), and from the Group Policy that adds them if they come from there (KB 2880390).",
        ));
    }
    let non_roots: Vec<&RootEntry> = facts.entries.iter().filter(|e| !e.self_signed).collect();
    if !non_roots.is_empty() {
        let list: Vec<String> = non_roots
            .iter()
            .map(|e| {
                format!(
                    "{} (issued by {}; thumbprint {})",
                    e.display_name, e.issuer, e.thumbprint_sha1
                )
            })
            .collect();
        out.push(Finding::new(
            ids::STORE_NON_ROOT_IN_ROOT,
            Severity::Fail,
            format!("{} certificate(s) in the Trusted Root store are not roots", non_roots.len()),
            format!(
                "Their issuer is not their subject: {}. On Windows Server 2012 and later this stops a Lync 2013 front end and makes Schannel report untrusted roots (0x800B0109).",
                list.join("; ")
            ),
            "Move each one to Intermediate Certification Authorities (MMC: drag it, or certutil -delstore Root <thumbprint> then certutil -addstore CA <file>).",
        ));
    }
    // Copies per thumbprint, in the order first seen; and roots that share a subject with another.
    let mut copies: HashMap<&str, usize> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for e in &facts.entries {
        let n = copies.entry(e.thumbprint_sha1.as_str()).or_insert(0);
        if *n == 0 {
            order.push(&e.thumbprint_sha1);
        }
        *n += 1;
    }
    let duplicates: Vec<(&str, usize)> = order
        .iter()
        .filter_map(|t| copies.get(t).filter(|n| **n > 1).map(|n| (*t, *n)))
        .collect();
    let same_name: usize = {
        let mut subjects: HashSet<&str> = HashSet::new();
        let mut thumbs: HashSet<&str> = HashSet::new();
        facts
            .entries
            .iter()
            .filter(|e| thumbs.insert(e.thumbprint_sha1.as_str()))
            .filter(|e| !subjects.insert(e.subject.as_str()))
            .count()
    };
    if !duplicates.is_empty() {
        let list: Vec<String> = duplicates
            .iter()
            .map(|(thumb, n)| {
                let name = facts
                    .entries
                    .iter()
                    .find(|e| e.thumbprint_sha1 == *thumb)
                    .map(|e| e.display_name.as_str())
                    .unwrap_or_default();
                format!("{name} ×{n} (thumbprint {thumb})")
            })
            .collect();
        out.push(Finding::new(
            ids::STORE_DUPLICATE_ROOTS,
            Severity::Warn,
            format!("{} root(s) are in the store more than once", duplicates.len()),
            format!(
                "{}. Harmless to Schannel, but a sign of imports by hand or by overlapping Group Policies, and every copy is one more to keep in step.{}",
                list.join("; "),
                if same_name > 0 {
                    format!(" Also {same_name} root(s) share a subject name with another root (renewed CAs): expected during a CA renewal, a smell otherwise.")
                } else {
                    String::new()
                }
            ),
            "Delete the extra copies (MMC: Trusted Root Certification Authorities, sort by Issued To), and find which import or Group Policy adds them.",
        ));
    }
    let expired: Vec<&RootEntry> = facts.entries.iter().filter(|e| e.not_after < at).collect();
    if !expired.is_empty() {
        let list: Vec<String> = expired
            .iter()
            .map(|e| format!("{} (expired {})", e.display_name, e.not_after.date()))
            .collect();
        out.push(Finding::new(
            ids::STORE_EXPIRED_ROOTS,
            Severity::Info,
            format!("{} root(s) in the store have expired", expired.len()),
            format!(
                "{}. They validate nothing any more but still take room in the CA list.",
                list.join("; ")
            ),
            "Remove the expired roots that no current certificate chains to.",
        ));
    }
    if out.is_empty() {
        out.push(Finding::new(
            ids::STORE_OK,
            Severity::Pass,
            format!("The Trusted Root store looks healthy: {count} roots, {bytes} bytes of names"),
            format!(
                "Within Schannel's limits (about {MAX_ROOTS} roots, {MAX_NAME_BYTES} bytes), every certificate is a root, no duplicates."
            ),
            "Nothing to do.",
        ));
    }
    sort_findings(&mut out);
    crate::engine::fixes::attach(&mut out, &crate::engine::fixes::FixContext::default());
    out
}
