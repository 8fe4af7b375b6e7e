//! Health of a Trusted Root store (an export of it: store, folder or bundle): what makes Schannel cut or
//! refuse the CA list a server sends in its CertificateRequest. More than about 100 roots, or subject
//! names over 16 KB together, truncate the list (Windows Server 2012, KB 2880390), so a calling server
//! finds no matching certificate and sends none (event 61030); a non-self-signed certificate in Root
//! stops a Lync 2013 front end (0x800B0109); duplicates are a smell. [`facts`] reads the store,
//! [`judge`] is pure, [`report`] puts both in a report.

pub use crate::engine::facts::root_store::{
    MAX_NAME_BYTES, MAX_ROOTS, RootEntry, RootStoreFacts, facts,
};

use std::collections::{HashMap, HashSet};

use time::OffsetDateTime;

use crate::engine::finding::{Finding, Severity, ids, sort_findings};
use crate::engine::report::{InputSummary, Report};

/// The report of `root-store`: the health of a Trusted Root store (export) judged at `at`.
pub fn report(facts: RootStoreFacts, inputs: Vec<InputSummary>, at: OffsetDateTime) -> Report {
    let findings = judge(&facts, at);
    let mut report = Report::new("root-store", findings, inputs, at);
    report.root_store = Some(facts);
    report
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
