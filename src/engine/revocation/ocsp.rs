//! OCSP: asking the responder a certificate names whether it is revoked (RFC 6960), with the RustCrypto
//! `x509-ocsp` types for the ASN.1, and the answer's signature checked against the issuing CA (or a
//! responder certificate the CA delegated to).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use der::{Decode, Encode, Reader, SliceReader};
use x509_cert::Certificate;
use x509_ocsp::builder::OcspRequestBuilder;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspResponse, OcspResponseStatus, Request, ResponderId,
};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::x509::AlgorithmIdentifier;

use crate::engine::cert::display_dn;
use crate::engine::signature::{SignatureCheck, verify_signed};

/// What the responder says about the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum OcspStatus {
    /// Not revoked.
    Good,
    /// Revoked.
    Revoked {
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        date: OffsetDateTime,
        /// Why, in RFC 5280's words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The responder does not know the certificate.
    Unknown,
}

/// What an OCSP answer says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcspFacts {
    /// The certificate's status.
    #[serde(flatten)]
    pub status: OcspStatus,
    /// Who signed the answer: the issuing CA, or a responder certificate's subject.
    pub signer: String,
    /// Whether the signer's key verifies the answer.
    pub signature: SignatureCheck,
    /// Whether the signer may answer for this CA (the CA itself, or a certificate it issued with the
    /// OCSP Signing purpose).
    pub signer_authorized: bool,
    /// When the answer was produced.
    #[serde(with = "time::serde::rfc3339")]
    pub this_update: OffsetDateTime,
    /// Until when it may be used.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_update: Option<OffsetDateTime>,
}

impl OcspFacts {
    /// Whether the answer is signed by someone allowed to give it.
    pub fn signature_ok(&self) -> bool {
        self.signature == SignatureCheck::Valid && self.signer_authorized
    }

    /// Whether the answer can be relied on at `at`.
    pub fn usable_at(&self, at: OffsetDateTime) -> bool {
        self.signature_ok()
            && self.next_update.is_none_or(|n| n >= at)
            && self.this_update <= super::crl::tolerant(at)
    }

