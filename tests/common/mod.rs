//! Test PKIs generated with rcgen: every certificate the tests use is made here (ECDSA P-256, since
//! rcgen with ring cannot generate RSA keys). RSA, MD5, SHA-1 and RSA-1024 cases come from
//! `tests/data/openssl/generate.sh`, which uses the openssl CLI.
#![allow(dead_code)]

pub mod real;
pub mod web;

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

/// The instant every scenario is judged at (`--at`), so that tests never depend on today's date.
pub const AT: &str = "2030-06-01T12:00:00Z";

/// [`AT`] as a time.
pub fn at() -> OffsetDateTime {
    time::macros::datetime!(2030-06-01 12:00:00 UTC)
}

/// A certificate with its key and the parameters it was made from (so it can sign others).
pub struct Made {
    pub params: CertificateParams,
    pub key: KeyPair,
    pub pem: String,
    pub der: Vec<u8>,
}

impl Made {
    /// An rcgen issuer for signing with this certificate.
    pub fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }
}

/// What to put in a certificate.
#[derive(Clone)]
pub struct Spec {
    pub cn: String,
    pub sans: Vec<String>,
    pub ca: bool,
    pub eku: Vec<ExtendedKeyUsagePurpose>,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub serial: u64,
    /// Overrides the key usages the role would get.
    pub key_usages: Option<Vec<KeyUsagePurpose>>,
    /// CRL distribution point URLs.
    pub cdp: Vec<String>,
    /// AIA "CA Issuers" URLs.
    pub ca_issuers: Vec<String>,
    /// AIA OCSP responder URLs.
    pub ocsp: Vec<String>,
    /// Name constraints (a CA limited to some names).
    pub name_constraints: Option<rcgen::NameConstraints>,
}

impl Spec {
    /// A CA valid 2020-2040 with no EKU extension (all purposes).
    pub fn ca(cn: &str) -> Self {
        Spec {
            cn: cn.to_owned(),
            sans: Vec::new(),
            ca: true,
            eku: Vec::new(),
            not_before: time::macros::datetime!(2020-01-01 00:00:00 UTC),
            not_after: time::macros::datetime!(2040-01-01 00:00:00 UTC),
            serial: 1,
            key_usages: None,
            cdp: Vec::new(),
            ca_issuers: Vec::new(),
            ocsp: Vec::new(),
            name_constraints: None,
        }
    }

    /// A server certificate valid 2025-2035 with Server and Client Authentication.
    pub fn leaf(cn: &str) -> Self {
        Spec {
            cn: cn.to_owned(),
            sans: vec![cn.to_owned()],
            ca: false,
            eku: vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ],
            not_before: time::macros::datetime!(2025-01-01 00:00:00 UTC),
            not_after: time::macros::datetime!(2035-01-01 00:00:00 UTC),
            serial: 100,
            key_usages: None,
            cdp: Vec::new(),
            ca_issuers: Vec::new(),
            ocsp: Vec::new(),
            name_constraints: None,
        }
    }

    pub fn eku(mut self, eku: Vec<ExtendedKeyUsagePurpose>) -> Self {
        self.eku = eku;
        self
    }

    pub fn sans(mut self, sans: &[&str]) -> Self {
        self.sans = sans.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    pub fn valid(mut self, not_before: OffsetDateTime, not_after: OffsetDateTime) -> Self {
        self.not_before = not_before;
        self.not_after = not_after;
        self
    }

    /// Limits the CA to DNS names under `base` (a Name Constraints extension).
    pub fn permit_dns(mut self, base: &str) -> Self {
        self.name_constraints = Some(rcgen::NameConstraints {
            permitted_subtrees: vec![rcgen::GeneralSubtree::DnsName(base.to_owned())],
            excluded_subtrees: Vec::new(),
        });
        self
    }

    pub fn serial(mut self, serial: u64) -> Self {
        self.serial = serial;
        self
    }

    /// Adds CRL distribution point URLs.
    pub fn cdp(mut self, urls: &[&str]) -> Self {
        self.cdp = urls.iter().map(|u| (*u).to_owned()).collect();
        self
    }

    /// Adds AIA URLs: CA Issuers and OCSP.
    pub fn aia(mut self, ca_issuers: &[&str], ocsp: &[&str]) -> Self {
        self.ca_issuers = ca_issuers.iter().map(|u| (*u).to_owned()).collect();
        self.ocsp = ocsp.iter().map(|u| (*u).to_owned()).collect();
        self
    }

    pub fn params(&self) -> CertificateParams {
        let mut params = CertificateParams::new(self.sans.clone()).expect("valid SAN list");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, "certwiz tests");
        dn.push(DnType::CommonName, self.cn.clone());
        params.distinguished_name = dn;
        params.not_before = self.not_before;
        params.not_after = self.not_after;
        params.serial_number = Some(rcgen::SerialNumber::from_slice(&self.serial.to_be_bytes()));
        params.extended_key_usages = self.eku.clone();
        params.use_authority_key_identifier_extension = true;
        if self.ca {
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        } else {
            params.is_ca = IsCa::ExplicitNoCa;
            params.key_usages = vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::KeyEncipherment,
            ];
        }
        params.name_constraints = self.name_constraints.clone();
        if let Some(usages) = &self.key_usages {
            params.key_usages = usages.clone();
        }
        if !self.cdp.is_empty() {
            params.crl_distribution_points = vec![rcgen::CrlDistributionPoint {
                uris: self.cdp.clone(),
            }];
        }
        if !self.ca_issuers.is_empty() || !self.ocsp.is_empty() {
            params.custom_extensions.push(
                certwiz::lab::aia_extension(&self.ca_issuers, &self.ocsp).expect("AIA encodes"),
            );
        }
        params
    }
}

