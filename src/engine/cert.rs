//! What one certificate says: [`CertificateFacts`], read with x509-parser.
//!
//! Everything here is a fact about a single certificate; judgements across a path live in
//! [`crate::engine::path`], [`crate::engine::purpose`] and [`crate::engine::names`].

use std::fmt::Write as _;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::oid_registry::{self, Oid};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::X509Name;

/// Object identifier of the Server Authentication purpose.
pub const OID_SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
/// Object identifier of the Client Authentication purpose.
pub const OID_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
/// Object identifier of anyExtendedKeyUsage.
pub const OID_ANY_EKU: &str = "2.5.29.37.0";

/// Why a certificate could not be read as X.509.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    /// The bytes are not a DER X.509 certificate.
    #[error("not a valid X.509 certificate: {0}")]
    Malformed(String),
}

/// An object identifier with the name Windows shows for it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NamedOid {
    /// Dotted form, e.g. `1.3.6.1.5.5.7.3.1`.
    pub oid: String,
    /// Display name, e.g. `Server Authentication`.
    pub name: String,
}

/// The Enhanced Key Usage extension as written in the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EkuFacts {
    /// Whether the certificate has an EKU extension at all (absent = valid for all purposes).
    pub present: bool,
    /// Whether the extension is marked critical.
    pub critical: bool,
    /// The purposes listed, in certificate order.
    pub purposes: Vec<NamedOid>,
}

/// The Basic Constraints extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasicConstraintsFacts {
    /// Whether the certificate is a certification authority.
    pub ca: bool,
    /// The path length constraint, if any.
    pub path_len: Option<u32>,
    /// Whether the extension is marked critical.
    pub critical: bool,
}

/// The subject public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFacts {
    /// `RSA`, `ECDSA`, `Ed25519`, `DSA` or the dotted OID.
    pub algorithm: String,
    /// Key size in bits (0 when unknown).
    pub bits: u32,
    /// The named curve for EC keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
}

/// How weak a signature hash is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WeakHash {
    /// MD5 (or MD2): broken; Windows and OCS services reject it.
    Md5,
    /// SHA-1: deprecated.
    Sha1,
}

/// The algorithm the issuer used to sign this certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureAlgorithmFacts {
    /// Dotted OID.
    pub oid: String,
    /// Name as Windows shows it, e.g. `sha256RSA`.
    pub name: String,
    /// Set when the hash is MD5 or SHA-1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weak: Option<WeakHash>,
}

/// Everything certwiz reads from one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateFacts {
    /// Subject distinguished name, most specific first as Windows shows it.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// The short name MMC shows in "Issued To": the common name, or the subject.
    pub display_name: String,
    /// The subject's common name, when it has one.
    pub common_name: Option<String>,
    /// X.509 version (1, 2 or 3).
    pub version: u32,
    /// Serial number, lower-case hex as MMC shows it.
    pub serial: String,
    /// SHA-1 thumbprint, upper-case hex: what MMC and PowerShell call "Thumbprint".
    pub thumbprint_sha1: String,
    /// SHA-256 thumbprint, upper-case hex.
    pub sha256: String,
    /// Start of validity.
    #[serde(with = "time::serde::rfc3339")]
    pub not_before: OffsetDateTime,
    /// End of validity.
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    /// Subject Alternative Name DNS entries.
    pub san_dns: Vec<String>,
    /// Subject Alternative Name IP addresses.
    pub san_ip: Vec<String>,
    /// Enhanced Key Usage.
    pub eku: EkuFacts,
    /// Key Usage flags by name (empty when the extension is absent).
    pub key_usage: Vec<String>,
    /// Basic Constraints, when present.
    pub basic_constraints: Option<BasicConstraintsFacts>,
    /// The subject public key.
    pub key: KeyFacts,
    /// How the issuer signed this certificate.
    pub signature_algorithm: SignatureAlgorithmFacts,
    /// CRL distribution point URLs.
    pub crl_distribution_points: Vec<String>,
    /// AIA "CA Issuers" URLs.
    pub aia_ca_issuers: Vec<String>,
    /// AIA OCSP responder URLs.
    pub aia_ocsp: Vec<String>,
    /// Subject Key Identifier, upper-case hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_key_id: Option<String>,
    /// Authority Key Identifier (key id), upper-case hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_key_id: Option<String>,
    /// Issuer and subject are the same name (a root or a self-issued certificate).
    pub self_signed: bool,
    /// Whether Basic Constraints says this is a CA.
    pub is_ca: bool,
}

