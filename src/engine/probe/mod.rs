//! Network checks against a conferencing server: what answers on the port, what it presents, whether it
//! asks for a client certificate, whether mutual TLS works, and what a browser would see.
//!
//! A [`ProbePlan`] says what to check. [`run`] carries it out: connect, then a recording handshake on
//! that connection, then mutual TLS and the HTTPS browse (without and with the client certificate)
//! concurrently. Every step has a deadline, honours the [`CancelFlag`], and reports through
//! [`Progress`] (a channel plus a waker: the GUI passes `ctx.request_repaint`). The result is
//! [`ProbeFacts`]: facts only; [`crate::engine::check`] judges them.

pub mod browse;
pub mod http;
pub mod io;
pub mod legacy;
pub mod openssl;
pub mod outcome;
pub mod sip;
pub mod tcp;
pub mod tls;

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::engine::cert::CertificateFacts;
use crate::engine::load::PrivateKey;
use browse::BrowseFacts;
use tcp::ConnectFacts;
use tls::HandshakeOutcome;

pub use crate::engine::ports::{
    DEFAULT_PATH, DEFAULT_PORT, DEFAULT_TIMEOUT, Protocol, ProtocolChoice,
};
pub use crate::engine::progress::{
    CancelFlag, Journal, ProbeEvent, ProbeStep, Progress, TimelineEntry,
};

/// What to connect to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeTarget {
    /// The name used for SNI, the certificate name check and the HTTP Host header.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// HTTP path, starting with `/`.
    pub path: String,
    /// Connect here instead of resolving `host` (like curl's `--resolve`).
    pub address: Option<IpAddr>,
    /// What to speak after the handshake (`--protocol`; `auto`: by port).
    #[serde(default, skip_serializing_if = "ProtocolChoice::is_auto")]
    pub protocol: ProtocolChoice,
}

impl ProbeTarget {
    /// The protocol spoken after the handshake, and why ("port 5061", "--protocol sip").
    pub fn spoken(&self) -> (Protocol, String) {
        self.protocol.resolve(self.port)
    }

    /// Whether certwiz speaks SIP (an OPTIONS request) rather than HTTP on this target.
    pub fn speaks_sip(&self) -> bool {
        self.spoken().0 == Protocol::Sip
    }

    /// What was asked for: the SIP Request-URI (`sip:host:5061;transport=tls`) on a SIP target, else
    /// the URL.
    pub fn asked_text(&self) -> String {
        if self.speaks_sip() {
            format!("sip:{};transport=tls", self.host_header())
        } else {
            self.url()
        }
    }

    /// "SIP (port 5061)", "HTTP (--protocol http)": what was spoken and why, for reports.
    pub fn spoken_text(&self) -> String {
        let (protocol, why) = self.spoken();
        format!("{} ({why})", protocol.label())
    }

    /// `https://host:port/path`, with brackets around an IPv6 literal.
    pub fn url(&self) -> String {
        format!(
            "https://{}:{}{}",
            self.host_header_host(),
            self.port,
            self.path
        )
    }

    fn host_header_host(&self) -> String {
        let bare = self.host.trim_start_matches('[').trim_end_matches(']');
        if bare.parse::<std::net::Ipv6Addr>().is_ok() {
            format!("[{bare}]")
        } else {
            bare.to_owned()
        }
    }

    /// The HTTP Host header value.
    pub fn host_header(&self) -> String {
        format!("{}:{}", self.host_header_host(), self.port)
    }
}

/// A client certificate chain (leaf first, then intermediates) and its key, for mutual TLS.
pub struct ClientIdentity {
    /// DER certificates, leaf first.
    pub chain: Vec<Arc<[u8]>>,
    /// The private key.
    pub key: ClientKey,
}

/// Where the client certificate's private key is.
#[derive(Clone)]
pub enum ClientKey {
    /// Read from a file, held in memory only.
    Memory(PrivateKey),
    /// Kept by the operating system (the Windows store's CNG key): it signs without being exported.
    Store(Arc<dyn rustls::sign::SigningKey>),
}

impl From<PrivateKey> for ClientKey {
    fn from(key: PrivateKey) -> Self {
        ClientKey::Memory(key)
    }
}

impl std::fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientKey::Memory(key) => key.fmt(f),
            ClientKey::Store(_) => f.write_str("ClientKey::Store(<kept by the certificate store>)"),
        }
    }
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("chain_len", &self.chain.len())
            .field("key", &self.key)
            .finish()
    }
}

/// What to check.
#[derive(Debug)]
pub struct ProbePlan {
    /// Where.
    pub target: ProbeTarget,
    /// Bound of each step.
    pub timeout: Duration,
    /// The client certificate for mutual TLS, when given.
    pub identity: Option<Arc<ClientIdentity>>,
}

