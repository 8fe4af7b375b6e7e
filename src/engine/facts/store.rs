//! A store backend read once ([`StoreListing`]): the certificates of the Personal, Trusted Root and
//! Intermediate stores as MMC shows them, with friendly name, private key and the store's purpose
//! setting. Plain data and what it answers by itself; read by [`crate::engine::store::snapshot`], judged by
//! [`crate::engine::store::judge`].

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::engine::load::{Origin, SourcedCertificate};
use crate::engine::purpose::{PurposeFlags, Role, StorePurposes};

/// One of the computer's certificate stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StoreName {
    /// "My": the computer's own certificates (with their private keys).
    Personal,
    /// "Root": Trusted Root Certification Authorities.
    Root,
    /// "CA": Intermediate Certification Authorities.
    Intermediate,
}

impl StoreName {
    /// The three stores, in MMC's order.
    pub const ALL: [StoreName; 3] = [
        StoreName::Personal,
        StoreName::Root,
        StoreName::Intermediate,
    ];

    /// The system store name CryptoAPI and `certutil -store` use.
    pub fn system_name(self) -> &'static str {
        match self {
            StoreName::Personal => "My",
            StoreName::Root => "Root",
            StoreName::Intermediate => "CA",
        }
    }

    /// The name MMC shows.
    pub fn title(self) -> &'static str {
        match self {
            StoreName::Personal => "Personal",
            StoreName::Root => "Trusted Root Certification Authorities",
            StoreName::Intermediate => "Intermediate Certification Authorities",
        }
    }
}

/// Which backend a listing came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StoreKind {
    /// The Local Machine stores of a Windows computer.
    WindowsMachine,
    /// Files and folders the user gave.
    Files,
    /// The operating system's trust store (not Windows): a Root store only.
    System,
}

/// One certificate of a listing, with what certwiz read from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreCertificate {
    /// The store it is in.
    pub store: StoreName,
    /// Short name (common name, or the subject).
    pub display_name: String,
    /// MMC's "Friendly Name", when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,
    /// Subject.
    pub subject: String,
    /// Issuer.
    pub issuer: String,
    /// SHA-1 thumbprint (what MMC, certutil and `Set-CsCertificate -Thumbprint` use).
    pub thumbprint_sha1: String,
    /// SHA-256 thumbprint.
    pub sha256: String,
    /// Start of validity.
    #[serde(with = "time::serde::rfc3339")]
    pub not_before: OffsetDateTime,
    /// End of validity.
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    /// Whether it is a CA certificate.
    pub is_ca: bool,
    /// Whether its issuer is itself.
    pub self_signed: bool,
    /// Whether the store holds its private key.
    pub has_private_key: bool,
    /// The purposes it allows: the EKU extension intersected with the store property.
    pub flags: PurposeFlags,
    /// Where it came from.
    pub source: String,
    /// Which backend listed it (a merged listing holds the machine's certificates and files).
    pub backend: StoreKind,
    /// Its DER encoding (not serialised: reports carry thumbprints, not certificates).
    #[serde(skip)]
    pub der: Arc<[u8]>,
}

impl StoreCertificate {
    /// Whether it can be this server's certificate: private key, Server Authentication, in date.
    pub fn usable_as_server_certificate(&self, at: OffsetDateTime) -> bool {
        self.has_private_key
            && self.flags.allows(Role::ServerAuth)
            && self.not_before <= at
            && self.not_after > at
    }

    /// As a candidate for path building and TLS.
    pub fn sourced(&self) -> SourcedCertificate {
        SourcedCertificate {
            der: Arc::clone(&self.der),
            origin: Origin {
                source: self.source.clone(),
                position: 1,
            },
        }
    }
}

/// A store backend read once: the certificates of the three stores and what could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreListing {
    /// What was read.
    pub description: String,
    /// Which backend.
    pub kind: StoreKind,
    /// Every certificate, Personal first, then Root, then Intermediate, each in the order read.
    pub certificates: Vec<StoreCertificate>,
    /// Stores or certificates that could not be read, with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl StoreListing {
    /// The certificates of one store, in the order read.
    pub fn of(&self, store: StoreName) -> impl Iterator<Item = &StoreCertificate> {
        self.certificates.iter().filter(move |c| c.store == store)
    }

    /// The Personal store as step 3 lists it: certificates that can serve as this server's (private
    /// key, Server Authentication, in date) first, then other certificates with a key, then the rest;
    /// within each group the one valid longest first.
    pub fn personal(&self, at: OffsetDateTime) -> Vec<&StoreCertificate> {
        let mut list: Vec<&StoreCertificate> = self.of(StoreName::Personal).collect();
        let rank = |c: &StoreCertificate| {
            if c.usable_as_server_certificate(at) {
                0
            } else if c.has_private_key {
                1
            } else {
                2
            }
        };
        list.sort_by(|a, b| {
            rank(a)
                .cmp(&rank(b))
                .then(b.not_after.cmp(&a.not_after))
                .then(a.display_name.cmp(&b.display_name))
        });
        list
    }

    /// The Trusted Root store's certificates: the trust anchors, as Schannel uses them.
    pub fn trust_anchors(&self) -> Vec<SourcedCertificate> {
        self.of(StoreName::Root)
            .map(StoreCertificate::sourced)
            .collect()
    }

    /// The Intermediate store's certificates: candidates for building paths.
    pub fn intermediates(&self) -> Vec<SourcedCertificate> {
        self.of(StoreName::Intermediate)
            .map(StoreCertificate::sourced)
            .collect()
    }

    /// The store purpose property of each certificate, by SHA-256, for the purpose analysis. A
    /// certificate in several stores takes the property of the store a path would find it in: Root,
    /// then Intermediate, then Personal.
    pub fn purposes_by_sha256(&self) -> HashMap<String, StorePurposes> {
        let mut map = HashMap::new();
        for store in [
            StoreName::Root,
            StoreName::Intermediate,
            StoreName::Personal,
        ] {
            for c in self.of(store) {
                map.entry(c.sha256.clone())
                    .or_insert_with(|| c.flags.store_property.clone());
            }
        }
        map
    }

    /// The certificate with this SHA-1 or SHA-256 thumbprint (any case, spaces and colons ignored).
    pub fn find(&self, thumbprint: &str) -> Option<&StoreCertificate> {
        let wanted: String = thumbprint
            .chars()
            .filter(char::is_ascii_hexdigit)
            .collect::<String>()
            .to_ascii_uppercase();
        let norm = |s: &str| -> String {
            s.chars()
                .filter(char::is_ascii_hexdigit)
                .collect::<String>()
                .to_ascii_uppercase()
        };
        self.certificates
            .iter()
            .find(|c| norm(&c.thumbprint_sha1) == wanted || norm(&c.sha256) == wanted)
    }

    /// This listing with `other`'s certificates added (those not already in the same store) and its
    /// problems: e.g. the machine's stores and the files loaded beside them.
    pub fn merged(mut self, other: StoreListing) -> StoreListing {
        for c in other.certificates {
            if !self
                .certificates
                .iter()
                .any(|mine| mine.store == c.store && mine.sha256 == c.sha256)
            {
                self.certificates.push(c);
            }
        }
        self.problems.extend(other.problems);
        self.description = format!("{} and {}", self.description, other.description);
        // Personal first, then Root, then Intermediate, each in the order read.
        self.certificates.sort_by_key(|c| c.store);
        self
    }

    /// One line: how many certificates each store holds.
    pub fn summary(&self) -> String {
        StoreName::ALL
            .iter()
            .map(|&s| format!("{}: {}", s.title(), self.of(s).count()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
