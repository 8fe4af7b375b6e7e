//! A small HTTP/1.1 server on 127.0.0.1 for the revocation tests: serves CRLs, CA certificates and OCSP
//! answers by path, and plays the bad cases (404, silent, 50 MB bodies, redirects). It records every
//! request and the most connections it held open at once.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Builds an OCSP answer from the request body.
pub type Responder = Arc<dyn Fn(&[u8]) -> Vec<u8> + Send + Sync>;

/// What a path answers.
#[derive(Clone)]
pub enum Route {
    /// 200 with this body.
    Body(Vec<u8>, &'static str),
    /// This status, empty body.
    Status(u16),
    /// Accepts and never answers (until the test process ends).
    Silent,
    /// 200 announcing this many bytes (Content-Length), then streaming them.
    HugeDeclared(usize),
    /// 200 without Content-Length, streaming this many bytes until the client hangs up.
    HugeStreamed(usize),
    /// 302 to this URL.
    Redirect(String),
    /// POST: the OCSP responder.
    Ocsp(Responder),
}

/// The server. Lives until the test process ends.
pub struct WebServer {
    port: u16,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    hits: Arc<Mutex<Vec<String>>>,
    open: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl WebServer {
    /// Starts listening on an ephemeral port.
    pub fn start() -> WebServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = WebServer {
            port,
            routes: Arc::default(),
            hits: Arc::default(),
            open: Arc::default(),
            peak: Arc::default(),
        };
        let routes = Arc::clone(&server.routes);
        let hits = Arc::clone(&server.hits);
        let open = Arc::clone(&server.open);
        let peak = Arc::clone(&server.peak);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let routes = Arc::clone(&routes);
                let hits = Arc::clone(&hits);
                let open = Arc::clone(&open);
                let peak = Arc::clone(&peak);
                std::thread::spawn(move || {
                    let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    serve(stream, &routes, &hits);
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        server
    }

    /// `http://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!(
            "http://127.0.0.1:{}/{}",
            self.port,
            path.trim_start_matches('/')
        )
    }

    /// The same path through the name `localhost` (another host, same server).
    pub fn url_via_localhost(&self, path: &str) -> String {
        format!(
            "http://localhost:{}/{}",
            self.port,
            path.trim_start_matches('/')
        )
    }

    /// Sets what `path` answers.
    pub fn route(&self, path: &str, route: Route) {
        self.routes
            .lock()
            .expect("routes")
            .insert(format!("/{}", path.trim_start_matches('/')), route);
    }

    /// Every request so far, as `METHOD /path`.
    pub fn hits(&self) -> Vec<String> {
        self.hits.lock().expect("hits").clone()
    }

    /// The most connections open at the same time so far.
    pub fn peak_connections(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

fn serve(mut stream: TcpStream, routes: &Mutex<HashMap<String, Route>>, hits: &Mutex<Vec<String>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.lines();
    let mut first = lines.next().unwrap_or_default().split_whitespace();
    let method = first.next().unwrap_or_default().to_owned();
    let path = first.next().unwrap_or_default().to_owned();
    let length: usize = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1024 * 1024)];
    if stream.read_exact(&mut body).is_err() {
        return;
    }
    hits.lock().expect("hits").push(format!("{method} {path}"));
    let route = routes.lock().expect("routes").get(&path).cloned();
    let reply = |stream: &mut TcpStream, status: &str, kind: &str, body: &[u8]| {
        let _ = stream.write_all(
            format!(
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        let _ = stream.write_all(body);
    };
    match route {
        None => reply(
            &mut stream,
            "404 Not Found",
            "text/html",
            b"<h1>Not Found</h1>",
        ),
        Some(Route::Body(bytes, kind)) => reply(&mut stream, "200 OK", kind, &bytes),
        Some(Route::Status(code)) => {
            reply(&mut stream, &format!("{code} Status"), "text/plain", b"")
        }
        Some(Route::Silent) => std::thread::sleep(Duration::from_secs(120)),
        Some(Route::HugeDeclared(n)) => {
            let _ = stream.write_all(
                format!("HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: {n}\r\nConnection: close\r\n\r\n").as_bytes(),
            );
            stream_zeros(&mut stream, n);
        }
        Some(Route::HugeStreamed(n)) => {
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nConnection: close\r\n\r\n",
            );
            stream_zeros(&mut stream, n);
        }
        Some(Route::Redirect(to)) => {
            let _ = stream.write_all(
                format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
        Some(Route::Ocsp(responder)) => {
            let answer = responder(&body);
            reply(&mut stream, "200 OK", "application/ocsp-response", &answer);
        }
    }
}

fn stream_zeros(stream: &mut TcpStream, n: usize) {
    let chunk = vec![0u8; 64 * 1024];
    let mut sent = 0;
    while sent < n {
        let take = chunk.len().min(n - sent);
        if stream.write_all(&chunk[..take]).is_err() {
            return;
        }
        sent += take;
    }
}

/// A TLS server on 127.0.0.1 presenting `chain` (DER, leaf first) with `key_pkcs8`, answering every
/// request with `answer`. Returns its port; lives until the test process ends.
pub fn tls_server(chain: Vec<Vec<u8>>, key_pkcs8: Vec<u8>, answer: &'static [u8]) -> u16 {
    let chain = chain
        .into_iter()
        .map(rustls::pki_types::CertificateDer::from)
        .collect();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key_pkcs8.into());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("config"),
    );
    serve_tls(config, answer)
}

/// Serves `config` on 127.0.0.1: each connection's first request is answered with `answer`. Returns
/// the port; lives until the test process ends.
pub fn serve_tls(config: Arc<rustls::ServerConfig>, answer: &'static [u8]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let config = Arc::clone(&config);
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut buf = [0u8; 4096];
                if tls.read(&mut buf).is_ok() {
                    let _ = tls.write_all(answer);
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                }
            });
        }
    });
    port
}

/// A TLS server on 127.0.0.1 presenting `chain` with `key_pkcs8` that demands a client certificate
/// from `accepted_roots` (DER; their names are the acceptable-CA list it sends). Returns its port;
/// lives until the test process ends.
pub fn mtls_server(chain: Vec<Vec<u8>>, key_pkcs8: Vec<u8>, accepted_roots: Vec<Vec<u8>>) -> u16 {
    mtls_server_with_crls(chain, key_pkcs8, accepted_roots, vec![])
}

/// [`mtls_server`] that also checks the client certificate (the end entity only; an unknown status
/// is let through) against `crls` (DER): a listed certificate gets the alert `certificate_revoked`.
pub fn mtls_server_with_crls(
    chain: Vec<Vec<u8>>,
    key_pkcs8: Vec<u8>,
    accepted_roots: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut store = rustls::RootCertStore::empty();
    for root in accepted_roots {
        store
            .add(rustls::pki_types::CertificateDer::from(root))
            .expect("root");
    }
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(store),
        Arc::clone(&provider),
    )
    .with_crls(
        crls.into_iter()
            .map(rustls::pki_types::CertificateRevocationListDer::from),
    )
    .only_check_end_entity_revocation()
    .allow_unknown_revocation_status()
    .build()
    .expect("verifier");
    let chain = chain
        .into_iter()
        .map(rustls::pki_types::CertificateDer::from)
        .collect();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key_pkcs8.into());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)
            .expect("config"),
    );
    serve_tls(
        config,
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
}
