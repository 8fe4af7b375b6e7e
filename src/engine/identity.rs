//! Which client certificate, key and chain certwiz presents in mutual TLS: the one rule the CLI
//! (`--client-cert` / `--client-key`, `--pfx`, `--store-cert`) and the wizard (step 3's choice, the
//! files loaded) share, so both present the same thing for the same inputs.
//!
//! - From files: the certificates given with the key, the leaf first, self-signed roots left out (the
//!   server must already trust its root; Schannel does not send it either).
//! - From a store: a certificate of a [`StoreListing`] (the machine's stores, or files sorted into
//!   stores), its key loaded beside it or kept by the Windows store (signing through CNG, never
//!   exported), and its chain as Schannel builds it from the listing.
//! - From whatever was loaded: the first file that came with both a certificate and a key (a PFX, PEM
//!   with its key), else the last key loaded with every certificate loaded.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::engine::cert::CertificateFacts;
use crate::engine::load::{Loaded, SourcedCertificate};
use crate::engine::probe::{ClientIdentity, ClientKey};
use crate::engine::store::files::FileStore;
use crate::engine::store::{StoreCertificate, StoreListing, store_signing_key};

/// Why the chosen certificate cannot be presented.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// Neither the loaded files nor the store hold the certificate's private key.
    #[error("{certificate}: no private key for this certificate was loaded or is in the store")]
    NoKey {
        /// The certificate, as MMC names it.
        certificate: String,
    },
    /// The store holds a key, but it cannot be used (the CNG call failed, the key is not allowed
    /// to sign, ...).
    #[error("{certificate}: {reason}")]
    StoreKey {
        /// The certificate, as MMC names it.
        certificate: String,
        /// What the store said.
        reason: String,
    },
}

/// The chain to send for these certificates: the leaf (the end-entity certificate) first, then the
/// others in the order given; self-signed CA certificates (roots) left out.
pub fn chain_to_send(certificates: &[SourcedCertificate]) -> Vec<Arc<[u8]>> {
    let facts = |c: &SourcedCertificate| CertificateFacts::from_der(&c.der).ok();
    let mut chain: Vec<(bool, &SourcedCertificate)> = certificates
        .iter()
        .filter_map(|c| {
            let f = facts(c)?;
            (!(f.self_signed && f.is_ca)).then_some((f.is_ca, c))
        })
        .collect();
    // Stable: CAs keep their order after the leaf.
    chain.sort_by_key(|(is_ca, _)| *is_ca);
    chain.into_iter().map(|(_, c)| Arc::clone(&c.der)).collect()
}

/// The identity of certificates given as files with their key (`--client-cert` + `--client-key`,
/// `--pfx`). `None` when no certificate but roots was given.
pub fn from_files(
    certificates: &[SourcedCertificate],
    key: impl Into<ClientKey>,
) -> Option<ClientIdentity> {
    let chain = chain_to_send(certificates);
    (!chain.is_empty()).then(|| ClientIdentity {
        chain,
        key: key.into(),
    })
}

/// The identity of `certificate` from `listing`: its key from the `loaded` files, else from the
/// Windows store; its chain built from the listing and `extra` certificates as Schannel sends it.
pub fn from_store(
    listing: &StoreListing,
    certificate: &StoreCertificate,
    loaded: &[Loaded],
    extra: &[SourcedCertificate],
    at: OffsetDateTime,
) -> Result<ClientIdentity, IdentityError> {
    let key = match FileStore::key_for(loaded, &certificate.der) {
        Some(key) => ClientKey::from(key),
        None => match store_signing_key(certificate) {
            Ok(Some(key)) => ClientKey::Store(key),
            Ok(None) => {
                return Err(IdentityError::NoKey {
                    certificate: certificate.display_name.clone(),
                });
            }
            Err(reason) => {
                return Err(IdentityError::StoreKey {
                    certificate: certificate.display_name.clone(),
                    reason,
                });
            }
        },
    };
    Ok(ClientIdentity {
        chain: listing.client_chain(certificate, extra, at),
        key,
    })
}

