//! The second TLS engine: OpenSSL (built from source, with the weak suites), used only where rustls
//! refuses by design: TLS 1.0 / 1.1 servers (Windows Server 2003 / 2008 Schannel: RSA key exchange,
//! 3DES / RC4, maybe no RFC 5746 secure renegotiation), servers that ask for the client certificate
//! by TLS 1.2 renegotiation (IIS without "Negotiate Client Certificate", Apache per-directory
//! `SSLVerifyClient`), and TLS 1.3 post-handshake authentication.
//!
//! One connection does the handshake, sends the same GET as the rustls path and reads the answer; a
//! message callback records every CertificateRequest (during or after the handshake) and every alert
//! the server sent, so the result says what the server really did. The few OpenSSL calls the `openssl`
//! crate does not wrap are declared in a short `extern` block below (measured-facts: no safe wrapper
//! for the client CA list, the message callback and post-handshake auth on one connection).
#![allow(unsafe_code)]

use std::ffi::{c_int, c_long, c_void};
use std::io::Write;
use std::net::TcpStream;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use foreign_types::ForeignTypeRef;
use openssl::pkey::{PKey, Private};
use openssl::provider::Provider;
use openssl::ssl::{
    ErrorCode, HandshakeError, Ssl, SslContext, SslMethod, SslOptions, SslRef, SslVerifyMode,
    SslVersion,
};
use openssl::stack::StackRef;
use openssl::x509::{X509, X509Name};

use super::browse::{BODY_CAP_BYTES, HttpAnswer, answer_from};
use super::io::DeadlineStream;
use super::tls::{HandshakeOutcome, HandshakeRecord};
use super::{CancelFlag, ClientIdentity, ClientKey, ProbeTarget};
use crate::engine::load::KeyEncoding;

unsafe extern "C" {
    fn SSL_CTX_set_msg_callback(ctx: *mut openssl_sys::SSL_CTX, cb: Option<MsgCallback>);
    fn SSL_get_client_CA_list(ssl: *const openssl_sys::SSL)
    -> *mut openssl_sys::stack_st_X509_NAME;
    fn SSL_set_post_handshake_auth(ssl: *mut openssl_sys::SSL, val: c_int);
}

type MsgCallback = unsafe extern "C" fn(
    write_p: c_int,
    version: c_int,
    content_type: c_int,
    buf: *const c_void,
    len: usize,
    ssl: *mut openssl_sys::SSL,
    arg: *mut c_void,
);

/// `SSL_CTRL_SET_MSG_CALLBACK_ARG` (a macro in C).
const SSL_CTRL_SET_MSG_CALLBACK_ARG: c_int = 16;
/// TLS record content types (RFC 5246 6.2.1).
const CONTENT_ALERT: c_int = 21;
const CONTENT_HANDSHAKE: c_int = 22;
/// Handshake message types (RFC 5246 7.4, RFC 8446 4).
const HELLO_REQUEST: u8 = 0;
const CERTIFICATE_REQUEST: u8 = 13;

/// When a CertificateRequest came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestTiming {
    /// In the handshake, as the conferencing endpoint must.
    InHandshake,
    /// After it: a TLS 1.2 renegotiation (HelloRequest first) or TLS 1.3 post-handshake auth.
    AfterHandshake {
        /// `renegotiation` or `post-handshake authentication`.
        how: &'static str,
    },
}

/// What the message callback saw on one connection.
#[derive(Debug, Default)]
struct Wire {
    handshake_done: bool,
    hello_request: bool,
    request: Option<RequestTiming>,
    alert_received: Option<u8>,
}

