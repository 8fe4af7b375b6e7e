//! `check`: run the network probe against a server and judge what it found, together with the
//! certification path the server presented. [`judge`] is pure (facts in, findings out) and is what the
//! tests exercise most.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::engine::cert::CertificateFacts;
use crate::engine::finding::{Finding, Scope, Severity, ids, sort_findings};
use crate::engine::inspect::{InspectRequest, inspect_fetching};
use crate::engine::load::{Origin, SourcedCertificate};
use crate::engine::names::{NameCheck, check_names};
use crate::engine::path::{CandidatePool, CertificationPath};
use crate::engine::probe::browse::{AnswerKind, BrowseFacts, BrowseOutcome};
use crate::engine::probe::http::ClientCertificateAnswer;
use crate::engine::probe::tcp::ConnectOutcome;
use crate::engine::probe::tls::HandshakeOutcome;
use crate::engine::probe::{self, ProbeFacts, ProbePlan};
use crate::engine::progress::{CancelFlag, Progress};
use crate::engine::purpose::{PurposeAnalysis, StorePurposes};
use crate::engine::report::{CheckPart, Coverage, InputSummary, Report, Verdict, VerdictStatus};
use crate::engine::revocation::{self, FetchOptions, RevocationFacts};
use crate::engine::rules::{PathFacts, judge_path};

pub use crate::engine::ports::MTLS_PORTS;

/// What to check and what to judge it against.
#[derive(Debug)]
pub struct CheckRequest {
    /// The network plan (target, timeout, client certificate).
    pub plan: ProbePlan,
    /// Trust anchors for the server's chain and issuers of the client certificate (`--ca`).
    pub trust_anchors: Vec<SourcedCertificate>,
    /// Names the server certificate must carry besides HOST (`--expect-name`).
    pub expected_names: Vec<String>,
    /// The local certificate to compare with what the server presents (`--cert`).
    pub local_certificate: Option<SourcedCertificate>,
    /// Certificates whose issuers the server's acceptable-CA list should name: the client chain, or
    /// `--cert` and its companions.
    pub client_chain: Vec<SourcedCertificate>,
    /// The instant dates are judged at.
    pub at: OffsetDateTime,
    /// What the inputs were.
    pub inputs: Vec<InputSummary>,
    /// Also download missing intermediates and check revocation of the presented path (`--fetch`).
    pub fetch: Option<FetchOptions>,
}

/// Runs the probe and judges it. With `request.fetch`, the presented path's missing issuers are
/// downloaded and its CRL / OCSP URLs contacted after the probe.
pub fn check(request: &CheckRequest, cancel: &CancelFlag, progress: &Progress) -> Report {
    let (progress, journal) = progress.journaled();
    let progress = &progress;
    let facts = probe::run(&request.plan, cancel, progress);
    let revocation = match (request.fetch, &facts.handshake) {
        (Some(options), Some(h)) if !cancel.is_cancelled() => {
            presented_pool(&h.presented_der, &request.trust_anchors, &[]).and_then(
                |(mut pool, leaf)| {
                    revocation::run(
                        &mut pool,
                        leaf,
                        Scope::Remote,
                        request.at,
                        options,
                        cancel,
                        progress,
                    )
                    .ok()
                    .map(|(_, facts)| facts)
                },
            )
        }
        _ => None,
    };
    let mut judged = judge_with(&facts, request, revocation.as_ref());
    if request.fetch.is_some() && revocation.is_none() && !cancel.is_cancelled() {
        // Asked for, but there was no chain to check: say so rather than stay silent.
        judged.findings.push(Finding::new(
            ids::REVOCATION_NOT_CHECKED,
            Severity::Info,
            "Revocation was not checked: no presented certificate could be read",
            "--fetch checks the certificates the server presents; none could be read from this check (no completed handshake, or a certificate certwiz cannot parse). The other findings say what happened.",
            "Fix what stops the handshake, then check again; the local certificate's revocation is checked with certwiz inspect --fetch.",
        ));
        sort_findings(&mut judged.findings);
    }
    let cancelled = facts.cancelled || cancel.is_cancelled();
    let coverage = cancelled.then(|| {
        Coverage::of(
            &facts,
            request.plan.identity.is_some(),
            request.fetch.is_some(),
            revocation.as_ref(),
        )
    });
    let mut report = report(request, facts, judged);
    report.revocation = revocation;
    if let Some(coverage) = coverage {
        report.mark_cancelled(&coverage);
    }
    let mut timeline = journal.entries();
    timeline.append(&mut report.timeline);
    report.timeline = timeline;
    report
}

/// The report of a network check: what the probe found, judged.
pub fn report(request: &CheckRequest, probe: ProbeFacts, judged: Judgement) -> Report {
    let mut client_issuers = Vec::new();
    for cert in &request.client_chain {
        if let Ok(f) = CertificateFacts::from_der(&cert.der) {
            if !client_issuers.contains(&f.issuer) {
                client_issuers.push(f.issuer.clone());
            }
            if f.is_ca && !client_issuers.contains(&f.subject) {
                client_issuers.push(f.subject);
            }
        }
    }
    let mut report = Report::new("check", judged.findings, request.inputs.clone(), request.at);
    report.certificate = judged
        .path
        .as_ref()
        .and_then(|p| p.leaf())
        .map(|n| n.certificate.clone());
    report.path = judged.path;
    report.purposes = judged.purposes;
    report.names = judged.names;
    report.timings = Some(probe.timings.clone());
    // A verdict covers only what was checked: "No problems found" never stands for a mutual TLS
    // or a SIP answer nobody saw.
    report.verdict.note_unchecked(&unchecked_parts(&probe), "");
    report.probe = Some(probe);
    report.client_issuers = client_issuers;
    report
}

