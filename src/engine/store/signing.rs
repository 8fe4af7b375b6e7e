//! Signing with a key that stays where it is: a rustls [`SigningKey`] over anything that can sign a
//! digest ([`HashSigner`]). On Windows the signer is the certificate's CNG key in the machine store
//! (`NCryptSignHash`, [`super::cng`]), so mutual TLS works with the server's own certificate even
//! when its key is not exportable, which is normal for server certificates. Everything here is pure
//! and tested on every system: choosing the scheme, hashing, the padding each scheme needs, and
//! turning CNG's raw ECDSA signature (r ‖ s) into the DER form TLS sends.

use std::fmt;
use std::sync::Arc;

use der::Encode;
use der::asn1::{SequenceOf, UintRef};
use rustls::sign::{Signer, SigningKey};
use rustls::{SignatureAlgorithm, SignatureScheme};
use sha2::Digest;

/// The kind of key a certificate holds, from its SubjectPublicKeyInfo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAlgorithm {
    /// RSA (PKCS #1 v1.5 or PSS signatures).
    Rsa,
    /// ECDSA on P-256.
    EcdsaP256,
    /// ECDSA on P-384.
    EcdsaP384,
}

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";

/// The key algorithm of the certificate `der` (None for keys TLS client authentication with a store
/// key does not support here, e.g. P-521 or DSA).
pub fn key_algorithm(der: &[u8]) -> Option<KeyAlgorithm> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let spki = &cert.tbs_certificate.subject_pki;
    match spki.algorithm.algorithm.to_id_string().as_str() {
        OID_RSA => Some(KeyAlgorithm::Rsa),
        OID_EC => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string())?;
            match curve.as_str() {
                OID_P256 => Some(KeyAlgorithm::EcdsaP256),
                OID_P384 => Some(KeyAlgorithm::EcdsaP384),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A digest algorithm, by the name CNG gives it (`BCRYPT_SHA256_ALGORITHM` is "SHA256").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// CNG's algorithm identifier.
    pub fn cng_name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha256 => "SHA256",
            HashAlgorithm::Sha384 => "SHA384",
            HashAlgorithm::Sha512 => "SHA512",
        }
    }

    /// Length of the digest in bytes (also the PSS salt length TLS requires).
    pub fn digest_len(self) -> usize {
        match self {
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        }
    }

    /// The digest of `message`.
    pub fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            HashAlgorithm::Sha256 => sha2::Sha256::digest(message).to_vec(),
            HashAlgorithm::Sha384 => sha2::Sha384::digest(message).to_vec(),
            HashAlgorithm::Sha512 => sha2::Sha512::digest(message).to_vec(),
        }
    }
}

/// How a digest is signed: what `NCryptSignHash` is given as padding information.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// RSA PKCS #1 v1.5 with the digest's algorithm identifier (`BCRYPT_PAD_PKCS1`).
    Pkcs1(HashAlgorithm),
    /// RSA-PSS with MGF1 over the same hash and a salt as long as the digest (`BCRYPT_PAD_PSS`).
    Pss(HashAlgorithm),
    /// ECDSA: no padding; the signature comes back as r ‖ s.
    Ecdsa(HashAlgorithm),
}

impl Padding {
    /// The hash the scheme signs.
    pub fn hash(self) -> HashAlgorithm {
        match self {
            Padding::Pkcs1(h) | Padding::Pss(h) | Padding::Ecdsa(h) => h,
        }
    }
}

