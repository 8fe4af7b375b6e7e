//! `pool`: the trust matrix of an Enterprise pool.
//!
//! The front ends of a pool call each other over mutual TLS (conferencing on 444, SIP on 5061), and
//! each presents its own certificate as the client certificate. So every member must accept every
//! other member's certificate: "the certificate chain of the local server is installed on the remote
//! server and vice-versa".
//!
//! [`probe_pool`] probes every member at once (one thread each, connect and the recording handshake
//! only: [`probe::handshake_only`]) and returns [`PoolFacts`]. [`decide`] is pure: for every ordered
//! pair (A the client, B the server) it says whether B would accept A's certificate, with the reasons
//! in words, and returns a self-contained [`PoolMatrix`] (what the report and the GUI show).
//! [`findings`] turns the matrix into `pool.*` findings. [`check_pool`] runs all three.
//!
//! B accepts A when, as far as certwiz can see from the outside:
//! - B asks for a client certificate (a CertificateRequest); without one, mutual TLS to B cannot work;
//! - A's certificate path allows Client Authentication (the leaf's EKU and every CA above it:
//!   [`PurposeAnalysis`]);
//! - B's acceptable-CA list (what its Trusted Root store announces) names a CA of A's path (an empty
//!   list means "any CA B trusts", a caution, not a rejection);
//! - A's path builds to a `--ca` trust anchor (all members share them; without any, trust is not
//!   judged and the decision rests on the CA list), and is in date and correctly signed.
//!
//! A member that did not answer TLS has an unknown row and column, never a ✓ or ✗.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::engine::cert::CertificateFacts;
use crate::engine::check::{acceptable_ca_match, chain_ca_names, presented_path};
use crate::engine::finding::{Finding, Scope, Severity, ids, sort_findings};
use crate::engine::fixes::{FixCommand, FixContext, commands_for};
use crate::engine::load::SourcedCertificate;
use crate::engine::path::{CertificationPath, NodeStatus, PathEnd};
use crate::engine::probe::tcp::ConnectOutcome;
use crate::engine::probe::tls::HandshakeOutcome;
use crate::engine::probe::{
    self, CancelFlag, HandshakeFacts, ProbeFacts, ProbePlan, ProbeTarget, Progress,
    handshake_outcome_summary,
};
use crate::engine::purpose::{PathPosition, PurposeAnalysis, Role};

/// What to check: the members of a pool and what to judge their certificates against.
#[derive(Debug, Clone)]
pub struct PoolRequest {
    /// The front ends (host, port, path, `--address`). Repeated targets are probed once.
    pub members: Vec<ProbeTarget>,
    /// Bound of each network step, per member.
    pub timeout: Duration,
    /// Trust anchors every member is judged against (`--ca`); empty: trust is not judged.
    pub trust_anchors: Vec<SourcedCertificate>,
    /// The instant dates are judged at.
    pub at: OffsetDateTime,
}

/// What the probes of every member found, in the order of the request (repeats removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolFacts {
    /// One probe per member: connect and the recording handshake.
    pub members: Vec<ProbeFacts>,
    /// Whether the user cancelled.
    pub cancelled: bool,
    /// How long the whole pool took (not a fact: it varies run to run).
    #[serde(skip)]
    pub total_ms: u64,
}

