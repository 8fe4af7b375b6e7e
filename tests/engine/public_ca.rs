//! The 2025-2026 Client Authentication change: a certificate from a publicly trusted CA without
//! Client Authentication, where mutual TLS needs it, gets `cert.public-ca-no-client-auth`.
//!
//! A real public CA cannot sign test certificates, so the cases use what a server presents: a leaf
//! and an issuing CA that names a real public root (DigiCert Global Root G2, in Mozilla's list that
//! certwiz compiles in) as its issuer, without the root itself (servers do not send it). Expected
//! answers, written before running: (a) serverAuth-only leaf → the finding, naming the root; (b) a
//! leaf with both purposes → none; (c) examined for Server Authentication only → none; (d) the same
//! leaf from a private CA → `cert.client-auth-missing` only; (e) an issuing CA that merely copies the
//! public root's name (its Authority Key Identifier is another key's) → not taken for public.

use certwiz::engine::role::RequestedPurpose;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose as Eku, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};

use crate::common::{Made, Spec, at, healthy, signed};
use crate::scenarios::{ids, run};
use crate::strict_path::run_for;

const ID: &str = "cert.public-ca-no-client-auth";

/// A stand-in for DigiCert Global Root G2: the same subject name, another key.
fn digicert_named_root() -> Made {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::new()).expect("params");
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CountryName,
        DnValue::PrintableString("US".try_into().expect("ascii")),
    );
    dn.push(DnType::OrganizationName, "DigiCert Inc");
    dn.push(DnType::OrganizationalUnitName, "www.digicert.com");
    dn.push(DnType::CommonName, "DigiCert Global Root G2");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.not_before = at() - time::Duration::days(3650);
    params.not_after = at() + time::Duration::days(3650);
    let cert = params.self_signed(&key).expect("root");
    Made {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        params,
        key,
    }
}

/// An issuing CA under `root`; `with_aki`: whether it carries an Authority Key Identifier (of the
/// stand-in's key, so not the real root's).
fn issuing_ca(root: &Made, with_aki: bool) -> Made {
    let key = KeyPair::generate().expect("key");
    let mut params = Spec::ca("GeoTrust TLS RSA CA G1").params();
    params.use_authority_key_identifier_extension = with_aki;
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let cert = params
        .signed_by(&key, &Issuer::from_params(&root.params, &root.key))
        .expect("issuing CA");
    Made {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        params,
        key,
    }
}

fn edge_leaf(issuing: &Made, eku: Vec<Eku>) -> Made {
    signed(
        &Spec::leaf("sip.contoso.com")
            .eku(eku)
            .sans(&["sip.contoso.com"]),
        issuing,
    )
}

#[test]
fn a_server_auth_only_certificate_from_a_public_ca_is_named_with_the_change() {
    let root = digicert_named_root();
    let issuing = issuing_ca(&root, false);
    let leaf = edge_leaf(&issuing, vec![Eku::ServerAuth]);
    let report = run(&[&leaf, &issuing], &[], &[]);
    let finding = report
        .findings
        .iter()
        .find(|f| f.id == ID)
        .unwrap_or_else(|| panic!("no {ID} in {:?}", ids(&report)));
    assert_eq!(finding.severity, certwiz::engine::finding::Severity::Fail);
    assert!(
        finding.detail.contains("DigiCert Global Root G2"),
        "{}",
        finding.detail
    );
    assert!(
        finding.detail.contains("June 15, 2026"),
        "{}",
        finding.detail
    );
    assert!(finding.fix.contains("-ClientEKU $true"), "{}", finding.fix);
    // The plain fact stays: the leaf's EKU lacks Client Authentication.
    assert!(
        ids(&report).contains(&"cert.client-auth-missing"),
        "{:?}",
        ids(&report)
    );
}

#[test]
fn a_public_certificate_with_both_purposes_or_examined_for_server_only_is_fine() {
    let root = digicert_named_root();
    let issuing = issuing_ca(&root, false);
    let both = edge_leaf(&issuing, vec![Eku::ServerAuth, Eku::ClientAuth]);
    assert!(!ids(&run(&[&both, &issuing], &[], &[])).contains(&ID));
    let server_only = edge_leaf(&issuing, vec![Eku::ServerAuth]);
    let report = run_for(&[&server_only, &issuing], &[], RequestedPurpose::Server);
    assert!(!ids(&report).contains(&ID), "{:?}", ids(&report));
}

#[test]
fn a_private_ca_or_a_copied_name_is_not_a_public_ca() {
    let pki = healthy("pool01.contoso.test");
    let leaf = signed(
        &Spec::leaf("pool01.contoso.test").eku(vec![Eku::ServerAuth]),
        &pki.issuing,
    );
    let report = run(&[&leaf, &pki.issuing], &[&pki.root], &[]);
    assert!(
        ids(&report).contains(&"cert.client-auth-missing"),
        "{:?}",
        ids(&report)
    );
    assert!(!ids(&report).contains(&ID), "{:?}", ids(&report));

    let root = digicert_named_root();
    let impostor = issuing_ca(&root, true);
    let leaf = edge_leaf(&impostor, vec![Eku::ServerAuth]);
    let report = run(&[&leaf, &impostor], &[], &[]);
    assert!(!ids(&report).contains(&ID), "{:?}", ids(&report));
}
