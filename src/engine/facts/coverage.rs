//! How far a check got: which of its parts finished and which a cancel stopped. A cancelled run
//! judges only what finished; this is what says which parts those are, for the verdict, every
//! renderer and the wizard's steps alike.

use serde::{Deserialize, Serialize};

use crate::engine::probe::ProbeFacts;
use crate::engine::probe::tcp::ConnectOutcome;
use crate::engine::probe::tls::HandshakeOutcome;
use crate::engine::revocation::RevocationFacts;

/// One part of a network check, in the order the check does them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckPart {
    /// The TCP connection to the port.
    Connect,
    /// The TLS handshake: what the server presents and whether it asks for a client certificate.
    TlsHandshake,
    /// The certification path of the presented chain (its dates, trust and purposes).
    PresentedPath,
    /// The handshake with our client certificate.
    MutualTls,
    /// The HTTPS request: what answers on the port.
    Browse,
    /// The CRL / OCSP / AIA fetches (`--fetch`).
    Revocation,
}

impl CheckPart {
    /// The part in words, for a sentence ("Checked: the TCP connection, ...").
    pub fn label(self) -> &'static str {
        match self {
            CheckPart::Connect => "the TCP connection",
            CheckPart::TlsHandshake => "the TLS handshake",
            CheckPart::PresentedPath => "the presented certification path",
            CheckPart::MutualTls => "mutual TLS",
            CheckPart::Browse => "what answers over HTTPS",
            CheckPart::Revocation => "revocation",
        }
    }

    /// The parts in words, joined by commas ("none" when empty).
    pub fn list(parts: &[CheckPart]) -> String {
        if parts.is_empty() {
            return "none".to_owned();
        }
        parts
            .iter()
            .map(|p| p.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Which parts of a cancelled check finished, and which it would have done but did not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Finished: their facts are complete and judged.
    pub checked: Vec<CheckPart>,
    /// Started or due, but stopped by the cancel: judged as nothing.
    pub not_checked: Vec<CheckPart>,
}

impl Coverage {
    /// Whether `part` finished.
    pub fn finished(&self, part: CheckPart) -> bool {
        self.checked.contains(&part)
    }

    /// The coverage of a probe (with a client certificate when `identity_given`; and the revocation
    /// fetches, when `fetch_asked`). A part the run would never have reached whatever the cancel (the
    /// handshake after a refused connection, mutual TLS when the server did not ask) is in neither
    /// list: it is "not tried", with its own reason.
    pub fn of(
        probe: &ProbeFacts,
        identity_given: bool,
        fetch_asked: bool,
        revocation: Option<&RevocationFacts>,
    ) -> Coverage {
        let mut coverage = Coverage::default();
        let mut mark = |part: CheckPart, done: bool| {
            if done {
                coverage.checked.push(part);
            } else {
                coverage.not_checked.push(part);
            }
        };
        let connect_done = probe
            .connect
            .attempts
            .iter()
            .any(|a| a.outcome != ConnectOutcome::NotTried)
            || probe.connect.is_open();
        mark(CheckPart::Connect, connect_done);
        let rest_unfinished = |mark: &mut dyn FnMut(CheckPart, bool)| {
            for part in [
                CheckPart::TlsHandshake,
                CheckPart::PresentedPath,
                CheckPart::Browse,
            ] {
                mark(part, false);
            }
            if fetch_asked {
                mark(CheckPart::Revocation, false);
            }
        };
        if !connect_done {
            rest_unfinished(&mut mark);
            return coverage;
        }
        if !probe.connect.is_open() {
            // Refused or unreachable: a finished answer; nothing after it applies.
            return coverage;
        }
        let Some(handshake) = probe
            .handshake
            .as_ref()
            .filter(|h| h.outcome != HandshakeOutcome::Cancelled)
        else {
            rest_unfinished(&mut mark);
            return coverage;
        };
        mark(CheckPart::TlsHandshake, true);
        if handshake.presented_der.is_empty() && handshake.presented_chain.is_empty() {
            // The server presented nothing (silent, not TLS, closed): no path, no browse to judge.
            return coverage;
        }
        mark(CheckPart::PresentedPath, true);
        // The same rule as the probe's: only then do mutual TLS and the browse follow the handshake.
        let speaks_tls = matches!(
            handshake.outcome,
            HandshakeOutcome::Completed
                | HandshakeOutcome::Alert { .. }
                | HandshakeOutcome::RemoteClosed { .. }
        );
        if speaks_tls && handshake.certificate_requested && identity_given {
            let done = probe
                .mutual_tls
                .as_ref()
                .is_some_and(|m| m.outcome != HandshakeOutcome::Cancelled);
            mark(CheckPart::MutualTls, done);
        }
        if speaks_tls {
            mark(CheckPart::Browse, probe.browse.is_some());
        }
        if fetch_asked {
            mark(
                CheckPart::Revocation,
                revocation.is_some_and(|r| !r.cancelled),
            );
        }
        coverage
    }
}