/// What a check could not look at that its verdict would otherwise seem to cover: mutual TLS with a
/// server that asks for a client certificate (or listens on a mutual-TLS port), and the SIP answer on
/// a SIP port. Each with its reason, in words.
pub fn unchecked_parts(probe: &ProbeFacts) -> Vec<String> {
    let mut out = Vec::new();
    let Some(handshake) = probe
        .handshake
        .as_ref()
        .filter(|h| h.outcome == HandshakeOutcome::Completed)
    else {
        return out;
    };
    let wants_mtls = handshake.certificate_requested
        || crate::engine::ports::MTLS_PORTS.contains(&probe.target.port);
    if wants_mtls
        && probe.mutual_tls.is_none()
        && let Some(reason) = probe.not_tried_reason(probe::ProbeStep::MutualTls)
    {
        out.push(format!("mutual TLS ({reason})"));
    }
    out.extend(crate::engine::sip_rules::sip_unanswered(probe));
    out
}

/// The judgement of a probe: the presented path analysed and every finding.
#[derive(Debug, Clone)]
pub struct Judgement {
    /// The path of the presented chain, when the server presented one.
    pub path: Option<CertificationPath>,
    /// Its purposes.
    pub purposes: Option<PurposeAnalysis>,
    /// Names checked on the presented certificate.
    pub names: Vec<NameCheck>,
    /// All findings, sorted.
    pub findings: Vec<Finding>,
}

/// Judges probe facts. Pure: the same facts give the same findings.
pub fn judge(facts: &ProbeFacts, request: &CheckRequest) -> Judgement {
    judge_with(facts, request, None)
}

/// [`judge`], with what the revocation fetches found: downloaded issuers join the presented chain's
/// pool, and the revocation findings join the others. Pure as well.
pub fn judge_with(
    facts: &ProbeFacts,
    request: &CheckRequest,
    revocation: Option<&RevocationFacts>,
) -> Judgement {
    let mut findings = Vec::new();
    let target = &facts.target;
    connect_findings(facts, &mut findings);
    let mut path = None;
    let mut purposes = None;
    let mut names = Vec::new();
    if let Some(h) = &facts.handshake {
        handshake_findings(facts, h, request, &mut findings);
        let downloaded = revocation
            .map(RevocationFacts::downloaded)
            .unwrap_or_default();
        if let Some(analysis) = presented_path(
            h.presented_der.as_slice(),
            &request.trust_anchors,
            request.at,
            &downloaded,
        ) {
            let mut expected = vec![
                target
                    .host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_owned(),
            ];
            for name in &request.expected_names {
                if !expected.iter().any(|e| e.eq_ignore_ascii_case(name)) {
                    expected.push(name.clone());
                }
            }
            if let Some(leaf) = analysis.0.leaf() {
                names = check_names(&leaf.certificate, &expected);
            }
            findings.extend(judge_path(&PathFacts {
                path: &analysis.0,
                purposes: &analysis.1,
                names: &names,
                scope: Scope::Remote,
                trust_anchors_given: !request.trust_anchors.is_empty(),
                at: request.at,
            }));
            compare_with_local(&analysis.0, request, &mut findings);
            path = Some(analysis.0);
            purposes = Some(analysis.1);
        }
    }
    // Without a CertificateRequest no client certificate was presented: there is no mutual TLS to judge
    // (tls.no-client-cert-request says so).
    let requested = facts
        .handshake
        .as_ref()
        .is_some_and(|h| h.certificate_requested);
    if let (Some(m), true) = (&facts.mutual_tls, requested) {
        let mut mtls = Vec::new();
        mtls_findings(facts, m, &mut mtls);
        explain_rejection(request, &mut mtls, &mut findings);
        findings.extend(mtls);
    }
    browse_findings(facts, &mut findings);
    if target.speaks_sip() {
        crate::engine::sip_rules::sip_findings(facts, &mut findings);
    }
    // Fetches a cancel stopped are not judged: an unanswered URL is not "offline".
    if let Some(revocation) = revocation.filter(|r| !r.cancelled) {
        findings.extend(revocation::judge(revocation, request.at));
    }
    sort_findings(&mut findings);
    crate::engine::fixes::attach(
        &mut findings,
        &crate::engine::fixes::FixContext {
            host: Some(target.host.clone()),
            port: Some(target.port),
            site: None,
            path: path
                .as_ref()
                .map(crate::engine::fixes::PathValues::of)
                .unwrap_or_default(),
        },
    );
    Judgement {
        path,
        purposes,
        names,
        findings,
    }
}

fn addresses(facts: &ProbeFacts) -> String {
    facts.connect.tried_text("(none)")
}

fn connect_findings(facts: &ProbeFacts, out: &mut Vec<Finding>) {
    let t = &facts.target;
    let c = &facts.connect;
    if let Some(reason) = &c.resolve_error {
        out.push(Finding::new(
            ids::PORT_DNS_FAILED,
            Severity::Fail,
            format!("The name {} could not be resolved", t.host),
            format!("{reason}. Without an address nothing can be checked."),
            format!(
                "Check the name for typos and that this machine uses the internal DNS servers (nslookup {}). To test a specific server, give its address with --address and keep the FQDN as HOST.",
                t.host
            ),
        ));
        return;
    }
    if facts.cancelled
        && !c.is_open()
        && c.attempts
            .iter()
            .all(|a| a.outcome == ConnectOutcome::NotTried)
    {
        // Cancelled before any address answered: nothing about the port is known.
        return;
    }
    if c.is_open() {
        out.push(Finding::new(
            ids::PORT_OPEN,
            Severity::Pass,
            format!("Port {} is open on {}", t.port, t.host),
            format!(
                "TCP connected to {} (tried: {}).",
                c.connected.as_deref().unwrap_or(""),
                addresses(facts)
            ),
            "Nothing to do.",
        ));
        return;
    }
    let refused = c
        .attempts
        .iter()
        .any(|a| a.outcome == ConnectOutcome::Refused);
    let timed_out = c
        .attempts
        .iter()
        .any(|a| a.outcome == ConnectOutcome::Timeout);
    let other = c.other_failures();
    if refused {
        out.push(Finding::new(
            ids::PORT_CLOSED,
            Severity::Fail,
            format!("Nothing listens on port {} of {}", t.port, t.host),
            format!(
                "The server refused the connection on port {} (tried: {}). The conferencing service is not running, or it listens on another port or address.",
                t.port,
                addresses(facts)
            ),
            format!(
                "On the server: netstat -ano | findstr :{} shows whether anything listens. Start the conferencing services (OCS: the Web Conferencing / IM Conferencing services; Lync/SfB: Start-CsWindowsService), and check the port in the topology.",
                t.port
            ),
        ));
    } else if timed_out || other.is_empty() {
        out.push(Finding::new(
            ids::PORT_TIMEOUT,
            Severity::Fail,
            format!("No answer from port {} of {}", t.port, t.host),
            format!(
                "Connecting to {} got no answer at all: a firewall drops the packets, or the host is down or unreachable from here.",
                addresses(facts)
            ),
            format!(
                "Check Windows Firewall on the server (an inbound rule for TCP {}) and any firewall in between; from this machine, Test-NetConnection {} -Port {}.",
                t.port, t.host, t.port
            ),
        ));
    } else {
        out.push(Finding::new(
            ids::PORT_TIMEOUT,
            Severity::Fail,
            format!("Port {} of {} cannot be reached", t.port, t.host),
            format!("Connecting failed: {}.", other.join("; ")),
            format!(
                "Check the route and firewall to {} (Test-NetConnection {} -Port {}).",
                t.host, t.host, t.port
            ),
        ));
    }
}

