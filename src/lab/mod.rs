//! The test lab: in-process loopback servers, one per failure scenario, made with rustls and rcgen
//! (and OpenSSL, `legacy`, for what rustls refuses: renegotiation, post-handshake auth, TLS 1.0).
//!
//! The integration tests start them and run `certwiz check` against them; the GUI's practice mode will
//! start the same servers so an admin can see each failure before meeting it for real. Every server
//! listens on 127.0.0.1 only, answers for a bounded time, and stops when its [`LabServer`] is dropped.

pub mod dns;
mod legacy;
mod pki;
mod servers;
mod sip;
mod web;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

pub use pki::{LabIdentity, LabPki, aia_extension};

/// The name every lab server answers for (give it as HOST with `--address 127.0.0.1`).
pub const LAB_HOST: &str = "pool01.lab.test";

/// One failure (or the healthy case) a lab server plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scenario {
    /// A healthy MCU Factory: mutual TLS required, CA list, 200 only with a valid client certificate.
    Healthy,
    /// The incident: a web site (Communicator Web Access in IIS) answers, no client certificate asked.
    ImpostorWebSite,
    /// The server's issuing CA allows Server Authentication only.
    IssuingServerAuthOnly,
    /// The server's certificate lacks Client Authentication.
    LeafWithoutClientAuth,
    /// The server's certificate has expired.
    ExpiredLeaf,
    /// The server sends its certificate without the intermediate.
    MissingIntermediate,
    /// The server's certificate is for another name.
    NameMismatch,
    /// The server's chain ends in a root nobody trusts.
    UntrustedRoot,
    /// The server accepts client certificates only from a foreign CA, so it rejects ours.
    ForeignCaList,
    /// The server's certificate is revoked: its CA's CRL lists it.
    RevokedCertificate,
    /// The CRL distribution point of the server's certificate does not answer.
    CrlOffline,
    /// Nothing listens on the port.
    ClosedPort,
    /// TCP accepts, nothing ever answers.
    SilentListener,
    /// Plain HTTP on the TLS port.
    PlainHttp,
    /// A web page whose body never ends.
    EndlessBody,
    /// The server resets the connection right after the ClientHello.
    ResetAfterClientHello,
    /// The server answers one byte a second.
    Trickle,
    /// The server speaks only TLS 1.0.
    Tls10Only,
    /// A healthy front end that asks for the certificate in TLS but refuses in HTTP (nginx's
    /// `ssl_verify_client`): 400 "No required SSL certificate was sent" without one, 200 with ours.
    HttpLayerFrontEnd,
    /// IIS refusing our certificate at the HTTP layer: 403.7 without one, 403.16 (untrusted) with ours.
    IisRejectsCertificate,
    /// IIS / HTTP.SYS without "Negotiate Client Certificate" (OpenSSL lab): asks for the client
    /// certificate only by a TLS 1.2 renegotiation after the request; 403.7 if none comes.
    Renegotiation,
    /// A TLS 1.3 server that asks for the client certificate by post-handshake authentication
    /// (OpenSSL lab, as Apache's per-directory `SSLVerifyClient`).
    PostHandshakeAuth,
    /// A healthy MCU Factory on Windows Server 2008 (OpenSSL lab): TLS 1.0 only, AES suites,
    /// certificate asked for in the handshake.
    Tls10FrontEnd,
    /// The incident on its own servers (OpenSSL lab): the web site over TLS 1.0, no certificate asked.
    Tls10Impostor,
    /// A Windows Server 2003 stand-in (OpenSSL lab): TLS 1.0, RSA key exchange with 3DES only,
    /// serving the web site.
    Tls10TripleDesOnly,
    /// A Windows Server 2003 stand-in (OpenSSL lab): TLS 1.0, RSA key exchange with RC4 only, a
    /// healthy front end.
    Tls10Rc4Only,
    /// A healthy SIP server on 5061: mutual TLS required, OPTIONS answered with 200 OK.
    SipHealthy,
    /// An Edge refusing the federation partner: mutual TLS works, OPTIONS answered with 403 and an
    /// ms-diagnostics header.
    SipForbidden,
    /// A SIP server that does not ask for a client certificate (OPTIONS answered with 200 OK).
    SipNoClientCertificate,
}

