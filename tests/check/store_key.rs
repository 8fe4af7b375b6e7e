//! Mutual TLS with a key that stays in its store: the client identity signs through
//! `engine::store::signing::StoreSigningKey` (what the Windows CNG key plugs into) instead of a key
//! in memory. Here the digest signer is the `rsa` crate, so everything but the `NCryptSignHash` call
//! itself runs: scheme choice (PSS for TLS 1.3, PKCS #1 v1.5 for TLS 1.2), hashing, padding, and the
//! handshake against an in-process rustls server that requires a client certificate.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use certwiz::engine::check::{CheckRequest, check};
use certwiz::engine::finding::ids;
use certwiz::engine::load::{Origin, SourcedCertificate};
use certwiz::engine::probe::{
    CancelFlag, ClientIdentity, ClientKey, ProbePlan, ProbeTarget, Progress,
};
use certwiz::engine::store::signing::{
    HashAlgorithm, HashSigner, KeyAlgorithm, Padding, StoreSigningKey,
};
use rsa::pkcs8::DecodePrivateKey;
use rsa::rand_core::{CryptoRng, RngCore};
use rsa::{Pkcs1v15Sign, Pss, RsaPrivateKey};

use crate::common::web::serve_tls;
use crate::common::{Healthy, Spec, healthy, openssl_file, signed_with_key};

/// Randomness for PSS salts, from ring's system generator.
struct SystemRng;

impl RngCore for SystemRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), dest).expect("random");
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for SystemRng {}

/// Signs digests with an RSA key, as CNG's `NCryptSignHash` does, and records the paddings asked for.
#[derive(Debug)]
struct RsaDigestSigner {
    key: RsaPrivateKey,
    asked: Mutex<Vec<Padding>>,
}

impl HashSigner for RsaDigestSigner {
    fn sign_digest(&self, padding: Padding, digest: &[u8]) -> Result<Vec<u8>, String> {
        if let Ok(mut asked) = self.asked.lock() {
            asked.push(padding);
        }
        let result = match padding {
            Padding::Pkcs1(HashAlgorithm::Sha256) => {
                self.key.sign(Pkcs1v15Sign::new::<sha2::Sha256>(), digest)
            }
            Padding::Pkcs1(HashAlgorithm::Sha384) => {
                self.key.sign(Pkcs1v15Sign::new::<sha2::Sha384>(), digest)
            }
            Padding::Pkcs1(HashAlgorithm::Sha512) => {
                self.key.sign(Pkcs1v15Sign::new::<sha2::Sha512>(), digest)
            }
            Padding::Pss(HashAlgorithm::Sha256) => self.key.sign_with_rng(
                &mut SystemRng,
                Pss::new_with_salt::<sha2::Sha256>(32),
                digest,
            ),
            Padding::Pss(HashAlgorithm::Sha384) => self.key.sign_with_rng(
                &mut SystemRng,
                Pss::new_with_salt::<sha2::Sha384>(48),
                digest,
            ),
            Padding::Pss(HashAlgorithm::Sha512) => self.key.sign_with_rng(
                &mut SystemRng,
                Pss::new_with_salt::<sha2::Sha512>(64),
                digest,
            ),
            Padding::Ecdsa(_) => return Err("not an ECDSA key".into()),
        };
        result.map_err(|e| e.to_string())
    }
}

/// A server on 127.0.0.1 that requires a client certificate from `pki`'s root, speaking only
/// `version`, answering 200 to a request over an accepted handshake. Without `pss`, its
/// CertificateRequest offers no RSA-PSS scheme (as older Windows servers' TLS 1.2 lists may not).
fn mtls_server(
    pki: &Healthy,
    version: &'static rustls::SupportedProtocolVersion,
    pss: bool,
) -> u16 {
    let mut provider = rustls::crypto::ring::default_provider();
    if !pss {
        let mapping: Vec<_> = provider
            .signature_verification_algorithms
            .mapping
            .iter()
            .filter(|(scheme, _)| {
                !matches!(
                    scheme,
                    rustls::SignatureScheme::RSA_PSS_SHA256
                        | rustls::SignatureScheme::RSA_PSS_SHA384
                        | rustls::SignatureScheme::RSA_PSS_SHA512
                )
            })
            .copied()
            .collect();
        // The provider wants a 'static table; one small leak per test.
        provider.signature_verification_algorithms.mapping = Box::leak(mapping.into_boxed_slice());
    }
    let provider = Arc::new(provider);
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(
            pki.root.der.clone(),
        ))
        .expect("root");
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        Arc::clone(&provider),
    )
    .build()
    .expect("verifier");
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[version])
            .expect("versions")
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![pki.leaf.der.clone().into(), pki.issuing.der.clone().into()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(pki.leaf.key.serialize_der().into()),
            )
            .expect("config"),
    );
    serve_tls(
        config,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
    )
}

