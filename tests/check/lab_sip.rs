//! `certwiz check --protocol sip` against the lab's SIP scenarios (and the web-site scenarios spoken
//! to in SIP), through the binary; and the judgement of a SIP server that closes after our OPTIONS.

use std::time::Duration;

use certwiz::engine::check::judge;
use certwiz::engine::probe::sip::SipReply;
use certwiz::engine::probe::tls::HandshakeOutcome;
use certwiz::engine::probe::{CancelFlag, Progress, ProtocolChoice};
use certwiz::lab::{LabServer, Scenario};
use serde_json::Value;

use crate::probe_engine::port_request;

/// Exit code, JSON report and text summary of `certwiz check` of `scenario` with the lab's client
/// certificate, speaking `protocol`.
fn check(scenario: Scenario, protocol: &str) -> (i32, Value, String) {
    let (server, _dir, files) = crate::reports::lab(scenario);
    let (code, json, _) =
        crate::reports::check(&server, &files, &["--protocol", protocol, "--json"]);
    let (_, text, _) = crate::reports::check(&server, &files, &["--protocol", protocol, "--full"]);
    (
        code,
        serde_json::from_str(&json).expect("JSON on stdout"),
        text,
    )
}

fn ids(json: &Value, severity: &str) -> Vec<String> {
    json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["severity"] == severity)
        .filter_map(|f| f["id"].as_str().map(str::to_owned))
        .collect()
}

/// Healthy SIP mutual TLS. Expected: exit 0, `sip.options-ok` and `tls.mtls-ok`, the answer in
/// `probe.sip`, the text naming SIP and why, and no HTTP browse (not tried, with the reason).
#[test]
fn lab_sip_healthy_passes_on_the_sip_answer() {
    let (code, json, text) = check(Scenario::SipHealthy, "sip");
    assert_eq!(code, 0, "{}", json["findings"]);
    assert_eq!(ids(&json, "fail"), Vec::<String>::new());
    let passes = ids(&json, "pass");
    assert!(passes.contains(&"sip.options-ok".into()) && passes.contains(&"tls.mtls-ok".into()));
    let sip = &json["probe"]["sip"];
    assert_eq!(sip["with_client_certificate"], true);
    assert_eq!(sip["reply"]["status"], 200);
    assert_eq!(sip["reply"]["first_line"], "SIP/2.0 200 OK");
    assert_eq!(json["probe"]["target"]["protocol"], "sip");
    assert!(json["probe"]["browse"].is_null());
    let not_tried = json["probe"]["not_tried"].to_string();
    assert!(
        not_tried.contains("the port speaks SIP (--protocol sip)"),
        "{not_tried}"
    );
    assert!(text.contains("SIP (--protocol sip)"), "{text}");
    assert!(
        text.contains("Status line          SIP/2.0 200 OK"),
        "{text}"
    );
}

/// An Edge answering 403 after a good mutual handshake. Expected: exit 1, `sip.error-response` only,
/// with the ms-diagnostics in words; never `tls.mtls-ok`.
#[test]
fn lab_sip_forbidden_is_an_error_response() {
    let (code, json, text) = check(Scenario::SipForbidden, "sip");
    assert_eq!(code, 1);
    assert_eq!(ids(&json, "fail"), vec!["sip.error-response".to_owned()]);
    assert!(!ids(&json, "pass").contains(&"tls.mtls-ok".into()));
    let detail = json["findings"][0]["detail"].as_str().unwrap_or("");
    assert!(detail.contains("federate"), "{detail}");
    assert!(
        detail.contains("1034: Previous hop federated peer did not report diagnostic information")
    );
    assert!(text.contains("ms-diagnostics       1034:"), "{text}");
}

/// A SIP server that asks for no certificate. Expected: exit 1, `tls.no-client-cert-request` (in SIP
/// words), the OPTIONS answered without a certificate (`sip.options-ok`).
#[test]
fn lab_sip_without_client_certificates_fails_on_the_request() {
    let (code, json, _) = check(Scenario::SipNoClientCertificate, "sip");
    assert_eq!(code, 1);
    assert_eq!(
        ids(&json, "fail"),
        vec!["tls.no-client-cert-request".to_owned()]
    );
    assert!(ids(&json, "pass").contains(&"sip.options-ok".into()));
    assert_eq!(json["probe"]["sip"]["with_client_certificate"], false);
    let detail = json["findings"][0]["detail"].as_str().unwrap_or("");
    assert!(detail.contains("speaks SIP"), "{detail}");
}

/// A web site (the incident's impostor, no certificate asked) and the healthy MCU Factory (mutual
/// TLS, HTTP) spoken to in SIP. Expected: `sip.not-sip` naming the HTTP answer; the MCU Factory's
/// completed mutual TLS is not `tls.mtls-ok`, because no SIP answered.
#[test]
fn web_servers_spoken_to_in_sip_are_not_sip() {
    let (_, json, _) = check(Scenario::ImpostorWebSite, "sip");
    let fails = ids(&json, "fail");
    assert!(fails.contains(&"sip.not-sip".into()), "{fails:?}");
    let (code, json, _) = check(Scenario::Healthy, "sip");
    assert_eq!(code, 1);
    assert_eq!(ids(&json, "fail"), vec!["sip.not-sip".to_owned()]);
    assert!(!ids(&json, "pass").contains(&"tls.mtls-ok".into()));
    let detail = json["findings"][0]["detail"].as_str().unwrap_or("");
    assert!(
        detail.contains("an HTTP answer (HTTP/1.1 200 OK)"),
        "{detail}"
    );
}

