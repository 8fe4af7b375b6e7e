//! The lab's SIP responder: SIP over (mutual) TLS as a front end, Edge or SBC answers on 5061.
//!
//! It reads one request, answers an `OPTIONS` as RFC 3261 8.2.6 says (Via, From, To with a tag,
//! Call-ID and CSeq copied from the request), and closes without an answer on anything that is not a
//! SIP request, as Kamailio and Lync's SIP stack drop an unparsable message.
//!
//! The 403 plays an Edge refusing a federation partner. Its `ms-diagnostics` value is the one Skype /
//! Lync servers send when the previous federated hop gave no reason, as captured in a public 404 from
//! `federation.messenger.msn.com` (`ms-diagnostics: 1034;reason="Previous hop federated peer did not
//! report diagnostic information";Domain=...;PeerServer=...;source=...`, quoted in the test data of a
//! public SIP log tool); the domain names here are the lab's.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// Most bytes of a request the responder reads.
const REQUEST_CAP_BYTES: usize = 16 * 1024;

/// What the SIP layer answers an OPTIONS with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SipAnswer {
    /// 200 OK, as a healthy front end or SBC.
    Ok,
    /// 403 Forbidden with an Edge's ms-diagnostics.
    Forbidden,
}

/// Serves one connection: TLS with `config`, then one SIP request.
pub(super) fn serve(stream: TcpStream, config: &Arc<ServerConfig>, answer: SipAnswer) {
    let Ok(conn) = ServerConnection::new(Arc::clone(config)) else {
        return;
    };
    let mut tls = StreamOwned::new(conn, stream);
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match tls.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
        if request.len() > REQUEST_CAP_BYTES {
            return;
        }
    }
    let Some(reply) = reply_to(&request, answer) else {
        // Not a SIP request (an HTTP GET, garbage): dropped without an answer, as SIP servers do.
        tls.conn.send_close_notify();
        let _ = tls.flush();
        return;
    };
    // One request a connection: answer, then close cleanly (close_notify), so a hand-typed
    // `openssl s_client -quiet` exchange ends when the answer is complete, as the probe does.
    let _ = tls.write_all(reply.as_bytes());
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

/// The answer to `request`, or `None` when it is not a SIP request.
fn reply_to(request: &[u8], answer: SipAnswer) -> Option<String> {
    let text = std::str::from_utf8(request).ok()?;
    let mut lines = text.split("\r\n");
    let first = lines.next()?;
    let mut parts = first.split(' ');
    let (method, uri, version) = (parts.next()?, parts.next()?, parts.next()?);
    if version != "SIP/2.0" || !(uri.starts_with("sip:") || uri.starts_with("sips:")) {
        return None;
    }
    let copied: Vec<&str> = lines
        .take_while(|l| !l.is_empty())
        .filter(|l| {
            let name = l
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            matches!(
                name.as_str(),
                "via" | "v" | "from" | "f" | "call-id" | "i" | "cseq"
            )
        })
        .collect();
    let to = text
        .split("\r\n")
        .find(|l| l.to_ascii_lowercase().starts_with("to:"))
        .map(|l| format!("{l};tag=lab1"))
        .unwrap_or_else(|| "To: <sip:pool01.lab.test>;tag=lab1".to_owned());
    let (status, extra) = match (method, answer) {
        ("OPTIONS", SipAnswer::Ok) => (
            "200 OK",
            "Server: RTCC/7.0.0.0 certwiz-lab\r\nAllow: INVITE, BYE, ACK, CANCEL, INFO, OPTIONS, MESSAGE, SUBSCRIBE, NOTIFY\r\nAccept: application/sdp\r\n".to_owned(),
        ),
        ("OPTIONS", SipAnswer::Forbidden) => (
            "403 Forbidden",
            "Server: RTCC/7.0.0.0 AccessEdge (certwiz-lab)\r\nms-diagnostics: 1034;reason=\"Previous hop federated peer did not report diagnostic information\";Domain=\"lab.test\";PeerServer=\"edge.partner.test\";source=\"edge.lab.test\"\r\n".to_owned(),
        ),
        _ => ("405 Method Not Allowed", "Allow: OPTIONS\r\n".to_owned()),
    };
    let mut reply = format!("SIP/2.0 {status}\r\n");
    for line in copied {
        reply.push_str(line);
        reply.push_str("\r\n");
    }
    reply.push_str(&to);
    reply.push_str("\r\n");
    reply.push_str(&extra);
    reply.push_str("Content-Length: 0\r\n\r\n");
    Some(reply)
}

#[cfg(test)]
mod tests {
    use super::{SipAnswer, reply_to};

    #[test]
    fn options_is_answered_with_the_request_headers() {
        let request = "OPTIONS sip:pool01.lab.test:5061;transport=tls SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:4000;branch=z9hG4bKx;rport\r\nMax-Forwards: 70\r\nFrom: <sip:certwiz@127.0.0.1>;tag=a\r\nTo: <sip:pool01.lab.test:5061>\r\nCall-ID: c@certwiz\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        let reply = reply_to(request.as_bytes(), SipAnswer::Ok).expect("sip");
        assert!(reply.starts_with(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 127.0.0.1:4000;branch=z9hG4bKx;rport\r\n"
        ));
        assert!(reply.contains("To: <sip:pool01.lab.test:5061>;tag=lab1\r\n"));
        assert!(reply.contains("Call-ID: c@certwiz\r\nCSeq: 1 OPTIONS\r\n"));
        let forbidden = reply_to(request.as_bytes(), SipAnswer::Forbidden).expect("sip");
        assert!(forbidden.starts_with("SIP/2.0 403 Forbidden\r\n"));
        assert!(forbidden.contains("ms-diagnostics: 1034;"));
        assert_eq!(
            reply_to(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", SipAnswer::Ok),
            None
        );
    }
}
