//! Progress, cancel and the journal of timed steps: how a long check (a probe, an inspection that
//! fetches, a pool) tells a front end what it is doing, how it is stopped, and what its report's
//! timeline shows. Used by `probe`, `inspect`, `revocation` and `pool`; the GUI passes a waker
//! (`ctx.request_repaint`), the CLI passes nothing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};

/// Set to stop a running check; every step looks at it at least every 100 ms.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every step to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The steps of a check, in the order a user sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeStep {
    /// Resolve and open TCP.
    Connect,
    /// TLS handshake without a client certificate, recording what the server shows.
    Handshake,
    /// The clear-text part of a TLS 1.0 / 1.1 handshake, for servers rustls cannot talk to.
    LegacyHandshake,
    /// The second TLS engine (OpenSSL), where rustls refuses: TLS 1.0 / 1.1, or a client certificate
    /// asked for only after the handshake.
    SecondEngine,
    /// TLS handshake presenting the client certificate.
    MutualTls,
    /// HTTPS GET without a client certificate.
    Browse,
    /// HTTPS GET with the client certificate.
    BrowseWithCertificate,
    /// A SIP OPTIONS without a client certificate (on SIP ports, when no mutual TLS was tried).
    SipOptions,
    /// Downloading missing issuers from the AIA "CA Issuers" URLs (`--fetch`).
    Intermediates,
    /// Fetching CRLs and asking OCSP responders (`--fetch`).
    Revocation,
}

impl ProbeStep {
    /// Words for a progress line.
    pub fn label(self) -> &'static str {
        match self {
            ProbeStep::Connect => "Connecting",
            ProbeStep::Handshake => "TLS handshake",
            ProbeStep::LegacyHandshake => "TLS 1.0 handshake (read only)",
            ProbeStep::SecondEngine => "TLS with the second engine (OpenSSL)",
            ProbeStep::MutualTls => "Mutual TLS with the client certificate",
            ProbeStep::Browse => "Browsing to the URL",
            ProbeStep::BrowseWithCertificate => "Browsing with the client certificate",
            ProbeStep::SipOptions => "SIP OPTIONS",
            ProbeStep::Intermediates => "Downloading missing intermediates (AIA)",
            ProbeStep::Revocation => "Checking revocation (CRL / OCSP)",
        }
    }
}

/// Progress of a running check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "event")]
pub enum ProbeEvent {
    /// A step began.
    Started {
        /// Which.
        step: ProbeStep,
    },
    /// A step is about to contact these URLs (named before any request is made).
    Contacting {
        /// Which.
        step: ProbeStep,
        /// The URLs, in the order they will be requested (all at once).
        urls: Vec<String>,
    },
    /// A step ended.
    Finished {
        /// Which.
        step: ProbeStep,
        /// One line on what it found.
        summary: String,
        /// How long it took.
        elapsed_ms: u64,
    },
}

/// One line of a report's timeline: a check that ran, when it started, and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// When it started.
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
    /// What ran ("TLS handshake").
    pub what: String,
    /// What it found, in one line.
    pub result: String,
    /// How long it took, when it was timed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u64>,
}

/// Where progress goes: a channel, a waker to call after each event (the GUI's repaint), and a
/// journal of the steps for the report's timeline.
#[derive(Clone, Default)]
pub struct Progress {
    sender: Option<Arc<Mutex<Sender<ProbeEvent>>>>,
    waker: Option<Arc<dyn Fn() + Send + Sync>>,
    journal: Option<Journal>,
    /// Put before every step's summary (the member's name when several servers are probed at once).
    label: Option<Arc<str>>,
}

/// The steps a [`Progress`] saw, for a report's timeline ([`Progress::journaled`]).
#[derive(Clone, Default, Debug)]
pub struct Journal(Arc<Mutex<Vec<TimelineEntry>>>);

impl Journal {
    /// The entries so far, oldest first.
    pub fn entries(&self) -> Vec<TimelineEntry> {
        self.0.lock().map(|e| e.clone()).unwrap_or_default()
    }

    fn push(&self, entry: TimelineEntry) {
        if let Ok(mut entries) = self.0.lock() {
            entries.push(entry);
        }
    }
}

impl Progress {
    /// Progress that goes nowhere.
    pub fn none() -> Self {
        Self::default()
    }

    /// Progress sent on `sender`, with `waker` called after each event.
    pub fn new(sender: Sender<ProbeEvent>, waker: Option<Arc<dyn Fn() + Send + Sync>>) -> Self {
        Progress {
            sender: Some(Arc::new(Mutex::new(sender))),
            waker,
            journal: None,
            label: None,
        }
    }

    /// The same progress, with `label` put before every step's summary ("pool02.contoso.com: port
    /// open at ..."), so that the events of servers probed at the same time can be told apart.
    pub fn labelled(&self, label: &str) -> Progress {
        let mut progress = self.clone();
        progress.label = Some(Arc::from(label));
        progress
    }

    /// The same progress, also writing each step into a new journal (one per check, so runs that
    /// share a channel keep separate timelines).
    pub fn journaled(&self) -> (Progress, Journal) {
        let journal = Journal::default();
        let progress = Progress {
            sender: self.sender.clone(),
            waker: self.waker.clone(),
            journal: Some(journal.clone()),
            label: self.label.clone(),
        };
        (progress, journal)
    }

    fn emit(&self, event: ProbeEvent) {
        if let Some(sender) = &self.sender
            && let Ok(sender) = sender.lock()
        {
            let _ = sender.send(event);
        }
        if let Some(waker) = &self.waker {
            waker();
        }
    }

    /// Announces the URLs a step is about to contact.
    pub fn contacting(&self, step: ProbeStep, urls: Vec<String>) {
        self.emit(ProbeEvent::Contacting { step, urls });
    }

    /// Runs `work` as `step`: a Started event, then Finished with `summary` of the result.
    pub fn step<T>(
        &self,
        step: ProbeStep,
        work: impl FnOnce() -> T,
        summary: impl FnOnce(&T) -> String,
    ) -> (T, u64) {
        self.emit(ProbeEvent::Started { step });
        let started_at = time::OffsetDateTime::now_utc();
        let started = Instant::now();
        let result = work();
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let summary = match &self.label {
            Some(label) => format!("{label}: {}", summary(&result)),
            None => summary(&result),
        };
        if let Some(journal) = &self.journal {
            journal.push(TimelineEntry {
                at: started_at,
                what: step.label().to_owned(),
                result: summary.clone(),
                elapsed_ms: Some(elapsed_ms),
            });
        }
        self.emit(ProbeEvent::Finished {
            step,
            summary,
            elapsed_ms,
        });
        (result, elapsed_ms)
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("channel", &self.sender.is_some())
            .finish()
    }
}
