//! The strict path rules (issue 17): name constraints, pathLenConstraint, signatures certwiz cannot
//! check, unknown critical extensions and encoding faults. Every case is built here with rcgen (or the
//! openssl CLI where rcgen cannot sign), its expected answer written in the test, and, where
//! OpenSSL's answer is the expected one, `openssl verify` is run on the same files as an oracle
//! (skipped with a message when the openssl CLI is missing). Cases where Windows differs say so.

use std::path::Path;
use std::process::Command;

use certwiz::engine::finding::Severity;
use certwiz::engine::inspect::{InspectRequest, inspect};
use certwiz::engine::load::{SourcedCertificate, load_bytes};
use certwiz::engine::path::{NodeStatus, PathRule};
use certwiz::engine::purpose::RequestedPurpose;
use certwiz::engine::report::Report;
use certwiz::engine::signature::SignatureCheck;
use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, CustomExtension, DistinguishedName, DnType,
    GeneralSubtree, IsCa, KeyPair, NameConstraints, SanType,
};

use crate::common::{Made, Scratch, Spec, at, self_signed, signed};
use crate::scenarios::{ids, run};

fn certs_pem(pems: &[&str]) -> Vec<SourcedCertificate> {
    pems.iter()
        .enumerate()
        .flat_map(|(i, p)| {
            load_bytes(&format!("file{i}.pem"), p.as_bytes(), None)
                .expect("PEM loads")
                .certificates
        })
        .collect()
}

/// `inspect` on PEM texts (certificates altered after rcgen made them, or made by openssl).
fn run_pem(given: &[&str], anchors: &[&str], names: &[&str]) -> Report {
    inspect(&InspectRequest {
        certificates: certs_pem(given),
        trust_anchors: certs_pem(anchors),
        expected_names: names.iter().map(|s| (*s).to_owned()).collect(),
        at: at(),
        inputs: Vec::new(),
        store_purposes: Default::default(),
        purpose: Default::default(),
    })
    .expect("inspect runs")
}

fn severity_of(report: &Report, id: &str) -> Severity {
    report
        .findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(report)))
        .severity
}

fn leaf_status(report: &Report) -> NodeStatus {
    report
        .path
        .as_ref()
        .and_then(|p| p.leaf())
        .expect("leaf")
        .status
}

/// `openssl verify` on the case: Some(true) when OpenSSL accepts it, None (with a message) when the
/// openssl CLI is missing.
fn openssl_accepts(root: &str, untrusted: &[&str], leaf: &str, purpose: &str) -> Option<bool> {
    if Command::new("openssl").arg("version").output().is_err() {
        eprintln!("openssl CLI not found: the OpenSSL oracle is skipped for this case");
        return None;
    }
    let scratch = Scratch::new();
    let root_file = scratch.write("root.pem", root);
    let leaf_file = scratch.write("leaf.pem", leaf);
    let mut cmd = Command::new("openssl");
    cmd.arg("verify")
        .arg("-attime")
        .arg(at().unix_timestamp().to_string())
        .arg("-purpose")
        .arg(purpose)
        .arg("-CAfile")
        .arg(&root_file);
    if !untrusted.is_empty() {
        let untrusted_file = scratch.write("untrusted.pem", untrusted.concat());
        cmd.arg("-untrusted").arg(untrusted_file);
    }
    let out = cmd.arg(&leaf_file).output().expect("openssl runs");
    eprintln!(
        "openssl verify: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out.status.success())
}

/// Asserts OpenSSL's answer when the CLI is present.
fn oracle(expect_accept: bool, root: &str, untrusted: &[&str], leaf: &str) {
    if let Some(accepted) = openssl_accepts(root, untrusted, leaf, "sslserver") {
        assert_eq!(
            accepted, expect_accept,
            "openssl verify disagrees with the expected answer"
        );
    }
}

/// A CA with the given name constraints, signed by `root`.
fn constrained_ca(root: &Made, nc: NameConstraints) -> Made {
    let key = KeyPair::generate().expect("key");
    let mut params = ca_params("Constrained Issuing CA", 2);
    params.name_constraints = Some(nc);
    finish_signed(params, key, root)
}

fn ca_params(cn: &str, serial: u64) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "certwiz tests");
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params.not_before = time::macros::datetime!(2020-01-01 00:00:00 UTC);
    params.not_after = time::macros::datetime!(2040-01-01 00:00:00 UTC);
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&serial.to_be_bytes()));
    params.use_authority_key_identifier_extension = true;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    params
}

fn leaf_params(cn: &str, sans: Vec<SanType>) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "certwiz tests");
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params.subject_alt_names = sans;
    params.not_before = time::macros::datetime!(2025-01-01 00:00:00 UTC);
    params.not_after = time::macros::datetime!(2035-01-01 00:00:00 UTC);
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&[0x10, 0x01]));
    params.use_authority_key_identifier_extension = true;
    params.is_ca = IsCa::ExplicitNoCa;
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
    ];
    params
}

fn finish_signed(params: CertificateParams, key: KeyPair, issuer: &Made) -> Made {
    let cert = params.signed_by(&key, &issuer.issuer()).expect("signed");
    Made {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        params,
        key,
    }
}

fn dns(name: &str) -> SanType {
    SanType::DnsName(name.try_into().expect("IA5 name"))
}

fn leaf_under(issuer: &Made, cn: &str, sans: Vec<SanType>) -> Made {
    finish_signed(
        leaf_params(cn, sans),
        KeyPair::generate().expect("key"),
        issuer,
    )
}

fn root() -> Made {
    self_signed(&Spec::ca("Strict Test Root CA"))
}

fn nc(permitted: Vec<GeneralSubtree>, excluded: Vec<GeneralSubtree>) -> NameConstraints {
    NameConstraints {
        permitted_subtrees: permitted,
        excluded_subtrees: excluded,
    }
}

