//! The pool's decisions and findings against in-memory facts (four PKIs, a member that is down).

use super::decide::short_name;
use super::group::remedies;
use super::probe::{distinct_targets, member_labels};
use super::*;
use crate::engine::cert::CertificateFacts;
use crate::engine::finding::{Severity, ids};
use crate::engine::load::{Origin, SourcedCertificate};
use crate::engine::path::NodeStatus;
use crate::engine::probe::ProbeTarget;
use crate::engine::probe::tcp::ConnectOutcome;
use crate::engine::probe::tcp::{AddressAttempt, ConnectFacts};
use crate::engine::probe::tls::HandshakeOutcome;
use crate::engine::probe::{HandshakeFacts, ProbeFacts};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose as Eku, IsCa, Issuer,
    KeyPair,
};
use std::sync::Arc;
use time::OffsetDateTime;
use time::macros::datetime;

struct Made {
    params: CertificateParams,
    key: KeyPair,
    der: Vec<u8>,
}

fn make(cn: &str, ca: bool, eku: Vec<Eku>, issuer: Option<&Made>) -> Made {
    let key = KeyPair::generate().expect("key");
    let mut params =
        CertificateParams::new(if ca { vec![] } else { vec![cn.to_owned()] }).expect("params");
    params.distinguished_name.remove(DnType::CommonName);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "unit");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.not_before = datetime!(2020-01-01 00:00:00 UTC);
    params.not_after = datetime!(2040-01-01 00:00:00 UTC);
    params.extended_key_usages = eku;
    params.use_authority_key_identifier_extension = true;
    if ca {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    let cert = match issuer {
        Some(issuer) => params
            .signed_by(&key, &Issuer::from_params(&issuer.params, &issuer.key))
            .expect("signed"),
        None => params.self_signed(&key).expect("self-signed"),
    };
    Made {
        der: cert.der().to_vec(),
        params,
        key,
    }
}

fn subject(made: &Made) -> String {
    CertificateFacts::from_der(&made.der)
        .expect("facts")
        .subject
}

fn anchor(made: &Made) -> SourcedCertificate {
    SourcedCertificate {
        der: Arc::from(made.der.as_slice()),
        origin: Origin {
            source: "root.cer".into(),
            position: 1,
        },
    }
}

fn at() -> OffsetDateTime {
    datetime!(2030-06-01 12:00:00 UTC)
}

fn target(host: &str, port: u16) -> ProbeTarget {
    ProbeTarget {
        host: host.into(),
        port,
        path: "/".into(),
        address: None,
        protocol: Default::default(),
    }
}

/// A member that answered TLS with `chain`, asking for a client certificate from `accepts`
/// (`None`: no CertificateRequest).
fn answered(host: &str, chain: &[&[u8]], accepts: Option<Vec<String>>) -> ProbeFacts {
    ProbeFacts::up_to_handshake(
        target(host, 444),
        ConnectFacts {
            resolved_by: "dns".into(),
            resolve_error: None,
            attempts: vec![AddressAttempt {
                address: "10.0.0.1:444".into(),
                outcome: ConnectOutcome::Open,
            }],
            connected: Some("10.0.0.1:444".into()),
        },
        Some(HandshakeFacts {
            outcome: HandshakeOutcome::Completed,
            version: Some("TLSv1.3".into()),
            cipher_suite: None,
            presented_chain: chain
                .iter()
                .filter_map(|der| CertificateFacts::from_der(der).ok())
                .collect(),
            presented_der: chain.iter().map(|der| Arc::from(*der)).collect(),
            certificate_requested: accepts.is_some(),
            acceptable_ca_names: accepts.unwrap_or_default(),
            legacy: false,
            legacy_error: None,
            engine: None,
            requested_after_handshake: None,
            insecure_renegotiation: false,
        }),
    )
}

