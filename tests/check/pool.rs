//! The pool trust matrix against real in-process rustls servers on 127.0.0.1: four members from four
//! different PKIs, each asking for client certificates with its own acceptable-CA list, and one member
//! that is down. Every server answers as a `poolNN.contoso.com` host through `--address 127.0.0.1`.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use certwiz::engine::finding::{Finding, Severity};
use certwiz::engine::load::{Origin, SourcedCertificate};
use certwiz::engine::pool::{
    Blocker, MemberStatus, PoolCheck, PoolMatrix, PoolRequest, check_pool, decide, judge,
    probe_pool,
};
use certwiz::engine::probe::{CancelFlag, ProbeEvent, ProbeTarget, Progress};
use rcgen::ExtendedKeyUsagePurpose;

use crate::common::{Made, Spec, at, self_signed, signed};

/// One PKI: root → issuing CA → the member's certificate.
struct Pki {
    root: Made,
    issuing: Made,
    leaf: Made,
}

fn pki(org: &str, host: &str, leaf_eku: Vec<ExtendedKeyUsagePurpose>) -> Pki {
    let root = self_signed(&Spec::ca(&format!("{org} Root CA")));
    let issuing = signed(&Spec::ca(&format!("{org} Issuing CA")).serial(2), &root);
    let leaf = signed(&Spec::leaf(host).eku(leaf_eku), &issuing);
    Pki {
        root,
        issuing,
        leaf,
    }
}

fn both() -> Vec<ExtendedKeyUsagePurpose> {
    vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ]
}

/// Makes every member wait until `expected` connections have arrived (or 5 s have passed) before it
/// answers TLS: only a concurrent probe gets an answer from all of them within the timeout.
struct Gate {
    arrived: Mutex<usize>,
    all_here: Condvar,
    expected: usize,
}

impl Gate {
    fn new(expected: usize) -> Arc<Gate> {
        Arc::new(Gate {
            arrived: Mutex::new(0),
            all_here: Condvar::new(),
            expected,
        })
    }

    fn arrive_and_wait(&self) {
        let mut arrived = self.arrived.lock().expect("gate");
        *arrived += 1;
        self.all_here.notify_all();
        let _ = self
            .all_here
            .wait_timeout_while(arrived, Duration::from_secs(5), |n| *n < self.expected)
            .expect("gate");
    }
}

/// A member: presents its leaf and issuing CA; with `accepts`, demands a client certificate from
/// those roots (which is its acceptable-CA list); without, asks for none. Returns the port; lives
/// until the test process ends.
fn member(pki: &Pki, accepts: Option<&[&Made]>, gate: Option<Arc<Gate>>) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .expect("versions");
    let builder = match accepts {
        Some(roots) => {
            let mut store = rustls::RootCertStore::empty();
            for root in roots {
                store
                    .add(rustls::pki_types::CertificateDer::from(root.der.clone()))
                    .expect("root");
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(store),
                provider,
            )
            .build()
            .expect("verifier");
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let config = Arc::new(
        builder
            .with_single_cert(
                vec![pki.leaf.der.clone().into(), pki.issuing.der.clone().into()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(pki.leaf.key.serialize_der().into()),
            )
            .expect("config"),
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let config = Arc::clone(&config);
            let gate = gate.clone();
            std::thread::spawn(move || {
                if let Some(gate) = gate {
                    gate.arrive_and_wait();
                }
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut buf = [0u8; 4096];
                if tls.read(&mut buf).is_ok() {
                    let _ = tls.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                }
            });
        }
    });
    port
}

/// A port nothing listens on (it was free a moment ago).
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

fn target(host: &str, port: u16) -> ProbeTarget {
    ProbeTarget {
        host: host.into(),
        port,
        path: "/LiveServer/MCUFactory/".into(),
        address: Some("127.0.0.1".parse().expect("ip")),
        protocol: Default::default(),
    }
}