/// Makes a self-signed certificate.
pub fn self_signed(spec: &Spec) -> Made {
    let key = KeyPair::generate().expect("P-256 key");
    let params = spec.params();
    let cert = params.self_signed(&key).expect("self-signed certificate");
    Made {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        params,
        key,
    }
}

/// Makes a certificate signed by `issuer`.
pub fn signed(spec: &Spec, issuer: &Made) -> Made {
    let key = KeyPair::generate().expect("P-256 key");
    signed_with_key(spec, issuer, key)
}

/// Makes a certificate for an existing key (cross-signing: same subject and key, another issuer).
pub fn signed_with_key(spec: &Spec, issuer: &Made, key: KeyPair) -> Made {
    let params = spec.params();
    let cert = params
        .signed_by(&key, &issuer.issuer())
        .expect("signed certificate");
    Made {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        params,
        key,
    }
}

/// The same key pair again (rcgen keys are not Clone).
pub fn same_key(made: &Made) -> KeyPair {
    KeyPair::from_pem(&made.key.serialize_pem()).expect("round-trip key")
}

/// A healthy root → issuing CA → leaf PKI.
pub struct Healthy {
    pub root: Made,
    pub issuing: Made,
    pub leaf: Made,
}

pub fn healthy(leaf_cn: &str) -> Healthy {
    let root = self_signed(&Spec::ca("Contoso Test Root CA"));
    let issuing = signed(&Spec::ca("Contoso Test Issuing CA").serial(2), &root);
    let leaf = signed(&Spec::leaf(leaf_cn), &issuing);
    Healthy {
        root,
        issuing,
        leaf,
    }
}