unsafe extern "C" fn on_message(
    write_p: c_int,
    _version: c_int,
    content_type: c_int,
    buf: *const c_void,
    len: usize,
    _ssl: *mut openssl_sys::SSL,
    arg: *mut c_void,
) {
    if write_p != 0 || buf.is_null() || arg.is_null() || len == 0 {
        return;
    }
    // SAFETY: OpenSSL hands `len` readable bytes; `arg` is the `Mutex<Wire>` that `connect` keeps
    // alive (an `Arc` held until the connection is dropped) for as long as the context exists.
    let (bytes, wire) = unsafe {
        (
            std::slice::from_raw_parts(buf.cast::<u8>(), len),
            &*(arg.cast::<Mutex<Wire>>()),
        )
    };
    let Ok(mut wire) = wire.lock() else { return };
    match (content_type, bytes) {
        (CONTENT_HANDSHAKE, [HELLO_REQUEST, ..]) => wire.hello_request = true,
        (CONTENT_HANDSHAKE, [CERTIFICATE_REQUEST, ..]) => {
            wire.request = Some(if !wire.handshake_done {
                RequestTiming::InHandshake
            } else if wire.hello_request {
                RequestTiming::AfterHandshake {
                    how: "renegotiation",
                }
            } else {
                RequestTiming::AfterHandshake {
                    how: "post-handshake authentication",
                }
            });
        }
        (CONTENT_ALERT, [_level, description, ..]) => wire.alert_received = Some(*description),
        _ => {}
    }
}

/// The legacy provider (RC4, and the RC2 of old PFX files), loaded once before the first context and
/// kept: `try_load` with fallback keeps the default provider on.
fn legacy_provider() -> bool {
    static LEGACY: OnceLock<Option<Provider>> = OnceLock::new();
    LEGACY
        .get_or_init(|| Provider::try_load(None, "legacy", true).ok())
        .is_some()
}

/// What one OpenSSL connection showed.
#[derive(Debug, Clone)]
pub struct OpensslExchange {
    /// How it ended.
    pub outcome: HandshakeOutcome,
    /// Chain, CertificateRequest (CA names), version, cipher, status line.
    pub record: HandshakeRecord,
    /// When the CertificateRequest came, if one did.
    pub request: Option<RequestTiming>,
    /// The HTTP answer to the GET, when one was read.
    pub answer: Option<HttpAnswer>,
    /// Whether the server lacks RFC 5746 secure renegotiation (allowed, and said).
    pub legacy_renegotiation: bool,
    /// Whether the handshake completed.
    pub handshake_completed: bool,
}

impl OpensslExchange {
    /// Whether the server spoke TLS with this engine: the handshake completed, or the server showed
    /// its chain, asked for a certificate and then refused the connection with an alert (a server that
    /// demands a certificate in the handshake, asked without one).
    pub fn spoke(&self) -> bool {
        self.handshake_completed
            || (!self.record.chain.is_empty()
                && self.request.is_some()
                && matches!(self.outcome, HandshakeOutcome::Alert { .. }))
    }
}

/// The private key as OpenSSL takes it, or why it cannot.
fn openssl_key(identity: &ClientIdentity) -> Result<PKey<Private>, String> {
    match &identity.key {
        ClientKey::Memory(key) => {
            let der = key.secret_der();
            let parsed = match key.encoding {
                KeyEncoding::Pkcs8 => PKey::private_key_from_pkcs8(der),
                KeyEncoding::Pkcs1 => {
                    openssl::rsa::Rsa::private_key_from_der(der).and_then(PKey::from_rsa)
                }
                KeyEncoding::Sec1 => {
                    openssl::ec::EcKey::private_key_from_der(der).and_then(PKey::from_ec_key)
                }
            };
            parsed.map_err(|e| format!("OpenSSL cannot read the private key: {e}"))
        }
        ClientKey::Store(_) => Err("the private key is kept by the Windows certificate store (a CNG key that is not exported), and the OpenSSL engine cannot sign with it; export the certificate with its key to a .pfx and give it with --pfx".into()),
    }
}

