//! Step 2b: read what a TLS 1.0 / 1.1 server shows, which rustls cannot talk to.
//!
//! OCS 2007-era servers speak TLS 1.0. Up to TLS 1.2 the server's Certificate and CertificateRequest
//! (with its acceptable CA list) travel in clear text, so certwiz sends a hand-built ClientHello offering
//! TLS 1.0 to 1.2 and parses the answer with tls-parser, without completing the handshake.

use std::io::{Read, Write};
use std::time::Instant;

use tls_parser::{
    TlsMessage, TlsMessageHandshake, TlsRecordType, parse_tls_message_handshake,
    parse_tls_raw_record,
};

use super::io::DeadlineStream;
use super::tls::{HandshakeOutcome, alert_name, describe_non_tls};
use super::{CancelFlag, ProbeTarget};

/// Most bytes read from a legacy server: a real first flight is a few kilobytes.
pub const MAX_LEGACY_BYTES: usize = 1024 * 1024;

/// What the clear-text part of a legacy handshake showed.
#[derive(Debug, Clone, Default)]
pub struct LegacyCapture {
    /// Version the server chose (`TLSv1.0`, ...).
    pub version: Option<String>,
    /// Cipher suite it chose.
    pub cipher_suite: Option<String>,
    /// Its certificates, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// `Some` when it sent a CertificateRequest, with the CA names (DER).
    pub certificate_request: Option<Vec<Vec<u8>>>,
}

/// Cipher suites an OCS 2007 / Windows Server 2003-2008 server picks from, strongest first.
const CIPHER_SUITES: [u16; 12] = [
    0xc030, 0xc02f, 0xc014, 0xc013, 0x009d, 0x009c, 0x0035, 0x002f, 0x0039, 0x0033, 0x000a, 0x0005,
];

/// A ClientHello offering TLS 1.0 to 1.2 in a TLS 1.0 record, with SNI for a DNS name.
pub fn client_hello(target: &ProbeTarget) -> Vec<u8> {
    let mut body = Vec::with_capacity(256);
    body.extend_from_slice(&[0x03, 0x03]); // highest version offered: TLS 1.2
    let mut random = [0u8; 32];
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut random);
    body.extend_from_slice(&random);
    body.push(0); // no session id
    push_u16(&mut body, (CIPHER_SUITES.len() * 2) as u16);
    for suite in CIPHER_SUITES {
        push_u16(&mut body, suite);
    }
    body.extend_from_slice(&[1, 0]); // compression: null
    let mut extensions = Vec::new();
    let host = target.host.trim_start_matches('[').trim_end_matches(']');
    if host.parse::<std::net::IpAddr>().is_err() && !host.is_empty() && host.len() < 256 {
        let name = host.as_bytes();
        let mut sni = Vec::new();
        push_u16(&mut sni, (name.len() + 3) as u16);
        sni.push(0); // host_name
        push_u16(&mut sni, name.len() as u16);
        sni.extend_from_slice(name);
        push_extension(&mut extensions, 0x0000, &sni);
    }
    push_extension(
        &mut extensions,
        0x000a,
        &[0x00, 0x04, 0x00, 0x17, 0x00, 0x18],
    ); // P-256, P-384
    push_extension(&mut extensions, 0x000b, &[0x01, 0x00]); // uncompressed points
    push_extension(
        &mut extensions,
        0x000d,
        &[
            0x00, 0x0a, 0x04, 0x01, 0x05, 0x01, 0x02, 0x01, 0x04, 0x03, 0x05, 0x03,
        ],
    ); // rsa/ecdsa with sha256/384, rsa sha1
    push_extension(&mut extensions, 0xff01, &[0x00]); // renegotiation_info
    push_u16(&mut body, extensions.len() as u16);
    body.extend_from_slice(&extensions);

    let mut handshake = vec![0x01]; // ClientHello
    push_u24(&mut handshake, body.len());
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01];
    push_u16(&mut record, handshake.len() as u16);
    record.extend_from_slice(&handshake);
    record
}

fn push_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn push_u24(out: &mut Vec<u8>, v: usize) {
    let b = (v as u32).to_be_bytes();
    out.extend_from_slice(&b[1..]);
}

fn push_extension(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    push_u16(out, kind);
    push_u16(out, data.len() as u16);
    out.extend_from_slice(data);
}

