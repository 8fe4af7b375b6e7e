//! `--fetch`: CRLs, OCSP and AIA-downloaded intermediates, served by an in-process HTTP server from
//! rcgen-made PKIs, through `certwiz inspect --fetch`, `certwiz check --fetch` and the engine.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use assert_cmd::Command;
use rcgen::{
    CertificateRevocationListParams, KeyIdMethod, RevocationReason, RevokedCertParams, SerialNumber,
};
use serde_json::Value;
use time::OffsetDateTime;

use crate::common::web::{Route, WebServer};
use crate::common::{AT, Made, Scratch, Spec, at, self_signed, signed};

/// Root → issuing CA → leaf, where the issuing CA's CRL is at `/issuing.crl`, the root's at
/// `/root.crl`, the issuing CA certificate at `/issuing.cer`, and the leaf names `leaf_ocsp` if given.
struct WebPki {
    web: WebServer,
    root: Made,
    issuing: Made,
    leaf: Made,
    files: Scratch,
}

impl WebPki {
    fn new(leaf_cdp: &[&str], leaf_ocsp: bool) -> WebPki {
        Self::with(|web| {
            let cdp: Vec<String> = leaf_cdp.iter().map(|p| web_url(web, p)).collect();
            let cdp: Vec<&str> = cdp.iter().map(String::as_str).collect();
            let ocsp = web.url("ocsp");
            let ocsp: Vec<&str> = if leaf_ocsp {
                vec![ocsp.as_str()]
            } else {
                Vec::new()
            };
            Spec::leaf("pool01.contoso.test")
                .cdp(&cdp)
                .aia(&[&web.url("issuing.cer")], &ocsp)
        })
    }

    fn with(leaf: impl Fn(&WebServer) -> Spec) -> WebPki {
        let web = WebServer::start();
        let root = self_signed(&Spec::ca("Contoso Test Root CA"));
        let issuing = signed(
            &Spec::ca("Contoso Test Issuing CA")
                .serial(2)
                .cdp(&[&web.url("root.crl")])
                .aia(&[&web.url("root.cer")], &[]),
            &root,
        );
        let leaf = signed(&leaf(&web), &issuing);
        web.route(
            "root.crl",
            Route::Body(crl(&root, &[], fresh()), "application/pkix-crl"),
        );
        web.route(
            "issuing.cer",
            Route::Body(issuing.der.clone(), "application/pkix-cert"),
        );
        web.route(
            "root.cer",
            Route::Body(root.der.clone(), "application/pkix-cert"),
        );
        WebPki {
            web,
            root,
            issuing,
            leaf,
            files: Scratch::new(),
        }
    }

    fn serve_crl(&self, crl: Vec<u8>) {
        self.web
            .route("issuing.crl", Route::Body(crl, "application/pkix-crl"));
    }

    /// `certwiz inspect LEAF ISSUING --ca ROOT --at AT --json [extra]`.
    fn inspect(&self, with_intermediate: bool, extra: &[&str]) -> Run {
        let leaf = self.files.write("leaf.pem", &self.leaf.pem);
        let root = self.files.write("root.pem", &self.root.pem);
        let mut cmd = Command::cargo_bin("certwiz").expect("binary");
        cmd.arg("inspect").arg(&leaf);
        if with_intermediate {
            cmd.arg(self.files.write("issuing.pem", &self.issuing.pem));
        }
        let out = cmd
            .arg("--ca")
            .arg(&root)
            .args(["--at", AT, "--json"])
            .args(extra)
            .output()
            .expect("certwiz runs");
        Run::of(&out)
    }
}

fn web_url(web: &WebServer, path: &str) -> String {
    if path.contains(':') {
        path.to_owned()
    } else {
        web.url(path)
    }
}

/// A CRL window around [`AT`]: published the day before, next update in a week.
fn fresh() -> (OffsetDateTime, OffsetDateTime) {
    (
        at() - time::Duration::days(1),
        at() + time::Duration::days(7),
    )
}

