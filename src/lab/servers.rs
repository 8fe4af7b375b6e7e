//! How each lab scenario behaves on the wire.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection, StreamOwned};

use super::pki::{LabIdentity, LabPki};
use super::{LabError, Scenario};

/// Longest a lab connection lives (bounds every thread a test leaves behind).
const CONNECTION_LIFETIME: Duration = Duration::from_secs(30);

/// Most bytes the endless body sends before giving up.
const ENDLESS_LIMIT_BYTES: usize = 64 * 1024 * 1024;

/// What the HTTP layer answers.
#[derive(Debug, Clone, Copy)]
pub(super) enum Response {
    /// The conferencing endpoint: a small XML answer.
    Endpoint,
    /// The incident's web site.
    WebSite,
    /// A page that never ends.
    Endless,
    /// nginx with `ssl_verify_client on`: 400 "No required SSL certificate was sent" without a
    /// certificate, the endpoint with one.
    NginxRequired,
    /// IIS refusing the certificate: 403.7 without one, 403.16 with one.
    IisUntrusted,
    /// IIS asking by renegotiation (no "Negotiate Client Certificate"): 403.7 when none came, the
    /// endpoint with one.
    IisRequired,
    /// Apache whose post-handshake authentication could not be done (the client did not offer it):
    /// 403 "Cannot perform Post-Handshake Authentication".
    ApachePostHandshake,
}

/// What a lab server does with each connection.
pub(super) enum Behaviour {
    /// Speaks TLS with this configuration and answers HTTP.
    Tls(Arc<ServerConfig>, Response),
    /// Speaks TLS with this configuration and answers SIP (see `lab/sip.rs`).
    Sip(Arc<ServerConfig>, super::sip::SipAnswer),
    /// Accepts and never says anything.
    Silent,
    /// Answers HTTP in clear text.
    PlainHttp,
    /// Resets the connection after the ClientHello.
    ResetAfterClientHello,
    /// Sends a TLS record one byte a second.
    Trickle,
    /// Speaks only TLS 1.0, as an OCS 2007 server on Windows Server 2003 does: answers a ClientHello with
    /// this first flight (ServerHello for TLS 1.0, Certificate, CertificateRequest, ServerHelloDone).
    Tls10Only(Vec<u8>),
}

impl Behaviour {
    pub(super) fn for_scenario(scenario: Scenario, pki: &LabPki) -> Result<Behaviour, LabError> {
        let root: Option<&[u8]> = Some(pki.root.as_slice());
        let tls = |identity: &LabIdentity,
                   chain_len: usize,
                   client_root: Option<&[u8]>,
                   response: Response| {
            let client_roots: Vec<&[u8]> = client_root.into_iter().collect();
            server_config(identity, chain_len, &client_roots, false)
                .map(|c| Behaviour::Tls(Arc::new(c), response))
        };
        // Asks for a certificate from our root in TLS but lets a request without one through to HTTP.
        let http_layer = |response: Response| {
            let roots = [pki.root.as_slice()];
            server_config(&pki.server, 2, &roots, true)
                .map(|c| Behaviour::Tls(Arc::new(c), response))
        };
        match scenario {
            Scenario::Healthy => tls(&pki.server, 2, root, Response::Endpoint),
            Scenario::ImpostorWebSite => tls(&pki.server, 2, None, Response::WebSite),
            Scenario::IssuingServerAuthOnly => {
                tls(&pki.server_restricted_issuer, 2, root, Response::Endpoint)
            }
            Scenario::LeafWithoutClientAuth => {
                tls(&pki.server_no_client_auth, 2, root, Response::Endpoint)
            }
            Scenario::ExpiredLeaf => tls(&pki.server_expired, 2, root, Response::Endpoint),
            Scenario::MissingIntermediate => tls(&pki.server, 1, root, Response::Endpoint),
            Scenario::NameMismatch => tls(&pki.server_wrong_name, 2, root, Response::Endpoint),
            Scenario::UntrustedRoot => tls(&pki.server_rogue, 3, root, Response::Endpoint),
            Scenario::ForeignCaList => tls(
                &pki.server,
                2,
                Some(pki.foreign_root.as_slice()),
                Response::Endpoint,
            ),
            Scenario::RevokedCertificate => tls(&pki.server_revoked, 2, root, Response::Endpoint),
            Scenario::CrlOffline => tls(&pki.server_crl_offline, 2, root, Response::Endpoint),
            Scenario::EndlessBody => tls(&pki.server, 2, None, Response::Endless),
            Scenario::SilentListener => Ok(Behaviour::Silent),
            Scenario::PlainHttp => Ok(Behaviour::PlainHttp),
            Scenario::ResetAfterClientHello => Ok(Behaviour::ResetAfterClientHello),
            Scenario::Trickle => Ok(Behaviour::Trickle),
            Scenario::Tls10Only => Ok(Behaviour::Tls10Only(tls10_first_flight(pki)?)),
            Scenario::HttpLayerFrontEnd => http_layer(Response::NginxRequired),
            Scenario::IisRejectsCertificate => http_layer(Response::IisUntrusted),
            Scenario::SipHealthy | Scenario::SipForbidden | Scenario::SipNoClientCertificate => {
                let answer = if scenario == Scenario::SipForbidden {
                    super::sip::SipAnswer::Forbidden
                } else {
                    super::sip::SipAnswer::Ok
                };
                let roots = [pki.root.as_slice()];
                let client_roots: &[&[u8]] = if scenario == Scenario::SipNoClientCertificate {
                    &[]
                } else {
                    &roots
                };
                server_config(&pki.server, 2, client_roots, false)
                    .map(|c| Behaviour::Sip(Arc::new(c), answer))
            }
            // Handled before a behaviour is needed.
            Scenario::ClosedPort => Ok(Behaviour::Silent),
            // Served by the OpenSSL lab (legacy.rs), chosen before a behaviour is needed.
            Scenario::Renegotiation
            | Scenario::PostHandshakeAuth
            | Scenario::Tls10FrontEnd
            | Scenario::Tls10Impostor
            | Scenario::Tls10TripleDesOnly
            | Scenario::Tls10Rc4Only => Err(LabError::Tls(format!(
                "{} is served by the OpenSSL lab",
                scenario.name()
            ))),
        }
    }
}