/// What the recording handshake showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandshakeFacts {
    /// How it ended.
    pub outcome: HandshakeOutcome,
    /// Negotiated TLS version.
    pub version: Option<String>,
    /// Negotiated cipher suite.
    pub cipher_suite: Option<String>,
    /// The certificates the server presented, in the order sent (leaf first).
    pub presented_chain: Vec<CertificateFacts>,
    /// The same, DER, for the path analysis (not serialised: the facts above and the report's path
    /// carry what a reader needs).
    #[serde(skip)]
    pub presented_der: Vec<Arc<[u8]>>,
    /// Whether the server sent a CertificateRequest (asked for a client certificate).
    pub certificate_requested: bool,
    /// The CA names the server said it accepts for client certificates, as Windows shows names.
    pub acceptable_ca_names: Vec<String>,
    /// Set when the chain and CA list were read from a TLS 1.0 / 1.1 handshake that certwiz did not
    /// complete (rustls speaks only TLS 1.2 and 1.3).
    #[serde(default)]
    pub legacy: bool,
    /// Why the TLS 1.0 read-only handshake gave nothing, when it was tried and failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_error: Option<String>,
    /// Which TLS engine gave these facts when it was not rustls, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<EngineNote>,
    /// How the server asks for the client certificate when it asks only after the handshake
    /// (`renegotiation`, `post-handshake authentication`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_after_handshake: Option<String>,
    /// The server lacks RFC 5746 secure renegotiation (certwiz connected anyway, as Windows 2003 needs).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure_renegotiation: bool,
}

/// The TLS engine that spoke, when not the first one (rustls), and why it was needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineNote {
    /// `openssl`.
    pub engine: String,
    /// Why rustls could not do it.
    pub reason: String,
    /// Every TLS step went through this engine (rustls cannot speak to the server at all); false when
    /// it only answered a certificate request that came after the handshake.
    #[serde(default)]
    pub all_steps: bool,
}

impl HandshakeFacts {
    /// The negotiated version and cipher suite in words ("TLSv1_2, TLS_ECDHE_..."), when known.
    pub fn version_text(&self) -> Option<String> {
        let version = self.version.as_deref()?;
        Some(match self.cipher_suite.as_deref() {
            Some(suite) => format!("{version}, {suite}"),
            None => version.to_owned(),
        })
    }

    /// Which engine spoke and why, when it was not rustls ("OpenSSL (second engine): the server speaks
    /// only TLS 1.0 / 1.1 ...").
    pub fn engine_text(&self) -> Option<String> {
        self.engine.as_ref().map(|e| {
            format!(
                "{} (second engine): {}{}",
                if e.engine == "openssl" {
                    "OpenSSL"
                } else {
                    e.engine.as_str()
                },
                e.reason,
                if self.insecure_renegotiation {
                    "; the server lacks RFC 5746 secure renegotiation (allowed, to connect at all)"
                } else {
                    ""
                }
            )
        })
    }

    /// The chain the server sent, leaf first, as MMC names the certificates ("fe1 ← Issuing CA").
    pub fn chain_text(&self) -> Option<String> {
        (!self.presented_chain.is_empty()).then(|| {
            self.presented_chain
                .iter()
                .map(|c| c.display_name.as_str())
                .collect::<Vec<_>>()
                .join(" ← ")
        })
    }
}

/// What mutual TLS with the client certificate showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutualTlsFacts {
    /// How it ended (`completed` = the server accepted the certificate and answered).
    pub outcome: HandshakeOutcome,
    /// Negotiated TLS version.
    pub version: Option<String>,
    /// The first line of the server's HTTP answer.
    pub http_status_line: Option<String>,
    /// Its status code (parsed with httparse).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The engine that spoke when it was not rustls (`openssl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// The certificates presented (display names, leaf first).
    pub presented: Vec<String>,
}

/// A step the probe did not take, and why (the true reason, decided where the step was skipped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotTried {
    /// The step.
    pub step: ProbeStep,
    /// Why it was not taken, in words a report shows as they are.
    pub reason: String,
}

/// How long each step took, kept apart from the facts so reports stay deterministic without them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepTimings {
    /// Per step, in milliseconds.
    pub steps_ms: Vec<(ProbeStep, u64)>,
    /// The whole check.
    pub total_ms: u64,
}

/// Everything the network checks found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeFacts {
    /// What was checked.
    pub target: ProbeTarget,
    /// The TCP step.
    pub connect: ConnectFacts,
    /// The recording handshake, when TCP connected.
    pub handshake: Option<HandshakeFacts>,
    /// Mutual TLS, when a client certificate was given and TLS is spoken.
    pub mutual_tls: Option<MutualTlsFacts>,
    /// HTTPS GET without a client certificate.
    pub browse: Option<BrowseFacts>,
    /// HTTPS GET with the client certificate.
    pub browse_with_certificate: Option<BrowseFacts>,
    /// The SIP OPTIONS exchange (on a target that speaks SIP): with the client certificate when mutual
    /// TLS was tried, else without.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sip: Option<sip::SipExchange>,
    /// Whether the user cancelled.
    pub cancelled: bool,
    /// Every later step (mutual TLS, the two browses) the probe did not take, with its reason, in step
    /// order. Empty in reports from before it existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_tried: Vec<NotTried>,
    /// Step durations (not facts: they vary run to run).
    #[serde(skip)]
    pub timings: StepTimings,
}

