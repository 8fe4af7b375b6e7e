//! The certificate store interface: the file backend sorts certificates into MMC's three stores, a
//! stand-in backend plays a Windows machine store with purpose settings (the Windows backend itself is
//! compile-checked, and its decoding unit-tested, in `src/engine/store/windows_props.rs`), and
//! `certwiz store` lists and judges them.

use assert_cmd::Command;
use certwiz::engine::finding::{Severity, ids};
use certwiz::engine::inspect::inspect;
use certwiz::engine::load::{Loaded, load_bytes};
use certwiz::engine::purpose::{Role, StorePurposes};
use certwiz::engine::store::files::FileStore;
use certwiz::engine::store::{StoreKind, StoreName, judge, snapshot};
use rcgen::ExtendedKeyUsagePurpose;
use serde_json::Value;

use crate::common::{
    AT, FakeMachine, Made, Scratch, Spec, at, certwiz_json, healthy, raw, self_signed, signed,
    three_stores,
};

const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";

/// Loads `pem` (a certificate, maybe with its key) as a file would be.
fn file(name: &str, pem: &str) -> Loaded {
    load_bytes(name, pem.as_bytes(), None).expect("loads")
}

fn with_key(made: &Made) -> String {
    format!("{}{}", made.pem, made.key.serialize_pem())
}