impl Scenario {
    /// Every scenario, in catalogue order.
    pub const ALL: [Scenario; 29] = [
        Scenario::Healthy,
        Scenario::ImpostorWebSite,
        Scenario::IssuingServerAuthOnly,
        Scenario::LeafWithoutClientAuth,
        Scenario::ExpiredLeaf,
        Scenario::MissingIntermediate,
        Scenario::NameMismatch,
        Scenario::UntrustedRoot,
        Scenario::ForeignCaList,
        Scenario::RevokedCertificate,
        Scenario::CrlOffline,
        Scenario::ClosedPort,
        Scenario::SilentListener,
        Scenario::PlainHttp,
        Scenario::EndlessBody,
        Scenario::ResetAfterClientHello,
        Scenario::Trickle,
        Scenario::Tls10Only,
        Scenario::HttpLayerFrontEnd,
        Scenario::IisRejectsCertificate,
        Scenario::Renegotiation,
        Scenario::PostHandshakeAuth,
        Scenario::Tls10FrontEnd,
        Scenario::Tls10Impostor,
        Scenario::Tls10TripleDesOnly,
        Scenario::Tls10Rc4Only,
        Scenario::SipHealthy,
        Scenario::SipForbidden,
        Scenario::SipNoClientCertificate,
    ];