impl ProbeFacts {
    /// The facts of a probe that went no further than the handshake (the pool's handshake-only
    /// probe): no mutual TLS, no browse, not cancelled.
    pub fn up_to_handshake(
        target: ProbeTarget,
        connect: ConnectFacts,
        handshake: Option<HandshakeFacts>,
    ) -> ProbeFacts {
        ProbeFacts {
            target,
            connect,
            handshake,
            mutual_tls: None,
            browse: None,
            browse_with_certificate: None,
            sip: None,
            cancelled: false,
            not_tried: Vec::new(),
            timings: StepTimings::default(),
        }
    }

    /// Why `step` was not taken, when the probe recorded it.
    pub fn not_tried_reason(&self, step: ProbeStep) -> Option<&str> {
        self.not_tried
            .iter()
            .find(|n| n.step == step)
            .map(|n| n.reason.as_str())
    }
}

/// Runs the plan. Never panics on what the peer does; every step ends by its deadline.
pub fn run(plan: &ProbePlan, cancel: &CancelFlag, progress: &Progress) -> ProbeFacts {
    let started = Instant::now();
    let target = &plan.target;
    let (mut facts, mut timings, speaks_tls) = connect_and_handshake(plan, cancel, progress);
    // The second engine did the handshake itself (not only a late certificate request): rustls
    // cannot speak to this server at all.
    let legacy_spoken = facts
        .handshake
        .as_ref()
        .and_then(|h| h.engine.as_ref())
        .is_some_and(|e| e.all_steps);
    if legacy_spoken && !cancel.is_cancelled() {
        // rustls cannot speak to this server at all: mutual TLS (and the browse with it) go through
        // the second engine as well; the browse without a certificate came with its handshake.
        let requested = facts
            .handshake
            .as_ref()
            .is_some_and(|h| h.certificate_requested);
        if let (Some(identity), true) = (plan.identity.as_deref(), requested) {
            let (exchange, ms) = progress.step(
                ProbeStep::MutualTls,
                || second_engine(plan, cancel, Some(identity)),
                |x| match x {
                    Some(x) => handshake_outcome_summary(&x.outcome),
                    None => "could not reconnect".to_owned(),
                },
            );
            timings.steps_ms.push((ProbeStep::MutualTls, ms));
            match exchange {
                Some(x) => {
                    facts.mutual_tls = Some(second_engine_mtls(identity, &x));
                    second_engine_answer(&mut facts, true, &x);
                }
                None => {
                    facts.mutual_tls = Some(MutualTlsFacts {
                        outcome: HandshakeOutcome::Failed {
                            reason: "could not reconnect".into(),
                        },
                        version: None,
                        http_status_line: None,
                        http_status: None,
                        engine: Some("openssl".into()),
                        presented: presented_names(identity),
                    });
                }
            }
        }
        return finish(facts, timings, started, cancel, plan.identity.is_some());
    }
    let late_done = facts.mutual_tls.is_some();
    if late_done && !cancel.is_cancelled() && !target.speaks_sip() {
        // Mutual TLS went through the second engine; the browse without a certificate is rustls's.
        let (b, ms) = progress.step(
            ProbeStep::Browse,
            || browse::browse(target, plan.timeout, None),
            browse_summary,
        );
        timings.steps_ms.push((ProbeStep::Browse, ms));
        facts.browse = Some(b);
    }
    if speaks_tls && !cancel.is_cancelled() && !late_done && target.speaks_sip() {
        sip_steps(plan, cancel, progress, &mut facts, &mut timings);
    } else if speaks_tls && !cancel.is_cancelled() && !late_done {
        // Without a CertificateRequest there is no mutual TLS to try: the server never sees a
        // client certificate, so neither the MTLS handshake nor the browse with it would tell more.
        let requested = facts
            .handshake
            .as_ref()
            .is_some_and(|h| h.certificate_requested);
        let identity = plan.identity.as_ref().filter(|_| requested).map(|id| {
            let provider = tls::provider();
            (tls::certified_key(id, &provider), id)
        });
        let results: Mutex<Vec<(ProbeStep, u64)>> = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            let browse_plain = scope.spawn(|| {
                let (b, ms) = progress.step(
                    ProbeStep::Browse,
                    || browse::browse(target, plan.timeout, None),
                    browse_summary,
                );
                if let Ok(mut r) = results.lock() {
                    r.push((ProbeStep::Browse, ms));
                }
                b
            });
            let with_cert = identity.as_ref().map(|(key, id)| {
                let key = key.clone();
                let presented = presented_names(id);
                let results = &results;
                let mtls_key = key.clone();
                let mtls = scope.spawn(move || {
                    let (m, ms) = progress.step(
                        ProbeStep::MutualTls,
                        || mutual_tls(target, plan.timeout, cancel, mtls_key, presented).0,
                        |m| handshake_outcome_summary(&m.outcome),
                    );
                    if let Ok(mut r) = results.lock() {
                        r.push((ProbeStep::MutualTls, ms));
                    }
                    m
                });
                let browse_cert = scope.spawn(move || {
                    let (b, ms) = progress.step(
                        ProbeStep::BrowseWithCertificate,
                        || match key {
                            Ok(k) => browse::browse(target, plan.timeout, Some(k)),
                            Err(reason) => browse::BrowseFacts {
                                url: target.url(),
                                with_client_certificate: true,
                                outcome: browse::BrowseOutcome::Failed {
                                    kind: "other".into(),
                                    reason,
                                },
                            },
                        },
                        browse_summary,
                    );
                    if let Ok(mut r) = results.lock() {
                        r.push((ProbeStep::BrowseWithCertificate, ms));
                    }
                    b
                });
                (mtls, browse_cert)
            });
            facts.browse = browse_plain.join().ok();
            if let Some((mtls, browse_cert)) = with_cert {
                facts.mutual_tls = mtls.join().ok();
                facts.browse_with_certificate = browse_cert.join().ok();
            }
        });
        if let Ok(mut r) = results.into_inner() {
            r.sort();
            timings.steps_ms.extend(r);
        }
    }
    finish(facts, timings, started, cancel, plan.identity.is_some())
}

