//! Speed of a full `check` (connect, recording handshake, mutual TLS, browse without and with the
//! client certificate) against the in-process healthy lab server on loopback. The process-to-process
//! comparison with `openssl s_client` + `curl -k` is `benches/compare-check.sh`.
//!
//! Run with `cargo bench --bench check`.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use certwiz::engine::check::{CheckRequest, check};
use certwiz::engine::load::load_path;
use certwiz::engine::probe::{CancelFlag, ClientIdentity, ProbePlan, ProbeTarget, Progress};
use certwiz::lab::{LAB_HOST, LabServer, Scenario};
use criterion::{Criterion, criterion_group, criterion_main};

fn request(server: &LabServer, dir: &std::path::Path) -> CheckRequest {
    let files = server.write_files(dir).expect("lab files");
    let client = load_path(&files.client_cert, None)
        .expect("client")
        .certificates;
    let mut keys = load_path(&files.client_key, None).expect("key").keys;
    CheckRequest {
        plan: ProbePlan {
            target: ProbeTarget {
                host: LAB_HOST.into(),
                port: server.port(),
                path: "/LiveServer/MCUFactory/".into(),
                address: Some("127.0.0.1".parse().expect("ip")),
                protocol: Default::default(),
            },
            timeout: Duration::from_secs(5),
            identity: Some(Arc::new(ClientIdentity {
                chain: client.iter().map(|c| Arc::clone(&c.der)).collect(),
                key: keys.pop().expect("key").into(),
            })),
        },
        trust_anchors: load_path(&files.root, None).expect("root").certificates,
        expected_names: vec![],
        local_certificate: None,
        client_chain: client,
        at: time::OffsetDateTime::now_utc(),
        inputs: vec![],
        fetch: None,
    }
}

fn benches(c: &mut Criterion) {
    let server = LabServer::start(Scenario::Healthy).expect("lab");
    let dir = std::env::temp_dir().join(format!("certwiz-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let req = request(&server, &dir);
    let first = check(&req, &CancelFlag::new(), &Progress::none());
    assert!(
        !first.has_failures(),
        "the healthy lab must pass: {:?}",
        first.findings
    );
    let mut group = c.benchmark_group("check");
    group.sample_size(30);
    group.bench_function("full_check_healthy_loopback", |b| {
        b.iter(|| black_box(check(&req, &CancelFlag::new(), &Progress::none())))
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(check_bench, benches);
criterion_main!(check_bench);