fn timed_out(host: &str) -> ProbeFacts {
    let mut facts = answered(host, &[], None);
    facts.handshake = None;
    facts.connect.connected = None;
    facts.connect.attempts[0].outcome = ConnectOutcome::Timeout;
    facts
}

/// Root → issuing → leaf for `host`, the leaf with `leaf_eku`.
struct Pki {
    root: Made,
    issuing: Made,
    leaf: Made,
}

fn pki(org: &str, host: &str, issuing_eku: Vec<Eku>, leaf_eku: Vec<Eku>) -> Pki {
    let root = make(&format!("{org} Root CA"), true, vec![], None);
    let issuing = make(&format!("{org} Issuing CA"), true, issuing_eku, Some(&root));
    let leaf = make(host, false, leaf_eku, Some(&issuing));
    Pki {
        root,
        issuing,
        leaf,
    }
}

fn both() -> Vec<Eku> {
    vec![Eku::ServerAuth, Eku::ClientAuth]
}

fn ids_of(findings: &[Finding]) -> Vec<(&str, Severity)> {
    findings
        .iter()
        .map(|f| (f.id.as_str(), f.severity))
        .collect()
}

#[test]
fn short_names_are_the_common_name() {
    assert_eq!(
        short_name("CN=Contoso Root CA, O=Contoso"),
        "Contoso Root CA"
    );
    assert_eq!(short_name("O=Contoso, CN=Root + OU=x"), "Root");
    assert_eq!(short_name("O=Contoso, C=US"), "O=Contoso, C=US");
    assert_eq!(short_name(""), "");
}

#[test]
fn labels_add_the_port_only_when_hosts_repeat() {
    let a = target("fe01.contoso.com", 444);
    let b = target("FE01.contoso.com", 5061);
    let c = target("fe02.contoso.com", 444);
    let v6 = target("::1", 444);
    assert_eq!(
        member_labels(&[&a, &b, &c, &v6]),
        [
            "fe01.contoso.com:444",
            "FE01.contoso.com:5061",
            "fe02.contoso.com",
            "::1"
        ]
    );
    let mut d = target("fe01.contoso.com", 444);
    d.address = Some("10.0.0.2".parse().expect("ip"));
    let v6b = target("[::1]", 5061);
    assert_eq!(
        member_labels(&[&a, &d, &v6, &v6b]),
        [
            "fe01.contoso.com:444",
            "fe01.contoso.com:444 (10.0.0.2)",
            "[::1]:444",
            "[::1]:5061"
        ]
    );
    // Repeated targets are probed once.
    assert_eq!(
        distinct_targets(&[a.clone(), a.clone(), c.clone()]).len(),
        2
    );
}

#[test]
fn an_empty_ca_list_accepts_with_a_caution_and_a_warning() {
    let a = pki("Contoso", "fe01.contoso.com", vec![], both());
    let b = pki("Fabrikam", "fe02.contoso.com", vec![], both());
    let members = [
        answered(
            "fe01.contoso.com",
            &[&a.leaf.der, &a.issuing.der],
            Some(vec![]),
        ),
        answered(
            "fe02.contoso.com",
            &[&b.leaf.der, &b.issuing.der],
            Some(vec![subject(&a.root), subject(&b.root)]),
        ),
    ];
    let matrix = decide(&members, &[anchor(&a.root), anchor(&b.root)], at());
    let cell = matrix.cell(1, 0).expect("cell");
    assert_eq!(cell.accepted, Some(true));
    assert!(
        cell.reasons
            .iter()
            .any(|r| r.starts_with("fe01.contoso.com's acceptable-CA list is empty")),
        "{:?}",
        cell.reasons
    );
    assert_eq!(matrix.cell(0, 1).expect("cell").accepted, Some(true));
    assert_eq!(
        ids_of(&judge(&matrix)),
        [
            ("tls.client-ca-list-empty", Severity::Warn),
            ("pool.mtls-ok", Severity::Pass)
        ]
    );
}

