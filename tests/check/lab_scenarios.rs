//! The `certwiz check` binary against each lab scenario.

use std::time::{Duration, Instant};

use assert_cmd::Command;
use certwiz::lab::{LAB_HOST, LabFiles, LabServer, Scenario};
use serde_json::Value;

pub(super) struct Run {
    code: i32,
    pub(super) json: Value,
    elapsed: Duration,
}

impl Run {
    fn ids(&self, severity: &str) -> Vec<String> {
        self.json["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|f| f["severity"] == severity)
                    .filter_map(|f| f["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(super) fn finding(&self, id: &str) -> &Value {
        self.json["findings"]
            .as_array()
            .and_then(|a| a.iter().find(|f| f["id"] == id))
            .unwrap_or_else(|| panic!("no {id} in {}", self.json["findings"]))
    }
}

pub(super) fn lab(scenario: Scenario) -> (LabServer, tempfile::TempDir, LabFiles) {
    let server = LabServer::start(scenario).expect("lab server starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let files = server.write_files(dir.path()).expect("lab files");
    (server, dir, files)
}

pub(super) fn check(server: &LabServer, files: &LabFiles, extra: &[&str]) -> Run {
    let started = Instant::now();
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .args([
            "check",
            LAB_HOST,
            "--address",
            "127.0.0.1",
            "--json",
            "--timeout",
            "2",
        ])
        .args(["--port", &server.port().to_string()])
        .arg("--ca")
        .arg(&files.root)
        .arg("--client-cert")
        .arg(&files.client_cert)
        .arg("--client-key")
        .arg(&files.client_key)
        .args(extra)
        .output()
        .expect("certwiz runs");
    let elapsed = started.elapsed();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON on stdout ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    Run {
        code: out.status.code().unwrap_or(-1),
        json,
        elapsed,
    }
}

fn check_scenario(scenario: Scenario, extra: &[&str]) -> Run {
    let (server, _dir, files) = lab(scenario);
    check(&server, &files, extra)
}

pub(super) fn run(scenario: Scenario) -> Run {
    check_scenario(scenario, &[])
}

#[test]
fn healthy_endpoint_passes_everything() {
    let r = run(Scenario::Healthy);
    assert_eq!(r.code, 0, "{}", r.json["findings"]);
    assert!(r.ids("fail").is_empty() && r.ids("warn").is_empty());
    for id in [
        "port.open",
        "chain.ok",
        "chain.purposes-ok",
        "cert.name-match",
        "tls.client-ca-list-includes-issuer",
        "tls.mtls-ok",
        "http.mcu-endpoint-ok",
        "http.requires-client-certificate",
    ] {
        assert!(
            r.ids("pass").contains(&id.to_owned()),
            "{id} missing: {:?}",
            r.ids("pass")
        );
    }
    let probe = &r.json["probe"];
    assert_eq!(probe["handshake"]["certificate_requested"], true);
    assert_eq!(
        probe["handshake"]["acceptable_ca_names"][0],
        "CN=certwiz Lab Root CA, O=certwiz lab"
    );
    assert_eq!(probe["browse_with_certificate"]["outcome"]["status"], 200);
    // Every finding about the presented chain is scoped remote.
    let chain_ok = r.finding("chain.ok");
    assert_eq!(chain_ok["scope"], "remote");
}

#[test]
fn impostor_web_site_is_the_verdict() {
    let r = run(Scenario::ImpostorWebSite);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.ids("fail"),
        ["http.web-site-answering", "tls.no-client-cert-request"]
    );
    let site = r.finding("http.web-site-answering");
    assert!(
        site["title"]
            .as_str()
            .is_some_and(|t| t.contains("\"Communicator Web Access\" (Microsoft-IIS/7.0)"))
    );
    assert!(
        site["fix"]
            .as_str()
            .is_some_and(|f| f.contains("IIS Manager"))
    );
    assert!(
        r.json["verdict"]["summary"]
            .as_str()
            .is_some_and(|s| s.contains("answered by a web site"))
    );
    assert!(
        !r.ids("pass").contains(&"tls.mtls-ok".to_owned()),
        "no mutual TLS without a request"
    );
}

#[test]
fn restricted_issuing_ca_is_found_on_the_presented_chain() {
    let r = run(Scenario::IssuingServerAuthOnly);
    assert_eq!(
        (r.code, r.ids("fail")),
        (1, vec!["chain.ca-restricts-client-auth".to_owned()])
    );
    assert_eq!(
        r.finding("chain.ca-restricts-client-auth")["scope"],
        "remote"
    );
}

#[test]
fn leaf_without_client_auth() {
    let r = run(Scenario::LeafWithoutClientAuth);
    assert_eq!(
        (r.code, r.ids("fail")),
        (1, vec!["cert.client-auth-missing".to_owned()])
    );
}

#[test]
fn expired_leaf() {
    let r = run(Scenario::ExpiredLeaf);
    assert_eq!(
        (r.code, r.ids("fail")),
        (1, vec!["cert.expired".to_owned()])
    );
}

#[test]
fn missing_intermediate() {
    let r = run(Scenario::MissingIntermediate);
    assert_eq!(
        (r.code, r.ids("fail")),
        (1, vec!["chain.incomplete".to_owned()])
    );
    // Issue #15: purposes over a CA never seen are not judged, and not passed.
    assert!(!r.ids("pass").contains(&"chain.purposes-ok".to_owned()));
    assert!(
        r.finding("chain.purposes-not-judged")["detail"]
            .as_str()
            .is_some_and(|d| d.contains("certwiz Lab Issuing CA")),
        "{}",
        r.finding("chain.purposes-not-judged")
    );
}

#[test]
fn name_mismatch() {
    let r = run(Scenario::NameMismatch);
    assert_eq!(
        (r.code, r.ids("fail")),
        (1, vec!["cert.name-mismatch".to_owned()])
    );
    assert!(
        r.finding("cert.name-mismatch")["title"]
            .as_str()
            .is_some_and(|t| t.contains(LAB_HOST))
    );
}

#[test]
fn untrusted_root() {
    let r = run(Scenario::UntrustedRoot);
    assert_eq!(
        (r.code, r.ids("fail")),
        (1, vec!["chain.untrusted-root".to_owned()])
    );
}

#[test]
fn foreign_ca_list_rejects_our_certificate() {
    let r = run(Scenario::ForeignCaList);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.ids("fail"),
        [
            "tls.client-ca-list-excludes-issuer",
            "tls.client-cert-rejected"
        ]
    );
    let rejected = r.finding("tls.client-cert-rejected");
    assert!(
        rejected["title"]
            .as_str()
            .is_some_and(|t| t.contains("unknown_ca") || t.contains("bad_certificate")),
        "{rejected}"
    );
    // Issue #15, point 6: the rejection points to what explains it, the server's CA list.
    assert_eq!(
        rejected["explained_by"], "tls.client-ca-list-excludes-issuer",
        "{rejected}"
    );
    assert!(
        r.finding("tls.client-ca-list-excludes-issuer")["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Foreign Partner Root CA"))
    );
}

#[test]
fn healthy_with_fetch_checks_revocation_through_the_lab_pki() {
    let r = check_scenario(Scenario::Healthy, &["--fetch"]);
    assert_eq!(r.code, 0, "{:#}", r.json["findings"]);
    assert!(r.ids("pass").contains(&"revocation.ok".to_owned()));
    assert_eq!(
        r.json["revocation"]["certificates"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "the server certificate and the issuing CA"
    );
}

#[test]
fn revoked_certificate_needs_fetch_to_be_seen() {
    let without = run(Scenario::RevokedCertificate);
    assert_eq!(without.code, 0, "nothing in the handshake says revoked");
    let r = check_scenario(Scenario::RevokedCertificate, &["--fetch"]);
    assert_eq!(
        (r.code, r.ids("fail")),
        (1, vec!["revocation.revoked".to_owned()])
    );
    assert!(
        r.finding("revocation.revoked")["detail"]
            .as_str()
            .is_some_and(|d| d.contains("keyCompromise")),
    );
}

#[test]
fn crl_offline() {
    let r = check_scenario(Scenario::CrlOffline, &["--fetch"]);
    assert_eq!(
        (r.code, r.ids("fail")),
        (1, vec!["revocation.offline".to_owned()])
    );
}

#[test]
fn missing_intermediate_with_fetch_is_downloaded() {
    let r = check_scenario(Scenario::MissingIntermediate, &["--fetch"]);
    assert!(
        r.ids("warn")
            .contains(&"chain.intermediate-fetched".to_owned())
    );
    assert!(!r.ids("fail").contains(&"chain.incomplete".to_owned()));
    assert_eq!(r.code, 0);
}

#[test]
fn fetch_without_a_chain_says_revocation_was_not_checked() {
    let r = check_scenario(Scenario::PlainHttp, &["--fetch"]);
    assert!(r.ids("info").contains(&"revocation.not-checked".to_owned()));
    assert!(r.json.get("revocation").is_none());
}

#[test]
fn closed_port() {
    let r = run(Scenario::ClosedPort);
    assert_eq!((r.code, r.ids("fail")), (1, vec!["port.closed".to_owned()]));
}

#[test]
fn silent_listener_times_out_within_the_bound() {
    let r = run(Scenario::SilentListener);
    assert_eq!((r.code, r.ids("fail")), (1, vec!["port.silent".to_owned()]));
    assert!(
        r.elapsed < Duration::from_secs(2 + 3),
        "took {:?}",
        r.elapsed
    );
}

#[test]
fn trickling_server_is_cut_at_the_timeout() {
    let r = run(Scenario::Trickle);
    assert_eq!((r.code, r.ids("fail")), (1, vec!["port.silent".to_owned()]));
    assert!(
        r.finding("port.silent")["title"]
            .as_str()
            .is_some_and(|t| t.contains("then stopped"))
    );
    assert!(
        r.elapsed < Duration::from_secs(2 + 3),
        "took {:?}",
        r.elapsed
    );
}

#[test]
fn plain_http_is_named() {
    let r = run(Scenario::PlainHttp);
    assert_eq!(
        (r.code, r.ids("fail")),
        (1, vec!["port.not-tls".to_owned()])
    );
    assert!(
        r.finding("port.not-tls")["detail"].as_str().is_some_and(
            |d| d.contains("an HTTP/1.1 400 Bad Request answer: plain HTTP on a TLS port")
        )
    );
}

#[test]
fn endless_body_is_capped() {
    let r = run(Scenario::EndlessBody);
    assert_eq!(r.code, 1);
    assert_eq!(r.ids("info"), ["http.body-capped"]);
    assert_eq!(
        r.json["probe"]["browse"]["outcome"]["body_bytes"],
        1024 * 1024
    );
}

#[test]
fn reset_after_client_hello_is_remote_closed() {
    let r = run(Scenario::ResetAfterClientHello);
    assert_eq!(
        (r.code, r.ids("fail")),
        (1, vec!["tls.remote-closed".to_owned()])
    );
}

#[test]
fn tls10_only_server_is_legacy() {
    let r = run(Scenario::Tls10Only);
    assert_eq!(r.ids("warn"), ["tls.legacy-only"]);
}

/// Issue #15, point 5: a client certificate was given, so "no client certificate was given" would be
/// false; the true reason (the server's TLS 1.0 handshake) is in the JSON for each absent step.
#[test]
fn tls10_only_server_says_why_mutual_tls_and_browse_were_not_tried() {
    let r = run(Scenario::Tls10Only);
    let probe = &r.json["probe"];
    assert!(probe["mutual_tls"].is_null() && probe["browse"].is_null());
    let not_tried = probe["not_tried"].as_array().expect("not_tried");
    let steps: Vec<&str> = not_tried
        .iter()
        .filter_map(|n| n["step"].as_str())
        .collect();
    assert_eq!(steps, ["mutual-tls", "browse", "browse-with-certificate"]);
    for n in not_tried {
        let reason = n["reason"].as_str().expect("reason");
        assert!(reason.contains("TLS 1.0 / 1.1"), "{reason}");
        assert!(!reason.contains("no client certificate"), "{reason}");
    }
}

/// Point 5 for the cases before TLS: a closed port and a server that does not ask for a certificate.
#[test]
fn skipped_steps_carry_their_reason_in_json_and_text() {
    let r = run(Scenario::ClosedPort);
    assert_eq!(
        r.json["probe"]["not_tried"][0]["reason"],
        "the port did not accept a TCP connection"
    );
    let (server, _dir, files) = lab(Scenario::ImpostorWebSite);
    let json = check(&server, &files, &[]).json;
    let not_tried = json["probe"]["not_tried"].as_array().expect("not_tried");
    assert_eq!(not_tried.len(), 2, "{not_tried:?}");
    assert!(not_tried.iter().all(|n| {
        n["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("the server did not ask for a client certificate"))
    }));
    let (_, text, _) = crate::reports::check(&server, &files, &["--full"]);
    assert!(
        text.contains("Mutual TLS\n  - not tried: the server did not ask for a client certificate"),
        "{text}"
    );
    assert!(
        text.contains(
            "HTTP answer with a client certificate\n  - not tried: the server did not ask"
        ),
        "{text}"
    );
}

#[test]
fn local_certificate_is_compared_with_the_presented_one() {
    let (server, _dir, files) = lab(Scenario::Healthy);
    let same = check(
        &server,
        &files,
        &["--cert", files.server_cert.to_str().expect("utf-8 path")],
    );
    assert!(
        same.ids("pass")
            .contains(&"cert.presented-is-local".to_owned())
    );
    let other = check(
        &server,
        &files,
        &["--cert", files.client_cert.to_str().expect("utf-8 path")],
    );
    assert_eq!(other.ids("warn"), ["cert.presented-differs"]);
}

#[test]
fn dns_failure_is_a_finding_not_a_crash() {
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .args(["check", "no-such-host.invalid", "--json", "--timeout", "2"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["findings"][0]["id"], "port.dns-failed");
}

#[test]
fn bad_check_arguments_exit_2() {
    for (args, expected) in [
        (vec!["check", "a b"], "HOST"),
        (vec!["check", "x.test", "--path", "nope"], "--path nope"),
        (vec!["check", "x.test", "--timeout", "0"], "--timeout 0"),
        (
            vec!["check", "x.test", "--address", "not-an-ip"],
            "--address",
        ),
        (
            vec!["check", "x.test", "--client-cert", "a.pem"],
            "--client-key",
        ),
        (
            vec!["check", "x.test", "--pfx", "/nonexistent/c.pfx"],
            "/nonexistent/c.pfx",
        ),
    ] {
        Command::cargo_bin("certwiz")
            .expect("binary")
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(expected));
    }
}

#[test]
fn text_output_opens_with_the_verdict_and_the_fix() {
    let (server, _dir, files) = lab(Scenario::ImpostorWebSite);
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .args([
            "check",
            LAB_HOST,
            "--address",
            "127.0.0.1",
            "--timeout",
            "2",
        ])
        .args(["--port", &server.port().to_string()])
        .arg("--ca")
        .arg(&files.root)
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .is_some_and(|l| l.starts_with("certwiz check: pool01.lab.test:"))
    );
    assert_eq!(lines.next(), Some("Verdict: ✗ FAIL"));
    // The summary (the default): the verdict's sentence, then the first failure with its fix.
    let rest: String = lines.take(6).collect::<Vec<_>>().join(" ");
    assert!(rest.contains("answered by a web site"), "{rest}");
    assert!(
        rest.contains("Fix: Look for another site bound to port"),
        "{rest}"
    );
}

/// Issue #15, point 1 in the lab: a front end that refuses certificate-less requests in HTTP (nginx's
/// 400 page) is healthy, not a web site.
#[test]
fn http_layer_front_end_is_healthy_not_a_web_site() {
    let r = run(Scenario::HttpLayerFrontEnd);
    assert_eq!((r.code, r.ids("fail")), (0, Vec::<String>::new()));
    let passes = r.ids("pass");
    for id in [
        "http.requires-client-certificate",
        "tls.mtls-ok",
        "http.mcu-endpoint-ok",
    ] {
        assert!(passes.contains(&id.to_owned()), "{id}: {passes:?}");
    }
}

/// Issue #15, point 2 in the lab: IIS accepts the certificate in TLS and refuses it with 403.16:
/// a rejection with IIS's words, never `tls.mtls-ok`.
#[test]
fn iis_http_layer_rejection_is_a_rejection() {
    let r = run(Scenario::IisRejectsCertificate);
    assert_eq!(r.code, 1);
    let rejected = r.finding("tls.client-cert-rejected");
    assert!(
        rejected["detail"]
            .as_str()
            .is_some_and(|d| d.contains("IIS 403.16")),
        "{rejected}"
    );
    assert!(!r.ids("pass").contains(&"tls.mtls-ok".to_owned()));
    assert!(
        !r.ids("fail")
            .contains(&"http.web-site-answering".to_owned())
    );
}