/// Connects with OpenSSL on `stream` (TLS 1.0 to 1.3, every suite, security level 0, legacy
/// renegotiation allowed), presents `identity` whenever the server asks (in the handshake, in a
/// renegotiation or after a TLS 1.3 handshake), sends the GET for the target's path and reads the
/// answer. Never panics on what the peer does; ends by `deadline`.
pub fn exchange(
    stream: TcpStream,
    target: &ProbeTarget,
    deadline: Instant,
    cancel: &CancelFlag,
    identity: Option<&ClientIdentity>,
) -> OpensslExchange {
    let mut result = OpensslExchange {
        outcome: HandshakeOutcome::Failed {
            reason: String::new(),
        },
        record: HandshakeRecord::default(),
        request: None,
        answer: None,
        legacy_renegotiation: false,
        handshake_completed: false,
    };
    let wire = Arc::new(Mutex::new(Wire::default()));
    let ssl = match new_ssl(target, identity, &wire) {
        Ok(ssl) => ssl,
        Err(reason) => {
            result.outcome = HandshakeOutcome::Failed { reason };
            return result;
        }
    };
    let io = DeadlineStream::new(stream, deadline, cancel.clone());
    let mut tls = match ssl.connect(io) {
        Ok(tls) => tls,
        Err(HandshakeError::Failure(mid)) | Err(HandshakeError::WouldBlock(mid)) => {
            let error = mid.error().to_string();
            record_session(mid.ssl(), &wire, &mut result);
            result.outcome = failure(mid.get_ref(), &wire, &error, "handshake");
            return result;
        }
        Err(HandshakeError::SetupFailure(e)) => {
            result.outcome = HandshakeOutcome::Failed {
                reason: format!("OpenSSL could not start: {e}"),
            };
            return result;
        }
    };
    if let Ok(mut w) = wire.lock() {
        w.handshake_done = true;
    }
    result.handshake_completed = true;
    record_session(tls.ssl(), &wire, &mut result);
    if target.speaks_sip() {
        sip_exchange(&mut tls, target, &wire, identity.is_some(), &mut result);
        return result;
    }
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: certwiz/{}\r\nConnection: close\r\n\r\n",
        target.path,
        target.host_header(),
        env!("CARGO_PKG_VERSION")
    );
    let mut raw = Vec::new();
    let written = tls.write_all(request.as_bytes());
    let mut buf = [0u8; 16 * 1024];
    let mut read_error = None;
    if written.is_ok() {
        loop {
            match tls.ssl_read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    raw.extend_from_slice(&buf[..n]);
                    if raw.len() > BODY_CAP_BYTES + 64 * 1024 {
                        break;
                    }
                }
                Err(e) if e.code() == ErrorCode::ZERO_RETURN => break,
                Err(e) => {
                    read_error = Some(e.to_string());
                    break;
                }
            }
        }
    } else if let Err(e) = written {
        read_error = Some(e.to_string());
    }
    // A renegotiation or post-handshake request changes the CA list and the request's timing.
    record_session(tls.ssl(), &wire, &mut result);
    result.answer = parse_answer(&raw);
    result.record.http_status_line = String::from_utf8_lossy(&raw)
        .lines()
        .next()
        .filter(|l| l.starts_with("HTTP/"))
        .map(|l| l.chars().take(200).collect());
    result.record.http_status = result.answer.as_ref().map(|a| a.status);
    result.outcome = match (&result.answer, read_error) {
        (Some(_), _) => HandshakeOutcome::Completed,
        (None, Some(error)) => failure(tls.get_ref(), &wire, &error, "first-read"),
        (None, None) => HandshakeOutcome::RemoteClosed {
            during: "first-read".into(),
        },
    };
    result
}

/// The SIP OPTIONS in place of the GET (see [`super::sip`]), on the connection OpenSSL completed.
fn sip_exchange(
    tls: &mut openssl::ssl::SslStream<DeadlineStream>,
    target: &ProbeTarget,
    wire: &Mutex<Wire>,
    with_certificate: bool,
    result: &mut OpensslExchange,
) {
    let timeout_secs = tls
        .get_ref()
        .deadline()
        .saturating_duration_since(Instant::now())
        .as_secs();
    let request = super::sip::options_request(target, tls.get_ref().local_addr());
    let (raw, error) = match tls.write_all(request.as_bytes()) {
        Ok(()) => super::sip::read_answer(tls),
        Err(e) => (Vec::new(), Some(e)),
    };
    // A renegotiation or post-handshake request during the read changes the CA list and its timing.
    record_session(tls.ssl(), wire, result);
    // An alert the server sent before closing is in the wire record even when the read saw only
    // the end of the stream.
    let failed = raw.is_empty().then(|| {
        let error = error.map_or_else(|| "unexpected eof".to_owned(), |e| e.to_string());
        failure(tls.get_ref(), wire, &error, "first-read")
    });
    let exchange = super::sip::exchange_from(
        &raw,
        failed,
        timeout_secs,
        with_certificate,
        Some("openssl".into()),
    );
    result.outcome = exchange.outcome.clone();
    result.record.sip = Some(exchange);
}