impl CertificateFacts {
    /// Reads the facts from a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, CertError> {
        let (_, cert) =
            X509Certificate::from_der(der).map_err(|e| CertError::Malformed(e.to_string()))?;
        Ok(facts_of(&cert, der))
    }

    /// Whether the certificate is valid at `at`.
    pub fn is_valid_at(&self, at: OffsetDateTime) -> bool {
        self.not_before <= at && at <= self.not_after
    }

    /// The Subject Alternative Name as one line (`DNS:a, IP:b`), or `(none)`.
    pub fn alternative_names_text(&self) -> String {
        let mut san: Vec<String> = self.san_dns.iter().map(|d| format!("DNS:{d}")).collect();
        san.extend(self.san_ip.iter().map(|i| format!("IP:{i}")));
        if san.is_empty() {
            "(none)".to_owned()
        } else {
            san.join(", ")
        }
    }

    /// The Enhanced Key Usage as one line, saying "all purposes" when the extension is absent.
    pub fn eku_text(&self) -> String {
        if self.eku.present {
            self.eku
                .purposes
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            "(no extension: all purposes)".to_owned()
        }
    }

    /// The public key as one line (`RSA 2048`, `ECDSA 256 (P-256)`).
    pub fn key_text(&self) -> String {
        match &self.key.curve {
            Some(curve) => format!("{} {} ({curve})", self.key.algorithm, self.key.bits),
            None => format!("{} {}", self.key.algorithm, self.key.bits),
        }
    }

    /// The AIA URLs as one line (`CA Issuers: ..., OCSP: ...`), or `(none)`.
    pub fn authority_info_text(&self) -> String {
        let mut aia: Vec<String> = self
            .aia_ca_issuers
            .iter()
            .map(|u| format!("CA Issuers: {u}"))
            .collect();
        aia.extend(self.aia_ocsp.iter().map(|u| format!("OCSP: {u}")));
        if aia.is_empty() {
            "(none)".to_owned()
        } else {
            aia.join(", ")
        }
    }

    /// A reference for findings: subject and SHA-256.
    pub fn reference(&self) -> crate::engine::finding::CertificateRef {
        crate::engine::finding::CertificateRef {
            subject: self.subject.clone(),
            sha256: self.sha256.clone(),
        }
    }
}

/// Upper-case hex, no separators.
pub fn hex_upper(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02X}");
    }
    out
}

fn hex_lower(bytes: &[u8]) -> String {
    hex_upper(bytes).to_ascii_lowercase()
}

