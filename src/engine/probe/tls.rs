//! Steps 2 and 4: a TLS handshake with rustls that records what the server shows (its chain, whether it
//! asks for a client certificate and which CAs it accepts) instead of judging it.
//!
//! The verifier and the client-certificate resolver here accept anything and are named `danger_...`:
//! certwiz diagnoses servers it does not trust, and they are never used to protect data.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ClientConfig, ClientConnection, ResolvesClientCert};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{
    CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer,
    ServerName, UnixTime,
};
use rustls::sign::CertifiedKey;
use rustls::{AlertDescription, DigitallySignedStruct, SignatureScheme};

pub use super::outcome::{HandshakeOutcome, describe_non_tls};

use super::io::DeadlineStream;
use super::{CancelFlag, ClientIdentity, ClientKey, ProbeTarget};
use crate::engine::load::KeyEncoding;

/// The crypto provider every probe uses (ring: the only backend in the tree).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// What one handshake showed.
#[derive(Debug, Clone, Default)]
pub struct HandshakeRecord {
    /// Certificates the server presented, in order (leaf first).
    pub chain: Vec<Vec<u8>>,
    /// `Some` when the server sent a CertificateRequest, with the acceptable CA names (DER).
    pub certificate_request: Option<Vec<Vec<u8>>>,
    /// Negotiated version, e.g. `TLSv1.3`.
    pub version: Option<String>,
    /// Negotiated cipher suite.
    pub cipher_suite: Option<String>,
    /// The first line of the HTTP answer (mutual TLS step only).
    pub http_status_line: Option<String>,
    /// Its status code, parsed with httparse.
    pub http_status: Option<u16>,
    /// The answer to the SIP OPTIONS sent instead of the GET, on a target that speaks SIP.
    pub sip: Option<super::sip::SipExchange>,
}

#[derive(Debug)]
struct DangerRecordingVerifier {
    provider: Arc<CryptoProvider>,
    chain: Mutex<Vec<Vec<u8>>>,
}

impl ServerCertVerifier for DangerRecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut chain) = self.chain.lock() {
            chain.clear();
            chain.push(end_entity.to_vec());
            chain.extend(intermediates.iter().map(|c| c.to_vec()));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        // We record, we do not trust: a weak or odd server key must not stop the diagnosis.
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[derive(Debug)]
struct DangerRecordingClientAuth {
    identity: Option<Arc<CertifiedKey>>,
    request: Mutex<Option<Vec<Vec<u8>>>>,
}

impl ResolvesClientCert for DangerRecordingClientAuth {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        if let Ok(mut request) = self.request.lock() {
            *request = Some(root_hint_subjects.iter().map(|s| s.to_vec()).collect());
        }
        self.identity.clone()
    }

    fn has_certs(&self) -> bool {
        // Always true, so that rustls tells us about every CertificateRequest.
        true
    }
}

/// Turns a loaded identity into what rustls signs with.
pub fn certified_key(
    identity: &ClientIdentity,
    provider: &CryptoProvider,
) -> Result<Arc<CertifiedKey>, String> {
    let signing_key = match &identity.key {
        ClientKey::Store(key) => Arc::clone(key),
        ClientKey::Memory(memory) => {
            let der = memory.secret_der().to_vec();
            let key = match memory.encoding {
                KeyEncoding::Pkcs8 => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der)),
                KeyEncoding::Pkcs1 => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(der)),
                KeyEncoding::Sec1 => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(der)),
            };
            provider
                .key_provider
                .load_private_key(key)
                .map_err(|e| format!("the private key cannot be used for TLS: {e}"))?
        }
    };
    let chain: Vec<CertificateDer<'static>> = identity
        .chain
        .iter()
        .map(|c| CertificateDer::from(c.to_vec()))
        .collect();
    let certified = CertifiedKey::new(chain, signing_key);
    match certified.keys_match() {
        Ok(()) => Ok(Arc::new(certified)),
        // rustls cannot compare some key types; only a definite mismatch is an error.
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            Err("the private key does not belong to the client certificate".into())
        }
        Err(_) => Ok(Arc::new(certified)),
    }
}

/// Whether `key` is the private key of the certificate `cert_der` (its public key is the certificate's).
/// Keys rustls cannot load, and unreadable certificates, do not match.
pub fn key_matches(key: &crate::engine::load::PrivateKey, cert_der: &[u8]) -> bool {
    let der = key.secret_der().to_vec();
    let key_der = match key.encoding {
        KeyEncoding::Pkcs8 => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der)),
        KeyEncoding::Pkcs1 => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(der)),
        KeyEncoding::Sec1 => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(der)),
    };
    let Ok(signing_key) = provider().key_provider.load_private_key(key_der) else {
        return false;
    };
    let Some(public) = signing_key.public_key() else {
        return false;
    };
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(cert_der) else {
        return false;
    };
    public.as_ref() == cert.tbs_certificate.subject_pki.raw
}