/// A pool member of the practice pool: presents `identity` (its whole chain but the root) and
/// demands a client certificate from `accepted_roots`, the roots its Trusted Root store holds.
pub(super) fn pool_member(
    identity: &LabIdentity,
    accepted_roots: &[&[u8]],
) -> Result<Behaviour, LabError> {
    server_config(identity, identity.chain.len(), accepted_roots, false)
        .map(|c| Behaviour::Tls(Arc::new(c), Response::Endpoint))
}

/// `client_roots` empty: no client certificate asked for; else demanded from those roots (their
/// names are the acceptable-CA list), or only asked for when `optional` (the HTTP layer decides).
fn server_config(
    identity: &LabIdentity,
    chain_len: usize,
    client_roots: &[&[u8]],
    optional: bool,
) -> Result<ServerConfig, LabError> {
    let tls_err = |e: rustls::Error| LabError::Tls(e.to_string());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(tls_err)?;
    let builder = match client_roots {
        [] => builder.with_no_client_auth(),
        accepted => {
            let mut roots = RootCertStore::empty();
            for root in accepted {
                roots
                    .add(CertificateDer::from(root.to_vec()))
                    .map_err(tls_err)?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            let verifier = if optional {
                verifier.allow_unauthenticated()
            } else {
                verifier
            };
            let verifier = verifier.build().map_err(|e| LabError::Tls(e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let chain: Vec<CertificateDer<'static>> = identity
        .chain
        .iter()
        .take(chain_len)
        .map(|c| CertificateDer::from(c.clone()))
        .collect();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key_pkcs8.clone()));
    builder.with_single_cert(chain, key).map_err(tls_err)
}

/// Accepts connections until `stop`, each handled on its own thread.
pub(super) fn serve(
    listener: TcpListener,
    behaviour: Behaviour,
    stop: Arc<AtomicBool>,
) -> JoinHandle<()> {
    accept_loop(listener, behaviour, stop, handle)
}

/// Accepts connections until `stop` and hands each, on its own thread, to `handle` with `server`
/// (the rustls lab's behaviours and the OpenSSL lab's servers share it).
pub(super) fn accept_loop<T: Send + Sync + 'static>(
    listener: TcpListener,
    server: T,
    stop: Arc<AtomicBool>,
    handle: fn(TcpStream, &T, &AtomicBool),
) -> JoinHandle<()> {
    let server = Arc::new(server);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let server = Arc::clone(&server);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || handle(stream, &server, &stop));
        }
    })
}

