//! The lab servers rustls cannot play, made with OpenSSL (the vendored build with the weak suites):
//! a server that asks for the client certificate by TLS 1.2 renegotiation (IIS / HTTP.SYS without
//! "Negotiate Client Certificate"), one that asks by TLS 1.3 post-handshake authentication (Apache
//! with a per-directory `SSLVerifyClient`), and the TLS 1.0 servers of the incident (Windows Server
//! 2008 Schannel with AES suites; a Windows Server 2003 stand-in offering only 3DES or only RC4 with
//! RSA key exchange). Each uses the lab PKI and answers HTTP with the rustls lab's pages.
//!
//! Two OpenSSL calls have no safe wrapper in the `openssl` crate (starting a renegotiation and a
//! post-handshake authentication from the server) and one needs the connection while a stream owns
//! it (the verify mode for the late request): they are declared in the short `extern` block below,
//! the same pattern as `engine::probe::openssl`.
#![allow(unsafe_code)]

use std::ffi::c_int;
use std::io::Write;
use std::net::TcpStream;
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use foreign_types::ForeignTypeRef;
use openssl::pkey::PKey;
use openssl::provider::Provider;
use openssl::ssl::{
    ErrorCode, Ssl, SslContext, SslMethod, SslOptions, SslStream, SslVerifyMode, SslVersion,
};
use openssl::x509::X509;

use super::pki::{LabIdentity, LabPki};
use super::servers::{Response, read_request_head, write_answer};
use super::{LabError, Scenario};

unsafe extern "C" {
    fn SSL_renegotiate(ssl: *mut openssl_sys::SSL) -> c_int;
    fn SSL_renegotiate_pending(ssl: *const openssl_sys::SSL) -> c_int;
    fn SSL_verify_client_post_handshake(ssl: *mut openssl_sys::SSL) -> c_int;
}

/// Longest a late request (renegotiation or post-handshake authentication) may take.
const LATE_REQUEST_BOUND: Duration = Duration::from_secs(10);
/// How often the late handshake's end is looked for: the last read waits this long for data that
/// does not come (the client waits for our answer), so it is what a late request adds per connection.
const LATE_POLL: Duration = Duration::from_millis(10);

/// When the server asks for the client certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    /// Never: the web site that took the port.
    Never,
    /// In the handshake, letting a request without one through to HTTP (IIS answers 403.7).
    InHandshake,
    /// After reading the request, by a TLS 1.2 renegotiation.
    Renegotiation,
    /// After reading the request, by TLS 1.3 post-handshake authentication (the client must have
    /// offered it, or Apache answers 403 at once).
    PostHandshake,
}

/// One OpenSSL lab server: its context (protocols, suites, certificate, trusted root), when it asks
/// for the client certificate and what its HTTP layer answers.
pub(super) struct Legacy {
    ctx: SslContext,
    ask: Ask,
    response: Response,
}

/// What the TLS 1.0 servers of Windows Server 2008 negotiate with an ECDSA certificate (Schannel
/// there has the AES suites, Windows Server 2003 does not).
const TLS10_AES: &str = "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:@SECLEVEL=0";
/// Windows Server 2003's strongest: RSA key exchange with 3DES.
const TLS10_3DES: &str = "DES-CBC3-SHA:@SECLEVEL=0";
/// Windows Server 2003's other choice: RSA key exchange with RC4.
const TLS10_RC4: &str = "RC4-SHA:RC4-MD5:@SECLEVEL=0";

