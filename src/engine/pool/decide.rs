//! Facts → matrix: for every ordered pair of members, whether the server would accept the client's
//! certificate in mutual TLS, and why. Pure.

use time::OffsetDateTime;

use crate::engine::cert::CertificateFacts;
use crate::engine::check::{acceptable_ca_match, chain_ca_names, presented_path};
use crate::engine::load::SourcedCertificate;
use crate::engine::path::{CertificationPath, NodeStatus, PathEnd};
use crate::engine::probe::tcp::ConnectOutcome;
use crate::engine::probe::tls::HandshakeOutcome;
use crate::engine::probe::{HandshakeFacts, ProbeFacts, ProbeTarget, handshake_outcome_summary};
use crate::engine::purpose::{PathPosition, PurposeAnalysis, Role};

use super::probe::member_labels;

use crate::engine::facts::pool::{
    Blocker, MemberCertificate, MemberStatus, PoolCell, PoolMatrix, PoolMember,
};

/// A member's client side as the deciding needs it: its certificate facts and the row-wide notes.
struct ClientSide {
    ca_names: Vec<String>,
    /// "Contoso Root CA, the root of pool01's certificate, nor its issuing CA ...".
    chain_phrase: String,
    /// Notes that hold whatever the server: blockers with their words, then what passed.
    notes: Vec<(Option<Blocker>, String)>,
}

/// Decides, for every ordered pair of members, whether the server would accept the client's
/// certificate in mutual TLS. Pure: the same facts, anchors and instant give the same matrix.
pub fn decide(
    members: &[ProbeFacts],
    anchors: &[SourcedCertificate],
    at: OffsetDateTime,
) -> PoolMatrix {
    let targets: Vec<&ProbeTarget> = members.iter().map(|m| &m.target).collect();
    let labels = member_labels(&targets);
    let trust_judged = !anchors.is_empty();
    let mut pool_members = Vec::with_capacity(members.len());
    let mut clients: Vec<Result<ClientSide, String>> = Vec::with_capacity(members.len());
    for (facts, label) in members.iter().zip(labels) {
        let (member, client) = analyse_member(facts, label, anchors, at, trust_judged);
        pool_members.push(member);
        clients.push(client);
    }
    let mut cells = Vec::new();
    for (a, client) in clients.iter().enumerate() {
        for (b, server) in pool_members.iter().enumerate() {
            if a != b {
                cells.push(judge_pair(a, &pool_members[a], client, b, server));
            }
        }
    }
    PoolMatrix {
        members: pool_members,
        cells,
        trust_judged,
        cancelled: members.iter().any(|m| m.cancelled),
    }
}

fn analyse_member(
    facts: &ProbeFacts,
    label: String,
    anchors: &[SourcedCertificate],
    at: OffsetDateTime,
    trust_judged: bool,
) -> (PoolMember, Result<ClientSide, String>) {
    let status = status_of(facts);
    let handshake = facts.handshake.as_ref();
    let answered = status == MemberStatus::Answered;
    let mut member = PoolMember {
        status_text: status_text(facts, status),
        label,
        host: facts.target.host.clone(),
        port: facts.target.port,
        address: facts.connect.connected.clone(),
        status,
        tls_version: handshake.and_then(|h| h.version.clone()),
        certificate: None,
        certificate_requested: handshake
            .filter(|_| answered)
            .map(|h| h.certificate_requested),
        acceptable_ca_names: handshake
            .filter(|_| answered)
            .map(|h| h.acceptable_ca_names.clone())
            .unwrap_or_default(),
    };
    let client = match handshake.filter(|_| answered) {
        None => Err(format!(
            "{} did not show its certificate ({})",
            member.label, member.status_text
        )),
        Some(h) => match presented_path(&h.presented_der, anchors, at, &[]) {
            None => Err(format!(
                "{}'s certificate could not be read as X.509",
                member.label
            )),
            Some((path, purposes)) => {
                let (certificate, side) =
                    client_side(&member.label, h, &path, &purposes, trust_judged);
                member.certificate = Some(certificate);
                Ok(side)
            }
        },
    };
    (member, client)
}