fn handshake_findings(
    facts: &ProbeFacts,
    h: &probe::HandshakeFacts,
    request: &CheckRequest,
    out: &mut Vec<Finding>,
) {
    let t = &facts.target;
    match &h.outcome {
        HandshakeOutcome::Silent => out.push(Finding::new(
            ids::PORT_SILENT,
            Severity::Fail,
            format!("Port {} of {} accepts connections but never answers TLS", t.port, t.host),
            format!(
                "TCP connected, certwiz sent a TLS ClientHello, and nothing came back within {} s. A service that hangs, or something that is not a TLS server, holds the port.",
                request.plan.timeout.as_secs()
            ),
            format!("On the server, find the owner of the port (netstat -ano | findstr :{}) and restart that service.", t.port),
        )),
        HandshakeOutcome::Stalled { bytes_received } => out.push(Finding::new(
            ids::PORT_SILENT,
            Severity::Fail,
            format!("Port {} of {} started answering TLS, then stopped", t.port, t.host),
            format!(
                "Only {bytes_received} bytes came back within {} s, and the handshake did not finish: an overloaded service or a network device that holds the traffic.",
                request.plan.timeout.as_secs()
            ),
            "Retry with a larger --timeout; if it persists, capture the traffic (netsh trace start capture=yes) and restart the service that owns the port.",
        )),
        HandshakeOutcome::NotTls { answer } => out.push(Finding::new(
            ids::PORT_NOT_TLS,
            Severity::Fail,
            format!("Port {} of {} does not speak TLS", t.port, t.host),
            format!("certwiz sent a TLS ClientHello and got {answer}. The conferencing endpoint must answer with TLS."),
            format!(
                "Find what owns port {} (netstat -ano | findstr :{}; in IIS Manager, a site bound with http instead of https) and move it off the conferencing port.",
                t.port, t.port
            ),
        )),
        HandshakeOutcome::LegacyOnly { detail } => out.push(Finding::new(
            ids::TLS_LEGACY_ONLY,
            Severity::Warn,
            format!("{} speaks only TLS 1.0 / 1.1 on port {}", t.host, t.port),
            format!(
                "The server does not speak TLS 1.2 or 1.3 ({detail}). That is normal for OCS 2007 on Windows Server 2003/2008, but newer servers and clients refuse TLS 1.0.{}",
                if let Some(engine) = &h.engine {
                    format!(
                        " certwiz completed the handshake with its second TLS engine ({}: {}), {}{}, and tried mutual TLS and the browse through it.",
                        engine.engine,
                        h.version_text().unwrap_or_default(),
                        engine.reason,
                        if h.insecure_renegotiation {
                            "; the server lacks RFC 5746 secure renegotiation (unpatched Windows Server 2003), which certwiz allowed in order to connect"
                        } else {
                            ""
                        }
                    )
                } else if h.legacy {
                    " certwiz read the server's certificates and its acceptable-CA list from the clear-text TLS 1.0 handshake (below), but cannot complete it, so mutual TLS and the browse were not tried.".to_owned()
                } else {
                    match &h.legacy_error {
                        Some(why) => format!(" certwiz could not read its certificate from a TLS 1.0 handshake either ({why})."),
                        None => " certwiz could not read its certificate from a TLS 1.0 handshake either.".to_owned(),
                    }
                }
            ),
            "On Windows Server 2008 R2 and later, enable TLS 1.2 for Schannel (KB 3140245 and the SCHANNEL\\Protocols registry keys), then restart the server.",
        )),
        HandshakeOutcome::RemoteClosed { .. } if h.presented_der.is_empty() => out.push(Finding::new(
            ids::TLS_REMOTE_CLOSED,
            Severity::Fail,
            format!("{} closed the connection during the TLS handshake", t.host),
            "The server dropped the connection right after certwiz's ClientHello, before showing a certificate. Schannel does this when its certificate binding is broken (HttpEvent 15021), or when it has no usable certificate for the port.",
            format!(
                "On the server: netsh http show sslcert ipport=0.0.0.0:{} to see the bound certificate; check the System log for Schannel and HttpEvent errors; re-assign the certificate (Set-CsCertificate, or the OCS Certificate Wizard).",
                t.port
            ),
        )),
        HandshakeOutcome::Alert { alert, .. } if !h.certificate_requested => out.push(Finding::new(
            ids::TLS_HANDSHAKE_FAILED,
            Severity::Fail,
            format!("{} refused the TLS handshake ({alert})", t.host),
            format!("The server sent the TLS alert {alert} before asking for a client certificate: it and certwiz share no protocol version or cipher, or its certificate is unusable."),
            "Check the System event log on the server for Schannel 36874 / 36888 and compare its enabled protocols and ciphers.",
        )),
        HandshakeOutcome::Failed { reason } => out.push(Finding::new(
            ids::TLS_HANDSHAKE_FAILED,
            Severity::Fail,
            format!("The TLS handshake with {} failed", t.host),
            format!("{reason}."),
            "Check the System event log on the server for Schannel errors.",
        )),
        _ => {}
    }
    if h.presented_der.is_empty() {
        return;
    }
    if let Some(how) = &h.requested_after_handshake {
        out.push(Finding::new(
            ids::TLS_CLIENT_CERT_REQUESTED_AFTER_HANDSHAKE,
            Severity::Info,
            format!("{} asks for the client certificate only after the handshake ({how})", t.host),
            format!(
                "The TLS handshake itself has no CertificateRequest; the server asks by {how} once the request for {} arrives. certwiz answered through its second TLS engine (OpenSSL), since rustls does neither. Other Schannel servers and older clients may not answer such a late request, and an admin reading a handshake capture sees no request at all.",
                t.path
            ),
            format!(
                "On IIS / HTTP.SYS, enable \"Negotiate Client Certificate\" on the binding so the certificate is asked for in the handshake: netsh http show sslcert ipport=0.0.0.0:{} shows it; netsh http update sslcert ipport=0.0.0.0:{} ... clientcertnegotiation=enable sets it. On Apache, move SSLVerifyClient require from <Location> / <Directory> to the virtual host.",
                t.port, t.port
            ),
        ));
    }
    // The default path is the MCU Factory's: a check of /LiveServer/... expects mutual TLS on any port.
    let mtls_port = MTLS_PORTS.contains(&t.port)
        || t.speaks_sip()
        || t.path.to_ascii_lowercase().starts_with("/liveserver/");
    if !h.certificate_requested {
        out.push(Finding::new(
            ids::TLS_NO_CLIENT_CERT_REQUEST,
            if mtls_port { Severity::Fail } else { Severity::Info },
            format!("The server on port {} does not ask for a client certificate", t.port),
            if t.speaks_sip() {
                format!(
                    "Port {} speaks SIP ({}) between servers (front ends, Directors, Edges, Mediation servers, SBCs), which trust each other by mutual TLS: the SIP listener must ask for the calling server's certificate. This one does not, so a federation partner or a pool server calling it cannot present its certificate.",
                    t.port,
                    t.spoken().1
                )
            } else if mtls_port {
                format!(
                    "Port {} carries mutual TLS between conferencing servers: the MCU Factory / Focus must ask for the calling server's certificate. This one does not, so it is not the conferencing endpoint (event 61030: \"did not receive a certificate from the client\").",
                    t.port
                )
            } else {
                "The server completed TLS without asking for a client certificate.".to_owned()
            },
            if t.speaks_sip() {
                format!(
                    "Check the SIP server's TLS settings on port {} (Kamailio: verify_certificate / require_certificate; an SBC: its TLS profile's client authentication; Lync / SfB: the certificate assigned to the SIP listener, Get-CsCertificate) and what listens on it (netstat -ano | findstr :{}).",
                    t.port, t.port
                )
            } else {
                format!(
                    "See what answers on https://{}:{}{} (below). If it is another web site, move it off port {}.",
                    t.host, t.port, t.path, t.port
                )
            },
        ));
        return;
    }
    ca_list_findings(facts, h, request, out);
}