/// The rustls client configuration of the probe: records the server's chain and CertificateRequest,
/// accepts any server certificate, and presents `identity` when given.
fn danger_recording_config(
    identity: Option<Arc<CertifiedKey>>,
) -> Result<
    (
        ClientConfig,
        Arc<DangerRecordingVerifier>,
        Arc<DangerRecordingClientAuth>,
    ),
    String,
> {
    let provider = provider();
    let verifier = Arc::new(DangerRecordingVerifier {
        provider: Arc::clone(&provider),
        chain: Mutex::new(Vec::new()),
    });
    let client_auth = Arc::new(DangerRecordingClientAuth {
        identity,
        request: Mutex::new(None),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_client_cert_resolver(client_auth.clone());
    Ok((config, verifier, client_auth))
}

/// A rustls configuration for the HTTPS browse: any server certificate, optional client certificate.
pub fn danger_browse_config(identity: Option<Arc<CertifiedKey>>) -> Result<ClientConfig, String> {
    danger_recording_config(identity).map(|(config, _, _)| config)
}

/// The name rustls sends as SNI: the host, or its IP address (no SNI then).
pub fn server_name(target: &ProbeTarget) -> Result<ServerName<'static>, String> {
    let bare = target
        .host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    ServerName::try_from(bare).map_err(|e| format!("{} is not a valid host name: {e}", target.host))
}

/// Runs a handshake on `stream` until `deadline`. With `identity`, presents it and then sends an HTTP
/// request for the target's path and reads the status line, which is when a TLS 1.3 server reports
/// that it rejected the client certificate.
pub fn handshake(
    stream: TcpStream,
    target: &ProbeTarget,
    deadline: Instant,
    cancel: &CancelFlag,
    identity: Option<Arc<CertifiedKey>>,
) -> (HandshakeOutcome, HandshakeRecord) {
    let send_request = identity.is_some();
    handshake_then(stream, target, deadline, cancel, identity, send_request)
}

/// [`handshake`], sending the first request (the GET, or a SIP OPTIONS on a target that speaks SIP)
/// when `send_request`, with or without a client certificate.
pub fn handshake_then(
    stream: TcpStream,
    target: &ProbeTarget,
    deadline: Instant,
    cancel: &CancelFlag,
    identity: Option<Arc<CertifiedKey>>,
    send_request: bool,
) -> (HandshakeOutcome, HandshakeRecord) {
    let mut record = HandshakeRecord::default();
    let with_certificate = identity.is_some();
    let (config, verifier, client_auth) = match danger_recording_config(identity) {
        Ok(parts) => parts,
        Err(reason) => return (HandshakeOutcome::Failed { reason }, record),
    };
    let name = match server_name(target) {
        Ok(name) => name,
        Err(reason) => return (HandshakeOutcome::Failed { reason }, record),
    };
    let mut conn = match ClientConnection::new(Arc::new(config), name) {
        Ok(conn) => conn,
        Err(e) => {
            return (
                HandshakeOutcome::Failed {
                    reason: e.to_string(),
                },
                record,
            );
        }
    };
    let mut io = DeadlineStream::new(stream, deadline, cancel.clone());
    let mut outcome = drive_handshake(&mut conn, &mut io);
    if outcome == HandshakeOutcome::Completed && send_request {
        outcome = if target.speaks_sip() {
            sip_exchange(&mut conn, &mut io, target, with_certificate, &mut record)
        } else {
            first_exchange(&mut conn, &mut io, target, &mut record)
        };
    }
    if let Ok(chain) = verifier.chain.lock() {
        record.chain = chain.clone();
    }
    if let Ok(request) = client_auth.request.lock() {
        record.certificate_request = request.clone();
    }
    record.version = conn.protocol_version().map(|v| version_name(v).to_owned());
    record.cipher_suite = conn
        .negotiated_cipher_suite()
        .map(|s| format!("{:?}", s.suite()));
    (outcome, record)
}

fn drive_handshake(conn: &mut ClientConnection, io: &mut DeadlineStream) -> HandshakeOutcome {
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(io) {
            return classify_after_drain(conn, io, e, "handshake");
        }
    }
    // Flush our last flight (client Finished, or Certificate + Finished).
    while conn.wants_write() {
        if let Err(e) = conn.write_tls(io) {
            return classify_after_drain(conn, io, e, "handshake");
        }
    }
    HandshakeOutcome::Completed
}

