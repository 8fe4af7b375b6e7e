//! What a Trusted Root store holds, as far as Schannel's CA list goes: each root's name, size and
//! whether it is self-signed, the distinct count and the bytes of the list. Plain data; read by
//! [`facts`], judged by [`crate::engine::root_store::judge`].

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use crate::engine::cert::{CertificateFacts, display_dn};
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