fn ca_list_findings(
    facts: &ProbeFacts,
    h: &probe::HandshakeFacts,
    request: &CheckRequest,
    out: &mut Vec<Finding>,
) {
    let t = &facts.target;
    if h.acceptable_ca_names.is_empty() {
        out.push(Finding::new(
            ids::TLS_CLIENT_CA_LIST_EMPTY,
            Severity::Warn,
            format!("{} asks for a client certificate but names no acceptable CA", t.host),
            "The CertificateRequest carries an empty list of trusted CAs. Schannel sends none when SendTrustedIssuerList is 0 (KB 933430), or when the Trusted Root store is too large to fit (over ~100 roots or 16 KB, KB 2880390). A client then has to guess which certificate to send.",
            "On the server, trim the Trusted Root Certification Authorities store to the CAs you need; or set HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\SendTrustedIssuerList to 0 deliberately (Lync/SfB guidance) and make sure each server has only one certificate valid for client authentication.",
        ));
        return;
    }
    let issuers = client_issuer_names(request);
    if issuers.is_empty() {
        return;
    }
    let hit = acceptable_ca_match(&h.acceptable_ca_names, &issuers);
    match hit {
        Some(name) => out.push(Finding::new(
            ids::TLS_CLIENT_CA_LIST_INCLUDES_ISSUER,
            Severity::Pass,
            format!("{} accepts client certificates from \"{name}\"", t.host),
            format!(
                "The server's list of {} acceptable CAs names \"{name}\", which is in the client certificate's path.",
                h.acceptable_ca_names.len()
            ),
            "Nothing to do.",
        )),
        None => out.push(Finding::new(
            ids::TLS_CLIENT_CA_LIST_EXCLUDES_ISSUER,
            Severity::Fail,
            format!("{} does not list the CA of our client certificate", t.host),
            format!(
                "The server accepts client certificates from {} CA(s): {}. None of them is in our client certificate's path ({}). Windows will not present the certificate, or the server will reject it (unknown_ca).",
                h.acceptable_ca_names.len(),
                h.acceptable_ca_names.iter().take(8).cloned().collect::<Vec<_>>().join("; "),
                issuers.join("; ")
            ),
            "Install our root CA in the server's Trusted Root Certification Authorities store (certutil -addstore Root root-ca.cer) and our intermediate in Intermediate Certification Authorities (certutil -addstore CA issuing-ca.cer), then restart its conferencing services. Do the same the other way round.",
        )),
    }
}