/// `made`'s certificate with its signature algorithm rewritten from ecdsa-with-SHA256
/// (1.2.840.10045.4.3.2) to ecdsa-with-SHA512 (…4.3.4), which no crate certwiz keeps verifies on
/// P-256: a signature certwiz cannot check. As PEM.
pub fn unverifiable_signature_pem(made: &Made) -> String {
    let from = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    let mut der = made.der.clone();
    let mut hits = 0;
    let mut i = 0;
    while i + from.len() <= der.len() {
        if der[i..i + from.len()] == from {
            der[i + from.len() - 1] = 0x04;
            hits += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert_eq!(
        hits, 2,
        "the algorithm appears in the TBS and in the outer certificate"
    );
    pem::encode(&pem::Pem::new("CERTIFICATE", der))
}

/// A scratch folder that disappears with the test.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Writes `contents` to `name` and returns the path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write test file");
        path
    }

    /// Writes the PEMs of `certs` into one file.
    pub fn pems(&self, name: &str, certs: &[&Made]) -> PathBuf {
        let text: String = certs.iter().map(|c| c.pem.clone()).collect();
        self.write(name, text)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Path of a file made by `tests/data/openssl/generate.sh`.
pub fn openssl_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/openssl")
        .join(name)
}

/// The PFX password of the openssl-made files (a marker: it must never appear in any output).
pub const PFX_PASSWORD: &str = "Marker-Pfx-Pass-123";

/// `days` after [`at`].
pub fn days_after_at(days: i64) -> OffsetDateTime {
    at() + Duration::days(days)
}

/// Runs `certwiz ARGS` and returns its exit code and the JSON it printed (the test fails, with stderr,
/// when stdout is not JSON).
pub fn certwiz_json<I, S>(args: I) -> (i32, serde_json::Value)
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = assert_cmd::Command::cargo_bin("certwiz")
        .expect("binary")
        .args(args)
        .output()
        .expect("certwiz runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

use std::sync::Arc;

use certwiz::engine::load::Origin;
use certwiz::engine::purpose::StorePurposes;
use certwiz::engine::store::{CertStore, RawStoreCertificate, StoreError, StoreKind, StoreName};

/// A Windows machine store stand-in: certificates with the properties a test gives them.
pub struct FakeMachine {
    pub certs: Vec<RawStoreCertificate>,
    pub broken: Option<StoreName>,
}

pub fn raw(
    store: StoreName,
    made: &Made,
    key: bool,
    purposes: StorePurposes,
) -> RawStoreCertificate {
    RawStoreCertificate {
        store,
        der: Arc::from(made.der.clone()),
        friendly_name: Some(format!("{} ({})", "Pool certificate", store.system_name())),
        has_private_key: key,
        purposes,
        origin: Origin {
            source: format!("Local Machine {}", store.system_name()),
            position: 1,
        },
        problem: None,
    }
}

impl CertStore for FakeMachine {
    fn description(&self) -> String {
        "a stand-in Windows machine store".into()
    }
    fn kind(&self) -> StoreKind {
        StoreKind::WindowsMachine
    }
    fn list(&self, store: StoreName) -> Result<Vec<RawStoreCertificate>, StoreError> {
        if self.broken == Some(store) {
            return Err(StoreError {
                store: store.title().into(),
                reason: "cannot be opened (error 0x00000005: access denied, run certwiz as an administrator)".into(),
            });
        }
        Ok(self
            .certs
            .iter()
            .filter(|c| c.store == store)
            .cloned()
            .collect())
    }
}

/// A machine store with the healthy PKI where MMC puts it: the leaf (with its key) in Personal, the
/// root in Root, the issuing CA in Intermediate, with the purpose settings given.
pub fn three_stores(pki: &Healthy, leaf: StorePurposes, issuing: StorePurposes) -> FakeMachine {
    FakeMachine {
        certs: vec![
            raw(StoreName::Personal, &pki.leaf, true, leaf),
            raw(StoreName::Root, &pki.root, false, StorePurposes::AllEnabled),
            raw(StoreName::Intermediate, &pki.issuing, false, issuing),
        ],
        broken: None,
    }
}

/// A TLS server on 127.0.0.1 presenting the healthy PKI's leaf and issuing CA (no client
/// certificate asked); returns its port.
pub fn tls_server_for(pki: &Healthy) -> u16 {
    web::tls_server(
        vec![pki.leaf.der.clone(), pki.issuing.der.clone()],
        pki.leaf.key.serialize_der(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
}

/// A PKI of its own for one pool member: "`org` Root CA" → "`org` Issuing CA" → `host` (Server and
/// Client Authentication), so that CA lists tell the members' PKIs apart by name.
pub fn member_pki(org: &str, host: &str) -> Healthy {
    let root = self_signed(&Spec::ca(&format!("{org} Root CA")));
    let issuing = signed(&Spec::ca(&format!("{org} Issuing CA")).serial(2), &root);
    let leaf = signed(
        &Spec::leaf(host).eku(vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ]),
        &issuing,
    );
    Healthy {
        root,
        issuing,
        leaf,
    }
}

/// A pool member on 127.0.0.1: presents `pki`'s leaf and issuing CA, and demands a client
/// certificate from `accepted_roots` (DER), whose names are its acceptable-CA list, as a front end
/// whose Trusted Root store holds those roots. Returns the port; serves until the test process ends.
pub fn pool_member(pki: &Healthy, accepted_roots: Vec<Vec<u8>>) -> u16 {
    web::mtls_server(
        vec![pki.leaf.der.clone(), pki.issuing.der.clone()],
        pki.leaf.key.serialize_der(),
        accepted_roots,
    )
}

/// A report's JSON without the fields that hold times (`timings`, `origin`: where and when it was
/// made, `timeline`): what must be identical between two runs on the same input, as the contract says.
pub fn without_times(json: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(json).expect("JSON report");
    if let Some(o) = v.as_object_mut() {
        for key in ["timings", "origin", "timeline"] {
            o.remove(key);
        }
    }
    v
}
