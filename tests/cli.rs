//! The `certwiz` binary: JSON contract, text output, exit codes and bad input.

mod common;
#[path = "cli/newcomer.rs"]
mod newcomer;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

use common::{AT, PFX_PASSWORD, Scratch, Spec, healthy, openssl_file, signed};

fn certwiz() -> Command {
    let mut cmd = Command::cargo_bin("certwiz").expect("binary built");
    cmd.env_remove("PFX_PASSWORD");
    cmd
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("stdout is one JSON object")
}

#[test]
fn healthy_chain_json_follows_the_contract_and_exits_0() {
    let s = Scratch::new();
    let pki = healthy("pool01.contoso.test");
    let chain = s.pems("chain.pem", &[&pki.leaf, &pki.issuing]);
    let root = s.pems("root.pem", &[&pki.root]);
    let out = certwiz()
        .args([
            "inspect",
            "--json",
            "--at",
            AT,
            "--expect-name",
            "pool01.contoso.test",
            "--ca",
        ])
        .arg(&root)
        .arg(&chain)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let json = json_of(&out);
    assert_eq!(json["schema"], "certwiz-report/1");
    assert_eq!(json["verdict"]["status"], "pass");
    let findings = json["findings"].as_array().expect("findings array");
    let ids: Vec<&str> = findings.iter().filter_map(|f| f["id"].as_str()).collect();
    assert_eq!(ids, ["cert.name-match", "chain.ok", "chain.purposes-ok"]);
    for f in findings {
        for key in ["id", "severity", "title", "detail", "fix"] {
            assert!(f[key].is_string(), "{key} missing in {f}");
        }
        assert_eq!(f["scope"], "local");
        assert!(
            f["certificate"]["subject"]
                .as_str()
                .is_some_and(|s| s.contains("CN=pool01.contoso.test"))
        );
        assert_eq!(f["certificate"]["sha256"].as_str().map(str::len), Some(64));
    }
    let nodes = json["path"]["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 3);
    assert_eq!(
        nodes[0]["certificate"]["display_name"],
        "Contoso Test Root CA"
    );
    assert_eq!(nodes[0]["trust_anchor"], true);
    assert_eq!(nodes[2]["status"], "ok");
    assert_eq!(
        json["certificate"]["thumbprint_sha1"]
            .as_str()
            .map(str::len),
        Some(40)
    );
    assert_eq!(json["evaluated_at"], "2030-06-01T12:00:00Z");
}

#[test]
fn findings_are_sorted_fail_warn_info_pass_and_exit_is_1() {
    let s = Scratch::new();
    let pki = healthy("pool01.contoso.test");
    let leaf = signed(
        &Spec::leaf("pool01.contoso.test")
            .eku(vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth])
            .sans(&["*.contoso.test"]),
        &pki.issuing,
    );
    let chain = s.pems("chain.pem", &[&leaf, &pki.issuing, &pki.root]);
    let out = certwiz()
        .args(["inspect", "--json", "--at", AT])
        .arg(&chain)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json = json_of(&out);
    let severities: Vec<&str> = json["findings"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["severity"].as_str())
        .collect();
    assert_eq!(severities, ["fail", "warn", "warn"]);
    let ids: Vec<&str> = json["findings"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "cert.client-auth-missing",
            "cert.wildcard-san",
            "chain.untrusted-root"
        ]
    );
}

#[test]
fn json_is_byte_identical_between_runs() {
    let s = Scratch::new();
    let pki = healthy("pool01.contoso.test");
    let chain = s.pems("chain.pem", &[&pki.leaf, &pki.issuing, &pki.root]);
    let run = || {
        certwiz()
            .args(["inspect", "--json", "--at", AT])
            .arg(&chain)
            .output()
            .expect("runs")
            .stdout
    };
    // Byte for byte, apart from the fields that hold times (where and when, the timeline).
    let (a, b) = (run(), run());
    assert_eq!(common::without_times(&a), common::without_times(&b));
}