fn anchor(made: &Made, name: &str) -> SourcedCertificate {
    SourcedCertificate {
        der: Arc::from(made.der.clone()),
        origin: Origin {
            source: name.into(),
            position: 1,
        },
    }
}

fn request(members: Vec<ProbeTarget>, anchors: Vec<SourcedCertificate>) -> PoolRequest {
    PoolRequest {
        members,
        timeout: Duration::from_secs(5),
        trust_anchors: anchors,
        at: at(),
    }
}

/// The matrix as one character per cell, row = client, column = server: ✓ accepted, ✗ rejected,
/// ? unknown, · the diagonal.
fn grid(matrix: &PoolMatrix) -> Vec<String> {
    let n = matrix.members.len();
    (0..n)
        .map(|a| {
            (0..n)
                .map(|b| match matrix.cell(a, b).map(|c| c.accepted) {
                    None => '·',
                    Some(Some(true)) => '✓',
                    Some(Some(false)) => '✗',
                    Some(None) => '?',
                })
                .collect()
        })
        .collect()
}

fn ids_and_severities(findings: &[Finding]) -> Vec<(String, Severity)> {
    findings
        .iter()
        .map(|f| (f.id.clone(), f.severity))
        .collect()
}

fn reasons(matrix: &PoolMatrix, client: usize, server: usize) -> String {
    matrix
        .cell(client, server)
        .expect("cell")
        .reasons
        .join(" | ")
}

const HOSTS: [&str; 5] = [
    "pool01.contoso.com",
    "pool02.contoso.com",
    "pool03.contoso.com",
    "pool04.contoso.com",
    "pool05.contoso.com",
];

/// Four PKIs; pool03's certificate lacks Client Authentication; pool05 is down.
/// Acceptable-CA lists: pool01 all four roots; pool02 not Contoso; pool03 all four; pool04 not
/// Northwind.
struct Pool {
    contoso: Pki,
    fabrikam: Pki,
    northwind: Pki,
    tailspin: Pki,
    ports: [u16; 5],
}

fn pool() -> Pool {
    let contoso = pki("Contoso", HOSTS[0], both());
    let fabrikam = pki("Fabrikam", HOSTS[1], both());
    let northwind = pki(
        "Northwind",
        HOSTS[2],
        vec![ExtendedKeyUsagePurpose::ServerAuth],
    );
    let tailspin = pki("Tailspin", HOSTS[3], both());
    let all = [
        &contoso.root,
        &fabrikam.root,
        &northwind.root,
        &tailspin.root,
    ];
    let ports = [
        member(&contoso, Some(&all), None),
        member(
            &fabrikam,
            Some(&[&fabrikam.root, &northwind.root, &tailspin.root]),
            None,
        ),
        member(&northwind, Some(&all), None),
        member(
            &tailspin,
            Some(&[&contoso.root, &fabrikam.root, &tailspin.root]),
            None,
        ),
        closed_port(),
    ];
    Pool {
        contoso,
        fabrikam,
        northwind,
        tailspin,
        ports,
    }
}

impl Pool {
    fn targets(&self, which: &[usize]) -> Vec<ProbeTarget> {
        which
            .iter()
            .map(|&i| target(HOSTS[i], self.ports[i]))
            .collect()
    }

    fn anchors(&self) -> Vec<SourcedCertificate> {
        vec![
            anchor(&self.contoso.root, "contoso-root.cer"),
            anchor(&self.fabrikam.root, "fabrikam-root.cer"),
            anchor(&self.northwind.root, "northwind-root.cer"),
            anchor(&self.tailspin.root, "tailspin-root.cer"),
        ]
    }
}

fn run(request: &PoolRequest) -> PoolCheck {
    check_pool(request, &CancelFlag::new(), &Progress::none())
}

