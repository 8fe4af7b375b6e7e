//! `certwiz check` against servers nobody on this project wrote, configured the way conferencing
//! front ends and the impostor behave. Each test writes down what the server does (the expected
//! answer) before certwiz looks at it; a missing server binary skips the test with a printed reason.

use std::time::Duration;

use certwiz::engine::check::check;
use certwiz::engine::finding::Severity;
use certwiz::engine::probe::tls::HandshakeOutcome;
use certwiz::engine::probe::{CancelFlag, Progress};
use certwiz::engine::report::Report;
use certwiz::lab::LabPki;

use crate::probe_engine::port_request;

use crate::common::real::{
    RealServer, apache, binary_or_skip, is_root, nginx, openssl_s_server, write,
};

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
    let Some(server) = apache_with(
        &pki,
        "  SSLProtocol -all +TLSv1.2\n  SSLVerifyClient require\n  SSLVerifyDepth 3\n  SSLCACertificateFile {dir}/foreign.pem",
    ) else {
        return;
    };
    assert_alert_every_time(&pki, &server, "unknown_ca");
}

fn assert_alert_every_time(pki: &LabPki, server: &RealServer, alert: &str) {
    assert_alert_every_time_during(pki, server, alert, "handshake");
}

fn assert_alert_every_time_during(pki: &LabPki, server: &RealServer, alert: &str, during: &str) {
    let expected = HandshakeOutcome::Alert {
        alert: alert.into(),
        during: during.into(),
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
    let Some(server) = apache_with(
        &pki,
        "  SSLProtocol -all +TLSv1.2\n  SSLVerifyClient require\n  SSLVerifyDepth 3\n  SSLCACertificateFile {dir}/root.pem",
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

/// Ids of the findings of one severity.
pub fn ids(report: &Report, severity: Severity) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.severity == severity)
        .map(|f| f.id.clone())
        .collect()
}

/// Issue #15, point 1: nginx with `ssl_verify_client on` trusting our root is a healthy mutual-TLS
/// endpoint. Expected (what curl shows): without a certificate, HTTP 400 "No required SSL
/// certificate was sent" (an HTML page); with ours, 200 and the XML answer. So:
/// `http.requires-client-certificate`, `tls.mtls-ok`, `http.mcu-endpoint-ok`, no failure, and never
/// `http.web-site-answering`.
#[test]
fn nginx_healthy_mutual_tls_is_not_a_web_site() {
    let pki = LabPki::generate().expect("pki");
    let Some(server) = nginx_with(
        &pki,
        "    ssl_verify_client on;\n    ssl_verify_depth 3;\n    ssl_client_certificate {dir}/root.pem;",
    ) else {
        return;
    };
    let report = check_with_client_certificate(&pki, &server);
    let plain = report
        .probe
        .as_ref()
        .and_then(|p| p.browse.as_ref())
        .and_then(|b| b.answer())
        .expect("answer without a certificate");
    assert_eq!(plain.status, 400);
    assert_no_failure_and_passes(
        &report,
        &[
            "http.requires-client-certificate",
            "tls.mtls-ok",
            "http.mcu-endpoint-ok",
        ],
    );
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.id == "http.web-site-answering")
    );
}

/// Issue #15, point 2: nginx trusting only another CA finishes the handshake with our certificate
/// and answers 400 "The SSL certificate error". Expected: `tls.client-cert-rejected` (at the HTTP
/// layer, with nginx's words), no `tls.mtls-ok`, no `http.mcu-endpoint-ok`, exit 1.
#[test]
fn nginx_http_layer_rejection_is_a_rejection() {
    let pki = LabPki::generate().expect("pki");
    let Some(server) = nginx_with(
        &pki,
        "    ssl_verify_client on;\n    ssl_verify_depth 3;\n    ssl_client_certificate {dir}/foreign.pem;",
    ) else {
        return;
    };
    let report = check_with_client_certificate(&pki, &server);
    let mtls = report.probe.as_ref().and_then(|p| p.mutual_tls.as_ref());
    assert_eq!(mtls.map(|m| &m.outcome), Some(&HandshakeOutcome::Completed));
    let rejected = report
        .findings
        .iter()
        .find(|f| f.id == "tls.client-cert-rejected")
        .unwrap_or_else(|| panic!("no rejection: {:#?}", report.findings));
    assert!(rejected.title.contains("HTTP layer"), "{}", rejected.title);
    assert!(
        rejected.detail.contains("The SSL certificate error"),
        "{}",
        rejected.detail
    );
    for never in [
        "tls.mtls-ok",
        "http.mcu-endpoint-ok",
        "http.web-site-answering",
    ] {
        assert!(!report.findings.iter().any(|f| f.id == never), "{never}");
    }
}

/// TLS 1.0 only, at OpenSSL's security level 0 (what Schannel on Windows Server 2003 / 2008 speaks;
/// Debian's OpenSSL 3.0 still serves it there).
const NGINX_TLS10: &str = "    ssl_protocols TLSv1;\n    ssl_ciphers DEFAULT:@SECLEVEL=0;\n";