/// Connect and the recording handshake only (with the read-only TLS 1.0 handshake when the server
/// speaks nothing newer): what the server presents and whether it asks for a client certificate,
/// without mutual TLS or the browse. `plan.identity` is not used. The pool matrix needs only this
/// from every member, and skipping the HTTPS browse saves a connection and a handshake per member.
///
/// On a target that speaks SIP it also sends one OPTIONS (without a client certificate: the pool has
/// none), so the pool says whether SIP answers on each member's port.
pub fn handshake_only(plan: &ProbePlan, cancel: &CancelFlag, progress: &Progress) -> ProbeFacts {
    let started = Instant::now();
    let (mut facts, mut timings, speaks_tls) = connect_and_handshake(plan, cancel, progress);
    if speaks_tls && plan.target.speaks_sip() && !cancel.is_cancelled() {
        let without_identity = ProbePlan {
            target: plan.target.clone(),
            timeout: plan.timeout,
            identity: None,
        };
        sip_steps(
            &without_identity,
            cancel,
            progress,
            &mut facts,
            &mut timings,
        );
    }
    let mut facts = finish(facts, timings, started, cancel, plan.identity.is_some());
    // The pool's probe stops after the handshake by design; its matrix judges from that alone.
    for n in facts
        .not_tried
        .iter_mut()
        .filter(|n| n.step != ProbeStep::SipOptions)
    {
        n.reason = "a handshake-only probe (the pool matrix) does not take this step".into();
    }
    facts
}