#[test]
fn four_pkis_and_a_member_that_is_down() {
    let pool = pool();
    let checked = run(&request(pool.targets(&[0, 1, 2, 3, 4]), pool.anchors()));
    let m = &checked.matrix;
    assert!(m.trust_judged);
    assert_eq!(
        m.members
            .iter()
            .map(|m| m.label.as_str())
            .collect::<Vec<_>>(),
        HOSTS
    );
    assert_eq!(
        grid(m),
        [
            "·✗✓✓?", // pool01 as the client: pool02 rejects it
            "✓·✓✓?", // pool02: everyone answering accepts it
            "✗✗·✗?", // pool03: no Client Authentication, rejected by all
            "✓✓✓·?", // pool04: accepted by all
            "????·", // pool05: down
        ]
    );

    // The members as the report shows them.
    let contoso = &m.members[0];
    assert_eq!(contoso.status, MemberStatus::Answered);
    assert_eq!(contoso.certificate_requested, Some(true));
    assert_eq!(contoso.acceptable_ca_names.len(), 4);
    let cert = contoso.certificate.as_ref().expect("certificate");
    assert_eq!(cert.display_name, "pool01.contoso.com");
    assert_eq!(cert.issuing_ca, "Contoso Issuing CA");
    assert_eq!(cert.root, "Contoso Root CA");
    assert_eq!(cert.trusted, Some(true));
    assert!(cert.client_auth);
    assert_eq!(cert.sha256.len(), 64);
    assert!(!m.members[2].certificate.as_ref().expect("cert").client_auth);
    let down = &m.members[4];
    assert_eq!(down.status, MemberStatus::Closed);
    assert_eq!(down.certificate_requested, None);
    assert!(down.certificate.is_none());
    assert!(
        down.status_text.contains("nothing listens on port"),
        "{}",
        down.status_text
    );

    // pool02 rejects pool01: its list does not name Contoso.
    let cell = m.cell(0, 1).expect("cell");
    assert_eq!(cell.blockers, [Blocker::CaListExcludesChain]);
    assert_eq!(
        cell.reasons[0],
        "pool02.contoso.com's acceptable-CA list does not name Contoso Root CA, the root of pool01.contoso.com's certificate, nor its issuing CA Contoso Issuing CA (it names Fabrikam Root CA, Northwind Root CA, Tailspin Root CA)"
    );
    // ... while pool01 accepts pool02, and says why.
    let back = reasons(m, 1, 0);
    assert!(
        back.contains("pool01.contoso.com's acceptable-CA list names Fabrikam"),
        "{back}"
    );
    assert!(
        back.contains("builds to the trust anchor Fabrikam Root CA"),
        "{back}"
    );
    assert!(back.contains("allows Client Authentication"), "{back}");

    // pool03 is rejected for its purposes everywhere, and by pool04 for its CA as well.
    for server in [0, 1, 3] {
        let cell = m.cell(2, server).expect("cell");
        assert_eq!(
            cell.blockers[0],
            Blocker::ClientAuthMissing {
                certificate: "pool03.contoso.com".into()
            }
        );
        assert!(
            cell.reasons[0].contains("does not allow Client Authentication"),
            "{:?}",
            cell.reasons
        );
        assert!(cell.reasons[0].contains("Server Authentication"));
    }
    assert_eq!(
        m.cell(2, 3).expect("cell").blockers,
        [
            Blocker::ClientAuthMissing {
                certificate: "pool03.contoso.com".into()
            },
            Blocker::CaListExcludesChain
        ]
    );
    assert!(reasons(m, 2, 3).contains("does not name Northwind Root CA"));

    // The member that is down: unknown both ways, with the reason.
    for other in 0..4 {
        assert!(
            reasons(m, 4, other).contains("pool05.contoso.com did not show its certificate"),
            "{}",
            reasons(m, 4, other)
        );
        assert!(
            reasons(m, other, 4).contains("pool05.contoso.com did not answer TLS"),
            "{}",
            reasons(m, other, 4)
        );
        assert!(m.cell(other, 4).expect("cell").blockers.is_empty());
    }

    // Findings (#16: one per cause, the members listed): pool02 leaving out Contoso Root CA
    // (pool01 → pool02), and pool03's certificate without Client Authentication (pool03 → pool01,
    // pool02, pool04; pool04 also leaves out Northwind, said in the same finding). Both causes'
    // calls work the other way round: a one-way note each, counted as no extra problem.
    let fail = |id: &str| (id.to_owned(), Severity::Fail);
    let info = |id: &str| (id.to_owned(), Severity::Info);
    assert_eq!(
        ids_and_severities(&checked.findings),
        [
            fail("pool.mtls-would-fail"),
            fail("pool.mtls-would-fail"),
            fail("port.closed"),
            info("pool.trust-asymmetric"),
            info("pool.trust-asymmetric"),
        ]
    );
    let titles: Vec<&str> = checked.findings.iter().map(|f| f.title.as_str()).collect();
    for title in [
        "pool02.contoso.com would reject pool01.contoso.com in mutual TLS",
        "pool01.contoso.com, pool02.contoso.com and pool04.contoso.com would reject pool03.contoso.com in mutual TLS",
        "Trust between pool01.contoso.com and pool02.contoso.com is one-way: pool01.contoso.com accepts pool02.contoso.com, pool02.contoso.com rejects pool01.contoso.com",
        "Trust between pool03.contoso.com and pool01.contoso.com, pool02.contoso.com and pool04.contoso.com is one-way: pool03.contoso.com accepts them, they reject pool03.contoso.com",
        "Nothing listens on port 0 of pool05.contoso.com",
    ] {
        let title = title.replace("port 0", &format!("port {}", pool.ports[4]));
        assert!(titles.contains(&title.as_str()), "{title} in {titles:#?}");
    }
    let rejects_01 = checked
        .findings
        .iter()
        .find(|f| f.title == "pool02.contoso.com would reject pool01.contoso.com in mutual TLS")
        .expect("finding");
    assert!(rejects_01.detail.contains("does not name Contoso Root CA"));
    assert!(
        rejects_01
            .fix
            .contains("On pool02.contoso.com, import Contoso Root CA into"),
        "{}",
        rejects_01.fix
    );
    assert!(
        rejects_01
            .fix
            .contains("certutil -addstore -f Root \"Contoso Root CA.cer\"")
    );
    assert_eq!(
        rejects_01.certificate.as_ref().map(|c| c.sha256.as_str()),
        Some(cert.sha256.as_str()),
        "the finding names pool01's certificate"
    );
    assert!(!rejects_01.commands.is_empty());
    let no_client_auth = checked
        .findings
        .iter()
        .find(|f| {
            f.title
                == "pool01.contoso.com, pool02.contoso.com and pool04.contoso.com would reject pool03.contoso.com in mutual TLS"
        })
        .expect("finding");
    // Each member it affects is named, and each command appears once.
    for call in [
        "pool03.contoso.com connects to pool01.contoso.com, pool02.contoso.com and pool04.contoso.com",
        "does not allow Client Authentication",
        "pool03.contoso.com connecting to pool04.contoso.com",
        "does not name Northwind Root CA",
    ] {
        assert!(
            no_client_auth.detail.contains(call),
            "{call} in {}",
            no_client_auth.detail
        );
    }
    let mut commands: Vec<&str> = no_client_auth
        .commands
        .iter()
        .map(|c| c.command.as_str())
        .collect();
    let listed = commands.len();
    commands.sort_unstable();
    commands.dedup();
    assert_eq!(commands.len(), listed, "{commands:#?}");
    assert!(listed > 0);
    assert!(
        no_client_auth
            .fix
            .contains("Request-CsCertificate -ClientEKU")
    );
    assert!(no_client_auth.fix.contains("import Northwind Root CA"));
}