fn handle(stream: TcpStream, behaviour: &Behaviour, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    match behaviour {
        Behaviour::Tls(config, response) => serve_tls(stream, config, *response, stop),
        Behaviour::Sip(config, answer) => super::sip::serve(stream, config, *answer),
        Behaviour::Silent => hold(stream, stop),
        Behaviour::PlainHttp => {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nServer: Microsoft-HTTPAPI/2.0\r\nContent-Type: text/html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
        Behaviour::ResetAfterClientHello => {
            // Read a single byte and close: the unread rest of the ClientHello makes the kernel send a
            // reset instead of a clean close.
            let mut stream = stream;
            let mut one = [0u8; 1];
            let _ = stream.read(&mut one);
        }
        Behaviour::Trickle => {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let record = [
                0x16u8, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00, 0x00, 0x3c, 0x03, 0x03,
            ];
            let started = Instant::now();
            for byte in record.iter().cycle() {
                if stop.load(Ordering::SeqCst) || started.elapsed() > CONNECTION_LIFETIME {
                    break;
                }
                if stream.write_all(&[*byte]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        }
        Behaviour::Tls10Only(flight) => {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(flight);
            // Wait for the client to give up (it cannot complete TLS 1.0 key exchange with us).
            hold(stream, stop);
        }
    }
}

fn hold(mut stream: TcpStream, stop: &AtomicBool) {
    let started = Instant::now();
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf = [0u8; 4096];
    while !stop.load(Ordering::SeqCst) && started.elapsed() < CONNECTION_LIFETIME {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break,
        }
    }
}

fn serve_tls(stream: TcpStream, config: &Arc<ServerConfig>, response: Response, stop: &AtomicBool) {
    let Ok(conn) = ServerConnection::new(Arc::clone(config)) else {
        return;
    };
    let mut tls = StreamOwned::new(conn, stream);
    if read_request_head(&mut tls).is_none() {
        return;
    }
    let with_certificate = tls.conn.peer_certificates().is_some_and(|c| !c.is_empty());
    write_answer(&mut tls, response, with_certificate, stop);
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

/// Reads an HTTP request head (up to the blank line, at most 16 KiB) from any TLS stream; `None`
/// when the peer closed or failed first.
pub(super) fn read_request_head(tls: &mut impl Read) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tls.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => {
                head.extend_from_slice(&buf[..n]);
                if head.windows(4).any(|w| w == b"\r\n\r\n") || head.len() > 16 * 1024 {
                    return Some(head);
                }
            }
        }
    }
}

