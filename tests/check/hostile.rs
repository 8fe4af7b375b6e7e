//! Hostile peers: a 100 MB certificate message, garbage after the ServerHello, an IPv6 literal. Each
//! gets a clear finding within the timeout plus a little, and never a panic or a hang.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// A TLS record.
fn record(kind: u8, version: u16, body: &[u8]) -> Vec<u8> {
    let mut r = vec![kind];
    r.extend_from_slice(&version.to_be_bytes());
    r.extend_from_slice(&(body.len() as u16).to_be_bytes());
    r.extend_from_slice(body);
    r
}

/// A ServerHello for `version` choosing ECDHE-RSA-AES128-GCM-SHA256 (TLS 1.2) or AES128-SHA (TLS 1.0).
fn server_hello(version: u16) -> Vec<u8> {
    let mut body = version.to_be_bytes().to_vec();
    body.extend_from_slice(&[0x42; 32]);
    body.push(0);
    if version == 0x0303 {
        body.extend_from_slice(&[0xc0, 0x2f, 0x00]);
        let ext = [0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x17, 0x00, 0x00];
        body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        body.extend_from_slice(&ext);
    } else {
        body.extend_from_slice(&[0x00, 0x2f, 0x00]);
    }
    let mut message = vec![2];
    message.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    message.extend_from_slice(&body);
    record(0x16, version, &message)
}

/// Serves one connection with `script` (given the stream after the ClientHello was read).
fn serve_once(script: fn(TcpStream)) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        // The check connects more than once (handshake, legacy read, browse): serve a few.
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut hello = [0u8; 4096];
            let _ = stream.read(&mut hello);
            std::thread::spawn(move || script(stream));
        }
    });
    port
}

fn huge_certificate(version: u16, mut stream: TcpStream) {
    let _ = stream.write_all(&server_hello(version));
    // A Certificate message that claims 16 MB, then 100 MB of records.
    let mut first = vec![11, 0xff, 0xff, 0xff];
    first.extend_from_slice(&[0x41; 16_000]);
    if stream.write_all(&record(0x16, version, &first)).is_err() {
        return;
    }
    let filler = record(0x16, version, &[0x41; 16_000]);
    let started = Instant::now();
    for _ in 0..(100 * 1024 * 1024 / 16_000) {
        if started.elapsed() > Duration::from_secs(20) || stream.write_all(&filler).is_err() {
            return;
        }
    }
}

fn check(port: u16) -> (i32, Value, Duration) {
    let started = Instant::now();
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .args([
            "check",
            "hostile.lab.test",
            "--address",
            "127.0.0.1",
            "--json",
            "--timeout",
            "2",
        ])
        .args(["--port", &port.to_string()])
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json, started.elapsed())
}

fn fail_ids(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["severity"] == "fail")
                .filter_map(|f| f["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn hundred_megabyte_certificate_message_is_refused_quickly() {
    let port = serve_once(|s| huge_certificate(0x0303, s));
    let (code, json, elapsed) = check(port);
    assert_eq!(code, 1);
    assert_eq!(fail_ids(&json), ["tls.handshake-failed"]);
    assert!(elapsed < Duration::from_secs(2 + 3), "took {elapsed:?}");
}

#[test]
fn hundred_megabyte_certificate_on_tls10_is_capped_by_the_legacy_reader() {
    let port = serve_once(|s| huge_certificate(0x0301, s));
    let (code, json, elapsed) = check(port);
    assert_eq!(code, 0, "{}", json["findings"]);
    let handshake = &json["probe"]["handshake"];
    assert_eq!(handshake["outcome"]["result"], "legacy-only");
    assert_eq!(
        handshake["legacy"], false,
        "nothing was captured from the flood"
    );
    assert!(elapsed < Duration::from_secs(2 + 2 + 3), "took {elapsed:?}");
}

#[test]
fn garbage_after_server_hello_is_a_failed_handshake() {
    let port = serve_once(|mut s| {
        let _ = s.write_all(&server_hello(0x0303));
        let _ = s.write_all(&record(
            0x16,
            0x0303,
            &[0xde, 0xad, 0xbe, 0xef, 0x13, 0x37, 0x00, 0x01],
        ));
        let _ = s.write_all(&[0x99; 64]);
        std::thread::sleep(Duration::from_secs(3));
    });
    let (code, json, elapsed) = check(port);
    assert_eq!(code, 1);
    assert_eq!(fail_ids(&json), ["tls.handshake-failed"]);
    assert!(elapsed < Duration::from_secs(2 + 3), "took {elapsed:?}");
}

#[test]
fn ipv6_literal_host_is_accepted() {
    // Nothing listens on this port of ::1 (or IPv6 is off in the sandbox): either way a finding,
    // never a crash or a usage error.
    let free = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .args([
            "check",
            "::1",
            "--json",
            "--timeout",
            "2",
            "--port",
            &free.to_string(),
        ])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let fails = fail_ids(&json);
    assert!(
        fails == ["port.closed"] || fails == ["port.timeout"],
        "{fails:?}"
    );
    assert_eq!(
        json["probe"]["connect"]["attempts"][0]["address"],
        format!("[::1]:{free}")
    );
}

#[test]
fn redirect_is_reported_not_followed() {
    let pki = certwiz::lab::LabPki::generate().expect("pki");
    let port = crate::common::web::tls_server(
        pki.server.chain.iter().map(|c| c.to_vec()).collect(),
        pki.server.key_pkcs8.to_vec(),
        b"HTTP/1.1 302 Found\r\nLocation: https://cwa.lab.test/cwa/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    let (code, json, _) = check(port);
    assert_eq!(
        code, 1,
        "no client certificate request on a /LiveServer/ path fails"
    );
    let redirect = json["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["id"] == "http.redirect"))
        .unwrap_or_else(|| panic!("no http.redirect in {}", json["findings"]));
    assert!(
        redirect["detail"]
            .as_str()
            .is_some_and(|d| d.contains("https://cwa.lab.test/cwa/"))
    );
    assert_eq!(json["probe"]["browse"]["outcome"]["status"], 302);
}