fn status_of(facts: &ProbeFacts) -> MemberStatus {
    if let Some(h) = &facts.handshake {
        if !h.presented_der.is_empty() {
            return MemberStatus::Answered;
        }
        if facts.cancelled {
            return MemberStatus::Cancelled;
        }
        return match &h.outcome {
            HandshakeOutcome::Silent | HandshakeOutcome::Stalled { .. } => MemberStatus::Silent,
            HandshakeOutcome::NotTls { .. } => MemberStatus::NotTls,
            HandshakeOutcome::RemoteClosed { .. } => MemberStatus::RemoteClosed,
            HandshakeOutcome::LegacyOnly { .. } => MemberStatus::LegacyOnly,
            HandshakeOutcome::Cancelled => MemberStatus::Cancelled,
            HandshakeOutcome::Completed
            | HandshakeOutcome::Alert { .. }
            | HandshakeOutcome::Failed { .. } => MemberStatus::HandshakeFailed,
        };
    }
    if facts.cancelled {
        return MemberStatus::Cancelled;
    }
    let c = &facts.connect;
    if c.resolve_error.is_some() {
        return MemberStatus::DnsFailed;
    }
    let any = |outcome: &ConnectOutcome| c.attempts.iter().any(|a| a.outcome == *outcome);
    let other_failure = c
        .attempts
        .iter()
        .any(|a| matches!(a.outcome, ConnectOutcome::Failed(_)));
    if any(&ConnectOutcome::Refused) {
        MemberStatus::Closed
    } else if any(&ConnectOutcome::Timeout) || !other_failure {
        MemberStatus::Timeout
    } else {
        MemberStatus::Unreachable
    }
}

fn status_text(facts: &ProbeFacts, status: MemberStatus) -> String {
    let port = facts.target.port;
    let tried = facts.connect.tried_text("(no address)");
    let handshake = facts.handshake.as_ref();
    match status {
        MemberStatus::Answered => {
            let Some(h) = handshake else {
                return "answered TLS".into();
            };
            let version = h
                .version
                .as_deref()
                .map(|v| format!(" ({v})"))
                .unwrap_or_default();
            let legacy = if h.legacy {
                ", read from its TLS 1.0 handshake"
            } else {
                ""
            };
            let asks = if !h.certificate_requested {
                "does not ask for a client certificate".to_owned()
            } else if h.acceptable_ca_names.is_empty() {
                "asks for a client certificate with an empty CA list".to_owned()
            } else {
                format!(
                    "asks for a client certificate ({} CA name{})",
                    h.acceptable_ca_names.len(),
                    if h.acceptable_ca_names.len() == 1 {
                        ""
                    } else {
                        "s"
                    }
                )
            };
            format!("answered TLS{version}{legacy}; {asks}")
        }
        MemberStatus::Cancelled => "not checked to the end: the check was cancelled".into(),
        MemberStatus::DnsFailed => facts
            .connect
            .resolve_error
            .clone()
            .unwrap_or_else(|| format!("{} could not be resolved", facts.target.host)),
        MemberStatus::Closed => {
            format!("nothing listens on port {port}: {tried} refused the connection")
        }
        MemberStatus::Timeout => format!(
            "no answer on port {port} from {tried}: a firewall drops the packets, or the host is down"
        ),
        MemberStatus::Unreachable => {
            format!(
                "connecting failed: {}",
                facts.connect.other_failures().join("; ")
            )
        }
        MemberStatus::Silent
        | MemberStatus::NotTls
        | MemberStatus::RemoteClosed
        | MemberStatus::LegacyOnly
        | MemberStatus::HandshakeFailed => {
            let Some(h) = handshake else {
                return format!("port {port} is open but no TLS handshake happened");
            };
            let mut text = format!(
                "port {port} is open, but the TLS handshake showed no certificate: {}",
                handshake_outcome_summary(&h.outcome)
            );
            if let Some(why) = &h.legacy_error {
                text.push_str(&format!("; the TLS 1.0 read failed too ({why})"));
            }
            text
        }
    }
}

/// The short name of a distinguished name as Windows shows it: its common name, or the whole name.
pub(super) fn short_name(dn: &str) -> String {
    dn.split(", ")
        .flat_map(|rdn| rdn.split(" + "))
        .find_map(|attr| attr.strip_prefix("CN="))
        .map_or_else(|| dn.to_owned(), str::to_owned)
}

