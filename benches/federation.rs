//! Speed of `certwiz federation`: a domain with two SRV targets, resolved through a stub DNS server on
//! 127.0.0.1 and both access edges checked at the same time (one thread each), against the same two
//! checks run one after the other (no DNS). Both targets are healthy in-process lab servers (same
//! PKI), so both ends of every handshake run on this machine's cores: on a 2-core machine the
//! concurrent run cannot take half the time of the sequential one, only less.
//!
//! Run with `cargo bench --bench federation`.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use certwiz::engine::check::{CheckRequest, check};
use certwiz::engine::federation::{FederationRequest, federation};
use certwiz::engine::load::{Origin, SourcedCertificate};
use certwiz::engine::probe::{CancelFlag, ProbePlan, ProbeTarget, Progress};
use certwiz::lab::dns::Zone;
use certwiz::lab::{LabPki, LabServer, Scenario};
use criterion::{Criterion, criterion_group, criterion_main};

fn anchors(pki: &LabPki) -> Vec<SourcedCertificate> {
    vec![SourcedCertificate {
        der: Arc::from(pki.root.as_slice()),
        origin: Origin {
            source: "lab-root.pem".into(),
            position: 1,
        },
    }]
}

fn check_request(host: &str, port: u16, pki: &LabPki) -> CheckRequest {
    CheckRequest {
        plan: ProbePlan {
            target: ProbeTarget {
                host: host.into(),
                port,
                path: "/LiveServer/MCUFactory/".into(),
                address: Some("127.0.0.1".parse().expect("ip")),
                protocol: Default::default(),
            },
            timeout: Duration::from_secs(5),
            identity: None,
        },
        trust_anchors: anchors(pki),
        expected_names: Vec::new(),
        local_certificate: None,
        client_chain: Vec::new(),
        at: time::OffsetDateTime::now_utc(),
        inputs: Vec::new(),
        fetch: None,
    }
}

fn benches(c: &mut Criterion) {
    let pki = Arc::new(LabPki::generate().expect("lab PKI"));
    let one = LabServer::start_with(Scenario::SipHealthy, Arc::clone(&pki)).expect("lab server");
    let two = LabServer::start_with(Scenario::SipHealthy, Arc::clone(&pki)).expect("lab server");
    let dns = Zone::default()
        .srv(
            "_sipfederationtls._tcp.lab.test",
            10,
            0,
            one.port(),
            "pool01.lab.test",
        )
        .srv(
            "_sipfederationtls._tcp.lab.test",
            20,
            0,
            two.port(),
            "fe01.lab.test",
        )
        .a("pool01.lab.test")
        .a("fe01.lab.test")
        .start()
        .expect("stub DNS");
    let request = FederationRequest {
        sip_domain: "lab.test".into(),
        dns_server: Some(dns.addr),
        resolve: Vec::new(),
        address: None,
        port: None,
        timeout: Duration::from_secs(5),
        trust_anchors: anchors(&pki),
        identity: None,
        client_chain: Vec::new(),
        at: time::OffsetDateTime::now_utc(),
        inputs: Vec::new(),
    };
    let cancel = CancelFlag::new();
    let progress = Progress::none();
    // The bench measures a healthy run: make sure it is one.
    let report = federation(&request, &cancel, &progress);
    assert_eq!(report.verdict.failures, 0, "{:#?}", report.findings);
    let first = check_request("pool01.lab.test", one.port(), &pki);
    let second = check_request("fe01.lab.test", two.port(), &pki);
    let mut group = c.benchmark_group("federation");
    group.sample_size(20);
    group.bench_function("two_targets_dns_and_concurrent_checks", |b| {
        b.iter(|| black_box(federation(&request, &cancel, &progress)))
    });
    group.bench_function("two_checks_in_sequence_no_dns", |b| {
        b.iter(|| {
            black_box(check(&first, &cancel, &progress));
            black_box(check(&second, &cancel, &progress))
        })
    });
    group.finish();
}

criterion_group!(federation_bench, benches);
criterion_main!(federation_bench);
