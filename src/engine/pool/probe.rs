//! The pool's network part: every member probed at the same time (one thread each, connect and
//! the recording handshake only), each summary labelled with the member's name.

use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::engine::load::SourcedCertificate;

use serde::{Deserialize, Serialize};

use crate::engine::probe::tls::HandshakeOutcome;
use crate::engine::probe::{self, HandshakeFacts, ProbeFacts, ProbePlan, ProbeTarget};
use crate::engine::progress::{CancelFlag, Progress};

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
    ProbeFacts::up_to_handshake(
        plan.target.clone(),
        probe::tcp::ConnectFacts {
            resolved_by: String::new(),
            resolve_error: None,
            attempts: Vec::new(),
            connected: None,
        },
        Some(HandshakeFacts {
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
            engine: None,
            requested_after_handshake: None,
            insecure_renegotiation: false,
        }),
    )
}

/// The targets without repeats (same host, ignoring case, same port and address), first one kept.
pub(super) fn distinct_targets(targets: &[ProbeTarget]) -> Vec<&ProbeTarget> {
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
pub(super) fn member_labels(targets: &[&ProbeTarget]) -> Vec<String> {
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
