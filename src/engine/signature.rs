//! Checking that an issuer signed a certificate, including the legacy signatures of OCS 2007-era PKIs.
//!
//! ring (through x509-parser) verifies modern signatures. It refuses MD5 and RSA keys under 1024 bits,
//! and x509-parser asks it for 2048-bit keys with SHA-2, so those legacy cases go to RustCrypto's `rsa`:
//! an old CA must show up as "weak", never as "bad signature".

use asn1_rs::BitString;
use rsa::RsaPublicKey;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use serde::{Deserialize, Serialize};
use x509_parser::certificate::X509Certificate;
use x509_parser::error::X509Error;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

/// The outcome of checking one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureCheck {
    /// The issuer's key verifies the signature.
    Valid,
    /// The signature does not verify with the issuer's key.
    Invalid,
    /// certwiz cannot check this algorithm (e.g. DSA, GOST).
    Unsupported,
}

const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";

/// Checks that `issuer_key` signed `cert`.
pub fn verify(cert: &X509Certificate<'_>, issuer_key: &SubjectPublicKeyInfo<'_>) -> SignatureCheck {
    verify_signed(
        &cert.signature_algorithm,
        &cert.signature_value,
        cert.tbs_certificate.as_ref(),
        issuer_key,
    )
}

/// Checks that `issuer_key` made `signature` over `signed` (the DER of a TBS structure) with
/// `algorithm`: certificates, CRLs and OCSP responses alike.
pub fn verify_signed(
    algorithm: &AlgorithmIdentifier<'_>,
    signature: &BitString<'_>,
    signed: &[u8],
    issuer_key: &SubjectPublicKeyInfo<'_>,
) -> SignatureCheck {
    let sig_oid = algorithm.algorithm.to_id_string();
    let legacy_digest = match sig_oid.as_str() {
        "1.2.840.113549.1.1.4" => Some(LegacyDigest::Md5),
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => Some(LegacyDigest::Sha1),
        "1.2.840.113549.1.1.11" => Some(LegacyDigest::Sha256),
        "1.2.840.113549.1.1.12" => Some(LegacyDigest::Sha384),
        "1.2.840.113549.1.1.13" => Some(LegacyDigest::Sha512),
        _ => None,
    };
    let is_rsa_key = issuer_key.algorithm.algorithm.to_id_string() == OID_RSA_ENCRYPTION;
    if let (Some(digest), true) = (legacy_digest, is_rsa_key) {
        let modern = digest != LegacyDigest::Md5 && rsa_modulus_bits(issuer_key) >= 2048;
        if !modern {
            return verify_rsa_pkcs1(
                signed,
                &signature.data,
                &issuer_key.subject_public_key.data,
                digest,
            );
        }
    }
    match x509_parser::verify::verify_signature(issuer_key, algorithm, signature, signed) {
        Ok(()) => SignatureCheck::Valid,
        Err(X509Error::SignatureUnsupportedAlgorithm) => SignatureCheck::Unsupported,
        Err(_) => SignatureCheck::Invalid,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LegacyDigest {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

fn rsa_modulus_bits(key: &SubjectPublicKeyInfo<'_>) -> usize {
    match key.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => rsa.key_size(),
        _ => 0,
    }
}

fn verify_rsa_pkcs1(
    message: &[u8],
    signature: &[u8],
    pkcs1_key: &[u8],
    digest: LegacyDigest,
) -> SignatureCheck {
    let Ok(key) = RsaPublicKey::from_pkcs1_der(pkcs1_key) else {
        return SignatureCheck::Invalid;
    };
    let Ok(signature) = Signature::try_from(signature) else {
        return SignatureCheck::Invalid;
    };
    let ok = match digest {
        LegacyDigest::Md5 => pkcs1_verifies::<md5::Md5>(key, message, &signature),
        LegacyDigest::Sha1 => pkcs1_verifies::<sha1::Sha1>(key, message, &signature),
        LegacyDigest::Sha256 => pkcs1_verifies::<sha2::Sha256>(key, message, &signature),
        LegacyDigest::Sha384 => pkcs1_verifies::<sha2::Sha384>(key, message, &signature),
        LegacyDigest::Sha512 => pkcs1_verifies::<sha2::Sha512>(key, message, &signature),
    };
    if ok {
        SignatureCheck::Valid
    } else {
        SignatureCheck::Invalid
    }
}

fn pkcs1_verifies<D>(key: RsaPublicKey, message: &[u8], signature: &Signature) -> bool
where
    D: sha2::Digest + rsa::pkcs8::AssociatedOid,
{
    VerifyingKey::<D>::new(key)
        .verify(message, signature)
        .is_ok()
}
