//! One test per certificate scenario: the verdict and the findings `inspect` gives.

use certwiz::engine::finding::{Finding, Scope, Severity};
use certwiz::engine::inspect::{InspectRequest, inspect};
use certwiz::engine::load::{SourcedCertificate, load_bytes, load_path};
use certwiz::engine::path::{NodeStatus, PathEnd};
use certwiz::engine::purpose::Role;
use certwiz::engine::report::Report;
use rcgen::ExtendedKeyUsagePurpose as Eku;

use crate::common::{
    self, Made, Spec, at, healthy, openssl_file, same_key, self_signed, signed, signed_with_key,
};

pub(crate) fn certs(made: &[&Made]) -> Vec<SourcedCertificate> {
    made.iter()
        .enumerate()
        .flat_map(|(i, m)| {
            load_bytes(&format!("cert{i}.pem"), m.pem.as_bytes(), None)
                .expect("generated PEM loads")
                .certificates
        })
        .collect()
}

pub(crate) fn run(given: &[&Made], anchors: &[&Made], names: &[&str]) -> Report {
    inspect(&InspectRequest {
        certificates: certs(given),
        trust_anchors: certs(anchors),
        expected_names: names.iter().map(|s| (*s).to_owned()).collect(),
        at: at(),
        inputs: Vec::new(),
        store_purposes: Default::default(),
        purpose: Default::default(),
    })
    .expect("inspect runs")
}

pub(crate) fn ids(report: &Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.id.as_str()).collect()
}

fn find<'r>(report: &'r Report, id: &str) -> &'r Finding {
    report
        .findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(report)))
}

fn statuses(report: &Report) -> Vec<NodeStatus> {
    report
        .path
        .as_ref()
        .expect("path")
        .nodes
        .iter()
        .map(|n| n.status)
        .collect()
}

#[test]
fn healthy_chain_passes_with_every_check_green() {
    let pki = healthy("pool01.contoso.test");
    let report = run(
        &[&pki.leaf, &pki.issuing],
        &[&pki.root],
        &["pool01.contoso.test"],
    );
    assert_eq!(
        ids(&report),
        ["cert.name-match", "chain.ok", "chain.purposes-ok"]
    );
    assert_eq!(report.verdict.status, Severity::Pass);
    let path = report.path.as_ref().expect("path");
    let names: Vec<&str> = path
        .nodes
        .iter()
        .map(|n| n.certificate.display_name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Contoso Test Root CA",
            "Contoso Test Issuing CA",
            "pool01.contoso.test"
        ]
    );
    assert_eq!(path.end, PathEnd::TrustAnchor);
    assert_eq!(statuses(&report), [NodeStatus::Ok; 3]);
    assert!(path.nodes[0].trust_anchor);
    for f in &report.findings {
        assert_eq!(f.scope, Some(Scope::Local));
        assert_eq!(f.certificate.as_ref().map(|c| c.sha256.len()), Some(64));
    }
}

#[test]
fn intermediate_limited_to_server_auth_blocks_client_auth() {
    let root = self_signed(&Spec::ca("Contoso Test Root CA"));
    let issuing = signed(
        &Spec::ca("Server Only Issuing CA").eku(vec![Eku::ServerAuth]),
        &root,
    );
    let leaf = signed(&Spec::leaf("pool01.contoso.test"), &issuing);
    let report = run(&[&leaf, &issuing], &[&root], &[]);
    assert_eq!(ids(&report), ["chain.ca-restricts-client-auth", "chain.ok"]);
    let finding = find(&report, "chain.ca-restricts-client-auth");
    assert_eq!(finding.severity, Severity::Fail);
    assert!(
        finding
            .certificate
            .as_ref()
            .is_some_and(|c| c.subject.contains("Server Only Issuing CA"))
    );
    assert!(
        finding.fix.contains("Enable only the following purposes"),
        "{}",
        finding.fix
    );
    let purposes = report.purposes.as_ref().expect("purposes");
    assert!(purposes.role(Role::ServerAuth).is_some_and(|v| v.usable));
    assert!(
        purposes
            .role(Role::ClientAuth)
            .is_some_and(|v| !v.usable && v.blocked_by == [1])
    );
}