/// Writes the HTTP answer `response` gives a request made with or without a client certificate, on
/// any TLS stream (the rustls lab's and the OpenSSL lab's serve the same pages).
pub(super) fn write_answer(
    tls: &mut impl Write,
    response: Response,
    with_certificate: bool,
    stop: &AtomicBool,
) {
    let response = match (response, with_certificate) {
        (Response::NginxRequired | Response::IisRequired | Response::ApachePostHandshake, true) => {
            Response::Endpoint
        }
        (Response::NginxRequired, false) => {
            refuse(
                tls,
                "400 Bad Request",
                "nginx/1.22.1",
                "400 No required SSL certificate was sent",
                "No required SSL certificate was sent",
            );
            return;
        }
        (Response::IisUntrusted, with) => {
            let (title, words) = if with {
                (
                    "IIS 10.0 Detailed Error - 403.16 - Forbidden",
                    "HTTP Error 403.16 - Forbidden: Your client certificate is either not trusted or is invalid.",
                )
            } else {
                IIS_403_7
            };
            refuse(tls, "403 Forbidden", "Microsoft-IIS/10.0", title, words);
            return;
        }
        (Response::IisRequired, false) => {
            // The Windows Server 2008 front ends of the OpenSSL lab run IIS 7.0.
            let (_, words) = IIS_403_7;
            let title = "IIS 7.0 Detailed Error - 403.7 - Forbidden";
            refuse(tls, "403 Forbidden", "Microsoft-IIS/7.0", title, words);
            return;
        }
        (Response::ApachePostHandshake, false) => {
            refuse(
                tls,
                "403 Forbidden",
                "Apache/2.4.62 (Debian)",
                "403 Forbidden",
                "Reason: Cannot perform Post-Handshake Authentication.",
            );
            return;
        }
        (other, _) => other,
    };
    match response {
        Response::NginxRequired
        | Response::IisUntrusted
        | Response::IisRequired
        | Response::ApachePostHandshake => {}
        Response::Endpoint => {
            let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><response xmlns=\"urn:certwiz:lab\">MCU Factory</response>";
            let _ = write!(
                tls,
                "HTTP/1.1 200 OK\r\nServer: RTC/3.0\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        Response::WebSite => {
            let body = "<!DOCTYPE html><html><head><title>Communicator Web Access</title></head><body><h1>Communicator Web Access</h1><p>Sign in to Communicator Web Access.</p><script>document.title = 'x';</script></body></html>";
            let _ = write!(
                tls,
                "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/7.0\r\nX-Powered-By: ASP.NET\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        Response::Endless => {
            let _ = tls.write_all(
                b"HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/7.0\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><head><title>Endless</title></head><body>",
            );
            let chunk = [b'A'; 16 * 1024];
            let mut sent = 0;
            while sent < ENDLESS_LIMIT_BYTES && !stop.load(Ordering::SeqCst) {
                if tls.write_all(&chunk).is_err() {
                    break;
                }
                sent += chunk.len();
            }
        }
    }
    let _ = tls.flush();
}

/// IIS's page for a request that came without a client certificate (403.7).
const IIS_403_7: (&str, &str) = (
    "IIS 10.0 Detailed Error - 403.7 - Forbidden",
    "HTTP Error 403.7 - Forbidden: The page you are attempting to access requires your browser to have a Secure Sockets Layer (SSL) client certificate.",
);

/// An HTML error page refusing the request, as nginx, IIS or Apache writes it.
fn refuse(tls: &mut impl Write, status: &str, server: &str, title: &str, words: &str) {
    let body = format!(
        "<html><head><title>{title}</title></head><body><center><h1>{status}</h1></center><center>{words}</center><hr><center>{server}</center></body></html>"
    );
    let _ = write!(
        tls,
        "HTTP/1.1 {status}\r\nServer: {server}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tls.flush();
}

/// The first flight of a TLS 1.0 server that asks for a client certificate, in one TLS 1.0 record.
fn tls10_first_flight(pki: &LabPki) -> Result<Vec<u8>, LabError> {
    use x509_parser::prelude::FromDer;
    fn u16be(out: &mut Vec<u8>, v: usize) {
        out.extend_from_slice(&(v as u16).to_be_bytes());
    }
    fn u24be(out: &mut Vec<u8>, v: usize) {
        out.extend_from_slice(&(v as u32).to_be_bytes()[1..]);
    }
    fn message(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![kind];
        u24be(&mut m, body.len());
        m.extend_from_slice(body);
        m
    }
    let mut hello = vec![0x03, 0x01];
    hello.extend_from_slice(&[0x5a; 32]);
    hello.push(0); // no session id
    hello.extend_from_slice(&[0x00, 0x2f]); // TLS_RSA_WITH_AES_128_CBC_SHA
    hello.push(0); // null compression
    let mut certs = Vec::new();
    for der in pki.server.chain.iter().take(2) {
        u24be(&mut certs, der.len());
        certs.extend_from_slice(der);
    }
    let mut certificate = Vec::new();
    u24be(&mut certificate, certs.len());
    certificate.extend_from_slice(&certs);
    let (_, root) = x509_parser::certificate::X509Certificate::from_der(&pki.root)
        .map_err(|e| LabError::Pki(e.to_string()))?;
    let subject = root.subject().as_raw();
    let mut names = Vec::new();
    u16be(&mut names, subject.len());
    names.extend_from_slice(subject);
    let mut request = vec![2, 1, 64]; // rsa_sign, ecdsa_sign
    u16be(&mut request, names.len());
    request.extend_from_slice(&names);
    let mut flight = Vec::new();
    flight.extend(message(2, &hello));
    flight.extend(message(11, &certificate));
    flight.extend(message(13, &request));
    flight.extend(message(14, &[]));
    let mut record = vec![0x16, 0x03, 0x01];
    u16be(&mut record, flight.len());
    record.extend_from_slice(&flight);
    Ok(record)
}
