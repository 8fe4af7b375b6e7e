//! The lab's certificates, made with rcgen (ECDSA P-256): one healthy PKI plus the broken variants the
//! scenarios present.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose as Eku, IsCa, Issuer,
    KeyPair, KeyUsagePurpose,
};
use time::OffsetDateTime;
use time::macros::datetime;

use super::web::{LabWeb, PublishedFiles};
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
    /// A server certificate the issuing CA has revoked (listed in its CRL).
    pub server_revoked: LabIdentity,
    /// A server certificate whose CRL distribution point does not answer (a closed port).
    pub server_crl_offline: LabIdentity,
    /// The practice pool's third front end, renewed from the company's new PKI: fe03.lab.test under
    /// "certwiz Lab New Issuing CA" ← "certwiz Lab New Root CA", both purposes.
    pub fe03: LabIdentity,
    /// The new PKI's root (DER), installed on fe03 only in the practice pool.
    pub new_root: Vec<u8>,
    /// Its PEM.
    pub new_root_pem: String,
    /// Where the lab's CAs publish their certificates and CRLs (`http://127.0.0.1:PORT`).
    pub pki_url: String,
    /// The issuing CA and where it publishes, kept to sign a server certificate for a key made later
    /// (the RSA key a Windows Server 2003 stand-in needs: rcgen cannot generate RSA keys).
    issuing: (Ca, Published),
    _web: LabWeb,
}

/// Where a certificate's issuer publishes: its CRL and its own certificate.
#[derive(Clone)]
struct Published {
    crl: String,
    ca_issuers: String,
}

/// The Authority Information Access extension (CA Issuers and OCSP URLs), encoded with x509-cert's
/// types: rcgen has no field for it.
pub fn aia_extension(
    ca_issuers: &[String],
    ocsp: &[String],
) -> Result<rcgen::CustomExtension, LabError> {
    use der::Encode;
    use x509_cert::ext::pkix::name::GeneralName;
    use x509_cert::ext::pkix::{AccessDescription, AuthorityInfoAccessSyntax};
    let ca_issuers_oid = der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");
    let ocsp_oid = der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
    let mut access = Vec::new();
    for (oid, url) in ocsp
        .iter()
        .map(|u| (ocsp_oid, u))
        .chain(ca_issuers.iter().map(|u| (ca_issuers_oid, u)))
    {
        access.push(AccessDescription {
            access_method: oid,
            access_location: GeneralName::UniformResourceIdentifier(
                der::asn1::Ia5String::new(url).map_err(|e| LabError::Pki(e.to_string()))?,
            ),
        });
    }
    let der = AuthorityInfoAccessSyntax(access)
        .to_der()
        .map_err(|e| LabError::Pki(e.to_string()))?;
    Ok(rcgen::CustomExtension::from_oid_content(
        &[1, 3, 6, 1, 5, 5, 7, 1, 1],
        der,
    ))
}

fn publish_in(p: &mut CertificateParams, at: Option<&Published>) -> Result<(), LabError> {
    if let Some(at) = at {
        p.crl_distribution_points = vec![rcgen::CrlDistributionPoint {
            uris: vec![at.crl.clone()],
        }];
        p.custom_extensions
            .push(aia_extension(std::slice::from_ref(&at.ca_issuers), &[])?);
    }
    Ok(())
}