/// Probes every member at the same time (one thread each) and returns what each presented and
/// whether it asks for a client certificate. Honours `cancel` and `request.timeout` (per step, per
/// member); never panics on what a member does. Progress events of the members interleave; each
/// summary starts with the member's name.
pub fn probe_pool(request: &PoolRequest, cancel: &CancelFlag, progress: &Progress) -> PoolFacts {
    let started = Instant::now();
    let targets = distinct_targets(&request.members);
    let labels = member_labels(&targets);
    let plans: Vec<ProbePlan> = targets
        .iter()
        .map(|target| ProbePlan {
            target: (*target).clone(),
            timeout: request.timeout,
            identity: None,
        })
        .collect();
    let progresses: Vec<Progress> = labels.iter().map(|l| progress.labelled(l)).collect();
    let members: Vec<ProbeFacts> = std::thread::scope(|scope| {
        let running: Vec<_> = plans
            .iter()
            .zip(&progresses)
            .map(|(plan, progress)| {
                std::thread::Builder::new()
                    .name("certwiz-pool-member".into())
                    .spawn_scoped(scope, move || probe::handshake_only(plan, cancel, progress))
                    .ok()
            })
            .collect();
        running
            .into_iter()
            .zip(plans.iter().zip(&progresses))
            .map(|(handle, (plan, progress))| match handle {
                Some(handle) => handle.join().unwrap_or_else(|_| stopped(plan)),
                // The system would not start another thread: probe this member here instead.
                None => probe::handshake_only(plan, cancel, progress),
            })
            .collect()
    });
    PoolFacts {
        members,
        cancelled: cancel.is_cancelled(),
        total_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

/// The facts of a member whose probe thread stopped without an answer (a bug, not the peer).
fn stopped(plan: &ProbePlan) -> ProbeFacts {
    ProbeFacts {
        target: plan.target.clone(),
        connect: probe::tcp::ConnectFacts {
            resolved_by: String::new(),
            resolve_error: None,
            attempts: Vec::new(),
            connected: None,
        },
        handshake: Some(HandshakeFacts {
            outcome: HandshakeOutcome::Failed {
                reason: "the probe of this member stopped unexpectedly".into(),
            },
            version: None,
            cipher_suite: None,
            presented_chain: Vec::new(),
            presented_der: Vec::new(),
            certificate_requested: false,
            acceptable_ca_names: Vec::new(),
            legacy: false,
            legacy_error: None,
        }),
        mutual_tls: None,
        browse: None,
        browse_with_certificate: None,
        cancelled: false,
        timings: probe::StepTimings::default(),
    }
}

/// The targets without repeats (same host, ignoring case, same port and address), first one kept.
fn distinct_targets(targets: &[ProbeTarget]) -> Vec<&ProbeTarget> {
    let mut out: Vec<&ProbeTarget> = Vec::with_capacity(targets.len());
    for target in targets {
        let seen = out.iter().any(|t| {
            t.host.eq_ignore_ascii_case(&target.host)
                && t.port == target.port
                && t.address == target.address
        });
        if !seen {
            out.push(target);
        }
    }
    out
}

/// How the matrix names each member: its host, or `host:port` when two members share a host (and
/// the address too when even that is not enough).
fn member_labels(targets: &[&ProbeTarget]) -> Vec<String> {
    let count = |f: &dyn Fn(&ProbeTarget) -> String, value: &str| {
        targets
            .iter()
            .filter(|t| f(t).eq_ignore_ascii_case(value))
            .count()
    };
    let host = |t: &ProbeTarget| {
        t.host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned()
    };
    let host_port = |t: &ProbeTarget| {
        let bare = t.host.trim_start_matches('[').trim_end_matches(']');
        if bare.parse::<std::net::Ipv6Addr>().is_ok() {
            format!("[{bare}]:{}", t.port)
        } else {
            format!("{bare}:{}", t.port)
        }
    };
    targets
        .iter()
        .map(|t| {
            if count(&host, &host(t)) == 1 {
                return t.host.clone();
            }
            let with_port = host_port(t);
            if count(&host_port, &with_port) == 1 {
                return with_port;
            }
            match t.address {
                Some(address) => format!("{with_port} ({address})"),
                None => with_port,
            }
        })
        .collect()
}

/// Whether, and how, a member answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberStatus {
    /// It answered TLS and showed its certificate (possibly through the read-only TLS 1.0 handshake).
    Answered,
    /// Its name does not resolve.
    DnsFailed,
    /// It refused the connection: nothing listens on the port.
    Closed,
    /// No TCP answer: a firewall drops the packets, or the host is down.
    Timeout,
    /// Connecting failed for another reason (network unreachable, ...).
    Unreachable,
    /// TCP open, but no (complete) TLS answer in time.
    Silent,
    /// What answers is not TLS.
    NotTls,
    /// It closed the connection during the handshake, before showing a certificate.
    RemoteClosed,
    /// It speaks only TLS 1.0 / 1.1 and its certificate could not be read from that handshake.
    LegacyOnly,
    /// The handshake failed otherwise (an alert before any certificate, an error).
    HandshakeFailed,
    /// Not probed to the end: the user cancelled.
    Cancelled,
}

/// The certificate a member presented, as the others see it when it calls them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCertificate {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// The short name MMC shows in "Issued To".
    pub display_name: String,
    /// SHA-256 thumbprint, upper-case hex.
    pub sha256: String,
    /// SHA-1 thumbprint (what MMC and PowerShell call "Thumbprint").
    pub thumbprint_sha1: String,
    /// The certificates it sent (display names, leaf first).
    pub chain: Vec<String>,
    /// The names of the CAs of its path, leaf side first, as Windows shows names: what another
    /// member's acceptable-CA list must name one of.
    pub ca_names: Vec<String>,
    /// The short name of the root of its path (or of the highest issuer the path names when the root
    /// is missing).
    pub root: String,
    /// The short name of the CA that issued it.
    pub issuing_ca: String,
    /// Whether the whole path allows Client Authentication.
    pub client_auth: bool,
    /// Whether the path builds to a `--ca` trust anchor (`None` when none was given).
    pub trusted: Option<bool>,
}

/// One member of the pool: who it is, whether it answered, what it presents and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolMember {
    /// How the matrix and its reasons name it (the host, or `host:port` when hosts repeat).
    pub label: String,
    /// The host name (SNI).
    pub host: String,
    /// The port.
    pub port: u16,
    /// The address that answered TCP.
    pub address: Option<String>,
    /// Whether and how it answered.
    pub status: MemberStatus,
    /// The same in words ("answered TLS (TLSv1.3); asks for a client certificate (3 CA names)").
    pub status_text: String,
    /// The TLS version it negotiated.
    pub tls_version: Option<String>,
    /// Its certificate, when it showed a readable one.
    pub certificate: Option<MemberCertificate>,
    /// Whether it asks for a client certificate (`None` when it did not answer TLS).
    pub certificate_requested: Option<bool>,
    /// The CA names its CertificateRequest lists (empty when none, or when it asks with an empty list).
    pub acceptable_ca_names: Vec<String>,
}