/// Asserts a name-constraint violation on the leaf, naming the CA and the name.
fn assert_nc_violation(report: &Report, ca: &str, name: &str) {
    assert_eq!(leaf_status(report), NodeStatus::NameConstraintsViolated);
    assert_eq!(
        severity_of(report, "chain.name-constraints-violated"),
        Severity::Fail
    );
    assert!(!ids(report).contains(&"chain.ok"), "{:?}", ids(report));
    let finding = report
        .findings
        .iter()
        .find(|f| f.id == "chain.name-constraints-violated")
        .expect("finding");
    assert!(finding.title.contains(ca), "{}", finding.title);
    assert!(finding.detail.contains(name), "{}", finding.detail);
    assert_eq!(report.verdict.status, Severity::Fail);
}

// ---- Name constraints -------------------------------------------------------------------------

/// Root → "Constrained Issuing CA" (with `constraints`) → leaf (`cn`, `sans`). `outside`: the text
/// the finding must hold when the leaf breaks the constraints (and OpenSSL must reject it), or None
/// when the path must be ok (and OpenSSL must accept it).
fn nc_case(constraints: NameConstraints, cn: &str, sans: Vec<SanType>, outside: Option<&str>) {
    let root = root();
    let ca = constrained_ca(&root, constraints);
    let leaf = leaf_under(&ca, cn, sans);
    let report = run(&[&leaf, &ca], &[&root], &[]);
    match outside {
        Some(name) => assert_nc_violation(&report, "Constrained Issuing CA", name),
        None => {
            assert!(ids(&report).contains(&"chain.ok"), "{:?}", ids(&report));
            let path = report.path.as_ref().expect("path");
            assert!(path.nodes.iter().all(|n| n.violations.is_empty()));
        }
    }
    oracle(outside.is_none(), &root.pem, &[&ca.pem], &leaf.pem);
}

fn dns_only(base: &str) -> NameConstraints {
    nc(vec![GeneralSubtree::DnsName(base.into())], vec![])
}

#[test]
fn dns_name_outside_permitted_subtree_is_rejected() {
    // Expected: fail, chain.name-constraints-violated by "Constrained Issuing CA" for
    // pool01.fabrikam.test; OpenSSL: "permitted subtree violation".
    nc_case(
        dns_only("contoso.test"),
        "pool01.fabrikam.test",
        vec![dns("pool01.fabrikam.test")],
        Some("DNS name pool01.fabrikam.test"),
    );
}

#[test]
fn dns_name_inside_permitted_subtree_passes() {
    // Expected: pass, chain.ok; OpenSSL: OK.
    nc_case(
        dns_only("contoso.test"),
        "pool01.contoso.test",
        vec![dns("pool01.contoso.test")],
        None,
    );
}

#[test]
fn a_label_suffix_is_not_a_subdomain() {
    // badcontoso.test is not under contoso.test. Expected: fail; OpenSSL: fail.
    nc_case(
        dns_only("contoso.test"),
        "pool01.badcontoso.test",
        vec![dns("pool01.badcontoso.test")],
        Some("pool01.badcontoso.test"),
    );
}

#[test]
fn dns_name_in_excluded_subtree_is_rejected() {
    // Expected: fail (excluded wins over permitted); OpenSSL: "excluded subtree violation".
    nc_case(
        nc(
            vec![GeneralSubtree::DnsName("contoso.test".into())],
            vec![GeneralSubtree::DnsName("dmz.contoso.test".into())],
        ),
        "web.dmz.contoso.test",
        vec![dns("web.dmz.contoso.test")],
        Some("excluded DNS subtree"),
    );
}

fn ten_slash_eight() -> GeneralSubtree {
    GeneralSubtree::IpAddress(CidrSubnet::from_v4_prefix([10, 0, 0, 0], 8))
}

#[test]
fn ip_address_outside_permitted_range_is_rejected() {
    // Expected: fail for 192.168.1.10 under a CA limited to 10.0.0.0/8; OpenSSL: fail.
    nc_case(
        nc(
            vec![
                GeneralSubtree::DnsName("contoso.test".into()),
                ten_slash_eight(),
            ],
            vec![],
        ),
        "pool01.contoso.test",
        vec![
            dns("pool01.contoso.test"),
            SanType::IpAddress([192, 168, 1, 10].into()),
        ],
        Some("IP address 192.168.1.10"),
    );
}

#[test]
fn ip_address_inside_permitted_range_passes() {
    nc_case(
        nc(vec![ten_slash_eight()], vec![]),
        "pool01",
        vec![SanType::IpAddress([10, 1, 2, 3].into())],
        None,
    );
}

fn organization(o: &str) -> NameConstraints {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, o);
    nc(vec![GeneralSubtree::DirectoryName(dn)], vec![])
}

#[test]
fn directory_name_outside_permitted_subtree_is_rejected() {
    // The CA may certify only O=Contoso; the leaf's subject is O=certwiz tests. Expected: fail;
    // OpenSSL: fail.
    nc_case(
        organization("Contoso"),
        "pool01.contoso.test",
        vec![dns("pool01.contoso.test")],
        Some("O=certwiz tests"),
    );
}

#[test]
fn directory_name_inside_permitted_subtree_passes() {
    nc_case(
        organization("certwiz tests"),
        "pool01.contoso.test",
        vec![dns("pool01.contoso.test")],
        None,
    );
}

#[test]
fn email_outside_permitted_subtree_is_rejected() {
    nc_case(
        nc(
            vec![GeneralSubtree::Rfc822Name("contoso.test".into())],
            vec![],
        ),
        "pool01.contoso.test",
        vec![
            dns("pool01.contoso.test"),
            SanType::Rfc822Name("admin@fabrikam.test".try_into().expect("IA5")),
        ],
        Some("e-mail address admin@fabrikam.test"),
    );
}