    /// One line for lists.
    pub fn summary(&self) -> String {
        let status = match &self.status {
            OcspStatus::Good => "good (not revoked)".to_owned(),
            OcspStatus::Revoked { date, reason } => format!(
                "REVOKED on {}{}",
                date.date(),
                reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
            OcspStatus::Unknown => "unknown (the responder does not know this certificate)".into(),
        };
        let mut out = format!("OCSP answer: {status}, signed by {}", self.signer);
        if self.signature == SignatureCheck::Unsupported {
            out.push_str(", signature algorithm not supported by certwiz (not used)");
        } else if self.signature != SignatureCheck::Valid {
            out.push_str(", signature does NOT verify");
        } else if !self.signer_authorized {
            out.push_str(", signer NOT authorised by the CA");
        }
        out
    }
}

/// The DER of an OCSP request for `cert` issued by `issuer`: one SHA-1 CertID (what every responder,
/// Microsoft's Online Responder included, understands), unsigned, no nonce (Microsoft's responder does
/// not echo one and caches answers).
pub fn request(cert: &[u8], issuer: &[u8]) -> Result<Vec<u8>, OcspError> {
    let cert_id = cert_id(cert, issuer)?;
    OcspRequestBuilder::default()
        .with_request(Request::new(cert_id))
        .build()
        .to_der()
        .map_err(|e| OcspError::Encode(e.to_string()))
}

fn cert_id(cert: &[u8], issuer: &[u8]) -> Result<CertId, OcspError> {
    let cert = Certificate::from_der(cert).map_err(|e| OcspError::Certificate(e.to_string()))?;
    let issuer = Certificate::from_der(issuer).map_err(|e| OcspError::Issuer(e.to_string()))?;
    Request::from_cert::<sha1::Sha1>(&issuer, &cert)
        .map(|r| r.req_cert)
        .map_err(|e| OcspError::CertId(e.to_string()))
}

/// Why an OCSP request cannot be made, or an answer is none certwiz can judge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OcspError {
    /// The certificate it is about cannot be read.
    #[error("certificate: {0}")]
    Certificate(String),
    /// The issuing CA's certificate cannot be read.
    #[error("issuer: {0}")]
    Issuer(String),
    /// The CertID (hashes of the issuer's name and key, and the serial) cannot be made.
    #[error("CertID: {0}")]
    CertId(String),
    /// The request cannot be encoded.
    #[error("the request could not be encoded: {0}")]
    Encode(String),
    /// Bytes that do not decode as an OCSP response.
    #[error("not an OCSP response: {0}")]
    NotAResponse(String),
    /// The responder answered, but with an error status.
    #[error("the responder refused to answer ({0})")]
    Refused(&'static str),
    /// "Successful" without the answer.
    #[error("a successful OCSP response without a body")]
    NoBody,
    /// Not the basic response type every responder uses.
    #[error("unsupported OCSP response type {0}")]
    UnsupportedType(String),
    /// The basic response does not decode.
    #[error("the OCSP response cannot be read: {0}")]
    Unreadable(String),
    /// Its signature algorithm does not decode.
    #[error("signature algorithm: {0}")]
    SignatureAlgorithm(String),
    /// It answers for another certificate.
    #[error("the OCSP answer is about another certificate")]
    OtherCertificate,
    /// A date beyond what certwiz can represent.
    #[error("time out of range")]
    TimeOutOfRange,
}

/// Reads an OCSP response for `cert` issued by `issuer`: the status the responder gives, and whether
/// the issuer (or a responder certificate it issued for OCSP signing) signed it.
pub fn evaluate(response: &[u8], cert: &[u8], issuer: &[u8]) -> Result<OcspFacts, OcspError> {
    let parsed =
        OcspResponse::from_der(response).map_err(|e| OcspError::NotAResponse(e.to_string()))?;
    if parsed.response_status != OcspResponseStatus::Successful {
        return Err(OcspError::Refused(status_words(parsed.response_status)));
    }
    let bytes = parsed.response_bytes.ok_or(OcspError::NoBody)?;
    if bytes.response_type != <BasicOcspResponse as der::oid::AssociatedOid>::OID {
        return Err(OcspError::UnsupportedType(bytes.response_type.to_string()));
    }
    let basic_der = bytes.response.as_bytes();
    let basic =
        BasicOcspResponse::from_der(basic_der).map_err(|e| OcspError::Unreadable(e.to_string()))?;
    let signed =
        raw_tbs_response_data(basic_der).map_err(|e| OcspError::Unreadable(e.to_string()))?;
    let algorithm_der = basic
        .signature_algorithm
        .to_der()
        .map_err(|e| OcspError::SignatureAlgorithm(e.to_string()))?;
    let (_, algorithm) = AlgorithmIdentifier::from_der(&algorithm_der)
        .map_err(|e| OcspError::SignatureAlgorithm(e.to_string()))?;
    let signature =
        asn1_rs::BitString::new(basic.signature.unused_bits(), basic.signature.raw_bytes());
    let (_, issuer_cert) =
        X509Certificate::from_der(issuer).map_err(|e| OcspError::Issuer(e.to_string()))?;
    let by_issuer = verify_signed(&algorithm, &signature, signed, issuer_cert.public_key());
    let (signer, check, authorized) = if by_issuer == SignatureCheck::Valid {
        ("the issuing CA".to_owned(), by_issuer, true)
    } else {
        // A delegated responder: a certificate in the answer, issued by the CA for OCSP signing.
        let mut best = (
            responder_name(&basic.tbs_response_data.responder_id),
            by_issuer,
            false,
        );
        for candidate in basic.certs.iter().flatten() {
            let Ok(der) = candidate.to_der() else {
                continue;
            };
            let Ok((_, responder)) = X509Certificate::from_der(&der) else {
                continue;
            };
            let check = verify_signed(&algorithm, &signature, signed, responder.public_key());
            if check != SignatureCheck::Valid {
                continue;
            }
            let issued_by_ca = responder.issuer().as_raw() == issuer_cert.subject().as_raw()
                && responder
                    .verify_signature(Some(issuer_cert.public_key()))
                    .is_ok();
            let ocsp_signing =
                matches!(responder.extended_key_usage(), Ok(Some(eku)) if eku.value.ocsp_signing);
            best = (
                format!("responder {}", display_dn(responder.subject())),
                check,
                issued_by_ca && ocsp_signing,
            );
            if best.2 {
                break;
            }
        }
        best
    };
    let wanted = cert_id(cert, issuer)?;
    let data = &basic.tbs_response_data;
    let single = data
        .responses
        .iter()
        .find(|s| same_cert_id(&s.cert_id, &wanted))
        .ok_or(OcspError::OtherCertificate)?;
    let status = match single.cert_status {
        CertStatus::Good(_) => OcspStatus::Good,
        CertStatus::Revoked(info) => OcspStatus::Revoked {
            date: to_time(info.revocation_time.0)?,
            reason: info
                .revocation_reason
                .map(|r| super::crl::reason_name(r as u8).to_owned()),
        },
        CertStatus::Unknown(_) => OcspStatus::Unknown,
    };
    Ok(OcspFacts {
        status,
        signer,
        signature: check,
        signer_authorized: authorized,
        this_update: to_time(single.this_update.0)?,
        next_update: single.next_update.map(|t| to_time(t.0)).transpose()?,
    })
}

fn to_time(t: der::asn1::GeneralizedTime) -> Result<OffsetDateTime, OcspError> {
    let secs =
        i64::try_from(t.to_unix_duration().as_secs()).map_err(|_| OcspError::TimeOutOfRange)?;
    OffsetDateTime::from_unix_timestamp(secs).map_err(|_| OcspError::TimeOutOfRange)
}

fn status_words(status: OcspResponseStatus) -> &'static str {
    match status {
        OcspResponseStatus::Successful => "successful",
        OcspResponseStatus::MalformedRequest => "malformedRequest",
        OcspResponseStatus::InternalError => "internalError",
        OcspResponseStatus::TryLater => "tryLater",
        OcspResponseStatus::SigRequired => "sigRequired",
        OcspResponseStatus::Unauthorized => "unauthorized",
    }
}

fn responder_name(id: &ResponderId) -> String {
    match id {
        ResponderId::ByName(name) => format!("responder {name}"),
        ResponderId::ByKey(_) => "a responder named by key".to_owned(),
    }
}

/// CertIDs match on hash algorithm, name hash, key hash and serial (responders differ on whether the
/// hash algorithm's parameters are NULL or absent).
fn same_cert_id(a: &CertId, b: &CertId) -> bool {
    a.hash_algorithm.oid == b.hash_algorithm.oid
        && a.issuer_name_hash == b.issuer_name_hash
        && a.issuer_key_hash == b.issuer_key_hash
        && a.serial_number == b.serial_number
}

/// The bytes of `tbsResponseData` as received (what was signed), not re-encoded.
fn raw_tbs_response_data(basic: &[u8]) -> der::Result<&[u8]> {
    let mut reader = SliceReader::new(basic)?;
    reader.sequence(|r| {
        let tbs = r.tlv_bytes()?;
        while !r.is_finished() {
            r.tlv_bytes()?;
        }
        Ok(tbs)
    })
}