/// The identity of whatever was loaded, when nothing was chosen: the first file that came with a
/// certificate and a key (its own certificates), else the last key loaded with `all_certificates`.
/// `None` without a key, or without a certificate to send.
pub fn from_loaded(
    loaded: &[Loaded],
    all_certificates: &[SourcedCertificate],
) -> Option<ClientIdentity> {
    match loaded
        .iter()
        .find(|l| !l.keys.is_empty() && !l.certificates.is_empty())
    {
        Some(file) => from_files(&file.certificates, file.keys.last().cloned()?),
        None => from_files(
            all_certificates,
            loaded.iter().find_map(|l| l.keys.last().cloned())?,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::load::Origin;
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

    fn sourced(der: &[u8], source: &str) -> SourcedCertificate {
        SourcedCertificate {
            der: Arc::from(der),
            origin: Origin {
                source: source.to_owned(),
                position: 1,
            },
        }
    }

    /// A root, an issuing CA under it and a leaf under that, as DER.
    fn pki() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let root_key = KeyPair::generate().expect("key");
        let mut root = CertificateParams::new(Vec::new()).expect("params");
        root.distinguished_name
            .push(DnType::CommonName, "Contoso Root CA");
        root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let root_cert = root.self_signed(&root_key).expect("root");
        let root_issuer = Issuer::new(root, &root_key);
        let ca_key = KeyPair::generate().expect("key");
        let mut ca = CertificateParams::new(Vec::new()).expect("params");
        ca.distinguished_name
            .push(DnType::CommonName, "Contoso Issuing CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = ca.signed_by(&ca_key, &root_issuer).expect("ca");
        let ca_issuer = Issuer::new(ca, &ca_key);
        let leaf_key = KeyPair::generate().expect("key");
        let mut leaf = CertificateParams::new(vec!["fe1.contoso.com".to_owned()]).expect("params");
        leaf.distinguished_name
            .push(DnType::CommonName, "fe1.contoso.com");
        let leaf_cert = leaf.signed_by(&leaf_key, &ca_issuer).expect("leaf");
        (
            root_cert.der().to_vec(),
            ca_cert.der().to_vec(),
            leaf_cert.der().to_vec(),
        )
    }

    #[test]
    fn the_leaf_goes_first_and_the_root_stays_home() {
        let (root, ca, leaf) = pki();
        // Given in the order a bundle might hold them: root, CA, leaf.
        let given = [
            sourced(&root, "root"),
            sourced(&ca, "ca"),
            sourced(&leaf, "leaf"),
        ];
        let chain = chain_to_send(&given);
        assert_eq!(chain.len(), 2);
        assert_eq!(&*chain[0], leaf.as_slice());
        assert_eq!(&*chain[1], ca.as_slice());
    }

    fn a_key() -> crate::engine::load::PrivateKey {
        let pem = KeyPair::generate().expect("key").serialize_pem();
        crate::engine::load::load_bytes("key.pem", pem.as_bytes(), None)
            .expect("a PEM key loads")
            .keys
            .pop()
            .expect("one key")
    }

    #[test]
    fn only_roots_is_no_identity() {
        let (root, _, _) = pki();
        assert!(from_files(&[sourced(&root, "root")], a_key()).is_none());
    }

    #[test]
    fn a_file_with_its_key_wins_over_loose_keys() {
        let (root, ca, leaf) = pki();
        let loaded = [
            Loaded {
                certificates: vec![sourced(&root, "root.cer")],
                keys: vec![a_key()],
                skipped: Vec::new(),
            },
            Loaded {
                certificates: vec![sourced(&ca, "server.pfx"), sourced(&leaf, "server.pfx")],
                keys: vec![a_key()],
                skipped: Vec::new(),
            },
        ];
        // The first file has a key and a certificate: it is the one chosen, and its only
        // certificate is a root, so nothing can be presented from it.
        assert!(from_loaded(&loaded, &[]).is_none());
        let identity = from_loaded(&loaded[1..], &[]).expect("the PFX presents");
        assert_eq!(identity.chain.len(), 2);
        assert_eq!(&*identity.chain[0], leaf.as_slice());
        // A loose key goes with every certificate loaded.
        let loose = [Loaded {
            certificates: Vec::new(),
            keys: vec![a_key()],
            skipped: Vec::new(),
        }];
        let all = [sourced(&ca, "ca.cer"), sourced(&leaf, "leaf.cer")];
        let identity = from_loaded(&loose, &all).expect("key plus loaded certificates");
        assert_eq!(&*identity.chain[0], leaf.as_slice());
    }

    #[test]
    fn nothing_loaded_with_a_key_is_no_identity() {
        let (_, ca, leaf) = pki();
        let loaded = [Loaded {
            certificates: vec![sourced(&leaf, "leaf"), sourced(&ca, "ca")],
            keys: Vec::new(),
            skipped: Vec::new(),
        }];
        assert!(from_loaded(&loaded, &loaded[0].certificates).is_none());
    }
}