#[test]
fn subject_cn_without_san_is_constrained_as_a_dns_name() {
    // No SAN: the name TLS checks is the CN (CryptoAPI's SSL policy, OpenSSL), so a DNS constraint
    // applies to it. Expected: fail; OpenSSL 1.1+ checks the CN too: fail.
    nc_case(
        dns_only("contoso.test"),
        "pool01.fabrikam.test",
        vec![],
        Some("DNS name pool01.fabrikam.test"),
    );
}

#[test]
fn the_violation_names_the_constraining_ca() {
    let root = root();
    let ca = constrained_ca(&root, dns_only("contoso.test"));
    let leaf = leaf_under(
        &ca,
        "pool01.fabrikam.test",
        vec![dns("pool01.fabrikam.test")],
    );
    let report = run(&[&leaf, &ca], &[&root], &["pool01.fabrikam.test"]);
    let path = report.path.as_ref().expect("path");
    let v = &path.nodes[2].violations[0];
    assert_eq!(v.rule, PathRule::NameConstraints);
    assert_eq!(v.by.as_deref(), Some("Constrained Issuing CA"));
    assert_eq!(
        v.what,
        "DNS name pool01.fabrikam.test is outside the permitted DNS subtrees"
    );
}

#[test]
fn constraints_of_the_root_apply_to_the_whole_path() {
    // The trust anchor itself is constrained to contoso.test (CryptoAPI and OpenSSL honour name
    // constraints in roots). Expected: fail, naming the root.
    let key = KeyPair::generate().expect("key");
    let mut params = ca_params("Constrained Root CA", 1);
    params.name_constraints = Some(nc(
        vec![GeneralSubtree::DnsName("contoso.test".into())],
        vec![],
    ));
    let cert = params.self_signed(&key).expect("root");
    let root = Made {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        params,
        key,
    };
    let ca = signed(&Spec::ca("Plain Issuing CA").serial(2), &root);
    let leaf = leaf_under(
        &ca,
        "pool01.fabrikam.test",
        vec![dns("pool01.fabrikam.test")],
    );
    let report = run(&[&leaf, &ca], &[&root], &[]);
    assert_nc_violation(&report, "Constrained Root CA", "pool01.fabrikam.test");
    oracle(false, &root.pem, &[&ca.pem], &leaf.pem);
}

// ---- pathLenConstraint --------------------------------------------------------------------------

fn ca_with_path_len(cn: &str, serial: u64, path_len: Option<u8>, issuer: &Made) -> Made {
    let mut params = ca_params(cn, serial);
    if let Some(n) = path_len {
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(n));
    }
    finish_signed(params, KeyPair::generate().expect("key"), issuer)
}

#[test]
fn path_length_constraint_exceeded_is_rejected() {
    // root → "Policy CA" (pathLen 0) → "Issuing CA" → leaf: one CA too many. Expected: fail,
    // chain.path-length-exceeded on "Issuing CA", by "Policy CA"; OpenSSL: "path length constraint
    // exceeded".
    let root = root();
    let policy = ca_with_path_len("Policy CA", 2, Some(0), &root);
    let issuing = ca_with_path_len("Issuing CA", 3, None, &policy);
    let leaf = leaf_under(
        &issuing,
        "pool01.contoso.test",
        vec![dns("pool01.contoso.test")],
    );
    let report = run(&[&leaf, &issuing, &policy], &[&root], &[]);
    let path = report.path.as_ref().expect("path");
    assert_eq!(path.nodes.len(), 4);
    assert_eq!(path.nodes[2].status, NodeStatus::PathLengthExceeded);
    assert_eq!(path.nodes[2].violations[0].by.as_deref(), Some("Policy CA"));
    assert_eq!(
        severity_of(&report, "chain.path-length-exceeded"),
        Severity::Fail
    );
    assert!(!ids(&report).contains(&"chain.ok"));
    oracle(false, &root.pem, &[&issuing.pem, &policy.pem], &leaf.pem);
}

#[test]
fn path_length_zero_may_issue_end_entities() {
    let root = root();
    let issuing = ca_with_path_len("Issuing CA", 2, Some(0), &root);
    let leaf = leaf_under(
        &issuing,
        "pool01.contoso.test",
        vec![dns("pool01.contoso.test")],
    );
    let report = run(&[&leaf, &issuing], &[&root], &[]);
    assert!(ids(&report).contains(&"chain.ok"), "{:?}", ids(&report));
    oracle(true, &root.pem, &[&issuing.pem], &leaf.pem);
}

// ---- Signatures ----------------------------------------------------------------------------------

fn pem_of(der: &[u8]) -> String {
    pem::encode(&pem::Pem::new("CERTIFICATE", der.to_vec()))
}

#[test]
fn signature_with_an_algorithm_certwiz_cannot_check_is_never_called_verified() {
    // The leaf's signature algorithm is rewritten from ecdsa-with-SHA256 to ecdsa-with-SHA512, which
    // no kept crate verifies on P-256. Expected: leaf "signature not checked" naming the algorithm,
    // chain.signature-unsupported (fail), no chain.ok. OpenSSL checks it (SHA-512 over the altered
    // TBS) and rejects it: both refuse the path, for different reasons.
    let root = root();
    let ca = signed(&Spec::ca("Issuing CA").serial(2), &root);
    let leaf = leaf_under(&ca, "pool01.contoso.test", vec![dns("pool01.contoso.test")]);
    let leaf_pem = crate::common::unverifiable_signature_pem(&leaf);
    let report = run_pem(&[&leaf_pem, &ca.pem], &[&root.pem], &[]);
    let path = report.path.as_ref().expect("path");
    let node = path.leaf().expect("leaf");
    assert_eq!(node.status, NodeStatus::SignatureNotChecked);
    assert_eq!(node.signature, Some(SignatureCheck::Unsupported));
    assert!(node.status_text.contains("not checked"));
    assert!(
        node.violations[0].what.contains("sha512ECDSA"),
        "{:?}",
        node.violations
    );
    assert_eq!(
        severity_of(&report, "chain.signature-unsupported"),
        Severity::Fail
    );
    assert!(!ids(&report).contains(&"chain.ok"));
    assert_eq!(report.verdict.status, Severity::Fail);
    oracle(false, &root.pem, &[&ca.pem], &leaf_pem);
}

