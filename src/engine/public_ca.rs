//! Publicly trusted CAs and the 2025-2026 Client Authentication change.
//!
//! Public TLS certificates no longer carry the Client Authentication EKU: DigiCert stopped issuing it
//! by default in October 2025, the Chrome Root Program (policy 1.6) requires serverAuth-only
//! hierarchies from June 15, 2026, and Sectigo and the other public CAs followed by May-June 2026. A
//! certificate renewed from a public CA then works for Server Authentication only, and
//! server-to-server mutual TLS that presents it as the client certificate breaks: Edge federation
//! and public IM connectivity, SIP trunks and SBCs, Exchange hybrid.
//!
//! [`judge`] says so (`cert.public-ca-no-client-auth`) when a path that must allow Client
//! Authentication comes from a public CA and does not. "Public" means the path reaches a root of
//! Mozilla's root program (the `webpki-root-certs` crate, the list browsers and rustls trust): the
//! root itself is in the path, or the top certificate names one as its issuer (with a matching key
//! identifier when both carry one), which is what a server presents (roots are not sent).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::engine::cert::CertificateFacts;
use crate::engine::finding::{Finding, Scope, Severity, ids};
use crate::engine::path::CertificationPath;
use crate::engine::purpose::{PurposeAnalysis, Role};

/// A set of publicly trusted roots, indexed by SHA-256 and by subject.
#[derive(Debug, Default)]
pub struct PublicRoots {
    /// SHA-256 thumbprint (as `CertificateFacts::sha256`) → display name.
    by_sha256: HashMap<String, String>,
    /// Subject (as `CertificateFacts::subject`) → (subject key identifier, display name) of each
    /// root with that subject.
    by_subject: HashMap<String, Vec<(Option<String>, String)>>,
}

impl PublicRoots {
    /// The roots of Mozilla's root program compiled into certwiz (read once, on first use).
    pub fn mozilla() -> &'static PublicRoots {
        static ROOTS: OnceLock<PublicRoots> = OnceLock::new();
        ROOTS.get_or_init(|| {
            PublicRoots::from_ders(
                webpki_root_certs::TLS_SERVER_ROOT_CERTS
                    .iter()
                    .map(|c| c.as_ref()),
            )
        })
    }

    /// A set made of these certificates (unreadable ones are left out).
    pub fn from_ders<'a>(ders: impl IntoIterator<Item = &'a [u8]>) -> PublicRoots {
        let mut roots = PublicRoots::default();
        for der in ders {
            let Ok(facts) = CertificateFacts::from_der(der) else {
                continue;
            };
            roots
                .by_sha256
                .insert(facts.sha256.clone(), facts.display_name.clone());
            roots
                .by_subject
                .entry(facts.subject.clone())
                .or_default()
                .push((facts.subject_key_id.clone(), facts.display_name));
        }
        roots
    }

    /// How many roots the set holds.
    pub fn len(&self) -> usize {
        self.by_sha256.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.by_sha256.is_empty()
    }

    /// The public root `path` reaches, by its display name: a root of the set in the path, or the
    /// issuer the top certificate names (its key identifier must match when both carry one, so a
    /// private CA that copied a public root's name is not taken for it).
    pub fn reached_by(&self, path: &CertificationPath) -> Option<&str> {
        if let Some(name) = path
            .nodes
            .iter()
            .find_map(|n| self.by_sha256.get(&n.certificate.sha256))
        {
            return Some(name);
        }
        let top = &path.nodes.first()?.certificate;
        if top.self_signed {
            return None;
        }
        self.by_subject
            .get(&top.issuer)?
            .iter()
            .find_map(|(ski, name)| match (ski, &top.authority_key_id) {
                (Some(ski), Some(aki)) if !ski.eq_ignore_ascii_case(aki) => None,
                _ => Some(name.as_str()),
            })
    }
}

/// `cert.public-ca-no-client-auth` (fail) when the purposes asked include Client Authentication,
/// the path does not allow it, and the path comes from a publicly trusted CA of `roots`.
pub fn judge(
    path: &CertificationPath,
    purposes: &PurposeAnalysis,
    scope: Scope,
    roots: &PublicRoots,
) -> Option<Finding> {
    if !purposes.requested.asks(Role::ClientAuth) {
        return None;
    }
    let client = purposes.role(Role::ClientAuth)?;
    if client.usable {
        return None;
    }
    let root = roots.reached_by(path)?;
    let leaf = &path.leaf()?.certificate;
    let finding = Finding::new(
        ids::CERT_PUBLIC_CA_NO_CLIENT_AUTH,
        Severity::Fail,
        format!(
            "\"{}\" comes from a public CA and cannot be used for Client Authentication",
            leaf.display_name
        ),
        format!(
            "Its path reaches \"{root}\", a publicly trusted root. Public CAs stopped issuing TLS certificates with the Client Authentication purpose in 2025-2026: DigiCert by default from October 2025, the Chrome Root Program requires serverAuth-only hierarchies from June 15, 2026, and Sectigo and the other public CAs followed by May-June 2026. A certificate renewed from them serves Server Authentication only, so server-to-server mutual TLS that presents it as the client certificate fails: Edge federation and public IM connectivity, SIP trunks and SBCs, Exchange hybrid. A partner then reports 0x800B0110 (CERT_E_WRONG_USAGE) or \"not valid for usage\" about our certificate."
        ),
        "Edge and federation (the external interface must be publicly trusted): ask your CA whether a certificate with both Server and Client Authentication can still be issued for this name, and renew with it; if none can, agree with each partner how their servers will accept the connection. Internal servers (front ends, Directors, Mediation, pool members): use a certificate from your enterprise CA whose template includes both purposes (Request-CsCertificate ... -ClientEKU $true), never a public one.",
    );
    Some(finding.about(leaf.reference(), scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_roots_include_the_big_public_cas() {
        let roots = PublicRoots::mozilla();
        assert!(roots.len() > 100, "{} roots", roots.len());
        let names: Vec<&String> = roots.by_sha256.values().collect();
        for expected in ["DigiCert Global Root G2", "ISRG Root X1"] {
            assert!(
                names.iter().any(|n| n.as_str() == expected),
                "{expected} is missing from {names:?}"
            );
        }
    }
}
