//! `certwiz check` against a real SIP server nobody here wrote: Kamailio 5.6 from Debian (`kamailio`,
//! `kamailio-tls-modules`), started unprivileged on 127.0.0.1 with a config and the lab's certificates
//! in a temporary directory. Each test writes down what Kamailio does before certwiz looks at it; the
//! oracle is `openssl s_client -quiet` with a hand-typed OPTIONS, run against the same configs:
//! (a) answers `SIP/2.0 200 OK` with `Server: kamailio (5.6.3 (x86_64/linux))`, and closes without an
//! answer on an HTTP GET (the false `tls.remote-closed`); (b) sends the alert `unknown_ca`.
//! A machine without Kamailio skips these tests with a printed reason; CI installs it
//! (`.ci/real-servers`).

use std::process::Command;
use std::time::Duration;

use certwiz::engine::check::check;
use certwiz::engine::finding::Severity;
use certwiz::engine::probe::sip::SipReply;
use certwiz::engine::probe::{CancelFlag, Progress, ProtocolChoice};
use certwiz::engine::report::Report;
use certwiz::lab::{LabIdentity, LabPki};

use crate::common::real::{RealServer, binary_or_skip, free_port, write};
use crate::probe_engine::port_request;
use crate::real_servers::ids;

/// A running Kamailio. Its main process forks workers that a SIGKILL of the main process would
/// orphan, so it is stopped with SIGTERM (Kamailio then stops every worker) before the server's own
/// drop reaps it.
struct Kamailio(RealServer);

impl std::ops::Deref for Kamailio {
    type Target = RealServer;
    fn deref(&self) -> &RealServer {
        &self.0
    }
}