/// The names of every CA in the client certificate's path, as far as the given files show it.
fn client_issuer_names(request: &CheckRequest) -> Vec<String> {
    let facts: Vec<CertificateFacts> = request
        .client_chain
        .iter()
        .filter_map(|cert| CertificateFacts::from_der(&cert.der).ok())
        .collect();
    chain_ca_names(&facts)
}

/// The names of the CAs in a chain, as Windows shows names: each certificate's issuer, and its own
/// subject when it is a CA, in the chain's order and without repeats. A server's acceptable-CA list
/// must name one of them for a client to present (and the server to accept) a certificate of the
/// chain.
pub fn chain_ca_names<'a>(chain: impl IntoIterator<Item = &'a CertificateFacts>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for facts in chain {
        if !names.contains(&facts.issuer) {
            names.push(facts.issuer.clone());
        }
        if facts.is_ca && !names.contains(&facts.subject) {
            names.push(facts.subject.clone());
        }
    }
    names
}

/// The first of `chain_ca_names` that a server's acceptable-CA list names. Names are compared as
/// Windows shows them, ignoring case and runs of white space.
pub fn acceptable_ca_match<'a>(
    acceptable: &[String],
    chain_ca_names: &'a [String],
) -> Option<&'a String> {
    let norm = |s: &str| {
        s.to_ascii_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let listed: Vec<String> = acceptable.iter().map(|n| norm(n)).collect();
    chain_ca_names.iter().find(|i| listed.contains(&norm(i)))
}

/// The certification path of a chain a server presented (leaf first), built with `anchors` as the
/// trust anchors and `downloaded` issuers as candidates, judged at `at`, with its purposes (a
/// presented certificate has no store purpose setting). `None` when nothing was presented or the
/// leaf cannot be read.
pub fn presented_path(
    presented: &[Arc<[u8]>],
    anchors: &[SourcedCertificate],
    at: OffsetDateTime,
    downloaded: &[SourcedCertificate],
) -> Option<(CertificationPath, PurposeAnalysis)> {
    let (pool, leaf) = presented_pool(presented, anchors, downloaded)?;
    let path = pool.build_path(leaf, at).ok()?;
    let purposes = PurposeAnalysis::of_path(&path, &|_| StorePurposes::AllEnabled);
    Some((path, purposes))
}

/// The pool of the presented chain, the trust anchors and `downloaded` issuers, with the index of the
/// presented leaf.
fn presented_pool(
    presented: &[Arc<[u8]>],
    anchors: &[SourcedCertificate],
    downloaded: &[SourcedCertificate],
) -> Option<(CandidatePool, usize)> {
    let first = presented.first()?;
    let mut pool = CandidatePool::new();
    let mut leaf = None;
    for (i, der) in presented.iter().enumerate() {
        let cert = SourcedCertificate {
            der: Arc::clone(der),
            origin: Origin {
                source: "presented by the server".into(),
                position: i + 1,
            },
        };
        if let Ok(index) = pool.add(&cert, false)
            && Arc::ptr_eq(der, first)
        {
            leaf = Some(index);
        }
    }
    for anchor in anchors {
        let _ = pool.add(anchor, true);
    }
    for cert in downloaded {
        let _ = pool.add(cert, false);
    }
    Some((pool, leaf?))
}

fn compare_with_local(path: &CertificationPath, request: &CheckRequest, out: &mut Vec<Finding>) {
    let (Some(local), Some(remote)) = (&request.local_certificate, path.leaf()) else {
        return;
    };
    let Ok(local) = CertificateFacts::from_der(&local.der) else {
        return;
    };
    let remote = &remote.certificate;
    if local.sha256 == remote.sha256 {
        out.push(
            Finding::new(
                ids::CERT_PRESENTED_IS_LOCAL,
                Severity::Pass,
                "The server presents the local certificate",
                format!(
                    "The certificate on the port is \"{}\" ({}), the one given with --cert.",
                    remote.display_name, remote.thumbprint_sha1
                ),
                "Nothing to do.",
            )
            .about(remote.reference(), Scope::Remote),
        );
    } else {
        let same_issuer = local.issuer == remote.issuer;
        out.push(
            Finding::new(
                ids::CERT_PRESENTED_DIFFERS,
                Severity::Warn,
                "The server presents a different certificate than the local one",
                format!(
                    "The port presents \"{}\" (thumbprint {}, issued by {}), not the --cert certificate \"{}\" (thumbprint {}, issued by {}){}.",
                    remote.display_name,
                    remote.thumbprint_sha1,
                    remote.issuer,
                    local.display_name,
                    local.thumbprint_sha1,
                    local.issuer,
                    if same_issuer { "; both come from the same CA" } else { "; they come from different CAs" }
                ),
                "Make sure the certificate assigned to the conferencing service is the one bound to the port: netsh http show sslcert ipport=0.0.0.0:444 shows the bound thumbprint; Get-CsCertificate (Lync/SfB) or the OCS Certificate Wizard shows the assigned one.",
            )
            .about(remote.reference(), Scope::Remote),
        );
    }
}

