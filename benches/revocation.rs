//! `--fetch` costs: a healthy path's two CRLs over loopback, and silent distribution points (one versus
//! three, 250 ms timeout): fetched at once, three cost one round of timeouts, not three.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use certwiz::engine::inspect::{InspectRequest, inspect_fetching};
use certwiz::engine::load::{Origin, SourcedCertificate};
use certwiz::engine::probe::{CancelFlag, Progress};
use certwiz::engine::revocation::FetchOptions;
use criterion::{Criterion, criterion_group, criterion_main};
use rcgen::{
    BasicConstraints, CertificateParams, CrlDistributionPoint, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

fn sourced(der: &[u8], name: &str) -> SourcedCertificate {
    SourcedCertificate {
        der: Arc::from(der),
        origin: Origin {
            source: name.into(),
            position: 1,
        },
    }
}

fn request(certificates: Vec<SourcedCertificate>, anchor: SourcedCertificate) -> InspectRequest {
    InspectRequest {
        certificates,
        trust_anchors: vec![anchor],
        expected_names: Vec::new(),
        at: time::OffsetDateTime::now_utc(),
        inputs: Vec::new(),
        store_purposes: Default::default(),
        purpose: Default::default(),
    }
}

/// A root and a leaf naming `cdps`.
fn leaf_with_cdps(cdps: Vec<String>) -> (SourcedCertificate, SourcedCertificate) {
    let root_key = KeyPair::generate().expect("key");
    let mut root = CertificateParams::new(Vec::<String>::new()).expect("params");
    root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let root_der = root.self_signed(&root_key).expect("root").der().to_vec();
    let issuer = Issuer::new(root, &root_key);
    let mut leaf = CertificateParams::new(vec!["pool01.bench.test".to_owned()]).expect("params");
    leaf.crl_distribution_points = vec![CrlDistributionPoint { uris: cdps }];
    let leaf_key = KeyPair::generate().expect("key");
    let leaf_der = leaf
        .signed_by(&leaf_key, &issuer)
        .expect("leaf")
        .der()
        .to_vec();
    (sourced(&leaf_der, "leaf"), sourced(&root_der, "root"))
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("revocation");
    group.sample_size(10);

    let pki = certwiz::lab::LabPki::generate().expect("lab PKI");
    let chain: Vec<SourcedCertificate> = pki
        .server
        .chain
        .iter()
        .map(|der| sourced(der, "server"))
        .collect();
    let healthy = request(chain, sourced(&pki.root, "root"));
    group.bench_function(
        "healthy path: 2 CRLs over loopback, fetched and judged",
        |b| {
            b.iter(|| {
                inspect_fetching(
                    &healthy,
                    FetchOptions::default(),
                    &CancelFlag::new(),
                    &Progress::none(),
                )
                .map(|r| r.findings.len())
            })
        },
    );

    // A listener that accepts and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().flatten() {
            held.push(stream);
        }
    });
    let timeout = FetchOptions {
        timeout: Duration::from_millis(250),
        ..FetchOptions::default()
    };
    for n in [1usize, 3] {
        let cdps = (0..n)
            .map(|i| format!("http://127.0.0.1:{port}/silent-{i}.crl"))
            .collect();
        let (leaf, root) = leaf_with_cdps(cdps);
        let req = request(vec![leaf], root);
        group.bench_function(format!("{n} silent CDP(s), 250 ms timeout"), |b| {
            b.iter(|| {
                inspect_fetching(&req, timeout, &CancelFlag::new(), &Progress::none())
                    .map(|r| r.findings.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