#[test]
fn leaf_without_client_auth_is_named() {
    let pki = healthy("x");
    let leaf = signed(
        &Spec::leaf("pool01.contoso.test").eku(vec![Eku::ServerAuth]),
        &pki.issuing,
    );
    let report = run(&[&leaf, &pki.issuing], &[&pki.root], &[]);
    assert_eq!(ids(&report), ["cert.client-auth-missing", "chain.ok"]);
    assert!(
        find(&report, "cert.client-auth-missing")
            .fix
            .contains("-ClientEKU")
    );
}

#[test]
fn leaf_without_server_auth_is_named() {
    let pki = healthy("x");
    let leaf = signed(
        &Spec::leaf("pool01.contoso.test").eku(vec![Eku::ClientAuth]),
        &pki.issuing,
    );
    let report = run(&[&leaf, &pki.issuing], &[&pki.root], &[]);
    assert_eq!(ids(&report), ["cert.server-auth-missing", "chain.ok"]);
}

#[test]
fn leaf_without_eku_extension_allows_all_purposes() {
    let pki = healthy("x");
    let leaf = signed(&Spec::leaf("pool01.contoso.test").eku(vec![]), &pki.issuing);
    let report = run(&[&leaf, &pki.issuing], &[&pki.root], &[]);
    assert_eq!(ids(&report), ["chain.ok", "chain.purposes-ok"]);
    let purposes = report.purposes.as_ref().expect("purposes");
    assert!(purposes.rows.iter().all(|r| r.flags.all_purposes));
}

#[test]
fn expired_leaf_fails() {
    let pki = healthy("x");
    let leaf = signed(
        &Spec::leaf("pool01.contoso.test")
            .valid(common::days_after_at(-400), common::days_after_at(-1)),
        &pki.issuing,
    );
    let report = run(&[&leaf, &pki.issuing], &[&pki.root], &[]);
    assert_eq!(ids(&report), ["cert.expired", "chain.purposes-ok"]);
    assert_eq!(
        statuses(&report),
        [NodeStatus::Ok, NodeStatus::Ok, NodeStatus::Expired]
    );
    assert_eq!(
        report
            .path
            .as_ref()
            .and_then(|p| p.leaf())
            .map(|n| n.status_text.as_str()),
        Some("This certificate has expired.")
    );
}

#[test]
fn expired_intermediate_is_named_as_a_ca() {
    let root = self_signed(&Spec::ca("Contoso Test Root CA"));
    let issuing = signed(
        &Spec::ca("Old Issuing CA").valid(common::days_after_at(-3000), common::days_after_at(-10)),
        &root,
    );
    let leaf = signed(&Spec::leaf("pool01.contoso.test"), &issuing);
    let report = run(&[&leaf, &issuing], &[&root], &[]);
    let finding = find(&report, "cert.expired");
    assert!(
        finding
            .title
            .contains("intermediate CA certificate \"Old Issuing CA\""),
        "{}",
        finding.title
    );
}

#[test]
fn not_yet_valid_leaf_fails() {
    let pki = healthy("x");
    let leaf = signed(
        &Spec::leaf("pool01.contoso.test")
            .valid(common::days_after_at(2), common::days_after_at(400)),
        &pki.issuing,
    );
    let report = run(&[&leaf, &pki.issuing], &[&pki.root], &[]);
    assert_eq!(ids(&report), ["cert.not-yet-valid", "chain.purposes-ok"]);
}

#[test]
fn expiring_soon_warns() {
    let pki = healthy("x");
    let leaf = signed(
        &Spec::leaf("pool01.contoso.test")
            .valid(common::days_after_at(-300), common::days_after_at(10)),
        &pki.issuing,
    );
    let report = run(&[&leaf, &pki.issuing], &[&pki.root], &[]);
    assert_eq!(
        ids(&report),
        ["cert.expires-soon", "chain.ok", "chain.purposes-ok"]
    );
    assert_eq!(report.verdict.status, Severity::Warn);
    assert!(
        find(&report, "cert.expires-soon")
            .title
            .contains("expires in 10 days")
    );
}

#[test]
fn missing_intermediate_makes_the_chain_incomplete() {
    let pki = healthy("pool01.contoso.test");
    let report = run(&[&pki.leaf], &[&pki.root], &[]);
    // Issue #15: the missing CA may restrict purposes; never a pass over a certificate not seen.
    assert_eq!(
        ids(&report),
        ["chain.incomplete", "chain.purposes-not-judged"]
    );
    let purposes = report.purposes.as_ref().expect("purposes");
    assert!(
        certwiz::engine::purpose::Role::ALL
            .iter()
            .all(|&r| purposes.role(r).is_some_and(|v| v.not_judged.is_some()))
    );
    let path = report.path.as_ref().expect("path");
    assert_eq!(path.end, PathEnd::IssuerNotFound);
    assert_eq!(statuses(&report), [NodeStatus::IssuerNotFound]);
    let missing = path.missing_issuer.as_ref().expect("missing issuer named");
    assert!(missing.issuer.contains("Contoso Test Issuing CA"));
    assert!(
        find(&report, "chain.incomplete")
            .fix
            .contains("certutil -addstore CA")
    );
}

