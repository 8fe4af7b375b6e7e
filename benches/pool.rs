//! Speed of the pool probe: one member against ten, probed at the same time (one thread each), so
//! that ten cost little more than one (goal: ten ≤ 1.5 × one).
//!
//! Two settings:
//! - `loopback`: in-process healthy lab servers on 127.0.0.1 (same PKI). Both ends of every handshake
//!   run on this machine's cores, so ten handshakes cost ten times the CPU of one: on a 2-core
//!   machine ten members cannot take 1.5 × one, however concurrent the probe is.
//! - `far`: the same servers behind a relay that holds each connection's first flight for 5 ms, as a
//!   server a network away does (round trips, and the remote server's own handshake work, which is
//!   not on this machine's cores). This is what a real pool looks like to certwiz.
//!
//! - `farther`: the same at 25 ms (another site, or a busy server).
//!
//! Also the whole `check_pool` (probe, matrix, findings) and `decide` + `findings` alone for ten.
//!
//! Run with `cargo bench --bench pool`.

use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use certwiz::engine::load::{Origin, SourcedCertificate};
use certwiz::engine::pool::{PoolRequest, check_pool, decide, judge, probe_pool};
use certwiz::engine::probe::{CancelFlag, ProbeTarget, Progress};
use certwiz::lab::{LabPki, LabServer, Scenario};
use criterion::{Criterion, criterion_group, criterion_main};

/// How far the `far` members are: the first flight is held this long.
const FAR_DELAY: Duration = Duration::from_millis(5);
/// A second distance, a pool across sites or a loaded server: `farther` members.
const FARTHER_DELAY: Duration = Duration::from_millis(25);

fn request(ports: &[u16], pki: &LabPki) -> PoolRequest {
    PoolRequest {
        members: ports
            .iter()
            .enumerate()
            .map(|(i, port)| ProbeTarget {
                // Distinct names, as a pool's front ends have; the lab answers for any SNI.
                host: format!("fe{:02}.lab.test", i + 1),
                port: *port,
                path: "/LiveServer/MCUFactory/".into(),
                address: Some("127.0.0.1".parse().expect("ip")),
                protocol: Default::default(),
            })
            .collect(),
        timeout: Duration::from_secs(5),
        trust_anchors: vec![SourcedCertificate {
            der: Arc::from(pki.root.as_slice()),
            origin: Origin {
                source: "lab-root.pem".into(),
                position: 1,
            },
        }],
        at: time::OffsetDateTime::now_utc(),
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

/// A relay on 127.0.0.1 in front of `upstream` that holds the client's first flight for `delay`,
/// then pipes both ways. Returns its port; lives until the bench ends.
fn far(upstream: SocketAddr, delay: Duration) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { continue };
            std::thread::spawn(move || {
                let _ = client.set_nodelay(true);
                let mut first = [0u8; 16 * 1024];
                let Ok(n) = client.read(&mut first) else {
                    return;
                };
                std::thread::sleep(delay);
                let Ok(mut server) = TcpStream::connect(upstream) else {
                    return;
                };
                let _ = server.set_nodelay(true);
                if server.write_all(&first[..n]).is_err() {
                    return;
                }
                let (Ok(client_r), Ok(server_w)) = (client.try_clone(), server.try_clone()) else {
                    return;
                };
                let back = std::thread::spawn(move || pipe(server, client));
                pipe(client_r, server_w);
                let _ = back.join();
            });
        }
    });
    port
}

fn benches(c: &mut Criterion) {
    let pki = Arc::new(LabPki::generate().expect("lab PKI"));
    let servers: Vec<LabServer> = (0..10)
        .map(|_| LabServer::start_with(Scenario::Healthy, Arc::clone(&pki)).expect("lab server"))
        .collect();
    let ports: Vec<u16> = servers.iter().map(LabServer::port).collect();
    let far_ports: Vec<u16> = servers.iter().map(|s| far(s.addr, FAR_DELAY)).collect();
    let farther_ports: Vec<u16> = servers.iter().map(|s| far(s.addr, FARTHER_DELAY)).collect();
    let one = request(&ports[..1], &pki);
    let ten = request(&ports, &pki);
    let far_one = request(&far_ports[..1], &pki);
    let far_ten = request(&far_ports, &pki);
    let farther_one = request(&farther_ports[..1], &pki);
    let farther_ten = request(&farther_ports, &pki);
    for req in [&ten, &far_ten] {
        let first = check_pool(req, &CancelFlag::new(), &Progress::none());
        assert!(
            first
                .matrix
                .cells
                .iter()
                .all(|cell| cell.accepted == Some(true)),
            "the healthy lab pool must accept itself: {:?}",
            first.findings
        );
    }
    let facts = probe_pool(&ten, &CancelFlag::new(), &Progress::none());
    let mut group = c.benchmark_group("pool");
    group.sample_size(50);
    for (name, req) in [
        ("probe_pool_loopback_1_member", &one),
        ("probe_pool_loopback_10_members", &ten),
        ("probe_pool_far_1_member", &far_one),
        ("probe_pool_far_10_members", &far_ten),
        ("probe_pool_farther_1_member", &farther_one),
        ("probe_pool_farther_10_members", &farther_ten),
        ("check_pool_loopback_10_members", &ten),
    ] {
        let whole = name.starts_with("check_pool");
        group.bench_function(name, |b| {
            b.iter(|| {
                if whole {
                    black_box(check_pool(req, &CancelFlag::new(), &Progress::none()).findings);
                } else {
                    black_box(probe_pool(req, &CancelFlag::new(), &Progress::none()));
                }
            })
        });
    }
    group.bench_function("decide_and_findings_10_members", |b| {
        b.iter(|| {
            let matrix = decide(&facts.members, &ten.trust_anchors, ten.at);
            black_box(judge(&matrix))
        })
    });
    group.finish();
}

criterion_group!(pool_bench, benches);
criterion_main!(pool_bench);
