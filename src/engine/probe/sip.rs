//! The SIP step: an RFC 3261 `OPTIONS` request over the TLS connection, and what came back.
//!
//! On SIP ports (5061 between front ends, Directors and Edges, 5067 to Mediation servers and SBCs) the
//! servers speak SIP, not HTTP: an HTTP GET there is garbage to them, and they close the connection,
//! which a probe would misread as "rejected our certificate". `OPTIONS` is the SIP ping every server
//! answers (RFC 3261 11; Lync / Skype for Business and SBCs use it as their keep-alive).
//!
//! Building: [`options_request`], one request with the headers RFC 3261 8.1.1 requires. Parsing:
//! [`parse_reply`] reads the status line by hand (httparse only knows `HTTP/`) and the header block with
//! `httparse::parse_headers`; it keeps only what a diagnosis needs (code, reason, Server / User-Agent,
//! ms-diagnostics, Allow). The `rsip` crate was evaluated: 0.4.0 declares no license and pulls old
//! copies of md-5, sha2, uuid and bstr plus a proc-macro crate, for one request and a status line.
//!
//! Limits: at most [`SIP_ANSWER_CAP_BYTES`] are read; at most 64 header fields are looked at; header
//! values are cut at 300 characters; provisional answers (1xx) are skipped for the final one.

use std::io::Read;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::ProbeTarget;
use super::outcome::{HandshakeOutcome, describe_non_tls};

/// Most bytes read from a SIP answer (an OPTIONS answer is a few hundred bytes; an SDP body a few KiB).
pub const SIP_ANSWER_CAP_BYTES: usize = 64 * 1024;

/// Longest header value kept (ms-diagnostics reasons are long, but not that long).
const VALUE_CAP_CHARS: usize = 300;

/// A SIP answer to our OPTIONS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipAnswer {
    /// The status code (200, 403, ...).
    pub status: u16,
    /// The reason phrase ("OK", "Forbidden").
    pub reason: String,
    /// The `Server` header: the product that answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The `User-Agent` header (Lync / Skype for Business answer with it instead of `Server`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Microsoft's `ms-diagnostics` headers, joined with " | ": why a Lync / SfB server or Edge refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms_diagnostics: Option<String>,
    /// The `Allow` header: the methods the server takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow: Option<String>,
    /// The final answer's status line as sent.
    pub first_line: String,
    /// Bytes read in all (provisional answers included).
    pub bytes_read: usize,
}

impl SipAnswer {
    /// "SIP/2.0 200 OK" plus who answered, in one line.
    pub fn summary(&self) -> String {
        let mut text = format!("SIP {} {}", self.status, self.reason);
        if let Some(who) = self.server.as_ref().or(self.user_agent.as_ref()) {
            text.push_str(&format!(" from {who}"));
        }
        text
    }
}

/// What came back after our OPTIONS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "reply")]
pub enum SipReply {
    /// A SIP status line (and its headers).
    Answered(SipAnswer),
    /// Something that is not SIP: an HTTP answer, an HTML page, other bytes.
    NotSip {
        /// What it looks like ("an HTTP/1.1 400 Bad Request answer", "an HTML page").
        looks_like: String,
        /// Its first line (at most 200 characters).
        first_line: String,
        /// Bytes read.
        bytes_read: usize,
    },
    /// Nothing came back.
    Nothing {
        /// How the connection ended instead ("closed without an answer", "no answer in 5 s").
        why: String,
    },
}

/// One OPTIONS exchange: over which TLS connection, and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipExchange {
    /// Whether the connection presented our client certificate (the answer that decides).
    pub with_client_certificate: bool,
    /// Whether the TLS handshake completed, so that the OPTIONS was sent (what followed is SIP's).
    pub handshake_completed: bool,
    /// How the TLS connection ended (`completed` when something came back).
    pub outcome: HandshakeOutcome,
    /// The TLS engine when it was not rustls (`openssl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// The answer.
    pub reply: SipReply,
}

impl SipExchange {
    /// The answer, when a SIP one came back.
    pub fn answer(&self) -> Option<&SipAnswer> {
        match &self.reply {
            SipReply::Answered(a) => Some(a),
            _ => None,
        }
    }

