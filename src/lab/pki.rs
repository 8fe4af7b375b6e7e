//! The lab's certificates, made with rcgen (ECDSA P-256): one healthy PKI plus the broken variants the
//! scenarios present.

use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose as Eku, IsCa, Issuer,
    KeyPair, KeyUsagePurpose,
};
use time::OffsetDateTime;
use time::macros::datetime;

use super::{LAB_HOST, LabError, LabFiles};

/// A certificate chain (leaf first) and its PKCS#8 key.
#[derive(Clone)]
pub struct LabIdentity {
    /// DER certificates, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// PKCS#8 private key (test material, never a real secret).
    pub key_pkcs8: Vec<u8>,
    /// PEM of the chain.
    pub chain_pem: String,
    /// PEM of the key.
    pub key_pem: String,
}

/// Every certificate the lab's scenarios use.
pub struct LabPki {
    /// The lab root CA (DER), the trust anchor of the healthy PKI.
    pub root: Vec<u8>,
    /// Its PEM.
    pub root_pem: String,
    /// A foreign root that trusts nobody we know.
    pub foreign_root: Vec<u8>,
    /// The healthy server: pool01.lab.test under the issuing CA, both purposes.
    pub server: LabIdentity,
    /// The calling front end's certificate (fe02.lab.test), both purposes.
    pub client: LabIdentity,
    /// The server under an issuing CA restricted to Server Authentication.
    pub server_restricted_issuer: LabIdentity,
    /// The server certificate without Client Authentication.
    pub server_no_client_auth: LabIdentity,
    /// An expired server certificate.
    pub server_expired: LabIdentity,
    /// A server certificate for another name.
    pub server_wrong_name: LabIdentity,
    /// A server under a rogue PKI, root included in the chain.
    pub server_rogue: LabIdentity,
}

struct Ca {
    params: CertificateParams,
    key: KeyPair,
    der: Vec<u8>,
    pem: String,
}

impl Ca {
    fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }
}

fn pki_err(e: rcgen::Error) -> LabError {
    LabError::Pki(e.to_string())
}

fn params(cn: &str, sans: &[&str], serial: u64) -> Result<CertificateParams, LabError> {
    let mut p = CertificateParams::new(sans.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
        .map_err(pki_err)?;
    // Most general attribute first, as CAs encode names; Windows then shows "CN=..., O=...".
    p.distinguished_name.remove(DnType::CommonName);
    p.distinguished_name
        .push(DnType::OrganizationName, "certwiz lab");
    p.distinguished_name.push(DnType::CommonName, cn);
    p.serial_number = Some(rcgen::SerialNumber::from_slice(&serial.to_be_bytes()));
    p.not_before = datetime!(2020-01-01 00:00:00 UTC);
    p.not_after = datetime!(2040-01-01 00:00:00 UTC);
    p.use_authority_key_identifier_extension = true;
    Ok(p)
}

fn ca(cn: &str, serial: u64, eku: Vec<Eku>, parent: Option<&Ca>) -> Result<Ca, LabError> {
    let key = KeyPair::generate().map_err(pki_err)?;
    let mut p = params(cn, &[], serial)?;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.extended_key_usages = eku;
    let cert = match parent {
        Some(parent) => p.signed_by(&key, &parent.issuer()),
        None => p.self_signed(&key),
    }
    .map_err(pki_err)?;
    Ok(Ca {
        der: cert.der().to_vec(),
        pem: cert.pem(),
        params: p,
        key,
    })
}

fn leaf(
    cn: &str,
    sans: &[&str],
    serial: u64,
    eku: Vec<Eku>,
    validity: Option<(OffsetDateTime, OffsetDateTime)>,
    issuer: &Ca,
    chain_above: &[&Ca],
) -> Result<LabIdentity, LabError> {
    let key = KeyPair::generate().map_err(pki_err)?;
    let mut p = params(cn, sans, serial)?;
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    p.extended_key_usages = eku;
    if let Some((from, to)) = validity {
        p.not_before = from;
        p.not_after = to;
    }
    let cert = p.signed_by(&key, &issuer.issuer()).map_err(pki_err)?;
    let mut chain = vec![cert.der().to_vec()];
    let mut chain_pem = cert.pem();
    for ca in chain_above {
        chain.push(ca.der.clone());
        chain_pem.push_str(&ca.pem);
    }
    Ok(LabIdentity {
        chain,
        key_pkcs8: key.serialize_der(),
        chain_pem,
        key_pem: key.serialize_pem(),
    })
}

impl LabPki {
    /// Generates a fresh set (about a dozen P-256 keys; a few milliseconds).
    pub fn generate() -> Result<LabPki, LabError> {
        let both = || vec![Eku::ServerAuth, Eku::ClientAuth];
        let root = ca("certwiz Lab Root CA", 1, vec![], None)?;
        let issuing = ca("certwiz Lab Issuing CA", 2, vec![], Some(&root))?;
        let restricted = ca(
            "certwiz Lab Server-Only Issuing CA",
            3,
            vec![Eku::ServerAuth],
            Some(&root),
        )?;
        let foreign_root = ca("Foreign Partner Root CA", 4, vec![], None)?;
        let rogue_root = ca("Rogue Root CA", 5, vec![], None)?;
        let rogue_issuing = ca("Rogue Issuing CA", 6, vec![], Some(&rogue_root))?;
        let names = [LAB_HOST, "fe01.lab.test"];
        Ok(LabPki {
            server: leaf(LAB_HOST, &names, 100, both(), None, &issuing, &[&issuing])?,
            client: leaf(
                "fe02.lab.test",
                &["fe02.lab.test"],
                101,
                both(),
                None,
                &issuing,
                &[&issuing],
            )?,
            server_restricted_issuer: leaf(
                LAB_HOST,
                &names,
                102,
                both(),
                None,
                &restricted,
                &[&restricted],
            )?,
            server_no_client_auth: leaf(
                LAB_HOST,
                &names,
                103,
                vec![Eku::ServerAuth],
                None,
                &issuing,
                &[&issuing],
            )?,
            server_expired: leaf(
                LAB_HOST,
                &names,
                104,
                both(),
                Some((
                    datetime!(2020-01-01 00:00:00 UTC),
                    datetime!(2021-01-01 00:00:00 UTC),
                )),
                &issuing,
                &[&issuing],
            )?,
            server_wrong_name: leaf(
                "web.lab.test",
                &["web.lab.test"],
                105,
                both(),
                None,
                &issuing,
                &[&issuing],
            )?,
            server_rogue: leaf(
                LAB_HOST,
                &names,
                106,
                both(),
                None,
                &rogue_issuing,
                &[&rogue_issuing, &rogue_root],
            )?,
            root: root.der,
            root_pem: root.pem,
            foreign_root: foreign_root.der,
        })
    }

    /// Writes the files a user (or a test) gives on the command line.
    pub fn write_files(&self, dir: &Path) -> Result<LabFiles, LabError> {
        let write = |name: &str, text: &str| -> Result<std::path::PathBuf, LabError> {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(LabError::Io)?;
            Ok(path)
        };
        let server_leaf_pem =
            pem::encode(&pem::Pem::new("CERTIFICATE", self.server.chain[0].clone()));
        Ok(LabFiles {
            root: write("lab-root.pem", &self.root_pem)?,
            client_cert: write("lab-client.pem", &self.client.chain_pem)?,
            client_key: write("lab-client.key", &self.client.key_pem)?,
            server_cert: write("lab-server.pem", &server_leaf_pem)?,
        })
    }
}
