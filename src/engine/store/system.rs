//! The system backend (not Windows): the operating system's trust store stands in for the Root store.
//! There is no Personal or Intermediate store outside Windows: those lists are empty.

use crate::engine::load::load_system_roots;
use crate::engine::purpose::StorePurposes;
use crate::engine::store::{CertStore, RawStoreCertificate, StoreError, StoreKind, StoreName};

/// The operating system's trust store, as a Root store.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemStore;

impl CertStore for SystemStore {
    fn description(&self) -> String {
        "this computer's system trust store (not Windows: a Root store only; Personal and Intermediate stores are Windows stores)".to_owned()
    }

    fn kind(&self) -> StoreKind {
        StoreKind::System
    }

    fn list(&self, store: StoreName) -> Result<Vec<RawStoreCertificate>, StoreError> {
        if store != StoreName::Root {
            return Ok(Vec::new());
        }
        let loaded = load_system_roots().map_err(|e| StoreError {
            store: "system trust store".to_owned(),
            reason: e.to_string(),
        })?;
        Ok(loaded
            .certificates
            .into_iter()
            .map(|c| RawStoreCertificate {
                store: StoreName::Root,
                der: c.der,
                friendly_name: None,
                has_private_key: false,
                purposes: StorePurposes::AllEnabled,
                origin: c.origin,
                problem: None,
            })
            .collect())
    }
}