    /// One line for progress and timelines.
    pub fn summary(&self) -> String {
        match &self.reply {
            SipReply::Answered(a) => a.summary(),
            SipReply::NotSip { looks_like, .. } => format!("not SIP: {looks_like}"),
            SipReply::Nothing { why } => format!("no SIP answer: {why}"),
        }
    }
}

impl SipExchange {
    /// An exchange that never got to the OPTIONS: the TLS handshake ended as `outcome`.
    pub fn handshake_failed(
        with_client_certificate: bool,
        outcome: HandshakeOutcome,
        engine: Option<String>,
    ) -> SipExchange {
        let why = format!(
            "no OPTIONS was sent: the TLS handshake did not complete ({})",
            super::handshake_outcome_summary(&outcome)
        );
        SipExchange {
            with_client_certificate,
            handshake_completed: false,
            outcome,
            engine,
            reply: SipReply::Nothing { why },
        }
    }
}

/// Random hex for the branch, tag and Call-ID (RFC 3261 8.1.1.7 wants the branch unique per request).
fn random_hex(bytes: usize) -> String {
    use ring::rand::SecureRandom;
    let mut buf = vec![0u8; bytes];
    // A failing system RNG only makes the identifiers less unique; the request stays valid.
    let _ = ring::rand::SystemRandom::new().fill(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// The OPTIONS request for `target`, from `local` (our end of the TCP connection, for Via and Contact).
pub fn options_request(target: &ProbeTarget, local: Option<SocketAddr>) -> String {
    options_request_with(
        target,
        local,
        &random_hex(8),
        &random_hex(4),
        &random_hex(8),
    )
}

/// [`options_request`] with the random parts given (tests compare whole requests).
pub fn options_request_with(
    target: &ProbeTarget,
    local: Option<SocketAddr>,
    branch: &str,
    tag: &str,
    call_id: &str,
) -> String {
    // An unknown local address still needs a syntactically valid sent-by (RFC 3261 18.2.1 lets the
    // server add `received`); `rport` asks it to answer on this connection whatever we wrote.
    let sent_by = local.map_or_else(|| "certwiz.invalid".to_owned(), |a| a.to_string());
    let local_host = local.map_or_else(
        || "certwiz.invalid".to_owned(),
        |a| match a {
            SocketAddr::V4(v4) => v4.ip().to_string(),
            SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
        },
    );
    let remote = target.host_header();
    let request_uri = format!("sip:{remote};transport=tls");
    format!(
        "OPTIONS {request_uri} SIP/2.0\r\n\
         Via: SIP/2.0/TLS {sent_by};branch=z9hG4bK{branch};rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:certwiz@{local_host}>;tag={tag}\r\n\
         To: <sip:{remote}>\r\n\
         Call-ID: {call_id}@certwiz\r\n\
         CSeq: 1 OPTIONS\r\n\
         Contact: <sip:certwiz@{sent_by};transport=tls>\r\n\
         Accept: application/sdp\r\n\
         User-Agent: certwiz/{}\r\n\
         Content-Length: 0\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// Reads the answer from `stream` until a final SIP answer is complete, the peer closes, the stream
/// fails (its deadline, a TLS alert) or [`SIP_ANSWER_CAP_BYTES`] are read. Returns the bytes and the
/// error that ended the read, if one did.
pub fn read_answer(stream: &mut impl Read) -> (Vec<u8>, Option<std::io::Error>) {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (raw, None),
            Ok(n) => {
                raw.extend_from_slice(&buf[..n]);
                if raw.len() >= SIP_ANSWER_CAP_BYTES || enough(&raw) {
                    return (raw, None);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return (raw, Some(e)),
        }
    }
}

/// Whether `raw` holds what the diagnosis needs: a final answer's complete head, or bytes that cannot
/// be SIP (no point waiting for more of an HTML page).
fn enough(raw: &[u8]) -> bool {
    const PREFIX: &[u8] = b"SIP/2.0 ";
    let n = raw.len().min(PREFIX.len());
    if raw[..n] != PREFIX[..n] {
        return true;
    }
    let mut rest = raw;
    while let Some((head, consumed)) = parse_head(rest) {
        if head.status >= 200 {
            return true;
        }
        rest = rest.get(consumed..).unwrap_or_default();
    }
    false
}

/// A parsed answer head and the bytes it (with its body) takes.
struct Head {
    status: u16,
    reason: String,
    first_line: String,
    fields: Vec<(String, String)>,
}

/// Parses one complete SIP answer head at the start of `raw`; `None` until it is complete.
fn parse_head(raw: &[u8]) -> Option<(Head, usize)> {
    let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
    let line = std::str::from_utf8(&raw[..line_end]).ok()?;
    let rest = line.strip_prefix("SIP/2.0 ")?;
    let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
    if code.len() != 3 {
        return None;
    }
    let status: u16 = code.parse().ok()?;
    if !(100..700).contains(&status) {
        return None;
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let after_line = &raw[line_end + 2..];
    let (fields, head_len) = match httparse::parse_headers(after_line, &mut headers) {
        Ok(httparse::Status::Complete((len, parsed))) => (
            parsed
                .iter()
                .map(|h| {
                    (
                        h.name.to_ascii_lowercase(),
                        String::from_utf8_lossy(h.value)
                            .trim()
                            .chars()
                            .take(VALUE_CAP_CHARS)
                            .collect::<String>(),
                    )
                })
                .collect::<Vec<_>>(),
            line_end + 2 + len,
        ),
        _ => return None,
    };
    // Content-Length, or its compact form `l` (RFC 3261 7.3.3); a body is skipped, not read.
    let body = fields
        .iter()
        .find(|(n, _)| n == "content-length" || n == "l")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    Some((
        Head {
            status,
            reason: reason.trim().chars().take(VALUE_CAP_CHARS).collect(),
            first_line: line.chars().take(200).collect(),
            fields,
        },
        head_len.saturating_add(body),
    ))
}

/// What `raw` (everything read after our OPTIONS) says: the final SIP answer (after any 1xx), the
/// last provisional one when no final came, or what the bytes look like when they are not SIP.
pub fn parse_reply(raw: &[u8]) -> Option<SipReply> {
    if raw.is_empty() {
        return None;
    }
    let mut rest = raw;
    let mut last = None;
    while let Some((head, consumed)) = parse_head(rest) {
        let is_final = head.status >= 200;
        last = Some(head);
        if is_final {
            break;
        }
        rest = rest.get(consumed..).unwrap_or_default();
    }
    Some(match last {
        Some(head) => SipReply::Answered(answer_from(head, raw.len())),
        None => SipReply::NotSip {
            looks_like: looks_like(raw),
            first_line: String::from_utf8_lossy(raw)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .chars()
                .take(200)
                .collect(),
            bytes_read: raw.len(),
        },
    })
}

fn answer_from(head: Head, bytes_read: usize) -> SipAnswer {
    let all = |name: &str| {
        let values: Vec<&str> = head
            .fields
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(" | "))
    };
    SipAnswer {
        status: head.status,
        reason: head.reason,
        server: all("server"),
        user_agent: all("user-agent"),
        ms_diagnostics: all("ms-diagnostics"),
        allow: all("allow"),
        first_line: head.first_line,
        bytes_read,
    }
}

/// What a non-SIP answer looks like, in words.
fn looks_like(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(&raw[..raw.len().min(4096)]).to_ascii_lowercase();
    if raw.starts_with(b"HTTP/") {
        let line = String::from_utf8_lossy(raw);
        let line = line.lines().next().unwrap_or("").trim();
        return format!("an HTTP answer ({line}): a web server, not a SIP server");
    }
    if text.contains("<html") || text.contains("<!doctype html") {
        return "an HTML page: a web server, not a SIP server".into();
    }
    if raw.starts_with(b"SIP/") {
        return "an incomplete or malformed SIP answer".into();
    }
    describe_non_tls(raw)
}

/// The exchange from what the read gave: the reply and how the connection ended. `outcome_on_error`
/// says what a failed read means at the TLS layer (an alert, a reset), decided by the engine.
pub fn exchange_from(
    raw: &[u8],
    read_error: Option<HandshakeOutcome>,
    timeout_secs: u64,
    with_client_certificate: bool,
    engine: Option<String>,
) -> SipExchange {
    let (outcome, reply) = match (parse_reply(raw), read_error) {
        (Some(reply), _) => (HandshakeOutcome::Completed, reply),
        (None, Some(outcome)) => {
            let why = match &outcome {
                HandshakeOutcome::Alert { alert, .. } => {
                    format!("the server sent the TLS alert {alert} instead of a SIP answer")
                }
                HandshakeOutcome::RemoteClosed { .. } => {
                    "the server closed the connection without a SIP answer and without a TLS alert"
                        .to_owned()
                }
                HandshakeOutcome::Silent | HandshakeOutcome::Stalled { .. } => {
                    format!("no answer within {timeout_secs} s")
                }
                HandshakeOutcome::Cancelled => "the check was cancelled".to_owned(),
                other => super::handshake_outcome_summary(other),
            };
            (outcome, SipReply::Nothing { why })
        }
        (None, None) => (
            HandshakeOutcome::RemoteClosed {
                during: "first-read".into(),
            },
            SipReply::Nothing {
                why:
                    "the server closed the connection without a SIP answer and without a TLS alert"
                        .into(),
            },
        ),
    };
    SipExchange {
        with_client_certificate,
        handshake_completed: true,
        outcome,
        engine,
        reply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> ProbeTarget {
        ProbeTarget {
            host: "fe1.contoso.com".into(),
            port: 5061,
            path: "/".into(),
            address: None,
            protocol: Default::default(),
        }
    }

    #[test]
    fn the_request_has_what_rfc_3261_requires() {
        let local: SocketAddr = "10.0.0.5:50123".parse().expect("addr");
        let request = options_request_with(&target(), Some(local), "abc", "t1", "c1");
        assert_eq!(
            request,
            format!(
                "OPTIONS sip:fe1.contoso.com:5061;transport=tls SIP/2.0\r\n\
                 Via: SIP/2.0/TLS 10.0.0.5:50123;branch=z9hG4bKabc;rport\r\n\
                 Max-Forwards: 70\r\n\
                 From: <sip:certwiz@10.0.0.5>;tag=t1\r\n\
                 To: <sip:fe1.contoso.com:5061>\r\n\
                 Call-ID: c1@certwiz\r\n\
                 CSeq: 1 OPTIONS\r\n\
                 Contact: <sip:certwiz@10.0.0.5:50123;transport=tls>\r\n\
                 Accept: application/sdp\r\n\
                 User-Agent: certwiz/{}\r\n\
                 Content-Length: 0\r\n\r\n",
                env!("CARGO_PKG_VERSION")
            )
        );
        // Random parts differ between requests.
        assert_ne!(
            options_request(&target(), None),
            options_request(&target(), None)
        );
        let v6: SocketAddr = "[::1]:5000".parse().expect("addr");
        assert!(options_request(&target(), Some(v6)).contains("From: <sip:certwiz@[::1]>"));
    }

    #[test]
    fn a_kamailio_200_is_read() {
        // As Kamailio 5.6's sl_send_reply answers (header order and values from its replies).
        let raw = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 127.0.0.1:40000;branch=z9hG4bKabc;rport=40000\r\nFrom: <sip:certwiz@127.0.0.1>;tag=t1\r\nTo: <sip:localhost:5061>;tag=x\r\nCall-ID: c1@certwiz\r\nCSeq: 1 OPTIONS\r\nServer: kamailio (5.6.3 (x86_64/linux))\r\nContent-Length: 0\r\n\r\n";
        let Some(SipReply::Answered(a)) = parse_reply(raw) else {
            panic!("not answered")
        };
        assert_eq!((a.status, a.reason.as_str()), (200, "OK"));
        assert_eq!(a.server.as_deref(), Some("kamailio (5.6.3 (x86_64/linux))"));
        assert_eq!(a.first_line, "SIP/2.0 200 OK");
        assert_eq!(a.bytes_read, raw.len());
        assert!(enough(raw));
    }

    #[test]
    fn provisional_answers_are_skipped_and_diagnostics_kept() {
        let raw = b"SIP/2.0 100 Trying\r\nContent-Length: 0\r\n\r\nSIP/2.0 403 Forbidden\r\nms-diagnostics: 1034;reason=\"Previous hop federated peer did not report diagnostic information\"\r\nms-diagnostics: 1008;reason=\"x\"\r\nUser-Agent: RTCC/7.0.0.0 MSEdge\r\nl: 0\r\n\r\n";
        let Some(SipReply::Answered(a)) = parse_reply(raw) else {
            panic!("not answered")
        };
        assert_eq!(a.status, 403);
        assert_eq!(a.user_agent.as_deref(), Some("RTCC/7.0.0.0 MSEdge"));
        assert_eq!(
            a.ms_diagnostics.as_deref(),
            Some(
                "1034;reason=\"Previous hop federated peer did not report diagnostic information\" | 1008;reason=\"x\""
            )
        );
        // Only a 100 so far: wait for more.
        assert!(!enough(b"SIP/2.0 100 Trying\r\nContent-Length: 0\r\n\r\n"));
        assert!(!enough(b"SIP/2.0 200 OK\r\nServer: x\r\n"));
    }

    #[test]
    fn other_answers_are_not_sip() {
        let http = b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n<html></html>";
        let Some(SipReply::NotSip {
            looks_like,
            first_line,
            ..
        }) = parse_reply(http)
        else {
            panic!("sip?")
        };
        assert!(looks_like.starts_with("an HTTP answer (HTTP/1.1 400 Bad Request)"));
        assert_eq!(first_line, "HTTP/1.1 400 Bad Request");
        assert!(enough(http));
        let html = b"<!DOCTYPE html><html><body>It works</body></html>";
        assert!(matches!(
            parse_reply(html),
            Some(SipReply::NotSip { looks_like, .. }) if looks_like.starts_with("an HTML page")
        ));
        assert!(matches!(
            parse_reply(&[0x00, 0x01, 0xff]),
            Some(SipReply::NotSip { looks_like, .. }) if looks_like.contains("not TLS")
        ));
        // Malformed status lines are not answers.
        for bad in [
            &b"SIP/2.0 20 OK\r\n\r\n"[..],
            b"SIP/2.0 999 What\r\n\r\n",
            b"SIP/2.0 abc\r\n\r\n",
        ] {
            assert!(
                matches!(parse_reply(bad), Some(SipReply::NotSip { .. })),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(parse_reply(b""), None);
    }

    #[test]
    fn reading_stops_at_the_cap() {
        // "SSS..." is not SIP after the first byte: the reader stops at once.
        let mut endless = std::io::repeat(b'S').take(10 * SIP_ANSWER_CAP_BYTES as u64);
        let (raw, error) = read_answer(&mut endless);
        assert!(raw.len() <= 8 * 1024 && error.is_none());
        // A SIP head that never ends is cut at the cap.
        let mut head = b"SIP/2.0 200 OK\r\nX: ".to_vec();
        head.resize(10 * SIP_ANSWER_CAP_BYTES, b'a');
        let (raw, _) = read_answer(&mut std::io::Cursor::new(head));
        assert!(raw.len() >= SIP_ANSWER_CAP_BYTES && raw.len() < SIP_ANSWER_CAP_BYTES + 8 * 1024);
    }

    #[test]
    fn every_cut_of_an_answer_is_read_without_panic() {
        let whole = "SIP/2.0 100 Trying\r\nContent-Length: 0\r\n\r\nSIP/2.0 200 OK\r\nServer: Ünïcode SBC\r\nContent-Length: 4\r\n\r\nv=0\n".as_bytes();
        let final_head_end = whole.len() - 4;
        for cut in 0..=whole.len() {
            let part = &whole[..cut];
            let reply = parse_reply(part);
            // A reader waits for more until the final answer's head is complete, never longer.
            assert_eq!(enough(part), cut >= final_head_end, "cut at {cut}");
            if cut >= final_head_end {
                assert!(
                    matches!(&reply, Some(SipReply::Answered(a)) if a.status == 200 && a.server.as_deref() == Some("Ünïcode SBC")),
                    "{reply:?}"
                );
            }
        }
        // Bytes that are not UTF-8 in the status line are not an answer.
        assert!(matches!(
            parse_reply(b"SIP/2.0 200 \xff\xfe\r\n\r\n"),
            Some(SipReply::NotSip { .. })
        ));
    }
}