#[test]
fn path_problems_of_the_client_block_every_server() {
    // fe01's issuing CA is restricted to Server Authentication; fe02's leaf expired in 2025;
    // fe03 sends no intermediate and its root is not an anchor; fe04's root is not an anchor.
    let a = pki("Contoso", "fe01.contoso.com", vec![Eku::ServerAuth], both());
    let b_root = make("Fabrikam Root CA", true, vec![], None);
    let b_issuing = make("Fabrikam Issuing CA", true, vec![], Some(&b_root));
    let b_leaf = {
        let mut made = make("fe02.contoso.com", false, both(), None);
        made.params.not_after = datetime!(2025-01-01 00:00:00 UTC);
        let cert = made
            .params
            .signed_by(
                &made.key,
                &Issuer::from_params(&b_issuing.params, &b_issuing.key),
            )
            .expect("signed");
        made.der = cert.der().to_vec();
        made
    };
    let c = pki("Northwind", "fe03.contoso.com", vec![], both());
    let d = pki("Rogue", "fe04.contoso.com", vec![], both());
    let everyone = vec![
        subject(&a.root),
        subject(&b_root),
        subject(&c.root),
        subject(&d.root),
    ];
    let members = [
        answered(
            "fe01.contoso.com",
            &[&a.leaf.der, &a.issuing.der],
            Some(everyone.clone()),
        ),
        answered(
            "fe02.contoso.com",
            &[&b_leaf.der, &b_issuing.der],
            Some(everyone.clone()),
        ),
        answered("fe03.contoso.com", &[&c.leaf.der], Some(everyone.clone())),
        answered(
            "fe04.contoso.com",
            &[&d.leaf.der, &d.issuing.der, &d.root.der],
            Some(everyone),
        ),
    ];
    let anchors = [anchor(&a.root), anchor(&b_root)];
    let matrix = decide(&members, &anchors, at());
    let blockers = |client: usize| matrix.cell(client, (client + 1) % 4).expect("cell");
    assert_eq!(
        blockers(0).blockers,
        [Blocker::CaRestrictsClientAuth {
            ca: "Contoso Issuing CA".into()
        }]
    );
    assert_eq!(
        blockers(1).blockers,
        [Blocker::Expired {
            certificate: "fe02.contoso.com".into()
        }]
    );
    assert!(blockers(1).reasons[0].contains("expired on 2025-01-01"));
    // fe03 sends no intermediate, so the only CA its chain names is its issuing CA, which the
    // lists (roots only) do not name either.
    assert_eq!(
        blockers(2).blockers,
        [
            Blocker::ChainIncomplete {
                missing_issuer: "Northwind Issuing CA".into()
            },
            Blocker::CaListExcludesChain
        ]
    );
    assert!(
        blockers(2).reasons[1].contains(
            "does not name Northwind Issuing CA, the CA that issued fe03.contoso.com's certificate"
        ),
        "{:?}",
        blockers(2).reasons
    );
    assert!(
        blockers(2).reasons[0]
            .contains("its issuer Northwind Issuing CA is neither sent by fe03.contoso.com"),
        "{:?}",
        blockers(2).reasons
    );
    assert_eq!(
        blockers(3).blockers,
        [Blocker::ChainUntrusted {
            root: "Rogue Root CA".into()
        }]
    );
    // Every cell of those rows is rejected; no pair is one-way.
    assert!(matrix.cells.iter().all(|c| c.accepted == Some(false)));
    // #16: each client's path is one cause, whoever it calls: 4 findings for the 12 cells, each
    // naming the three members that would reject it.
    let all = judge(&matrix);
    assert_eq!(all.len(), 4);
    assert!(all.iter().all(|f| f.id == ids::POOL_MTLS_WOULD_FAIL));
    for f in &all {
        assert_eq!(f.title.matches(".contoso.com").count(), 4, "{}", f.title);
        assert!(f.title.contains(" and "), "{}", f.title);
    }
}

