//! Issue #15, point 6 for revocation: a server rejects our client certificate because its CA revoked
//! it, and the revocation check of our own certificate (the wizard's local `--fetch`, which reads the
//! lab CA's CRL) says so. Expected before certwiz runs: the server's alert is `certificate_revoked`;
//! the rejection finding points to `revocation.revoked` (scope local) and names our certificate.
//! Against a real server (Apache httpd with `SSLCARevocationFile`) and a rustls server in the test.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use certwiz::engine::check::{check_fetching_own, own_certificate_request};
use certwiz::engine::finding::Scope;
use certwiz::engine::probe::tls::HandshakeOutcome;
use certwiz::engine::probe::{CancelFlag, Progress};
use certwiz::engine::report::Report;
use certwiz::engine::revocation::FetchOptions;
use certwiz::lab::{LabFiles, LabPki};

use crate::common::real::{apache, write};
use crate::probe_engine::port_request;

/// The lab issuing CA's CRL (DER), as its web server publishes it.
fn issuing_crl(pki: &LabPki) -> Vec<u8> {
    let address = pki.pki_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("lab PKI web server");
    write!(
        stream,
        "GET /issuing.crl HTTP/1.0\r\nHost: {address}\r\n\r\n"
    )
    .expect("request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("answer");
    let body = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4;
    raw[body..].to_vec()
}

/// Our files with the revoked certificate (serial 107, listed in the issuing CA's CRL) as the
/// client certificate.
fn revoked_client_files(pki: &LabPki, dir: &std::path::Path) -> LabFiles {
    let mut files = pki.write_files(dir).expect("files");
    files.client_cert = write(dir, "revoked.pem", &pki.server_revoked.chain_pem);
    files.client_key = write(dir, "revoked.key", &pki.server_revoked.key_pem);
    files
}

/// What the wizard and `certwiz check --fetch` do: the check, then the revocation check of our own
/// certificate, absorbed into the check's report.
fn check_and_fetch_our_own(port: u16, files: &LabFiles) -> Report {
    let mut request = port_request(port, files, Duration::from_secs(5), true);
    request.fetch = Some(FetchOptions::default());
    let own = own_certificate_request(&request).expect("a client certificate and --fetch");
    let (report, own) =
        check_fetching_own(&request, Some(&own), &CancelFlag::new(), &Progress::none());
    assert!(own.is_some(), "our own certificate was inspected");
    report
}

fn assert_rejection_names_the_revocation(pki: &LabPki, report: &Report) {
    let mtls = report.probe.as_ref().and_then(|p| p.mutual_tls.as_ref());
    assert!(
        matches!(
            mtls.map(|m| &m.outcome),
            Some(HandshakeOutcome::Alert { alert, .. }) if alert == "certificate_revoked"
        ),
        "{mtls:#?}"
    );
    let cause = report
        .findings
        .iter()
        .find(|f| f.id == "revocation.revoked" && f.scope == Some(Scope::Local))
        .unwrap_or_else(|| panic!("our revocation: {:#?}", report.findings));
    let rejected = report
        .findings
        .iter()
        .find(|f| f.id == "tls.client-cert-rejected")
        .unwrap_or_else(|| panic!("rejection: {:#?}", report.findings));
    assert_eq!(rejected.explained_by.as_deref(), Some("revocation.revoked"));
    assert_eq!(rejected.certificate, cause.certificate);
    let ours = cause.certificate.as_ref().expect("names our certificate");
    let leaf = x509_parser::parse_x509_certificate(&pki.server_revoked.chain[0])
        .expect("leaf")
        .1
        .tbs_certificate
        .raw_serial_as_string();
    assert!(ours.subject.contains("pool01.lab.test"), "{}", ours.subject);
    assert!(leaf.ends_with("6b"), "serial 107 = 0x6b: {leaf}");
    assert!(
        rejected.detail.contains("revocation.revoked"),
        "{}",
        rejected.detail
    );
}

#[test]
fn apache_rejecting_our_revoked_certificate_names_the_revocation() {
    let pki = LabPki::generate().expect("pki");
    let crl = pem::encode(&pem::Pem::new("X509 CRL", issuing_crl(&pki)));
    let Some(server) = apache(
        &pki.server.chain_pem,
        &pki.server.key_pem,
        "  SSLProtocol -all +TLSv1.2\n  SSLVerifyClient require\n  SSLVerifyDepth 3\n  SSLCACertificateFile {dir}/root.pem\n  SSLCARevocationFile {dir}/issuing.crl.pem\n  SSLCARevocationCheck leaf",
        &[("root.pem", &pki.root_pem), ("issuing.crl.pem", &crl)],
    ) else {
        return;
    };
    let files = revoked_client_files(&pki, server.dir.path());
    let report = check_and_fetch_our_own(server.port, &files);
    assert_rejection_names_the_revocation(&pki, &report);
}

/// A rustls server in the test that checks client certificates against the lab CA's CRL.
fn rustls_server_with_the_lab_crl(pki: &LabPki) -> u16 {
    crate::common::web::mtls_server_with_crls(
        pki.server.chain.clone(),
        pki.server.key_pkcs8.clone(),
        vec![pki.root.clone()],
        vec![issuing_crl(pki)],
    )
}

#[test]
fn rustls_server_rejecting_our_revoked_certificate_names_the_revocation() {
    let pki = LabPki::generate().expect("pki");
    let port = rustls_server_with_the_lab_crl(&pki);
    let dir = tempfile::tempdir().expect("dir");
    let files = revoked_client_files(&pki, dir.path());
    let report = check_and_fetch_our_own(port, &files);
    assert_rejection_names_the_revocation(&pki, &report);
}

/// The command line does what the window does: `certwiz check --fetch` with a client certificate
/// checks our own certificate's revocation too, and the rejection names it (JSON read back).
#[test]
fn cli_check_with_fetch_names_our_revoked_certificate() {
    let pki = LabPki::generate().expect("pki");
    let port = rustls_server_with_the_lab_crl(&pki);
    let dir = tempfile::tempdir().expect("dir");
    let files = revoked_client_files(&pki, dir.path());
    let run = crate::lab_scenarios::check_port(port, &files, &["--fetch"]);
    // Expected before running: exit 1 (a failure), the rejection explained by our revocation.
    assert_eq!(run.code, 1, "{}", run.json);
    let report: Report = serde_json::from_value(run.json).expect("JSON report");
    assert_rejection_names_the_revocation(&pki, &report);
}