/// A SIP server that closes after our OPTIONS without an answer and without a TLS alert (what
/// Kamailio does with a request it cannot parse). Expected: `sip.not-sip` saying so, never
/// `tls.remote-closed` ("rejected our certificate"), never `tls.mtls-ok`. The facts are a real
/// probe's of the healthy SIP lab, with the answer taken away as such a server would.
#[test]
fn a_close_after_options_is_not_a_certificate_rejection() {
    let server = LabServer::start(Scenario::SipHealthy).expect("lab");
    let dir = tempfile::tempdir().expect("dir");
    let files = server.write_files(dir.path()).expect("files");
    let mut request = port_request(server.port(), &files, Duration::from_secs(2), true);
    request.plan.target.protocol = ProtocolChoice::Sip;
    let mut facts =
        certwiz::engine::probe::run(&request.plan, &CancelFlag::new(), &Progress::none());
    let closed = HandshakeOutcome::RemoteClosed {
        during: "first-read".into(),
    };
    let sip = facts.sip.as_mut().expect("sip exchange");
    sip.outcome = closed.clone();
    sip.reply = SipReply::Nothing {
        why: "the server closed the connection without a SIP answer and without a TLS alert".into(),
    };
    facts.mutual_tls.as_mut().expect("mutual tls").outcome = closed;
    let findings = judge(&facts, &request).findings;
    let ids: Vec<&str> = findings.iter().map(|f| f.id.as_str()).collect();
    assert!(ids.contains(&"sip.not-sip"), "{ids:?}");
    assert!(
        !ids.contains(&"tls.remote-closed") && !ids.contains(&"tls.mtls-ok"),
        "{ids:?}"
    );
    let not_sip = findings
        .iter()
        .find(|f| f.id == "sip.not-sip")
        .expect("finding");
    assert!(
        not_sip.detail.contains("without a TLS alert"),
        "{}",
        not_sip.detail
    );
}

/// `certwiz pool` members on SIP ports get an OPTIONS too (without a client certificate: the pool
/// has none). Expected: the member that asks for no certificate answers 200 (`sip.options-ok` naming
/// its port); the one that demands a certificate refuses the certificate-less connection in TLS, so
/// no SIP finding is made up for it; the members' facts carry the exchange.
#[test]
fn pool_members_on_sip_ports_are_asked_in_sip() {
    use certwiz::engine::pool::{PoolRequest, check_pool, pool_report};
    let open = LabServer::start(Scenario::SipNoClientCertificate).expect("lab");
    let strict = LabServer::start(Scenario::SipHealthy).expect("lab");
    let member = |server: &LabServer, host: &str| certwiz::engine::probe::ProbeTarget {
        host: host.into(),
        port: server.port(),
        path: "/".into(),
        address: Some("127.0.0.1".parse().expect("ip")),
        protocol: ProtocolChoice::Sip,
    };
    let request = PoolRequest {
        members: vec![
            member(&open, "fe01.lab.test"),
            member(&strict, "fe02.lab.test"),
        ],
        timeout: Duration::from_secs(2),
        trust_anchors: Vec::new(),
        at: time::OffsetDateTime::now_utc(),
    };
    let facts = check_pool(&request, &CancelFlag::new(), &Progress::none()).facts;
    let answered = facts.members[0].sip.as_ref().expect("fe01 was asked");
    assert!(
        answered.answer().is_some_and(|a| a.status == 200),
        "{answered:?}"
    );
    assert!(!answered.with_client_certificate);
    let report = pool_report(&request, &CancelFlag::new(), &Progress::none());
    let sip: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.id.starts_with("sip."))
        .map(|f| f.title.as_str())
        .collect();
    assert_eq!(
        sip,
        vec![format!("SIP answers on port {}: 200 OK", open.port()).as_str()],
        "{:?}",
        report.findings
    );
    // fe02 wants a client certificate before it answers SIP, and the pool check presents none: the
    // verdict never reads as if its SIP had been seen.
    let summary = &report.verdict.summary;
    assert!(
        summary.contains("Not checked: fe02.lab.test: the SIP answer"),
        "{summary}"
    );
    assert!(
        !summary.contains("fe01.lab.test: the SIP answer"),
        "{summary}"
    );
}

/// `--redact` masks the names an Edge puts in its SIP answer (ms-diagnostics `Domain=`,
/// `PeerServer=`, `source=`), in every format. Expected: none of the lab's names is left.
#[test]
fn redaction_masks_the_names_in_the_sip_answer() {
    let (server, _dir, files) = crate::reports::lab(Scenario::SipForbidden);
    for format in [
        &["--json"][..],
        &["--full"],
        &["--format", "markdown"],
        &["--format", "html"],
    ] {
        let mut args = vec!["--protocol", "sip", "--redact"];
        args.extend_from_slice(format);
        let (_, out, _) = crate::reports::check(&server, &files, &args);
        let format = format.join(" ");
        assert!(out.contains("1034"), "{format}: the diagnostics stay");
        for name in ["lab.test", "partner.test", "127.0.0.1"] {
            assert!(!out.contains(name), "{format}: {name} left in\n{out}");
        }
    }
}