/// Longest wait for what the peer sent before it closed, after one of our own reads or writes failed.
const DRAIN_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// Decides how a failed read or write ended the exchange, after reading what the peer already sent.
///
/// A server that rejects our certificate sends its alert and closes at once; the rest of our flight then
/// makes its kernel answer with a reset, and our own next write fails (EPIPE, ECONNRESET) while the
/// alert is still waiting in our socket. Deciding on the write's error alone says "closed without an
/// alert" about half of the time; reading the socket dry first finds the alert every time.
fn classify_after_drain(
    conn: &mut ClientConnection,
    io: &mut DeadlineStream,
    e: std::io::Error,
    during: &str,
) -> HandshakeOutcome {
    let is_tls_error = e.get_ref().is_some_and(|inner| inner.is::<rustls::Error>());
    if is_tls_error || io.cancelled() || io.timed_out() {
        return classify(&e, io, during);
    }
    // Decided first: the drain below may run into the deadline, which must not turn a reset into
    // "silent".
    let undrained = classify(&e, io, during);
    let wait_until = io.deadline().min(Instant::now() + DRAIN_WAIT);
    io.extend_deadline(wait_until);
    let mut drained = None;
    // Each round reads what arrived; a reset or the end of the stream ends it (after the data queued
    // before them, which the kernel still hands out).
    while drained.is_none() {
        match conn.read_tls(io) {
            Ok(0) | Err(_) => break,
            Ok(_) => drained = conn.process_new_packets().err(),
        }
    }
    match drained {
        Some(tls) => tls_error_outcome(&tls, during),
        None => undrained,
    }
}

fn first_exchange(
    conn: &mut ClientConnection,
    io: &mut DeadlineStream,
    target: &ProbeTarget,
    record: &mut HandshakeRecord,
) -> HandshakeOutcome {
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: certwiz/{}\r\nConnection: close\r\n\r\n",
        target.path,
        target.host_header(),
        env!("CARGO_PKG_VERSION")
    );
    if let Err(e) = conn.writer().write_all(request.as_bytes()) {
        return HandshakeOutcome::Failed {
            reason: e.to_string(),
        };
    }
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let mut idle_rounds = 0;
    loop {
        match conn.complete_io(io) {
            Ok((0, 0)) => idle_rounds += 1,
            Ok(_) => idle_rounds = 0,
            Err(e) => {
                if !head.is_empty() {
                    break;
                }
                return classify_after_drain(conn, io, e, "first-read");
            }
        }
        if idle_rounds > 2 {
            // No I/O happened and no plaintext came: the peer is gone.
            break;
        }
        match conn.reader().read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                head.extend_from_slice(&buf[..n]);
                if head.windows(2).any(|w| w == b"\r\n") || head.len() > 8192 {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => {
                if head.is_empty() {
                    return classify(&e, io, "first-read");
                }
                break;
            }
        }
    }
    if head.is_empty() {
        return HandshakeOutcome::RemoteClosed {
            during: "first-read".into(),
        };
    }
    let text = String::from_utf8_lossy(&head);
    record.http_status_line = text.lines().next().map(|l| l.chars().take(200).collect());
    record.http_status = super::http::status_code(&head);
    HandshakeOutcome::Completed
}

/// Sends the SIP OPTIONS and reads the answer (see [`super::sip`]). A server that closes without an
/// answer and without an alert is recorded as such, never as a rejected certificate: the judge decides.
fn sip_exchange(
    conn: &mut ClientConnection,
    io: &mut DeadlineStream,
    target: &ProbeTarget,
    with_certificate: bool,
    record: &mut HandshakeRecord,
) -> HandshakeOutcome {
    let timeout_secs = io
        .deadline()
        .saturating_duration_since(Instant::now())
        .as_secs();
    let request = super::sip::options_request(target, io.local_addr());
    let mut stream = rustls::Stream::new(conn, io);
    let (raw, error) = match stream.write_all(request.as_bytes()) {
        Ok(()) => super::sip::read_answer(&mut stream),
        Err(e) => (Vec::new(), Some(e)),
    };
    let failed = match error {
        Some(e) if raw.is_empty() => Some(classify_after_drain(conn, io, e, "first-read")),
        _ => None,
    };
    let exchange = super::sip::exchange_from(&raw, failed, timeout_secs, with_certificate, None);
    let outcome = exchange.outcome.clone();
    record.sip = Some(exchange);
    outcome
}