/// Issue #15, points 1 and 5: a TLS 1.0 front end (nginx demanding a certificate from our root).
/// Expected: rustls refuses, the second engine (OpenSSL) completes the handshake and says so;
/// without a certificate nginx's 400 page gives `http.requires-client-certificate`, with ours 200:
/// `tls.mtls-ok` and `http.mcu-endpoint-ok`; `tls.legacy-only` warns; no failure.
#[test]
fn nginx_tls10_front_end_is_checked_through_the_second_engine() {
    let pki = LabPki::generate().expect("pki");
    let Some(server) = nginx_with(
        &pki,
        &format!(
            "{NGINX_TLS10}    ssl_verify_client on;\n    ssl_verify_depth 3;\n    ssl_client_certificate {{dir}}/root.pem;"
        ),
    ) else {
        return;
    };
    let report = check_with_client_certificate(&pki, &server);
    let probe = report.probe.as_ref().expect("probe");
    let handshake = probe.handshake.as_ref().expect("handshake");
    assert_eq!(handshake.version.as_deref(), Some("TLSv1.0"));
    assert_eq!(
        handshake.engine.as_ref().map(|e| e.engine.as_str()),
        Some("openssl")
    );
    assert_eq!(ids(&report, Severity::Warn), ["tls.legacy-only"]);
    assert_no_failure_and_passes(
        &report,
        &[
            "http.requires-client-certificate",
            "tls.mtls-ok",
            "http.mcu-endpoint-ok",
        ],
    );
}

/// Issue #15, point 5: the impostor on a TLS 1.0 server (a web site on the conferencing port that
/// asks for no certificate). Expected: `http.web-site-answering` (fail) with the page's title,
/// `tls.no-client-cert-request` (fail), `tls.legacy-only` (warn); the browse is not "not tried".
#[test]
fn nginx_tls10_impostor_is_found() {
    let pki = LabPki::generate().expect("pki");
    let Some(server) = nginx_with(
        &pki,
        &format!(
            "{NGINX_TLS10}    location /LiveServer/ {{ default_type text/html; return 200 '<html><head><title>Communicator Web Access</title></head><body>Sign in</body></html>'; }}"
        ),
    ) else {
        return;
    };
    let report = check_with_client_certificate(&pki, &server);
    assert_eq!(
        ids(&report, Severity::Fail),
        ["http.web-site-answering", "tls.no-client-cert-request"],
        "{:#?}",
        report.findings
    );
    let site = report
        .findings
        .iter()
        .find(|f| f.id == "http.web-site-answering")
        .expect("site");
    assert!(
        site.title.contains("Communicator Web Access"),
        "{}",
        site.title
    );
    assert!(ids(&report, Severity::Warn).contains(&"tls.legacy-only".to_owned()));
}

/// Apache asking for the certificate only for the MCU Factory path (per-directory
/// `SSLVerifyClient require`): on TLS 1.2 it renegotiates, on TLS 1.3 it uses post-handshake auth.
fn apache_late_request(pki: &LabPki, protocol: &str) -> Option<RealServer> {
    apache_with(
        pki,
        &format!(
            "  SSLProtocol -all +{protocol}\n  SSLVerifyDepth 3\n  SSLCACertificateFile {{dir}}/root.pem\n  <Location /LiveServer/>\n    SSLVerifyClient require\n  </Location>"
        ),
    )
}

/// Issue #15, point 4: expected `tls.client-cert-requested-after-handshake` (info, saying how),
/// mutual TLS through that path accepted (`tls.mtls-ok`, `http.mcu-endpoint-ok`), no
/// `tls.no-client-cert-request`, no failure.
fn assert_late_request_is_answered(report: &Report, how: &str) {
    assert_no_failure_and_passes(report, &["tls.mtls-ok", "http.mcu-endpoint-ok"]);
    let late = report
        .findings
        .iter()
        .find(|f| f.id == "tls.client-cert-requested-after-handshake")
        .unwrap_or_else(|| panic!("no late request: {:#?}", report.findings));
    assert!(late.title.contains(how), "{}", late.title);
}

#[test]
fn apache_renegotiation_is_answered_through_the_second_engine() {
    let pki = LabPki::generate().expect("pki");
    let Some(server) = apache_late_request(&pki, "TLSv1.2") else {
        return;
    };
    let report = check_with_client_certificate(&pki, &server);
    assert_late_request_is_answered(&report, "renegotiation");
}

#[test]
fn apache_post_handshake_auth_is_answered_through_the_second_engine() {
    let pki = LabPki::generate().expect("pki");
    let Some(server) = apache_late_request(&pki, "TLSv1.3") else {
        return;
    };
    let report = check_with_client_certificate(&pki, &server);
    assert_late_request_is_answered(&report, "post-handshake authentication");
}

/// nginx with the lab's server certificate and, beside its config, `root.pem` (the lab root) and
/// `foreign.pem` (another company's root).
fn nginx_with(pki: &LabPki, directives: &str) -> Option<RealServer> {
    nginx(
        &pki.server.chain_pem,
        &pki.server.key_pem,
        directives,
        &[
            ("root.pem", &pki.root_pem),
            ("foreign.pem", &pki.new_root_pem),
        ],
    )
}