fn mtls_findings(facts: &ProbeFacts, m: &probe::MutualTlsFacts, out: &mut Vec<Finding>) {
    let t = &facts.target;
    let who = m.presented.first().cloned().unwrap_or_default();
    if crate::engine::sip_rules::sip_decides(facts, m) {
        // On a SIP port the OPTIONS answer with our certificate decides (sip_rules); a close or
        // silence after a completed handshake is SIP's business, not a rejected certificate.
        out.extend(crate::engine::sip_rules::mtls_verdict(facts, &who));
        return;
    }
    match &m.outcome {
        HandshakeOutcome::Completed => out.push(http_layer_verdict(facts, m, &who)),
        HandshakeOutcome::Alert { alert, during } => out.push(Finding::new(
            ids::TLS_CLIENT_CERT_REJECTED,
            Severity::Fail,
            format!("{} rejected our client certificate ({alert})", t.host),
            format!(
                "When certwiz presented \"{who}\", the server answered with the TLS alert {alert}{}. {}",
                if during == "first-read" { " on the first request after the handshake (TLS 1.3 servers reject certificates only then)" } else { " during the handshake" },
                alert_meaning(alert)
            ),
            "Install the client certificate's root and intermediate CAs on the server (certutil -addstore Root / CA), make sure every CA in its path allows Client Authentication (MMC > CA certificate > Properties), and that the certificate itself lists Client Authentication.",
        )),
        HandshakeOutcome::RemoteClosed { during } => out.push(Finding::new(
            ids::TLS_REMOTE_CLOSED,
            Severity::Fail,
            format!("{} closed the connection when we presented our certificate", t.host),
            format!(
                "After certwiz presented \"{who}\" the server closed the connection without a TLS alert ({during}). This is the \"HTTP Connectivity Error : ReceiveFailure\" of the validation wizard and error 2EFE (WININET_E_CONNECTION_ABORTED) in event 30988: typically the server does not trust the certificate's CA, or the CA is not enabled for Client Authentication."
            ),
            "On the server, check Trusted Root / Intermediate Certification Authorities for our CA chain and that each CA is enabled for Client Authentication (MMC > CA certificate > Properties > General), then restart its services.",
        )),
        HandshakeOutcome::Failed { reason } => out.push(Finding::new(
            ids::TLS_MTLS_ERROR,
            Severity::Fail,
            "Mutual TLS could not be tried",
            format!("{reason}."),
            "Check that the client certificate and its key belong together (a PFX exported with its private key, or --client-cert with the matching --client-key).",
        )),
        _ => {}
    }
}

/// What in our own client certificate's path can make a server reject it, most telling first.
const REJECTION_CAUSES: [&str; 5] = [
    ids::CHAIN_CA_RESTRICTS_CLIENT_AUTH,
    ids::CERT_CLIENT_AUTH_MISSING,
    ids::CERT_EXPIRED,
    ids::CERT_NOT_YET_VALID,
    ids::TLS_CLIENT_CA_LIST_EXCLUDES_ISSUER,
];

/// Names the cause of a rejection when our own path explains it: our client certificate's path is
/// judged (scope local), the findings that can make a server refuse it join `findings`, and each
/// rejection among the mutual-TLS findings `mtls` names the certificate at fault and points to the
/// finding that explains it.
fn explain_rejection(request: &CheckRequest, mtls: &mut [Finding], findings: &mut Vec<Finding>) {
    if !mtls.iter().any(is_rejection) {
        return;
    }
    let client: Vec<Arc<[u8]>> = request
        .client_chain
        .iter()
        .map(|c| Arc::clone(&c.der))
        .collect();
    if let Some((path, purposes)) = presented_path(&client, &request.trust_anchors, request.at, &[])
    {
        let local = judge_path(&PathFacts {
            path: &path,
            purposes: &purposes,
            names: &[],
            scope: Scope::Local,
            trust_anchors_given: !request.trust_anchors.is_empty(),
            at: request.at,
        });
        findings.extend(
            local
                .into_iter()
                .filter(|f| REJECTION_CAUSES.contains(&f.id.as_str())),
        );
    }
    let Some(cause) = REJECTION_CAUSES
        .iter()
        .find_map(|id| findings.iter().find(|f| f.id == *id))
        .cloned()
    else {
        return;
    };
    for finding in mtls.iter_mut().filter(|f| is_rejection(f)) {
        name_cause(finding, &cause);
    }
}

/// A finding that says the server refused our client certificate.
fn is_rejection(f: &Finding) -> bool {
    f.id == ids::TLS_CLIENT_CERT_REJECTED || f.id == ids::TLS_REMOTE_CLOSED
}

/// Points the rejection `finding` to the finding `cause` that explains it, naming the certificate
/// at fault.
fn name_cause(finding: &mut Finding, cause: &Finding) {
    let named = cause
        .certificate
        .as_ref()
        .map(|c| format!(" ({})", c.subject))
        .unwrap_or_default();
    finding.detail.push_str(&format!(
        " Our own side explains it{named}: {} (finding {}).",
        cause.title, cause.id
    ));
    finding.explained_by = Some(cause.id.clone());
    if let (Some(certificate), Some(scope)) = (&cause.certificate, cause.scope) {
        finding.certificate = Some(certificate.clone());
        finding.scope = Some(scope);
    }
}

/// Issue #15, point 6 for revocation: a rejection nothing else explained, when the revocation check
/// of our own certificate's path (scope local) found a certificate revoked, points to that finding.
/// The server's revoked certificate (scope remote) explains nothing about ours.
fn explain_rejection_by_revocation(findings: &mut [Finding]) {
    let Some(cause) = findings
        .iter()
        .find(|f| f.id == ids::REVOCATION_REVOKED && f.scope == Some(Scope::Local))
        .cloned()
    else {
        return;
    };
    for finding in findings
        .iter_mut()
        .filter(|f| is_rejection(f) && f.explained_by.is_none())
    {
        name_cause(finding, &cause);
    }
}