/// The steps every probe starts with: connect, then the recording handshake (and the TLS 1.0 read
/// when the server speaks only that). Also says whether the server speaks TLS and showed a chain.
fn connect_and_handshake(
    plan: &ProbePlan,
    cancel: &CancelFlag,
    progress: &Progress,
) -> (ProbeFacts, StepTimings, bool) {
    let target = &plan.target;
    let mut timings = StepTimings::default();
    let ((connect, stream), ms) = progress.step(
        ProbeStep::Connect,
        || tcp::connect(target, plan.timeout, cancel),
        |(facts, _)| match &facts.connected {
            Some(addr) => format!("port open at {addr}"),
            None => match &facts.resolve_error {
                Some(e) => e.clone(),
                None => "no address accepted the connection".to_owned(),
            },
        },
    );
    timings.steps_ms.push((ProbeStep::Connect, ms));
    let mut facts = ProbeFacts::up_to_handshake(target.clone(), connect, None);
    let Some(stream) = stream else {
        return (facts, timings, false);
    };

    let (handshake, ms) = progress.step(
        ProbeStep::Handshake,
        || {
            let (outcome, record) =
                tls::handshake(stream, target, Instant::now() + plan.timeout, cancel, None);
            handshake_facts(outcome, record)
        },
        handshake_summary,
    );
    timings.steps_ms.push((ProbeStep::Handshake, ms));
    let mut handshake = handshake;
    if let Some(why) = rustls_refused(&handshake)
        && !cancel.is_cancelled()
    {
        let exchange = second_engine_step(plan, cancel, None, progress, &mut timings);
        if let Some(x) = exchange.filter(openssl::OpensslExchange::spoke) {
            let version = x.record.version.as_deref().unwrap_or("");
            let outcome = match &handshake.outcome {
                HandshakeOutcome::LegacyOnly { .. } => handshake.outcome.clone(),
                _ if matches!(version, "TLSv1.0" | "TLSv1.1") => HandshakeOutcome::LegacyOnly {
                    detail: format!(
                        "{}; it speaks {version} with {}",
                        handshake_outcome_summary(&handshake.outcome),
                        x.record
                            .cipher_suite
                            .as_deref()
                            .unwrap_or("an unnamed suite")
                    ),
                },
                // A newer version with a suite rustls does not offer (3DES, RC4): TLS works.
                _ => HandshakeOutcome::Completed,
            };
            let mut spoken = handshake_facts(outcome, x.record.clone());
            spoken.engine = Some(EngineNote {
                engine: "openssl".into(),
                reason: why,
                all_steps: true,
            });
            spoken.insecure_renegotiation = x.legacy_renegotiation;
            note_late_request(&mut spoken, &x);
            second_engine_answer(&mut facts, false, &x);
            facts.handshake = Some(spoken);
            return (facts, timings, true);
        }
    }
    if handshake.outcome == HandshakeOutcome::Completed
        && !handshake.certificate_requested
        && !handshake.presented_der.is_empty()
        && !cancel.is_cancelled()
    {
        // rustls saw no CertificateRequest in the handshake; IIS without "Negotiate Client
        // Certificate", Apache's per-directory SSLVerifyClient and TLS 1.3 post-handshake auth ask
        // only after the request, which rustls cannot answer. One OpenSSL exchange finds out.
        let identity = plan.identity.as_deref();
        let exchange = second_engine_step(plan, cancel, identity, progress, &mut timings);
        if let Some(x) = exchange.filter(|x| {
            matches!(
                x.request,
                Some(openssl::RequestTiming::AfterHandshake { .. })
            )
        }) {
            note_late_request(&mut handshake, &x);
            handshake.engine = Some(EngineNote {
                engine: "openssl".into(),
                reason: format!(
                    "the server asks for the client certificate only after the handshake ({}), which rustls cannot answer",
                    handshake.requested_after_handshake.as_deref().unwrap_or("")
                ),
                all_steps: false,
            });
            if let Some(identity) = identity {
                facts.mutual_tls = Some(second_engine_mtls(identity, &x));
                second_engine_answer(&mut facts, true, &x);
            }
        }
    }
    if matches!(handshake.outcome, HandshakeOutcome::LegacyOnly { .. }) && !cancel.is_cancelled() {
        let (capture, ms) = progress.step(
            ProbeStep::LegacyHandshake,
            || {
                let (_, stream) = tcp::connect(target, plan.timeout, cancel);
                stream.map(|s| legacy::capture(s, target, Instant::now() + plan.timeout, cancel))
            },
            |c| match c {
                Some((HandshakeOutcome::Completed, l)) => {
                    format!(
                        "{} certificates, client certificate {}",
                        l.chain.len(),
                        if l.certificate_request.is_some() {
                            "requested"
                        } else {
                            "not requested"
                        }
                    )
                }
                Some((other, _)) => handshake_outcome_summary(other),
                None => "could not reconnect".to_owned(),
            },
        );
        timings.steps_ms.push((ProbeStep::LegacyHandshake, ms));
        if let Some((outcome, _)) = capture
            .as_ref()
            .filter(|(o, _)| *o != HandshakeOutcome::Completed)
        {
            handshake.legacy_error = Some(handshake_outcome_summary(outcome));
        } else if capture.is_none() {
            handshake.legacy_error = Some("could not reconnect".into());
        }
        if let Some((HandshakeOutcome::Completed, capture)) = capture {
            let record = tls::HandshakeRecord {
                chain: capture.chain,
                certificate_request: capture.certificate_request,
                version: capture.version,
                cipher_suite: capture.cipher_suite,
                http_status_line: None,
                http_status: None,
                sip: None,
            };
            let outcome = handshake.outcome.clone();
            handshake = handshake_facts(outcome, record);
            handshake.legacy = true;
        }
    }
    let speaks_tls = matches!(
        handshake.outcome,
        HandshakeOutcome::Completed
            | HandshakeOutcome::Alert { .. }
            | HandshakeOutcome::RemoteClosed { .. }
    ) && !handshake.presented_der.is_empty();
    facts.handshake = Some(handshake);
    (facts, timings, speaks_tls)
}

fn finish(
    mut facts: ProbeFacts,
    mut timings: StepTimings,
    started: Instant,
    cancel: &CancelFlag,
    identity_given: bool,
) -> ProbeFacts {
    facts.cancelled = cancel.is_cancelled();
    timings.total_ms = elapsed_ms(started);
    facts.not_tried = not_tried(&facts, identity_given);
    facts.timings = timings;
    facts
}