#[test]
fn an_unreadable_certificate_leaves_its_row_unknown_not_its_column() {
    let b = pki("Fabrikam", "fe02.contoso.com", vec![], both());
    let members = [
        answered(
            "fe01.contoso.com",
            &[b"not a certificate"],
            Some(vec![subject(&b.root)]),
        ),
        answered(
            "fe02.contoso.com",
            &[&b.leaf.der, &b.issuing.der],
            Some(vec![subject(&b.root)]),
        ),
    ];
    let matrix = decide(&members, &[], at());
    let row = matrix.cell(0, 1).expect("cell");
    assert_eq!(row.accepted, None);
    assert!(
        row.reasons[0].contains("could not be read"),
        "{:?}",
        row.reasons
    );
    assert_eq!(matrix.cell(1, 0).expect("cell").accepted, Some(true));
    let all = judge(&matrix);
    assert_eq!(
        ids_of(&all),
        [
            ("pool.member-unknown", Severity::Fail),
            ("pool.trust-not-judged", Severity::Info),
            ("pool.mtls-ok", Severity::Pass)
        ]
    );
    assert_eq!(
        all[2].title,
        "The members that answered accept each other in mutual TLS"
    );
}

#[test]
fn a_member_that_timed_out_is_unknown_both_ways() {
    let a = pki("Contoso", "fe01.contoso.com", vec![], both());
    let members = [
        answered(
            "fe01.contoso.com",
            &[&a.leaf.der, &a.issuing.der],
            Some(vec![subject(&a.root)]),
        ),
        timed_out("fe02.contoso.com"),
    ];
    let matrix = decide(&members, &[anchor(&a.root)], at());
    assert_eq!(matrix.members[1].status, MemberStatus::Timeout);
    assert!(matrix.cells.iter().all(|c| c.accepted.is_none()));
    let all = judge(&matrix);
    assert_eq!(ids_of(&all), [("port.timeout", Severity::Fail)]);
    assert!(
        all[0]
            .detail
            .contains("Its row and column of the pool matrix are unknown")
    );
    assert!(
        all[0]
            .commands
            .iter()
            .any(|c| c.command == "Test-NetConnection fe02.contoso.com -Port 444")
    );
}

#[test]
fn one_member_is_not_a_pool() {
    let a = pki("Contoso", "fe01.contoso.com", vec![], both());
    let members = [answered(
        "fe01.contoso.com",
        &[&a.leaf.der],
        Some(vec![subject(&a.root)]),
    )];
    let matrix = decide(&members, &[], at());
    assert!(matrix.cells.is_empty());
    assert_eq!(
        ids_of(&judge(&matrix)),
        [("pool.too-few-members", Severity::Info)]
    );
    assert_eq!(
        ids_of(&judge(&decide(&[], &[], at()))),
        [("pool.too-few-members", Severity::Info)]
    );
}

