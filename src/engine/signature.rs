//! Checking that an issuer signed a certificate, including the legacy signatures of OCS 2007-era PKIs.
//!
//! ring (through x509-parser) verifies modern signatures. It refuses MD5 and RSA keys under 1024 bits,
//! and x509-parser asks it for 2048-bit keys with SHA-2, so those legacy cases go to RustCrypto's `rsa`:
//! an old CA must show up as "weak", never as "bad signature". RSASSA-PSS (what a Windows Server 2008
//! CA writes with `AlternateSignatureAlgorithm=1`, SHA-1 by default there) also goes to `rsa`, which
//! takes the hash, the MGF1 hash and the salt length from the certificate; ring only knows SHA-2 PSS
//! with the salt as long as the hash.
//!
//! What no kept crate verifies (ecdsa-with-SHA1, ECDSA with SHA-512 or on P-521 / P-192, DSA,
//! explicit EC parameters, GOST) is [`SignatureCheck::Unsupported`]: the path rules then say
//! "signature not checked", never "verified".

use asn1_rs::BitString;
use rsa::RsaPublicKey;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use serde::{Deserialize, Serialize};
use x509_parser::certificate::X509Certificate;
use x509_parser::error::X509Error;
use x509_parser::signature_algorithm::RsaSsaPssParams;
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
const OID_RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
const OID_MGF1: &str = "1.2.840.113549.1.1.8";

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
    if sig_oid == OID_RSASSA_PSS {
        return if is_rsa_key {
            verify_rsa_pss(algorithm, signed, &signature.data, issuer_key)
        } else {
            SignatureCheck::Unsupported
        };
    }
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

/// RSASSA-PSS with the parameters the certificate states (RFC 4055 defaults: SHA-1, MGF1 with SHA-1,
/// salt 20). A hash or mask other than MGF1 with the same hash is not something `rsa` verifies.
fn verify_rsa_pss(
    algorithm: &AlgorithmIdentifier<'_>,
    message: &[u8],
    signature: &[u8],
    issuer_key: &SubjectPublicKeyInfo<'_>,
) -> SignatureCheck {
    // Absent parameters are not allowed for PSS in a certificate signature (RFC 4055 3.1).
    let Some(params) = algorithm.parameters.as_ref() else {
        return SignatureCheck::Invalid;
    };
    let Ok(params) = RsaSsaPssParams::try_from(params) else {
        return SignatureCheck::Invalid;
    };
    let hash = params.hash_algorithm_oid().to_id_string();
    let Ok(mask) = params.mask_gen_algorithm() else {
        return SignatureCheck::Invalid;
    };
    if mask.mgf.to_id_string() != OID_MGF1 || mask.hash.to_id_string() != hash {
        return SignatureCheck::Unsupported;
    }
    if params.trailer_field() != 1 {
        return SignatureCheck::Invalid;
    }
    let Ok(salt_len) = usize::try_from(params.salt_length()) else {
        return SignatureCheck::Invalid;
    };
    let Ok(key) = RsaPublicKey::from_pkcs1_der(&issuer_key.subject_public_key.data) else {
        return SignatureCheck::Invalid;
    };
    let Ok(signature) = rsa::pss::Signature::try_from(signature) else {
        return SignatureCheck::Invalid;
    };
    let ok = match hash.as_str() {
        "1.3.14.3.2.26" => pss_verifies::<sha1::Sha1>(key, salt_len, message, &signature),
        "2.16.840.1.101.3.4.2.1" => {
            pss_verifies::<sha2::Sha256>(key, salt_len, message, &signature)
        }
        "2.16.840.1.101.3.4.2.2" => {
            pss_verifies::<sha2::Sha384>(key, salt_len, message, &signature)
        }
        "2.16.840.1.101.3.4.2.3" => {
            pss_verifies::<sha2::Sha512>(key, salt_len, message, &signature)
        }
        _ => return SignatureCheck::Unsupported,
    };
    if ok {
        SignatureCheck::Valid
    } else {
        SignatureCheck::Invalid
    }
}

fn pss_verifies<D>(
    key: RsaPublicKey,
    salt_len: usize,
    message: &[u8],
    signature: &rsa::pss::Signature,
) -> bool
where
    D: sha2::Digest + sha2::digest::FixedOutputReset,
{
    rsa::pss::VerifyingKey::<D>::new_with_salt_len(key, salt_len)
        .verify(message, signature)
        .is_ok()
}

/// The algorithm's name for messages ("sha256RSA", "ecdsa-with-SHA1", or the dotted OID).
pub fn algorithm_name(algorithm: &AlgorithmIdentifier<'_>) -> String {
    crate::engine::cert::signature_algorithm_name(&algorithm.algorithm.to_id_string())
}

fn pkcs1_verifies<D>(key: RsaPublicKey, message: &[u8], signature: &Signature) -> bool
where
    D: sha2::Digest + rsa::pkcs8::AssociatedOid,
{
    VerifyingKey::<D>::new(key)
        .verify(message, signature)
        .is_ok()
}