/// The steps after the handshake that did not run, each with the reason that held when the probe
/// decided: the same conditions [`run`] tests, in the same order.
fn not_tried(facts: &ProbeFacts, identity_given: bool) -> Vec<NotTried> {
    let reason_all = || -> Option<String> {
        if facts.cancelled {
            return Some("the check was cancelled before this step".into());
        }
        if let Some(why) = &facts.connect.resolve_error {
            return Some(format!("the name could not be resolved ({why})"));
        }
        let Some(h) = &facts.handshake else {
            return Some("the port did not accept a TCP connection".into());
        };
        if h.legacy {
            return Some(
                "the server speaks only TLS 1.0 / 1.1: certwiz read its certificate and CertificateRequest from the clear-text part of the handshake but cannot complete that handshake"
                    .into(),
            );
        }
        if h.presented_der.is_empty() {
            return Some(format!(
                "the TLS handshake ended before the server showed a certificate ({})",
                handshake_outcome_summary(&h.outcome)
            ));
        }
        None
    };
    let common = reason_all();
    let requested = facts
        .handshake
        .as_ref()
        .is_some_and(|h| h.certificate_requested);
    let with_certificate = common.clone().or_else(|| {
        if !requested {
            Some("the server did not ask for a client certificate (no CertificateRequest in the handshake), so there was nothing to present".into())
        } else if !identity_given {
            Some("no client certificate with its private key was given".into())
        } else {
            None
        }
    });
    let mut out = Vec::new();
    let mut add = |step, present: bool, reason: &Option<String>| {
        if let (false, Some(reason)) = (present, reason) {
            out.push(NotTried {
                step,
                reason: reason.clone(),
            });
        }
    };
    add(
        ProbeStep::MutualTls,
        facts.mutual_tls.is_some(),
        &with_certificate,
    );
    if facts.target.speaks_sip() {
        // A SIP port gets an OPTIONS, never a GET; the SIP step's own reason is the common one.
        let sip = Some(format!(
            "the port speaks SIP ({}): certwiz sent a SIP OPTIONS instead of an HTTP GET",
            facts.target.spoken().1
        ));
        add(ProbeStep::Browse, false, &sip);
        add(ProbeStep::BrowseWithCertificate, false, &sip);
        add(ProbeStep::SipOptions, facts.sip.is_some(), &common);
        return out;
    }
    add(ProbeStep::Browse, facts.browse.is_some(), &common);
    add(
        ProbeStep::BrowseWithCertificate,
        facts.browse_with_certificate.is_some(),
        &with_certificate,
    );
    out
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn mutual_tls(
    target: &ProbeTarget,
    timeout: Duration,
    cancel: &CancelFlag,
    key: Result<Arc<rustls::sign::CertifiedKey>, String>,
    presented: Vec<String>,
) -> (MutualTlsFacts, Option<sip::SipExchange>) {
    let failed = |reason: String| MutualTlsFacts {
        outcome: HandshakeOutcome::Failed { reason },
        version: None,
        http_status_line: None,
        http_status: None,
        engine: None,
        presented: presented.clone(),
    };
    let key = match key {
        Ok(k) => k,
        Err(reason) => return (failed(reason), None),
    };
    let (connect, stream) = tcp::connect(target, timeout, cancel);
    let Some(stream) = stream else {
        let reason = format!(
            "could not reconnect to {}: {}",
            target.host,
            connect
                .resolve_error
                .unwrap_or_else(|| "the port did not accept the connection".into())
        );
        return (failed(reason), None);
    };
    let (outcome, record) =
        tls::handshake(stream, target, Instant::now() + timeout, cancel, Some(key));
    let sip = target.speaks_sip().then(|| {
        record
            .sip
            .clone()
            .unwrap_or_else(|| sip::SipExchange::handshake_failed(true, outcome.clone(), None))
    });
    let facts = MutualTlsFacts {
        outcome,
        version: record.version,
        http_status_line: record.http_status_line,
        http_status: record.http_status,
        engine: None,
        presented,
    };
    (facts, sip)
}

/// The SIP steps on a target that speaks SIP: the OPTIONS over mutual TLS when the server asks for a
/// client certificate and one was given (that answer decides), else one OPTIONS without a
/// certificate. No HTTP browse: a GET is garbage to a SIP server.
fn sip_steps(
    plan: &ProbePlan,
    cancel: &CancelFlag,
    progress: &Progress,
    facts: &mut ProbeFacts,
    timings: &mut StepTimings,
) {
    let target = &plan.target;
    let requested = facts
        .handshake
        .as_ref()
        .is_some_and(|h| h.certificate_requested);
    if let Some(identity) = plan.identity.as_deref().filter(|_| requested) {
        let key = tls::certified_key(identity, &tls::provider());
        let presented = presented_names(identity);
        let ((mtls, sip), ms) = progress.step(
            ProbeStep::MutualTls,
            || mutual_tls(target, plan.timeout, cancel, key, presented),
            |(m, sip)| match sip {
                Some(sip) if sip.handshake_completed => {
                    format!(
                        "{}; {}",
                        handshake_outcome_summary(&m.outcome),
                        sip.summary()
                    )
                }
                _ => handshake_outcome_summary(&m.outcome),
            },
        );
        timings.steps_ms.push((ProbeStep::MutualTls, ms));
        facts.mutual_tls = Some(mtls);
        facts.sip = sip;
        return;
    }
    let (sip, ms) = progress.step(
        ProbeStep::SipOptions,
        || {
            let (connect, stream) = tcp::connect(target, plan.timeout, cancel);
            let Some(stream) = stream else {
                let reason = format!(
                    "could not reconnect: {}",
                    connect
                        .resolve_error
                        .unwrap_or_else(|| "the port did not accept the connection".into())
                );
                return sip::SipExchange::handshake_failed(
                    false,
                    HandshakeOutcome::Failed { reason },
                    None,
                );
            };
            let (outcome, record) = tls::handshake_then(
                stream,
                target,
                Instant::now() + plan.timeout,
                cancel,
                None,
                true,
            );
            record
                .sip
                .unwrap_or_else(|| sip::SipExchange::handshake_failed(false, outcome, None))
        },
        sip::SipExchange::summary,
    );
    timings.steps_ms.push((ProbeStep::SipOptions, ms));
    facts.sip = Some(sip);
}

/// Files the second engine's answer where it belongs: the SIP exchange on a SIP target, else the
/// browse it amounts to.
fn second_engine_answer(
    facts: &mut ProbeFacts,
    with_client_certificate: bool,
    x: &openssl::OpensslExchange,
) {
    if facts.target.speaks_sip() {
        facts.sip = Some(x.record.sip.clone().unwrap_or_else(|| {
            sip::SipExchange::handshake_failed(
                with_client_certificate,
                x.outcome.clone(),
                Some("openssl".into()),
            )
        }));
    } else {
        let browse = Some(second_engine_browse(
            &facts.target,
            with_client_certificate,
            x,
        ));
        if with_client_certificate {
            facts.browse_with_certificate = browse;
        } else {
            facts.browse = browse;
        }
    }
}

/// Why rustls could not do the handshake when that is what it refuses by design (TLS 1.0 / 1.1, or
/// only suites it does not offer: a `handshake_failure` before any certificate is what a Windows 2003
/// server answers a ClientHello without 3DES / RC4), so the second engine should try.
fn rustls_refused(handshake: &HandshakeFacts) -> Option<String> {
    match &handshake.outcome {
        HandshakeOutcome::LegacyOnly { detail } => Some(format!(
            "the server speaks only TLS 1.0 / 1.1, which rustls refuses by design ({detail})"
        )),
        HandshakeOutcome::Alert { alert, .. }
            if handshake.presented_der.is_empty()
                && matches!(
                    alert.as_str(),
                    "handshake_failure" | "insufficient_security" | "protocol_version"
                ) =>
        {
            Some(format!(
                "the server refused every version and suite rustls offers (alert {alert}); rustls has no TLS 1.0 / 1.1, 3DES or RC4, by design"
            ))
        }
        _ => None,
    }
}

/// The display names of the certificates an identity presents, leaf first.
fn presented_names(identity: &ClientIdentity) -> Vec<String> {
    identity
        .chain
        .iter()
        .map(|der| {
            CertificateFacts::from_der(der)
                .map(|f| f.display_name)
                .unwrap_or_else(|_| "(unreadable)".into())
        })
        .collect()
}

/// One OpenSSL exchange on a new connection (`None` when the port no longer accepts one).
fn second_engine(
    plan: &ProbePlan,
    cancel: &CancelFlag,
    identity: Option<&ClientIdentity>,
) -> Option<openssl::OpensslExchange> {
    let (_, stream) = tcp::connect(&plan.target, plan.timeout, cancel);
    stream.map(|s| {
        openssl::exchange(
            s,
            &plan.target,
            Instant::now() + plan.timeout,
            cancel,
            identity,
        )
    })
}

/// [`second_engine`] as a timed step of the probe ("Second TLS engine (OpenSSL)"), its time noted.
fn second_engine_step(
    plan: &ProbePlan,
    cancel: &CancelFlag,
    identity: Option<&ClientIdentity>,
    progress: &Progress,
    timings: &mut StepTimings,
) -> Option<openssl::OpensslExchange> {
    let (exchange, ms) = progress.step(
        ProbeStep::SecondEngine,
        || second_engine(plan, cancel, identity),
        |x| match x {
            Some(x) => second_engine_summary(x),
            None => "could not reconnect".to_owned(),
        },
    );
    timings.steps_ms.push((ProbeStep::SecondEngine, ms));
    exchange
}

fn second_engine_summary(x: &openssl::OpensslExchange) -> String {
    let mut text = handshake_outcome_summary(&x.outcome);
    if let Some(v) = &x.record.version {
        text.push_str(&format!(", {v}"));
    }
    match x.request {
        Some(openssl::RequestTiming::InHandshake) => {
            text.push_str(", client certificate requested");
        }
        Some(openssl::RequestTiming::AfterHandshake { how }) => {
            text.push_str(&format!(
                ", client certificate requested after the handshake ({how})"
            ));
        }
        None => text.push_str(", no client certificate requested"),
    }
    text
}

/// Records a CertificateRequest the second engine saw (and whether it came after the handshake).
fn note_late_request(handshake: &mut HandshakeFacts, x: &openssl::OpensslExchange) {
    let Some(timing) = x.request else { return };
    handshake.certificate_requested = true;
    handshake.acceptable_ca_names = x
        .record
        .certificate_request
        .iter()
        .flatten()
        .map(|n| ca_name(n))
        .collect();
    if let openssl::RequestTiming::AfterHandshake { how } = timing {
        handshake.requested_after_handshake = Some(how.to_owned());
    }
}

/// Mutual TLS as the second engine did it.
fn second_engine_mtls(identity: &ClientIdentity, x: &openssl::OpensslExchange) -> MutualTlsFacts {
    MutualTlsFacts {
        outcome: x.outcome.clone(),
        version: x.record.version.clone(),
        http_status_line: x.record.http_status_line.clone(),
        http_status: x.record.http_status,
        engine: Some("openssl".into()),
        presented: presented_names(identity),
    }
}

/// The browse the second engine's exchange amounts to (the same GET, read the same way).
fn second_engine_browse(
    target: &ProbeTarget,
    with_client_certificate: bool,
    x: &openssl::OpensslExchange,
) -> BrowseFacts {
    let outcome = match &x.answer {
        Some(answer) => browse::BrowseOutcome::Answered(answer.clone()),
        None => browse::BrowseOutcome::Failed {
            kind: if matches!(
                x.outcome,
                HandshakeOutcome::Alert { .. } | HandshakeOutcome::RemoteClosed { .. }
            ) {
                "tls".into()
            } else {
                "other".into()
            },
            reason: handshake_outcome_summary(&x.outcome),
        },
    };
    BrowseFacts {
        url: target.url(),
        with_client_certificate,
        outcome,
    }
}

fn handshake_facts(outcome: HandshakeOutcome, record: tls::HandshakeRecord) -> HandshakeFacts {
    let presented_der: Vec<Arc<[u8]>> = record
        .chain
        .iter()
        .map(|c| Arc::from(c.as_slice()))
        .collect();
    let presented_chain = record
        .chain
        .iter()
        .filter_map(|der| CertificateFacts::from_der(der).ok())
        .collect();
    let (certificate_requested, acceptable_ca_names) = match &record.certificate_request {
        Some(names) => (true, names.iter().map(|n| ca_name(n)).collect()),
        None => (false, Vec::new()),
    };
    HandshakeFacts {
        outcome,
        version: record.version,
        cipher_suite: record.cipher_suite,
        presented_chain,
        presented_der,
        certificate_requested,
        acceptable_ca_names,
        legacy: false,
        legacy_error: None,
        engine: None,
        requested_after_handshake: None,
        insecure_renegotiation: false,
    }
}

/// A CA name from a CertificateRequest, as Windows shows names.
fn ca_name(der: &[u8]) -> String {
    use x509_parser::prelude::FromDer;
    match x509_parser::x509::X509Name::from_der(der) {
        Ok((_, name)) => crate::engine::cert::display_dn(&name),
        Err(_) => format!("(unreadable name, {} bytes)", der.len()),
    }
}

fn handshake_summary(h: &HandshakeFacts) -> String {
    let mut text = handshake_outcome_summary(&h.outcome);
    if let Some(v) = &h.version {
        text.push_str(&format!(", {v}"));
    }
    if h.certificate_requested {
        text.push_str(&format!(
            ", client certificate requested ({} CA names)",
            h.acceptable_ca_names.len()
        ));
    }
    text
}

/// One line on how a handshake ended.
pub fn handshake_outcome_summary(outcome: &HandshakeOutcome) -> String {
    match outcome {
        HandshakeOutcome::Completed => "completed".into(),
        HandshakeOutcome::Alert { alert, during } => {
            format!("server sent alert {alert} ({during})")
        }
        HandshakeOutcome::RemoteClosed { during } => {
            format!("server closed the connection ({during})")
        }
        HandshakeOutcome::Silent => "no answer".into(),
        HandshakeOutcome::Stalled { bytes_received } => {
            format!("stalled after {bytes_received} bytes")
        }
        HandshakeOutcome::NotTls { answer } => format!("not TLS: {answer}"),
        HandshakeOutcome::LegacyOnly { .. } => "server speaks only TLS 1.0/1.1".into(),
        HandshakeOutcome::Failed { reason } => format!("failed: {reason}"),
        HandshakeOutcome::Cancelled => "cancelled".into(),
    }
}

fn browse_summary(b: &BrowseFacts) -> String {
    match &b.outcome {
        browse::BrowseOutcome::Answered(a) => match &a.title {
            Some(t) => format!("HTTP {} \"{t}\"", a.status),
            None => format!("HTTP {}", a.status),
        },
        browse::BrowseOutcome::Failed { kind, .. } => format!("no HTTP answer ({kind})"),
    }
}