/// The padding (and hash) of a TLS signature scheme, for the schemes a store key can serve.
pub fn padding_for(scheme: SignatureScheme) -> Option<Padding> {
    use HashAlgorithm::{Sha256, Sha384, Sha512};
    Some(match scheme {
        SignatureScheme::RSA_PSS_SHA256 => Padding::Pss(Sha256),
        SignatureScheme::RSA_PSS_SHA384 => Padding::Pss(Sha384),
        SignatureScheme::RSA_PSS_SHA512 => Padding::Pss(Sha512),
        SignatureScheme::RSA_PKCS1_SHA256 => Padding::Pkcs1(Sha256),
        SignatureScheme::RSA_PKCS1_SHA384 => Padding::Pkcs1(Sha384),
        SignatureScheme::RSA_PKCS1_SHA512 => Padding::Pkcs1(Sha512),
        SignatureScheme::ECDSA_NISTP256_SHA256 => Padding::Ecdsa(Sha256),
        SignatureScheme::ECDSA_NISTP384_SHA384 => Padding::Ecdsa(Sha384),
        _ => return None,
    })
}

/// The scheme to sign with: the first of the key's preferences the peer offered. RSA prefers PSS
/// (TLS 1.3 allows nothing else for RSA), then PKCS #1 v1.5 (TLS 1.2 servers such as OCS 2007 R2).
pub fn choose_scheme(key: KeyAlgorithm, offered: &[SignatureScheme]) -> Option<SignatureScheme> {
    let preferences: &[SignatureScheme] = match key {
        KeyAlgorithm::Rsa => &[
            SignatureScheme::RSA_PSS_SHA256,
            SignatureScheme::RSA_PSS_SHA384,
            SignatureScheme::RSA_PSS_SHA512,
            SignatureScheme::RSA_PKCS1_SHA256,
            SignatureScheme::RSA_PKCS1_SHA384,
            SignatureScheme::RSA_PKCS1_SHA512,
        ],
        KeyAlgorithm::EcdsaP256 => &[SignatureScheme::ECDSA_NISTP256_SHA256],
        KeyAlgorithm::EcdsaP384 => &[SignatureScheme::ECDSA_NISTP384_SHA384],
    };
    preferences.iter().copied().find(|s| offered.contains(s))
}

/// CNG's ECDSA signature (r ‖ s, each half the curve size) as TLS sends it: DER
/// `SEQUENCE { r INTEGER, s INTEGER }`. None when the length is odd or empty.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let mut seq: SequenceOf<UintRef<'_>, 2> = SequenceOf::new();
    seq.add(UintRef::new(r).ok()?).ok()?;
    seq.add(UintRef::new(s).ok()?).ok()?;
    seq.to_der().ok()
}

/// Something that signs a digest with a private key it keeps (a CNG key handle on Windows).
pub trait HashSigner: Send + Sync + fmt::Debug {
    /// Signs `digest` (already hashed with `padding.hash()`): RSA returns the signature, ECDSA r ‖ s.
    fn sign_digest(&self, padding: Padding, digest: &[u8]) -> Result<Vec<u8>, String>;
}

/// A rustls signing key whose private half stays with a [`HashSigner`].
#[derive(Debug)]
pub struct StoreSigningKey {
    algorithm: KeyAlgorithm,
    signer: Arc<dyn HashSigner>,
}

impl StoreSigningKey {
    /// A signing key for a certificate whose key is `algorithm`, signing through `signer`.
    pub fn new(algorithm: KeyAlgorithm, signer: Arc<dyn HashSigner>) -> Self {
        StoreSigningKey { algorithm, signer }
    }
}

impl SigningKey for StoreSigningKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        let scheme = choose_scheme(self.algorithm, offered)?;
        let padding = padding_for(scheme)?;
        Some(Box::new(StoreSigner {
            scheme,
            padding,
            signer: Arc::clone(&self.signer),
        }))
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        match self.algorithm {
            KeyAlgorithm::Rsa => SignatureAlgorithm::RSA,
            KeyAlgorithm::EcdsaP256 | KeyAlgorithm::EcdsaP384 => SignatureAlgorithm::ECDSA,
        }
    }
}

#[derive(Debug)]
struct StoreSigner {
    scheme: SignatureScheme,
    padding: Padding,
    signer: Arc<dyn HashSigner>,
}

