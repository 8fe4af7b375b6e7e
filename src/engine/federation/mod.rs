//! `federation`: check a partner's SIP domain as a federating Edge server would.
//!
//! An Edge server (Lync / Skype for Business open federation, public IM connectivity) finds a
//! partner's access edge through the partner's `_sipfederationtls._tcp.<domain>` SRV record, tries
//! the targets in RFC 2782 order and connects to each on its port (5061) with mutual TLS. So:
//! 1. [`dns`]: the SRV record (and the clients' `_sip._tls` record when the federation record is
//!    missing: partners do not use it, but it often names the same edge, so its targets are checked and
//!    the report says which record was used), then each target's addresses (`--resolve NAME=IP` and
//!    `--address IP` take precedence);
//! 2. every target that resolved is checked at the same time (one thread each) by the ordinary
//!    [`crate::engine::check::check`] producer with the target name as SNI and expected name: the
//!    chain against the trust anchors given (the system trust store, or `--ca` for labs and private
//!    federation), Client Authentication on the leaf and every CA above it
//!    (`cert.public-ca-no-client-auth` / `cert.client-auth-missing`), the client-certificate request
//!    and its CA list, and what answers on the port (SIP on 5061 where the check speaks it);
//! 3. [`judge`] turns the DNS facts and the targets into `federation.*` findings; each target's own
//!    findings join them, their titles prefixed with `host:port`.
//!
//! Nothing unresolved, timed out or not checked is ever judged a pass: `federation.ok` needs the
//! federation record itself, every target resolved and checked, and no failure.

pub mod direct_routing;
pub mod dns;
mod judge;

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

pub use crate::engine::facts::federation::{
    AddressSource, CLIENT_SRV_PREFIX, DnsOutcome, FEDERATION_SRV_PREFIX, FederationFacts,
    FederationTarget, SrvLookup, TargetStatus,
};
pub use judge::judge;

use crate::engine::check::{CheckRequest, check};
use crate::engine::finding::sort_findings;
use crate::engine::load::SourcedCertificate;
use crate::engine::names::check_names;
use crate::engine::ports::ProtocolChoice;
use crate::engine::probe::{DEFAULT_PATH, ProbePlan, ProbeTarget, TimelineEntry};
use crate::engine::progress::{CancelFlag, Progress};
use crate::engine::report::{Report, VerdictStatus};
use dns::{Dns, SrvRecord, rfc2782_order};

/// How many SRV targets are checked at once; more are listed as not checked.
pub const MAX_TARGETS: usize = 8;

/// What to check.
#[derive(Debug, Clone)]
pub struct FederationRequest {
    /// The partner's SIP domain (`contoso.com`).
    pub sip_domain: String,
    /// The DNS server to ask (`--dns-server`), or the computer's when `None`.
    pub dns_server: Option<SocketAddr>,
    /// `--resolve NAME=IP`: the address of a target name, instead of its A / AAAA records.
    pub resolve: Vec<(String, IpAddr)>,
    /// `--address IP`: connect every target here instead of resolving its name.
    pub address: Option<IpAddr>,
    /// `--port`: check this port instead of the SRV records' ports.
    pub port: Option<u16>,
    /// Bound of each DNS lookup and each network step.
    pub timeout: Duration,
    /// Trust anchors for the targets' chains: the system trust store (public CAs), or `--ca`.
    pub trust_anchors: Vec<SourcedCertificate>,
    /// Our Edge's certificate to present (`--pfx`, `--client-cert`): a partner's edge asks for it
    /// before it answers SIP.
    pub identity: Option<std::sync::Arc<crate::engine::probe::ClientIdentity>>,
    /// The certificates that came with it (for the partner's acceptable-CA list).
    pub client_chain: Vec<SourcedCertificate>,
    /// The instant dates are judged at.
    pub at: OffsetDateTime,
    /// What the inputs were.
    pub inputs: Vec<crate::engine::report::InputSummary>,
}

/// A target checked: its place in the facts and its own check report.
struct Checked {
    index: usize,
    report: Report,
}