fn store_identity(pki: &Healthy) -> (Arc<RsaDigestSigner>, ClientIdentity) {
    let pem = std::fs::read_to_string(openssl_file("rsa-leaf.key")).expect("RSA key");
    let rsa_key = RsaPrivateKey::from_pkcs8_pem(&pem).expect("PKCS#8 RSA key");
    let key_pair = rcgen::KeyPair::from_pem(&pem).expect("rcgen takes the RSA key");
    let client = signed_with_key(
        &Spec::leaf("fe02.contoso.com").serial(42),
        &pki.issuing,
        key_pair,
    );
    let signer = Arc::new(RsaDigestSigner {
        key: rsa_key,
        asked: Mutex::new(Vec::new()),
    });
    let key = StoreSigningKey::new(
        KeyAlgorithm::Rsa,
        Arc::clone(&signer) as Arc<dyn HashSigner>,
    );
    let identity = ClientIdentity {
        chain: vec![
            Arc::from(client.der.clone()),
            Arc::from(pki.issuing.der.clone()),
        ],
        key: ClientKey::Store(Arc::new(key)),
    };
    (signer, identity)
}

fn run(pki: &Healthy, port: u16, identity: ClientIdentity) -> certwiz::engine::report::Report {
    let sourced = |der: &[u8]| SourcedCertificate {
        der: Arc::from(der),
        origin: Origin {
            source: "test".into(),
            position: 1,
        },
    };
    let request = CheckRequest {
        plan: ProbePlan {
            target: ProbeTarget {
                host: "fe01.contoso.com".into(),
                port,
                path: "/LiveServer/MCUFactory/".into(),
                address: Some("127.0.0.1".parse().expect("ip")),
                protocol: Default::default(),
            },
            timeout: Duration::from_secs(5),
            identity: Some(Arc::new(identity)),
        },
        trust_anchors: vec![sourced(&pki.root.der)],
        expected_names: vec![],
        local_certificate: None,
        client_chain: vec![sourced(&pki.issuing.der)],
        at: time::OffsetDateTime::now_utc(),
        inputs: vec![],
        fetch: None,
    };
    check(&request, &CancelFlag::new(), &Progress::none())
}

/// Asserts that mutual TLS was accepted and the store key signed; returns the paddings it used.
fn mutual_tls_accepted(
    report: &certwiz::engine::report::Report,
    signer: &RsaDigestSigner,
) -> Vec<Padding> {
    let found: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(found.contains(&ids::TLS_MTLS_OK), "{found:?}");
    let asked = signer.asked.lock().expect("lock").clone();
    assert!(!asked.is_empty(), "the store key signed");
    asked
}

#[test]
fn a_store_held_rsa_key_signs_the_tls13_handshake_with_pss() {
    let pki = healthy("fe01.contoso.com");
    let port = mtls_server(&pki, &rustls::version::TLS13, true);
    let (signer, identity) = store_identity(&pki);
    let asked = mutual_tls_accepted(&run(&pki, port, identity), &signer);
    assert!(
        asked.iter().all(|p| matches!(p, Padding::Pss(_))),
        "{asked:?}"
    );
}

#[test]
fn a_store_held_rsa_key_signs_a_tls12_handshake_with_pkcs1_when_the_server_offers_no_pss() {
    let pki = healthy("fe01.contoso.com");
    let port = mtls_server(&pki, &rustls::version::TLS12, false);
    let (signer, identity) = store_identity(&pki);
    let asked = mutual_tls_accepted(&run(&pki, port, identity), &signer);
    assert!(
        asked
            .iter()
            .all(|p| *p == Padding::Pkcs1(HashAlgorithm::Sha256)),
        "{asked:?}"
    );
}

#[test]
fn a_store_key_that_fails_to_sign_is_a_rejected_handshake_not_a_panic() {
    #[derive(Debug)]
    struct Broken;
    impl HashSigner for Broken {
        fn sign_digest(&self, _: Padding, _: &[u8]) -> Result<Vec<u8>, String> {
            Err("NCryptSignHash failed (0x80090016)".into())
        }
    }
    let pki = healthy("fe01.contoso.com");
    let port = mtls_server(&pki, &rustls::version::TLS13, true);
    let (_, mut identity) = store_identity(&pki);
    identity.key = ClientKey::Store(Arc::new(StoreSigningKey::new(
        KeyAlgorithm::Rsa,
        Arc::new(Broken),
    )));
    let report = run(&pki, port, identity);
    let found: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(!found.contains(&ids::TLS_MTLS_OK), "{found:?}");
    assert!(report.has_failures(), "{found:?}");
}

#[test]
fn store_cert_outside_windows_is_bad_input_with_a_way_out() {
    let out = assert_cmd::Command::cargo_bin("certwiz")
        .expect("binary")
        .args(["check", "127.0.0.1", "--port", "1", "--store-cert", "AB12"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no Windows certificate store") && stderr.contains("--pfx"),
        "{stderr}"
    );
}
