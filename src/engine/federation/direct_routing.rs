//! Teams Direct Routing trust: whether an SBC's trust anchors hold the roots Microsoft's SIP proxies
//! moved to in 2026 (serverAuth-only certificates, rotation from spring 2026, full enforcement June
//! 2026). The list is data (`assets/direct-routing-roots.toml`, with its public source); certificates
//! are matched by SHA-1 or SHA-256 thumbprint, never by name alone (a private CA can copy a name).

use serde::Deserialize;

use crate::engine::cert::CertificateFacts;
use crate::engine::finding::{Finding, Severity, ids};
use crate::engine::load::SourcedCertificate;

/// The list as shipped.
pub const DIRECT_ROUTING_ROOTS_TOML: &str =
    include_str!("../../../assets/direct-routing-roots.toml");

/// The file's shape.
#[derive(Debug, Clone, Deserialize)]
pub struct DirectRoutingRoots {
    /// Where the list comes from.
    pub source: String,
    /// The roots.
    #[serde(rename = "root")]
    pub roots: Vec<RequiredRoot>,
}

/// One root the SBC must trust.
#[derive(Debug, Clone, Deserialize)]
pub struct RequiredRoot {
    /// Its common name.
    pub name: String,
    /// SHA-1 thumbprint, upper-case hex (what the source publishes).
    pub sha1: String,
    /// SHA-256 thumbprint, upper-case hex.
    pub sha256: String,
    /// Serial number, lower-case hex.
    pub serial: String,
    /// Whether Mozilla's root program (the `webpki-root-certs` crate) still holds it.
    #[serde(default = "yes")]
    pub in_mozilla: bool,
}

fn yes() -> bool {
    true
}

impl DirectRoutingRoots {
    /// The shipped list (`None` only if the file compiled in does not parse: a test guards it).
    pub fn shipped() -> Option<DirectRoutingRoots> {
        toml::from_str(DIRECT_ROUTING_ROOTS_TOML).ok()
    }

    /// The roots missing from `anchors`, by thumbprint.
    pub fn missing<'a>(&'a self, anchors: &[CertificateFacts]) -> Vec<&'a RequiredRoot> {
        self.roots
            .iter()
            .filter(|root| {
                !anchors.iter().any(|a| {
                    a.thumbprint_sha1.eq_ignore_ascii_case(&root.sha1)
                        || a.sha256.eq_ignore_ascii_case(&root.sha256)
                })
            })
            .collect()
    }
}

/// `direct-routing.roots-present` (pass) when `anchors` hold every root of the list,
/// `direct-routing.roots-missing` (fail) naming each one that is not there. `where_` says what the
/// anchors are (`the --ca files`, `the system trust store`).
pub fn judge(anchors: &[SourcedCertificate], where_: &str) -> Finding {
    let facts: Vec<CertificateFacts> = anchors
        .iter()
        .filter_map(|a| CertificateFacts::from_der(&a.der).ok())
        .collect();
    let Some(list) = DirectRoutingRoots::shipped() else {
        return Finding::new(
            ids::DIRECT_ROUTING_ROOTS_MISSING,
            Severity::Fail,
            "The list of Direct Routing roots could not be read: not checked",
            "certwiz's own list of the roots is damaged; nothing was judged.",
            "Report this certwiz build; check the roots by hand against Microsoft Learn.",
        );
    };
    let missing = list.missing(&facts);
    if missing.is_empty() {
        return Finding::new(
            ids::DIRECT_ROUTING_ROOTS_PRESENT,
            Severity::Pass,
            format!(
                "{where_} hold every root Microsoft's SIP proxies use since 2026 ({} roots)",
                list.roots.len()
            ),
            format!(
                "Found by thumbprint: {}. Source of the list: {}.",
                list.roots
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                list.source
            ),
            "Nothing to do.",
        );
    }
    let names: Vec<String> = missing
        .iter()
        .map(|r| format!("{} (SHA-1 {})", r.name, r.sha1))
        .collect();
    Finding::new(
        ids::DIRECT_ROUTING_ROOTS_MISSING,
        Severity::Fail,
        format!(
            "{where_} lack {} of the {} roots Microsoft's SIP proxies use since 2026",
            missing.len(),
            list.roots.len()
        ),
        format!(
            "Missing: {}. Microsoft's SIP proxies moved to serverAuth-only certificates from these roots (rotation from spring 2026, full enforcement June 2026): an SBC that does mutual TLS with them and lacks one fails the handshake, and calls stop with no hint in Teams. {} certificate(s) were examined. Source of the list: {}.",
            names.join("; "),
            facts.len(),
            list.source
        ),
        "Import every missing root into the SBC's trusted roots for the Teams interface (AudioCodes: the TLS Context's Trusted Root Certificates; Ribbon: the certificate store of the Teams TLS profile), from the CA's own download page; compare the SHA-1 thumbprints above.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mozilla() -> Vec<CertificateFacts> {
        webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .filter_map(|c| CertificateFacts::from_der(c.as_ref()).ok())
            .collect()
    }

    #[test]
    fn every_listed_root_is_in_mozillas_program_with_the_same_thumbprints_serial_and_name() {
        let list = DirectRoutingRoots::shipped().expect("the shipped list parses");
        assert_eq!(list.roots.len(), 7);
        assert!(list.source.starts_with("Microsoft MC1213773"));
        let roots = mozilla();
        for want in list.roots.iter().filter(|r| !r.in_mozilla) {
            assert!(
                !roots.iter().any(|c| c.thumbprint_sha1 == want.sha1),
                "{} is in webpki-root-certs again: set in_mozilla = true",
                want.name
            );
        }
        for want in list.roots.iter().filter(|r| r.in_mozilla) {
            let found = roots
                .iter()
                .find(|c| c.thumbprint_sha1 == want.sha1)
                .unwrap_or_else(|| {
                    panic!("{} ({}) not in webpki-root-certs", want.name, want.sha1)
                });
            assert_eq!(found.sha256, want.sha256, "{}", want.name);
            assert_eq!(
                found.serial.replace([':', ' '], "").to_ascii_lowercase(),
                want.serial,
                "{}",
                want.name
            );
            assert_eq!(found.common_name.as_deref(), Some(want.name.as_str()));
        }
        let absent: Vec<&str> = list
            .missing(&roots)
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(absent, ["DigiCert Global Root CA"]);
    }

    #[test]
    fn a_store_without_one_root_names_it() {
        let list = DirectRoutingRoots::shipped().expect("list");
        let without_g3: Vec<CertificateFacts> = mozilla()
            .into_iter()
            .filter(|c| c.common_name.as_deref() != Some("DigiCert Global Root G3"))
            .collect();
        let missing: Vec<&str> = list
            .missing(&without_g3)
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(
            missing,
            ["DigiCert Global Root CA", "DigiCert Global Root G3"]
        );
        assert_eq!(list.missing(&[]).len(), 7);
    }
}