fn new_ssl(
    target: &ProbeTarget,
    identity: Option<&ClientIdentity>,
    wire: &Arc<Mutex<Wire>>,
) -> Result<Ssl, String> {
    let legacy = legacy_provider();
    let err = |e: openssl::error::ErrorStack| format!("OpenSSL could not be set up: {e}");
    let mut ctx = SslContext::builder(SslMethod::tls_client()).map_err(err)?;
    ctx.set_verify(SslVerifyMode::NONE);
    ctx.set_min_proto_version(Some(SslVersion::TLS1))
        .map_err(err)?;
    // Every suite, the weak ones Windows 2003 offers included (RC4 needs the legacy provider).
    let ciphers = if legacy {
        "ALL:COMPLEMENTOFALL:@SECLEVEL=0"
    } else {
        "ALL:COMPLEMENTOFALL:!RC4:@SECLEVEL=0"
    };
    ctx.set_cipher_list(ciphers).map_err(err)?;
    // Unpatched Windows 2003 lacks RFC 5746; connecting and renegotiating with it must be allowed.
    ctx.set_options(
        SslOptions::from_bits_retain(openssl_sys::SSL_OP_LEGACY_SERVER_CONNECT as _)
            | SslOptions::ALLOW_UNSAFE_LEGACY_RENEGOTIATION,
    );
    if let Some(identity) = identity {
        let key = openssl_key(identity)?;
        let mut chain = identity.chain.iter();
        let leaf = chain
            .next()
            .ok_or_else(|| "the client identity has no certificate".to_owned())?;
        let leaf = X509::from_der(leaf)
            .map_err(|e| format!("OpenSSL cannot read the client certificate: {e}"))?;
        ctx.set_certificate(&leaf).map_err(err)?;
        ctx.set_private_key(&key).map_err(|e| {
            format!("the private key does not belong to the client certificate: {e}")
        })?;
        for der in chain {
            if let Ok(ca) = X509::from_der(der) {
                ctx.add_extra_chain_cert(ca).map_err(err)?;
            }
        }
    }
    let ctx = ctx.build();
    // SAFETY: the context is ours and alive; the callback only reads its arguments, and the argument
    // is the Mutex inside `wire`, which the caller keeps alive longer than the connection.
    unsafe {
        SSL_CTX_set_msg_callback(ctx.as_ptr(), Some(on_message));
        openssl_sys::SSL_CTX_ctrl(
            ctx.as_ptr(),
            SSL_CTRL_SET_MSG_CALLBACK_ARG,
            0 as c_long,
            Arc::as_ptr(wire).cast_mut().cast::<c_void>(),
        );
    }
    let mut ssl = Ssl::new(&ctx).map_err(err)?;
    let bare = target.host.trim_start_matches('[').trim_end_matches(']');
    if bare.parse::<std::net::IpAddr>().is_err() {
        ssl.set_hostname(bare).map_err(err)?;
    }
    // SAFETY: `ssl` is a live connection object; the call only sets a flag on it.
    unsafe { SSL_set_post_handshake_auth(ssl.as_ptr(), 1) };
    Ok(ssl)
}