fn date(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

fn client_side(
    label: &str,
    handshake: &HandshakeFacts,
    path: &CertificationPath,
    purposes: &PurposeAnalysis,
    trust_judged: bool,
) -> (MemberCertificate, ClientSide) {
    // The path is root first; the leaf is last. `presented_path` never returns an empty path, but a
    // hostile peer must not make this panic either.
    let leaf: Option<&CertificateFacts> = path.leaf().map(|n| &n.certificate);
    let top = path.nodes.first().map(|n| &n.certificate);
    let issuing_ca = leaf.map(|l| short_name(&l.issuer)).unwrap_or_default();
    let root = match top {
        Some(top) if path.complete => top.display_name.clone(),
        Some(top) => short_name(&top.issuer),
        None => String::new(),
    };
    let ca_names = chain_ca_names(path.nodes.iter().rev().map(|n| &n.certificate));
    let client_auth = purposes
        .role(Role::ClientAuth)
        .is_some_and(|verdict| verdict.usable);
    let certificate = MemberCertificate {
        subject: leaf.map(|l| l.subject.clone()).unwrap_or_default(),
        issuer: leaf.map(|l| l.issuer.clone()).unwrap_or_default(),
        display_name: leaf.map(|l| l.display_name.clone()).unwrap_or_default(),
        sha256: leaf.map(|l| l.sha256.clone()).unwrap_or_default(),
        thumbprint_sha1: leaf.map(|l| l.thumbprint_sha1.clone()).unwrap_or_default(),
        chain: handshake
            .presented_chain
            .iter()
            .map(|c| c.display_name.clone())
            .collect(),
        ca_names: ca_names.clone(),
        root: root.clone(),
        issuing_ca: issuing_ca.clone(),
        client_auth,
        trusted: trust_judged.then_some(path.trusted),
    };
    let chain_phrase = if root.eq_ignore_ascii_case(&issuing_ca) {
        format!("{issuing_ca}, the CA that issued {label}'s certificate")
    } else {
        format!("{root}, the root of {label}'s certificate, nor its issuing CA {issuing_ca}")
    };
    let mut blocking: Vec<(Option<Blocker>, String)> = Vec::new();
    let mut passing: Vec<(Option<Blocker>, String)> = Vec::new();
    if let Some(verdict) = purposes.role(Role::ClientAuth) {
        for &i in &verdict.blocked_by {
            let (Some(row), Some(node)) = (purposes.rows.get(i), path.nodes.get(i)) else {
                continue;
            };
            if row.position == PathPosition::Leaf {
                blocking.push((
                    Some(Blocker::ClientAuthMissing {
                        certificate: row.display_name.clone(),
                    }),
                    format!(
                        "{label}'s certificate \"{}\" does not allow Client Authentication: its Enhanced Key Usage lists {} only, and since the May 2017 .NET update a certificate with an EKU extension must list Client Authentication to be presented as a client certificate",
                        row.display_name,
                        node.certificate.eku_text()
                    ),
                ));
            } else {
                blocking.push((
                    Some(Blocker::CaRestrictsClientAuth {
                        ca: row.display_name.clone(),
                    }),
                    format!(
                        "the CA \"{}\" in {label}'s certification path does not allow Client Authentication (its Enhanced Key Usage lists {}), so no certificate under it can be a client certificate",
                        row.display_name,
                        node.certificate.eku_text()
                    ),
                ));
            }
        }
    }
    if client_auth {
        passing.push((
            None,
            format!("{label}'s certificate allows Client Authentication"),
        ));
    }
    for node in &path.nodes {
        let c = &node.certificate;
        for problem in &node.problems {
            let blocker = match problem {
                NodeStatus::Expired => (
                    Blocker::Expired {
                        certificate: c.display_name.clone(),
                    },
                    format!(
                        "\"{}\" in {label}'s certification path expired on {}",
                        c.display_name,
                        date(c.not_after)
                    ),
                ),
                NodeStatus::NotYetValid => (
                    Blocker::NotYetValid {
                        certificate: c.display_name.clone(),
                    },
                    format!(
                        "\"{}\" in {label}'s certification path is not valid before {}",
                        c.display_name,
                        date(c.not_before)
                    ),
                ),
                NodeStatus::BadSignature => (
                    Blocker::BadSignature {
                        certificate: c.display_name.clone(),
                    },
                    format!(
                        "the signature on \"{}\" in {label}'s certification path does not verify with its issuer's key",
                        c.display_name
                    ),
                ),
                NodeStatus::IssuerNotCa => (
                    Blocker::IssuerNotCa {
                        certificate: c.display_name.clone(),
                    },
                    format!(
                        "\"{}\" in {label}'s certification path was issued by a certificate that is not a CA",
                        c.display_name
                    ),
                ),
                NodeStatus::SignatureNotChecked
                | NodeStatus::NameConstraintsViolated
                | NodeStatus::PathLengthExceeded
                | NodeStatus::InvalidExtension => (
                    Blocker::PathRule {
                        certificate: c.display_name.clone(),
                        status: *problem,
                    },
                    format!(
                        "\"{}\" in {label}'s certification path: {}",
                        c.display_name,
                        problem.sentence()
                    ),
                ),
                // Trust and completeness are judged below, against the anchors.
                NodeStatus::IssuerNotFound | NodeStatus::RootNotTrusted | NodeStatus::Ok => {
                    continue;
                }
            };
            blocking.push((Some(blocker.0), blocker.1));
        }
    }
    if trust_judged {
        match path.end {
            PathEnd::TrustAnchor => passing.push((
                None,
                format!("{label}'s certificate chain builds to the trust anchor {root}"),
            )),
            PathEnd::UntrustedRoot => blocking.push((
                Some(Blocker::ChainUntrusted { root: root.clone() }),
                format!(
                    "{label}'s certificate chain ends in the root {root}, which is not among the trust anchors given (--ca)"
                ),
            )),
            PathEnd::IssuerNotFound => {
                let top_name = top.map(|t| t.display_name.clone()).unwrap_or_default();
                blocking.push((
                    Some(Blocker::ChainIncomplete {
                        missing_issuer: root.clone(),
                    }),
                    format!(
                        "{label}'s certificate chain stops at \"{top_name}\": its issuer {root} is neither sent by {label} nor among the trust anchors given (--ca)"
                    ),
                ));
            }
        }
    } else {
        passing.push((
            None,
            format!(
                "trust in {label}'s root was not judged (no --ca given): decided on the acceptable-CA list alone"
            ),
        ));
    }
    blocking.extend(passing);
    (
        certificate,
        ClientSide {
            ca_names,
            chain_phrase,
            notes: blocking,
        },
    )
}

fn judge_pair(
    a: usize,
    client_member: &PoolMember,
    client: &Result<ClientSide, String>,
    b: usize,
    server: &PoolMember,
) -> PoolCell {
    let (cl, sl) = (&client_member.label, &server.label);
    let server_unknown = (!server.server_known()).then(|| {
        format!(
            "{sl} did not answer TLS ({}), so what it accepts is unknown",
            server.status_text
        )
    });
    let client = match (client, server_unknown) {
        (Ok(client), None) => client,
        (Ok(_), Some(server_reason)) => {
            return unknown(a, b, vec![server_reason]);
        }
        (Err(client_reason), server_reason) => {
            let mut reasons = vec![format!(
                "{client_reason}, so whether {sl} would accept it is unknown"
            )];
            reasons.extend(server_reason);
            return unknown(a, b, reasons);
        }
    };
    // The server's own obstacle (no CertificateRequest, or a CA list without the client's CA) and
    // what passed on the server's side.
    let mut server_blocker: Option<(Blocker, String)> = None;
    let mut passing: Vec<String> = Vec::new();
    let list = &server.acceptable_ca_names;
    if server.certificate_requested == Some(false) {
        server_blocker = Some((
            Blocker::NoCertificateRequest,
            format!(
                "{sl} does not ask for a client certificate on port {}: it never sees {cl}'s certificate, so mutual TLS to {sl} cannot work (event 61030 on {sl}: \"did not receive a certificate from the client\")",
                server.port
            ),
        ));
    } else if list.is_empty() {
        passing.push(format!(
            "{sl}'s acceptable-CA list is empty: Windows then accepts a client certificate from any CA in its Trusted Root store (SendTrustedIssuerList = 0, or a store too large to list), so the list cannot tell whether {sl} trusts {cl}'s CA"
        ));
    } else {
        match acceptable_ca_match(list, &client.ca_names) {
            Some(hit) => passing.push(format!(
                "{sl}'s acceptable-CA list names {}, a CA of {cl}'s certificate",
                short_name(hit)
            )),
            None => {
                let shown: Vec<String> = list.iter().take(6).map(|n| short_name(n)).collect();
                let more = if list.len() > shown.len() {
                    format!(" and {} more", list.len() - shown.len())
                } else {
                    String::new()
                };
                server_blocker = Some((
                    Blocker::CaListExcludesChain,
                    format!(
                        "{sl}'s acceptable-CA list does not name {} (it names {}{more})",
                        client.chain_phrase,
                        shown.join(", ")
                    ),
                ));
            }
        }
    }
    // Blocking reasons first (no request, then the client's path, then the CA list), then what
    // passed and the cautions.
    let mut reasons = Vec::new();
    let mut blockers = Vec::new();
    let mut block = |blocker: Blocker, reason: String| {
        blockers.push(blocker);
        reasons.push(reason);
    };
    let no_request = matches!(server_blocker, Some((Blocker::NoCertificateRequest, _)));
    if no_request && let Some((blocker, reason)) = server_blocker.take() {
        block(blocker, reason);
    }
    for (blocker, reason) in &client.notes {
        if let Some(blocker) = blocker {
            block(blocker.clone(), reason.clone());
        }
    }
    if let Some((blocker, reason)) = server_blocker {
        block(blocker, reason);
    }
    reasons.extend(passing);
    reasons.extend(
        client
            .notes
            .iter()
            .filter(|(b, _)| b.is_none())
            .map(|(_, r)| r.clone()),
    );
    PoolCell {
        client: a,
        server: b,
        accepted: Some(blockers.is_empty()),
        reasons,
        blockers,
    }
}

fn unknown(client: usize, server: usize, reasons: Vec<String>) -> PoolCell {
    PoolCell {
        client,
        server,
        accepted: None,
        reasons,
        blockers: Vec::new(),
    }
}