#[test]
fn tampered_signature_is_a_bad_signature() {
    // One bit of the leaf's signature flipped. Expected: chain.bad-signature; OpenSSL: fail.
    let root = root();
    let ca = signed(&Spec::ca("Issuing CA").serial(2), &root);
    let leaf = leaf_under(&ca, "pool01.contoso.test", vec![dns("pool01.contoso.test")]);
    let mut der = leaf.der.clone();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let leaf_pem = pem_of(&der);
    let report = run_pem(&[&leaf_pem, &ca.pem], &[&root.pem], &[]);
    assert_eq!(leaf_status(&report), NodeStatus::BadSignature);
    assert!(ids(&report).contains(&"chain.bad-signature"));
    assert!(!ids(&report).contains(&"chain.ok"));
    oracle(false, &root.pem, &[&ca.pem], &leaf_pem);
}

/// Runs openssl with `args` in `dir`; None (with a message) when the CLI is missing or refuses.
fn openssl(dir: &Path, args: &[&str]) -> Option<()> {
    let out = Command::new("openssl").current_dir(dir).args(args).output();
    match out {
        Ok(o) if o.status.success() => Some(()),
        Ok(o) => {
            eprintln!(
                "openssl {} failed: {}: case skipped",
                args.join(" "),
                String::from_utf8_lossy(&o.stderr)
            );
            None
        }
        Err(_) => {
            eprintln!("openssl CLI not found: case skipped");
            None
        }
    }
}

/// A root (key type `root_key`) and a leaf it signs with `sign_opts`, made by the openssl CLI:
/// what a Windows Server 2008 CA writes with CNG (RSASSA-PSS, ECDSA with SHA-1). Returns the root and
/// leaf PEMs.
fn openssl_pki(root_key: &[&str], sign_opts: &[&str]) -> Option<(String, String)> {
    let scratch = Scratch::new();
    let dir = scratch.path();
    let mut genkey = vec!["genpkey", "-out", "root.key"];
    genkey.extend_from_slice(root_key);
    openssl(dir, &genkey)?;
    scratch.write(
        "ext.cnf",
        "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n[leaf]\nbasicConstraints=CA:FALSE\nsubjectAltName=DNS:pool01.contoso.test\nextendedKeyUsage=serverAuth,clientAuth\nauthorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n",
    );
    // Valid for 20 years from today, which covers the tests' instant (2030).
    let mut req_root = vec![
        "req",
        "-new",
        "-x509",
        "-key",
        "root.key",
        "-subj",
        "/O=certwiz tests/CN=CNG Root CA",
        "-days",
        "7300",
        "-config",
        "ext.cnf",
        "-extensions",
        "ca",
        "-set_serial",
        "1",
        "-out",
        "root.pem",
    ];
    req_root.extend_from_slice(sign_opts);
    openssl(dir, &req_root)?;
    let root_pem = std::fs::read_to_string(dir.join("root.pem")).ok()?;
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "leaf.key",
        ],
    )?;
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/O=certwiz tests/CN=pool01.contoso.test",
            "-out",
            "leaf.csr",
        ],
    )?;
    let mut sign = vec![
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "root.pem",
        "-CAkey",
        "root.key",
        "-days",
        "3650",
        "-set_serial",
        "4096",
        "-extfile",
        "ext.cnf",
        "-extensions",
        "leaf",
        "-out",
        "leaf.pem",
    ];
    sign.extend_from_slice(sign_opts);
    openssl(dir, &sign)?;
    let leaf_pem = std::fs::read_to_string(dir.join("leaf.pem")).ok()?;
    Some((root_pem, leaf_pem))
}

/// An RSA root signs the leaf RSASSA-PSS with `hash` and `salt`: expected valid and chain.ok, as
/// OpenSSL says. The report, or None when the openssl CLI is missing.
fn assert_pss_case_verifies(hash: &str, salt: &str) -> Option<Report> {
    let salt = format!("rsa_pss_saltlen:{salt}");
    let (root, leaf) = openssl_pki(
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        &[hash, "-sigopt", "rsa_padding_mode:pss", "-sigopt", &salt],
    )?;
    let report = run_pem(&[&leaf], &[&root], &[]);
    let node = report.path.as_ref().and_then(|p| p.leaf()).expect("leaf");
    assert_eq!(node.certificate.signature_algorithm.name, "RSASSA-PSS");
    assert_eq!(
        node.signature,
        Some(SignatureCheck::Valid),
        "{:?}",
        ids(&report)
    );
    assert!(ids(&report).contains(&"chain.ok"), "{:?}", ids(&report));
    oracle(true, &root, &[], &leaf);
    Some(report)
}

#[test]
fn rsa_pss_with_sha1_as_windows_2008_cas_write_it_verifies() {
    // A Windows Server 2008 CA with AlternateSignatureAlgorithm=1 signs RSASSA-PSS (SHA-1 there by
    // default). Expected: the leaf's signature verifies (rsa crate), chain.ok, and SHA-1 is weak
    // (cert.weak-signature, warn); OpenSSL: OK.
    if let Some(report) = assert_pss_case_verifies("-sha1", "20") {
        assert_eq!(severity_of(&report, "cert.weak-signature"), Severity::Warn);
    }
}