#[test]
fn a_symmetric_healthy_pair_passes() {
    let pool = pool();
    // pool02 and pool04 name each other's roots.
    let checked = run(&request(pool.targets(&[1, 3]), pool.anchors()));
    assert_eq!(grid(&checked.matrix), ["·✓", "✓·"]);
    assert_eq!(
        ids_and_severities(&checked.findings),
        [("pool.mtls-ok".to_owned(), Severity::Pass)]
    );
    assert_eq!(
        checked.findings[0].title,
        "Every member of the pool accepts every other in mutual TLS"
    );
    assert!(checked.matrix.cells.iter().all(|c| c.blockers.is_empty()));
}

#[test]
fn without_anchors_the_acceptable_ca_lists_decide() {
    let pool = pool();
    let checked = run(&request(pool.targets(&[0, 1]), vec![]));
    let m = &checked.matrix;
    assert!(!m.trust_judged);
    assert_eq!(grid(m), ["·✗", "✓·"]);
    assert!(
        m.members
            .iter()
            .all(|m| m.certificate.as_ref().expect("cert").trusted.is_none())
    );
    // Without the root, the path ends at the issuing CA; the root is named by its issuer field.
    assert!(reasons(m, 0, 1).contains("does not name Contoso Root CA, the root of"));
    assert!(reasons(m, 1, 0).contains("trust in pool02.contoso.com's root was not judged"));
    let fail = |id: &str| (id.to_owned(), Severity::Fail);
    assert_eq!(
        ids_and_severities(&checked.findings),
        [
            fail("pool.mtls-would-fail"),
            ("pool.trust-asymmetric".to_owned(), Severity::Info),
            ("pool.trust-not-judged".to_owned(), Severity::Info),
        ]
    );
}