/// Version, suite, the server's chain, the CertificateRequest and its CA names, as far as known.
fn record_session(ssl: &SslRef, wire: &Mutex<Wire>, result: &mut OpensslExchange) {
    let record = &mut result.record;
    // The names the rustls path uses.
    record.version = match ssl.version_str() {
        "TLSv1" => Some("TLSv1.0".to_owned()),
        "unknown" => record.version.take(),
        other => Some(other.to_owned()),
    };
    record.cipher_suite = ssl.current_cipher().map(|c| c.name().to_owned());
    if let Some(chain) = ssl.peer_cert_chain() {
        let ders: Vec<Vec<u8>> = chain.iter().filter_map(|c| c.to_der().ok()).collect();
        if !ders.is_empty() {
            record.chain = ders;
        }
    }
    let request = wire.lock().ok().and_then(|w| w.request);
    result.request = request;
    if request.is_some() {
        // SAFETY: `ssl` is alive; the list belongs to it and is only read here.
        let names = unsafe {
            let list = SSL_get_client_CA_list(ssl.as_ptr());
            if list.is_null() {
                Vec::new()
            } else {
                StackRef::<X509Name>::from_ptr(list)
                    .iter()
                    .filter_map(|n| n.to_der().ok())
                    .collect()
            }
        };
        record.certificate_request = Some(names);
    }
    // SSL_get_secure_renegotiation_support (a macro): whether the server sent RFC 5746's extension.
    // TLS 1.3 has no renegotiation at all.
    const SSL_CTRL_GET_RI_SUPPORT: c_int = 76;
    if ssl.version_str() != "TLSv1.3" && ssl.current_cipher().is_some() {
        // SAFETY: `ssl` is alive; the control only reads a flag.
        let secure = unsafe {
            openssl_sys::SSL_ctrl(
                ssl.as_ptr(),
                SSL_CTRL_GET_RI_SUPPORT,
                0,
                std::ptr::null_mut(),
            )
        };
        result.legacy_renegotiation = secure == 0;
    }
}

/// The outcome of a failed handshake or read: the server's alert when it sent one, else what the
/// socket said.
fn failure(io: &DeadlineStream, wire: &Mutex<Wire>, error: &str, during: &str) -> HandshakeOutcome {
    if io.cancelled() {
        return HandshakeOutcome::Cancelled;
    }
    if let Some(alert) = wire.lock().ok().and_then(|w| w.alert_received) {
        return HandshakeOutcome::Alert {
            alert: super::tls::alert_name(rustls::AlertDescription::from(alert)),
            during: during.into(),
        };
    }
    if let Some(outcome) = super::tls::timed_out_outcome(io) {
        return outcome;
    }
    if (io.bytes_received() > 0 && error.contains("unexpected eof"))
        || error.contains("Connection reset")
        || error.contains("Broken pipe")
    {
        return HandshakeOutcome::RemoteClosed {
            during: during.into(),
        };
    }
    HandshakeOutcome::Failed {
        reason: format!("OpenSSL: {error}"),
    }
}

/// The HTTP answer in `raw` (head parsed with httparse, body after it), when there is one.
fn parse_answer(raw: &[u8]) -> Option<HttpAnswer> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(head_len) = response.parse(raw).ok()? else {
        return None;
    };
    let code = response.code?;
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| {
                String::from_utf8_lossy(h.value)
                    .chars()
                    .take(200)
                    .collect::<String>()
            })
    };
    let fields = [header("Server"), header("Content-Type"), header("Location")];
    let body = raw.get(head_len..).unwrap_or_default().to_vec();
    Some(answer_from(
        code,
        response.reason.unwrap_or(""),
        fields,
        body,
    ))
}

#[cfg(test)]
mod tests {
    use super::parse_answer;

    #[test]
    fn an_answer_is_parsed_with_its_page() {
        let raw = b"HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n\r\n<html><head><title>400 No required SSL certificate was sent</title></head></html>";
        let answer = parse_answer(raw).expect("answer");
        assert_eq!(
            (answer.status, answer.server.as_deref()),
            (400, Some("nginx/1.22.1"))
        );
        assert!(answer.client_certificate.is_some());
        assert_eq!(parse_answer(b"HTTP/1.1 200"), None);
    }
}