#[test]
fn a_name_constraint_violation_in_the_client_path_blocks_it() {
    // fe01's issuing CA may certify only contoso.test names; fe01's certificate is for
    // fe01.fabrikam.test. Expected: fe02 would reject it, the blocker names the certificate and
    // the node state, and the remedy points to chain.name-constraints-violated.
    let root = make("Contoso Root CA", true, vec![], None);
    let mut issuing = make("Contoso Issuing CA", true, vec![], Some(&root));
    issuing.params.name_constraints = Some(rcgen::NameConstraints {
        permitted_subtrees: vec![rcgen::GeneralSubtree::DnsName("contoso.test".into())],
        excluded_subtrees: Vec::new(),
    });
    issuing.der = issuing
        .params
        .signed_by(&issuing.key, &Issuer::from_params(&root.params, &root.key))
        .expect("signed")
        .der()
        .to_vec();
    let outside = make("fe01.fabrikam.test", false, both(), Some(&issuing));
    let b = pki("Contoso", "fe02.contoso.test", vec![], both());
    let roots = vec![subject(&root), subject(&b.root)];
    let members = [
        answered(
            "fe01.fabrikam.test",
            &[&outside.der, &issuing.der],
            Some(roots.clone()),
        ),
        answered(
            "fe02.contoso.test",
            &[&b.leaf.der, &b.issuing.der],
            Some(roots),
        ),
    ];
    let matrix = decide(&members, &[anchor(&root), anchor(&b.root)], at());
    let cell = matrix.cell(0, 1).expect("cell");
    assert_eq!(cell.accepted, Some(false));
    assert_eq!(
        cell.blockers,
        [Blocker::PathRule {
            certificate: "fe01.fabrikam.test".into(),
            status: NodeStatus::NameConstraintsViolated,
        }]
    );
    let (_, ids) = remedies(&matrix, cell);
    assert_eq!(ids, ["chain.name-constraints-violated"]);
    assert_eq!(matrix.cell(1, 0).expect("cell").accepted, Some(true));
}

#[test]
fn two_halves_that_do_not_trust_each_other_are_two_problems_not_eight() {
    // Written down first: fe01 and fe02 hold Contoso certificates and list only Contoso's root;
    // fe03 and fe04 hold Fabrikam certificates and list only Fabrikam's. Every call across the
    // halves fails (8 cells), for two causes: Contoso's root missing on fe03 / fe04, and
    // Fabrikam's on fe01 / fe02. Both directions fail, so no one-way note.
    let a = pki("Contoso", "fe01.contoso.com", vec![], both());
    let a2 = make("fe02.contoso.com", false, both(), Some(&a.issuing));
    let b = pki("Fabrikam", "fe03.contoso.com", vec![], both());
    let b2 = make("fe04.contoso.com", false, both(), Some(&b.issuing));
    let (lists_a, lists_b) = (vec![subject(&a.root)], vec![subject(&b.root)]);
    let members = [
        answered(
            "fe01.contoso.com",
            &[&a.leaf.der, &a.issuing.der],
            Some(lists_a.clone()),
        ),
        answered(
            "fe02.contoso.com",
            &[&a2.der, &a.issuing.der],
            Some(lists_a),
        ),
        answered(
            "fe03.contoso.com",
            &[&b.leaf.der, &b.issuing.der],
            Some(lists_b.clone()),
        ),
        answered(
            "fe04.contoso.com",
            &[&b2.der, &b.issuing.der],
            Some(lists_b),
        ),
    ];
    let matrix = decide(&members, &[anchor(&a.root), anchor(&b.root)], at());
    let rejected = matrix
        .cells
        .iter()
        .filter(|c| c.accepted == Some(false))
        .count();
    assert_eq!(rejected, 8);
    let all = judge(&matrix);
    assert_eq!(
        ids_of(&all),
        [
            ("pool.mtls-would-fail", Severity::Fail),
            ("pool.mtls-would-fail", Severity::Fail)
        ]
    );
    for f in &all {
        assert_eq!(
            f.title,
            "4 calls between pool members would be rejected in mutual TLS"
        );
        // Each call is named, who connecting to whom (once in the list, once with its reasons,
        // which name each server), and each command is listed once.
        assert_eq!(
            f.detail.matches(" connecting to ").count(),
            8,
            "{}",
            f.detail
        );
        let mut commands: Vec<&str> = f.commands.iter().map(|c| c.command.as_str()).collect();
        let listed = commands.len();
        commands.sort_unstable();
        commands.dedup();
        assert_eq!(commands.len(), listed);
    }
    assert!(
        all[0]
            .detail
            .contains("fe01.contoso.com connecting to fe03.contoso.com")
    );
    assert!(
        all[0]
            .detail
            .contains("fe02.contoso.com connecting to fe04.contoso.com")
    );
}