impl Legacy {
    /// The OpenSSL server for `scenario`, or `None` when the rustls lab plays it.
    pub(super) fn for_scenario(
        scenario: Scenario,
        pki: &LabPki,
    ) -> Result<Option<Legacy>, LabError> {
        let tls10 = (SslVersion::TLS1, SslVersion::TLS1);
        let (versions, ciphers, ask, response, rsa) = match scenario {
            Scenario::Renegotiation => (
                (SslVersion::TLS1_2, SslVersion::TLS1_2),
                "DEFAULT",
                Ask::Renegotiation,
                Response::IisRequired,
                false,
            ),
            Scenario::PostHandshakeAuth => (
                (SslVersion::TLS1_3, SslVersion::TLS1_3),
                "DEFAULT",
                Ask::PostHandshake,
                Response::ApachePostHandshake,
                false,
            ),
            Scenario::Tls10FrontEnd => (
                tls10,
                TLS10_AES,
                Ask::InHandshake,
                Response::IisRequired,
                false,
            ),
            Scenario::Tls10Impostor => (tls10, TLS10_AES, Ask::Never, Response::WebSite, false),
            Scenario::Tls10TripleDesOnly => {
                (tls10, TLS10_3DES, Ask::Never, Response::WebSite, true)
            }
            Scenario::Tls10Rc4Only => (
                tls10,
                TLS10_RC4,
                Ask::InHandshake,
                Response::IisRequired,
                true,
            ),
            _ => return Ok(None),
        };
        let identity = if rsa {
            rsa_server(pki)?
        } else {
            pki.server.clone()
        };
        let ctx = context(&identity, versions, ciphers, ask, &pki.root)?;
        Ok(Some(Legacy { ctx, ask, response }))
    }
}

fn tls_err(e: openssl::error::ErrorStack) -> LabError {
    LabError::Tls(format!("OpenSSL: {e}"))
}

/// The healthy server's certificate for a fresh RSA key: RSA key exchange (all Windows Server 2003
/// offers) needs one, and rcgen cannot generate RSA keys.
fn rsa_server(pki: &LabPki) -> Result<LabIdentity, LabError> {
    let key = openssl::rsa::Rsa::generate(2048)
        .and_then(PKey::from_rsa)
        .and_then(|k| k.private_key_to_pkcs8())
        .map_err(tls_err)?;
    pki.server_with_key(&key)
}

/// The legacy provider (RC4), loaded once before the RC4 server's context and kept; `try_load` with
/// fallback keeps the default provider on.
fn legacy_provider() {
    static LEGACY: OnceLock<Option<Provider>> = OnceLock::new();
    LEGACY.get_or_init(|| Provider::try_load(None, "legacy", true).ok());
}