impl PoolMember {
    /// Whether what it accepts as a server is known (it answered TLS).
    pub fn server_known(&self) -> bool {
        self.certificate_requested.is_some()
    }

    /// Whether its certificate is known (it answered TLS with a readable certificate).
    pub fn client_known(&self) -> bool {
        self.certificate.is_some()
    }
}

/// Why a server would reject a client's certificate (the machine-readable side of a cell's reasons).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Blocker {
    /// The server does not ask for a client certificate at all.
    NoCertificateRequest,
    /// The server's acceptable-CA list names no CA of the client's path.
    CaListExcludesChain,
    /// The client's certificate does not allow Client Authentication (its EKU).
    ClientAuthMissing {
        /// The certificate's display name.
        certificate: String,
    },
    /// A CA in the client's path does not allow Client Authentication.
    CaRestrictsClientAuth {
        /// The CA's display name.
        ca: String,
    },
    /// The client's path ends in a root that is not a trust anchor.
    ChainUntrusted {
        /// The root's display name.
        root: String,
    },
    /// The client's path stops at a certificate whose issuer neither it nor the anchors provide.
    ChainIncomplete {
        /// The short name of the missing issuer.
        missing_issuer: String,
    },
    /// A certificate in the client's path has expired.
    Expired {
        /// Its display name.
        certificate: String,
    },
    /// A certificate in the client's path is not yet valid.
    NotYetValid {
        /// Its display name.
        certificate: String,
    },
    /// A signature in the client's path does not verify.
    BadSignature {
        /// The display name of the certificate whose signature fails.
        certificate: String,
    },
    /// A certificate in the client's path was issued by a certificate that is not a CA.
    IssuerNotCa {
        /// The display name of the certificate with the bad issuer.
        certificate: String,
    },
    /// A certificate in the client's path breaks another rule of path validation (name constraints,
    /// path length, an unverifiable signature, an invalid extension).
    PathRule {
        /// Its display name.
        certificate: String,
        /// Its status in the path.
        status: NodeStatus,
    },
}

/// One ordered pair: would `server` accept `client`'s certificate in mutual TLS?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolCell {
    /// Index into [`PoolMatrix::members`] of the member that connects and presents its certificate.
    pub client: usize,
    /// Index of the member that is connected to and judges the certificate.
    pub server: usize,
    /// `Some(true)`: would accept; `Some(false)`: would reject; `None`: unknown (a member did not
    /// answer TLS).
    pub accepted: Option<bool>,
    /// Why, in plain language: what blocks first, then what passed and the cautions.
    pub reasons: Vec<String>,
    /// What blocks, machine-readable (empty when accepted or unknown).
    pub blockers: Vec<Blocker>,
}

/// The pool trust matrix: every member and every ordered pair. Self-contained, deterministic, and
/// what the JSON report carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolMatrix {
    /// The members, in the order given.
    pub members: Vec<PoolMember>,
    /// Every ordered pair of distinct members, by client then server: N × (N − 1) cells.
    pub cells: Vec<PoolCell>,
    /// Whether trust anchors were given (without them only the acceptable-CA lists decide).
    pub trust_judged: bool,
    /// Whether the check was cancelled before every member was probed.
    pub cancelled: bool,
}

impl PoolMatrix {
    /// The cell where `client` connects to `server` (indexes into `members`).
    pub fn cell(&self, client: usize, server: usize) -> Option<&PoolCell> {
        self.cells
            .iter()
            .find(|c| c.client == client && c.server == server)
    }

    /// The index of the member with this label.
    pub fn member_index(&self, label: &str) -> Option<usize> {
        self.members.iter().position(|m| m.label == label)
    }