#[test]
fn rsa_pss_with_sha256_and_a_long_salt_verifies() {
    // ring verifies only PSS whose salt is as long as the hash; this one has 64 bytes with SHA-256.
    if let Some(report) = assert_pss_case_verifies("-sha256", "64") {
        assert!(!ids(&report).contains(&"cert.weak-signature"));
    }
}

#[test]
fn ecdsa_with_sha1_is_reported_not_checked() {
    // ecdsa-with-SHA1 (Windows Server 2008 CNG CAs could sign with it): no kept crate verifies it
    // (ring has no ECDSA/SHA-1). Expected: "signature not checked", chain.signature-unsupported,
    // never chain.ok. Windows and OpenSSL verify it and accept the path: certwiz differs on purpose
    // (it says it could not check rather than guess).
    let Some((root, leaf)) = openssl_pki(
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        &["-sha1"],
    ) else {
        return;
    };
    let report = run_pem(&[&leaf], &[&root], &[]);
    let node = report.path.as_ref().and_then(|p| p.leaf()).expect("leaf");
    assert_eq!(node.certificate.signature_algorithm.name, "sha1ECDSA");
    assert_eq!(node.status, NodeStatus::SignatureNotChecked);
    assert_eq!(
        severity_of(&report, "chain.signature-unsupported"),
        Severity::Fail
    );
    assert!(!ids(&report).contains(&"chain.ok"));
    // OpenSSL's answer differs (it verifies SHA-1 ECDSA); recorded, not asserted as ours.
    let _ = openssl_accepts(&root, &[], &leaf, "sslserver");
}

// ---- Extensions and encodings ------------------------------------------------------------------

#[test]
fn unknown_critical_extension_is_rejected() {
    // Expected: cert.unknown-critical-extension (fail), node "invalid extension"; OpenSSL:
    // "unhandled critical extension".
    let root = root();
    let ca = signed(&Spec::ca("Issuing CA").serial(2), &root);
    let mut params = leaf_params("pool01.contoso.test", vec![dns("pool01.contoso.test")]);
    let mut ext =
        CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 55555, 1], vec![0x05, 0x00]);
    ext.set_criticality(true);
    params.custom_extensions.push(ext);
    let leaf = finish_signed(params, KeyPair::generate().expect("key"), &ca);
    let report = run(&[&leaf, &ca], &[&root], &[]);
    assert_eq!(leaf_status(&report), NodeStatus::InvalidExtension);
    assert_eq!(
        severity_of(&report, "cert.unknown-critical-extension"),
        Severity::Fail
    );
    assert!(!ids(&report).contains(&"chain.ok"));
    oracle(false, &root.pem, &[&ca.pem], &leaf.pem);
}

#[test]
fn unknown_non_critical_extension_is_fine() {
    let root = root();
    let ca = signed(&Spec::ca("Issuing CA").serial(2), &root);
    let mut params = leaf_params("pool01.contoso.test", vec![dns("pool01.contoso.test")]);
    params
        .custom_extensions
        .push(CustomExtension::from_oid_content(
            &[1, 3, 6, 1, 4, 1, 55555, 1],
            vec![0x05, 0x00],
        ));
    let leaf = finish_signed(params, KeyPair::generate().expect("key"), &ca);
    let report = run(&[&leaf, &ca], &[&root], &[]);
    assert!(ids(&report).contains(&"chain.ok"), "{:?}", ids(&report));
    oracle(true, &root.pem, &[&ca.pem], &leaf.pem);
}

#[test]
fn duplicate_extension_warns() {
    // Expected: cert.duplicate-extension (warn); chain.ok stays (CryptoAPI reads the first copy).
    // OpenSSL 3 accepts a duplicated extension it does not know (measured here); Go rejects it.
    let root = root();
    let ca = signed(&Spec::ca("Issuing CA").serial(2), &root);
    let mut params = leaf_params("pool01.contoso.test", vec![dns("pool01.contoso.test")]);
    for _ in 0..2 {
        params
            .custom_extensions
            .push(CustomExtension::from_oid_content(
                &[1, 3, 6, 1, 4, 1, 55555, 2],
                vec![0x05, 0x00],
            ));
    }
    let leaf = finish_signed(params, KeyPair::generate().expect("key"), &ca);
    let report = run(&[&leaf, &ca], &[&root], &[]);
    assert_eq!(
        severity_of(&report, "cert.duplicate-extension"),
        Severity::Warn
    );
    assert!(ids(&report).contains(&"chain.ok"), "{:?}", ids(&report));
    oracle(true, &root.pem, &[&ca.pem], &leaf.pem);
}

/// Issuing CA → leaf with `san` (the DER of a SubjectAltName value) as its only SAN.
fn leaf_with_raw_san(san: Vec<u8>) -> (Made, Made, Made) {
    let root = root();
    let ca = signed(&Spec::ca("Issuing CA").serial(2), &root);
    let mut params = leaf_params("pool01.contoso.test", vec![]);
    params
        .custom_extensions
        .push(CustomExtension::from_oid_content(&[2, 5, 29, 17], san));
    let leaf = finish_signed(params, KeyPair::generate().expect("key"), &ca);
    (root, ca, leaf)
}

#[test]
fn empty_dns_name_in_the_san_warns() {
    // SEQUENCE { [2] "" }: decodable, but names nothing. Expected: cert.malformed-extension as a
    // warning (CryptoAPI and OpenSSL decode it and go on; Go and rustls-webpki reject it), chain.ok;
    // OpenSSL: OK.
    let (root, ca, leaf) = leaf_with_raw_san(vec![0x30, 0x02, 0x82, 0x00]);
    let report = run(&[&leaf, &ca], &[&root], &[]);
    assert_eq!(
        severity_of(&report, "cert.malformed-extension"),
        Severity::Warn
    );
    assert!(ids(&report).contains(&"chain.ok"), "{:?}", ids(&report));
    oracle(true, &root.pem, &[&ca.pem], &leaf.pem);
}

