//! Issue #15, point 6 for revocation: a server rejects our client certificate because its CA revoked
//! it, and the revocation check of our own certificate (the wizard's local `--fetch`, which reads the
//! lab CA's CRL) says so. Expected before certwiz runs: the server's alert is `certificate_revoked`;
//! the rejection finding points to `revocation.revoked` (scope local) and names our certificate.
//! Against a real server (Apache httpd with `SSLCARevocationFile`) and a rustls server in the test.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use certwiz::engine::check::{absorb_local_fetch, check};
use certwiz::engine::finding::Scope;
use certwiz::engine::inspect::{InspectRequest, inspect_fetching};
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

/// What the wizard does: the check, then the revocation check of our own certificate (local
/// `--fetch`), absorbed into the check's report.
fn check_and_fetch_our_own(port: u16, files: &LabFiles) -> Report {
    let request = port_request(port, files, Duration::from_secs(5), true);
    let mut report = check(&request, &CancelFlag::new(), &Progress::none());
    let local = InspectRequest {
        certificates: request.client_chain.clone(),
        trust_anchors: request.trust_anchors.clone(),
        expected_names: vec![],
        at: request.at,
        inputs: vec![],
        store_purposes: Default::default(),
        purpose: Default::default(),
    };
    let local = inspect_fetching(
        &local,
        FetchOptions::default(),
        &CancelFlag::new(),
        &Progress::none(),
    )
    .expect("local inspection");
    absorb_local_fetch(&mut report, &local);
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

#[test]
fn rustls_server_rejecting_our_revoked_certificate_names_the_revocation() {
    let pki = LabPki::generate().expect("pki");
    let port = crate::common::web::mtls_server_with_crls(
        pki.server.chain.clone(),
        pki.server.key_pkcs8.clone(),
        vec![pki.root.clone()],
        vec![issuing_crl(&pki)],
    );
    let dir = tempfile::tempdir().expect("dir");
    let files = revoked_client_files(&pki, dir.path());
    let report = check_and_fetch_our_own(port, &files);
    assert_rejection_names_the_revocation(&pki, &report);
}
