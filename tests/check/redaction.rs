//! `--redact` leaves nothing behind (#19 point 6): every lab scenario and every example log, in every
//! format, against a list of identifying values the test collects itself from the plain report or the
//! raw log (not from the redactor): names, addresses, serials and thumbprints. Placeholders stay.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use certwiz::engine::report::{Redactor, Report};
use certwiz::lab::{LAB_HOST, Scenario};
use certwiz::render::{render_html, render_markdown, render_text, summary::render_summary};
use serde_json::Value;

use crate::reports::{check, lab};

/// Words shaped like a DNS name under a top-level domain the lab and the example logs use, IPv4
/// literals, and the hex of a thumbprint's length: the test's own reading of what identifies a
/// network (finding ids such as `chain.ok` and .NET type names are not names).
fn names_in(text: &str) -> Vec<String> {
    const TLDS: &[&str] = &[
        "test", "com", "net", "org", "local", "lan", "corp", "de", "fr", "es", "jp", "uk", "nl",
        "info", "biz", "io", "intra", "internal",
    ];
    let mut out = Vec::new();
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
        let word = word.trim_matches(['.', '-']);
        let labels: Vec<&str> = word.split('.').collect();
        let is_ipv4 = labels.len() == 4 && labels.iter().all(|l| l.parse::<u8>().is_ok());
        let is_name = labels.len() >= 2
            && labels.iter().all(|l| !l.is_empty())
            && labels
                .last()
                .is_some_and(|t| TLDS.contains(&t.to_ascii_lowercase().as_str()));
        let is_hex = matches!(word.len(), 40 | 64)
            && word.chars().all(|c| c.is_ascii_hexdigit())
            && word.chars().any(|c| c.is_ascii_digit());
        let unspecified = word == "0.0.0.0" || word == "255.255.255.255";
        if (is_ipv4 && !unspecified) || is_name || is_hex {
            out.push(word.to_owned());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every string value under the keys that hold thumbprints and serials, both cases.
fn hex_fields(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if let (true, Some(s)) = (
                    matches!(k.as_str(), "sha256" | "thumbprint_sha1" | "serial"),
                    x.as_str(),
                ) && s.len() >= 8
                {
                    out.push(s.to_ascii_lowercase());
                    out.push(s.to_ascii_uppercase());
                }
                hex_fields(x, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|x| hex_fields(x, out)),
        _ => {}
    }
}

fn assert_clean(what: &str, output: &str, secrets: &[String]) {
    for s in secrets {
        assert!(!output.contains(s.as_str()), "{what}: {s:?} is still there");
    }
}

/// The four renderings of a masked report, as the CLI writes them (the summary and the whole text).
fn renderings(masked: &Report) -> [(&'static str, String); 4] {
    [
        ("summary", render_summary(masked)),
        ("text", render_text(masked)),
        ("markdown", render_markdown(masked)),
        ("html", render_html(masked)),
    ]
}

#[test]
fn every_lab_scenario_in_every_format_keeps_no_original() {
    for scenario in Scenario::ALL {
        let (server, dir, files) = lab(scenario);
        let plain_path = dir.path().join("plain.json");
        let plain_arg = plain_path.to_str().expect("utf-8");
        check(&server, &files, &["--output", plain_arg]);
        let plain_text = std::fs::read_to_string(&plain_path).expect("plain report");
        let plain: Value = serde_json::from_str(&plain_text).expect("JSON");
        let mut secrets = names_in(&plain_text);
        // Pseudonyms, and the placeholders of the command catalogue (`ca01.contoso.com\Contoso
        // Issuing CA`: Microsoft's documentation domain, which names no one's network).
        secrets.retain(|s| {
            !s.ends_with(".example") && s != "192.0.2.1" && !s.ends_with("contoso.com")
        });
        hex_fields(&plain, &mut secrets);
        assert!(
            secrets.iter().any(|s| s == LAB_HOST),
            "{scenario:?}: the test sees the host"
        );
        assert!(secrets.iter().any(|s| s == "127.0.0.1"));
        let what = format!("{scenario:?}");
        // The CLI's JSON, then each renderer over the same masked report.
        let (_, json, stderr) = check(&server, &files, &["--redact", "--format", "json"]);
        assert_clean(&format!("{what} json"), &json, &secrets);
        let masked =
            Report::from_json(json.as_bytes()).unwrap_or_else(|e| panic!("{what}: {e} {stderr}"));
        for (format, out) in renderings(&masked) {
            assert_clean(&format!("{what} {format}"), &out, &secrets);
        }
        // A saved plain report rendered again with `open --redact`.
        let out = Command::cargo_bin("certwiz")
            .expect("binary")
            .args(["open", plain_arg, "--redact", "--format", "html"])
            .output()
            .expect("runs");
        assert_clean(
            &format!("{what} open --redact"),
            &String::from_utf8_lossy(&out.stdout),
            &secrets,
        );
    }
}

fn log_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("logs dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            log_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "txt" || e == "xml") {
            out.push(p);
        }
    }
}

#[test]
fn every_example_log_in_every_format_keeps_no_original_but_keeps_placeholders() {
    let mut files = Vec::new();
    log_files(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/logs")),
        &mut files,
    );
    assert!(files.len() >= 10);
    for file in &files {
        let raw = String::from_utf8_lossy(&std::fs::read(file).expect("log")).into_owned();
        let secrets = names_in(&raw);
        for format in ["json", "text", "markdown", "html"] {
            let out = Command::cargo_bin("certwiz")
                .expect("binary")
                .arg("logs")
                .arg(file)
                .args(["--redact", "--format", format])
                .args(if format == "text" {
                    &["--full"][..]
                } else {
                    &[][..]
                })
                .output()
                .expect("runs");
            assert_clean(
                &format!("{} {format}", file.display()),
                &String::from_utf8_lossy(&out.stdout),
                &secrets,
            );
        }
    }
    // Placeholders name nobody: a pasted template keeps them, a real name beside them is masked.
    let paste = "Log Name: Application\nSource: OCS MCU Infrastructure\nEvent ID: 61030\nComputer: FQDN\n\
                 Description: the server <pool FQDN> did not receive a certificate from fe07.fabrikam.com.\n";
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .args(["logs", "-", "--redact", "--json"])
        .write_stdin(paste)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("fe07.fabrikam.com"), "{text}");
    assert!(text.contains("FQDN"), "{text}");
}

#[test]
fn ad_ca_names_and_ldap_urls_are_masked_inside() {
    // An AD CS CA's name carries the domain and the server; its LDAP CDP names the server again.
    let mut r = Redactor::new();
    r.learn_text("CN=contoso-DC01-CA, DC=contoso, DC=com");
    r.learn_text("ldap:///CN=contoso-DC01-CA,CN=DC01,CN=CDP,CN=Public Key Services,CN=Services,CN=Configuration,DC=contoso,DC=com?certificateRevocationList?base");
    let masked = r.text("Issued by contoso-DC01-CA; CRL at ldap:///CN=contoso-DC01-CA,CN=DC01,CN=CDP,CN=Public Key Services");
    assert!(!masked.to_lowercase().contains("contoso"), "{masked}");
    assert!(!masked.contains("DC01"), "{masked}");
    assert!(
        masked.contains("CN=CDP,CN=Public Key Services"),
        "AD's fixed containers stay: {masked}"
    );
}
