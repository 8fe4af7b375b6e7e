//! `certwiz check` against the OpenSSL lab servers (`src/lab/legacy.rs`): what rustls cannot play.
//! Each test asserts the same finding ids as the real-server test for the same behaviour
//! (`real_servers.rs`), written down before certwiz ran; `openssl s_client` (Debian's, not the
//! vendored one certwiz and the lab use) is the oracle for what the servers speak.

use std::io::Write;
use std::process::{Command, Stdio};

use certwiz::lab::{LabServer, Scenario};

use crate::common::real::binary_or_skip;
use crate::lab_scenarios::{Run, run};

/// No finding fails, and each of `passes` passed (as `assert_no_failure_and_passes` of the
/// real-server tests).
fn assert_no_failure_and_passes(r: &Run, passes: &[&str]) {
    assert_eq!(
        (r.code, r.ids("fail")),
        (0, Vec::<String>::new()),
        "{:#}",
        r.json["findings"]
    );
    let passed = r.ids("pass");
    for id in passes {
        assert!(passed.iter().any(|p| p == id), "{id} missing: {passed:?}");
    }
}

/// As `assert_late_request_is_answered` against Apache: `tls.client-cert-requested-after-handshake`
/// saying how, mutual TLS through that path accepted, no failure; and the report says OpenSSL spoke
/// for mutual TLS only (the handshake was rustls's).
fn assert_late_request_is_answered(r: &Run, how: &str) {
    assert_no_failure_and_passes(r, &["tls.mtls-ok", "http.mcu-endpoint-ok"]);
    let late = r.finding("tls.client-cert-requested-after-handshake");
    assert_eq!(late["severity"], "info");
    assert!(
        late["title"].as_str().is_some_and(|t| t.contains(how)),
        "{late}"
    );
    let probe = &r.json["probe"];
    assert_eq!(probe["handshake"]["requested_after_handshake"], how);
    assert_eq!(probe["handshake"]["engine"]["engine"], "openssl");
    assert_eq!(probe["handshake"]["engine"]["all_steps"], false);
    assert_eq!(probe["mutual_tls"]["engine"], "openssl");
    assert_eq!(probe["mutual_tls"]["outcome"]["result"], "completed");
    assert_eq!(probe["browse_with_certificate"]["outcome"]["status"], 200);
    assert!(
        !r.ids("fail")
            .contains(&"tls.no-client-cert-request".to_owned())
    );
}

/// IIS / HTTP.SYS without "Negotiate Client Certificate": the certificate is asked for by a TLS 1.2
/// renegotiation after the request.
#[test]
fn renegotiation_is_answered_through_the_second_engine() {
    let r = run(Scenario::Renegotiation);
    assert_late_request_is_answered(&r, "renegotiation");
}

/// TLS 1.3 post-handshake authentication.
#[test]
fn post_handshake_auth_is_answered_through_the_second_engine() {
    let r = run(Scenario::PostHandshakeAuth);
    assert_late_request_is_answered(&r, "post-handshake authentication");
}

/// What Debian's `openssl s_client` gets from the server with `args`: whether the handshake
/// completed, and the protocol and cipher it printed.
fn s_client(server: &LabServer, args: &[&str]) -> Option<(bool, String)> {
    let openssl = binary_or_skip("openssl", "openssl", "s_client oracle")?;
    let out = Command::new(openssl)
        .args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{}", server.port()),
        ])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("openssl s_client runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // s_client prints "Cipher is (NONE)" when no session was agreed.
    let completed = out.status.success() && !text.contains("Cipher is (NONE)");
    Some((completed, text))
}

/// The oracle: Debian's OpenSSL connects with TLS 1.0 (at security level 0) and is refused on
/// TLS 1.2 and 1.1; so the lab server speaks only TLS 1.0.
fn assert_speaks_only_tls10(server: &LabServer, cipher: &str) {
    let Some((tls10, said)) = s_client(
        server,
        &["-tls1", "-cipher", &format!("{cipher}:@SECLEVEL=0")],
    ) else {
        return;
    };
    assert!(tls10, "TLS 1.0 refused: {said}");
    assert!(said.contains("Protocol  : TLSv1\n"), "{said}");
    for newer in ["-tls1_2", "-tls1_1"] {
        let (completed, said) = s_client(server, &[newer, "-cipher", "ALL:@SECLEVEL=0"])
            .expect("openssl was found above");
        assert!(!completed, "{newer} completed: {said}");
    }
}

