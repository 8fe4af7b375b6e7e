//! The one finding model shared by the CLI, the GUI and every report.
//!
//! A [`Finding`] is a judgement over facts: a stable kebab-case `id` (the contract in
//! `shared/CONTRACT.md`), a [`Severity`], and three texts written for a junior admin: a title, the detail
//! (what certwiz saw) and the fix (what to do, naming the Windows tool).

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered from worst to best so that sorting puts failures first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something is broken and will stop conferencing or mutual TLS.
    Fail,
    /// Something is risky or will break later.
    Warn,
    /// Worth knowing; not a problem by itself.
    Info,
    /// A check that passed.
    Pass,
    /// Only a verdict's status, never a finding's: nothing was judged because nothing was recognised
    /// (`certwiz logs` over a paste with no known sign). Never shown as pass.
    Unknown,
}

impl Severity {
    /// The lower-case word used in text output and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Fail => "fail",
            Severity::Warn => "warn",
            Severity::Info => "info",
            Severity::Pass => "pass",
            Severity::Unknown => "unknown",
        }
    }

    /// A symbol that carries the state without colour (text output, GUI, reports).
    pub fn symbol(self) -> &'static str {
        match self {
            Severity::Fail => "✗",
            Severity::Warn => "!",
            Severity::Info => "i",
            Severity::Pass => "✓",
            Severity::Unknown => "?",
        }
    }
}

/// Whether a finding is about the local certificate or the one a server presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// A certificate read from files or the local store.
    Local,
    /// A certificate presented by a remote server.
    Remote,
}

/// Names the certificate a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CertificateRef {
    /// The subject distinguished name as Windows shows it.
    pub subject: String,
    /// SHA-256 thumbprint, upper-case hex.
    pub sha256: String,
}

/// One judgement, with the words a junior admin needs to act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable kebab-case identifier from the contract (`chain.untrusted-root`).
    pub id: String,
    /// How bad it is.
    pub severity: Severity,
    /// One line: what is wrong (or right).
    pub title: String,
    /// What certwiz saw, in plain language.
    pub detail: String,
    /// What to do about it, naming the Windows tool or command.
    pub fix: String,
    /// The certificate the finding is about, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateRef>,
    /// Local or remote certificate, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// Commands to copy that confirm or fix it (certwiz never runs them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<FixCommand>,
    /// The id of another finding in the same report that explains this one (a rejection of our
    /// certificate explained by our own path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explained_by: Option<String>,
}

impl Finding {
    /// A finding with no certificate attached.
    pub fn new(
        id: &str,
        severity: Severity,
        title: impl Into<String>,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Finding {
            id: id.to_owned(),
            severity,
            title: title.into(),
            detail: detail.into(),
            fix: fix.into(),
            certificate: None,
            scope: None,
            commands: Vec::new(),
            explained_by: None,
        }
    }

    /// Attaches the certificate this finding is about.
    pub fn about(mut self, certificate: CertificateRef, scope: Scope) -> Self {
        self.certificate = Some(certificate);
        self.scope = Some(scope);
        self
    }
}

/// Sorts findings the contract's way: fail, warn, info, pass; then by id, certificate and text, so the
/// same input always gives the same order.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.certificate.cmp(&b.certificate))
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.detail.cmp(&b.detail))
    });
}

/// The worst severity among `findings`, or `None` when there are none.
pub fn worst(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|f| f.severity).min()
}

/// One command and what it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixCommand {
    /// What it does, in words.
    pub purpose: String,
    /// The command line, ready to paste (PowerShell or cmd).
    pub command: String,
    /// Whether it fixes the problem or only confirms it (#16 point 7); older reports had none:
    /// confirm.
    #[serde(default, skip_serializing_if = "CommandKind::is_diagnose")]
    pub kind: CommandKind,
}

/// What a command does: confirms what a finding says, or changes the server to fix it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommandKind {
    /// Reads only: shows the problem (netstat, certutil -verify, ...).
    #[default]
    Diagnose,
    /// Changes the server: the fix itself (certutil -addstore, Remove-WebBinding, ...).
    Fix,
}