#[test]
fn untrusted_root_fails_when_anchors_are_given() {
    let pki = healthy("pool01.contoso.test");
    let other_root = self_signed(&Spec::ca("Somebody Else Root CA"));
    let report = run(&[&pki.leaf, &pki.issuing, &pki.root], &[&other_root], &[]);
    assert_eq!(ids(&report), ["chain.untrusted-root", "chain.purposes-ok"]);
    assert_eq!(
        find(&report, "chain.untrusted-root").severity,
        Severity::Fail
    );
    assert_eq!(statuses(&report)[0], NodeStatus::RootNotTrusted);
}

#[test]
fn untrusted_root_only_warns_without_any_anchor() {
    let pki = healthy("pool01.contoso.test");
    let report = run(&[&pki.leaf, &pki.issuing, &pki.root], &[], &[]);
    assert_eq!(ids(&report), ["chain.untrusted-root", "chain.purposes-ok"]);
    let finding = find(&report, "chain.untrusted-root");
    assert_eq!(finding.severity, Severity::Warn);
    assert!(finding.detail.contains("no trusted roots were given"));
}

#[test]
fn name_mismatch_fails_and_lists_what_is_there() {
    let pki = healthy("pool01.contoso.test");
    let report = run(
        &[&pki.leaf, &pki.issuing],
        &[&pki.root],
        &["pool01.contoso.test", "fe02.contoso.test"],
    );
    assert_eq!(
        ids(&report),
        ["cert.name-mismatch", "chain.ok", "chain.purposes-ok"]
    );
    let finding = find(&report, "cert.name-mismatch");
    assert!(finding.title.contains("fe02.contoso.test"));
    assert!(!finding.title.contains("pool01"));
    assert!(finding.detail.contains("pool01.contoso.test"));
}

#[test]
fn wildcard_san_warns_and_matches_one_label() {
    let pki = healthy("x");
    let leaf = signed(
        &Spec::leaf("pool01.contoso.test").sans(&["*.contoso.test"]),
        &pki.issuing,
    );
    let report = run(
        &[&leaf, &pki.issuing],
        &[&pki.root],
        &["pool01.contoso.test"],
    );
    assert_eq!(
        ids(&report),
        [
            "cert.wildcard-san",
            "cert.name-match",
            "chain.ok",
            "chain.purposes-ok"
        ]
    );
    let report = run(
        &[&leaf, &pki.issuing],
        &[&pki.root],
        &["a.pool01.contoso.test"],
    );
    assert!(ids(&report).contains(&"cert.name-mismatch"));
}

#[test]
fn common_name_counts_only_without_san() {
    let pki = healthy("x");
    let leaf = signed(&Spec::leaf("pool01.contoso.test").sans(&[]), &pki.issuing);
    let report = run(
        &[&leaf, &pki.issuing],
        &[&pki.root],
        &["pool01.contoso.test"],
    );
    assert_eq!(
        report.names[0].matched_by.as_deref(),
        Some("CN:pool01.contoso.test")
    );
    let leaf = signed(
        &Spec::leaf("pool01.contoso.test").sans(&["other.contoso.test"]),
        &pki.issuing,
    );
    let report = run(
        &[&leaf, &pki.issuing],
        &[&pki.root],
        &["pool01.contoso.test"],
    );
    assert!(!report.names[0].matched());
}