/// A TLS 1.0 front end (Windows Server 2008, AES suites), as `nginx_tls10_front_end_...`: rustls
/// refuses, OpenSSL completes TLS 1.0 and says so; without a certificate the server's 403.7 gives
/// `http.requires-client-certificate`, with ours 200: `tls.mtls-ok`, `http.mcu-endpoint-ok`;
/// `tls.legacy-only` is the only warning; no failure.
#[test]
fn tls10_front_end_is_checked_through_the_second_engine() {
    let (server, _dir, files) = crate::lab_scenarios::lab(Scenario::Tls10FrontEnd);
    assert_speaks_only_tls10(&server, "ECDHE-ECDSA-AES128-SHA");
    let r = crate::lab_scenarios::check(&server, &files, &[]);
    let handshake = &r.json["probe"]["handshake"];
    assert_eq!(handshake["version"], "TLSv1.0");
    assert_eq!(handshake["engine"]["engine"], "openssl");
    assert_eq!(handshake["engine"]["all_steps"], true);
    assert_eq!(r.ids("warn"), ["tls.legacy-only"]);
    assert_no_failure_and_passes(
        &r,
        &[
            "http.requires-client-certificate",
            "tls.mtls-ok",
            "http.mcu-endpoint-ok",
        ],
    );
    assert_eq!(r.json["probe"]["mutual_tls"]["engine"], "openssl");
}

/// The impostor on a TLS 1.0 server, as `nginx_tls10_impostor_is_found`: `http.web-site-answering`
/// (fail) with the page's title and `tls.no-client-cert-request` (fail), `tls.legacy-only` (warn);
/// the browse was done, through OpenSSL (every step was: `all_steps`).
#[test]
fn tls10_impostor_is_found_through_the_second_engine() {
    let r = run(Scenario::Tls10Impostor);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.ids("fail"),
        ["http.web-site-answering", "tls.no-client-cert-request"],
        "{:#}",
        r.json["findings"]
    );
    let site = r.finding("http.web-site-answering");
    assert!(
        site["title"]
            .as_str()
            .is_some_and(|t| t.contains("Communicator Web Access")),
        "{site}"
    );
    assert!(r.ids("warn").contains(&"tls.legacy-only".to_owned()));
    let probe = &r.json["probe"];
    assert_eq!(probe["handshake"]["engine"]["all_steps"], true);
    assert_eq!(probe["browse"]["outcome"]["status"], 200);
}

/// The Windows Server 2003 stand-in with 3DES only, as `windows_2003_stand_in_...` (gnutls-serv):
/// OpenSSL completes TLS 1.0 with DES-CBC3-SHA, the web site answers: `http.web-site-answering`,
/// `tls.legacy-only`, exit 1; never `tls.handshake-failed`. Unlike gnutls-serv, an OpenSSL server
/// cannot leave out RFC 5746 secure renegotiation, so `insecure_renegotiation` stays false here (the
/// gnutls test covers that part).
#[test]
fn tls10_3des_only_stand_in_is_checked_through_the_second_engine() {
    let (server, _dir, files) = crate::lab_scenarios::lab(Scenario::Tls10TripleDesOnly);
    // Debian's OpenSSL has no 3DES suites (no-weak-ssl-ciphers): the oracle only sees that TLS 1.2
    // and 1.1 are refused.
    if let Some((completed, said)) = s_client(&server, &["-tls1_2", "-cipher", "ALL:@SECLEVEL=0"]) {
        assert!(!completed, "{said}");
    }
    let r = crate::lab_scenarios::check(&server, &files, &[]);
    assert_eq!(r.code, 1);
    let handshake = &r.json["probe"]["handshake"];
    assert_eq!(handshake["version"], "TLSv1.0");
    assert_eq!(handshake["cipher_suite"], "DES-CBC3-SHA");
    assert_eq!(handshake["engine"]["engine"], "openssl");
    assert!(handshake["insecure_renegotiation"].is_null());
    let fails = r.ids("fail");
    assert!(
        fails.contains(&"http.web-site-answering".to_owned()),
        "{fails:?}"
    );
    assert!(r.ids("warn").contains(&"tls.legacy-only".to_owned()));
    assert!(!fails.contains(&"tls.handshake-failed".to_owned()));
}