#[test]
fn malformed_san_is_rejected() {
    // SEQUENCE { [2] FF }: a DNS name that is not text (CryptoAPI cannot decode it:
    // CRYPT_E_INVALID_IA5_STRING). Expected: cert.malformed-extension (fail), node "invalid
    // extension". OpenSSL's answer is printed, not asserted (Windows is the reference).
    let (root, ca, leaf) = leaf_with_raw_san(vec![0x30, 0x03, 0x82, 0x01, 0xff]);
    let report = run(&[&leaf, &ca], &[&root], &[]);
    assert_eq!(leaf_status(&report), NodeStatus::InvalidExtension);
    assert_eq!(
        severity_of(&report, "cert.malformed-extension"),
        Severity::Fail
    );
    assert!(!ids(&report).contains(&"chain.ok"));
    let _ = openssl_accepts(&root.pem, &[&ca.pem], &leaf.pem, "sslserver");
}

#[test]
fn zero_serial_warns() {
    // Expected: cert.invalid-serial (warn); Windows accepts such a certificate, so the path stays ok.
    let root = root();
    let ca = signed(&Spec::ca("Issuing CA").serial(2), &root);
    let mut params = leaf_params("pool01.contoso.test", vec![dns("pool01.contoso.test")]);
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&[0x00]));
    let leaf = finish_signed(params, KeyPair::generate().expect("key"), &ca);
    let report = run(&[&leaf, &ca], &[&root], &[]);
    assert_eq!(severity_of(&report, "cert.invalid-serial"), Severity::Warn);
    assert!(ids(&report).contains(&"chain.ok"), "{:?}", ids(&report));
    // OpenSSL's answer is printed for the README's comparison, not asserted (Windows is the reference).
    let _ = openssl_accepts(&root.pem, &[&ca.pem], &leaf.pem, "sslserver");
}

#[test]
fn critical_authority_key_identifier_warns() {
    let root = root();
    let ca = signed(&Spec::ca("Issuing CA").serial(2), &root);
    let mut params = leaf_params("pool01.contoso.test", vec![dns("pool01.contoso.test")]);
    params.use_authority_key_identifier_extension = false;
    let ski = ca.params.key_identifier(&ca.key);
    let mut content = vec![0x30, (ski.len() + 2) as u8, 0x80, ski.len() as u8];
    content.extend_from_slice(&ski);
    let mut ext = CustomExtension::from_oid_content(&[2, 5, 29, 35], content);
    ext.set_criticality(true);
    params.custom_extensions.push(ext);
    let leaf = finish_signed(params, KeyPair::generate().expect("key"), &ca);
    let report = run(&[&leaf, &ca], &[&root], &[]);
    assert_eq!(severity_of(&report, "cert.aki-critical"), Severity::Warn);
    assert!(ids(&report).contains(&"chain.ok"), "{:?}", ids(&report));
    // OpenSSL's answer is printed for the README's comparison, not asserted (Windows is the reference).
    let _ = openssl_accepts(&root.pem, &[&ca.pem], &leaf.pem, "sslserver");
}

#[test]
fn ca_certificate_as_the_server_certificate_warns() {
    // Expected: cert.ca-as-end-entity (warn) when a CA certificate is examined for a server name.
    let root = root();
    let ca = signed(&Spec::ca("Issuing CA").serial(2), &root);
    let mut params = ca_params("pool01.contoso.test", 7);
    params.subject_alt_names = vec![dns("pool01.contoso.test")];
    let leaf = finish_signed(params, KeyPair::generate().expect("key"), &ca);
    let report = run(&[&leaf, &ca], &[&root], &["pool01.contoso.test"]);
    assert_eq!(
        severity_of(&report, "cert.ca-as-end-entity"),
        Severity::Warn
    );
    // OpenSSL's answer is printed for the README's comparison, not asserted (Windows is the reference).
    let _ = openssl_accepts(&root.pem, &[&ca.pem], &leaf.pem, "sslserver");
}

// ---- Path choice and --purpose -------------------------------------------------------------------

/// `inspect` of made certificates for the purposes asked.
pub(crate) fn run_for(given: &[&Made], anchors: &[&Made], purpose: RequestedPurpose) -> Report {
    inspect(&InspectRequest {
        certificates: crate::scenarios::certs(given),
        trust_anchors: crate::scenarios::certs(anchors),
        expected_names: Vec::new(),
        at: at(),
        inputs: Vec::new(),
        store_purposes: Default::default(),
        purpose,
    })
    .expect("inspect runs")
}