#[test]
fn cross_signed_intermediate_follows_the_trusted_root() {
    let root_a = self_signed(&Spec::ca("Root A"));
    let root_b = self_signed(&Spec::ca("Root B"));
    let issuing_a = signed(&Spec::ca("Shared Issuing CA").serial(10), &root_a);
    let issuing_b = signed_with_key(
        &Spec::ca("Shared Issuing CA").serial(11),
        &root_b,
        same_key(&issuing_a),
    );
    let leaf = signed(&Spec::leaf("pool01.contoso.test"), &issuing_a);
    for (anchor, expected_root) in [(&root_a, "Root A"), (&root_b, "Root B")] {
        let report = run(
            &[&leaf, &issuing_a, &issuing_b, &root_a, &root_b],
            &[anchor],
            &[],
        );
        let path = report.path.as_ref().expect("path");
        assert_eq!(path.nodes[0].certificate.display_name, expected_root);
        assert!(path.trusted);
        assert_eq!(path.complete_paths_found, 2);
        assert_eq!(ids(&report), ["chain.ok", "chain.purposes-ok"]);
    }
}

#[test]
fn signature_by_another_key_with_the_same_name_is_bad() {
    let pki = healthy("pool01.contoso.test");
    // An altered certificate: the right issuer, a signature that no longer verifies.
    let mut impostor_spec = Spec::ca("Contoso Test Issuing CA");
    impostor_spec.serial = 99;
    let impostor = signed(&impostor_spec, &pki.root);
    let mut der = pki.leaf.der.clone();
    let last = der.len() - 3;
    der[last] ^= 0x55;
    let tampered = SourcedCertificate {
        der: der.into(),
        origin: certwiz::engine::load::Origin {
            source: "tampered.der".into(),
            position: 1,
        },
    };
    let report = inspect(&InspectRequest {
        certificates: [vec![tampered], certs(&[&pki.issuing])].concat(),
        trust_anchors: certs(&[&pki.root]),
        expected_names: vec![],
        at: at(),
        inputs: vec![],
        store_purposes: Default::default(),
        purpose: Default::default(),
    })
    .expect("inspect runs");
    assert!(
        ids(&report).contains(&"chain.bad-signature"),
        "{:?}",
        ids(&report)
    );
    assert_eq!(statuses(&report).last(), Some(&NodeStatus::BadSignature));
    // A CA rebuilt with the same name and a new key: the key ids differ, so it never enters the path
    // and the real issuer is reported missing (not a misleading bad signature).
    let report = run(&[&pki.leaf, &impostor], &[&pki.root], &[]);
    assert!(
        ids(&report).contains(&"chain.incomplete"),
        "{:?}",
        ids(&report)
    );
}

#[test]
fn certificate_signed_by_a_non_ca_is_flagged() {
    let pki = healthy("pool01.contoso.test");
    let child = signed(&Spec::leaf("sneaky.contoso.test"), &pki.leaf);
    let report = run(&[&child, &pki.leaf, &pki.issuing], &[&pki.root], &[]);
    let finding = find(&report, "chain.issuer-not-ca");
    assert!(
        finding
            .certificate
            .as_ref()
            .is_some_and(|c| c.subject.contains("pool01.contoso.test"))
    );
    assert_eq!(statuses(&report).last(), Some(&NodeStatus::IssuerNotCa));
}

#[test]
fn loops_between_cross_certificates_stop() {
    let a_key_holder = self_signed(&Spec::ca("Loop CA A"));
    let b = signed(&Spec::ca("Loop CA B"), &a_key_holder);
    let a_by_b = signed_with_key(
        &Spec::ca("Loop CA A").serial(7),
        &b,
        same_key(&a_key_holder),
    );
    let leaf = signed(&Spec::leaf("pool01.contoso.test"), &b);
    // A (signed by B) and B (signed by A) without the self-signed A: a cycle with no root.
    let report = run(&[&leaf, &b, &a_by_b], &[], &[]);
    let path = report.path.as_ref().expect("path");
    assert!(path.nodes.len() <= 3);
    assert_eq!(path.end, PathEnd::IssuerNotFound);
}

#[test]
fn all_ca_input_inspects_the_lowest_certificate() {
    let pki = healthy("x");
    let report = run(&[&pki.root, &pki.issuing], &[&pki.root], &[]);
    assert_eq!(
        report.certificate.as_ref().map(|c| c.display_name.as_str()),
        Some("Contoso Test Issuing CA")
    );
}

#[test]
fn same_input_gives_byte_identical_json() {
    let pki = healthy("pool01.contoso.test");
    let a = run(
        &[&pki.leaf, &pki.issuing],
        &[&pki.root],
        &["pool01.contoso.test", "nope.contoso.test"],
    );
    let b = run(
        &[&pki.leaf, &pki.issuing],
        &[&pki.root],
        &["pool01.contoso.test", "nope.contoso.test"],
    );
    // The same bytes apart from the fields that hold times (where and when it was made, the timeline).
    assert_eq!(
        crate::common::without_times(a.to_json().expect("json").as_bytes()),
        crate::common::without_times(b.to_json().expect("json").as_bytes())
    );
}

