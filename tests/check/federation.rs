//! `certwiz federation DOMAIN` without the Internet: a stub DNS server on 127.0.0.1 (answers built
//! with hickory-proto, no hand-made packets) publishes SRV and A records for `lab.test` that point to
//! the in-process lab servers; the lab's root is given with `--ca` (the lab is a private federation).
//! Each test writes down its expected answer before running certwiz.

use std::sync::Arc;

use certwiz::engine::report::{Redactor, Report};
use certwiz::lab::dns::{Behaviour, StubDns, Zone};
use certwiz::lab::{LabFiles, LabPki, LabServer, Scenario};
use certwiz::render::{render_html, render_markdown, render_text, summary::render_summary};
use serde_json::Value;

use crate::common::certwiz_json;

const FED: &str = "_sipfederationtls._tcp.lab.test";

/// Lab servers sharing one PKI, and the lab's files (the root for `--ca`).
struct Lab {
    servers: Vec<LabServer>,
    _dir: tempfile::TempDir,
    files: LabFiles,
}

fn lab(scenarios: &[Scenario]) -> Lab {
    let pki = Arc::new(LabPki::generate().expect("pki"));
    let servers: Vec<LabServer> = scenarios
        .iter()
        .map(|s| LabServer::start_with(*s, Arc::clone(&pki)).expect("lab server"))
        .collect();
    let dir = tempfile::tempdir().expect("dir");
    let files = servers[0].write_files(dir.path()).expect("files");
    Lab {
        servers,
        _dir: dir,
        files,
    }
}

fn federation(dns: &StubDns, lab: Option<&Lab>, extra: &[&str]) -> (i32, Value) {
    let mut args: Vec<String> = vec![
        "federation".into(),
        "lab.test".into(),
        "--dns-server".into(),
        dns.arg(),
        "--timeout".into(),
        "2".into(),
        "--json".into(),
    ];
    if let Some(lab) = lab {
        args.push("--ca".into());
        args.push(lab.files.root.to_string_lossy().into_owned());
    }
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    certwiz_json(args)
}

/// `--client-cert` and `--client-key` with the lab's client certificate (our Edge's).
fn client_args(lab: &Lab) -> Vec<&str> {
    vec![
        "--client-cert",
        lab.files.client_cert.to_str().expect("utf-8 path"),
        "--client-key",
        lab.files.client_key.to_str().expect("utf-8 path"),
    ]
}

/// Without our Edge's certificate, edges that require mutual TLS cannot be asked in SIP: never
/// federation.ok, and the summary names what was not checked.
#[test]
fn without_our_certificate_the_sip_answer_is_not_checked_and_never_ok() {
    let lab = lab(&[Scenario::SipHealthy]);
    let dns = Zone::default()
        .srv(FED, 10, 0, lab.servers[0].port(), "pool01.lab.test")
        .a("pool01.lab.test")
        .start()
        .expect("stub DNS");
    // Expected: exit 0 (nothing failed), no federation.ok and no sip.options-ok, the summary says
    // mutual TLS and the SIP answer were not checked.
    let (code, json) = federation(&dns, Some(&lab), &[]);
    assert_eq!(code, 0, "{:#}", json["findings"]);
    assert!(!ids(&json, "pass").contains(&"federation.ok".to_owned()));
    assert!(!ids(&json, "pass").contains(&"sip.options-ok".to_owned()));
    let summary = json["verdict"]["summary"].as_str().expect("summary");
    assert!(summary.contains("Not checked"), "{summary}");
    assert!(summary.contains("mutual TLS"), "{summary}");
    assert!(summary.contains("the SIP answer"), "{summary}");
}

/// The ids of `severity`, each once, in report order.
fn ids(json: &Value, severity: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in json["findings"].as_array().into_iter().flatten() {
        if f["severity"] != severity {
            continue;
        }
        if let Some(id) = f["id"].as_str()
            && !out.iter().any(|seen| seen == id)
        {
            out.push(id.to_owned());
        }
    }
    out
}

fn finding<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["id"] == id))
        .unwrap_or_else(|| panic!("no {id} in {:#}", json["findings"]))
}