#[test]
fn text_output_shows_verdict_tree_purposes_and_findings_in_order() {
    let out = certwiz()
        .args(["inspect", "--full", "--at", AT])
        .arg(openssl_file("restricted-leaf.pem"))
        .arg(openssl_file("restricted-issuing.pem"))
        .arg("--ca")
        .arg(openssl_file("rsa-root.pem"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("utf-8");
    let pos = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in:\n{text}"))
    };
    assert!(pos("Verdict: ✗ FAIL") < pos("Certification path"));
    assert!(pos("Certification path") < pos("Purposes"));
    assert!(pos("Purposes") < pos("Findings"));
    // Root on top, leaf at the bottom, each with a mark in symbol and word.
    assert!(pos("  Contoso OpenSSL Root CA") < pos("└─ Contoso Server-Only Issuing CA"));
    assert!(pos("└─ Contoso Server-Only Issuing CA") < pos("└─ pool02.contoso.test"));
    assert!(text.contains("✓ ok (trust anchor)"));
    assert!(text.contains("✗ NOT usable"));
    assert!(text.contains("✗ FAIL  chain.ca-restricts-client-auth"));
}

#[test]
fn pfx_password_from_env_never_appears_in_output() {
    let ok = certwiz()
        .env("PFX_PASSWORD", PFX_PASSWORD)
        .args([
            "inspect",
            "--json",
            "--at",
            AT,
            "--password-env",
            "PFX_PASSWORD",
        ])
        .arg(openssl_file("rsa-modern.pfx"))
        .output()
        .expect("runs");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let json = json_of(&ok.stdout);
    assert_eq!(json["inputs"][0]["private_keys"], 1);
    let key_pem = std::fs::read_to_string(openssl_file("rsa-leaf.key")).expect("key file");
    let key_line = key_pem.lines().nth(1).expect("a base64 line");
    for out in [&ok.stdout, &ok.stderr] {
        let text = String::from_utf8_lossy(out);
        assert!(!text.contains(PFX_PASSWORD));
        assert!(!text.contains(key_line));
    }
}

#[test]
fn wrong_password_exits_2_and_names_the_file() {
    certwiz()
        .env("PFX_PASSWORD", "Marker-Wrong-456")
        .args(["inspect", "--password-env", "PFX_PASSWORD"])
        .arg(openssl_file("rsa-legacy.pfx"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("rsa-legacy.pfx: wrong password")
                .and(predicate::str::contains("Marker-Wrong-456").not()),
        );
}

#[test]
fn password_protected_pfx_without_password_exits_2_with_the_flag_to_use() {
    certwiz()
        .arg("inspect")
        .arg(openssl_file("rsa-modern.pfx"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--password-env"));
}

#[test]
fn unset_password_variable_names_the_flag() {
    certwiz()
        .args(["inspect", "--password-env", "CERTWIZ_TEST_UNSET_VAR"])
        .arg(openssl_file("rsa-modern.pfx"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--password-env CERTWIZ_TEST_UNSET_VAR: the environment variable is not set",
        ));
}

#[test]
fn bad_inputs_exit_2_with_a_named_reason() {
    let s = Scratch::new();
    let garbage = s.write("garbage.cer", [0x17u8; 300]);
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["inspect".into(), "/nonexistent/server.cer".into()],
            "/nonexistent/server.cer: no such file or folder",
        ),
        (
            vec!["inspect".into(), garbage.display().to_string()],
            "garbage.cer: no certificate found",
        ),
        (
            vec![
                "inspect".into(),
                openssl_file("rsa-leaf-truncated.der").display().to_string(),
            ],
            "truncated at byte 400",
        ),
        (
            vec![
                "inspect".into(),
                "--at".into(),
                "soon".into(),
                openssl_file("rsa-leaf.pem").display().to_string(),
            ],
            "--at soon: not an RFC 3339 time",
        ),
        (
            vec![
                "inspect".into(),
                "--ca".into(),
                "/nonexistent/root.cer".into(),
                openssl_file("rsa-leaf.pem").display().to_string(),
            ],
            "--ca: /nonexistent/root.cer: no such file or folder",
        ),
        (vec!["inspect".into()], "FILE"),
        (vec!["frobnicate".into()], "unrecognized subcommand"),
    ];
    for (args, expected) in cases {
        certwiz()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(expected));
    }
}

#[test]
fn folder_input_warns_about_skipped_files_and_still_runs() {
    let s = Scratch::new();
    let pki = healthy("pool01.contoso.test");
    s.write("leaf.pem", &pki.leaf.pem);
    s.write("issuing.cer", &pki.issuing.der);
    s.write("notes.txt", "not a certificate");
    let root = Scratch::new();
    let root_file = root.pems("root.pem", &[&pki.root]);
    certwiz()
        .args(["inspect", "--json", "--at", AT, "--ca"])
        .arg(&root_file)
        .arg(s.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("skipped").and(predicate::str::contains("notes.txt")));
}

#[test]
fn no_arguments_without_a_display_explains_and_exits_2() {
    certwiz()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("cannot open a window")
                .and(predicate::str::contains("certwiz check HOST"))
                // Never an internal source path (winit's error carries one).
                .and(predicate::str::contains(".rs:").not()),
        );
}

