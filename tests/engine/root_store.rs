//! `certwiz root-store`: the health of a Trusted Root store exported to files, against Schannel's limits.

use assert_cmd::Command;
use serde_json::Value;

use crate::common::{AT, Made, Scratch, Spec, certwiz_json, self_signed, signed};

fn root(cn: &str) -> Made {
    self_signed(&Spec::ca(cn))
}

/// `certwiz root-store PATH... --at AT --json`.
fn judge(paths: &[std::path::PathBuf]) -> (i32, Value) {
    let mut args: Vec<std::ffi::OsString> = vec!["root-store".into()];
    args.extend(paths.iter().map(|p| p.as_os_str().to_owned()));
    args.extend(["--at".into(), AT.into(), "--json".into()]);
    certwiz_json(args)
}

fn ids(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_small_clean_store_passes() {
    let scratch = Scratch::new();
    let roots: Vec<Made> = (0..3).map(|i| root(&format!("Contoso Root {i}"))).collect();
    let refs: Vec<&Made> = roots.iter().collect();
    let (code, json) = judge(&[scratch.pems("roots.pem", &refs)]);
    assert_eq!(code, 0);
    assert_eq!(ids(&json), ["store.ok"]);
    assert_eq!(json["root_store"]["distinct"], 3);
}

#[test]
fn more_than_a_hundred_short_roots_are_a_warning() {
    let scratch = Scratch::new();
    let roots: Vec<Made> = (0..101).map(|i| root(&format!("Root {i}"))).collect();
    let refs: Vec<&Made> = roots.iter().collect();
    let (code, json) = judge(&[scratch.pems("roots.pem", &refs)]);
    // Short names stay under the 16 KB that cut the list: near it, not over it.
    assert_eq!(code, 0);
    assert_eq!(ids(&json), ["store.root-list-too-long"]);
    assert_eq!(json["findings"][0]["severity"], "warn");
    assert!(
        json["findings"][0]["title"]
            .as_str()
            .is_some_and(|t| t.contains("101 roots"))
    );
}

#[test]
fn sixteen_kilobytes_of_names_truncate_the_ca_list_with_fewer_roots() {
    let scratch = Scratch::new();
    // 60 roots whose names take about 300 bytes each: 18 KB, under 100 roots.
    let long = "x".repeat(60);
    let roots: Vec<Made> = (0..60)
        .map(|i| {
            let mut spec = Spec::ca(&format!("Root {i} {long}"));
            spec.cn = format!("{i:02} {long}");
            let mut made = self_signed(&spec);
            // A longer subject: organisation, unit and locality too.
            let mut params = made.params.clone();
            for (kind, value) in [
                (rcgen::DnType::OrganizationalUnitName, long.clone()),
                (rcgen::DnType::LocalityName, long.clone()),
                (rcgen::DnType::StateOrProvinceName, long.clone()),
            ] {
                params.distinguished_name.push(kind, value);
            }
            let cert = params.self_signed(&made.key).expect("root");
            made.pem = cert.pem();
            made.der = cert.der().to_vec();
            made
        })
        .collect();
    let refs: Vec<&Made> = roots.iter().collect();
    let (code, json) = judge(&[scratch.pems("roots.pem", &refs)]);
    assert_eq!(code, 1, "{json:#}");
    assert!(
        json["root_store"]["ca_list_bytes"]
            .as_u64()
            .is_some_and(|b| b > 16 * 1024)
    );
    assert_eq!(json["findings"][0]["severity"], "fail");
    assert_eq!(ids(&json), ["store.root-list-too-long"]);
}

#[test]
fn an_intermediate_in_root_fails_and_duplicates_warn() {
    let scratch = Scratch::new();
    let a = root("Contoso Root CA");
    let issuing = signed(&Spec::ca("Contoso Issuing CA").serial(2), &a);
    let expired = self_signed(&Spec::ca("Old Root").valid(
        time::macros::datetime!(2001-01-01 00:00:00 UTC),
        time::macros::datetime!(2011-01-01 00:00:00 UTC),
    ));
    let first = scratch.pems("store-1.pem", &[&a, &issuing]);
    let second = scratch.pems("store-2.pem", &[&a, &expired]);
    let (code, json) = judge(&[first, second]);
    assert_eq!(code, 1);
    assert_eq!(
        ids(&json),
        [
            "store.non-root-in-root",
            "store.duplicate-roots",
            "store.expired-roots"
        ]
    );
    let non_root = &json["findings"][0];
    assert!(
        non_root["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Contoso Issuing CA"))
    );
    assert!(
        json["findings"][1]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Contoso Root CA ×2"))
    );
    assert_eq!(json["findings"][2]["severity"], "info");
}

#[test]
fn nothing_to_judge_is_bad_input() {
    let scratch = Scratch::new();
    let empty = scratch.write("notes.txt", "no certificates here");
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .arg("root-store")
        .arg(&empty)
        .output()
        .expect("certwiz runs");
    assert_eq!(out.status.code(), Some(2));
}