fn run_files(given: &[&str], anchors: &[&str], names: &[&str]) -> Report {
    let load = |names: &[&str]| -> Vec<SourcedCertificate> {
        names
            .iter()
            .flat_map(|n| {
                load_path(&openssl_file(n), None)
                    .expect("openssl test file loads")
                    .certificates
            })
            .collect()
    };
    inspect(&InspectRequest {
        certificates: load(given),
        trust_anchors: load(anchors),
        expected_names: names.iter().map(|s| (*s).to_owned()).collect(),
        at: at(),
        inputs: vec![],
        store_purposes: Default::default(),
        purpose: Default::default(),
    })
    .expect("inspect runs")
}

#[test]
fn openssl_rsa_chain_passes() {
    let report = run_files(
        &["rsa-chain.pem"],
        &["rsa-root.pem"],
        &["pool01.contoso.test", "fe01.contoso.test"],
    );
    assert_eq!(
        ids(&report),
        ["cert.name-match", "chain.ok", "chain.purposes-ok"]
    );
    let leaf = report.certificate.as_ref().expect("leaf");
    assert_eq!(leaf.key.algorithm, "RSA");
    assert_eq!(leaf.key.bits, 2048);
    assert_eq!(
        leaf.crl_distribution_points,
        ["http://pki.contoso.test/crl/issuing.crl"]
    );
    assert_eq!(
        leaf.aia_ca_issuers,
        ["http://pki.contoso.test/aia/issuing.crt"]
    );
    assert_eq!(leaf.aia_ocsp, ["http://ocsp.contoso.test"]);
    assert_eq!(leaf.serial, "1003");
}

#[test]
fn openssl_md5_sha1_rsa1024_chain_is_weak_not_broken() {
    let report = run_files(&["weak-chain.pem"], &["weak-root.pem"], &[]);
    // Signatures verify (through the legacy verifier), so the path itself is fine...
    assert_eq!(statuses(&report), [NodeStatus::Ok; 3]);
    assert!(ids(&report).contains(&"chain.ok"));
    // ...but the MD5 CA fails, the SHA-1 leaf warns, and both 1024-bit keys warn.
    let weak_sigs: Vec<(Severity, &str)> = report
        .findings
        .iter()
        .filter(|f| f.id == "cert.weak-signature")
        .map(|f| (f.severity, f.title.as_str()))
        .collect();
    assert_eq!(
        weak_sigs,
        [
            (
                Severity::Fail,
                "\"Fabrikam MD5 Issuing CA\" is signed with md5RSA"
            ),
            (
                Severity::Warn,
                "\"ocs2007.fabrikam.test\" is signed with sha1RSA"
            ),
        ]
    );
    let weak_keys: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.id == "cert.weak-key")
        .map(|f| f.title.as_str())
        .collect();
    assert_eq!(
        weak_keys,
        [
            "\"Fabrikam Legacy Root\" has a 1024-bit RSA key",
            "\"ocs2007.fabrikam.test\" has a 1024-bit RSA key"
        ]
    );
}

#[test]
fn openssl_restricted_intermediate_blocks_client_auth() {
    let report = run_files(
        &["restricted-leaf.pem", "restricted-issuing.pem"],
        &["rsa-root.pem"],
        &[],
    );
    assert_eq!(ids(&report), ["chain.ca-restricts-client-auth", "chain.ok"]);
}

#[test]
fn openssl_p7b_in_der_and_pem_keep_file_order() {
    for file in ["rsa-chain.p7b", "rsa-chain-p7b.pem"] {
        let loaded = load_path(&openssl_file(file), None).expect("p7b loads");
        let names: Vec<String> = loaded
            .certificates
            .iter()
            .map(|c| {
                certwiz::engine::cert::CertificateFacts::from_der(&c.der)
                    .expect("parses")
                    .display_name
            })
            .collect();
        assert_eq!(
            names,
            [
                "pool01.contoso.test",
                "Contoso OpenSSL Issuing CA",
                "Contoso OpenSSL Root CA"
            ],
            "{file}"
        );
    }
}