/// Resolves, checks every target at once, judges, and builds the `federation` report.
pub fn federation(request: &FederationRequest, cancel: &CancelFlag, progress: &Progress) -> Report {
    let mut timeline = Vec::new();
    let dns_server = request
        .dns_server
        .map_or_else(|| "system".to_owned(), |a| a.to_string());
    let mut facts = FederationFacts {
        sip_domain: request.sip_domain.clone(),
        dns_server,
        lookups: Vec::new(),
        srv_used: None,
        targets: Vec::new(),
    };
    let dns = match Dns::new(request.dns_server, request.timeout) {
        Ok(dns) => Some(dns),
        Err(e) => {
            facts.lookups.push(SrvLookup {
                name: srv_name(FEDERATION_SRV_PREFIX, &request.sip_domain),
                outcome: DnsOutcome::Error,
                detail: e.to_string(),
                records: 0,
            });
            None
        }
    };
    if let Some(dns) = &dns {
        let records = lookup_srv(dns, request, cancel, &mut facts, &mut timeline);
        resolve_targets(dns, request, cancel, &records, &mut facts, &mut timeline);
    }
    let checked = check_targets(request, &facts, cancel, progress);
    let mut target_findings = Vec::new();
    // What a target's check could not look at (mutual TLS without our certificate, the SIP answer):
    // federation.ok is never claimed over it, and the summary names it.
    let mut unchecked = Vec::new();
    for Checked { index, report } in checked {
        let Some(target) = facts.targets.get_mut(index) else {
            continue;
        };
        absorb_target(target, &report, &request.sip_domain);
        let label = target.label();
        if let Some(probe) = &report.probe {
            unchecked.extend(
                crate::engine::check::unchecked_parts(probe)
                    .into_iter()
                    .map(|part| format!("{label}: {part}")),
            );
        }
        for mut finding in report.findings {
            finding.title = format!("{label}: {}", finding.title);
            target_findings.push(finding);
        }
        timeline.extend(
            report
                .timeline
                .into_iter()
                .filter(|e| !e.what.starts_with("certwiz ")),
        );
    }
    let cancelled = cancel.is_cancelled();
    let mut findings = judge(&facts, cancelled);
    findings.extend(target_findings);
    if !unchecked.is_empty()
        || findings
            .iter()
            .any(|f| f.severity == crate::engine::finding::Severity::Fail)
    {
        findings.retain(|f| f.id != crate::engine::finding::ids::FEDERATION_OK);
    }
    sort_findings(&mut findings);
    let mut report = Report::new("federation", findings, request.inputs.clone(), request.at);
    // The advice only where it helps: with our certificate given, what stayed unchecked has another
    // reason (a timeout, a close), which the parts already say.
    let advice = if request.identity.is_none() {
        "Give our Edge's certificate (--pfx or --client-cert and --client-key) to ask the partner's edges in SIP over mutual TLS."
    } else {
        ""
    };
    report.verdict.note_unchecked(&unchecked, advice);
    if cancelled {
        report.verdict.status = VerdictStatus::Cancelled;
        report.verdict.summary =
            "Cancelled before every target was checked: nothing unfinished was judged.".to_owned();
    }
    report.federation = Some(facts);
    timeline.append(&mut report.timeline);
    report.timeline = timeline;
    report
}

/// `_sipfederationtls._tcp.contoso.com`.
pub fn srv_name(prefix: &str, domain: &str) -> String {
    format!("{prefix}.{}", domain.trim().trim_end_matches('.'))
}

/// The federation record, then the clients' record when the federation record is missing (not when
/// DNS failed: a server that does not answer one will not answer the other either).
fn lookup_srv(
    dns: &Dns,
    request: &FederationRequest,
    cancel: &CancelFlag,
    facts: &mut FederationFacts,
    timeline: &mut Vec<TimelineEntry>,
) -> Vec<SrvRecord> {
    for prefix in [FEDERATION_SRV_PREFIX, CLIENT_SRV_PREFIX] {
        let name = srv_name(prefix, &request.sip_domain);
        if cancel.is_cancelled() {
            facts.lookups.push(SrvLookup {
                name,
                outcome: DnsOutcome::NotAsked,
                detail: String::new(),
                records: 0,
            });
            return Vec::new();
        }
        let started = Instant::now();
        let answer = dns.srv(&name);
        timeline.push(entry(
            format!("DNS SRV {name}"),
            answer_words(answer.outcome, answer.records.len(), &answer.detail),
            started,
        ));
        facts.lookups.push(SrvLookup {
            name: name.clone(),
            outcome: answer.outcome,
            detail: answer.detail,
            records: answer.records.len(),
        });
        match answer.outcome {
            DnsOutcome::Found => {
                facts.srv_used = Some(name);
                let mut records = answer.records;
                rfc2782_order(&mut records);
                return records;
            }
            DnsOutcome::NoRecords | DnsOutcome::NxDomain | DnsOutcome::ServiceRefused => {}
            _ => return Vec::new(),
        }
    }
    Vec::new()
}