/// SHA-256 of `der`.
pub fn sha256(der: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

fn facts_of(cert: &X509Certificate<'_>, der: &[u8]) -> CertificateFacts {
    let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der);
    let subject = display_dn(cert.subject());
    let issuer = display_dn(cert.issuer());
    let common_name = cert.subject().iter_common_name().next().map(attr_value);
    let display_name = common_name.clone().unwrap_or_else(|| subject.clone());

    let mut san_dns = Vec::new();
    let mut san_ip = Vec::new();
    let mut eku = EkuFacts {
        present: false,
        critical: false,
        purposes: Vec::new(),
    };
    let mut key_usage = Vec::new();
    let mut basic_constraints = None;
    let mut crl_distribution_points = Vec::new();
    let mut aia_ca_issuers = Vec::new();
    let mut aia_ocsp = Vec::new();
    let mut subject_key_id = None;
    let mut authority_key_id = None;

    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                for name in &san.general_names {
                    match name {
                        GeneralName::DNSName(dns) => san_dns.push((*dns).to_owned()),
                        GeneralName::IPAddress(raw) => san_ip.push(ip_to_string(raw)),
                        _ => {}
                    }
                }
            }
            ParsedExtension::ExtendedKeyUsage(ku) => {
                eku.present = true;
                eku.critical = ext.critical;
                let mut push = |oid: &str| {
                    eku.purposes.push(NamedOid {
                        oid: oid.to_owned(),
                        name: eku_name(oid),
                    })
                };
                if ku.server_auth {
                    push(OID_SERVER_AUTH);
                }
                if ku.client_auth {
                    push(OID_CLIENT_AUTH);
                }
                if ku.code_signing {
                    push("1.3.6.1.5.5.7.3.3");
                }
                if ku.email_protection {
                    push("1.3.6.1.5.5.7.3.4");
                }
                if ku.time_stamping {
                    push("1.3.6.1.5.5.7.3.8");
                }
                if ku.ocsp_signing {
                    push("1.3.6.1.5.5.7.3.9");
                }
                if ku.any {
                    push(OID_ANY_EKU);
                }
                for other in &ku.other {
                    push(&other.to_id_string());
                }
            }
            ParsedExtension::KeyUsage(ku) => {
                let names = [
                    (ku.digital_signature(), "Digital Signature"),
                    (ku.non_repudiation(), "Non-Repudiation"),
                    (ku.key_encipherment(), "Key Encipherment"),
                    (ku.data_encipherment(), "Data Encipherment"),
                    (ku.key_agreement(), "Key Agreement"),
                    (ku.key_cert_sign(), "Certificate Signing"),
                    (ku.crl_sign(), "CRL Signing"),
                    (ku.encipher_only(), "Encipher Only"),
                    (ku.decipher_only(), "Decipher Only"),
                ];
                key_usage = names
                    .iter()
                    .filter(|(set, _)| *set)
                    .map(|(_, n)| (*n).to_owned())
                    .collect();
            }
            ParsedExtension::BasicConstraints(bc) => {
                basic_constraints = Some(BasicConstraintsFacts {
                    ca: bc.ca,
                    path_len: bc.path_len_constraint,
                    critical: ext.critical,
                });
            }
            ParsedExtension::CRLDistributionPoints(points) => {
                for point in &points.points {
                    if let Some(DistributionPointName::FullName(names)) = &point.distribution_point
                    {
                        for name in names {
                            if let GeneralName::URI(uri) = name {
                                crl_distribution_points.push((*uri).to_owned());
                            }
                        }
                    }
                }
            }
            ParsedExtension::AuthorityInfoAccess(aia) => {
                for desc in &aia.accessdescs {
                    if let GeneralName::URI(uri) = &desc.access_location {
                        if desc.access_method == oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS
                        {
                            aia_ca_issuers.push((*uri).to_owned());
                        } else if desc.access_method
                            == oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_OCSP
                        {
                            aia_ocsp.push((*uri).to_owned());
                        }
                    }
                }
            }
            ParsedExtension::SubjectKeyIdentifier(kid) => subject_key_id = Some(hex_upper(kid.0)),
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                authority_key_id = aki.key_identifier.as_ref().map(|k| hex_upper(k.0));
            }
            _ => {}
        }
    }

    let self_signed = cert.subject().as_raw() == cert.issuer().as_raw()
        || name_key(cert.subject()) == name_key(cert.issuer());
    let is_ca = basic_constraints.as_ref().is_some_and(|bc| bc.ca);

    CertificateFacts {
        subject,
        issuer,
        display_name,
        common_name,
        version: cert.version().0 + 1,
        serial: hex_lower(cert.raw_serial()),
        thumbprint_sha1: hex_upper(sha1.as_ref()),
        sha256: hex_upper(&sha256(der)),
        not_before: cert.validity().not_before.to_datetime(),
        not_after: cert.validity().not_after.to_datetime(),
        san_dns,
        san_ip,
        eku,
        key_usage,
        basic_constraints,
        key: key_facts(cert),
        signature_algorithm: signature_facts_with_params(&cert.signature_algorithm),
        crl_distribution_points,
        aia_ca_issuers,
        aia_ocsp,
        subject_key_id,
        authority_key_id,
        self_signed,
        is_ca,
    }
}

/// An IP address from its SAN / name-constraint bytes, or hex when it has an odd length.
pub fn ip_to_string(raw: &[u8]) -> String {
    match raw.len() {
        4 => {
            let mut octets = [0u8; 4];
            octets.copy_from_slice(raw);
            IpAddr::from(octets).to_string()
        }
        16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(raw);
            IpAddr::from(octets).to_string()
        }
        _ => hex_upper(raw),
    }
}

/// The name Windows shows for an EKU object identifier.
pub fn eku_name(oid: &str) -> String {
    match oid {
        OID_SERVER_AUTH => "Server Authentication",
        OID_CLIENT_AUTH => "Client Authentication",
        "1.3.6.1.5.5.7.3.3" => "Code Signing",
        "1.3.6.1.5.5.7.3.4" => "Secure Email",
        "1.3.6.1.5.5.7.3.8" => "Time Stamping",
        "1.3.6.1.5.5.7.3.9" => "OCSP Signing",
        OID_ANY_EKU => "Any Purpose",
        "1.3.6.1.4.1.311.10.3.4" => "Encrypting File System",
        "1.3.6.1.4.1.311.20.2.2" => "Smart Card Logon",
        "1.3.6.1.5.5.8.2.2" => "IP security IKE intermediate",
        _ => return format!("Unknown purpose ({oid})"),
    }
    .to_owned()
}