/// The other Windows Server 2003 suite, RC4, here on a healthy front end: OpenSSL (legacy provider)
/// completes TLS 1.0 with an RC4 suite, mutual TLS passes, `tls.legacy-only` warns, no failure.
#[test]
fn tls10_rc4_only_front_end_is_checked_through_the_second_engine() {
    let r = run(Scenario::Tls10Rc4Only);
    let handshake = &r.json["probe"]["handshake"];
    assert_eq!(handshake["version"], "TLSv1.0");
    assert!(
        handshake["cipher_suite"]
            .as_str()
            .is_some_and(|c| c.starts_with("RC4-")),
        "{handshake}"
    );
    assert_no_failure_and_passes(
        &r,
        &[
            "http.requires-client-certificate",
            "tls.mtls-ok",
            "http.mcu-endpoint-ok",
        ],
    );
    assert!(r.ids("warn").contains(&"tls.legacy-only".to_owned()));
}

/// What Debian's `openssl s_client` saw (`-msg`) sending the GET with the lab's client certificate
/// and its chain, `extra` added; `None` when openssl is missing.
fn s_client_exchange(scenario: Scenario, extra: &[&str]) -> Option<String> {
    let openssl = binary_or_skip("openssl", "openssl", "s_client oracle")?;
    let (server, _dir, files) = crate::lab_scenarios::lab(scenario);
    let mut child = Command::new(openssl)
        .args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{}", server.port()),
        ])
        .args(["-msg", "-ign_eof"])
        .args(extra)
        .arg("-cert")
        .arg(&files.client_cert)
        .arg("-cert_chain")
        .arg(&files.client_cert)
        .arg("-key")
        .arg(&files.client_key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_client starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"GET /LiveServer/MCUFactory/ HTTP/1.1\r\nHost: pool01.lab.test\r\nConnection: close\r\n\r\n")
        .expect("request");
    // The lab server closes after its answer, and s_client then ends.
    let out = child.wait_with_output().expect("s_client ends");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The line numbers of `what` in s_client's `-msg` trace.
fn lines_with(trace: &str, what: &str) -> Vec<usize> {
    trace
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(what))
        .map(|(n, _)| n)
        .collect()
}

/// The oracle for the late requests: Debian's OpenSSL sees the renegotiation server ask only after a
/// HelloRequest (the first handshake has no CertificateRequest), and the post-handshake server ask
/// only after both Finished messages; with the certificate both answer 200, and without offering
/// post-handshake auth the TLS 1.3 server answers Apache's 403.
#[test]
fn s_client_sees_the_late_requests_the_lab_servers_make() {
    let Some(renegotiation) = s_client_exchange(Scenario::Renegotiation, &[]) else {
        return;
    };
    let hello_request = lines_with(&renegotiation, "HelloRequest");
    let request = lines_with(&renegotiation, ", CertificateRequest");
    assert_eq!(
        (hello_request.len(), request.len()),
        (1, 1),
        "{renegotiation}"
    );
    assert!(request[0] > hello_request[0], "{renegotiation}");
    assert!(renegotiation.contains("HTTP/1.1 200 OK"), "{renegotiation}");

    let pha = s_client_exchange(Scenario::PostHandshakeAuth, &["-enable_pha"]).expect("openssl");
    let finished = lines_with(&pha, ", Finished");
    let request = lines_with(&pha, ", CertificateRequest");
    assert_eq!(request.len(), 1, "{pha}");
    assert!(finished.len() >= 2 && finished[1] < request[0], "{pha}");
    assert!(pha.contains("TLS 1.3"), "{pha}");
    assert!(pha.contains("HTTP/1.1 200 OK"), "{pha}");

    let refused = s_client_exchange(Scenario::PostHandshakeAuth, &[]).expect("openssl");
    assert!(lines_with(&refused, ", CertificateRequest").is_empty());
    assert!(refused.contains("HTTP/1.1 403 Forbidden"), "{refused}");
    assert!(
        refused.contains("Cannot perform Post-Handshake Authentication"),
        "{refused}"
    );
}
