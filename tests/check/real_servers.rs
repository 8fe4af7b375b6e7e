//! `certwiz check` against servers nobody on this project wrote, configured the way conferencing
//! front ends and the impostor behave. Each test writes down what the server does (the expected
//! answer) before certwiz looks at it; a missing server binary skips the test with a printed reason.

use std::time::Duration;

use certwiz::engine::check::check;
use certwiz::engine::probe::tls::HandshakeOutcome;
use certwiz::engine::probe::{CancelFlag, Progress};
use certwiz::engine::report::Report;
use certwiz::lab::LabPki;

use crate::probe_engine::port_request;

use crate::common::real::{RealServer, apache, openssl_s_server, write};

/// A check of `server` with the lab's client certificate and root, the way an admin runs it.
fn check_with_client_certificate(pki: &LabPki, server: &RealServer) -> Report {
    let files = pki.write_files(server.dir.path()).expect("files");
    let request = port_request(server.port, &files, Duration::from_secs(5), true);
    check(&request, &CancelFlag::new(), &Progress::none())
}

/// Issue #15, point 3: OpenSSL on TLS 1.2 that trusts only another CA answers our certificate with
/// the alert `unknown_ca` (what `openssl s_client` shows against the same server) and closes. The
/// probe's own write can fail first (EPIPE); the alert already waits in the socket and must be read
/// every time, not "closed without a TLS alert" half of the time.
#[test]
fn tls12_rejection_is_read_as_its_alert_50_times_of_50() {
    let pki = LabPki::generate().expect("pki");
    let Some(server) = ({
        let dir = tempfile::tempdir().expect("dir");
        let foreign = write(dir.path(), "foreign-root.pem", &pki.new_root_pem);
        openssl_s_server(
            &pki.server.chain_pem,
            &pki.server.key_pem,
            &[
                "-tls1_2",
                "-Verify",
                "1",
                "-verify_return_error",
                "-CAfile",
                foreign.to_str().expect("utf-8 path"),
                "-www",
            ],
        )
        .map(|s| (s, dir))
    }) else {
        return;
    };
    let (server, _foreign_dir) = server;
    assert_alert_every_time(&pki, &server, "unknown_ca");
}

/// Point 3 against Apache httpd: `SSLVerifyClient require` with only another CA trusted rejects our
/// certificate in the TLS 1.2 handshake with `unknown_ca` (mod_ssl: "unable to get local issuer
/// certificate"); 50 runs, 50 alerts.
#[test]
fn apache_tls12_rejection_is_read_as_its_alert_50_times_of_50() {
    let pki = LabPki::generate().expect("pki");
    let Some(server) = apache(
        &pki.server.chain_pem,
        &pki.server.key_pem,
        "  SSLProtocol -all +TLSv1.2\n  SSLVerifyClient require\n  SSLVerifyDepth 3\n  SSLCACertificateFile {dir}/foreign-root.pem",
        &[("foreign-root.pem", &pki.new_root_pem)],
    ) else {
        return;
    };
    assert_alert_every_time(&pki, &server, "unknown_ca");
}

fn assert_alert_every_time(pki: &LabPki, server: &RealServer, alert: &str) {
    let expected = HandshakeOutcome::Alert {
        alert: alert.into(),
        during: "handshake".into(),
    };
    let mut seen = Vec::new();
    for _ in 0..50 {
        let report = check_with_client_certificate(pki, server);
        let Some(mtls) = report.probe.as_ref().and_then(|p| p.mutual_tls.as_ref()) else {
            panic!("mutual TLS not tried: {:#?}", report.probe);
        };
        seen.push(mtls.outcome.clone());
    }
    let right = seen.iter().filter(|o| **o == expected).count();
    assert_eq!(right, 50, "{right} of 50 read right; outcomes: {seen:?}");
}

/// Issue #15, point 6: Apache trusts the lab root, but our client certificate's issuing CA allows only
/// Server Authentication. OpenSSL refuses the path for a client (`unsupported certificate purpose`) and
/// sends `unsupported_certificate`. Expected before certwiz runs: the rejection names that CA
/// (scope local) and points to `chain.ca-restricts-client-auth`, which is in the report.
#[test]
fn apache_rejection_names_our_ca_without_client_authentication() {
    let pki = LabPki::generate().expect("pki");
    let Some(server) = apache(
        &pki.server.chain_pem,
        &pki.server.key_pem,
        "  SSLProtocol -all +TLSv1.2\n  SSLVerifyClient require\n  SSLVerifyDepth 3\n  SSLCACertificateFile {dir}/root.pem",
        &[("root.pem", &pki.root_pem)],
    ) else {
        return;
    };
    let mut files = pki.write_files(server.dir.path()).expect("files");
    let restricted = &pki.server_restricted_issuer;
    files.client_cert = write(server.dir.path(), "restricted.pem", &restricted.chain_pem);
    files.client_key = write(server.dir.path(), "restricted.key", &restricted.key_pem);
    let request = port_request(server.port, &files, Duration::from_secs(5), true);
    let report = check(&request, &CancelFlag::new(), &Progress::none());
    let mtls = report.probe.as_ref().and_then(|p| p.mutual_tls.as_ref());
    assert_eq!(
        mtls.map(|m| &m.outcome),
        Some(&HandshakeOutcome::Alert {
            alert: "unsupported_certificate".into(),
            during: "handshake".into()
        })
    );
    let rejected = report
        .findings
        .iter()
        .find(|f| f.id == "tls.client-cert-rejected")
        .expect("rejection");
    assert_eq!(
        rejected.explained_by.as_deref(),
        Some("chain.ca-restricts-client-auth")
    );
    let cause = report
        .findings
        .iter()
        .find(|f| f.id == "chain.ca-restricts-client-auth")
        .expect("cause");
    assert_eq!(rejected.certificate, cause.certificate);
    let ca = cause.certificate.as_ref().expect("names the CA");
    assert!(
        ca.subject.contains("Server-Only Issuing CA"),
        "{}",
        ca.subject
    );
    assert!(rejected.detail.contains(&ca.subject), "{}", rejected.detail);
}