#[test]
fn a_member_that_asks_for_no_certificate_cannot_be_called_over_mutual_tls() {
    let pool = pool();
    let quiet = pki("Woodgrove", "pool06.contoso.com", both());
    let quiet_port = member(&quiet, None, None);
    let mut targets = pool.targets(&[1, 3]);
    targets.push(target("pool06.contoso.com", quiet_port));
    let mut anchors = pool.anchors();
    anchors.push(anchor(&quiet.root, "woodgrove-root.cer"));
    let checked = run(&request(targets, anchors));
    let m = &checked.matrix;
    assert_eq!(m.members[2].certificate_requested, Some(false));
    // Column pool06: nobody gets in. Row pool06: pool02 and pool04 do not name Woodgrove.
    assert_eq!(grid(m), ["·✓✗", "✓·✗", "✗✗·"]);
    for client in [0, 1] {
        let cell = m.cell(client, 2).expect("cell");
        assert_eq!(cell.blockers, [Blocker::NoCertificateRequest]);
        assert!(
            cell.reasons[0]
                .starts_with("pool06.contoso.com does not ask for a client certificate on port"),
            "{:?}",
            cell.reasons
        );
    }
    let would_fail = checked
        .findings
        .iter()
        .filter(|f| f.id == "pool.mtls-would-fail")
        .count();
    // #16, one finding per cause: pool06 asks nobody for a certificate (pool02 and pool04 calling
    // it), and pool02 and pool04 leave out Woodgrove's root (pool06 calling them).
    assert_eq!(would_fail, 2);
    // Both directions fail, so no pair is one-way.
    assert!(
        checked
            .findings
            .iter()
            .all(|f| f.id != "pool.trust-asymmetric")
    );
}

#[test]
fn members_are_probed_at_the_same_time() {
    // Each server answers only once all three connections have arrived: a probe that visited the
    // members one after the other would get no answer from the first within its timeout.
    let gate = Gate::new(3);
    let a = pki("Contoso", HOSTS[0], both());
    let b = pki("Fabrikam", HOSTS[1], both());
    let c = pki("Tailspin", HOSTS[2], both());
    let roots = [&a.root, &b.root, &c.root];
    let ports = [
        member(&a, Some(&roots), Some(Arc::clone(&gate))),
        member(&b, Some(&roots), Some(Arc::clone(&gate))),
        member(&c, Some(&roots), Some(Arc::clone(&gate))),
    ];
    let mut req = request((0..3).map(|i| target(HOSTS[i], ports[i])).collect(), vec![]);
    req.timeout = Duration::from_secs(3);
    let facts = probe_pool(&req, &CancelFlag::new(), &Progress::none());
    let matrix = decide(&facts.members, &[], at());
    assert!(
        matrix
            .members
            .iter()
            .all(|m| m.status == MemberStatus::Answered),
        "{:#?}",
        matrix
            .members
            .iter()
            .map(|m| &m.status_text)
            .collect::<Vec<_>>()
    );
    assert_eq!(grid(&matrix), ["·✓✓", "✓·✓", "✓✓·"]);
}