/// Each target's address: `--resolve`, then `--address`, then its A / AAAA records.
fn resolve_targets(
    dns: &Dns,
    request: &FederationRequest,
    cancel: &CancelFlag,
    records: &[SrvRecord],
    facts: &mut FederationFacts,
    timeline: &mut Vec<TimelineEntry>,
) {
    for (i, record) in records.iter().enumerate() {
        let mut target = FederationTarget {
            host: record.target.clone(),
            port: request.port.unwrap_or(record.port),
            priority: record.priority,
            weight: record.weight,
            address_source: AddressSource::Dns,
            addresses: Vec::new(),
            resolve_error: None,
            status: TargetStatus::NotChecked,
            names: Vec::new(),
            client_certificate_requested: None,
            acceptable_ca_names: Vec::new(),
            verdict: None,
            failures: 0,
            warnings: 0,
        };
        let given = request
            .resolve
            .iter()
            .find(|(name, _)| {
                name.trim_end_matches('.')
                    .eq_ignore_ascii_case(&record.target)
            })
            .map(|(_, ip)| *ip);
        if i >= MAX_TARGETS || cancel.is_cancelled() {
            // Listed, not checked (the judge says so).
        } else if let Some(ip) = given {
            target.address_source = AddressSource::ResolveOption;
            target.addresses = vec![ip.to_string()];
            target.status = TargetStatus::Checked;
        } else if let Some(ip) = request.address {
            target.address_source = AddressSource::AddressOption;
            target.addresses = vec![ip.to_string()];
            target.status = TargetStatus::Checked;
        } else {
            let started = Instant::now();
            let answer = dns.addresses(&record.target);
            timeline.push(entry(
                format!("DNS A/AAAA {}", record.target),
                answer_words(answer.outcome, answer.records.len(), &answer.detail),
                started,
            ));
            if answer.outcome == DnsOutcome::Found {
                target.addresses = answer.records.iter().map(IpAddr::to_string).collect();
                target.status = TargetStatus::Checked;
            } else {
                target.status = TargetStatus::Unresolvable;
                target.resolve_error = Some(format!(
                    "{}{}",
                    answer.outcome.label(),
                    if answer.detail.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", answer.detail)
                    }
                ));
            }
        }
        facts.targets.push(target);
    }
}

/// Runs the ordinary check against every target marked to check, all at once.
fn check_targets(
    request: &FederationRequest,
    facts: &FederationFacts,
    cancel: &CancelFlag,
    progress: &Progress,
) -> Vec<Checked> {
    let plans: Vec<(usize, CheckRequest, Progress)> = facts
        .targets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.status == TargetStatus::Checked)
        .filter_map(|(index, t)| {
            let address = t.addresses.first()?.parse::<IpAddr>().ok()?;
            let check_request = CheckRequest {
                plan: ProbePlan {
                    target: ProbeTarget {
                        host: t.host.clone(),
                        port: t.port,
                        path: DEFAULT_PATH.to_owned(),
                        address: Some(address),
                        // A federation SRV record names SIP servers, whatever their port.
                        protocol: ProtocolChoice::Sip,
                    },
                    timeout: request.timeout,
                    identity: request.identity.clone(),
                },
                trust_anchors: request.trust_anchors.clone(),
                expected_names: Vec::new(),
                local_certificate: None,
                client_chain: request.client_chain.clone(),
                at: request.at,
                inputs: Vec::new(),
                fetch: None,
            };
            Some((index, check_request, progress.labelled(&t.label())))
        })
        .collect();
    std::thread::scope(|scope| {
        let running: Vec<_> = plans
            .iter()
            .map(|(index, check_request, progress)| {
                let handle = std::thread::Builder::new()
                    .name("certwiz-federation-target".into())
                    .spawn_scoped(scope, move || check(check_request, cancel, progress));
                (*index, handle)
            })
            .collect();
        running
            .into_iter()
            .filter_map(|(index, handle)| {
                let report = handle.ok()?.join().ok()?;
                Some(Checked { index, report })
            })
            .collect()
    })
}

/// What a target's check showed, into its facts: the names, the client-certificate request and its
/// CA list, the verdict.
fn absorb_target(target: &mut FederationTarget, report: &Report, sip_domain: &str) {
    if let Some(leaf) = &report.certificate {
        let mut expected = vec![target.host.clone()];
        let domain = sip_domain.trim().trim_end_matches('.').to_owned();
        if !domain.eq_ignore_ascii_case(&target.host) {
            expected.push(domain);
        }
        target.names = check_names(leaf, &expected);
    }
    if let Some(h) = report.probe.as_ref().and_then(|p| p.handshake.as_ref()) {
        target.client_certificate_requested = Some(h.certificate_requested);
        target.acceptable_ca_names = h.acceptable_ca_names.clone();
    }
    target.verdict = Some(report.verdict.status.as_str().to_owned());
    target.failures = report.verdict.failures;
    target.warnings = report.verdict.warnings;
}

fn entry(what: String, result: String, started: Instant) -> TimelineEntry {
    TimelineEntry {
        at: OffsetDateTime::now_utc(),
        what,
        result,
        elapsed_ms: Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)),
    }
}

fn answer_words(outcome: DnsOutcome, records: usize, detail: &str) -> String {
    match outcome {
        DnsOutcome::Found => format!("{records} record(s)"),
        _ if detail.is_empty() => outcome.label().to_owned(),
        _ => format!("{}: {detail}", outcome.label()),
    }
}