/// Apache httpd with the same files as [`nginx_with`].
fn apache_with(pki: &LabPki, directives: &str) -> Option<RealServer> {
    apache(
        &pki.server.chain_pem,
        &pki.server.key_pem,
        directives,
        &[
            ("root.pem", &pki.root_pem),
            ("foreign.pem", &pki.new_root_pem),
        ],
    )
}

/// No finding fails, and each of `passes` is among the passes.
fn assert_no_failure_and_passes(report: &Report, passes: &[&str]) {
    assert_eq!(
        ids(report, Severity::Fail),
        Vec::<String>::new(),
        "{:#?}",
        report.findings
    );
    let passed = ids(report, Severity::Pass);
    for id in passes {
        assert!(passed.iter().any(|p| p == id), "{id} missing: {passed:?}");
    }
}

/// Issue #15, point 5 / 7: a stand-in for Windows Server 2003 (gnutls-serv: TLS 1.0 only, RSA key
/// exchange with 3DES / RC4 only, no RFC 5746), serving an HTML page: the impostor on the incident's
/// own servers. gnutls-serv cannot bind to 127.0.0.1 alone, so it and `certwiz check` run in a private
/// network namespace (`unshare -n`, loopback only). Expected (what `openssl s_client -tls1 -cipher
/// DES-CBC3-SHA@SECLEVEL=0` and curl see there): the second engine completes TLS 1.0 with
/// DES-CBC3-SHA, the page answers: `http.web-site-answering` (fail), `tls.legacy-only` (warn), exit 1;
/// never "check the server's Schannel settings" (`tls.handshake-failed`).
#[test]
fn windows_2003_stand_in_is_checked_through_the_second_engine() {
    let test = "windows_2003_stand_in_is_checked_through_the_second_engine";
    let (Some(gnutls), Some(unshare), Some(openssl)) = (
        binary_or_skip("gnutls-serv", "gnutls-bin", test),
        binary_or_skip("unshare", "util-linux", test),
        binary_or_skip("openssl", "openssl", test),
    ) else {
        return;
    };
    if !is_root() {
        eprintln!("SKIPPED {test}: unshare -n needs root (CI runs as root)");
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    // An RSA certificate: RSA key exchange needs one (rcgen cannot make RSA keys).
    let made = std::process::Command::new(&openssl)
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
        ])
        .args([
            "-subj",
            "/CN=lab.certwiz.test",
            "-addext",
            "subjectAltName=DNS:lab.certwiz.test",
        ])
        .arg("-keyout")
        .arg(dir.path().join("w2k3.key"))
        .arg("-out")
        .arg(dir.path().join("w2k3.pem"))
        .output()
        .expect("openssl req");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let certwiz = assert_cmd::cargo::cargo_bin("certwiz");
    let script = format!(
        "ip link set lo up || exit 2; {gnutls} --http -p 4444 --x509certfile {d}/w2k3.pem --x509keyfile {d}/w2k3.key \
         --priority 'NONE:+VERS-TLS1.0:+3DES-CBC:+ARCFOUR-128:+RSA:+SHA1:+MD5:+COMP-NULL:+SIGN-ALL:%DISABLE_SAFE_RENEGOTIATION' \
         >{d}/gnutls.log 2>&1 & server=$!; \
         for i in $(seq 50); do (echo > /dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done; \
         {certwiz} check lab.certwiz.test --address 127.0.0.1 --port 4444 --timeout 5 --json; code=$?; \
         kill $server; wait $server 2>/dev/null; exit $code",
        gnutls = gnutls.display(),
        d = dir.path().display(),
        certwiz = certwiz.display(),
    );
    let out = std::process::Command::new(unshare)
        .args(["-n", "bash", "-c", &script])
        .output()
        .expect("unshare");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(out.status.code(), Some(1));
    let handshake = &json["probe"]["handshake"];
    assert_eq!(handshake["version"], "TLSv1.0");
    assert_eq!(handshake["cipher_suite"], "DES-CBC3-SHA");
    assert_eq!(handshake["engine"]["engine"], "openssl");
    assert_eq!(handshake["insecure_renegotiation"], true);
    let ids: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(ids.contains(&"http.web-site-answering"), "{ids:?}");
    assert!(ids.contains(&"tls.legacy-only"), "{ids:?}");
    assert!(!ids.contains(&"tls.handshake-failed"), "{ids:?}");
}

/// The TLS 1.3 side of point 3: Apache rejects our certificate after the client's Finished, so the
/// alert arrives on the first read after the handshake (`first-read`); 50 runs, 50 alerts.
#[test]
fn apache_tls13_rejection_is_read_as_its_alert_50_times_of_50() {
    let pki = LabPki::generate().expect("pki");
    let Some(server) = apache_with(
        &pki,
        "  SSLProtocol -all +TLSv1.3\n  SSLVerifyClient require\n  SSLVerifyDepth 3\n  SSLCACertificateFile {dir}/foreign.pem",
    ) else {
        return;
    };
    assert_alert_every_time_during(&pki, &server, "unknown_ca", "first-read");
}