    fn label(&self, index: usize) -> &str {
        self.members.get(index).map_or("?", |m| m.label.as_str())
    }
}

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
    let tried: Vec<&str> = facts
        .connect
        .attempts
        .iter()
        .map(|a| a.address.as_str())
        .collect();
    let tried = if tried.is_empty() {
        "(no address)".to_owned()
    } else {
        tried.join(", ")
    };
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
fn short_name(dn: &str) -> String {
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

/// Turns the matrix into findings, sorted (fail, warn, info, pass): `pool.mtls-would-fail` for each
/// ordered pair that would be rejected, `pool.trust-asymmetric` for each pair that trusts one way
/// only, `pool.mtls-ok` when no known pair is rejected, and for each member that did not answer the
/// `port.*` / `tls.*` finding `check` gives (its row and column are unknown).
pub fn findings(matrix: &PoolMatrix) -> Vec<Finding> {
    let mut out = Vec::new();
    if matrix.members.len() < 2 {
        out.push(Finding::new(
            ids::POOL_TOO_FEW_MEMBERS,
            Severity::Info,
            "A pool check needs at least two servers",
            format!(
                "certwiz was given {} distinct server(s); the trust matrix compares every pair of front ends.",
                matrix.members.len()
            ),
            "Name every front end of the pool: certwiz pool fe01.contoso.com fe02.contoso.com ... (Get-CsPool shows them).",
        ));
    }
    for member in &matrix.members {
        member_findings(member, &mut out);
    }
    for cell in &matrix.cells {
        if cell.accepted == Some(false) {
            out.push(would_fail(matrix, cell));
        }
    }
    for a in 0..matrix.members.len() {
        for b in a + 1..matrix.members.len() {
            let (Some(ab), Some(ba)) = (matrix.cell(a, b), matrix.cell(b, a)) else {
                continue;
            };
            match (ab.accepted, ba.accepted) {
                // a connecting to b is rejected, b connecting to a is accepted.
                (Some(false), Some(true)) => out.push(asymmetric(matrix, ab)),
                (Some(true), Some(false)) => out.push(asymmetric(matrix, ba)),
                _ => {}
            }
        }
    }
    let known = matrix.cells.iter().filter(|c| c.accepted.is_some()).count();
    let rejected = matrix.cells.iter().any(|c| c.accepted == Some(false));
    if known > 0 && !rejected {
        out.push(all_accept(matrix, known));
    }
    if !matrix.trust_judged && known > 0 {
        out.push(Finding::new(
            ids::POOL_TRUST_NOT_JUDGED,
            Severity::Info,
            "Trust in the members' roots was not judged",
            "No trust anchors were given (--ca), so certwiz decided on what each server's acceptable-CA list names and on the certificates' purposes and dates. A server whose list names a CA may still not trust it (an intermediate in the wrong store, a list that is cut short).",
            "Give the pool's root CA certificates with --ca (export them from Trusted Root Certification Authorities) to also check that each member's chain builds to one of them.",
        ));
    }
    if matrix.cancelled {
        out.push(Finding::new(
            ids::POOL_CANCELLED,
            Severity::Info,
            "The pool check was cancelled",
            "Some members were not probed to the end; their rows and columns of the matrix are unknown.",
            "Run the check again.",
        ));
    }
    sort_findings(&mut out);
    out
}

fn member_findings(member: &PoolMember, out: &mut Vec<Finding>) {
    let (label, port) = (&member.label, member.port);
    let unknown_note = format!(
        "Its row and column of the pool matrix are unknown: certwiz cannot tell whether {label} trusts the other members or they trust it."
    );
    let (id, title, fix) = match member.status {
        MemberStatus::Answered => {
            if member.certificate.is_none() {
                out.push(Finding::new(
                    ids::POOL_MEMBER_UNKNOWN,
                    Severity::Fail,
                    format!("The certificate {label} presents cannot be read"),
                    format!(
                        "{label} answered TLS, but its certificate is not valid X.509, so no other member can accept it as a client certificate either. Its row of the pool matrix is unknown."
                    ),
                    format!(
                        "On {label}: check the certificate assigned to the conferencing service (Get-CsCertificate, or the OCS Certificate Wizard) and assign a valid one (Set-CsCertificate)."
                    ),
                ));
            }
            if member.certificate_requested == Some(true) && member.acceptable_ca_names.is_empty()
            {
                let mut finding = Finding::new(
                    ids::TLS_CLIENT_CA_LIST_EMPTY,
                    Severity::Warn,
                    format!("{label} asks for a client certificate but names no acceptable CA"),
                    "The CertificateRequest carries an empty list of trusted CAs. Schannel sends none when SendTrustedIssuerList is 0 (KB 933430), or when the Trusted Root store is too large to fit (over ~100 roots or 16 KB, KB 2880390). The calling members then have to guess which certificate to send, and certwiz cannot tell from the list whether it trusts their CAs.",
                    format!(
                        "On {label}, trim the Trusted Root Certification Authorities store to the CAs you need; or set HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\SendTrustedIssuerList to 0 deliberately (Lync/SfB guidance) and make sure each server has only one certificate valid for client authentication."
                    ),
                );
                finding.commands = commands(&[ids::TLS_CLIENT_CA_LIST_EMPTY], member);
                out.push(finding);
            }
            return;
        }
        MemberStatus::Cancelled => return,
        MemberStatus::DnsFailed => (
            ids::PORT_DNS_FAILED,
            format!("The name {label} could not be resolved"),
            format!(
                "Check the name for typos and that this machine uses the internal DNS servers (nslookup {}). To test a specific server, give its address and keep the FQDN as HOST.",
                member.host
            ),
        ),
        MemberStatus::Closed => (
            ids::PORT_CLOSED,
            format!("Nothing listens on port {port} of {label}"),
            format!(
                "On {label}: netstat -ano | findstr :{port} shows whether anything listens. Start the conferencing services (OCS: the Web Conferencing / IM Conferencing services; Lync/SfB: Start-CsWindowsService), and check the port in the topology."
            ),
        ),
        MemberStatus::Timeout | MemberStatus::Unreachable => (
            ids::PORT_TIMEOUT,
            format!("No answer from port {port} of {label}"),
            format!(
                "Check Windows Firewall on {label} (an inbound rule for TCP {port}) and any firewall in between; from this machine, Test-NetConnection {} -Port {port}.",
                member.host
            ),
        ),
        MemberStatus::Silent => (
            ids::PORT_SILENT,
            format!("Port {port} of {label} accepts connections but never answers TLS"),
            format!(
                "On {label}, find the owner of the port (netstat -ano | findstr :{port}) and restart that service."
            ),
        ),
        MemberStatus::NotTls => (
            ids::PORT_NOT_TLS,
            format!("Port {port} of {label} does not speak TLS"),
            format!(
                "Find what owns port {port} on {label} (netstat -ano | findstr :{port}; in IIS Manager, a site bound with http instead of https) and move it off the conferencing port."
            ),
        ),
        MemberStatus::RemoteClosed => (
            ids::TLS_REMOTE_CLOSED,
            format!("{label} closed the connection during the TLS handshake"),
            format!(
                "On {label}: netsh http show sslcert ipport=0.0.0.0:{port} to see the bound certificate; check the System log for Schannel and HttpEvent errors; re-assign the certificate (Set-CsCertificate, or the OCS Certificate Wizard)."
            ),
        ),
        MemberStatus::LegacyOnly => (
            ids::TLS_LEGACY_ONLY,
            format!("{label} speaks only TLS 1.0 / 1.1 and its certificate could not be read"),
            "On Windows Server 2008 R2 and later, enable TLS 1.2 for Schannel (KB 3140245 and the SCHANNEL\\Protocols registry keys), then restart the server.".to_owned(),
        ),
        MemberStatus::HandshakeFailed => (
            ids::TLS_HANDSHAKE_FAILED,
            format!("The TLS handshake with {label} failed"),
            format!(
                "Check the System event log on {label} for Schannel errors (36874 / 36888) and compare its enabled protocols and ciphers."
            ),
        ),
    };
    let mut finding = Finding::new(
        id,
        Severity::Fail,
        title,
        format!(
            "{label} is a member of the pool, but {}. {unknown_note}",
            member.status_text
        ),
        fix,
    );
    finding.commands = commands(&[id], member);
    out.push(finding);
}

/// The copyable commands of `finding_ids` for `member`'s host and port, without repeats.
fn commands(finding_ids: &[&str], member: &PoolMember) -> Vec<FixCommand> {
    let ctx = FixContext {
        host: Some(member.host.clone()),
        port: Some(member.port),
    };
    let mut out: Vec<FixCommand> = Vec::new();
    for id in finding_ids {
        for command in commands_for(id, &ctx) {
            if !out.iter().any(|c| c.command == command.command) {
                out.push(command);
            }
        }
    }
    out
}

/// What to do about each blocker, in words, and the finding ids whose commands help.
fn remedies(matrix: &PoolMatrix, cell: &PoolCell) -> (Vec<String>, Vec<&'static str>) {
    let (cl, sl) = (matrix.label(cell.client), matrix.label(cell.server));
    let client_cert = matrix
        .members
        .get(cell.client)
        .and_then(|m| m.certificate.as_ref());
    let root = client_cert.map_or("its root CA", |c| c.root.as_str());
    let issuing = client_cert.map_or("its issuing CA", |c| c.issuing_ca.as_str());
    let port = matrix.members.get(cell.server).map_or(0, |m| m.port);
    let mut texts: Vec<String> = Vec::new();
    let mut finding_ids: Vec<&'static str> = Vec::new();
    let mut add = |text: String, id: &'static str| {
        if !texts.contains(&text) {
            texts.push(text);
        }
        if !finding_ids.contains(&id) {
            finding_ids.push(id);
        }
    };
    for blocker in &cell.blockers {
        match blocker {
            Blocker::NoCertificateRequest => add(
                format!(
                    "On {sl}, find what answers on port {port} instead of the conferencing service (netstat -ano | findstr :{port}; IIS Manager > Sites > Bindings): the MCU Factory / Focus always asks for the calling server's certificate."
                ),
                ids::TLS_NO_CLIENT_CERT_REQUEST,
            ),
            Blocker::CaListExcludesChain => add(
                format!(
                    "On {sl}, import {root} into Certificates (Local Computer) > Trusted Root Certification Authorities (certutil -addstore Root root-ca.cer){}, then restart {sl}'s front-end services. If {root} is already there, {sl}'s Trusted Root store may be too large to list (over ~100 roots or 16 KB, KB 2880390): remove the roots it does not need.",
                    if root.eq_ignore_ascii_case(issuing) {
                        String::new()
                    } else {
                        format!(
                            " and {issuing} into Intermediate Certification Authorities (certutil -addstore CA issuing-ca.cer)"
                        )
                    }
                ),
                ids::TLS_CLIENT_CA_LIST_EXCLUDES_ISSUER,
            ),
            Blocker::ClientAuthMissing { certificate } => add(
                format!(
                    "Give {cl} a certificate that includes Client Authentication in place of \"{certificate}\": Request-CsCertificate -ClientEKU $true, or a template with both Server Authentication and Client Authentication; assign it with Set-CsCertificate and restart {cl}'s services."
                ),
                ids::CERT_CLIENT_AUTH_MISSING,
            ),
            Blocker::CaRestrictsClientAuth { ca } => add(
                format!(
                    "The CA \"{ca}\" must allow Client Authentication: renew it with Client Authentication in its Enhanced Key Usage (or with no EKU extension), and on every server check Certificates (Local Computer) > the CA certificate > Properties > General: \"Enable all purposes\", or both Server Authentication and Client Authentication ticked."
                ),
                ids::CHAIN_CA_RESTRICTS_CLIENT_AUTH,
            ),
            Blocker::ChainUntrusted { root } => add(
                format!(
                    "If {root} is a CA the pool should trust, install it in {sl}'s Trusted Root Certification Authorities (certutil -addstore Root root-ca.cer) and give it to certwiz with --ca; if not, assign {cl} a certificate from the pool's own CA (Set-CsCertificate)."
                ),
                ids::CHAIN_UNTRUSTED_ROOT,
            ),
            Blocker::ChainIncomplete { missing_issuer } => add(
                format!(
                    "Install {missing_issuer} on {sl} (Trusted Root, or Intermediate Certification Authorities if it is an intermediate: certutil -addstore CA) and on {cl}, so that {cl} sends its full chain; give certwiz the pool's root with --ca."
                ),
                ids::CHAIN_INCOMPLETE,
            ),
            Blocker::Expired { certificate } | Blocker::NotYetValid { certificate } => add(
                format!(
                    "Renew \"{certificate}\" (or correct the clock if it is wrong), assign the new certificate on {cl} and restart its services."
                ),
                ids::CERT_EXPIRED,
            ),
            Blocker::BadSignature { certificate } | Blocker::IssuerNotCa { certificate } => add(
                format!(
                    "\"{certificate}\" does not chain correctly to its issuer: reissue {cl}'s certificate from the pool's CA and check it with certutil -verify."
                ),
                ids::CHAIN_BAD_SIGNATURE,
            ),
            Blocker::PathRule {
                certificate,
                status,
            } => add(
                format!(
                    "\"{certificate}\" breaks a rule of path validation ({}): run certwiz inspect on {cl}'s certificate for the details, and reissue it from a CA whose constraints it meets.",
                    status.mark()
                ),
                crate::engine::rules::path_rule_finding_id(*status),
            ),
        }
    }
    (texts, finding_ids)
}