/// A CRL of `ca` valid from yesterday for a week, listing `revoked` serials.
fn crl(ca: &Ca, revoked: &[u64]) -> Result<Vec<u8>, LabError> {
    let now = OffsetDateTime::now_utc();
    let params = rcgen::CertificateRevocationListParams {
        this_update: now - time::Duration::days(1),
        next_update: now + time::Duration::days(7),
        crl_number: rcgen::SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: revoked
            .iter()
            .map(|serial| rcgen::RevokedCertParams {
                serial_number: rcgen::SerialNumber::from_slice(&serial.to_be_bytes()),
                revocation_time: now - time::Duration::days(2),
                reason_code: Some(rcgen::RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    };
    Ok(params
        .signed_by(&ca.issuer())
        .map_err(pki_err)?
        .der()
        .to_vec())
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

fn ca(
    cn: &str,
    serial: u64,
    eku: Vec<Eku>,
    parent: Option<(&Ca, &Published)>,
) -> Result<Ca, LabError> {
    let key = KeyPair::generate().map_err(pki_err)?;
    let mut p = params(cn, &[], serial)?;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.extended_key_usages = eku;
    publish_in(&mut p, parent.map(|(_, at)| at))?;
    let parent = parent.map(|(ca, _)| ca);
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

/// What a leaf certificate says about itself.
struct Leaf<'a> {
    cn: &'a str,
    sans: &'a [&'a str],
    serial: u64,
    eku: Vec<Eku>,
    validity: Option<(OffsetDateTime, OffsetDateTime)>,
}

fn leaf(
    cn: &str,
    sans: &[&str],
    serial: u64,
    eku: Vec<Eku>,
    validity: Option<(OffsetDateTime, OffsetDateTime)>,
    under: (&Ca, &Published),
    chain_above: &[&Ca],
) -> Result<LabIdentity, LabError> {
    let key = KeyPair::generate().map_err(pki_err)?;
    let spec = Leaf {
        cn,
        sans,
        serial,
        eku,
        validity,
    };
    leaf_with_key(key, spec, under, chain_above)
}

/// [`leaf`] for a key made elsewhere.
fn leaf_with_key(
    key: KeyPair,
    Leaf {
        cn,
        sans,
        serial,
        eku,
        validity,
    }: Leaf<'_>,
    (issuer, published): (&Ca, &Published),
    chain_above: &[&Ca],
) -> Result<LabIdentity, LabError> {
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
    publish_in(&mut p, Some(published))?;
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
        let (listener, base) = LabWeb::bind()?;
        let at = |name: &str| Published {
            crl: format!("{base}/{name}.crl"),
            ca_issuers: format!("{base}/{name}.cer"),
        };
        let (by_root, by_issuing, by_restricted) = (at("root"), at("issuing"), at("restricted"));
        let (by_rogue_root, by_rogue_issuing) = (at("rogue-root"), at("rogue-issuing"));
        let (by_new_root, by_new_issuing) = (at("new-root"), at("new-issuing"));
        // A distribution point nobody answers: a port that was free a moment ago.
        let closed = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(LabError::Io)?
            .port();
        let offline = Published {
            crl: format!("http://127.0.0.1:{closed}/pki/issuing.crl"),
            ca_issuers: by_issuing.ca_issuers.clone(),
        };
        let both = || vec![Eku::ServerAuth, Eku::ClientAuth];
        let root = ca("certwiz Lab Root CA", 1, vec![], None)?;
        let issuing = ca("certwiz Lab Issuing CA", 2, vec![], Some((&root, &by_root)))?;
        let restricted = ca(
            "certwiz Lab Server-Only Issuing CA",
            3,
            vec![Eku::ServerAuth],
            Some((&root, &by_root)),
        )?;
        let foreign_root = ca("Foreign Partner Root CA", 4, vec![], None)?;
        let rogue_root = ca("Rogue Root CA", 5, vec![], None)?;
        let rogue_issuing = ca(
            "Rogue Issuing CA",
            6,
            vec![],
            Some((&rogue_root, &by_rogue_root)),
        )?;
        let new_root = ca("certwiz Lab New Root CA", 7, vec![], None)?;
        let new_issuing = ca(
            "certwiz Lab New Issuing CA",
            8,
            vec![],
            Some((&new_root, &by_new_root)),
        )?;
        let names = [LAB_HOST, "fe01.lab.test"];
        let under_issuing = (&issuing, &by_issuing);
        const REVOKED_SERIAL: u64 = 107;
        let mut published: PublishedFiles = HashMap::new();
        for (name, ca, revoked) in [
            ("root", &root, &[][..]),
            ("issuing", &issuing, &[REVOKED_SERIAL][..]),
            ("restricted", &restricted, &[][..]),
            ("rogue-root", &rogue_root, &[][..]),
            ("rogue-issuing", &rogue_issuing, &[][..]),
            ("new-root", &new_root, &[][..]),
            ("new-issuing", &new_issuing, &[][..]),
        ] {
            published.insert(
                format!("/{name}.crl"),
                (crl(ca, revoked)?, "application/pkix-crl"),
            );
            published.insert(
                format!("/{name}.cer"),
                (ca.der.clone(), "application/pkix-cert"),
            );
        }
        Ok(LabPki {
            server: leaf(
                LAB_HOST,
                &names,
                100,
                both(),
                None,
                under_issuing,
                &[&issuing],
            )?,
            client: leaf(
                "fe02.lab.test",
                &["fe02.lab.test"],
                101,
                both(),
                None,
                under_issuing,
                &[&issuing],
            )?,
            server_restricted_issuer: leaf(
                LAB_HOST,
                &names,
                102,
                both(),
                None,
                (&restricted, &by_restricted),
                &[&restricted],
            )?,
            server_no_client_auth: leaf(
                LAB_HOST,
                &names,
                103,
                vec![Eku::ServerAuth],
                None,
                under_issuing,
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
                under_issuing,
                &[&issuing],
            )?,
            server_wrong_name: leaf(
                "web.lab.test",
                &["web.lab.test"],
                105,
                both(),
                None,
                under_issuing,
                &[&issuing],
            )?,
            server_rogue: leaf(
                LAB_HOST,
                &names,
                106,
                both(),
                None,
                (&rogue_issuing, &by_rogue_issuing),
                &[&rogue_issuing, &rogue_root],
            )?,
            server_revoked: leaf(
                LAB_HOST,
                &names,
                REVOKED_SERIAL,
                both(),
                None,
                under_issuing,
                &[&issuing],
            )?,
            server_crl_offline: leaf(
                LAB_HOST,
                &names,
                108,
                both(),
                None,
                (&issuing, &offline),
                &[&issuing],
            )?,
            fe03: leaf(
                "fe03.lab.test",
                &["fe03.lab.test"],
                109,
                both(),
                None,
                (&new_issuing, &by_new_issuing),
                &[&new_issuing],
            )?,
            new_root: new_root.der,
            new_root_pem: new_root.pem,
            root: root.der,
            root_pem: root.pem,
            foreign_root: foreign_root.der,
            _web: LabWeb::serve(listener, published)?,
            pki_url: base,
            issuing: (issuing, by_issuing),
        })
    }

    /// The healthy server's names and purposes under the issuing CA, for `key_pkcs8` (a PKCS#8 key
    /// made elsewhere, e.g. RSA for a server that only offers RSA key exchange).
    pub fn server_with_key(&self, key_pkcs8: &[u8]) -> Result<LabIdentity, LabError> {
        let key = KeyPair::try_from(key_pkcs8).map_err(pki_err)?;
        let (issuing, published) = (&self.issuing.0, &self.issuing.1);
        let spec = Leaf {
            cn: LAB_HOST,
            sans: &[LAB_HOST, "fe01.lab.test"],
            serial: 110,
            eku: vec![Eku::ServerAuth, Eku::ClientAuth],
            validity: None,
        };
        leaf_with_key(key, spec, (issuing, published), &[issuing])
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
