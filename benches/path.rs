//! Speed of the two things every check does first: load and index a large bundle (a system trust store
//! is ~150 certificates; an enterprise's exported CA folder can hold thousands), and build a path
//! against it. Goals on the 2-core reference machine: load + index 10,000 certificates ≤ 100 ms; a path
//! build ≤ 1 ms and flat as the pool grows.
//!
//! Run with `cargo bench --bench path`.

use std::hint::black_box;

use certwiz::engine::load::load_bytes;
use certwiz::engine::path::CandidatePool;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use time::macros::datetime;

struct Bundle {
    /// PEM text with `size` certificates: a root, an issuing CA, the leaf, and unrelated CAs.
    pem: String,
}

fn params(cn: &str, ca: bool, serial: u64) -> CertificateParams {
    let mut p =
        CertificateParams::new(if ca { vec![] } else { vec![cn.to_owned()] }).expect("params");
    p.distinguished_name.remove(DnType::CommonName);
    p.distinguished_name.push(DnType::CommonName, cn);
    p.serial_number = Some(rcgen::SerialNumber::from_slice(&serial.to_be_bytes()));
    p.not_before = datetime!(2020-01-01 00:00:00 UTC);
    p.not_after = datetime!(2040-01-01 00:00:00 UTC);
    p.use_authority_key_identifier_extension = true;
    if ca {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    p
}

/// Builds a bundle. Noise certificates share one key (signing is what costs, not what we measure) but
/// each has its own name, so the pool index has `size` distinct subjects.
fn bundle(size: usize) -> Bundle {
    let root_key = KeyPair::generate().expect("key");
    let root_params = params("Bench Root CA", true, 1);
    let root = root_params.self_signed(&root_key).expect("root");
    let root_issuer = Issuer::from_params(&root_params, &root_key);
    let issuing_key = KeyPair::generate().expect("key");
    let issuing_params = params("Bench Issuing CA", true, 2);
    let issuing = issuing_params
        .signed_by(&issuing_key, &root_issuer)
        .expect("issuing");
    let issuing_issuer = Issuer::from_params(&issuing_params, &issuing_key);
    let leaf_key = KeyPair::generate().expect("key");
    let leaf = params("pool01.bench.test", false, 3)
        .signed_by(&leaf_key, &issuing_issuer)
        .expect("leaf");

    let mut pem = String::with_capacity(size * 700);
    pem.push_str(&leaf.pem());
    let noise_key = KeyPair::generate().expect("key");
    for i in 0..size.saturating_sub(3) {
        let cert = params(&format!("Unrelated CA {i:05}"), true, 10 + i as u64)
            .signed_by(&noise_key, &root_issuer)
            .expect("noise");
        pem.push_str(&cert.pem());
    }
    pem.push_str(&issuing.pem());
    pem.push_str(&root.pem());
    Bundle { pem }
}

fn load_and_index(pem: &str) -> CandidatePool {
    let loaded = load_bytes("bundle.pem", pem.as_bytes(), None).expect("bundle loads");
    let mut pool = CandidatePool::new();
    for cert in &loaded.certificates {
        pool.add(cert, false).expect("indexes");
    }
    pool
}

fn benches(c: &mut Criterion) {
    let sizes = [100usize, 1_000, 10_000];
    let bundles: Vec<(usize, Bundle)> = sizes.iter().map(|&n| (n, bundle(n))).collect();

    let mut group = c.benchmark_group("load_and_index");
    group.sample_size(20);
    for (size, b) in &bundles {
        group.bench_with_input(BenchmarkId::from_parameter(size), &b.pem, |bench, pem| {
            bench.iter(|| black_box(load_and_index(pem)))
        });
    }
    group.finish();

    // The two halves of load_and_index at the largest size, to see where the time goes.
    let mut group = c.benchmark_group("split_10000");
    group.sample_size(20);
    if let Some((_, b)) = bundles.last() {
        group.bench_function("load_only", |bench| {
            bench.iter(|| {
                black_box(load_bytes("bundle.pem", b.pem.as_bytes(), None).expect("loads"))
            })
        });
        let loaded = load_bytes("bundle.pem", b.pem.as_bytes(), None).expect("loads");
        group.bench_function("index_only", |bench| {
            bench.iter(|| {
                let mut pool = CandidatePool::new();
                for cert in &loaded.certificates {
                    pool.add(cert, false).expect("indexes");
                }
                black_box(pool)
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("build_path");
    for (size, b) in &bundles {
        let pool = load_and_index(&b.pem);
        assert_eq!(pool.len(), *size);
        let at = datetime!(2030-01-01 00:00:00 UTC);
        let path = pool.build_path(0, at).expect("builds");
        assert_eq!(path.nodes.len(), 3, "leaf → issuing → root");
        group.bench_with_input(BenchmarkId::from_parameter(size), &pool, |bench, pool| {
            bench.iter(|| black_box(pool.build_path(0, at).expect("builds")))
        });
    }
    group.finish();
}

criterion_group!(path, benches);
criterion_main!(path);