fn blocking_reasons(cell: &PoolCell) -> String {
    cell.reasons
        .iter()
        .take(cell.blockers.len())
        .cloned()
        .collect::<Vec<_>>()
        .join("; ")
}

fn about_client(finding: Finding, matrix: &PoolMatrix, client: usize) -> Finding {
    match matrix
        .members
        .get(client)
        .and_then(|m| m.certificate.as_ref())
    {
        Some(c) => finding.about(
            crate::engine::finding::CertificateRef {
                subject: c.subject.clone(),
                sha256: c.sha256.clone(),
            },
            Scope::Remote,
        ),
        None => finding,
    }
}

fn would_fail(matrix: &PoolMatrix, cell: &PoolCell) -> Finding {
    let (cl, sl) = (matrix.label(cell.client), matrix.label(cell.server));
    let server = matrix.members.get(cell.server);
    let port = server.map_or(0, |m| m.port);
    let certificate = matrix
        .members
        .get(cell.client)
        .and_then(|m| m.certificate.as_ref())
        .map(|c| format!(" \"{}\"", c.display_name))
        .unwrap_or_default();
    let (fixes, finding_ids) = remedies(matrix, cell);
    let mut finding = Finding::new(
        ids::POOL_MTLS_WOULD_FAIL,
        Severity::Fail,
        format!("{sl} would reject {cl} in mutual TLS"),
        format!(
            "When {cl} connects to {sl} on port {port}, it presents its own certificate{certificate} as the client certificate, and {sl} would refuse it: {}. Calls from {cl} to {sl} then fail (events 61013 / 30988 on {cl}, \"ReceiveFailure\" in the validation wizard).",
            blocking_reasons(cell)
        ),
        fixes.join(" "),
    );
    if let Some(server) = server {
        finding.commands = commands(&finding_ids, server);
    }
    about_client(finding, matrix, cell.client)
}