#[test]
fn of_two_trusted_paths_the_one_valid_for_the_purpose_is_chosen() {
    // The issuing CA's key is certified twice: under Root A with an EKU of Client Authentication only,
    // and under Root B with no EKU (all purposes). Both roots are trusted and both paths have the same
    // length. Expected (Windows' chain engine prefers the path valid for the requested usage): the
    // path through Root B, no chain.ca-restricts-server-auth, and the Root A path listed as an
    // alternative that is not valid for the purpose. OpenSSL does not choose by purpose (not used as
    // the oracle here).
    let root_a = self_signed(&Spec::ca("Root A"));
    let root_b = self_signed(&Spec::ca("Root B"));
    let issuing_a = crate::common::signed(
        &Spec::ca("Shared Issuing CA")
            .serial(10)
            .eku(vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth]),
        &root_a,
    );
    let issuing_b = crate::common::signed_with_key(
        &Spec::ca("Shared Issuing CA").serial(11),
        &root_b,
        crate::common::same_key(&issuing_a),
    );
    let leaf = signed(&Spec::leaf("pool01.contoso.test"), &issuing_a);
    let report = run_for(
        &[&leaf, &issuing_a, &issuing_b],
        &[&root_a, &root_b],
        RequestedPurpose::Both,
    );
    let path = report.path.as_ref().expect("path");
    assert_eq!(path.nodes[0].certificate.display_name, "Root B");
    assert_eq!(ids(&report), ["chain.ok", "chain.purposes-ok"]);
    assert_eq!(path.alternatives.len(), 1, "{:?}", path.alternatives);
    let alternative = &path.alternatives[0];
    assert_eq!(
        alternative.certificates,
        ["Root A", "Shared Issuing CA", "pool01.contoso.test"]
    );
    assert!(alternative.trusted);
    assert!(!alternative.valid_for_purpose);
    // Examined for Client Authentication only, both paths are valid: no alternatives are listed and
    // the JSON carries no new field beyond "requested".
    let client = run_for(
        &[&leaf, &issuing_a, &issuing_b],
        &[&root_a, &root_b],
        RequestedPurpose::Client,
    );
    assert!(client.path.as_ref().expect("path").alternatives.is_empty());
}

#[test]
fn purpose_server_judges_a_server_only_certificate_as_such() {
    // A leaf with Server Authentication only. Expected: --purpose server passes (chain.purposes-ok
    // "allows Server Authentication"), --purpose client and both fail with cert.client-auth-missing.
    // OpenSSL agrees: -purpose sslserver OK, -purpose sslclient rejected.
    let root = root();
    let ca = signed(&Spec::ca("Issuing CA").serial(2), &root);
    let leaf = signed(
        &Spec::leaf("web.contoso.test").eku(vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth]),
        &ca,
    );
    let server = run_for(&[&leaf, &ca], &[&root], RequestedPurpose::Server);
    assert_eq!(ids(&server), ["chain.ok", "chain.purposes-ok"]);
    assert_eq!(server.verdict.status, Severity::Pass);
    let purposes = server.purposes.as_ref().expect("purposes");
    assert_eq!(purposes.requested, RequestedPurpose::Server);
    assert!(
        server.findings[1]
            .title
            .ends_with("allows Server Authentication")
    );
    for purpose in [RequestedPurpose::Client, RequestedPurpose::Both] {
        let report = run_for(&[&leaf, &ca], &[&root], purpose);
        assert_eq!(
            severity_of(&report, "cert.client-auth-missing"),
            Severity::Fail
        );
    }
    if let Some(accepted) = openssl_accepts(&root.pem, &[&ca.pem], &leaf.pem, "sslserver") {
        assert!(accepted);
    }
    if let Some(accepted) = openssl_accepts(&root.pem, &[&ca.pem], &leaf.pem, "sslclient") {
        assert!(!accepted);
    }
}