/// A CRL signed by `issuer` listing `revoked` serials (revoked 2030-05-01, key compromise).
fn crl(issuer: &Made, revoked: &[u64], window: (OffsetDateTime, OffsetDateTime)) -> Vec<u8> {
    CertificateRevocationListParams {
        this_update: window.0,
        next_update: window.1,
        crl_number: SerialNumber::from(7u64),
        issuing_distribution_point: None,
        revoked_certs: revoked
            .iter()
            .map(|serial| RevokedCertParams {
                serial_number: SerialNumber::from_slice(&serial.to_be_bytes()),
                revocation_time: time::macros::datetime!(2030-05-01 00:00:00 UTC),
                reason_code: Some(RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(&issuer.issuer())
    .expect("CRL")
    .der()
    .to_vec()
}

struct Run {
    code: i32,
    json: Value,
    stderr: String,
}

impl Run {
    fn of(out: &std::process::Output) -> Run {
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "JSON on stdout ({e}); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        Run {
            code: out.status.code().unwrap_or(-1),
            json,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn findings(&self, id: &str) -> Vec<&Value> {
        self.json["findings"]
            .as_array()
            .map(|a| a.iter().filter(|f| f["id"] == id).collect())
            .unwrap_or_default()
    }

    /// The one finding `id` about the certificate whose subject contains `cn`.
    fn about(&self, id: &str, cn: &str) -> &Value {
        self.findings(id)
            .into_iter()
            .find(|f| {
                f["certificate"]["subject"]
                    .as_str()
                    .is_some_and(|s| s.contains(cn))
            })
            .unwrap_or_else(|| {
                panic!(
                    "no {id} about {cn} in {:#}\nstderr: {}",
                    self.json["findings"], self.stderr
                )
            })
    }

    fn ids(&self) -> Vec<String> {
        self.json["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn detail(finding: &Value) -> &str {
    finding["detail"].as_str().unwrap_or_default()
}

#[test]
fn without_fetch_nothing_is_contacted() {
    let pki = WebPki::new(&["issuing.crl"], true);
    pki.serve_crl(crl(&pki.issuing, &[], fresh()));
    let run = pki.inspect(false, &[]);
    assert!(pki.web.hits().is_empty(), "contacted: {:?}", pki.web.hits());
    assert!(run.ids().contains(&"chain.incomplete".to_owned()));
    assert!(run.json.get("revocation").is_none());
}

#[test]
fn good_crls_pass_for_the_leaf_and_the_intermediate() {
    let pki = WebPki::new(&["issuing.crl"], false);
    pki.serve_crl(crl(&pki.issuing, &[99, 101], fresh()));
    let run = pki.inspect(true, &["--fetch"]);
    assert_eq!(run.code, 0, "{:#}", run.json["findings"]);
    let leaf = run.about("revocation.ok", "pool01.contoso.test");
    assert_eq!(leaf["severity"], "pass");
    assert!(
        detail(leaf).contains(&pki.web.url("issuing.crl")),
        "{leaf:#}"
    );
    assert!(detail(leaf).contains("2 entries"), "{leaf:#}");
    run.about("revocation.ok", "Contoso Test Issuing CA");
    let hits = pki.web.hits();
    assert!(hits.contains(&"GET /issuing.crl".to_owned()), "{hits:?}");
    assert!(hits.contains(&"GET /root.crl".to_owned()), "{hits:?}");
    // The URLs are in the report, per certificate.
    let certs = run.json["revocation"]["certificates"]
        .as_array()
        .expect("certificates");
    assert_eq!(certs.len(), 2, "leaf and intermediate, not the root");
    assert_eq!(
        certs[0]["display_name"], "pool01.contoso.test",
        "the leaf first"
    );
    assert_eq!(certs[0]["sources"][0]["outcome"], "crl");
    assert_eq!(certs[0]["sources"][0]["crl"]["entries"], 2);
}

#[test]
fn a_revoking_crl_fails_with_date_and_reason() {
    let pki = WebPki::new(&["issuing.crl"], false);
    pki.serve_crl(crl(&pki.issuing, &[100], fresh()));
    let run = pki.inspect(true, &["--fetch"]);
    assert_eq!(run.code, 1);
    let revoked = run.about("revocation.revoked", "pool01.contoso.test");
    assert_eq!(revoked["severity"], "fail");
    assert!(detail(revoked).contains("2030-05-01"), "{revoked:#}");
    assert!(detail(revoked).contains("keyCompromise"), "{revoked:#}");
    // The intermediate's own CRL (the root's) does not list it.
    run.about("revocation.ok", "Contoso Test Issuing CA");
}

#[test]
fn an_expired_crl_fails() {
    let pki = WebPki::new(&["issuing.crl"], false);
    let window = (
        at() - time::Duration::days(30),
        at() - time::Duration::days(16),
    );
    pki.serve_crl(crl(&pki.issuing, &[], window));
    let run = pki.inspect(true, &["--fetch"]);
    assert_eq!(run.code, 1);
    let expired = run.about("revocation.crl-expired", "pool01.contoso.test");
    assert!(detail(expired).contains("2030-05-16"), "{expired:#}");
    assert!(
        expired["fix"]
            .as_str()
            .is_some_and(|f| f.contains("certutil -crl"))
    );
}

#[test]
fn a_crl_from_the_future_says_the_clock_is_behind() {
    let pki = WebPki::new(&["issuing.crl"], false);
    let window = (
        at() + time::Duration::days(1),
        at() + time::Duration::days(8),
    );
    pki.serve_crl(crl(&pki.issuing, &[], window));
    let run = pki.inspect(true, &["--fetch"]);
    assert_eq!(run.code, 1);
    let early = run.about("revocation.crl-expired", "pool01.contoso.test");
    assert!(
        early["title"]
            .as_str()
            .is_some_and(|t| t.contains("not valid yet")),
        "{early:#}"
    );
    assert!(detail(early).contains("NOT YET VALID"), "{early:#}");
}

#[test]
fn a_crl_signed_by_another_key_fails() {
    let pki = WebPki::new(&["issuing.crl"], false);
    // The same CA name, another key: what a renewed CA with a stale list looks like.
    let impostor = self_signed(&Spec::ca("Contoso Test Issuing CA"));
    pki.serve_crl(crl(&impostor, &[], fresh()));
    let run = pki.inspect(true, &["--fetch"]);
    assert_eq!(run.code, 1);
    let bad = run.about("revocation.crl-bad-signature", "pool01.contoso.test");
    assert!(detail(bad).contains("not signed by"), "{bad:#}");
}

#[test]
fn a_missing_crl_is_offline_and_names_the_http_status() {
    let pki = WebPki::new(&["issuing.crl"], false);
    let run = pki.inspect(true, &["--fetch"]);
    assert_eq!(run.code, 1);
    let offline = run.about("revocation.offline", "pool01.contoso.test");
    assert!(detail(offline).contains("HTTP 404"), "{offline:#}");
    assert!(detail(offline).contains(&pki.web.url("issuing.crl")));
}

#[test]
fn unreachable_names_say_what_happened() {
    // A refused port and a name that does not resolve (.invalid never does).
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let refused = format!(
        "http://127.0.0.1:{}/ca.crl",
        closed.local_addr().expect("addr").port()
    );
    drop(closed);
    let pki = WebPki::new(
        &[refused.as_str(), "http://pki.certwiz.invalid/ca.crl"],
        false,
    );
    let run = pki.inspect(true, &["--fetch", "--timeout", "3"]);
    let offline = run.about("revocation.offline", "pool01.contoso.test");
    assert!(
        detail(offline).contains("connection refused"),
        "{offline:#}"
    );
    assert!(
        detail(offline).contains("name not found (DNS)"),
        "{offline:#}"
    );
}

#[test]
fn silent_distribution_points_cost_one_timeout_together() {
    let pki = WebPki::new(&["silent-1.crl", "silent-2.crl", "silent-3.crl"], false);
    for p in ["silent-1.crl", "silent-2.crl", "silent-3.crl"] {
        pki.web.route(p, Route::Silent);
    }
    let run = pki.inspect(true, &["--fetch", "--timeout", "1"]);
    let offline = run.about("revocation.offline", "pool01.contoso.test");
    assert_eq!(
        detail(offline).matches("no answer (timeout)").count(),
        3,
        "{offline:#}"
    );
    // Fetched at once: the three silent connections were open at the same time.
    assert!(
        pki.web.peak_connections() >= 3,
        "peak {}",
        pki.web.peak_connections()
    );
}

#[test]
fn fifty_megabyte_crls_are_capped() {
    let pki = WebPki::new(&["declared.crl", "streamed.crl"], false);
    pki.web
        .route("declared.crl", Route::HugeDeclared(50 * 1024 * 1024));
    pki.web
        .route("streamed.crl", Route::HugeStreamed(50 * 1024 * 1024));
    let run = pki.inspect(true, &["--fetch", "--timeout", "20"]);
    let offline = run.about("revocation.offline", "pool01.contoso.test");
    assert_eq!(
        detail(offline).matches("too large").count(),
        2,
        "{offline:#}"
    );
    let sources = &run.json["revocation"]["certificates"][0]["sources"];
    let streamed = sources[1]["fetch"]["bytes"].as_u64().expect("bytes");
    assert!(
        streamed <= 16 * 1024 * 1024 + 64 * 1024,
        "read {streamed} bytes"
    );
}

#[test]
fn a_redirect_to_another_host_is_followed_and_said() {
    let pki = WebPki::new(&["moved.crl"], false);
    pki.web.route(
        "moved.crl",
        Route::Redirect(pki.web.url_via_localhost("issuing.crl")),
    );
    pki.serve_crl(crl(&pki.issuing, &[], fresh()));
    let run = pki.inspect(true, &["--fetch"]);
    let ok = run.about("revocation.ok", "pool01.contoso.test");
    assert!(detail(ok).contains("(another host)"), "{ok:#}");
}

#[test]
fn ldap_distribution_points_are_not_checked_and_say_how_to() {
    let pki = WebPki::new(
        &[
            "ldap:///CN=Contoso%20Test%20Issuing%20CA,CN=CDP,CN=Public%20Key%20Services,DC=contoso,DC=test",
        ],
        false,
    );
    let run = pki.inspect(true, &["--fetch"]);
    let ldap = run.about("revocation.ldap-not-checked", "pool01.contoso.test");
    assert_eq!(ldap["severity"], "info");
    assert!(
        ldap["fix"]
            .as_str()
            .is_some_and(|f| f.contains("certutil -url"))
    );
    let commands: Vec<&str> = ldap["commands"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["command"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        commands.contains(&"certutil -url \"<certificate file>\""),
        "{ldap:#}"
    );
}

#[test]
fn no_distribution_point_is_a_warning() {
    let pki = WebPki::with(|_| Spec::leaf("pool01.contoso.test"));
    let run = pki.inspect(true, &["--fetch"]);
    let none = run.about("revocation.no-cdp", "pool01.contoso.test");
    assert_eq!(none["severity"], "warn");
    assert_eq!(run.code, 0);
}

#[test]
fn a_missing_intermediate_is_downloaded_through_aia() {
    let pki = WebPki::new(&["issuing.crl"], false);
    pki.serve_crl(crl(&pki.issuing, &[], fresh()));
    let run = pki.inspect(false, &["--fetch"]);
    let fetched = run.about("chain.intermediate-fetched", "Contoso Test Issuing CA");
    assert_eq!(fetched["severity"], "warn");
    assert!(
        detail(fetched).contains(&pki.web.url("issuing.cer")),
        "{fetched:#}"
    );
    assert!(
        fetched["fix"]
            .as_str()
            .is_some_and(|f| f.contains("certutil -addstore CA"))
    );
    assert!(
        !run.ids().contains(&"chain.incomplete".to_owned()),
        "{:?}",
        run.ids()
    );
    assert_eq!(run.json["path"]["complete"], true);
    assert_eq!(run.json["path"]["trusted"], true);
    assert!(
        run.json["path"]["nodes"][1]["source"]
            .as_str()
            .is_some_and(|s| s.contains("downloaded from")),
        "{:#}",
        run.json["path"]["nodes"][1]
    );
    run.about("revocation.ok", "pool01.contoso.test");
    assert_eq!(run.code, 0);
}

/// An OCSP responder signing with `signer` (the CA, or a delegated responder) that answers `status`.
fn responder(signer_cert: &Made, status: &'static str) -> crate::common::web::Responder {
    responder_with(signer_cert, status, false)
}

/// [`responder`], optionally sending the signer's certificate inside the answer (a delegated responder).
fn responder_with(
    signer_cert: &Made,
    status: &'static str,
    include_certificate: bool,
) -> crate::common::web::Responder {
    use der::{Decode, Encode};
    use rcgen::SigningKey;
    use x509_ocsp::{
        BasicOcspResponse, CertStatus, OcspGeneralizedTime, OcspRequest, OcspResponse, ResponderId,
        ResponseData, RevokedInfo, SingleResponse, Version,
    };
    let key_pem = signer_cert.key.serialize_pem();
    let cert_der = signer_cert.der.clone();
    Arc::new(move |body: &[u8]| {
        let key = rcgen::KeyPair::from_pem(&key_pem).expect("key");
        let request = OcspRequest::from_der(body).expect("OCSP request");
        let signer = x509_cert::Certificate::from_der(&cert_der).expect("signer");
        let when = |offset_days: i64| {
            let t = at() + time::Duration::days(offset_days);
            OcspGeneralizedTime::try_from(
                SystemTime::UNIX_EPOCH + Duration::from_secs(t.unix_timestamp() as u64),
            )
            .expect("time")
        };
        let cert_status = match status {
            "good" => CertStatus::good(),
            "unknown" => CertStatus::unknown(),
            _ => CertStatus::Revoked(RevokedInfo {
                revocation_time: when(-10),
                revocation_reason: Some(x509_cert::ext::pkix::CrlReason::Superseded),
            }),
        };
        let data = ResponseData {
            version: Version::V1,
            responder_id: ResponderId::ByName(signer.tbs_certificate.subject.clone()),
            produced_at: when(-1),
            responses: request
                .tbs_request
                .request_list
                .iter()
                .map(|r| SingleResponse {
                    cert_id: r.req_cert.clone(),
                    cert_status,
                    this_update: when(-1),
                    next_update: Some(when(3)),
                    single_extensions: None,
                })
                .collect(),
            response_extensions: None,
        };
        let signature = key.sign(&data.to_der().expect("tbs")).expect("sign");
        let basic = BasicOcspResponse {
            tbs_response_data: data,
            signature_algorithm: x509_cert::spki::AlgorithmIdentifierOwned {
                oid: der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2"),
                parameters: None,
            },
            signature: der::asn1::BitString::from_bytes(&signature).expect("bits"),
            certs: include_certificate.then(|| vec![signer]),
        };
        OcspResponse::successful(basic)
            .expect("response")
            .to_der()
            .expect("DER")
    })
}

#[test]
fn ocsp_answers_good_revoked_and_unknown() {
    for (status, id) in [
        ("good", "revocation.ok"),
        ("revoked", "revocation.revoked"),
        ("unknown", "revocation.offline"),
    ] {
        let pki = WebPki::new(&[], true);
        pki.web
            .route("ocsp", Route::Ocsp(responder(&pki.issuing, status)));
        let run = pki.inspect(true, &["--fetch"]);
        let finding = run.about(id, "pool01.contoso.test");
        assert!(detail(finding).contains("OCSP"), "{status}: {finding:#}");
        assert!(pki.web.hits().contains(&"POST /ocsp".to_owned()));
        if status == "revoked" {
            assert!(detail(finding).contains("superseded"), "{finding:#}");
        }
        if status == "unknown" {
            assert!(
                finding["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("the OCSP responder does not know it")),
                "{finding:#}"
            );
        }
    }
}

#[test]
fn an_ocsp_answer_signed_by_a_stranger_is_refused() {
    let pki = WebPki::new(&[], true);
    let stranger = self_signed(&Spec::ca("Contoso Test Issuing CA"));
    pki.web
        .route("ocsp", Route::Ocsp(responder(&stranger, "good")));
    let run = pki.inspect(true, &["--fetch"]);
    let bad = run.about("revocation.crl-bad-signature", "pool01.contoso.test");
    assert!(detail(bad).contains("does NOT verify"), "{bad:#}");
}

/// A TLS server presenting `chain` (leaf first), answering HTTP requests with 404.
fn tls_server(chain: &[&Made], key: &Made) -> u16 {
    crate::common::web::tls_server(
        chain.iter().map(|c| c.der.clone()).collect(),
        key.key.serialize_der(),
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
}

fn check(pki: &WebPki, port: u16, extra: &[&str]) -> Run {
    let root = pki.files.write("root.pem", &pki.root.pem);
    let ca = root.to_string_lossy().into_owned();
    let mut args = vec!["--ca", ca.as_str()];
    args.extend_from_slice(extra);
    check_without_anchors(port, &args)
}

/// `certwiz check` against the TLS server on `port`, judged at [`AT`], with only `extra` arguments.
fn check_without_anchors(port: u16, extra: &[&str]) -> Run {
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .args([
            "check",
            "pool01.contoso.test",
            "--address",
            "127.0.0.1",
            "--json",
        ])
        .args(["--port", &port.to_string(), "--timeout", "3", "--at", AT])
        .args(extra)
        .output()
        .expect("certwiz runs");
    Run::of(&out)
}

#[test]
fn check_fetch_judges_the_presented_chain() {
    let pki = WebPki::new(&["issuing.crl"], false);
    pki.serve_crl(crl(&pki.issuing, &[100], fresh()));
    let port = tls_server(&[&pki.leaf, &pki.issuing], &pki.leaf);
    let without = check(&pki, port, &[]);
    assert!(
        pki.web.hits().is_empty(),
        "contacted without --fetch: {:?}",
        pki.web.hits()
    );
    assert!(without.findings("revocation.revoked").is_empty());
    let run = check(&pki, port, &["--fetch"]);
    let revoked = run.about("revocation.revoked", "pool01.contoso.test");
    assert_eq!(revoked["scope"], "remote");
    assert_eq!(run.json["revocation"]["scope"], "remote");
    run.about("revocation.ok", "Contoso Test Issuing CA");
}

#[test]
fn check_fetch_downloads_what_the_server_did_not_send() {
    let pki = WebPki::new(&["issuing.crl"], false);
    pki.serve_crl(crl(&pki.issuing, &[], fresh()));
    let port = tls_server(&[&pki.leaf], &pki.leaf);
    let run = check(&pki, port, &["--fetch"]);
    let fetched = run.about("chain.intermediate-fetched", "Contoso Test Issuing CA");
    assert!(
        detail(fetched).contains("The server did not send"),
        "{fetched:#}"
    );
    assert!(
        !run.ids().contains(&"chain.incomplete".to_owned()),
        "{:?}",
        run.ids()
    );
    assert_eq!(run.json["path"]["complete"], true);
    run.about("revocation.ok", "pool01.contoso.test");
}

#[test]
fn text_output_lists_every_url_per_certificate() {
    let pki = WebPki::new(&["issuing.crl"], false);
    pki.serve_crl(crl(&pki.issuing, &[], fresh()));
    let leaf = pki.files.write("leaf.pem", &pki.leaf.pem);
    let root = pki.files.write("root.pem", &pki.root.pem);
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .arg("inspect")
        .arg(&leaf)
        .arg("--ca")
        .arg(&root)
        .args(["--at", AT, "--fetch", "--full"])
        .output()
        .expect("certwiz runs");
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}");
    // In the path, under each node: its URLs; the downloaded issuer says where it came from.
    assert!(
        text.contains(&format!("CRL: {}", pki.web.url("issuing.crl"))),
        "{text}"
    );
    assert!(
        text.contains(&format!("CRL: {}", pki.web.url("root.crl"))),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "(downloaded from {} #1)",
            pki.web.url("issuing.cer")
        )),
        "{text}"
    );
    // The revocation section: a mark and what each URL gave.
    assert!(
        text.contains(&format!("✓ CRL {}", pki.web.url("issuing.crl"))),
        "{text}"
    );
    assert!(text.contains("does not list this certificate"), "{text}");
}

#[test]
fn the_same_crl_named_twice_is_fetched_once_and_urls_are_capped() {
    let cdps: Vec<String> = std::iter::once("issuing.crl".to_owned())
        .chain(std::iter::once("issuing.crl".to_owned()))
        .chain((0..8).map(|i| format!("extra-{i}.crl")))
        .collect();
    let cdps: Vec<&str> = cdps.iter().map(String::as_str).collect();
    let pki = WebPki::new(&cdps, false);
    pki.serve_crl(crl(&pki.issuing, &[], fresh()));
    let run = pki.inspect(true, &["--fetch"]);
    run.about("revocation.ok", "pool01.contoso.test");
    let hits = pki.web.hits();
    assert_eq!(
        hits.iter().filter(|h| *h == "GET /issuing.crl").count(),
        1,
        "{hits:?}"
    );
    let extra = hits.iter().filter(|h| h.starts_with("GET /extra-")).count();
    assert_eq!(
        extra, 2,
        "4 URLs per certificate, the repeat counted: {hits:?}"
    );
    let sources = run.json["revocation"]["certificates"][0]["sources"]
        .as_array()
        .expect("sources");
    assert_eq!(sources.len(), 10, "every URL is listed");
    assert!(
        sources
            .iter()
            .filter(|s| s["outcome"] == "not-checked")
            .all(|s| s["reason"]
                .as_str()
                .is_some_and(|r| r.contains("at most 4"))),
        "{sources:#?}"
    );
}

#[test]
fn cancelled_before_the_fetch_is_not_a_failure() {
    use certwiz::engine::inspect::{InspectRequest, inspect_fetching};
    use certwiz::engine::load::{Origin, SourcedCertificate};
    use certwiz::engine::probe::{CancelFlag, Progress};
    let pki = WebPki::new(&["issuing.crl"], false);
    pki.serve_crl(crl(&pki.issuing, &[], fresh()));
    let sourced = |der: &[u8], name: &str| SourcedCertificate {
        der: Arc::from(der),
        origin: Origin {
            source: name.into(),
            position: 1,
        },
    };
    let request = InspectRequest {
        certificates: vec![
            sourced(&pki.leaf.der, "leaf"),
            sourced(&pki.issuing.der, "issuing"),
        ],
        trust_anchors: vec![sourced(&pki.root.der, "root")],
        expected_names: Vec::new(),
        at: at(),
        inputs: Vec::new(),
        store_purposes: Default::default(),
        purpose: Default::default(),
    };
    let cancel = CancelFlag::new();
    cancel.cancel();
    let report = inspect_fetching(
        &request,
        certwiz::engine::revocation::FetchOptions::default(),
        &cancel,
        &Progress::none(),
    )
    .expect("inspected");
    assert!(pki.web.hits().is_empty(), "{:?}", pki.web.hits());
    let facts = report.revocation.expect("facts");
    assert!(facts.cancelled);
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.id.starts_with("revocation.")),
        "{:#?}",
        report.findings
    );
}

#[test]
fn a_root_found_through_aia_is_not_a_missing_intermediate() {
    // The server sends leaf and intermediate, no root (as servers do); no trust anchor is given.
    let pki = WebPki::new(&["issuing.crl"], false);
    pki.serve_crl(crl(&pki.issuing, &[], fresh()));
    let port = tls_server(&[&pki.leaf, &pki.issuing], &pki.leaf);
    let run = check_without_anchors(port, &["--fetch"]);
    assert!(
        pki.web.hits().contains(&"GET /root.cer".to_owned()),
        "{:?}",
        pki.web.hits()
    );
    assert!(
        run.findings("chain.intermediate-fetched").is_empty(),
        "{:?}",
        run.ids()
    );
    assert_eq!(run.json["path"]["end"], "untrusted-root");
}

#[test]
fn a_missing_intermediate_served_as_pkcs7_is_read() {
    use cms::cert::x509::der::{Decode, Encode};
    let pki = WebPki::new(&["issuing.crl"], false);
    pki.serve_crl(crl(&pki.issuing, &[], fresh()));
    // What Windows CAs publish at their AIA URL as .p7b: a certs-only SignedData.
    let cert = cms::cert::x509::Certificate::from_der(&pki.issuing.der).expect("issuing CA");
    let p7b = cms::content_info::ContentInfo::try_from(cert)
        .and_then(|ci| ci.to_der())
        .expect("PKCS#7");
    pki.web
        .route("issuing.cer", Route::Body(p7b, "application/pkcs7-mime"));
    let run = pki.inspect(false, &["--fetch"]);
    let fetched = run.about("chain.intermediate-fetched", "Contoso Test Issuing CA");
    assert_eq!(fetched["severity"], "warn");
    assert_eq!(run.json["path"]["complete"], true);
    run.about("revocation.ok", "pool01.contoso.test");
}

/// A PKI whose issuing CA delegated OCSP to a responder certificate (OCSP Signing) that answers
/// `status`, sending its certificate along or not.
fn delegated(status: &'static str, send_certificate: bool) -> WebPki {
    let pki = WebPki::new(&[], true);
    let responder_cert = signed(
        &Spec::leaf("Contoso OCSP Responder")
            .eku(vec![rcgen::ExtendedKeyUsagePurpose::OcspSigning])
            .serial(300),
        &pki.issuing,
    );
    pki.web.route(
        "ocsp",
        Route::Ocsp(responder_with(&responder_cert, status, send_certificate)),
    );
    pki
}

#[test]
fn an_ocsp_answer_from_a_delegated_responder_is_accepted() {
    let run = delegated("revoked", true).inspect(true, &["--fetch"]);
    let revoked = run.about("revocation.revoked", "pool01.contoso.test");
    assert!(
        detail(revoked).contains("Contoso OCSP Responder"),
        "{revoked:#}"
    );
    // The same responder without its certificate in the answer: nobody can check the signature, so
    // the answer is not used.
    let run = delegated("good", false).inspect(true, &["--fetch"]);
    let leaf_ok = run.findings("revocation.ok").into_iter().any(|f| {
        f["certificate"]["subject"]
            .as_str()
            .is_some_and(|s| s.contains("pool01.contoso.test"))
    });
    assert!(!leaf_ok, "{:?}", run.ids());
    run.about("revocation.crl-bad-signature", "pool01.contoso.test");
}