/// `rejected` is the cell that fails; the reverse cell is accepted.
fn asymmetric(matrix: &PoolMatrix, rejected: &PoolCell) -> Finding {
    let (cl, sl) = (matrix.label(rejected.client), matrix.label(rejected.server));
    let (fixes, finding_ids) = remedies(matrix, rejected);
    let mut finding = Finding::new(
        ids::POOL_TRUST_ASYMMETRIC,
        Severity::Fail,
        format!("Trust between {cl} and {sl} is one-way: {cl} accepts {sl}, {sl} rejects {cl}"),
        format!(
            "{sl} connecting to {cl} would work: {cl} accepts {sl}'s certificate. {cl} connecting to {sl} would not: {}. Members of a pool call each other in both directions (conferencing on 444, SIP on 5061), so every call from {cl} to {sl} fails. Usually the certificate chain of {cl} is installed on {cl} but not on {sl}.",
            blocking_reasons(rejected)
        ),
        format!(
            "Make the trust mutual: the certificate chain of {cl} must be installed on {sl}, as {sl}'s is on {cl}. {}",
            fixes.join(" ")
        ),
    );
    if let Some(server) = matrix.members.get(rejected.server) {
        finding.commands = commands(&finding_ids, server);
    }
    about_client(finding, matrix, rejected.client)
}