fn key_facts(cert: &X509Certificate<'_>) -> KeyFacts {
    let spki = cert.public_key();
    let alg = &spki.algorithm.algorithm;
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|oid| curve_name(&oid));
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => KeyFacts {
            algorithm: "RSA".into(),
            bits: rsa_bits(rsa.modulus),
            curve: None,
        },
        Ok(PublicKey::EC(point)) => KeyFacts {
            algorithm: "ECDSA".into(),
            bits: u32::try_from(point.key_size()).unwrap_or(0),
            curve,
        },
        Ok(PublicKey::DSA(y)) => KeyFacts {
            algorithm: "DSA".into(),
            bits: u32::try_from(y.len() * 8).unwrap_or(0),
            curve: None,
        },
        _ if *alg == oid_registry::OID_SIG_ED25519 => KeyFacts {
            algorithm: "Ed25519".into(),
            bits: 256,
            curve: None,
        },
        _ => KeyFacts {
            algorithm: alg.to_id_string(),
            bits: 0,
            curve: None,
        },
    }
}

/// Bits in an RSA modulus, ignoring leading zero bytes and bits.
fn rsa_bits(modulus: &[u8]) -> u32 {
    let trimmed: &[u8] = match modulus.iter().position(|b| *b != 0) {
        Some(start) => &modulus[start..],
        None => return 0,
    };
    let leading = trimmed.first().map_or(0, |b| b.leading_zeros());
    u32::try_from(trimmed.len() * 8)
        .unwrap_or(0)
        .saturating_sub(leading)
}

fn curve_name(oid: &Oid<'_>) -> String {
    match oid.to_id_string().as_str() {
        "1.2.840.10045.3.1.7" => "P-256".into(),
        "1.3.132.0.34" => "P-384".into(),
        "1.3.132.0.35" => "P-521".into(),
        other => other.into(),
    }
}

/// The name Windows shows for a signature algorithm OID (`sha256RSA`), or the dotted OID.
pub fn signature_algorithm_name(oid: &str) -> String {
    signature_facts_of(oid.to_owned()).name
}

/// RSASSA-PSS names its hash in the parameters (SHA-1 when they are absent or leave it out, RFC
/// 4055): a Windows Server 2008 CA's default PSS signature is SHA-1, and weak as such.
fn signature_facts_with_params(
    algorithm: &x509_parser::x509::AlgorithmIdentifier<'_>,
) -> SignatureAlgorithmFacts {
    let mut facts = signature_facts_of(algorithm.algorithm.to_id_string());
    if facts.oid == "1.2.840.113549.1.1.10" {
        let sha1 = algorithm.parameters.as_ref().is_none_or(|p| {
            x509_parser::signature_algorithm::RsaSsaPssParams::try_from(p)
                .is_ok_and(|params| params.hash_algorithm_oid().to_id_string() == "1.3.14.3.2.26")
        });
        if sha1 {
            facts.weak = Some(WeakHash::Sha1);
        }
    }
    facts
}

fn signature_facts_of(id: String) -> SignatureAlgorithmFacts {
    let (name, weak) = match id.as_str() {
        "1.2.840.113549.1.1.2" => ("md2RSA", Some(WeakHash::Md5)),
        "1.2.840.113549.1.1.4" => ("md5RSA", Some(WeakHash::Md5)),
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => ("sha1RSA", Some(WeakHash::Sha1)),
        "1.2.840.113549.1.1.11" => ("sha256RSA", None),
        "1.2.840.113549.1.1.12" => ("sha384RSA", None),
        "1.2.840.113549.1.1.13" => ("sha512RSA", None),
        "1.2.840.113549.1.1.10" => ("RSASSA-PSS", None),
        "1.2.840.10045.4.1" => ("sha1ECDSA", Some(WeakHash::Sha1)),
        "1.2.840.10045.4.3.2" => ("sha256ECDSA", None),
        "1.2.840.10045.4.3.3" => ("sha384ECDSA", None),
        "1.2.840.10045.4.3.4" => ("sha512ECDSA", None),
        "1.3.101.112" => ("Ed25519", None),
        "1.2.840.10040.4.3" => ("sha1DSA", Some(WeakHash::Sha1)),
        _ => ("", None),
    };
    SignatureAlgorithmFacts {
        name: if name.is_empty() {
            id.clone()
        } else {
            name.to_owned()
        },
        oid: id,
        weak,
    }
}