impl CommandKind {
    /// Whether it only reads (the JSON leaves `kind` out then, as reports before it had none).
    pub fn is_diagnose(&self) -> bool {
        *self == CommandKind::Diagnose
    }
}

/// The finding identifiers certwiz emits. The contract names most of them; they never change.
pub mod ids {
    /// The certificate's validity period has ended.
    pub const CERT_EXPIRED: &str = "cert.expired";
    /// The certificate's validity period has not started.
    pub const CERT_NOT_YET_VALID: &str = "cert.not-yet-valid";
    /// The certificate expires within the warning window.
    pub const CERT_EXPIRES_SOON: &str = "cert.expires-soon";
    /// None of the expected names is on the certificate.
    pub const CERT_NAME_MISMATCH: &str = "cert.name-mismatch";
    /// Every expected name is on the certificate.
    pub const CERT_NAME_MATCH: &str = "cert.name-match";
    /// The certificate's SAN holds a wildcard.
    pub const CERT_WILDCARD_SAN: &str = "cert.wildcard-san";
    /// The leaf's EKU lacks Server Authentication.
    pub const CERT_SERVER_AUTH_MISSING: &str = "cert.server-auth-missing";
    /// The leaf's EKU lacks Client Authentication.
    pub const CERT_CLIENT_AUTH_MISSING: &str = "cert.client-auth-missing";
    /// A certificate is signed with MD5 or SHA-1.
    pub const CERT_WEAK_SIGNATURE: &str = "cert.weak-signature";
    /// An RSA key is shorter than 2048 bits.
    pub const CERT_WEAK_KEY: &str = "cert.weak-key";
    /// A CA in the path limits purposes so the chain cannot do Server Authentication.
    pub const CHAIN_CA_RESTRICTS_SERVER_AUTH: &str = "chain.ca-restricts-server-auth";
    /// A CA in the path limits purposes so the chain cannot do Client Authentication.
    pub const CHAIN_CA_RESTRICTS_CLIENT_AUTH: &str = "chain.ca-restricts-client-auth";
    /// An issuer in the path could not be found.
    pub const CHAIN_INCOMPLETE: &str = "chain.incomplete";
    /// The path ends in a root that is not a trust anchor.
    pub const CHAIN_UNTRUSTED_ROOT: &str = "chain.untrusted-root";
    /// A signature in the path does not verify.
    pub const CHAIN_BAD_SIGNATURE: &str = "chain.bad-signature";
    /// A certificate in the path was issued by a certificate that is not a CA.
    pub const CHAIN_ISSUER_NOT_CA: &str = "chain.issuer-not-ca";
    /// A CA whose Key Usage extension leaves out Certificate Signing issued a certificate in the path.
    pub const CHAIN_ISSUER_KEY_USAGE: &str = "chain.issuer-key-usage";
    /// A certificate from a publicly trusted CA without Client Authentication where mutual TLS needs
    /// it (the 2025-2026 change).
    pub const CERT_PUBLIC_CA_NO_CLIENT_AUTH: &str = "cert.public-ca-no-client-auth";
    /// The path is complete, trusted, correctly signed and in date.
    pub const CHAIN_OK: &str = "chain.ok";
    /// A name of a certificate is outside a CA's name constraints (fail: CryptoAPI rejects it).
    pub const CHAIN_NAME_CONSTRAINTS_VIOLATED: &str = "chain.name-constraints-violated";
    /// A CA constrains names of a form certwiz does not match (URI, UPN) that the certificate carries
    /// (warn: never `chain.ok`).
    pub const CHAIN_NAME_CONSTRAINTS_NOT_CHECKED: &str = "chain.name-constraints-not-checked";
    /// A signature in the path uses an algorithm certwiz cannot verify (fail: never `chain.ok`).
    pub const CHAIN_SIGNATURE_UNSUPPORTED: &str = "chain.signature-unsupported";
    /// More CAs under a CA than its pathLenConstraint allows (fail).
    pub const CHAIN_PATH_LENGTH_EXCEEDED: &str = "chain.path-length-exceeded";
    /// A critical extension that is not understood (fail).
    pub const CERT_UNKNOWN_CRITICAL_EXTENSION: &str = "cert.unknown-critical-extension";
    /// An extension that cannot be decoded, e.g. a malformed Subject Alternative Name (fail); a SAN
    /// that decodes but holds an empty or spaced DNS name (warn).
    pub const CERT_MALFORMED_EXTENSION: &str = "cert.malformed-extension";
    /// The same extension twice (warn).
    pub const CERT_DUPLICATE_EXTENSION: &str = "cert.duplicate-extension";
    /// A serial number that is zero, negative or longer than 20 bytes (warn).
    pub const CERT_INVALID_SERIAL: &str = "cert.invalid-serial";
    /// The Authority Key Identifier extension is marked critical (warn).
    pub const CERT_AKI_CRITICAL: &str = "cert.aki-critical";
    /// The issuer named by the Authority Key Identifier is missing, but a CA of that name with another key
    /// is present (a renewed or rebuilt CA; warn, beside `chain.incomplete`).
    pub const CHAIN_AKI_MISMATCH: &str = "chain.aki-mismatch";
    /// The certificate examined for a TLS name is a CA certificate (warn).
    pub const CERT_CA_AS_END_ENTITY: &str = "cert.ca-as-end-entity";
    /// The whole path allows both Server and Client Authentication.
    pub const CHAIN_PURPOSES_OK: &str = "chain.purposes-ok";
    /// The purposes of the whole path cannot be judged: an issuer was not seen (info, never a pass).
    pub const CHAIN_PURPOSES_NOT_JUDGED: &str = "chain.purposes-not-judged";
    /// The server presents the certificate given with `--cert`.
    pub const CERT_PRESENTED_IS_LOCAL: &str = "cert.presented-is-local";
    /// The server presents another certificate than `--cert`.
    pub const CERT_PRESENTED_DIFFERS: &str = "cert.presented-differs";
    /// The host name does not resolve.
    pub const PORT_DNS_FAILED: &str = "port.dns-failed";
    /// The TCP port accepted the connection.
    pub const PORT_OPEN: &str = "port.open";
    /// The TCP port refused the connection.
    pub const PORT_CLOSED: &str = "port.closed";
    /// No TCP answer.
    pub const PORT_TIMEOUT: &str = "port.timeout";
    /// TCP open, no (complete) TLS answer in time.
    pub const PORT_SILENT: &str = "port.silent";
    /// What answers is not TLS.
    pub const PORT_NOT_TLS: &str = "port.not-tls";
    /// The server speaks only TLS 1.0 / 1.1.
    pub const TLS_LEGACY_ONLY: &str = "tls.legacy-only";
    /// The TLS handshake failed for another reason (alert before a CertificateRequest, error).
    pub const TLS_HANDSHAKE_FAILED: &str = "tls.handshake-failed";
    /// The server does not ask for a client certificate.
    pub const TLS_NO_CLIENT_CERT_REQUEST: &str = "tls.no-client-cert-request";
    /// The server's acceptable-CA list is empty.
    pub const TLS_CLIENT_CA_LIST_EMPTY: &str = "tls.client-ca-list-empty";
    /// The server's acceptable-CA list names a CA of our client certificate.
    pub const TLS_CLIENT_CA_LIST_INCLUDES_ISSUER: &str = "tls.client-ca-list-includes-issuer";
    /// The server's acceptable-CA list names no CA of our client certificate.
    pub const TLS_CLIENT_CA_LIST_EXCLUDES_ISSUER: &str = "tls.client-ca-list-excludes-issuer";
    /// The server rejected our client certificate with an alert.
    pub const TLS_CLIENT_CERT_REJECTED: &str = "tls.client-cert-rejected";
    /// The server closed the connection mid-handshake (ReceiveFailure).
    pub const TLS_REMOTE_CLOSED: &str = "tls.remote-closed";
    /// Mutual TLS works.
    pub const TLS_MTLS_OK: &str = "tls.mtls-ok";
    /// The server asks for the client certificate only after the handshake (renegotiation or TLS 1.3
    /// post-handshake authentication) (info).
    pub const TLS_CLIENT_CERT_REQUESTED_AFTER_HANDSHAKE: &str =
        "tls.client-cert-requested-after-handshake";
    /// The mutual-TLS handshake completed but the HTTP answer (a bare 400 / 403) does not say whether
    /// the certificate was accepted (warn: never an all-clear).
    pub const TLS_MTLS_UNCONFIRMED: &str = "tls.mtls-unconfirmed";
    /// Mutual TLS could not be tried (the key does not fit, ...).
    pub const TLS_MTLS_ERROR: &str = "tls.mtls-error";
    /// An HTML page answers where the conferencing endpoint should.
    pub const HTTP_WEB_SITE_ANSWERING: &str = "http.web-site-answering";
    /// An HTML page answers, but only over mutual TLS.
    pub const HTTP_HTML_OVER_MTLS: &str = "http.html-over-mtls";
    /// The conferencing endpoint answers over mutual TLS.
    pub const HTTP_MCU_ENDPOINT_OK: &str = "http.mcu-endpoint-ok";
    /// Without a client certificate the endpoint refuses.
    pub const HTTP_REQUIRES_CLIENT_CERTIFICATE: &str = "http.requires-client-certificate";
    /// The URL redirects.
    pub const HTTP_REDIRECT: &str = "http.redirect";
    /// A SIP server answered our OPTIONS with 2xx (pass).
    pub const SIP_OPTIONS_OK: &str = "sip.options-ok";
    /// A SIP server answered our OPTIONS with 3xx-6xx (what the code means).
    pub const SIP_ERROR_RESPONSE: &str = "sip.error-response";
    /// Something other than SIP (HTML, HTTP, nothing, other bytes) answers on a SIP port.
    pub const SIP_NOT_SIP: &str = "sip.not-sip";
    /// The body was longer than the cap.
    pub const HTTP_BODY_CAPPED: &str = "http.body-capped";
    /// Revocation checked: no usable CRL or OCSP answer lists the certificate as revoked.
    pub const REVOCATION_OK: &str = "revocation.ok";
    /// A CRL or OCSP answer says the certificate is revoked.
    pub const REVOCATION_REVOKED: &str = "revocation.revoked";
    /// No CRL distribution point or OCSP responder answered.
    pub const REVOCATION_OFFLINE: &str = "revocation.offline";
    /// The only CRLs found are past their next update.
    pub const REVOCATION_CRL_EXPIRED: &str = "revocation.crl-expired";
    /// A CRL (or OCSP answer) is not signed by the certificate's issuer.
    pub const REVOCATION_CRL_BAD_SIGNATURE: &str = "revocation.crl-bad-signature";
    /// The certificate names no CRL distribution point and no OCSP responder.
    pub const REVOCATION_NO_CDP: &str = "revocation.no-cdp";
    /// `--fetch` was given but there was no presented chain to check.
    pub const REVOCATION_NOT_CHECKED: &str = "revocation.not-checked";
    /// Only LDAP distribution points, which need a domain member to read.
    pub const REVOCATION_LDAP_NOT_CHECKED: &str = "revocation.ldap-not-checked";
    /// A missing intermediate was downloaded from the AIA URL and completes the path.
    pub const CHAIN_INTERMEDIATE_FETCHED: &str = "chain.intermediate-fetched";
    /// A web server (IIS worker, httpd, nginx, ...) listens on the conferencing port of this machine.
    pub const PORT_OWNED_BY_WEB_SERVER: &str = "port.owned-by-web-server";
    /// Who listens on the port of this machine.
    pub const PORT_OWNER: &str = "port.owner";
    /// The Root store is past Schannel's CA-list limits (about 100 roots or 16 KB of names).
    pub const STORE_ROOT_LIST_TOO_LONG: &str = "store.root-list-too-long";
    /// A certificate in the Root store is not self-signed.
    pub const STORE_NON_ROOT_IN_ROOT: &str = "store.non-root-in-root";
    /// The same root is in the store more than once.
    pub const STORE_DUPLICATE_ROOTS: &str = "store.duplicate-roots";
    /// Roots past their end date.
    pub const STORE_EXPIRED_ROOTS: &str = "store.expired-roots";
    /// The Root store is within the limits and clean.
    pub const STORE_OK: &str = "store.ok";
    /// A CA certificate's purpose property in the store leaves out Server or Client Authentication.
    pub const STORE_CA_PURPOSES_RESTRICTED: &str = "store.ca-purposes-restricted";
    /// No certificate with a private key, Server Authentication and in date.
    pub const STORE_NO_SERVER_CERTIFICATE: &str = "store.no-server-certificate";
    /// Two pool members trust each other one way only: one accepts the other, not the reverse.
    pub const POOL_TRUST_ASYMMETRIC: &str = "pool.trust-asymmetric";
    /// A pool member would reject another's certificate in mutual TLS.
    pub const POOL_MTLS_WOULD_FAIL: &str = "pool.mtls-would-fail";
    /// Every pool member (that answered) would accept every other in mutual TLS.
    pub const POOL_MTLS_OK: &str = "pool.mtls-ok";
    /// A pool member answered TLS but its certificate could not be read.
    pub const POOL_MEMBER_UNKNOWN: &str = "pool.member-unknown";
    /// No `--ca` trust anchors: the pool matrix was decided on the acceptable-CA lists alone.
    pub const POOL_TRUST_NOT_JUDGED: &str = "pool.trust-not-judged";
    /// Fewer than two members: there is no pair to judge.
    pub const POOL_TOO_FEW_MEMBERS: &str = "pool.too-few-members";
    /// The pool check was cancelled before every member was probed.
    pub const POOL_CANCELLED: &str = "pool.cancelled";
    /// (`federation`) The partner's SIP domain publishes no `_sipfederationtls._tcp` SRV record
    /// (NXDOMAIN, no record, or the "not available" target `.`): open federation cannot find it.
    pub const FEDERATION_NO_SRV_RECORD: &str = "federation.no-srv-record";
    /// (`federation`) DNS did not answer the SRV lookup (timeout, SERVFAIL, REFUSED): nothing is known
    /// about the partner's federation, which is not an all-clear.
    pub const FEDERATION_DNS_FAILED: &str = "federation.dns-failed";
    /// (`federation`) An SRV target's name has no address (or its lookup failed): it was not checked.
    pub const FEDERATION_SRV_TARGET_UNRESOLVABLE: &str = "federation.srv-target-unresolvable";
    /// (`federation`) Which of the SRV target name and the SIP domain a target's certificate names.
    pub const FEDERATION_CERTIFICATE_NAMES: &str = "federation.certificate-names";
    /// (`federation`) More SRV targets than certwiz checks at once: the rest were listed, not checked.
    pub const FEDERATION_TARGETS_NOT_CHECKED: &str = "federation.targets-not-checked";
    /// (`federation`) Every SRV target resolved, was checked, and none had a failure (pass).
    pub const FEDERATION_OK: &str = "federation.ok";
    /// (`check --direct-routing`) The SBC's trust anchors lack a root Microsoft's SIP proxies moved
    /// to in 2026 (fail).
    pub const DIRECT_ROUTING_ROOTS_MISSING: &str = "direct-routing.roots-missing";
    /// (`check --direct-routing`) The SBC's trust anchors hold every one of those roots (pass).
    pub const DIRECT_ROUTING_ROOTS_PRESENT: &str = "direct-routing.roots-present";
}
