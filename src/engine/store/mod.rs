//! Certificate stores: what MMC's Certificates snap-in shows for the computer account, behind one
//! interface so that everything above it is shared and tested on any system.
//!
//! A [`CertStore`] lists the three stores the conferencing servers use: Personal ("My", the server's
//! own certificate with its private key), Trusted Root Certification Authorities ("Root") and
//! Intermediate Certification Authorities ("CA"); each certificate with its friendly name, whether a
//! private key is present and the store's purpose property (MMC's "Enable all purposes" / "Enable only
//! the following purposes" / "Disable all purposes", [`StorePurposes`]). Backends:
//! - [`windows::MachineStore`] (Windows only): the Local Machine stores through CryptoAPI;
//! - [`files::FileStore`]: certificates and keys read from files and folders, sorted into the three
//!   stores the way an administrator would import them;
//! - [`system::SystemStore`]: the operating system's trust store as the Root store.
//!
//! [`snapshot`] reads a backend once into a [`StoreListing`], which the rest of certwiz uses: the
//! Personal list for step 3, the Root store as trust anchors, the CA store as path candidates, and the
//! purpose property for the purpose analysis. [`judge`] turns a listing into findings.

#[cfg(windows)]
pub mod cng;
pub mod files;
pub mod signing;
pub mod system;
#[cfg(windows)]
pub mod windows;
pub mod windows_props;

pub use crate::engine::facts::store::{StoreCertificate, StoreKind, StoreListing, StoreName};

use std::sync::Arc;

use time::OffsetDateTime;

use crate::engine::cert::CertificateFacts;
use crate::engine::finding::{CertificateRef, Finding, Scope, Severity, ids, sort_findings};
use crate::engine::inspect::InspectRequest;
use crate::engine::load::{Origin, SourcedCertificate};
use crate::engine::purpose::{PurposeFlags, Role, StorePurposes};
use crate::engine::report::{InputSummary, Report};

/// One certificate as a backend reads it, before certwiz looks inside.
#[derive(Debug, Clone)]
pub struct RawStoreCertificate {
    /// The store it is in.
    pub store: StoreName,
    /// Its DER encoding.
    pub der: Arc<[u8]>,
    /// MMC's "Friendly Name" (a store property; files have none).
    pub friendly_name: Option<String>,
    /// Whether the store holds its private key.
    pub has_private_key: bool,
    /// The store's purpose property.
    pub purposes: StorePurposes,
    /// Where it came from, for messages (`Local Machine My #3`, `server.pfx #1`).
    pub origin: Origin,
    /// What could not be read about it (e.g. its purpose property), reported with the listing.
    pub problem: Option<String>,
}

/// Why a store could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{store}: {reason}")]
pub struct StoreError {
    /// The store, as the user would name it.
    pub store: String,
    /// What went wrong.
    pub reason: String,
}

/// A source of certificates organised like the computer's certificate stores.
pub trait CertStore {
    /// What is being read, in words (`this computer's Local Machine certificate stores`).
    fn description(&self) -> String;
    /// Which kind of backend this is.
    fn kind(&self) -> StoreKind;
    /// Every certificate of one store. A store the backend does not have is empty, not an error.
    fn list(&self, store: StoreName) -> Result<Vec<RawStoreCertificate>, StoreError>;
}

/// Reads the three stores of `store` once.
pub fn snapshot(store: &dyn CertStore) -> StoreListing {
    let mut listing = StoreListing {
        description: store.description(),
        kind: store.kind(),
        certificates: Vec::new(),
        problems: Vec::new(),
    };
    for name in StoreName::ALL {
        match store.list(name) {
            Ok(raw) => {
                for cert in raw {
                    if let Some(problem) = &cert.problem {
                        listing.problems.push(format!(
                            "{} ({}): {problem}",
                            cert.origin,
                            name.title()
                        ));
                    }
                    match CertificateFacts::from_der(&cert.der) {
                        Ok(facts) => listing.certificates.push(StoreCertificate {
                            store: cert.store,
                            display_name: facts.display_name.clone(),
                            friendly_name: cert.friendly_name.filter(|n| !n.trim().is_empty()),
                            subject: facts.subject.clone(),
                            issuer: facts.issuer.clone(),
                            thumbprint_sha1: facts.thumbprint_sha1.clone(),
                            sha256: facts.sha256.clone(),
                            not_before: facts.not_before,
                            not_after: facts.not_after,
                            is_ca: facts.is_ca,
                            self_signed: facts.self_signed,
                            has_private_key: cert.has_private_key,
                            flags: PurposeFlags::of(&facts, &cert.purposes),
                            source: cert.origin.to_string(),
                            backend: listing.kind,
                            der: cert.der,
                        }),
                        Err(e) => listing.problems.push(format!(
                            "{} ({}): a certificate cannot be read ({e})",
                            cert.origin,
                            name.title()
                        )),
                    }
                }
            }
            Err(e) => listing.problems.push(e.to_string()),
        }
    }
    listing
}

