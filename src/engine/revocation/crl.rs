//! Reading a downloaded CRL: its signature against the issuing CA, its dates, and whether it lists the
//! certificate's serial number. The facts are recorded; judging them against the clock is left to
//! [`super::judge`], so a report can be judged again.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use crate::engine::cert::{display_dn, hex_upper};
use crate::engine::signature::{SignatureCheck, verify_signed};

/// id-ce-deltaCRLIndicator (RFC 5280 5.2.4).
const OID_DELTA_CRL_INDICATOR: &str = "2.5.29.27";

/// How far a CRL's publication may lie ahead of this machine's clock before it counts as not yet valid.
pub const CLOCK_TOLERANCE: time::Duration = time::Duration::minutes(5);

/// `at` plus the clock tolerance (at the end of time, `at`).
pub fn tolerant(at: OffsetDateTime) -> OffsetDateTime {
    at.checked_add(CLOCK_TOLERANCE).unwrap_or(at)
}

/// A certificate's entry in a CRL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokedEntry {
    /// When the CA revoked it.
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
    /// The reason code, in RFC 5280's words (`keyCompromise`), when the CA gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What a CRL says, as far as the certificate being checked is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrlFacts {
    /// Who published it.
    pub issuer: String,
    /// Whether that is the certificate's issuer.
    pub issuer_matches: bool,
    /// Whether the issuing CA's key verifies its signature.
    pub signature: SignatureCheck,
    /// When it was published.
    #[serde(with = "time::serde::rfc3339")]
    pub this_update: OffsetDateTime,
    /// When the next one is due; after that it has expired.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_update: Option<OffsetDateTime>,
    /// The CRL number, upper-case hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Whether it is a delta CRL (only changes since the base CRL).
    #[serde(default)]
    pub delta: bool,
    /// How many certificates it lists.
    pub entries: usize,
    /// The certificate's entry, when it is listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<RevokedEntry>,
}

impl CrlFacts {
    /// Whether the CRL is past its next update at `at`.
    pub fn expired_at(&self, at: OffsetDateTime) -> bool {
        self.next_update.is_some_and(|next| next < at)
    }

    /// Whether the CRL was published after `at` (this machine's clock is behind the CA's).
    pub fn not_yet_valid_at(&self, at: OffsetDateTime) -> bool {
        self.this_update > tolerant(at)
    }

    /// Whether this CRL can be relied on at `at`: signed by the issuer, of the issuer, in its validity.
    pub fn usable_at(&self, at: OffsetDateTime) -> bool {
        self.signature == SignatureCheck::Valid
            && self.issuer_matches
            && !self.expired_at(at)
            && !self.not_yet_valid_at(at)
    }
}

/// Why a downloaded answer is no CRL certwiz can judge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CrlError {
    /// PEM armour around something unreadable.
    #[error("not a CRL: the PEM text cannot be read ({0})")]
    Pem(String),
    /// A web page where the CRL should be (a portal, a login page, a 404 page served as 200).
    #[error("not a CRL: the server sent an HTML or XML page ({0}…)")]
    Page(String),
    /// Bytes that do not decode as a CRL.
    #[error("not a CRL: {0}")]
    NotACrl(String),
    /// The certificate it is about cannot be read.
    #[error("certificate unreadable: {0}")]
    Certificate(String),
    /// The issuing CA's certificate cannot be read.
    #[error("issuer unreadable: {0}")]
    Issuer(String),
}

/// Reads `bytes` (DER, or PEM `X509 CRL`) as the CRL for `cert`, checking its signature with `issuer`.
pub fn evaluate(bytes: &[u8], cert: &[u8], issuer: &[u8]) -> Result<CrlFacts, CrlError> {
    let pem_body;
    let der: &[u8] = if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        pem_body = pem::parse(bytes)
            .map_err(|e| CrlError::Pem(e.to_string()))?
            .into_contents();
        &pem_body
    } else {
        bytes
    };
    let (_, crl) = CertificateRevocationList::from_der(der).map_err(|e| {
        let start: String = String::from_utf8_lossy(&bytes[..bytes.len().min(60)])
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        if start.trim_start().starts_with('<') {
            CrlError::Page(start.trim().to_owned())
        } else {
            CrlError::NotACrl(e.to_string())
        }
    })?;
    let (_, cert) =
        X509Certificate::from_der(cert).map_err(|e| CrlError::Certificate(e.to_string()))?;
    let (_, issuer) =
        X509Certificate::from_der(issuer).map_err(|e| CrlError::Issuer(e.to_string()))?;
    let signature = verify_signed(
        &crl.signature_algorithm,
        &crl.signature_value,
        crl.tbs_cert_list.as_ref(),
        issuer.public_key(),
    );
    let issuer_matches = crl.issuer().as_raw() == cert.issuer().as_raw()
        || crate::engine::cert::name_key(crl.issuer())
            == crate::engine::cert::name_key(cert.issuer());
    let serial = cert.serial.clone();
    let revoked = crl
        .iter_revoked_certificates()
        .find(|r| *r.serial() == serial)
        .map(|r| RevokedEntry {
            date: r.revocation_date.to_datetime(),
            reason: r
                .reason_code()
                .map(|(_, code)| reason_name(code.0).to_owned()),
        });
    let delta = crl
        .extensions()
        .iter()
        .any(|e| e.oid.to_id_string() == OID_DELTA_CRL_INDICATOR);
    Ok(CrlFacts {
        issuer: display_dn(crl.issuer()),
        issuer_matches,
        signature,
        this_update: crl.last_update().to_datetime(),
        next_update: crl.next_update().map(|t| t.to_datetime()),
        number: crl.crl_number().map(|n| hex_upper(&n.to_bytes_be())),
        delta,
        entries: crl.iter_revoked_certificates().count(),
        revoked,
    })
}

/// RFC 5280's name of a CRL reason code.
pub fn reason_name(code: u8) -> &'static str {
    match code {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "cACompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "aACompromise",
        _ => "unknown reason",
    }
}
