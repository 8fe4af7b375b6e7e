//! How a TLS connection attempt ended, in the terms a report uses: the plain data that the TLS
//! engines (rustls, OpenSSL) and what is spoken after the handshake (HTTP, SIP) all record. Below
//! them all, so none of them imports another for it.

use serde::{Deserialize, Serialize};

/// How a handshake (and, for mutual TLS, the first exchange after it) ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "result")]
pub enum HandshakeOutcome {
    /// The handshake completed (and, for mutual TLS, the server answered the first request).
    Completed,
    /// The server sent a TLS alert.
    Alert {
        /// The alert's TLS name, e.g. `unknown_ca`, `certificate_required`.
        alert: String,
        /// `handshake`, or `first-read` (TLS 1.3 servers reject a client certificate only then).
        during: String,
    },
    /// The server closed or reset the connection without an alert: the "ReceiveFailure" pattern.
    RemoteClosed {
        /// `handshake` or `first-read`.
        during: String,
    },
    /// The TCP port is open but nothing came back before the timeout.
    Silent,
    /// The server started answering but stopped before the handshake finished.
    Stalled {
        /// Bytes received before the timeout.
        bytes_received: usize,
    },
    /// What came back is not TLS.
    NotTls {
        /// What it looked like, e.g. "an HTTP/1.1 400 Bad Request answer".
        answer: String,
    },
    /// The server speaks only TLS 1.0 / 1.1, which rustls does not.
    LegacyOnly {
        /// What rustls said.
        detail: String,
    },
    /// Anything else, with the reason.
    Failed {
        /// What went wrong.
        reason: String,
    },
    /// The user cancelled.
    Cancelled,
}

/// Says in words what a non-TLS answer looks like.
pub fn describe_non_tls(first: &[u8]) -> String {
    let text = String::from_utf8_lossy(first);
    let line = text.lines().next().unwrap_or("").trim();
    if line.starts_with("HTTP/") {
        let mut parts = line.splitn(2, ' ');
        let version = parts.next().unwrap_or("HTTP");
        let status = parts.next().unwrap_or("").trim();
        return format!("an {version} {status} answer: plain HTTP on a TLS port");
    }
    let printable = first
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if printable && !line.is_empty() {
        let shown: String = line.chars().take(80).collect();
        return format!("text, starting \"{shown}\"");
    }
    let hex: Vec<String> = first.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{} bytes that are not TLS, starting {}",
        first.len(),
        hex.join(" ")
    )
}