fn all_accept(matrix: &PoolMatrix, known: usize) -> Finding {
    let unknown: Vec<&str> = matrix
        .members
        .iter()
        .filter(|m| !m.client_known() || !m.server_known())
        .map(|m| m.label.as_str())
        .collect();
    let anchors = if matrix.trust_judged {
        ", builds to a --ca trust anchor"
    } else {
        ""
    };
    let (title, scope) = if unknown.is_empty() {
        (
            "Every member of the pool accepts every other in mutual TLS".to_owned(),
            String::new(),
        )
    } else {
        (
            "The members that answered accept each other in mutual TLS".to_owned(),
            format!(
                " {} could not be judged (see the findings about {}).",
                unknown.join(", "),
                if unknown.len() == 1 { "it" } else { "them" }
            ),
        )
    };
    Finding::new(
        ids::POOL_MTLS_OK,
        Severity::Pass,
        title,
        format!(
            "{known} ordered pair(s) checked: each server asks for a client certificate, and each calling member's certificate allows Client Authentication{anchors}, is in date, and (where the server sends a CA list) comes from a CA the server names.{scope}"
        ),
        "Nothing to do.",
    )
}

/// Everything a pool check produces: the probe facts, the matrix and the findings.
#[derive(Debug, Clone)]
pub struct PoolCheck {
    /// What the probes found.
    pub facts: PoolFacts,
    /// Who would accept whom.
    pub matrix: PoolMatrix,
    /// The findings, sorted.
    pub findings: Vec<Finding>,
}

/// Probes every member at once, decides the matrix and judges it.
pub fn check_pool(request: &PoolRequest, cancel: &CancelFlag, progress: &Progress) -> PoolCheck {
    let facts = probe_pool(request, cancel, progress);
    let matrix = decide(&facts.members, &request.trust_anchors, request.at);
    let findings = findings(&matrix);
    PoolCheck {
        facts,
        matrix,
        findings,
    }
}

/// Probes the pool and makes its report, with every member's steps in the timeline (the CLI's
/// `certwiz pool` and the wizard's step 9 share it).
pub fn pool_report(
    request: &PoolRequest,
    cancel: &CancelFlag,
    progress: &Progress,
) -> crate::engine::report::Report {
    pool_report_expecting(request, &[], cancel, progress)
}

/// [`pool_report`], and each member's certificate must carry `expected_names` too (the pool FQDN:
/// every front end answers for it): `cert.name-mismatch` names each member whose certificate lacks
/// one, `cert.name-match` when all carry them.
pub fn pool_report_expecting(
    request: &PoolRequest,
    expected_names: &[String],
    cancel: &CancelFlag,
    progress: &Progress,
) -> crate::engine::report::Report {
    let (progress, journal) = progress.journaled();
    let mut check = check_pool(request, cancel, &progress);
    if !expected_names.is_empty() {
        check.findings.extend(member_name_findings(
            &check.facts,
            &check.matrix,
            expected_names,
        ));
        sort_findings(&mut check.findings);
    }
    let mut steps = journal.entries();
    steps.sort_by_key(|e| e.at);
    crate::engine::report::Report::for_pool(check, Vec::new(), request.at, steps)
}

/// Most members one pool check takes (a Lync / Skype for Business pool has at most 12 front ends;
/// a saved report with more is refused).
pub const MAX_MEMBERS: usize = 64;

/// `cert.name-mismatch` for each member whose certificate lacks one of `expected` (or
/// `cert.name-match` when every member's carries them all).
fn member_name_findings(
    facts: &PoolFacts,
    matrix: &PoolMatrix,
    expected: &[String],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut checked = Vec::new();
    for (member, probe) in matrix.members.iter().zip(&facts.members) {
        let Some(leaf) = probe
            .handshake
            .as_ref()
            .and_then(|h| h.presented_chain.first())
        else {
            continue;
        };
        let names = crate::engine::names::check_names(leaf, expected);
        let missing: Vec<&str> = names
            .iter()
            .filter(|n| n.matched_by.is_none())
            .map(|n| n.expected.as_str())
            .collect();
        checked.push(member.label.clone());
        if missing.is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                ids::CERT_NAME_MISMATCH,
                Severity::Fail,
                format!(
                    "{}'s certificate does not carry the name {}",
                    member.label,
                    missing.join(", ")
                ),
                format!(
                    "Every front end of the pool answers for {}, but the certificate \"{}\" that {} presents names {}. Calls to the pool that land on {} fail (SEC_E_WRONG_PRINCIPAL, 0x80090322).",
                    missing.join(", "),
                    leaf.display_name,
                    member.label,
                    leaf.alternative_names_text(),
                    member.label
                ),
                format!(
                    "Request a certificate for {} whose Subject Alternative Name lists the pool FQDN and {}'s own FQDN (Request-CsCertificate, or the OCS Certificate Wizard's Subject Alternative Name page), then assign it.",
                    member.label, member.label
                ),
            )
            .about(leaf.reference(), Scope::Remote),
        );
    }
    if out.is_empty() && !checked.is_empty() {
        out.push(Finding::new(
            ids::CERT_NAME_MATCH,
            Severity::Pass,
            "Every member's certificate carries the expected names",
            format!("{} carry {}.", checked.join(", "), expected.join(", ")),
            "Nothing to do.",
        ));
    }
    out
}

