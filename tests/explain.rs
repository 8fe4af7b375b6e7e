//! `certwiz explain`: every finding id explained, unknown ids refused (exit 2), and the committed
//! catalogue page (`docs/findings.md`) generated from the same data.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn certwiz() -> Command {
    Command::cargo_bin("certwiz").expect("binary built")
}

/// Runs certwiz with `args`, expects exit 0 and one JSON object on stdout.
fn json_of(args: &[&str]) -> Value {
    let out = certwiz()
        .args(args)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("one JSON object")
}

#[test]
fn committed_catalogue_page_is_not_stale() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/findings.md"))
            .expect("docs/findings.md is committed");
    let generated =
        certwiz::render::explain::render_list(certwiz::render::explain::ExplainFormat::Markdown);
    assert!(
        committed == generated,
        "docs/findings.md is stale: run `cargo run -- explain --list --format markdown > docs/findings.md`"
    );
}

#[test]
fn every_listed_id_is_explained_by_the_binary() {
    let v = json_of(&["explain", "--list", "--format", "json"]);
    let entries = v["catalogue"].as_array().expect("catalogue array");
    assert!(entries.len() > 70);
    let log_ids = v["log_ids"].as_array().expect("log ids");
    assert!(!log_ids.is_empty());
    for id in entries
        .iter()
        .map(|e| e["id"].as_str().expect("id"))
        .chain(log_ids.iter().map(|i| i.as_str().expect("id")))
    {
        certwiz()
            .args(["explain", id])
            .assert()
            .code(0)
            .stdout(predicate::str::starts_with(id))
            .stdout(predicate::str::contains("Why it matters for conferencing"))
            .stdout(predicate::str::contains("Wizard step"));
    }
}

#[test]
fn explain_shows_meaning_fix_commands_and_step() {
    // Written before running: the web site on port 444 is step 6 (Port), its fix names the IIS binding
    // and its commands the port-owner tools, filled with the default port 444.
    certwiz()
        .args(["explain", "http.web-site-answering"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "an HTML page answers where the conferencing endpoint should",
        ))
        .stdout(predicate::str::contains("netstat -ano | findstr :444"))
        .stdout(predicate::str::contains("Get-WebBinding -Port 444"))
        .stdout(predicate::str::contains("Wizard step 6: Port"));
    let v = json_of(&["explain", "chain.untrusted-root", "--format", "json"]);
    assert_eq!(v["step"], 4);
    assert_eq!(
        v["commands"][0]["command"],
        "certutil -addstore -f Root \"<root CA certificate file>\""
    );
    assert_eq!(v["commands"][0]["kind"], "fix");
}

#[test]
fn unknown_id_and_missing_id_exit_2_with_what_to_do() {
    certwiz()
        .args(["explain", "chain.no-such-thing"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("certwiz explain --list"));
    certwiz().args(["explain"]).assert().code(2);
    certwiz()
        .args(["explain", "cert.expired", "--format", "pdf"])
        .assert()
        .code(2);
}