/// Turns an I/O or TLS error into an outcome, using what the peer sent to tell "not TLS" apart.
fn classify(e: &std::io::Error, io: &DeadlineStream, during: &str) -> HandshakeOutcome {
    if io.cancelled() {
        return HandshakeOutcome::Cancelled;
    }
    let first = io.first_bytes();
    if !first.is_empty() && !(0x14..=0x17).contains(&first[0]) {
        return HandshakeOutcome::NotTls {
            answer: describe_non_tls(first),
        };
    }
    if let Some(outcome) = timed_out_outcome(io) {
        return outcome;
    }
    if let Some(tls) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return tls_error_outcome(tls, during);
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof
        | std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::ConnectionAborted
        | std::io::ErrorKind::BrokenPipe => HandshakeOutcome::RemoteClosed {
            during: during.into(),
        },
        _ => HandshakeOutcome::Failed {
            reason: e.to_string(),
        },
    }
}

/// "Silent" or "stalled" when the stream ran into its deadline (by how much the peer had sent).
pub(super) fn timed_out_outcome(io: &DeadlineStream) -> Option<HandshakeOutcome> {
    io.timed_out().then(|| {
        if io.bytes_received() == 0 {
            HandshakeOutcome::Silent
        } else {
            HandshakeOutcome::Stalled {
                bytes_received: io.bytes_received(),
            }
        }
    })
}

/// The outcome a rustls error stands for: the peer's alert, a TLS 1.0 / 1.1 server, or the error itself.
fn tls_error_outcome(tls: &rustls::Error, during: &str) -> HandshakeOutcome {
    match tls {
            rustls::Error::AlertReceived(AlertDescription::ProtocolVersion) => HandshakeOutcome::LegacyOnly {
                detail: "the server answered with a protocol_version alert: it does not speak TLS 1.2 or 1.3".into(),
            },
            rustls::Error::PeerIncompatible(rustls::PeerIncompatible::ServerDoesNotSupportTls12Or13) => {
                HandshakeOutcome::LegacyOnly {
                    detail: "the server chose TLS 1.0 or 1.1".into(),
                }
            }
            rustls::Error::AlertReceived(alert) => HandshakeOutcome::Alert {
                alert: alert_name(*alert),
                during: during.into(),
            },
            other => HandshakeOutcome::Failed {
                reason: other.to_string(),
            },
    }
}

fn version_name(v: rustls::ProtocolVersion) -> &'static str {
    match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3",
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2",
        rustls::ProtocolVersion::TLSv1_1 => "TLSv1.1",
        rustls::ProtocolVersion::TLSv1_0 => "TLSv1.0",
        _ => "unknown",
    }
}

/// The TLS name of an alert (`unknown_ca`), as Schannel event texts and RFC 8446 write it.
pub fn alert_name(alert: AlertDescription) -> String {
    let name = match alert {
        AlertDescription::CloseNotify => "close_notify",
        AlertDescription::UnexpectedMessage => "unexpected_message",
        AlertDescription::BadRecordMac => "bad_record_mac",
        AlertDescription::HandshakeFailure => "handshake_failure",
        AlertDescription::BadCertificate => "bad_certificate",
        AlertDescription::UnsupportedCertificate => "unsupported_certificate",
        AlertDescription::CertificateRevoked => "certificate_revoked",
        AlertDescription::CertificateExpired => "certificate_expired",
        AlertDescription::CertificateUnknown => "certificate_unknown",
        AlertDescription::IllegalParameter => "illegal_parameter",
        AlertDescription::UnknownCA => "unknown_ca",
        AlertDescription::AccessDenied => "access_denied",
        AlertDescription::DecodeError => "decode_error",
        AlertDescription::DecryptError => "decrypt_error",
        AlertDescription::ProtocolVersion => "protocol_version",
        AlertDescription::InsufficientSecurity => "insufficient_security",
        AlertDescription::InternalError => "internal_error",
        AlertDescription::UserCanceled => "user_canceled",
        AlertDescription::NoRenegotiation => "no_renegotiation",
        AlertDescription::UnsupportedExtension => "unsupported_extension",
        AlertDescription::UnrecognisedName => "unrecognized_name",
        AlertDescription::CertificateRequired => "certificate_required",
        AlertDescription::NoApplicationProtocol => "no_application_protocol",
        other => return format!("{other:?}").to_lowercase(),
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::describe_non_tls;

    #[test]
    fn plain_http_is_named() {
        assert_eq!(
            describe_non_tls(b"HTTP/1.1 400 Bad Request\r\nServer: x\r\n"),
            "an HTTP/1.1 400 Bad Request answer: plain HTTP on a TLS port"
        );
        assert_eq!(
            describe_non_tls(b"SSH-2.0-OpenSSH_9.2\r\n"),
            "text, starting \"SSH-2.0-OpenSSH_9.2\""
        );
        assert!(
            describe_non_tls(&[0x00, 0xff, 0x10])
                .starts_with("3 bytes that are not TLS, starting 00 ff 10")
        );
    }
}