/// Reads one member as typed: `host`, `host:port`, `[IPv6]:port`, optionally followed by an IP
/// address to connect to instead of resolving the name (`fe1.contoso.com:444 10.0.0.11`).
/// `address` (the command's `--address`) applies when the line names none.
pub fn parse_member(
    spec: &str,
    default_port: u16,
    address: Option<std::net::IpAddr>,
) -> Result<ProbeTarget, String> {
    let mut words = spec.split_whitespace();
    let name = words.next().unwrap_or_default();
    let connect = match words.next() {
        Some(ip) => Some(
            ip.parse::<std::net::IpAddr>()
                .map_err(|_| format!("{spec:?}: {ip:?} is not an IP address"))?,
        ),
        None => address,
    };
    if words.next().is_some() {
        return Err(format!(
            "{spec:?}: give a name, an optional :port and an optional IP address"
        ));
    }
    let (host, port) = if let Some(rest) = name.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("{spec:?}: an IPv6 address needs its closing ]"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err(format!("{spec:?}: unexpected text after the address")),
        };
        (host, port)
    } else {
        match name.rsplit_once(':') {
            Some((host, port)) if !host.contains(':') => (host, Some(port)),
            _ => (name, None),
        }
    };
    let port = match port {
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(format!("{spec:?}: {p:?} is not a port number (1-65535)")),
        },
        None => default_port,
    };
    let valid = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    if !valid {
        return Err(format!(
            "{spec:?}: not a server name (e.g. fe1.contoso.com or fe1.contoso.com:444)"
        ));
    }
    Ok(ProbeTarget {
        host: host.to_owned(),
        port,
        path: crate::engine::probe::DEFAULT_PATH.to_owned(),
        address: connect,
    })
}

#[cfg(test)]
mod member_tests {
    use super::parse_member;

    #[test]
    fn members_as_typed() {
        let t = parse_member("fe1.contoso.com", 444, None).expect("plain");
        assert_eq!(
            (t.host.as_str(), t.port, t.address),
            ("fe1.contoso.com", 444, None)
        );
        let t = parse_member("fe2.contoso.com:5061 10.0.0.12", 444, None).expect("port and ip");
        assert_eq!(t.port, 5061);
        assert_eq!(t.address, Some("10.0.0.12".parse().expect("ip")));
        let t = parse_member("[fe80::1]:444", 443, None).expect("v6");
        assert_eq!((t.host.as_str(), t.port), ("fe80::1", 444));
        let t = parse_member("fe3", 444, Some("127.0.0.1".parse().expect("ip"))).expect("global");
        assert_eq!(t.address, Some("127.0.0.1".parse().expect("ip")));
        for bad in ["fe1:0", "fe1:http", "fe 1 2", "fe1 notanip", "a/b", "[::1"] {
            assert!(parse_member(bad, 444, None).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::load::Origin;
    use crate::engine::probe::tcp::{AddressAttempt, ConnectFacts};
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose as Eku, IsCa, Issuer,
        KeyPair,
    };
    use std::sync::Arc;
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
        }
    }

    /// A member that answered TLS with `chain`, asking for a client certificate from `accepts`
    /// (`None`: no CertificateRequest).
    fn answered(host: &str, chain: &[&[u8]], accepts: Option<Vec<String>>) -> ProbeFacts {
        ProbeFacts {
            target: target(host, 444),
            connect: ConnectFacts {
                resolved_by: "dns".into(),
                resolve_error: None,
                attempts: vec![AddressAttempt {
                    address: "10.0.0.1:444".into(),
                    outcome: ConnectOutcome::Open,
                }],
                connected: Some("10.0.0.1:444".into()),
            },
            handshake: Some(HandshakeFacts {
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
            }),
            mutual_tls: None,
            browse: None,
            browse_with_certificate: None,
            cancelled: false,
            timings: probe::StepTimings::default(),
        }
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
            ids_of(&findings(&matrix)),
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
        let all = findings(&matrix);
        assert_eq!(all.len(), 12);
        assert!(all.iter().all(|f| f.id == ids::POOL_MTLS_WOULD_FAIL));
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
        let all = findings(&matrix);
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
        let all = findings(&matrix);
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
            ids_of(&findings(&matrix)),
            [("pool.too-few-members", Severity::Info)]
        );
        assert_eq!(
            ids_of(&findings(&decide(&[], &[], at()))),
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
}