fn context(
    identity: &LabIdentity,
    (min, max): (SslVersion, SslVersion),
    ciphers: &str,
    ask: Ask,
    root: &[u8],
) -> Result<SslContext, LabError> {
    legacy_provider();
    let mut b = SslContext::builder(SslMethod::tls_server()).map_err(tls_err)?;
    b.set_min_proto_version(Some(min)).map_err(tls_err)?;
    b.set_max_proto_version(Some(max)).map_err(tls_err)?;
    b.set_cipher_list(ciphers).map_err(tls_err)?;
    let mut chain = identity.chain.iter();
    let leaf = chain
        .next()
        .ok_or_else(|| LabError::Tls("the server identity has no certificate".into()))?;
    let leaf = X509::from_der(leaf).map_err(tls_err)?;
    b.set_certificate(&leaf).map_err(tls_err)?;
    for ca in chain {
        b.add_extra_chain_cert(X509::from_der(ca).map_err(tls_err)?)
            .map_err(tls_err)?;
    }
    let key = PKey::private_key_from_pkcs8(&identity.key_pkcs8).map_err(tls_err)?;
    b.set_private_key(&key).map_err(tls_err)?;
    b.check_private_key().map_err(tls_err)?;
    // Client certificates are verified against the lab root, whose name is the acceptable-CA list.
    let root = X509::from_der(root).map_err(tls_err)?;
    b.cert_store_mut().add_cert(root.clone()).map_err(tls_err)?;
    b.add_client_ca(&root).map_err(tls_err)?;
    // A server that verifies client certificates needs a session id context, or a renegotiation
    // fails with "session id context uninitialized".
    b.set_session_id_context(b"certwiz-lab").map_err(tls_err)?;
    // A renegotiation that resumes the session asks for nothing (what mod_ssl sets, too).
    b.set_options(SslOptions::NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    b.set_verify(if ask == Ask::InHandshake {
        SslVerifyMode::PEER
    } else {
        SslVerifyMode::NONE
    });
    Ok(b.build())
}

/// Serves one connection (run by the lab's accept loop, one thread per connection).
pub(super) fn handle(stream: TcpStream, server: &Legacy, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Ok(ssl) = Ssl::new(&server.ctx) else {
        return;
    };
    let Ok(mut tls) = ssl.accept(stream) else {
        return;
    };
    if read_request_head(&mut tls).is_none() {
        return;
    }
    let late = matches!(server.ask, Ask::Renegotiation | Ask::PostHandshake);
    // A refused or failed renegotiation has ended the connection (OpenSSL sent its alert); a
    // post-handshake authentication the client did not offer gets Apache's 403 at once.
    if late
        && tls.ssl().peer_certificate().is_none()
        && !ask_late(&mut tls, server.ask)
        && server.ask == Ask::Renegotiation
    {
        return;
    }
    let with_certificate = tls.ssl().peer_certificate().is_some();
    // Written whole, in as few records as a web server sends (`write!` on the stream would make one
    // record per fragment).
    let mut page = Vec::new();
    write_answer(&mut page, server.response, with_certificate, stop);
    let _ = tls.write_all(&page);
    let _ = tls.flush();
    let _ = tls.shutdown();
}

/// Asks for the client certificate after the handshake and lets the client answer. The client
/// sends no data meanwhile (it waits for our HTTP answer), so the answer is read with a short
/// timeout until the late handshake is over. `false` when it could not be asked or failed.
fn ask_late(tls: &mut SslStream<TcpStream>, ask: Ask) -> bool {
    let ssl = tls.ssl().as_ptr();
    let started = match ask {
        Ask::Renegotiation => {
            // SAFETY: `ssl` is the live connection `tls` owns; the calls only set its verify mode
            // (no callback) and schedule a renegotiation.
            unsafe {
                openssl_sys::SSL_set_verify(ssl, openssl_sys::SSL_VERIFY_PEER, None);
                SSL_renegotiate(ssl)
            }
        }
        Ask::PostHandshake => {
            // SAFETY: as above; the request fails (0) when the client did not offer the extension.
            unsafe {
                openssl_sys::SSL_set_verify(
                    ssl,
                    openssl_sys::SSL_VERIFY_PEER | openssl_sys::SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                    None,
                );
                SSL_verify_client_post_handshake(ssl)
            }
        }
        Ask::Never | Ask::InHandshake => return false,
    };
    if started != 1 {
        // Drop the error the refusal queued, so it is not read as the cause of a later write's error.
        let _ = openssl::error::ErrorStack::get();
        return false;
    }
    // Sends the HelloRequest or the CertificateRequest.
    if tls.do_handshake().is_err() {
        return false;
    }
    let _ = tls.get_ref().set_read_timeout(Some(LATE_POLL));
    let deadline = Instant::now() + LATE_REQUEST_BOUND;
    let mut one = [0u8; 1];
    let over = loop {
        if Instant::now() > deadline {
            break false;
        }
        match tls.ssl_read(&mut one) {
            Ok(_) => {}
            Err(e) if e.code() == ErrorCode::WANT_READ => {}
            Err(_) => break false,
        }
        let done = match ask {
            // SAFETY: `ssl` is still owned by `tls`; the call only reads a flag.
            Ask::Renegotiation => (unsafe { SSL_renegotiate_pending(ssl) }) == 0,
            _ => tls.ssl().peer_certificate().is_some(),
        };
        if done {
            break true;
        }
    };
    let _ = tls
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(10)));
    over
}