#[test]
fn root_limited_to_client_auth_blocks_server_auth_for_the_whole_chain() {
    let root = self_signed(&Spec::ca("Client Only Root CA").eku(vec![Eku::ClientAuth]));
    let issuing = signed(&Spec::ca("Contoso Test Issuing CA"), &root);
    let leaf = signed(&Spec::leaf("pool01.contoso.test"), &issuing);
    let report = run(&[&leaf, &issuing], &[&root], &[]);
    assert_eq!(ids(&report), ["chain.ca-restricts-server-auth", "chain.ok"]);
    let finding = find(&report, "chain.ca-restricts-server-auth");
    assert!(
        finding
            .fix
            .contains("Trusted Root Certification Authorities"),
        "{}",
        finding.fix
    );
    assert!(
        finding
            .certificate
            .as_ref()
            .is_some_and(|c| c.subject.contains("Client Only Root CA"))
    );
}

#[test]
fn store_purpose_property_narrows_the_extension() {
    use certwiz::engine::purpose::{PurposeAnalysis, StorePurposes};
    let pki = healthy("pool01.contoso.test");
    let report = run(&[&pki.leaf, &pki.issuing], &[&pki.root], &[]);
    let path = report.path.as_ref().expect("path");
    let issuing_sha = path.nodes[1].certificate.sha256.clone();
    // MMC "Enable only the following purposes" with only Server Authentication ticked on the issuing CA.
    let analysis = PurposeAnalysis::of_path(path, &|sha: &str| {
        if sha == issuing_sha {
            StorePurposes::Only(vec!["1.3.6.1.5.5.7.3.1".into()])
        } else {
            StorePurposes::AllEnabled
        }
    });
    assert!(analysis.role(Role::ServerAuth).is_some_and(|v| v.usable));
    assert!(
        analysis
            .role(Role::ClientAuth)
            .is_some_and(|v| !v.usable && v.blocked_by == [1])
    );
    // The fix differs: a store setting is changed in MMC; an extension needs a renewed CA.
    let findings = certwiz::engine::rules::judge_path(&certwiz::engine::rules::PathFacts {
        path,
        purposes: &analysis,
        names: &[],
        scope: Scope::Local,
        trust_anchors_given: true,
        at: at(),
    });
    let restricted = findings
        .iter()
        .find(|f| f.id == "chain.ca-restricts-client-auth")
        .expect("finding");
    assert!(restricted.fix.starts_with(
        "In MMC: Certificates (Local Computer) > Intermediate Certification Authorities"
    ));
    assert!(
        restricted
            .detail
            .contains("purpose setting in the Windows certificate store")
    );
    let disabled = PurposeAnalysis::of_path(path, &|_: &str| StorePurposes::AllDisabled);
    assert!(
        disabled
            .roles
            .iter()
            .all(|v| !v.usable && v.blocked_by.len() == 3)
    );
}

#[test]
fn ca_without_certificate_signing_key_usage_is_not_an_issuer() {
    let root = self_signed(&Spec::ca("Contoso Test Root CA"));
    let mut spec = Spec::ca("Signing-less CA");
    spec.key_usages = Some(vec![
        rcgen::KeyUsagePurpose::CrlSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
    ]);
    let issuing = signed(&spec, &root);
    let leaf = signed(&Spec::leaf("pool01.contoso.test"), &issuing);
    let report = run(&[&leaf, &issuing], &[&root], &[]);
    // A CA without Certificate Signing has its own id; "not a CA" is kept for a non-CA issuer.
    assert!(
        !ids(&report).contains(&"chain.issuer-not-ca"),
        "{:?}",
        ids(&report)
    );
    let finding = find(&report, "chain.issuer-key-usage");
    assert!(
        finding
            .detail
            .contains("Key Usage extension does not allow Certificate Signing"),
        "{}",
        finding.detail
    );
    assert!(!ids(&report).contains(&"chain.ok"));
}

#[test]
fn missing_root_without_any_anchor_is_a_warning_not_a_failure() {
    // Servers never send their root: with no trusted roots given, certwiz cannot call the path broken.
    let pki = healthy("pool01.contoso.test");
    let report = run(&[&pki.leaf, &pki.issuing], &[], &[]);
    let finding = find(&report, "chain.incomplete");
    assert_eq!(finding.severity, Severity::Warn);
    assert!(finding.fix.contains("--ca"), "{}", finding.fix);
    // A missing intermediate stays a failure even then.
    let report = run(&[&pki.leaf], &[], &[]);
    assert_eq!(find(&report, "chain.incomplete").severity, Severity::Fail);
}