impl Drop for Kamailio {
    fn drop(&mut self) {
        let Ok(pid) = std::fs::read_to_string(self.0.file("kamailio.pid")) else {
            return;
        };
        let pid = pid.trim().to_owned();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let started = std::time::Instant::now();
        // The workers hold the listening socket: once it refuses, they are gone (the main process
        // stays a zombie until the server's drop reaps it).
        while std::net::TcpStream::connect(("127.0.0.1", self.0.port)).is_ok()
            && started.elapsed() < Duration::from_secs(3)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// How the Kamailio under test treats client certificates.
enum ClientCerts<'a> {
    /// `verify_certificate` and `require_certificate` on, trusting this CA (PEM).
    Required(&'a str),
    /// Neither: no CertificateRequest at all.
    NotAsked,
}

/// Kamailio on a free loopback port: TLS only, the server `identity`, `clients` as said, and
/// `route` as its request_route (sl_send_reply answers statelessly).
fn kamailio(
    test: &str,
    identity: &LabIdentity,
    method: &str,
    clients: ClientCerts<'_>,
    route: &str,
) -> Option<Kamailio> {
    let bin = binary_or_skip("kamailio", "kamailio kamailio-tls-modules", test)?;
    let modules = [
        "/usr/lib/x86_64-linux-gnu/kamailio/modules",
        "/usr/lib/kamailio/modules",
    ]
    .into_iter()
    .find(|d| std::path::Path::new(d).join("tls.so").is_file());
    let Some(modules) = modules else {
        eprintln!(
            "SKIPPED {test}: Kamailio's tls.so is not installed (Debian package kamailio-tls-modules)"
        );
        return None;
    };
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    write(d, "server.pem", &identity.chain_pem);
    write(d, "server.key", &identity.key_pem);
    let verify = match clients {
        ClientCerts::Required(ca) => {
            write(d, "clients-ca.pem", ca);
            format!(
                "verify_certificate = yes\nrequire_certificate = yes\nca_list = {}/clients-ca.pem\n",
                d.display()
            )
        }
        ClientCerts::NotAsked => "verify_certificate = no\nrequire_certificate = no\n".into(),
    };
    write(
        d,
        "tls.cfg",
        &format!(
            "[server:default]\nmethod = {method}\nprivate_key = {root}/server.key\ncertificate = {root}/server.pem\n{verify}\n[client:default]\nverify_certificate = no\nrequire_certificate = no\n",
            root = d.display()
        ),
    );
    let port = free_port();
    let cfg = write(
        d,
        "kamailio.cfg",
        &format!(
            "#!KAMAILIO\ndebug=2\nlog_stderror=yes\nchildren=1\ntcp_children=1\nauto_aliases=no\nenable_tls=yes\n\
             listen=tls:127.0.0.1:{port}\nmpath=\"{modules}/\"\nloadmodule \"tls.so\"\nloadmodule \"sl.so\"\n\
             loadmodule \"textops.so\"\nmodparam(\"tls\", \"config\", \"{root}/tls.cfg\")\n\
             request_route {{\n{route}\n}}\n",
            root = d.display()
        ),
    );
    let mut command = Command::new(bin);
    // -DD: stay in the foreground (the test kills it); -E: log to stderr; -Y / -w / -P: runtime
    // files in the temporary directory; small memory pools (no root, no system paths).
    command
        .arg("-f")
        .arg(&cfg)
        .args(["-DD", "-E", "-m", "32", "-M", "4"])
        .arg("-Y")
        .arg(d)
        .arg("-w")
        .arg(d)
        .arg("-P")
        .arg(d.join("kamailio.pid"));
    let server = RealServer::start(command, port, dir);
    // The pid file is written just before the workers listen; wait for it so the drop finds it.
    let started = std::time::Instant::now();
    while !server.file("kamailio.pid").is_file() && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(Kamailio(server))
}

/// A healthy SIP server's route: OPTIONS answered 200 (the keep-alive every SIP peer answers).
const ANSWERS_OPTIONS: &str = "    if (is_method(\"OPTIONS\")) { sl_send_reply(\"200\", \"OK\"); exit; }\n    sl_send_reply(\"405\", \"Method Not Allowed\");";

/// An Edge refusing the partner: 403 with an ms-diagnostics header (`append_to_reply`).
const FORBIDS: &str = "    append_to_reply(\"ms-diagnostics: 1034;reason=\\\"Previous hop federated peer did not report diagnostic information\\\"\\r\\n\");\n    sl_send_reply(\"403\", \"Forbidden\");";

/// Which certificate Kamailio presents (and which TLS versions it speaks).
#[derive(Clone, Copy)]
enum ServerCert {
    /// The lab's healthy server certificate (both purposes), TLS 1.2 and 1.3.
    Healthy,
    /// The same, TLS 1.0 only with every suite (a Windows 2003-era peer): rustls refuses it, so the
    /// OPTIONS goes through the second engine (OpenSSL).
    HealthyTls10Only,
    /// One without Client Authentication.
    ServerAuthOnly,
}

/// Which client certificates Kamailio takes.
#[derive(Clone, Copy)]
enum Clients {
    /// Required, from the lab's root (ours).
    OurRoot,
    /// Required, from another root.
    OtherRoot,
    /// Not asked for.
    NotAsked,
}

/// A fresh lab PKI and Kamailio configured as said (`None`: Kamailio is not installed).
fn start(
    test: &str,
    cert: ServerCert,
    clients: Clients,
    route: &str,
) -> Option<(LabPki, Kamailio)> {
    let pki = LabPki::generate().expect("pki");
    let (identity, method) = match cert {
        ServerCert::Healthy => (&pki.server, "TLSv1.2+"),
        ServerCert::HealthyTls10Only => (&pki.server, "TLSv1\ncipher_list = DEFAULT:@SECLEVEL=0"),
        ServerCert::ServerAuthOnly => (&pki.server_no_client_auth, "TLSv1.2+"),
    };
    let clients = match clients {
        Clients::OurRoot => ClientCerts::Required(&pki.root_pem),
        Clients::OtherRoot => ClientCerts::Required(&pki.new_root_pem),
        Clients::NotAsked => ClientCerts::NotAsked,
    };
    let server = kamailio(test, identity, method, clients, route)?;
    Some((pki, server))
}

/// `certwiz check` with the lab's client certificate and root, speaking `protocol`.
fn check_sip(pki: &LabPki, server: &RealServer, protocol: ProtocolChoice) -> Report {
    let files = pki.write_files(server.dir.path()).expect("files");
    let mut request = port_request(server.port, &files, Duration::from_secs(5), true);
    request.plan.target.protocol = protocol;
    check(&request, &CancelFlag::new(), &Progress::none())
}

/// `certwiz check` over SIP of a fresh Kamailio configured as said (`None`: not installed).
fn sip_report(test: &str, cert: ServerCert, clients: Clients, route: &str) -> Option<Report> {
    let (pki, server) = start(test, cert, clients, route)?;
    Some(check_sip(&pki, &server, ProtocolChoice::Sip))
}

/// The finding `id` (the test fails with every finding listed when it is missing).
fn finding<'a>(report: &'a Report, id: &str) -> &'a certwiz::engine::finding::Finding {
    report
        .findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", report.findings))
}