#[test]
fn purpose_flag_reaches_the_json_and_defaults_to_both() {
    let root = root();
    let ca = signed(&Spec::ca("Issuing CA").serial(2), &root);
    let leaf = signed(
        &Spec::leaf("web.contoso.test").eku(vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth]),
        &ca,
    );
    let scratch = Scratch::new();
    let leaf_file = scratch.pems("leaf.pem", &[&leaf, &ca]);
    let root_file = scratch.pems("root.pem", &[&root]);
    let args = |purpose: Option<&str>| {
        let mut a: Vec<String> = vec![
            "inspect".into(),
            leaf_file.display().to_string(),
            "--ca".into(),
            root_file.display().to_string(),
            "--at".into(),
            crate::common::AT.into(),
            "--json".into(),
        ];
        if let Some(p) = purpose {
            a.extend(["--purpose".into(), p.into()]);
        }
        a
    };
    let (code, json) = crate::common::certwiz_json(args(Some("server")));
    assert_eq!(code, 0);
    assert_eq!(json["purposes"]["requested"], "server");
    let (code, json) = crate::common::certwiz_json(args(None));
    assert_eq!(code, 1);
    assert!(json["purposes"].get("requested").is_none());
    let out = assert_cmd::Command::cargo_bin("certwiz")
        .expect("binary")
        .args(["inspect", "x.pem", "--purpose", "web"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--purpose"));
}

#[test]
fn of_two_trusted_paths_the_one_within_its_name_constraints_is_chosen() {
    // The issuing CA's key is certified under Root A with a constraint to contoso.test and under
    // Root B without one; the leaf is pool01.fabrikam.test. Expected (RFC 5280 path building, as Go
    // and rustls-webpki backtrack): the path through Root B, chain.ok, and the Root A path listed as
    // passed over because a constraint is broken.
    let root_a = self_signed(&Spec::ca("Root A"));
    let root_b = self_signed(&Spec::ca("Root B"));
    let issuing_a = signed(
        &Spec::ca("Shared Issuing CA")
            .serial(10)
            .permit_dns("contoso.test"),
        &root_a,
    );
    let issuing_b = crate::common::signed_with_key(
        &Spec::ca("Shared Issuing CA").serial(11),
        &root_b,
        crate::common::same_key(&issuing_a),
    );
    let leaf = signed(&Spec::leaf("pool01.fabrikam.test"), &issuing_a);
    let report = run(
        &[&leaf, &issuing_a, &issuing_b],
        &[&root_a, &root_b],
        &["pool01.fabrikam.test"],
    );
    let path = report.path.as_ref().expect("path");
    assert_eq!(path.nodes[0].certificate.display_name, "Root B");
    assert!(ids(&report).contains(&"chain.ok"), "{:?}", ids(&report));
    assert_eq!(path.alternatives.len(), 1, "{:?}", path.alternatives);
    assert_eq!(path.alternatives[0].certificates[0], "Root A");
    assert!(
        path.alternatives[0]
            .passed_over_because
            .iter()
            .any(|r| r.contains("name or path length constraint"))
    );
    // With only Root A trusted, the violation is reported.
    let only_a = run(&[&leaf, &issuing_a, &issuing_b], &[&root_a], &[]);
    assert!(ids(&only_a).contains(&"chain.name-constraints-violated"));
}

#[test]
fn a_renewed_ca_with_another_key_is_named_beside_the_missing_issuer() {
    // The leaf was issued under the issuing CA's old key; only the renewed CA certificate (same name,
    // new key) is given. Expected: chain.incomplete (fail) and chain.aki-mismatch (warn) naming the
    // key the leaf asks for and the key that is present; OpenSSL rejects the path too.
    let root = root();
    let old = signed(&Spec::ca("Issuing CA").serial(2), &root);
    let renewed = signed(&Spec::ca("Issuing CA").serial(3), &root);
    let leaf = leaf_under(
        &old,
        "pool01.contoso.test",
        vec![dns("pool01.contoso.test")],
    );
    let report = run(&[&leaf, &renewed], &[&root], &[]);
    assert_eq!(severity_of(&report, "chain.incomplete"), Severity::Fail);
    assert_eq!(severity_of(&report, "chain.aki-mismatch"), Severity::Warn);
    let missing = report
        .path
        .as_ref()
        .and_then(|p| p.missing_issuer.as_ref())
        .expect("missing issuer");
    assert_eq!(missing.same_name_other_keys.len(), 1);
    let finding = report
        .findings
        .iter()
        .find(|f| f.id == "chain.aki-mismatch")
        .expect("finding");
    assert!(finding.detail.contains(&missing.same_name_other_keys[0]));
    oracle(false, &root.pem, &[&renewed.pem], &leaf.pem);
    // With the old CA certificate given as well, the path is complete and nothing is said.
    let fixed = run(&[&leaf, &renewed, &old], &[&root], &[]);
    assert!(ids(&fixed).contains(&"chain.ok"), "{:?}", ids(&fixed));
    assert!(!ids(&fixed).contains(&"chain.aki-mismatch"));
}

#[test]
fn an_undecodable_extension_fails_only_where_windows_reads_it() {
    // A Subject Information Access extension holding SEQUENCE { INTEGER 1 } instead of access
    // descriptions. Non-critical, neither path
    // validation nor revocation reads it: expected cert.malformed-extension as a warning and chain.ok.
    // Marked critical: expected a failure and the node "invalid extension". OpenSSL agrees on both.
    let root = root();
    let ca = signed(&Spec::ca("Issuing CA").serial(2), &root);
    for critical in [false, true] {
        let mut params = leaf_params("pool01.contoso.test", vec![dns("pool01.contoso.test")]);
        let mut ext = CustomExtension::from_oid_content(
            &[1, 3, 6, 1, 5, 5, 7, 1, 11],
            vec![0x30, 0x03, 0x02, 0x01, 0x01],
        );
        ext.set_criticality(critical);
        params.custom_extensions.push(ext);
        let leaf = finish_signed(params, KeyPair::generate().expect("key"), &ca);
        let report = run(&[&leaf, &ca], &[&root], &[]);
        let expected = if critical {
            Severity::Fail
        } else {
            Severity::Warn
        };
        assert_eq!(severity_of(&report, "cert.malformed-extension"), expected);
        assert_eq!(
            ids(&report).contains(&"chain.ok"),
            !critical,
            "{:?}",
            ids(&report)
        );
        oracle(!critical, &root.pem, &[&ca.pem], &leaf.pem);
    }
}

#[test]
fn a_constraint_on_uri_names_certwiz_does_not_match_is_said_not_checked() {
    // The CA's Name Constraints permit URIs under .contoso.test only (a form certwiz does not match);
    // the leaf has a URI name. Expected: chain.name-constraints-not-checked (warn), no chain.ok, verdict
    // warn. OpenSSL matches URI constraints (printed, not asserted).
    let root = root();
    let base = b".contoso.test";
    let mut subtree = vec![0x86, base.len() as u8];
    subtree.extend_from_slice(base);
    let mut general_subtree = vec![0x30, subtree.len() as u8];
    general_subtree.extend(subtree);
    let mut permitted = vec![0xa0, general_subtree.len() as u8];
    permitted.extend(general_subtree);
    let mut nc = vec![0x30, permitted.len() as u8];
    nc.extend(permitted);
    let mut params = ca_params("URI-constrained CA", 2);
    let mut ext = CustomExtension::from_oid_content(&[2, 5, 29, 30], nc);
    ext.set_criticality(true);
    params.custom_extensions.push(ext);
    let ca = finish_signed(params, KeyPair::generate().expect("key"), &root);
    let leaf = leaf_under(
        &ca,
        "pool01.contoso.test",
        vec![
            dns("pool01.contoso.test"),
            SanType::URI("https://pool01.contoso.test/".try_into().expect("IA5")),
        ],
    );
    let report = run(&[&leaf, &ca], &[&root], &[]);
    assert_eq!(
        severity_of(&report, "chain.name-constraints-not-checked"),
        Severity::Warn
    );
    assert!(!ids(&report).contains(&"chain.ok"), "{:?}", ids(&report));
    assert_eq!(report.verdict.status, Severity::Warn);
    let _ = openssl_accepts(&root.pem, &[&ca.pem], &leaf.pem, "sslserver");
    // Without a URI name in the certificate there is nothing to check: chain.ok.
    let plain = leaf_under(&ca, "pool01.contoso.test", vec![dns("pool01.contoso.test")]);
    let report = run(&[&plain, &ca], &[&root], &[]);
    assert!(ids(&report).contains(&"chain.ok"), "{:?}", ids(&report));
}