#[test]
fn progress_names_each_member() {
    let pool = pool();
    let (tx, rx) = mpsc::channel();
    let progress = Progress::new(tx, None);
    let facts = probe_pool(
        &request(pool.targets(&[0, 1, 4]), vec![]),
        &CancelFlag::new(),
        &progress,
    );
    drop(progress);
    assert_eq!(facts.members.len(), 3);
    let summaries: Vec<String> = rx
        .iter()
        .filter_map(|e| match e {
            ProbeEvent::Finished { summary, .. } => Some(summary),
            _ => None,
        })
        .collect();
    // Connect and handshake for the two that answer, connect only for the one that is down.
    assert_eq!(summaries.len(), 5, "{summaries:#?}");
    for host in [HOSTS[0], HOSTS[1], HOSTS[4]] {
        assert!(
            summaries
                .iter()
                .any(|s| s.starts_with(&format!("{host}: "))),
            "{host} in {summaries:#?}"
        );
    }
    assert!(
        summaries
            .iter()
            .any(|s| s.starts_with("pool01.contoso.com: ")
                && s.contains("client certificate requested (4 CA names)")),
        "{summaries:#?}"
    );
}

#[test]
fn cancel_leaves_silent_members_unknown() {
    // A listener that accepts and never answers TLS.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(4) {
            held.push(stream);
        }
        std::thread::sleep(Duration::from_secs(60));
    });
    let pool = pool();
    let mut targets = pool.targets(&[0]);
    targets.push(target("pool07.contoso.com", silent));
    let mut req = request(targets, vec![]);
    // Long enough that only the cancel can end the silent member's handshake.
    req.timeout = Duration::from_secs(60);
    let cancel = CancelFlag::new();
    let trigger = cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        trigger.cancel();
    });
    let checked = check_pool(&req, &cancel, &Progress::none());
    let _ = canceller.join();
    let m = &checked.matrix;
    assert!(m.cancelled && checked.facts.cancelled);
    assert_eq!(m.members[0].status, MemberStatus::Answered);
    assert_eq!(m.members[1].status, MemberStatus::Cancelled);
    assert_eq!(grid(m), ["·?", "?·"]);
    assert!(checked.findings.iter().any(|f| f.id == "pool.cancelled"));
    assert!(
        checked
            .findings
            .iter()
            .all(|f| f.severity != Severity::Fail)
    );
}

#[test]
fn the_matrix_round_trips_through_json_in_kebab_case() {
    let pool = pool();
    let checked = run(&request(pool.targets(&[0, 1, 4]), pool.anchors()));
    let json = serde_json::to_value(&checked.matrix).expect("json");
    assert_eq!(json["members"][2]["status"], "closed");
    assert_eq!(json["members"][0]["status"], "answered");
    let rejected = json["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| c["client"] == 0 && c["server"] == 1)
        .expect("cell 0 → 1");
    assert_eq!(rejected["accepted"], false);
    assert_eq!(rejected["blockers"][0]["kind"], "ca-list-excludes-chain");
    let unknown = json["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| c["client"] == 2)
        .expect("row of the member that is down");
    assert!(unknown["accepted"].is_null());
    let back: PoolMatrix = serde_json::from_value(json).expect("reads back");
    assert_eq!(back, checked.matrix);
    // Findings come from the matrix alone: the same from the JSON as from the run.
    assert_eq!(judge(&back), checked.findings);
}