fn has(report: &Report, id: &str) -> bool {
    report.findings.iter().any(|f| f.id == id)
}

/// (a) Healthy mutual TLS answering OPTIONS with 200. Expected: `sip.options-ok` naming Kamailio,
/// `tls.mtls-ok`, no failure. Spoken over HTTP (the old behaviour), the same server drops the GET
/// and certwiz reports `tls.remote-closed`: the false failure, kept as the contrast.
#[test]
fn kamailio_healthy_mutual_tls_answers_options() {
    let Some((pki, server)) = start(
        "kamailio_healthy_mutual_tls_answers_options",
        ServerCert::Healthy,
        Clients::OurRoot,
        ANSWERS_OPTIONS,
    ) else {
        return;
    };
    let report = check_sip(&pki, &server, ProtocolChoice::Sip);
    assert_eq!(
        ids(&report, Severity::Fail),
        Vec::<String>::new(),
        "{report:#?}"
    );
    assert!(has(&report, "sip.options-ok") && has(&report, "tls.mtls-ok"));
    let sip = report
        .probe
        .as_ref()
        .and_then(|p| p.sip.as_ref())
        .expect("sip");
    assert!(sip.with_client_certificate);
    let SipReply::Answered(answer) = &sip.reply else {
        panic!("{sip:?}")
    };
    assert_eq!(answer.status, 200);
    assert!(
        answer
            .server
            .as_deref()
            .is_some_and(|s| s.starts_with("kamailio")),
        "{answer:?}"
    );
    let over_http = check_sip(&pki, &server, ProtocolChoice::Http);
    assert!(
        has(&over_http, "tls.remote-closed"),
        "{:?}",
        over_http.findings
    );
}

/// (b) Kamailio trusting another CA rejects our certificate in TLS (openssl s_client: alert
/// `unknown_ca`). Expected: `tls.client-cert-rejected` with that alert, no SIP pass, no `tls.mtls-ok`.
#[test]
fn kamailio_trusting_another_ca_rejects_our_certificate_in_tls() {
    let Some(report) = sip_report(
        "kamailio_trusting_another_ca_rejects_our_certificate_in_tls",
        ServerCert::Healthy,
        Clients::OtherRoot,
        ANSWERS_OPTIONS,
    ) else {
        return;
    };
    let rejected = finding(&report, "tls.client-cert-rejected");
    assert!(rejected.title.contains("unknown_ca"), "{}", rejected.title);
    assert!(!has(&report, "sip.options-ok") && !has(&report, "tls.mtls-ok"));
}

