//! The probe engine in-process: progress events, cancel, and the pure judgement.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use certwiz::engine::check::{CheckRequest, check};
use certwiz::engine::load::load_path;
use certwiz::engine::probe::{
    CancelFlag, ClientIdentity, ProbeEvent, ProbePlan, ProbeStep, ProbeTarget, Progress,
};
use certwiz::lab::{LAB_HOST, LabFiles, LabServer, Scenario};

fn request(server: &LabServer, timeout: Duration, with_identity: bool) -> CheckRequest {
    let dir = tempfile::tempdir().expect("dir");
    let files = server.write_files(dir.path()).expect("files");
    port_request(server.port(), &files, timeout, with_identity)
}

/// A check of the MCU Factory path on 127.0.0.1:`port` as the lab's host, with the lab's root as the
/// trust anchor and (`with_identity`) its client certificate: what an admin gives `certwiz check`.
pub fn port_request(
    port: u16,
    files: &LabFiles,
    timeout: Duration,
    with_identity: bool,
) -> CheckRequest {
    let anchors = load_path(&files.root, None).expect("root").certificates;
    let client = load_path(&files.client_cert, None)
        .expect("client")
        .certificates;
    let identity = with_identity.then(|| {
        let mut key = load_path(&files.client_key, None).expect("key").keys;
        Arc::new(ClientIdentity {
            chain: client.iter().map(|c| Arc::clone(&c.der)).collect(),
            key: key.pop().expect("one key").into(),
        })
    });
    CheckRequest {
        plan: ProbePlan {
            target: ProbeTarget {
                host: LAB_HOST.into(),
                port,
                path: "/LiveServer/MCUFactory/".into(),
                address: Some("127.0.0.1".parse().expect("ip")),
                protocol: Default::default(),
            },
            timeout,
            identity,
        },
        trust_anchors: anchors,
        expected_names: vec![],
        local_certificate: None,
        client_chain: client,
        at: time::OffsetDateTime::now_utc(),
        inputs: vec![],
        fetch: None,
    }
}

#[test]
fn progress_reports_every_step_and_wakes_the_waker() {
    let server = LabServer::start(Scenario::Healthy).expect("lab");
    let req = request(&server, Duration::from_secs(3), true);
    let (tx, rx) = std::sync::mpsc::channel();
    let wakes = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&wakes);
    let progress = Progress::new(
        tx,
        Some(Arc::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        })),
    );
    let report = check(&req, &CancelFlag::new(), &progress);
    drop(progress);
    assert!(!report.has_failures(), "{:?}", report.findings);
    let events: Vec<ProbeEvent> = rx.iter().collect();
    assert_eq!(wakes.load(Ordering::SeqCst), events.len());
    let finished: Vec<ProbeStep> = events
        .iter()
        .filter_map(|e| match e {
            ProbeEvent::Finished { step, .. } => Some(*step),
            ProbeEvent::Started { .. } | ProbeEvent::Contacting { .. } => None,
        })
        .collect();
    // Connect and handshake in order; the three later steps run concurrently, in any order.
    assert_eq!(&finished[..2], [ProbeStep::Connect, ProbeStep::Handshake]);
    let mut later = finished[2..].to_vec();
    later.sort();
    assert_eq!(
        later,
        [
            ProbeStep::MutualTls,
            ProbeStep::Browse,
            ProbeStep::BrowseWithCertificate
        ]
    );
    let timings = report.timings.as_ref().expect("timings");
    assert_eq!(timings.steps_ms.len(), 5);
}

/// Runs `req`, cancelling it after 300 ms (as a user pressing Cancel).
fn check_cancelled_after_300ms(req: &CheckRequest) -> certwiz::engine::report::Report {
    let cancel = CancelFlag::new();
    let trigger = cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        trigger.cancel();
    });
    let report = check(req, &cancel, &Progress::none());
    let _ = canceller.join();
    report
}

#[test]
fn cancel_stops_a_silent_check_long_before_its_timeout() {
    let server = LabServer::start(Scenario::SilentListener).expect("lab");
    let req = request(&server, Duration::from_secs(30), false);
    let started = Instant::now();
    let report = check_cancelled_after_300ms(&req);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert!(report.probe.as_ref().is_some_and(|p| p.cancelled));
}