    /// The scenario's name on the command line (`impostor-web-site`).
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Healthy => "healthy",
            Scenario::ImpostorWebSite => "impostor-web-site",
            Scenario::IssuingServerAuthOnly => "issuing-server-auth-only",
            Scenario::LeafWithoutClientAuth => "leaf-without-client-auth",
            Scenario::ExpiredLeaf => "expired-leaf",
            Scenario::MissingIntermediate => "missing-intermediate",
            Scenario::NameMismatch => "name-mismatch",
            Scenario::UntrustedRoot => "untrusted-root",
            Scenario::ForeignCaList => "foreign-ca-list",
            Scenario::RevokedCertificate => "revoked-certificate",
            Scenario::CrlOffline => "crl-offline",
            Scenario::ClosedPort => "closed-port",
            Scenario::SilentListener => "silent-listener",
            Scenario::PlainHttp => "plain-http",
            Scenario::EndlessBody => "endless-body",
            Scenario::ResetAfterClientHello => "reset-after-client-hello",
            Scenario::Trickle => "trickle",
            Scenario::Tls10Only => "tls10-only",
            Scenario::HttpLayerFrontEnd => "http-layer-front-end",
            Scenario::IisRejectsCertificate => "iis-rejects-certificate",
            Scenario::Renegotiation => "renegotiation",
            Scenario::PostHandshakeAuth => "post-handshake-auth",
            Scenario::Tls10FrontEnd => "tls10-front-end",
            Scenario::Tls10Impostor => "tls10-impostor",
            Scenario::Tls10TripleDesOnly => "tls10-3des-only",
            Scenario::Tls10Rc4Only => "tls10-rc4-only",
            Scenario::SipHealthy => "sip-healthy",
            Scenario::SipForbidden => "sip-forbidden",
            Scenario::SipNoClientCertificate => "sip-no-client-certificate",
        }
    }

    /// The scenario with this command-line name.
    pub fn from_name(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// A short description for lists.
    pub fn description(self) -> &'static str {
        match self {
            Scenario::Healthy => "Healthy MCU Factory: mutual TLS required",
            Scenario::ImpostorWebSite => {
                "Another web site (Communicator Web Access) bound to the port"
            }
            Scenario::IssuingServerAuthOnly => "Issuing CA enabled for Server Authentication only",
            Scenario::LeafWithoutClientAuth => "Server certificate without Client Authentication",
            Scenario::ExpiredLeaf => "Server certificate expired",
            Scenario::MissingIntermediate => "Server does not send its intermediate CA",
            Scenario::NameMismatch => "Server certificate for another name",
            Scenario::UntrustedRoot => "Server chain ends in an untrusted root",
            Scenario::ForeignCaList => "Server trusts only a foreign CA for client certificates",
            Scenario::RevokedCertificate => {
                "Server certificate revoked by its CA (listed in the CRL)"
            }
            Scenario::CrlOffline => "CRL distribution point of the server certificate unreachable",
            Scenario::ClosedPort => "Nothing listens on the port",
            Scenario::SilentListener => "Port open, no answer",
            Scenario::PlainHttp => "Plain HTTP on the TLS port",
            Scenario::EndlessBody => "A web page that never ends",
            Scenario::ResetAfterClientHello => "Connection reset after the ClientHello",
            Scenario::Trickle => "Server answers one byte a second",
            Scenario::Tls10Only => "Server speaks only TLS 1.0",
            Scenario::HttpLayerFrontEnd => {
                "Healthy front end refusing certificate-less requests in HTTP (nginx 400)"
            }
            Scenario::IisRejectsCertificate => {
                "IIS refuses our certificate in HTTP (403.16 untrusted)"
            }
            Scenario::Renegotiation => {
                "IIS asks for the client certificate only by renegotiation (TLS 1.2)"
            }
            Scenario::PostHandshakeAuth => {
                "Asks for the client certificate after the TLS 1.3 handshake"
            }
            Scenario::Tls10FrontEnd => "Healthy front end on Windows Server 2008: TLS 1.0 only",
            Scenario::Tls10Impostor => {
                "The web site on the port of a TLS 1.0 server (the incident)"
            }
            Scenario::Tls10TripleDesOnly => {
                "Windows Server 2003 stand-in: TLS 1.0 with 3DES only, a web site"
            }
            Scenario::Tls10Rc4Only => {
                "Windows Server 2003 stand-in: TLS 1.0 with RC4 only, a healthy front end"
            }
            Scenario::SipHealthy => "Healthy SIP server: mutual TLS required, OPTIONS answered 200",
            Scenario::SipForbidden => {
                "Edge refusing the partner: mutual TLS works, SIP answers 403 (ms-diagnostics)"
            }
            Scenario::SipNoClientCertificate => {
                "SIP server that does not ask for a client certificate"
            }
        }
    }

    /// What a check of this scenario speaks: SIP for the SIP scenarios (their lab port is not 5061),
    /// else by port.
    pub fn protocol(self) -> crate::engine::ports::ProtocolChoice {
        match self {
            Scenario::SipHealthy | Scenario::SipForbidden | Scenario::SipNoClientCertificate => {
                crate::engine::ports::ProtocolChoice::Sip
            }
            _ => crate::engine::ports::ProtocolChoice::Auto,
        }
    }
}

/// Paths of the lab's certificate files, written for the command line.
#[derive(Debug, Clone)]
pub struct LabFiles {
    /// The lab root CA (give as `--ca`).
    pub root: PathBuf,
    /// The calling server's certificate and its issuing CA (give as `--client-cert`).
    pub client_cert: PathBuf,
    /// Its private key (give as `--client-key`).
    pub client_key: PathBuf,
    /// The certificate the healthy server presents (give as `--cert`).
    pub server_cert: PathBuf,
}

