//! The file backend: certificates and keys read from files and folders, sorted into the three stores
//! the way an administrator imports them: a certificate with its private key, or any end-entity
//! certificate, into Personal; self-signed CA certificates into Trusted Root; other CA certificates into
//! Intermediate. Files carry no purpose property (every certificate gets "Enable all purposes") and no
//! friendly name.

use std::collections::HashSet;
use std::sync::Arc;

use crate::engine::cert::CertificateFacts;
use crate::engine::load::{Loaded, PrivateKey};
use crate::engine::probe::tls::key_matches;
use crate::engine::purpose::StorePurposes;
use crate::engine::store::{CertStore, RawStoreCertificate, StoreError, StoreKind, StoreName};

/// Certificates and keys from files, as a store.
#[derive(Debug, Default)]
pub struct FileStore {
    description: String,
    entries: Vec<RawStoreCertificate>,
}

impl FileStore {
    /// Sorts what was loaded into the three stores. `description` says what the files were.
    pub fn new<'a>(
        description: impl Into<String>,
        loaded: impl IntoIterator<Item = &'a Loaded>,
    ) -> Self {
        let loaded: Vec<&Loaded> = loaded.into_iter().collect();
        let keys: Vec<&PrivateKey> = loaded.iter().flat_map(|l| l.keys.iter()).collect();
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        for cert in loaded.iter().flat_map(|l| l.certificates.iter()) {
            // An unreadable certificate goes to Personal, where the listing reports it.
            let facts = CertificateFacts::from_der(&cert.der).ok();
            // The same certificate in two files is one certificate in a store.
            if let Some(f) = &facts
                && !seen.insert(f.sha256.clone())
            {
                continue;
            }
            let has_private_key = keys.iter().any(|k| key_matches(k, &cert.der));
            let store = match &facts {
                Some(f) if !has_private_key && f.is_ca && f.self_signed => StoreName::Root,
                Some(f) if !has_private_key && f.is_ca => StoreName::Intermediate,
                _ => StoreName::Personal,
            };
            // A root CA loaded with its key (the CA's own PFX) is both: the key's owner, and trusted.
            if store == StoreName::Personal
                && facts.as_ref().is_some_and(|f| f.is_ca && f.self_signed)
            {
                entries.push(RawStoreCertificate {
                    store: StoreName::Root,
                    der: Arc::clone(&cert.der),
                    friendly_name: None,
                    has_private_key: false,
                    purposes: StorePurposes::AllEnabled,
                    origin: cert.origin.clone(),
                    problem: None,
                });
            }
            entries.push(RawStoreCertificate {
                store,
                der: Arc::clone(&cert.der),
                friendly_name: None,
                has_private_key,
                purposes: StorePurposes::AllEnabled,
                origin: cert.origin.clone(),
                problem: None,
            });
        }
        FileStore {
            description: description.into(),
            entries,
        }
    }

    /// The private key loaded with a certificate, if any.
    pub fn key_for<'a>(
        loaded: impl IntoIterator<Item = &'a Loaded>,
        der: &[u8],
    ) -> Option<PrivateKey> {
        loaded
            .into_iter()
            .flat_map(|l| l.keys.iter())
            .find(|k| key_matches(k, der))
            .cloned()
    }
}

impl CertStore for FileStore {
    fn description(&self) -> String {
        self.description.clone()
    }

    fn kind(&self) -> StoreKind {
        StoreKind::Files
    }

    fn list(&self, store: StoreName) -> Result<Vec<RawStoreCertificate>, StoreError> {
        Ok(self
            .entries
            .iter()
            .filter(|e| e.store == store)
            .cloned()
            .collect())
    }
}