/// The stores of the computer certwiz runs on: the Local Machine stores on Windows, the system trust
/// store (as Root) elsewhere.
pub fn this_computer() -> Box<dyn CertStore> {
    #[cfg(windows)]
    {
        Box::new(windows::MachineStore)
    }
    #[cfg(not(windows))]
    {
        Box::new(system::SystemStore)
    }
}

impl StoreListing {
    /// The inspection of `subject` the way Windows builds its path on this computer: candidates from
    /// the Intermediate store (and `extra`, e.g. files loaded beside), trust anchors from the Root
    /// store, and every certificate's purpose property from the store.
    pub fn inspect_request(
        &self,
        subject: &StoreCertificate,
        extra: &[SourcedCertificate],
        expected_names: Vec<String>,
        at: OffsetDateTime,
    ) -> InspectRequest {
        let mut certificates = vec![subject.sourced()];
        certificates.extend(self.intermediates());
        certificates.extend(extra.iter().cloned());
        InspectRequest {
            certificates,
            trust_anchors: self.trust_anchors(),
            expected_names,
            at,
            inputs: Vec::new(),
            store_purposes: self.purposes_by_sha256(),
            purpose: Default::default(),
        }
    }

    /// The chain to present for `subject` in mutual TLS, as Schannel sends it: the certificate, then
    /// its issuers up the path built from these stores and `extra` (the root left out: the server must
    /// already trust it). Just the certificate when no path can be built.
    pub fn client_chain(
        &self,
        subject: &StoreCertificate,
        extra: &[SourcedCertificate],
        at: OffsetDateTime,
    ) -> Vec<Arc<[u8]>> {
        let request = self.inspect_request(subject, extra, Vec::new(), at);
        let Ok(report) = crate::engine::inspect::inspect(&request) else {
            return vec![Arc::clone(&subject.der)];
        };
        let Some(path) = report.path else {
            return vec![Arc::clone(&subject.der)];
        };
        let by_sha256 = |sha256: &str| {
            request
                .certificates
                .iter()
                .chain(&request.trust_anchors)
                .find(|c| CertificateFacts::from_der(&c.der).is_ok_and(|f| f.sha256 == sha256))
                .map(|c| Arc::clone(&c.der))
        };
        let mut chain: Vec<Arc<[u8]>> = path
            .nodes
            .iter()
            .rev()
            .enumerate()
            .filter(|(i, n)| *i == 0 || !n.certificate.self_signed)
            .filter_map(|(_, n)| by_sha256(&n.certificate.sha256))
            .collect();
        if chain.is_empty() {
            chain.push(Arc::clone(&subject.der));
        }
        chain
    }
}

/// The store's own signing key for `certificate` (Windows: its CNG key in the Local Machine Personal
/// store, used in place, never exported). `Ok(None)` when the store holds no key for it or this is not
/// a Windows store.
pub fn store_signing_key(
    certificate: &StoreCertificate,
) -> Result<Option<Arc<dyn rustls::sign::SigningKey>>, String> {
    let in_machine_store = certificate.store == StoreName::Personal
        && certificate.has_private_key
        && certificate.backend == StoreKind::WindowsMachine;
    if !in_machine_store {
        return Ok(None);
    }
    #[cfg(windows)]
    {
        cng::machine_signing_key(&certificate.der).map(Some)
    }
    #[cfg(not(windows))]
    {
        Ok(None)
    }
}

/// Which purposes a store property leaves out of the two conferencing roles.
fn restricted_roles(property: &StorePurposes) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|&role| !property_allows(property, role))
        .collect()
}

fn property_allows(property: &StorePurposes, role: Role) -> bool {
    match property {
        StorePurposes::AllEnabled => true,
        StorePurposes::AllDisabled => false,
        StorePurposes::Only(oids) => oids.iter().any(|o| o == role_oid(role)),
    }
}

fn role_oid(role: Role) -> &'static str {
    match role {
        Role::ServerAuth => crate::engine::cert::OID_SERVER_AUTH,
        Role::ClientAuth => crate::engine::cert::OID_CLIENT_AUTH,
    }
}

/// The report of `store`: the three certificate stores as MMC shows them, judged at `at`.
pub fn report(listing: StoreListing, inputs: Vec<InputSummary>, at: OffsetDateTime) -> Report {
    let findings = judge(&listing, at);
    let mut report = Report::new("store", findings, inputs, at);
    report.store = Some(listing);
    report
}