/// A distinguished name as Windows shows it: most specific attribute first (`CN=..., O=..., C=...`).
pub fn display_dn(name: &X509Name<'_>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for rdn in name.iter_rdn() {
        let attrs: Vec<String> = rdn
            .iter()
            .map(|attr| format!("{}={}", attr_short_name(attr.attr_type()), attr_value(attr)))
            .collect();
        parts.push(attrs.join(" + "));
    }
    parts.reverse();
    parts.join(", ")
}

fn attr_short_name(oid: &Oid<'_>) -> String {
    match oid.to_id_string().as_str() {
        "2.5.4.3" => "CN".into(),
        "2.5.4.6" => "C".into(),
        "2.5.4.7" => "L".into(),
        "2.5.4.8" => "S".into(),
        "2.5.4.10" => "O".into(),
        "2.5.4.11" => "OU".into(),
        "2.5.4.5" => "SERIALNUMBER".into(),
        "2.5.4.9" => "STREET".into(),
        "2.5.4.12" => "T".into(),
        "2.5.4.42" => "G".into(),
        "2.5.4.4" => "SN".into(),
        "1.2.840.113549.1.9.1" => "E".into(),
        "0.9.2342.19200300.100.1.25" => "DC".into(),
        other => format!("OID.{other}"),
    }
}

fn attr_value(attr: &x509_parser::x509::AttributeTypeAndValue<'_>) -> String {
    match attr.as_str() {
        Ok(s) => s.to_owned(),
        Err(_) => {
            // BMPString (UTF-16BE) is what old Windows CAs write; decode it rather than show hex.
            let raw = attr.as_slice();
            if attr.attr_value().header.tag() == asn1_rs::Tag::BmpString
                && raw.len().is_multiple_of(2)
            {
                let units: Vec<u16> = raw
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16_lossy(&units)
            } else {
                format!("#{}", hex_lower(raw))
            }
        }
    }
}

/// A comparison key for distinguished names: attribute types and values with case and inner
/// white space folded, as RFC 5280 name matching (and CryptoAPI) tolerate. Built for speed: it is
/// computed twice for every certificate put in a pool.
pub fn name_key(name: &X509Name<'_>) -> String {
    let mut key = String::with_capacity(name.as_raw().len());
    for rdn in name.iter_rdn() {
        key.push('/');
        for attr in rdn.iter() {
            for b in attr.attr_type().as_bytes() {
                key.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
                key.push(char::from(b"0123456789abcdef"[usize::from(b & 0xF)]));
            }
            key.push('=');
            let owned;
            let value = match attr.as_str() {
                Ok(v) => v,
                Err(_) => {
                    owned = attr_value(attr);
                    owned.as_str()
                }
            };
            let mut last_space = true;
            for ch in value.trim().chars() {
                if ch.is_whitespace() {
                    if !last_space {
                        key.push(' ');
                    }
                    last_space = true;
                } else if ch.is_ascii() {
                    key.push(ch.to_ascii_lowercase());
                    last_space = false;
                } else {
                    key.extend(ch.to_lowercase());
                    last_space = false;
                }
            }
            key.push('+');
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_bits_ignores_leading_zeroes() {
        let mut modulus = vec![0u8];
        modulus.extend(std::iter::repeat_n(0xFFu8, 256));
        assert_eq!(rsa_bits(&modulus), 2048);
        assert_eq!(rsa_bits(&[0x00, 0x01, 0x00]), 9);
        assert_eq!(rsa_bits(&[]), 0);
    }

    #[test]
    fn eku_names_match_windows() {
        assert_eq!(eku_name(OID_SERVER_AUTH), "Server Authentication");
        assert_eq!(eku_name(OID_CLIENT_AUTH), "Client Authentication");
        assert_eq!(eku_name("1.2.3"), "Unknown purpose (1.2.3)");
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(CertificateFacts::from_der(&[0x30, 0x03, 0x02, 0x01, 0x01]).is_err());
        assert!(CertificateFacts::from_der(&[]).is_err());
    }
}
