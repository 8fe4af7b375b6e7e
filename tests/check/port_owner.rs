//! `certwiz port-owner PORT` against listeners the tests start: the test process itself, and the
//! certwiz binary copied under a web server's name (`httpd`), playing a lab server.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command as Process, Stdio};

use crate::common::certwiz_json;
use serde_json::Value;

fn port_owner(port: u16) -> (i32, Value) {
    certwiz_json(["port-owner", &port.to_string(), "--json"])
}

#[test]
fn names_the_process_that_listens() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (code, json) = port_owner(port);
    assert_eq!(code, 0, "{json:#}");
    let listeners = json["port_owner"]["listeners"]
        .as_array()
        .expect("listeners");
    let me = listeners
        .iter()
        .find(|l| l["pid"] == std::process::id())
        .unwrap_or_else(|| panic!("this test process is not listed: {json:#}"));
    assert_eq!(me["kind"], "other");
    assert_eq!(me["address"], format!("127.0.0.1:{port}"));
    let finding = &json["findings"][0];
    assert_eq!(finding["id"], "port.owner");
    assert_eq!(finding["severity"], "info");
    assert!(
        finding["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&format!("PID {}", std::process::id())))
    );
}

#[test]
fn nothing_listening_is_said() {
    // Port 1 (tcpmux): privileged and unused, so no other test can be listening there.
    let port = 1;
    let (code, json) = port_owner(port);
    assert_eq!(code, 0);
    assert!(
        json["findings"][0]["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Nothing listens"))
    );
}

/// The certwiz binary copied as `httpd` and started as a lab server: a web server by name.
struct Impostor(Child);

impl Drop for Impostor {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_web_server_on_the_port_fails() {
    let dir = tempfile::tempdir().expect("dir");
    let httpd = dir.path().join("httpd");
    std::fs::copy(assert_cmd::cargo::cargo_bin("certwiz"), &httpd).expect("copy");
    let mut child = Process::new(&httpd)
        .args(["lab", "impostor-web-site", "--dir"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("httpd starts");
    let stdout = child.stdout.take().expect("stdout");
    let impostor = Impostor(child);
    let first = BufReader::new(stdout)
        .lines()
        .next()
        .and_then(Result::ok)
        .expect("the lab prints its port");
    let port: u16 = first
        .rsplit(':')
        .next()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no port in {first:?}"));
    let (code, json) = port_owner(port);
    assert_eq!(code, 1, "{json:#}");
    let finding = &json["findings"][0];
    assert_eq!(finding["id"], "port.owned-by-web-server");
    assert!(
        finding["title"]
            .as_str()
            .is_some_and(|t| t.contains("httpd")),
        "{finding:#}"
    );
    assert!(
        finding["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&format!("PID {}", impostor.0.id()))),
        "{finding:#}"
    );
    let commands: Vec<&str> = finding["commands"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["command"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        commands.contains(&format!("netstat -ano | findstr :{port}").as_str()),
        "{commands:?}"
    );
    assert_eq!(json["port_owner"]["listeners"][0]["kind"], "web-server");
}