/// A running lab server. Dropping it stops it.
pub struct LabServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// What it plays.
    pub scenario: Scenario,
    /// The PKI it was made with.
    pub pki: Arc<LabPki>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl LabServer {
    /// Starts a server for `scenario` on 127.0.0.1 with a fresh PKI.
    pub fn start(scenario: Scenario) -> Result<LabServer, LabError> {
        Self::start_with(scenario, Arc::new(LabPki::generate()?))
    }

    /// Starts a server for `scenario` with an existing PKI (several servers can share one).
    pub fn start_with(scenario: Scenario, pki: Arc<LabPki>) -> Result<LabServer, LabError> {
        if scenario == Scenario::ClosedPort {
            // A port that was free a moment ago: connecting to it is refused.
            let listener = TcpListener::bind("127.0.0.1:0").map_err(LabError::Io)?;
            let addr = listener.local_addr().map_err(LabError::Io)?;
            drop(listener);
            return Ok(LabServer {
                addr,
                scenario,
                pki,
                stop: Arc::new(AtomicBool::new(false)),
                thread: None,
            });
        }
        // What rustls cannot play (renegotiation, post-handshake auth, TLS 1.0) OpenSSL serves.
        if let Some(server) = legacy::Legacy::for_scenario(scenario, &pki)? {
            return Self::spawn(scenario, pki, |listener, stop| {
                servers::accept_loop(listener, server, stop, legacy::handle)
            });
        }
        let behaviour = servers::Behaviour::for_scenario(scenario, &pki)?;
        Self::serve(scenario, behaviour, pki)
    }

    /// Serves `behaviour` on a new loopback port (a practice pool member is recorded as `scenario`).
    fn serve(
        scenario: Scenario,
        behaviour: servers::Behaviour,
        pki: Arc<LabPki>,
    ) -> Result<LabServer, LabError> {
        Self::spawn(scenario, pki, |listener, stop| {
            servers::serve(listener, behaviour, stop)
        })
    }

    /// Binds a new loopback port and starts `server` on it.
    fn spawn(
        scenario: Scenario,
        pki: Arc<LabPki>,
        server: impl FnOnce(TcpListener, Arc<AtomicBool>) -> JoinHandle<()>,
    ) -> Result<LabServer, LabError> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(LabError::Io)?;
        let addr = listener.local_addr().map_err(LabError::Io)?;
        let stop = Arc::new(AtomicBool::new(false));
        let thread = server(listener, Arc::clone(&stop));
        Ok(LabServer {
            addr,
            scenario,
            pki,
            stop,
            thread: Some(thread),
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Writes the lab's certificate files into `dir`.
    pub fn write_files(&self, dir: &Path) -> Result<LabFiles, LabError> {
        self.pki.write_files(dir)
    }
}

impl Drop for LabServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, std::time::Duration::from_millis(200));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The practice pool: three front ends of one Enterprise pool on 127.0.0.1, for step 9 and
/// `certwiz lab pool`. fe01 and fe02 have certificates from the lab's CA and trust its root only;
/// fe03's certificate was renewed from the company's new CA, whose root was installed on fe03 alone.
/// So fe03 accepts the others, but they reject fe03: the one-way trust of a half-finished migration.
pub struct PracticePool {
    /// The members: host name, and the server answering for it.
    pub members: Vec<(&'static str, LabServer)>,
    /// The PKI they were made with (both roots are the pool's trust anchors).
    pub pki: Arc<LabPki>,
}

impl PracticePool {
    /// The members' names, one per line with port and address, as step 9 and `certwiz pool` take them.
    pub fn member_lines(&self) -> Vec<String> {
        self.members
            .iter()
            .map(|(host, server)| format!("{host}:{} 127.0.0.1", server.port()))
            .collect()
    }

    /// Starts the three members with a fresh PKI (a few milliseconds).
    pub fn start() -> Result<PracticePool, LabError> {
        let pki = Arc::new(LabPki::generate()?);
        let old: &[u8] = &pki.root;
        let new: &[u8] = &pki.new_root;
        let mut members = Vec::new();
        for (host, identity, accepted) in [
            ("fe01.lab.test", &pki.server, vec![old]),
            ("fe02.lab.test", &pki.client, vec![old]),
            ("fe03.lab.test", &pki.fe03, vec![old, new]),
        ] {
            let behaviour = servers::pool_member(identity, &accepted)?;
            members.push((
                host,
                LabServer::serve(Scenario::Healthy, behaviour, Arc::clone(&pki))?,
            ));
        }
        Ok(PracticePool { members, pki })
    }
}

/// Why a lab server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LabError {
    /// A socket or file operation failed.
    #[error("lab: {0}")]
    Io(#[source] std::io::Error),
    /// Certificates could not be generated.
    #[error("lab: cannot generate certificates: {0}")]
    Pki(String),
    /// TLS could not be configured.
    #[error("lab: cannot configure TLS: {0}")]
    Tls(String),
}