/// Sends the ClientHello on `stream` and reads the server's first flight until ServerHelloDone, an
/// alert, [`MAX_LEGACY_BYTES`] or `deadline`.
pub fn capture(
    stream: std::net::TcpStream,
    target: &ProbeTarget,
    deadline: Instant,
    cancel: &CancelFlag,
) -> (HandshakeOutcome, LegacyCapture) {
    let mut io = DeadlineStream::new(stream, deadline, cancel.clone());
    let mut found = LegacyCapture::default();
    if let Err(e) = io.write_all(&client_hello(target)) {
        return (
            HandshakeOutcome::Failed {
                reason: format!("sending the ClientHello failed: {e}"),
            },
            found,
        );
    }
    let mut wire: Vec<u8> = Vec::new();
    let mut handshake: Vec<u8> = Vec::new();
    let mut consumed = 0;
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match io.read(&mut buf) {
            Ok(0) => {
                return (finish_early(&found, "handshake"), found);
            }
            Ok(n) => n,
            Err(_) if io.cancelled() => return (HandshakeOutcome::Cancelled, found),
            Err(_) if io.timed_out() && io.bytes_received() == 0 => {
                return (HandshakeOutcome::Silent, found);
            }
            Err(_) if io.timed_out() => {
                return (
                    HandshakeOutcome::Stalled {
                        bytes_received: io.bytes_received(),
                    },
                    found,
                );
            }
            Err(_) => return (finish_early(&found, "handshake"), found),
        };
        wire.extend_from_slice(&buf[..n]);
        if wire.first().is_some_and(|b| !(0x14..=0x17).contains(b)) {
            return (
                HandshakeOutcome::NotTls {
                    answer: describe_non_tls(io.first_bytes()),
                },
                found,
            );
        }
        if wire.len() > MAX_LEGACY_BYTES {
            return (
                HandshakeOutcome::Failed {
                    reason: format!(
                        "the server sent more than {} KiB without finishing its first flight",
                        MAX_LEGACY_BYTES / 1024
                    ),
                },
                found,
            );
        }
        // Take every complete record; keep a partial one for the next read.
        while let Ok((rest, record)) = parse_tls_raw_record(&wire[consumed..]) {
            let used = wire.len() - consumed - rest.len();
            match record.hdr.record_type {
                TlsRecordType::Handshake => handshake.extend_from_slice(record.data),
                TlsRecordType::Alert => {
                    let alert = record.data.get(1).copied().unwrap_or(0);
                    return (
                        HandshakeOutcome::Alert {
                            alert: alert_name(rustls::AlertDescription::from(alert)),
                            during: "handshake".into(),
                        },
                        found,
                    );
                }
                _ => {}
            }
            consumed += used;
        }
        match read_messages(&mut handshake, &mut found) {
            Ok(true) => return (HandshakeOutcome::Completed, found),
            Ok(false) => {}
            Err(reason) => return (HandshakeOutcome::Failed { reason }, found),
        }
    }
}

fn finish_early(found: &LegacyCapture, during: &str) -> HandshakeOutcome {
    if found.version.is_some() || !found.chain.is_empty() {
        HandshakeOutcome::Completed
    } else {
        HandshakeOutcome::RemoteClosed {
            during: during.into(),
        }
    }
}

/// Parses the complete handshake messages in `buffer` (removing them); true at ServerHelloDone.
fn read_messages(buffer: &mut Vec<u8>, found: &mut LegacyCapture) -> Result<bool, String> {
    let mut done = false;
    loop {
        if buffer.is_empty() {
            break;
        }
        let (rest_len, message_done) = match parse_tls_message_handshake(buffer) {
            Ok((rest, message)) => (rest.len(), record_message(message, found)),
            Err(tls_parser::nom::Err::Incomplete(_)) => break,
            Err(e) => return Err(format!("the server's handshake could not be read ({e:?})")),
        };
        done |= message_done;
        let used = buffer.len() - rest_len;
        buffer.drain(..used);
        if used == 0 {
            break;
        }
    }
    Ok(done)
}

fn record_message(message: TlsMessage<'_>, found: &mut LegacyCapture) -> bool {
    let TlsMessage::Handshake(handshake) = message else {
        return false;
    };
    match handshake {
        TlsMessageHandshake::ServerHello(hello) => {
            found.version = Some(
                match hello.version.0 {
                    0x0301 => "TLSv1.0",
                    0x0302 => "TLSv1.1",
                    0x0303 => "TLSv1.2",
                    0x0300 => "SSLv3",
                    _ => "unknown",
                }
                .to_owned(),
            );
            found.cipher_suite = Some(match hello.cipher.get_ciphersuite() {
                Some(suite) => suite.name.to_owned(),
                None => format!("0x{:04x}", hello.cipher.0),
            });
            false
        }
        TlsMessageHandshake::Certificate(certs) => {
            found.chain = certs.cert_chain.iter().map(|c| c.data.to_vec()).collect();
            false
        }
        TlsMessageHandshake::CertificateRequest(request) => {
            found.certificate_request =
                Some(request.unparsed_ca.iter().map(|n| n.to_vec()).collect());
            false
        }
        TlsMessageHandshake::ServerDone(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_hello_is_a_well_formed_record() {
        let target = ProbeTarget {
            host: "ocs1.contoso.com".into(),
            port: 444,
            path: "/".into(),
            address: None,
            protocol: Default::default(),
        };
        let hello = client_hello(&target);
        let (rest, record) = parse_tls_raw_record(&hello).expect("record parses");
        assert!(rest.is_empty());
        assert_eq!(record.hdr.version.0, 0x0301);
        let (_, message) = parse_tls_message_handshake(record.data).expect("handshake parses");
        let TlsMessage::Handshake(TlsMessageHandshake::ClientHello(ch)) = message else {
            panic!("not a ClientHello");
        };
        assert_eq!(ch.version.0, 0x0303);
        assert_eq!(ch.ciphers.len(), CIPHER_SUITES.len());
        let ext = ch.ext.expect("extensions");
        assert!(ext.windows(16).any(|w| w == b"ocs1.contoso.com"));
    }
}