/// The verdict on a mutual-TLS handshake the server completed: accepted only when the HTTP layer
/// accepted the certificate too. nginx and IIS finish the handshake with any certificate and refuse it
/// in the HTTP answer (the browse with our certificate reads its words); a bare 400 / 403 says neither.
fn http_layer_verdict(facts: &ProbeFacts, m: &probe::MutualTlsFacts, who: &str) -> Finding {
    let t = &facts.target;
    let answer = facts
        .browse_with_certificate
        .as_ref()
        .and_then(|b| b.answer());
    let answered = m
        .http_status_line
        .as_deref()
        .map(|s| format!(" and answered \"{s}\""))
        .unwrap_or_default();
    if let Some(said) = answer.and_then(|a| a.client_certificate.as_ref()) {
        let fix = match said {
            ClientCertificateAnswer::Rejected { fix, .. } => fix.clone(),
            ClientCertificateAnswer::Required { .. } => "The server finished the TLS handshake but did not take our certificate: where it asks only after the handshake (renegotiation, post-handshake authentication), enable \"Negotiate Client Certificate\" on the binding (netsh http show sslcert ipport=0.0.0.0:444; netsh http update sslcert ... clientcertnegotiation=enable) and check that it trusts our CA.".to_owned(),
        };
        return Finding::new(
            ids::TLS_CLIENT_CERT_REJECTED,
            Severity::Fail,
            format!(
                "{} rejected our client certificate at the HTTP layer",
                t.host
            ),
            format!(
                "The TLS handshake presenting \"{who}\" completed, but the HTTP answer refuses the certificate: {}. Web servers such as nginx and IIS reject a client certificate this way, not with a TLS alert.",
                said.words()
            ),
            fix,
        );
    }
    let status = answer.map(|a| a.status).or(m.http_status);
    if let Some(code @ (400 | 401 | 403 | 495 | 496)) = status {
        return Finding::new(
            ids::TLS_MTLS_UNCONFIRMED,
            Severity::Warn,
            format!("{} completed mutual TLS but answered HTTP {code}", t.host),
            format!(
                "The TLS handshake presenting \"{who}\" completed{answered}. The answer does not say whether the certificate was accepted: IIS hides its sub-status (403.7, 403.16, ...) from remote clients unless detailed errors are on, so certwiz does not call mutual TLS working."
            ),
            "On the server, look up the request in the IIS log (C:\\inetpub\\logs\\LogFiles, columns sc-status and sc-substatus) or the web server's error log; 403.16 = our CA is not trusted, 403.17 = expired, 403.13 = revoked, 403.7 = no certificate negotiated.",
        );
    }
    Finding::new(
        ids::TLS_MTLS_OK,
        Severity::Pass,
        format!("Mutual TLS with {} works", t.host),
        format!(
            "{} accepted the client certificate \"{who}\" in the TLS handshake{answered}, and the HTTP answer does not refuse it.",
            t.host
        ),
        "Nothing to do.",
    )
}

fn alert_meaning(alert: &str) -> &'static str {
    match alert {
        "unknown_ca" => "It does not trust the CA that issued our certificate.",
        "bad_certificate" | "certificate_unknown" => {
            "It found our certificate unusable: its purposes, its chain or its signature."
        }
        "certificate_expired" => "It says our certificate (or a CA in its path) has expired.",
        "certificate_revoked" => "It says our certificate was revoked.",
        "certificate_required" => "It needed a certificate and got none it could use.",
        "access_denied" => "It accepted the certificate but refused access.",
        "handshake_failure" => "It could not complete the handshake with what we sent.",
        _ => "",
    }
}

fn browse_findings(facts: &ProbeFacts, out: &mut Vec<Finding>) {
    let t = &facts.target;
    let mut site_reported = false;
    let mut cap_reported = false;
    for browse in [&facts.browse, &facts.browse_with_certificate]
        .into_iter()
        .flatten()
    {
        let Some(answer) = browse.answer() else {
            continue;
        };
        if answer.body_capped && !cap_reported {
            cap_reported = true;
            out.push(Finding::new(
                ids::HTTP_BODY_CAPPED,
                Severity::Info,
                "The answer's body was cut at 1 MiB",
                format!(
                    "{} sent more than 1 MiB; certwiz read the first 1 MiB only.",
                    browse.url
                ),
                "Nothing to do: what answered is clear from the first megabyte.",
            ));
        }
        // A page that answers without a client certificate (or where none is asked for) is another
        // site on the port: the incident. A page that appears only over mutual TLS is odder than
        // wrong, so it is a warning.
        let asked = facts
            .handshake
            .as_ref()
            .is_some_and(|h| h.certificate_requested);
        // Where the server asks for a certificate, the answer with ours is what conferencing servers
        // get: the page a certificate-less browser sees is not judged as a site then.
        let judged_elsewhere = asked
            && !browse.with_client_certificate
            && facts
                .browse_with_certificate
                .as_ref()
                .is_some_and(|b| b.answer().is_some());
        if answer.kind == AnswerKind::WebSite && !site_reported && !judged_elsewhere {
            site_reported = true;
            let title = answer
                .title
                .as_deref()
                .map(|s| format!(", \"{s}\""))
                .unwrap_or_default();
            let server = answer
                .server
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            let begins = if answer.body_preview.is_empty() {
                String::new()
            } else {
                format!(
                    " The page begins: \"{}\".",
                    answer
                        .body_preview
                        .iter()
                        .take(2)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" / ")
                )
            };
            if browse.with_client_certificate && asked {
                out.push(Finding::new(
                    ids::HTTP_HTML_OVER_MTLS,
                    Severity::Warn,
                    format!("Over mutual TLS, port {} on {} answers with a web page{title}{server}", t.port, t.host),
                    format!(
                        "The server demands a client certificate, as the conferencing endpoint does, but then returns an HTML page (HTTP {} {}) for {}. The MCU Factory does not serve web pages; check which application owns the port.{begins}",
                        answer.status, answer.reason, browse.url
                    ),
                    format!("On the server: netstat -ano | findstr :{} and netsh http show sslcert ipport=0.0.0.0:{}; compare the owner with the conferencing service.", t.port, t.port),
                ));
            } else {
                out.push(Finding::new(
                    ids::HTTP_WEB_SITE_ANSWERING,
                    Severity::Fail,
                    format!("Port {} on {} is answered by a web site{title}{server}", t.port, t.host),
                    format!(
                        "Browsing to {} {} an HTML page (HTTP {} {}). The MCU Factory must answer here and require a client certificate; a web page means another site is bound to this port, so conferencing servers reach the wrong application (events 61013 / 30988, ReceiveFailure).{begins}",
                        browse.url,
                        if browse.with_client_certificate { "with our client certificate returned" } else { "without a client certificate returned" },
                        answer.status,
                        answer.reason,
                    ),
                    format!(
                        "Look for another site bound to port {} in IIS Manager (Sites > each site > Bindings, e.g. Communicator Web Access) and move it to another port. On the server: netstat -ano | findstr :{} (PID 4 = IIS/HTTP.SYS) and netsh http show sslcert ipport=0.0.0.0:{}. Then restart the conferencing services.",
                        t.port, t.port, t.port
                    ),
                ));
            }
        }
        if answer.kind == AnswerKind::Redirect {
            out.push(Finding::new(
                ids::HTTP_REDIRECT,
                Severity::Warn,
                format!("{} redirects instead of answering", browse.url),
                format!(
                    "HTTP {} to {}. certwiz does not follow redirects; the conferencing endpoint does not redirect, so a web application probably owns the port.",
                    answer.status,
                    answer.location.as_deref().unwrap_or("(no Location)")
                ),
                "Check the IIS bindings for this port.",
            ));
        }
    }
    let refused_in_http = facts.browse.as_ref().and_then(|b| b.answer()).filter(|a| {
        matches!(
            a.kind,
            AnswerKind::ClientCertificateRequired | AnswerKind::ClientCertificateRejected
        )
    });
    if let Some(answer) = refused_in_http {
        out.push(Finding::new(
            ids::HTTP_REQUIRES_CLIENT_CERTIFICATE,
            Severity::Pass,
            "Without a client certificate the endpoint refuses, as it should",
            format!(
                "A browser without a certificate gets HTTP {} from {}: {}. That is a mutual-TLS endpoint refusing at the HTTP layer, not a web site.",
                answer.status,
                t.url(),
                answer
                    .client_certificate
                    .as_ref()
                    .map_or("a client certificate is required", |c| c.words())
            ),
            "Nothing to do.",
        ));
    } else if let Some(BrowseFacts {
        outcome: BrowseOutcome::Failed { kind, .. },
        ..
    }) = &facts.browse
        && kind == "tls"
        && facts
            .handshake
            .as_ref()
            .is_some_and(|h| h.certificate_requested)
    {
        out.push(Finding::new(
            ids::HTTP_REQUIRES_CLIENT_CERTIFICATE,
            Severity::Pass,
            "Without a client certificate the endpoint refuses, as it should",
            format!("A browser without a certificate gets no page from {}: the endpoint demands mutual TLS.", t.url()),
            "Nothing to do.",
        ));
    }
    if site_reported {
        return;
    }
    if let Some(answer) = facts
        .browse_with_certificate
        .as_ref()
        .and_then(|b| b.answer())
        && matches!(
            answer.kind,
            AnswerKind::Endpoint | AnswerKind::HttpError | AnswerKind::Other
        )
    {
        out.push(Finding::new(
            ids::HTTP_MCU_ENDPOINT_OK,
            Severity::Pass,
            format!("The conferencing endpoint answers on port {}", t.port),
            format!(
                "With our client certificate, {} answered HTTP {} {}{} and no web page.",
                t.url(),
                answer.status,
                answer.reason,
                answer
                    .server
                    .as_deref()
                    .map(|s| format!(" (Server: {s})"))
                    .unwrap_or_default()
            ),
            "Nothing to do.",
        ));
    }
}