fn targets(json: &Value) -> Vec<(String, u64, String)> {
    json["federation"]["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| {
            (
                t["host"].as_str().unwrap_or_default().to_owned(),
                t["port"].as_u64().unwrap_or_default(),
                t["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn two_healthy_targets_in_priority_order_pass() {
    let lab = lab(&[Scenario::SipHealthy, Scenario::SipHealthy]);
    let (p1, p2) = (lab.servers[0].port(), lab.servers[1].port());
    // Published heavier-priority-number first, so the order in the answer is not the order to try.
    let dns = Zone::default()
        .srv(FED, 20, 10, p2, "fe01.lab.test")
        .srv(FED, 10, 50, p1, "pool01.lab.test")
        .a("pool01.lab.test")
        .a("fe01.lab.test")
        .start()
        .expect("stub DNS");
    // Expected: exit 0, the federation record used, pool01 (priority 10) before fe01 (20), both
    // checked, the lab certificate names both targets but not the SIP domain lab.test, both ask for a
    // client certificate, each answers the SIP OPTIONS (a federation SRV target speaks SIP whatever
    // its port: sip.options-ok per target), federation.ok and no failure.
    let client = client_args(&lab);
    let (code, json) = federation(&dns, Some(&lab), &client);
    assert_eq!(code, 0, "{:#}", json["findings"]);
    assert_eq!(json["command"], "federation");
    assert_eq!(json["federation"]["srv_used"], FED);
    assert_eq!(
        targets(&json),
        [
            (
                "pool01.lab.test".to_owned(),
                u64::from(p1),
                "checked".to_owned()
            ),
            (
                "fe01.lab.test".to_owned(),
                u64::from(p2),
                "checked".to_owned()
            ),
        ]
    );
    assert!(ids(&json, "fail").is_empty(), "{:#}", json["findings"]);
    assert!(ids(&json, "pass").contains(&"federation.ok".to_owned()));
    let sip_ok = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["id"] == "sip.options-ok")
        .count();
    assert_eq!(sip_ok, 2, "{:#}", json["findings"]);
    for t in json["federation"]["targets"].as_array().expect("targets") {
        assert_eq!(t["names"][0]["expected"], t["host"]);
        assert!(t["names"][0]["matched_by"].is_string(), "{t:#}");
        assert_eq!(t["names"][1]["expected"], "lab.test");
        assert!(t["names"][1]["matched_by"].is_null(), "{t:#}");
        assert_eq!(t["client_certificate_requested"], true);
        assert_eq!(t["address_source"], "dns");
        assert_eq!(t["addresses"][0], "127.0.0.1");
    }
}

#[test]
fn a_target_whose_certificate_lacks_the_srv_name_fails_on_that_target() {
    let lab = lab(&[Scenario::SipHealthy, Scenario::SipHealthy]);
    let (p1, p2) = (lab.servers[0].port(), lab.servers[1].port());
    let dns = Zone::default()
        .srv(FED, 10, 50, p1, "pool01.lab.test")
        .srv(FED, 10, 50, p2, "edge.lab.test")
        .a("pool01.lab.test")
        .a("edge.lab.test")
        .start()
        .expect("stub DNS");
    // Expected: exit 1, cert.name-mismatch about edge.lab.test only (its title names the target),
    // its names table says edge.lab.test is not in the certificate, no federation.ok.
    let (code, json) = federation(&dns, Some(&lab), &[]);
    assert_eq!(code, 1, "{:#}", json["findings"]);
    let mismatch = finding(&json, "cert.name-mismatch");
    let title = mismatch["title"].as_str().expect("title");
    assert!(
        title.starts_with(&format!("edge.lab.test:{p2}: ")),
        "{title}"
    );
    assert_eq!(ids(&json, "fail"), ["cert.name-mismatch"]);
    assert!(!ids(&json, "pass").contains(&"federation.ok".to_owned()));
    let edge = &json["federation"]["targets"][0];
    assert_eq!(
        edge["host"], "edge.lab.test",
        "same priority and weight: by name"
    );
    assert!(edge["names"][0]["matched_by"].is_null());
    assert!(json["federation"]["targets"][1]["names"][0]["matched_by"].is_string());
}

#[test]
fn no_srv_record_is_a_failure_with_both_lookups_named() {
    // The zone knows nothing about lab.test: both SRV names are NXDOMAIN.
    let dns = Zone::default()
        .a("unrelated.example")
        .start()
        .expect("stub DNS");
    // Expected: exit 1, federation.no-srv-record (fail), both lookups nx-domain, no target, no pass.
    let (code, json) = federation(&dns, None, &["--ca", ca_file().as_str()]);
    assert_eq!(code, 1, "{:#}", json["findings"]);
    assert_eq!(ids(&json, "fail"), ["federation.no-srv-record"]);
    assert!(ids(&json, "pass").is_empty());
    let lookups = json["federation"]["lookups"].as_array().expect("lookups");
    assert_eq!(lookups.len(), 2);
    assert_eq!(lookups[0]["name"], FED);
    assert_eq!(lookups[1]["name"], "_sip._tls.lab.test");
    assert!(
        lookups.iter().all(|l| l["outcome"] == "nx-domain"),
        "{lookups:#?}"
    );
    assert_eq!(targets(&json), []);
}

#[test]
fn a_silent_dns_server_is_a_dns_failure_not_a_pass() {
    let dns = StubDns::start(Behaviour::Silent).expect("stub DNS");
    // Expected: exit 1, federation.dns-failed naming a timeout, the clients' record not asked (a
    // server that does not answer one will not answer the other), nothing else judged.
    let (code, json) = certwiz_json([
        "federation",
        "lab.test",
        "--dns-server",
        dns.arg().as_str(),
        "--timeout",
        "1",
        "--ca",
        ca_file().as_str(),
        "--json",
    ]);
    assert_eq!(code, 1, "{:#}", json["findings"]);
    assert_eq!(ids(&json, "fail"), ["federation.dns-failed"]);
    assert!(ids(&json, "pass").is_empty());
    let lookups = json["federation"]["lookups"].as_array().expect("lookups");
    assert_eq!(lookups.len(), 1);
    assert_eq!(lookups[0]["outcome"], "timeout");
    assert!(
        finding(&json, "federation.dns-failed")["detail"]
            .as_str()
            .is_some_and(|d| d.contains("not an all-clear"))
    );
}

#[test]
fn a_leaf_without_client_authentication_fails_federation() {
    let lab = lab(&[Scenario::LeafWithoutClientAuth]);
    let dns = Zone::default()
        .srv(FED, 0, 0, lab.servers[0].port(), "pool01.lab.test")
        .a("pool01.lab.test")
        .start()
        .expect("stub DNS");
    // Expected: exit 1 with cert.client-auth-missing (a private CA: not the public-CA variant).
    let (code, json) = federation(&dns, Some(&lab), &[]);
    assert_eq!(code, 1, "{:#}", json["findings"]);
    assert_eq!(ids(&json, "fail"), ["cert.client-auth-missing"]);
    assert!(!ids(&json, "fail").contains(&"cert.public-ca-no-client-auth".to_owned()));
}

#[test]
fn an_unresolvable_target_is_not_checked_until_resolve_names_it() {
    let lab = lab(&[Scenario::SipHealthy]);
    // The SRV record names pool01.lab.test, which has no A record.
    let dns = Zone::default()
        .srv(FED, 0, 0, lab.servers[0].port(), "pool01.lab.test")
        .start()
        .expect("stub DNS");
    // Expected without --resolve: exit 1, federation.srv-target-unresolvable, status unresolvable.
    let (code, json) = federation(&dns, Some(&lab), &[]);
    assert_eq!(code, 1, "{:#}", json["findings"]);
    assert_eq!(ids(&json, "fail"), ["federation.srv-target-unresolvable"]);
    assert_eq!(targets(&json)[0].2, "unresolvable");
    // Expected with --resolve (and our Edge's certificate): checked through the given address,
    // exit 0, federation.ok.
    let mut extra = vec!["--resolve", "POOL01.lab.test=127.0.0.1"];
    extra.extend(client_args(&lab));
    let (code, json) = federation(&dns, Some(&lab), &extra);
    assert_eq!(code, 0, "{:#}", json["findings"]);
    assert_eq!(
        json["federation"]["targets"][0]["address_source"],
        "resolve-option"
    );
    assert!(ids(&json, "pass").contains(&"federation.ok".to_owned()));
}

#[test]
fn only_the_clients_record_is_checked_but_still_fails_discovery() {
    let lab = lab(&[Scenario::SipHealthy]);
    let dns = Zone::default()
        .srv(
            "_sip._tls.lab.test",
            0,
            0,
            lab.servers[0].port(),
            "pool01.lab.test",
        )
        .a("pool01.lab.test")
        .start()
        .expect("stub DNS");
    // Expected: exit 1 with federation.no-srv-record (partners do not use _sip._tls), the target of
    // _sip._tls checked anyway (srv_used names it), and no federation.ok.
    let (code, json) = federation(&dns, Some(&lab), &[]);
    assert_eq!(code, 1, "{:#}", json["findings"]);
    assert_eq!(ids(&json, "fail"), ["federation.no-srv-record"]);
    assert_eq!(json["federation"]["srv_used"], "_sip._tls.lab.test");
    assert_eq!(targets(&json)[0].2, "checked");
    assert!(!ids(&json, "pass").contains(&"federation.ok".to_owned()));
}

#[test]
fn bad_options_are_usage_errors() {
    for args in [
        &["federation", "not a domain"][..],
        &["federation", "lab.test", "--dns-server", "dns.lab.test"],
        &["federation", "lab.test", "--resolve", "pool01.lab.test"],
        &["federation", "lab.test", "--timeout", "0"],
    ] {
        let out = assert_cmd::Command::cargo_bin("certwiz")
            .expect("binary")
            .args(args)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn the_report_round_trips_and_redaction_leaves_no_name_in_any_format() {
    let lab = lab(&[Scenario::SipHealthy, Scenario::NameMismatch]);
    let dns = Zone::default()
        .srv(FED, 10, 0, lab.servers[0].port(), "pool01.lab.test")
        .srv(FED, 20, 0, lab.servers[1].port(), "fe01.lab.test")
        .a("pool01.lab.test")
        .a("fe01.lab.test")
        .start()
        .expect("stub DNS");
    let (_, plain) = federation(&dns, Some(&lab), &[]);
    let text = serde_json::to_string(&plain).expect("json");
    let report = Report::from_json(text.as_bytes()).expect("the report reads back");
    assert_eq!(
        serde_json::to_value(&report).expect("json"),
        plain,
        "JSON → Report → JSON is the same"
    );
    let secrets = [
        "lab.test",
        "pool01.lab.test",
        "fe01.lab.test",
        "127.0.0.1",
        dns.arg().leak(),
    ];
    for s in &secrets[..4] {
        assert!(text.contains(s), "the plain report names {s}");
    }
    let masked = Redactor::for_report(&report).report(&report);
    let masked_json = serde_json::to_string(&masked).expect("json");
    let rendered = [
        ("json", masked_json),
        ("summary", render_summary(&masked)),
        ("text", render_text(&masked)),
        ("markdown", render_markdown(&masked)),
        ("html", render_html(&masked)),
    ];
    for (format, out) in rendered {
        for s in &secrets {
            assert!(!out.contains(s), "{format}: {s} is still there");
        }
    }
    // The CLI's own --redact, in text.
    let out = assert_cmd::Command::cargo_bin("certwiz")
        .expect("binary")
        .args([
            "federation",
            "lab.test",
            "--dns-server",
            &dns.arg(),
            "--redact",
            "--full",
        ])
        .arg("--ca")
        .arg(&lab.files.root)
        .output()
        .expect("runs");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("Federation of"), "{shown}");
    for s in &secrets {
        assert!(!shown.contains(s), "text --redact: {s} is still there");
    }
}

/// A lab root for the tests that never reach a server (the CLI needs trust anchors to skip the
/// system store).
fn ca_file() -> String {
    let pki = LabPki::generate().expect("pki");
    let dir = tempfile::tempdir().expect("dir").keep();
    let files = pki.write_files(&dir).expect("files");
    files.root.to_string_lossy().into_owned()
}

#[test]
fn direct_routing_roots_are_named_missing_until_the_ca_files_hold_them() {
    let lab = lab(&[Scenario::SipHealthy]);
    let port = lab.servers[0].port().to_string();
    let check = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "pool01.lab.test",
            "--address",
            "127.0.0.1",
            "--port",
            port.as_str(),
            "--timeout",
            "2",
            "--json",
            "--direct-routing",
        ];
        args.extend_from_slice(extra);
        certwiz_json(args)
    };
    let root = lab.files.root.to_string_lossy().into_owned();
    // Expected with the lab root alone: exit 1, direct-routing.roots-missing naming all 7 roots.
    let (code, json) = check(&["--ca", root.as_str()]);
    assert_eq!(code, 1, "{:#}", json["findings"]);
    assert_eq!(ids(&json, "fail"), ["direct-routing.roots-missing"]);
    let detail = finding(&json, "direct-routing.roots-missing")["detail"]
        .as_str()
        .expect("detail")
        .to_owned();
    for name in [
        "DigiCert Global Root G2",
        "Microsoft RSA Root Certificate Authority 2017",
        "DigiCert TLS ECC P384 Root G5",
    ] {
        assert!(detail.contains(name), "{detail}");
    }
    // The roots, taken by SHA-1 from Mozilla's list (the crate, not certwiz's own list), in a PEM
    // file beside the lab root. Mozilla dropped DigiCert Global Root CA, so six are there: expected
    // exit 1 with only that one missing; with Debian's copy of it added, exit 0 and roots-present.
    const SHA1: [&str; 7] = [
        "A8985D3A65E5E5C4B2D7D66D40C6DD2FB19C5436",
        "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4",
        "7E04DE896A3E666D00E687D33FFAD93BE83D349E",
        "17F3DE5E9F0F19E98EF61F32266E20C407AE30EE",
        "A78849DC5D7C758C8CDE399856B3AAD0B2A57135",
        "999A64C37FF47D9FAB95F14769891460EEC4C3C5",
        "73A5E64A3BFF8316FF0EDCCC618A906E4EAE4D74",
    ];
    let pems: Vec<pem::Pem> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter(|c| {
            let sha1 = certwiz::engine::cert::CertificateFacts::from_der(c.as_ref())
                .map(|f| f.thumbprint_sha1)
                .unwrap_or_default();
            SHA1.contains(&sha1.as_str())
        })
        .map(|c| pem::Pem::new("CERTIFICATE", c.as_ref().to_vec()))
        .collect();
    assert_eq!(pems.len(), 6);
    let file = lab._dir.path().join("teams-roots.pem");
    std::fs::write(&file, pem::encode_many(&pems)).expect("write");
    let six = file.to_str().expect("utf-8");
    let (code, json) = check(&["--ca", root.as_str(), "--ca", six]);
    assert_eq!(code, 1, "{:#}", json["findings"]);
    let title = finding(&json, "direct-routing.roots-missing")["title"].clone();
    assert!(
        title
            .as_str()
            .is_some_and(|t| t.contains("lack 1 of the 7")),
        "{title}"
    );
    let debian = std::path::Path::new("/etc/ssl/certs/DigiCert_Global_Root_CA.pem");
    if !debian.exists() {
        eprintln!(
            "skipped the all-present half: {} is not here",
            debian.display()
        );
        return;
    }
    let (code, json) = check(&[
        "--ca",
        root.as_str(),
        "--ca",
        six,
        "--ca",
        debian.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 0, "{:#}", json["findings"]);
    assert!(ids(&json, "pass").contains(&"direct-routing.roots-present".to_owned()));
}

#[test]
fn a_refusing_srv_record_is_no_record_and_beside_real_ones_is_left_out() {
    // Expected: "." alone is "decidedly not available" (service-refused) → no-srv-record, exit 1.
    let dns = Zone::default()
        .srv(FED, 0, 0, 0, ".")
        .start()
        .expect("stub DNS");
    let (code, json) = federation(&dns, None, &["--ca", ca_file().as_str()]);
    assert_eq!(code, 1, "{:#}", json["findings"]);
    assert_eq!(ids(&json, "fail"), ["federation.no-srv-record"]);
    assert_eq!(
        json["federation"]["lookups"][0]["outcome"],
        "service-refused"
    );
    // Expected beside a real target: only the real one is listed and checked (exit 0).
    let lab = lab(&[Scenario::SipHealthy]);
    let dns = Zone::default()
        .srv(FED, 0, 0, 0, ".")
        .srv(FED, 5, 0, lab.servers[0].port(), "pool01.lab.test")
        .a("pool01.lab.test")
        .start()
        .expect("stub DNS");
    let (code, json) = federation(&dns, Some(&lab), &[]);
    assert_eq!(code, 0, "{:#}", json["findings"]);
    assert_eq!(targets(&json).len(), 1);
    assert_eq!(targets(&json)[0].0, "pool01.lab.test");
}
