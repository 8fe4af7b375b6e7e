//! The pool trust matrix as plain data: the members (what each presented, whether it asks for a
//! client certificate), and for each ordered pair whether the server would accept the client, with
//! the reasons. What the report, the renderers and the GUI show; nothing here judges.

use serde::{Deserialize, Serialize};

/// Whether, and how, a member answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberStatus {
    /// It answered TLS and showed its certificate (possibly through the read-only TLS 1.0 handshake).
    Answered,
    /// Its name does not resolve.
    DnsFailed,
    /// It refused the connection: nothing listens on the port.
    Closed,
    /// No TCP answer: a firewall drops the packets, or the host is down.
    Timeout,
    /// Connecting failed for another reason (network unreachable, ...).
    Unreachable,
    /// TCP open, but no (complete) TLS answer in time.
    Silent,
    /// What answers is not TLS.
    NotTls,
    /// It closed the connection during the handshake, before showing a certificate.
    RemoteClosed,
    /// It speaks only TLS 1.0 / 1.1 and its certificate could not be read from that handshake.
    LegacyOnly,
    /// The handshake failed otherwise (an alert before any certificate, an error).
    HandshakeFailed,
    /// Not probed to the end: the user cancelled.
    Cancelled,
}

/// The certificate a member presented, as the others see it when it calls them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCertificate {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// The short name MMC shows in "Issued To".
    pub display_name: String,
    /// SHA-256 thumbprint, upper-case hex.
    pub sha256: String,
    /// SHA-1 thumbprint (what MMC and PowerShell call "Thumbprint").
    pub thumbprint_sha1: String,
    /// The certificates it sent (display names, leaf first).
    pub chain: Vec<String>,
    /// The names of the CAs of its path, leaf side first, as Windows shows names: what another
    /// member's acceptable-CA list must name one of.
    pub ca_names: Vec<String>,
    /// The short name of the root of its path (or of the highest issuer the path names when the root
    /// is missing).
    pub root: String,
    /// The short name of the CA that issued it.
    pub issuing_ca: String,
    /// Whether the whole path allows Client Authentication.
    pub client_auth: bool,
    /// Whether the path builds to a `--ca` trust anchor (`None` when none was given).
    pub trusted: Option<bool>,
}

/// One member of the pool: who it is, whether it answered, what it presents and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolMember {
    /// How the matrix and its reasons name it (the host, or `host:port` when hosts repeat).
    pub label: String,
    /// The host name (SNI).
    pub host: String,
    /// The port.
    pub port: u16,
    /// The address that answered TCP.
    pub address: Option<String>,
    /// Whether and how it answered.
    pub status: MemberStatus,
    /// The same in words ("answered TLS (TLSv1.3); asks for a client certificate (3 CA names)").
    pub status_text: String,
    /// The TLS version it negotiated.
    pub tls_version: Option<String>,
    /// Its certificate, when it showed a readable one.
    pub certificate: Option<MemberCertificate>,
    /// Whether it asks for a client certificate (`None` when it did not answer TLS).
    pub certificate_requested: Option<bool>,
    /// The CA names its CertificateRequest lists (empty when none, or when it asks with an empty list).
    pub acceptable_ca_names: Vec<String>,
}

impl PoolMember {
    /// Whether what it accepts as a server is known (it answered TLS).
    pub fn server_known(&self) -> bool {
        self.certificate_requested.is_some()
    }

    /// Whether its certificate is known (it answered TLS with a readable certificate).
    pub fn client_known(&self) -> bool {
        self.certificate.is_some()
    }
}

/// Why a server would reject a client's certificate (the machine-readable side of a cell's reasons).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Blocker {
    /// The server does not ask for a client certificate at all.
    NoCertificateRequest,
    /// The server's acceptable-CA list names no CA of the client's path.
    CaListExcludesChain,
    /// The client's certificate does not allow Client Authentication (its EKU).
    ClientAuthMissing {
        /// The certificate's display name.
        certificate: String,
    },
    /// A CA in the client's path does not allow Client Authentication.
    CaRestrictsClientAuth {
        /// The CA's display name.
        ca: String,
    },
    /// The client's path ends in a root that is not a trust anchor.
    ChainUntrusted {
        /// The root's display name.
        root: String,
    },
    /// The client's path stops at a certificate whose issuer neither it nor the anchors provide.
    ChainIncomplete {
        /// The short name of the missing issuer.
        missing_issuer: String,
    },
    /// A certificate in the client's path has expired.
    Expired {
        /// Its display name.
        certificate: String,
    },
    /// A certificate in the client's path is not yet valid.
    NotYetValid {
        /// Its display name.
        certificate: String,
    },
    /// A signature in the client's path does not verify.
    BadSignature {
        /// The display name of the certificate whose signature fails.
        certificate: String,
    },
    /// A certificate in the client's path was issued by a certificate that is not a CA.
    IssuerNotCa {
        /// The display name of the certificate with the bad issuer.
        certificate: String,
    },
    /// A certificate in the client's path breaks another rule of path validation (name constraints,
    /// path length, an unverifiable signature, an invalid extension).
    PathRule {
        /// Its display name.
        certificate: String,
        /// Its status in the path.
        status: crate::engine::path::NodeStatus,
    },
}

/// One ordered pair: would `server` accept `client`'s certificate in mutual TLS?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolCell {
    /// Index into [`PoolMatrix::members`] of the member that connects and presents its certificate.
    pub client: usize,
    /// Index of the member that is connected to and judges the certificate.
    pub server: usize,
    /// `Some(true)`: would accept; `Some(false)`: would reject; `None`: unknown (a member did not
    /// answer TLS).
    pub accepted: Option<bool>,
    /// Why, in plain language: what blocks first, then what passed and the cautions.
    pub reasons: Vec<String>,
    /// What blocks, machine-readable (empty when accepted or unknown).
    pub blockers: Vec<Blocker>,
}

/// The pool trust matrix: every member and every ordered pair. Self-contained, deterministic, and
/// what the JSON report carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolMatrix {
    /// The members, in the order given.
    pub members: Vec<PoolMember>,
    /// Every ordered pair of distinct members, by client then server: N × (N − 1) cells.
    pub cells: Vec<PoolCell>,
    /// Whether trust anchors were given (without them only the acceptable-CA lists decide).
    pub trust_judged: bool,
    /// Whether the check was cancelled before every member was probed.
    pub cancelled: bool,
}

impl PoolMatrix {
    /// The cell where `client` connects to `server` (indexes into `members`).
    pub fn cell(&self, client: usize, server: usize) -> Option<&PoolCell> {
        self.cells
            .iter()
            .find(|c| c.client == client && c.server == server)
    }

    /// The index of the member with this label.
    pub fn member_index(&self, label: &str) -> Option<usize> {
        self.members.iter().position(|m| m.label == label)
    }

    /// A member's label by index ("?" when out of range).
    pub fn label(&self, index: usize) -> &str {
        self.members.get(index).map_or("?", |m| m.label.as_str())
    }
}

/// Most members one pool check takes (a Lync / Skype for Business pool has at most 12 front ends;
/// a saved report with more is refused).
pub const MAX_MEMBERS: usize = 64;