/// The inspection of our own client certificate that goes with a check with `--fetch`: its path and
/// revocation, so a server that rejects a revoked certificate of ours has its cause named. `None`
/// without `--fetch` or without a client certificate.
pub fn own_certificate_request(request: &CheckRequest) -> Option<InspectRequest> {
    request.fetch?;
    if request.client_chain.is_empty() {
        return None;
    }
    Some(InspectRequest {
        certificates: request.client_chain.clone(),
        trust_anchors: request.trust_anchors.clone(),
        expected_names: vec![],
        at: request.at,
        inputs: vec![],
        store_purposes: Default::default(),
        purpose: Default::default(),
    })
}

/// The check, then (with `request.fetch` and an `own` inspection) the revocation check of our own
/// certificate, absorbed into the check's report. The CLI and the window both run this; the second
/// report is the own certificate's, when it ran.
pub fn check_fetching_own(
    request: &CheckRequest,
    own: Option<&InspectRequest>,
    cancel: &CancelFlag,
    progress: &Progress,
) -> (Report, Option<Report>) {
    let mut report = check(request, cancel, progress);
    let own = match (own, request.fetch) {
        (Some(own), Some(options)) if !cancel.is_cancelled() => {
            inspect_fetching(own, options, cancel, progress).ok()
        }
        _ => None,
    };
    if let Some(own) = &own {
        absorb_local_fetch(&mut report, own);
    }
    (report, own)
}

/// Adds the local certificate's revocation and downloaded-intermediate findings to the check's report
/// (the verdict covers both paths), keeping the order and the verdict right.
/// When either was cancelled, the verdict stays (or becomes) cancelled, and a cancelled local fetch
/// adds nothing.
pub fn absorb_local_fetch(report: &mut Report, local: &Report) {
    let local_cancelled = local.revocation.as_ref().is_some_and(|r| r.cancelled);
    if !local_cancelled {
        report.findings.extend(
            local
                .findings
                .iter()
                .filter(|f| {
                    f.id.starts_with("revocation.") || f.id == ids::CHAIN_INTERMEDIATE_FETCHED
                })
                .cloned(),
        );
        explain_rejection_by_revocation(&mut report.findings);
        sort_findings(&mut report.findings);
    }
    if report.verdict.status == VerdictStatus::Cancelled {
        let coverage = Coverage {
            checked: report.verdict.checked.clone(),
            not_checked: report.verdict.not_checked.clone(),
        };
        report.mark_cancelled(&coverage);
    } else if local_cancelled {
        // The check itself finished; only the local certificate's revocation was stopped.
        let mut coverage = match &report.probe {
            Some(probe) => Coverage::of(probe, probe.mutual_tls.is_some(), true, None),
            None => Coverage::default(),
        };
        coverage.checked.retain(|p| *p != CheckPart::Revocation);
        if !coverage.not_checked.contains(&CheckPart::Revocation) {
            coverage.not_checked.push(CheckPart::Revocation);
        }
        report.mark_cancelled(&coverage);
    } else {
        report.verdict = Verdict::of(&report.findings);
    }
}