/// (c) Kamailio that does not ask for a certificate. Expected: `tls.no-client-cert-request` (fail on a
/// SIP port), and the OPTIONS without a certificate answered 200 (`sip.options-ok`, said to be
/// without a client certificate); never `tls.mtls-ok`.
#[test]
fn kamailio_without_client_certificates_is_not_mutual_tls() {
    let Some(report) = sip_report(
        "kamailio_without_client_certificates_is_not_mutual_tls",
        ServerCert::Healthy,
        Clients::NotAsked,
        ANSWERS_OPTIONS,
    ) else {
        return;
    };
    assert_eq!(
        ids(&report, Severity::Fail),
        vec!["tls.no-client-cert-request".to_owned()]
    );
    let ok = finding(&report, "sip.options-ok");
    assert!(
        ok.detail.contains("without a client certificate"),
        "{}",
        ok.detail
    );
    assert!(!has(&report, "tls.mtls-ok"));
}

/// (d) Kamailio answering 403 after a good mutual handshake. Expected: `sip.error-response` (fail)
/// with the ms-diagnostics in words, and no `tls.mtls-ok`: the SIP answer with our certificate
/// decides.
#[test]
fn kamailio_403_is_a_sip_error_not_a_pass() {
    let Some(report) = sip_report(
        "kamailio_403_is_a_sip_error_not_a_pass",
        ServerCert::Healthy,
        Clients::OurRoot,
        FORBIDS,
    ) else {
        return;
    };
    assert_eq!(
        ids(&report, Severity::Fail),
        vec!["sip.error-response".to_owned()]
    );
    let error = &report.findings[0];
    assert!(error.title.contains("403 Forbidden"), "{}", error.title);
    assert!(
        error.detail.contains("1034: Previous hop federated peer"),
        "{}",
        error.detail
    );
    assert!(!has(&report, "tls.mtls-ok") && !has(&report, "sip.options-ok"));
}

/// (e) Kamailio presenting a certificate without Client Authentication (the 2026 public-CA change):
/// SIP works, and the chain findings say the certificate cannot be a client certificate.
/// Expected: `cert.client-auth-missing` about the presented certificate, `sip.options-ok`.
#[test]
fn kamailio_server_auth_only_certificate_is_named() {
    let Some(report) = sip_report(
        "kamailio_server_auth_only_certificate_is_named",
        ServerCert::ServerAuthOnly,
        Clients::OurRoot,
        ANSWERS_OPTIONS,
    ) else {
        return;
    };
    assert!(has(&report, "sip.options-ok"), "{:?}", report.findings);
    let missing = finding(&report, "cert.client-auth-missing");
    assert_eq!(
        missing.scope,
        Some(certwiz::engine::finding::Scope::Remote),
        "{missing:?}"
    );
}

/// (f) Kamailio speaking only TLS 1.0 (as `openssl s_client -tls1` confirms) with mutual TLS:
/// rustls refuses it by design, so the second engine (OpenSSL) does the handshake and the OPTIONS.
/// Expected: `tls.legacy-only` (warn), `sip.options-ok` from the OpenSSL exchange with our
/// certificate, `tls.mtls-ok`, no failure.
#[test]
fn kamailio_tls10_is_spoken_to_through_the_second_engine() {
    let Some(report) = sip_report(
        "kamailio_tls10_is_spoken_to_through_the_second_engine",
        ServerCert::HealthyTls10Only,
        Clients::OurRoot,
        ANSWERS_OPTIONS,
    ) else {
        return;
    };
    assert_eq!(
        ids(&report, Severity::Fail),
        Vec::<String>::new(),
        "{:?}",
        report.findings
    );
    assert!(
        has(&report, "tls.legacy-only")
            && has(&report, "sip.options-ok")
            && has(&report, "tls.mtls-ok")
    );
    let sip = report
        .probe
        .as_ref()
        .and_then(|p| p.sip.as_ref())
        .expect("sip");
    assert_eq!(sip.engine.as_deref(), Some("openssl"));
    assert!(sip.with_client_certificate && sip.answer().is_some_and(|a| a.status == 200));
}