impl Signer for StoreSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        let digest = self.padding.hash().digest(message);
        let signature = self
            .signer
            .sign_digest(self.padding, &digest)
            .map_err(|e| rustls::Error::General(format!("the store key could not sign: {e}")))?;
        match self.padding {
            Padding::Ecdsa(_) => ecdsa_raw_to_der(&signature).ok_or_else(|| {
                rustls::Error::General("the store key returned a malformed ECDSA signature".into())
            }),
            _ => Ok(signature),
        }
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{self as rs, KeyPair};

    #[test]
    fn rsa_prefers_pss_then_pkcs1_and_ecdsa_takes_its_curve() {
        let tls12 = [
            SignatureScheme::ECDSA_NISTP256_SHA256,
            SignatureScheme::RSA_PKCS1_SHA384,
            SignatureScheme::RSA_PKCS1_SHA256,
        ];
        assert_eq!(
            choose_scheme(KeyAlgorithm::Rsa, &tls12),
            Some(SignatureScheme::RSA_PKCS1_SHA256)
        );
        let tls13 = [
            SignatureScheme::RSA_PKCS1_SHA256,
            SignatureScheme::RSA_PSS_SHA384,
            SignatureScheme::RSA_PSS_SHA256,
        ];
        assert_eq!(
            choose_scheme(KeyAlgorithm::Rsa, &tls13),
            Some(SignatureScheme::RSA_PSS_SHA256)
        );
        assert_eq!(
            choose_scheme(KeyAlgorithm::EcdsaP384, &tls12),
            None,
            "P-384 needs its own scheme"
        );
        assert_eq!(
            choose_scheme(KeyAlgorithm::EcdsaP256, &tls12),
            Some(SignatureScheme::ECDSA_NISTP256_SHA256)
        );
        assert_eq!(
            padding_for(SignatureScheme::RSA_PSS_SHA384),
            Some(Padding::Pss(HashAlgorithm::Sha384))
        );
        assert_eq!(padding_for(SignatureScheme::ED25519), None);
        assert_eq!(HashAlgorithm::Sha384.cng_name(), "SHA384");
        assert_eq!(
            HashAlgorithm::Sha512.digest(b"x").len(),
            HashAlgorithm::Sha512.digest_len()
        );
    }

    #[test]
    fn raw_ecdsa_signatures_become_der_that_verifies() {
        // ring signs in the fixed (r ‖ s) form CNG returns; the converted DER must verify with the
        // ASN.1 verifier TLS peers use. Repeated to meet r or s with the high bit set or a leading zero.
        let rng = SystemRandom::new();
        let pkcs8 = rs::EcdsaKeyPair::generate_pkcs8(&rs::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .expect("key");
        let key = rs::EcdsaKeyPair::from_pkcs8(
            &rs::ECDSA_P256_SHA256_FIXED_SIGNING,
            pkcs8.as_ref(),
            &rng,
        )
        .expect("key");
        let public =
            rs::UnparsedPublicKey::new(&rs::ECDSA_P256_SHA256_ASN1, key.public_key().as_ref());
        for i in 0..64u8 {
            let message = [i; 20];
            let raw = key.sign(&rng, &message).expect("sign");
            assert_eq!(raw.as_ref().len(), 64);
            let der = ecdsa_raw_to_der(raw.as_ref()).expect("der");
            public
                .verify(&message, &der)
                .expect("DER signature verifies");
        }
        assert_eq!(ecdsa_raw_to_der(&[]), None);
        assert_eq!(ecdsa_raw_to_der(&[1, 2, 3]), None);
    }

    #[test]
    fn key_algorithms_are_read_from_the_certificate() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).expect("key");
        let cert = rcgen::CertificateParams::new(vec!["a.test".into()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        assert_eq!(key_algorithm(cert.der()), Some(KeyAlgorithm::EcdsaP384));
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["a.test".into()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        assert_eq!(key_algorithm(cert.der()), Some(KeyAlgorithm::EcdsaP256));
        assert_eq!(key_algorithm(b"not a certificate"), None);
    }
}