/// Expected, written before running it: the port answered TCP (a finished fact: `port.open`, pass),
/// the handshake never finished, so nothing after the connection is judged: no `port.silent`, no
/// "revocation not checked", the verdict `cancelled` naming the connection as checked and the
/// handshake, the presented path, the HTTPS answer and revocation as not; every renderer says
/// CANCELLED and none says "No problems found".
#[test]
fn a_cancelled_check_judges_nothing_unfinished_and_says_what_was_checked() {
    use certwiz::engine::report::{CheckPart, VerdictStatus};
    use certwiz::render::{Format, render};
    let server = LabServer::start(Scenario::SilentListener).expect("lab");
    let mut req = request(&server, Duration::from_secs(30), true);
    req.fetch = Some(certwiz::engine::revocation::FetchOptions::default());
    let report = check_cancelled_after_300ms(&req);
    assert_eq!(report.verdict.status, VerdictStatus::Cancelled);
    let ids: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["port.open"]);
    assert_eq!(report.verdict.checked, [CheckPart::Connect]);
    assert_eq!(
        report.verdict.not_checked,
        [
            CheckPart::TlsHandshake,
            CheckPart::PresentedPath,
            CheckPart::Browse,
            CheckPart::Revocation
        ]
    );
    assert!(
        report
            .verdict
            .summary
            .starts_with("Cancelled before the checks finished"),
        "{}",
        report.verdict.summary
    );
    let json = serde_json::to_value(&report).expect("json");
    assert_eq!(json["verdict"]["status"], "cancelled");
    assert_eq!(json["verdict"]["not_checked"][0], "tls-handshake");
    for format in [Format::Text, Format::Markdown, Format::Html, Format::Json] {
        let out = render(&report, format).expect("render");
        assert!(
            out.contains("CANCELLED") || format == Format::Json,
            "{format:?}"
        );
        assert!(!out.contains("No problems found"), "{format:?}: {out}");
    }
    assert!(
        render(&report, Format::Html)
            .expect("html")
            .contains("class=\"verdict cancelled\"")
    );
    // A saved report reads back cancelled.
    let read =
        certwiz::engine::report::Report::from_json(json.to_string().as_bytes()).expect("read");
    assert_eq!(read.verdict.status, VerdictStatus::Cancelled);
}

/// Expected: cancelled before the first address was tried, nothing is known about the port, so no
/// `port.timeout` ("No answer from port ...") is made up, and the connection itself is not checked.
#[test]
fn a_check_cancelled_before_it_connects_blames_no_port() {
    use certwiz::engine::report::{CheckPart, VerdictStatus};
    let server = LabServer::start(Scenario::Healthy).expect("lab");
    let req = request(&server, Duration::from_secs(3), true);
    let cancel = CancelFlag::new();
    cancel.cancel();
    let report = check(&req, &cancel, &Progress::none());
    assert_eq!(report.verdict.status, VerdictStatus::Cancelled);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert!(report.verdict.checked.is_empty());
    assert_eq!(report.verdict.not_checked[0], CheckPart::Connect);
}

#[test]
fn identical_facts_give_identical_json_apart_from_timings() {
    let server = LabServer::start(Scenario::ImpostorWebSite).expect("lab");
    let mut req = request(&server, Duration::from_secs(3), false);
    req.at = time::macros::datetime!(2030-01-01 00:00:00 UTC);
    let strip = |mut v: serde_json::Value| {
        if let Some(o) = v.as_object_mut() {
            for times in ["timings", "origin", "timeline"] {
                o.remove(times);
            }
        }
        v
    };
    let a = strip(
        serde_json::to_value(check(&req, &CancelFlag::new(), &Progress::none())).expect("json"),
    );
    let b = strip(
        serde_json::to_value(check(&req, &CancelFlag::new(), &Progress::none())).expect("json"),
    );
    assert_eq!(a, b);
}

/// Issue #15, point 2: a completed mutual-TLS handshake whose answer is a bare 403 (IIS with detailed
/// errors off hides 403.16 from remote clients) is not "mutual TLS works": `tls.mtls-unconfirmed`
/// (warn) instead of `tls.mtls-ok`. The facts come from a real lab run, then the answer is replaced.
#[test]
fn a_bare_403_over_mutual_tls_is_not_an_all_clear() {
    use certwiz::engine::check::judge;
    use certwiz::engine::probe::browse::{AnswerKind, BrowseOutcome};
    let server = LabServer::start(Scenario::Healthy).expect("lab");
    let req = request(&server, Duration::from_secs(3), true);
    let mut facts = certwiz::engine::probe::run(&req.plan, &CancelFlag::new(), &Progress::none());
    let ids = |facts: &certwiz::engine::probe::ProbeFacts| -> Vec<String> {
        judge(facts, &req)
            .findings
            .into_iter()
            .map(|f| f.id)
            .collect()
    };
    assert!(ids(&facts).contains(&"tls.mtls-ok".to_owned()));
    let browse = facts
        .browse_with_certificate
        .as_mut()
        .expect("browse with the certificate");
    let BrowseOutcome::Answered(answer) = &mut browse.outcome else {
        panic!("no answer: {browse:?}");
    };
    answer.status = 403;
    answer.reason = "Forbidden".into();
    answer.kind = AnswerKind::HttpError;
    answer.client_certificate = None;
    let judged = ids(&facts);
    assert!(
        judged.contains(&"tls.mtls-unconfirmed".to_owned()),
        "{judged:?}"
    );
    assert!(!judged.contains(&"tls.mtls-ok".to_owned()), "{judged:?}");
}