#[test]
fn files_are_sorted_into_the_three_stores_like_an_import() {
    let pki = healthy("fe01.contoso.com");
    let other = signed(&Spec::leaf("web.contoso.com").serial(7), &pki.issuing);
    let loaded = [
        file("server.pem", &with_key(&pki.leaf)),
        file("chain.pem", &format!("{}{}", pki.issuing.pem, pki.root.pem)),
        // The same root again, and a certificate without its key.
        file("root-again.pem", &pki.root.pem),
        file("web.cer", &other.pem),
    ];
    let listing = snapshot(&FileStore::new("test files", &loaded));
    assert_eq!(listing.kind, StoreKind::Files);
    let names = |store| {
        listing
            .of(store)
            .map(|c| c.display_name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(StoreName::Root), ["Contoso Test Root CA"]);
    assert_eq!(names(StoreName::Intermediate), ["Contoso Test Issuing CA"]);
    assert_eq!(
        names(StoreName::Personal),
        ["fe01.contoso.com", "web.contoso.com"]
    );
    let personal = listing.personal(at());
    assert!(personal[0].has_private_key && personal[0].usable_as_server_certificate(at()));
    assert!(!personal[1].has_private_key);
    assert_eq!(listing.trust_anchors().len(), 1);
    assert_eq!(listing.intermediates().len(), 1);
    // Found by either thumbprint, whatever the spelling.
    let sha1 = personal[0].thumbprint_sha1.clone();
    let spaced: String = sha1
        .to_lowercase()
        .chars()
        .collect::<Vec<_>>()
        .chunks(2)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(
        listing.find(&spaced).map(|c| c.display_name.as_str()),
        Some("fe01.contoso.com")
    );
    assert!(FileStore::key_for(&loaded, &pki.leaf.der).is_some());
    assert!(FileStore::key_for(&loaded, &other.der).is_none());
    // A healthy set of files: no finding above info.
    assert!(
        judge(&listing, at())
            .iter()
            .all(|f| f.severity >= Severity::Info),
        "{:?}",
        judge(&listing, at())
    );
}

#[test]
fn personal_store_lists_usable_server_certificates_first() {
    let pki = healthy("fe01.contoso.com");
    let client_only = signed(
        &Spec::leaf("user.contoso.com")
            .serial(8)
            .eku(vec![ExtendedKeyUsagePurpose::ClientAuth]),
        &pki.issuing,
    );
    let expired = signed(
        &Spec::leaf("old.contoso.com").serial(9).valid(
            time::macros::datetime!(2020-01-01 00:00:00 UTC),
            time::macros::datetime!(2021-01-01 00:00:00 UTC),
        ),
        &pki.issuing,
    );
    let no_key = signed(&Spec::leaf("nokey.contoso.com").serial(10), &pki.issuing);
    let machine = FakeMachine {
        certs: vec![
            raw(
                StoreName::Personal,
                &no_key,
                false,
                StorePurposes::AllEnabled,
            ),
            raw(
                StoreName::Personal,
                &expired,
                true,
                StorePurposes::AllEnabled,
            ),
            raw(
                StoreName::Personal,
                &client_only,
                true,
                StorePurposes::AllEnabled,
            ),
            raw(
                StoreName::Personal,
                &pki.leaf,
                true,
                StorePurposes::AllEnabled,
            ),
        ],
        broken: None,
    };
    let listing = snapshot(&machine);
    let order: Vec<&str> = listing
        .personal(at())
        .iter()
        .map(|c| c.display_name.as_str())
        .collect();
    // Usable first; then the other certificates with a key (longest valid first); then without.
    assert_eq!(
        order,
        [
            "fe01.contoso.com",
            "user.contoso.com",
            "old.contoso.com",
            "nokey.contoso.com"
        ]
    );
    assert!(
        listing
            .certificates
            .iter()
            .all(|c| c.friendly_name.as_deref() == Some("Pool certificate (My)"))
    );
}

#[test]
fn a_ca_restricted_in_the_store_is_found_in_the_listing_and_in_the_path() {
    // The classic incident: the issuing CA's certificate is fine, but in MMC it is set to "Enable
    // only the following purposes" with Server Authentication alone.
    let pki = healthy("fe01.contoso.com");
    let machine = three_stores(
        &pki,
        StorePurposes::AllEnabled,
        StorePurposes::Only(vec![SERVER_AUTH.into()]),
    );
    let listing = snapshot(&machine);
    let findings = judge(&listing, at());
    let restricted: Vec<_> = findings
        .iter()
        .filter(|f| f.id == ids::STORE_CA_PURPOSES_RESTRICTED)
        .collect();
    assert_eq!(restricted.len(), 1, "{findings:?}");
    assert!(restricted[0].title.contains("Contoso Test Issuing CA"));
    assert!(restricted[0].title.contains("Client Authentication"));
    assert!(
        restricted[0]
            .detail
            .contains("only Server Authentication ticked")
    );
    assert!(
        restricted[0]
            .fix
            .contains("Intermediate Certification Authorities")
    );
    assert!(
        !findings
            .iter()
            .any(|f| f.id == ids::STORE_NO_SERVER_CERTIFICATE)
    );

    // The same store used for the path: the property reaches the purpose analysis.
    let personal = listing.personal(at());
    let report =
        inspect(&listing.inspect_request(personal[0], &[], Vec::new(), at())).expect("inspects");
    let ids_found: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(
        ids_found.contains(&ids::CHAIN_CA_RESTRICTS_CLIENT_AUTH),
        "{ids_found:?}"
    );
    assert!(!ids_found.contains(&ids::CHAIN_CA_RESTRICTS_SERVER_AUTH));
    let finding = report
        .findings
        .iter()
        .find(|f| f.id == ids::CHAIN_CA_RESTRICTS_CLIENT_AUTH)
        .expect("finding");
    // The store setting, not the extension: MMC can fix it.
    assert!(
        finding
            .detail
            .contains("purpose setting in the Windows certificate store")
    );
    let purposes = report.purposes.expect("purpose table");
    assert!(purposes.role(Role::ServerAuth).is_some_and(|v| v.usable));
    assert!(!purposes.role(Role::ClientAuth).is_some_and(|v| v.usable));
}

#[test]
fn a_leaf_disabled_in_the_store_says_so_and_not_that_its_eku_lacks_it() {
    let pki = healthy("fe01.contoso.com");
    let machine = three_stores(&pki, StorePurposes::AllDisabled, StorePurposes::AllEnabled);
    let listing = snapshot(&machine);
    // Disabled for everything: not a usable server certificate.
    let findings = judge(&listing, at());
    assert!(
        findings
            .iter()
            .any(|f| f.id == ids::STORE_NO_SERVER_CERTIFICATE)
    );
    let report =
        inspect(&listing.inspect_request(listing.personal(at())[0], &[], Vec::new(), at()))
            .expect("inspects");
    let client = report
        .findings
        .iter()
        .find(|f| f.id == ids::CERT_CLIENT_AUTH_MISSING)
        .expect("client auth finding");
    assert!(
        client
            .title
            .contains("not enabled for Client Authentication in the certificate store")
    );
    assert!(client.fix.contains("Personal"));
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.id == ids::CERT_SERVER_AUTH_MISSING)
    );
}