#[test]
fn gui_options_are_checked_before_a_window_opens() {
    // --run with nothing to check, an unknown scenario, an unknown renderer: usage errors (exit 2),
    // told in words, with no window and no display needed.
    let no_display = |args: &[&str]| {
        let mut cmd = certwiz();
        cmd.env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("WAYLAND_SOCKET")
            .args(args);
        cmd
    };
    no_display(&["gui", "--run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--run needs a server to check"));
    no_display(&["gui", "--lab", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("impostor-web-site"));
    no_display(&["gui", "--renderer", "vulkan"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("glow").and(predicate::str::contains("wgpu")));
    no_display(&["gui", "--lab", "--load", "x.pem"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
    // Valid options reach the window, which says there is no display (the renderer is not retried).
    no_display(&["gui", "--lab", "healthy", "--run", "--renderer", "wgpu"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("cannot open a window")
                .and(predicate::str::contains("renderer could not start").not()),
        );
}

#[test]
fn help_lists_the_commands() {
    certwiz().arg("--help").assert().code(0).stdout(
        predicate::str::contains("inspect")
            .and(predicate::str::contains("check"))
            .and(predicate::str::contains("gui")),
    );
}

#[test]
fn unknown_lab_scenario_lists_the_names() {
    certwiz()
        .args(["lab", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "choose one of: healthy, impostor-web-site",
        ));
}

fn log_file(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/logs")
        .join(name)
}

#[test]
fn logs_json_has_findings_and_hypotheses_as_the_contract_says() {
    let out = certwiz()
        .args(["logs", "--json"])
        .arg(log_file("incident-eventviewer.txt"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).expect("one JSON object");
    let findings = json["findings"].as_array().expect("findings");
    let ids: Vec<&str> = findings.iter().filter_map(|f| f["id"].as_str()).collect();
    for id in [
        "log.event-61030",
        "log.event-61013",
        "log.event-30988",
        "log.code-80072efe",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    for f in findings {
        for key in ["id", "severity", "title", "detail", "fix"] {
            assert!(f[key].is_string(), "{key} in {f}");
        }
    }
    let hypotheses = json["hypotheses"].as_array().expect("hypotheses");
    assert_eq!(hypotheses[0]["id"], "port-444-other-site");
    assert_eq!(hypotheses[0]["step"], 6);
    assert!(hypotheses[0]["title"].is_string());
    // Deterministic apart from the timestamp.
    let again = certwiz()
        .args(["logs", "--json"])
        .arg(log_file("incident-eventviewer.txt"))
        .output()
        .expect("runs")
        .stdout;
    let strip = |b: &[u8]| {
        let mut v = common::without_times(b);
        v["evaluated_at"] = serde_json::Value::Null;
        v
    };
    assert_eq!(strip(&out), strip(&again));
}

#[test]
fn logs_reads_standard_input_and_writes_text_and_markdown() {
    let text = std::fs::read_to_string(log_file("validation-wizard.txt")).expect("corpus");
    certwiz()
        .args(["logs", "-", "--full"])
        .write_stdin(text.clone())
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("certwiz logs: standard input")
                .and(predicate::str::contains(
                    "Possible causes, most likely first",
                ))
                .and(predicate::str::contains("→ step 4")),
        );
    certwiz()
        .args(["logs", "-", "--format", "markdown"])
        .write_stdin(text)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("# certwiz logs: standard input")
                .and(predicate::str::contains("## Possible causes"))
                .and(predicate::str::contains("`log.receive-failure`")),
        );
}

#[test]
fn logs_without_known_signals_exits_0_and_a_missing_file_exits_2() {
    certwiz()
        .args(["logs", "--full"])
        .arg(log_file("unrelated.txt"))
        .assert()
        .code(0)
        .stdout(
            predicate::str::contains("No known event")
                .and(predicate::str::contains("Verdict: ? UNKNOWN"))
                .and(predicate::str::contains("PASS").not()),
        );
    certwiz()
        .args(["logs", "no-such-file.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-file.txt: cannot open"));
}