/// Findings about a listing: the Root store's health ([`crate::engine::root_store::judge`]), CA
/// certificates above this server's own certificates whose store property leaves out Server or Client
/// Authentication (the MMC setting of the classic incident, found without opening every certificate),
/// and a Personal store without a certificate the server can use.
pub fn judge(listing: &StoreListing, at: OffsetDateTime) -> Vec<Finding> {
    let mut findings = Vec::new();
    let roots: Vec<SourcedCertificate> = listing.trust_anchors();
    if !roots.is_empty() {
        let facts = crate::engine::root_store::facts(&roots);
        findings.extend(crate::engine::root_store::judge(&facts, at));
    }
    // Only the CAs above this server's own certificates (Personal, with a key) matter here: Windows
    // sets purpose properties on many public roots itself (Automatic Root Update), and those are not
    // this server's business.
    let in_own_paths: std::collections::HashSet<String> = listing
        .of(StoreName::Personal)
        .filter(|c| c.has_private_key)
        .filter_map(|c| {
            crate::engine::inspect::inspect(&listing.inspect_request(c, &[], Vec::new(), at)).ok()
        })
        .filter_map(|report| report.path)
        .flat_map(|path| path.nodes.into_iter().map(|n| n.certificate.sha256))
        .collect();
    for c in listing
        .certificates
        .iter()
        .filter(|c| c.is_ca && c.store != StoreName::Personal && in_own_paths.contains(&c.sha256))
    {
        let roles = restricted_roles(&c.flags.store_property);
        if roles.is_empty() {
            continue;
        }
        let left_out = roles
            .iter()
            .map(|r| r.name())
            .collect::<Vec<_>>()
            .join(" and ");
        let setting = match &c.flags.store_property {
            StorePurposes::AllDisabled => {
                "\"Disable all purposes for this certificate\"".to_owned()
            }
            StorePurposes::Only(oids) if oids.is_empty() => {
                "\"Enable only the following purposes\" with nothing ticked".to_owned()
            }
            StorePurposes::Only(oids) => format!(
                "\"Enable only the following purposes\" with only {} ticked",
                oids.iter()
                    .map(|o| crate::engine::cert::eku_name(o))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            StorePurposes::AllEnabled => continue,
        };
        findings.push(
            Finding::new(
                ids::STORE_CA_PURPOSES_RESTRICTED,
                Severity::Warn,
                format!(
                    "The CA \"{}\" in {} is not enabled for {left_out}",
                    c.display_name,
                    c.store.title()
                ),
                format!(
                    "Its purpose setting in the store is {setting}. Windows allows a certificate only the purposes every CA above it allows, so no certificate issued under this CA can be used for {left_out} on this computer, whatever the certificate itself says. Front ends need Server Authentication and Client Authentication for mutual TLS."
                ),
                format!(
                    "Certificates (Local Computer) > {} > open \"{}\" (thumbprint {}) > Details > Edit Properties > General: choose \"Enable all purposes for this certificate\", or tick both Server Authentication and Client Authentication. Then restart the conferencing services.",
                    c.store.title(),
                    c.display_name,
                    c.thumbprint_sha1
                ),
            )
            .about(
                CertificateRef {
                    subject: c.subject.clone(),
                    sha256: c.sha256.clone(),
                },
                Scope::Local,
            ),
        );
    }
    let personal_given = listing.kind == StoreKind::WindowsMachine
        || (listing.kind == StoreKind::Files && listing.of(StoreName::Personal).next().is_some());
    if personal_given
        && !listing
            .of(StoreName::Personal)
            .any(|c| c.usable_as_server_certificate(at))
    {
        let (where_, fix) = match listing.kind {
            StoreKind::WindowsMachine => (
                "The computer's Personal store",
                "Request the server certificate with the Certificate Wizard (or Request-CsCertificate) on this computer, or import the PFX with its private key into Local Computer > Personal (certutil -importpfx server.pfx), then assign it (Set-CsCertificate).",
            ),
            _ => (
                "The files given",
                "Load the server certificate with its private key (the .pfx exported with \"Yes, export the private key\", or the PEM certificate and key).",
            ),
        };
        findings.push(Finding::new(
            ids::STORE_NO_SERVER_CERTIFICATE,
            Severity::Warn,
            "No certificate here can serve as this server's certificate",
            format!(
                "{where_} hold{} no certificate that has its private key, allows Server Authentication and is in date. A conferencing server needs one to answer TLS and to present in mutual TLS.",
                if listing.kind == StoreKind::WindowsMachine { "s" } else { "" }
            ),
            fix,
        ));
    }
    sort_findings(&mut findings);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_allows_maps_each_setting() {
        assert!(property_allows(
            &StorePurposes::AllEnabled,
            Role::ClientAuth
        ));
        assert!(!property_allows(
            &StorePurposes::AllDisabled,
            Role::ServerAuth
        ));
        let only_server = StorePurposes::Only(vec![crate::engine::cert::OID_SERVER_AUTH.into()]);
        assert!(property_allows(&only_server, Role::ServerAuth));
        assert!(!property_allows(&only_server, Role::ClientAuth));
        assert_eq!(restricted_roles(&only_server), vec![Role::ClientAuth]);
        assert_eq!(
            restricted_roles(&StorePurposes::AllDisabled),
            vec![Role::ServerAuth, Role::ClientAuth]
        );
    }

    #[test]
    fn store_names_are_what_certutil_and_mmc_say() {
        assert_eq!(StoreName::Personal.system_name(), "My");
        assert_eq!(StoreName::Intermediate.system_name(), "CA");
        assert_eq!(
            StoreName::Root.title(),
            "Trusted Root Certification Authorities"
        );
    }
}