#[test]
fn a_store_that_cannot_be_opened_is_reported_and_the_others_listed() {
    let pki = healthy("fe01.contoso.com");
    let machine = FakeMachine {
        certs: vec![raw(
            StoreName::Root,
            &pki.root,
            false,
            StorePurposes::AllEnabled,
        )],
        broken: Some(StoreName::Personal),
    };
    let listing = snapshot(&machine);
    assert_eq!(listing.of(StoreName::Root).count(), 1);
    assert_eq!(listing.problems.len(), 1);
    assert!(
        listing.problems[0].contains("access denied"),
        "{:?}",
        listing.problems
    );
}

fn store_json(paths: &[&std::path::Path]) -> (i32, Value) {
    let mut args: Vec<std::ffi::OsString> = vec!["store".into()];
    args.extend(paths.iter().map(|p| p.as_os_str().to_owned()));
    args.extend(["--at".into(), AT.into(), "--json".into()]);
    certwiz_json(args)
}

#[test]
fn store_command_lists_files_as_stores() {
    let pki = healthy("fe01.contoso.com");
    let scratch = Scratch::new();
    let server = scratch.write("server.pem", with_key(&pki.leaf));
    let chain = scratch.pems("chain.pem", &[&pki.issuing, &pki.root]);
    let (code, json) = store_json(&[&server, &chain]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["command"], "store");
    let certs = json["store"]["certificates"]
        .as_array()
        .expect("certificates");
    let stores: Vec<&str> = certs.iter().filter_map(|c| c["store"].as_str()).collect();
    assert_eq!(stores, ["personal", "root", "intermediate"]);
    assert_eq!(certs[0]["has_private_key"], true);
    assert_eq!(
        certs[0]["flags"]["store_property"]["setting"],
        "all-enabled"
    );
    // Keys never reach the output.
    let text = json.to_string();
    assert!(!text.contains("PRIVATE KEY"));
    let key_body: String = pki
        .leaf
        .key
        .serialize_pem()
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    assert!(!text.contains(&key_body));

    // Text output: the three stores by MMC's names, the server certificate marked.
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .args(["store", "--full", "--at", AT])
        .arg(&server)
        .arg(&chain)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Personal (My): 1 certificate(s)"), "{text}");
    assert!(
        text.contains("Trusted Root Certification Authorities (Root): 1"),
        "{text}"
    );
    assert!(text.contains("★ fe01.contoso.com"), "{text}");
    assert!(text.contains("private key ✔"), "{text}");
}

#[test]
fn store_command_without_a_usable_server_certificate_warns() {
    let root = self_signed(&Spec::ca("Lonely Root"));
    let leaf = signed(&Spec::leaf("nokey.contoso.com"), &root);
    let scratch = Scratch::new();
    let path = scratch.pems("certs.pem", &[&leaf, &root]);
    let (code, json) = store_json(&[&path]);
    assert_eq!(code, 0);
    let found: Vec<&str> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(
        found.contains(&ids::STORE_NO_SERVER_CERTIFICATE),
        "{found:?}"
    );
}

#[test]
fn store_command_reads_this_computers_store() {
    // Linux: the system trust store as Root (this machine has one); never a usage error.
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .args(["store", "--json"])
        .output()
        .expect("runs");
    let code = out.status.code().unwrap_or(-1);
    assert!(code == 0 || code == 1, "exit {code}");
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(json["store"]["description"].as_str().is_some());
    let kind = json["store"]["kind"].as_str().unwrap_or_default();
    assert!(kind == "system" || kind == "windows-machine", "{kind}");
}

#[test]
fn store_command_refuses_an_unreadable_file() {
    let scratch = Scratch::new();
    let bad = scratch.write("bad.pem", "not a certificate");
    let out = Command::cargo_bin("certwiz")
        .expect("binary")
        .arg("store")
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.pem"));
}

#[test]
fn restricted_cas_outside_the_servers_own_paths_are_left_alone() {
    // Windows sets purpose properties on many public roots itself (Automatic Root Update): a root
    // limited to, say, Secure Email that issued none of this server's certificates is not a warning.
    let pki = healthy("fe01.contoso.com");
    let public_root = self_signed(&Spec::ca("Public Email Root"));
    let mut machine = three_stores(&pki, StorePurposes::AllEnabled, StorePurposes::AllEnabled);
    machine.certs.push(raw(
        StoreName::Root,
        &public_root,
        false,
        StorePurposes::Only(vec!["1.3.6.1.5.5.7.3.4".into()]),
    ));
    let findings = judge(&snapshot(&machine), at());
    assert!(
        !findings
            .iter()
            .any(|f| f.id == ids::STORE_CA_PURPOSES_RESTRICTED),
        "{findings:?}"
    );
}
