//! The finding catalogue: for every finding id, what it means, why it matters for conferencing, the fix,
//! the commands and the wizard step that shows it. One data source for `certwiz explain`, the "?" beside
//! each finding in the wizard and the catalogue page (generated with
//! `certwiz explain --list --format markdown`; a test fails when the committed page is stale).
//!
//! The commands come from [`crate::engine::fixes`] (the same catalogue the reports use), filled with
//! placeholders; `log.<signal>` ids are explained from the log knowledge base (`assets/knowledge.toml`).

use serde::Serialize;

use crate::engine::finding::{FixCommand, ids};
use crate::engine::fixes::{FixContext, commands_for, commands_for_step};
use crate::engine::logs::knowledge::knowledge;

/// The wizard's steps, by number (1-based), as the GUI names them.
pub const STEP_NAMES: [&str; 9] = [
    "What happened",
    "Server",
    "Local certificate",
    "Certification path",
    "Purposes",
    "Port",
    "Mutual TLS",
    "Verdict",
    "Pool",
];

/// The name of wizard step `step` (1-based), or "" for a number outside the wizard.
pub fn step_name(step: u8) -> &'static str {
    usize::from(step)
        .checked_sub(1)
        .and_then(|i| STEP_NAMES.get(i))
        .copied()
        .unwrap_or("")
}

/// One catalogue entry, as written in this file: id, severity, wizard step, when it is reported, why
/// it matters for conferencing, the fix.
#[derive(Debug, Clone, Copy)]
struct Entry(
    &'static str,
    &'static str,
    u8,
    &'static str,
    &'static str,
    &'static str,
);

/// One explained finding id: the data behind `certwiz explain ID`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The finding id (`chain.untrusted-root`).
    pub id: String,
    /// The severity (or severities, with the condition) the finding is reported with.
    pub severity: String,
    /// What the finding means: when certwiz reports it.
    pub meaning: String,
    /// Why it matters for conferencing servers (OCS / Lync / Skype for Business).
    pub why: String,
    /// What to do about it.
    pub fix: String,
    /// The commands that confirm or fix it (certwiz never runs them), with placeholders.
    pub commands: Vec<FixCommand>,
    /// The wizard step that shows it (1-based).
    pub step: u8,
    /// That step's name.
    pub step_name: String,
}

impl Explanation {
    /// The three texts with their headings, in the order every format (and the wizard's "?") shows them.
    pub fn sections(&self) -> [(&'static str, &str); 3] {
        [
            ("What it means", self.meaning.as_str()),
            ("Why it matters for conferencing", self.why.as_str()),
            ("The fix", self.fix.as_str()),
        ]
    }
}

/// Placeholders only: the catalogue never names a real server.
fn placeholder_context() -> FixContext {
    FixContext {
        host: Some("<pool FQDN>".to_owned()),
        ..FixContext::default()
    }
}

impl Entry {
    fn explain(&self) -> Explanation {
        let Entry(id, severity, step, when, why, fix) = *self;
        Explanation {
            id: id.to_owned(),
            severity: severity.to_owned(),
            meaning: when.to_owned(),
            why: why.to_owned(),
            fix: fix.to_owned(),
            commands: commands_for(id, &placeholder_context()),
            step,
            step_name: step_name(step).to_owned(),
        }
    }
}

/// Every fixed finding id, explained, in catalogue order (the order of the contract's groups).
pub fn all() -> Vec<Explanation> {
    ENTRIES.iter().map(Entry::explain).collect()
}

/// The explanation of `id`: a fixed id from the catalogue, or `log.<signal>` from the knowledge base.
/// `None` for an id certwiz never reports.
pub fn explain(id: &str) -> Option<Explanation> {
    if let Some(entry) = ENTRIES.iter().find(|e| e.0 == id) {
        return Some(entry.explain());
    }
    let signal_id = id.strip_prefix("log.")?;
    let kb = knowledge().ok()?;
    let signal = kb.signals.iter().find(|s| s.id == signal_id)?;
    Some(Explanation {
        id: id.to_owned(),
        severity: signal.severity.as_str().to_owned(),
        meaning: format!("{}: {}", signal.title, signal.meaning),
        why: "It was recognised in pasted event-log, validation-wizard or trace text (`certwiz logs`, \
              wizard step 1); the likely causes it points at are ranked beside it."
            .to_owned(),
        fix: signal.fix.clone(),
        commands: commands_for_step(signal.step, &placeholder_context()),
        step: signal.step,
        step_name: step_name(signal.step).to_owned(),
    })
}

/// The ids `log.<signal>` the knowledge base can report, sorted.
pub fn log_ids() -> Vec<String> {
    let mut v: Vec<String> = knowledge()
        .map(|kb| kb.signals.iter().map(|s| format!("log.{}", s.id)).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// The id of the finding a log paste gives when nothing in it was recognised.
pub const LOG_NO_SIGNALS: &str = "log.no-signals";

const TRUST_WHY: &str = "Front ends, mediation and edge servers authenticate each other with their certificates \
    (mutual TLS, e.g. on port 444): a certificate the other side cannot build to a trusted root is rejected \
    and calls, conferences or replication fail.";
const DATE_WHY: &str = "Schannel refuses a certificate outside its validity period: the service stops \
    accepting TLS connections and server-to-server traffic fails at once.";
const PURPOSE_WHY: &str = "Each server is a TLS server for the others and a TLS client towards them: its \
    certificate (and every CA above it) must allow both Server Authentication and Client Authentication.";
const EXT_WHY: &str = "CryptoAPI (Windows' path builder) rejects or misreads such a certificate, so the \
    other servers cannot validate it in mutual TLS.";
const PORT_WHY: &str = "The conferencing servers talk to each other on fixed ports (444 between front ends \
    and the conferencing units); if the port does not answer with TLS from the conferencing service, \
    meetings and server-to-server calls fail.";
const CALIST_WHY: &str = "A Windows TLS server sends the list of CAs it accepts for client certificates; the \
    calling server only offers a certificate from one of those CAs, so a wrong list makes mutual TLS fail \
    without any certificate being sent.";
const REV_WHY: &str = "Windows checks revocation for server-to-server certificates: a revoked certificate, \
    or revocation lists no server can read, make the other side refuse the connection.";
const HTTP_WHY: &str = "On the conferencing port the MCU factory endpoint must answer, only over mutual TLS; \
    another web site there (often an IIS site bound to 444) takes the traffic meant for the conferencing \
    service.";
const STORE_WHY: &str = "The computer's certificate stores decide what a server trusts and which CA list \
    Schannel sends; a damaged store breaks mutual TLS with every partner at once.";
const POOL_WHY: &str = "Every front end of a pool calls every other with mutual TLS; one pair that does not \
    trust each other gives failures that seem random (they depend on which server handles the call).";
const FEDERATION_WHY: &str = "Edge servers find a partner's access edge through the partner's \
    `_sipfederationtls._tcp` SRV record and connect to its target on port 5061 with mutual TLS: a missing \
    record or an unreachable target breaks open federation and public IM connectivity with that domain.";
const PASS_WHY: &str = "A check that passed: one cause fewer to look at.";
const PASS_FIX: &str = "Nothing to do.";
const VERIFY_FIX: &str = "Check the chain as Windows does with `certutil -verify -urlfetch` and replace the \
    certificate (or CA) that breaks the rule; reissue from a CA that follows RFC 5280.";

/// The catalogue. Order: certificates and paths, remote, revocation, local machine, logs, pool.
const ENTRIES: &[Entry] = &[
    Entry(
        ids::CERT_EXPIRED,
        "fail",
        3,
        "a certificate in the path is past its end date",
        DATE_WHY,
        "Renew the certificate (or the expired CA) and assign the new one to the service; restart the services.",
    ),
    Entry(
        ids::CERT_NOT_YET_VALID,
        "fail",
        3,
        "a certificate in the path starts in the future (or the clock is behind)",
        DATE_WHY,
        "Check the server's clock and time source (w32tm /query /status); otherwise wait for the start date or reissue.",
    ),
    Entry(
        ids::CERT_EXPIRES_SOON,
        "warn",
        3,
        "a certificate in the path expires within 30 days",
        "When it expires, every server-to-server connection that uses it fails on the same day.",
        "Request and assign the renewed certificate now, before the end date.",
    ),
    Entry(
        ids::CERT_NAME_MISMATCH,
        "fail",
        3,
        "an `--expect-name` is not on the certificate",
        "The calling server checks that the certificate names the FQDN (or pool FQDN) it called; a missing name ends the TLS connection.",
        "Reissue the certificate with the FQDN and the pool FQDN in its Subject Alternative Name.",
    ),
    Entry(
        ids::CERT_NAME_MATCH,
        "pass",
        3,
        "every `--expect-name` is on the certificate",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::CERT_WILDCARD_SAN,
        "warn",
        3,
        "the SAN has a wildcard (OCS 2007 R2 services do not start with one)",
        "Server-to-server names are matched exactly; OCS 2007 R2 services do not start with a wildcard certificate.",
        "Use a certificate that lists each FQDN in its SAN.",
    ),
    Entry(
        ids::CERT_SERVER_AUTH_MISSING,
        "fail",
        5,
        "the certificate's EKU lacks Server Authentication",
        PURPOSE_WHY,
        "Request a certificate from a template with Server Authentication (and Client Authentication).",
    ),
    Entry(
        ids::CERT_CLIENT_AUTH_MISSING,
        "fail",
        5,
        "the certificate's EKU lacks Client Authentication (needed for server-to-server MTLS since May 2017)",
        PURPOSE_WHY,
        "Request a certificate with Client Authentication too (Request-CsCertificate -ClientEKU $true), assign it and restart the services.",
    ),
    Entry(
        ids::CERT_WEAK_SIGNATURE,
        "fail (MD5) / warn (SHA-1)",
        4,
        "a certificate is signed with MD5 or SHA-1 (a root's own signature is not judged)",
        "Current Windows releases and partners refuse MD5 and increasingly SHA-1 signatures in TLS.",
        "Reissue the certificate (and CA) with SHA-256.",
    ),
    Entry(
        ids::CERT_WEAK_KEY,
        "warn (1024–2047 bits) / fail (< 1024)",
        3,
        "an RSA key shorter than 2048 bits",
        "Short RSA keys are refused by current Windows TLS settings and by federation partners.",
        "Request a new certificate with a 2048-bit (or longer) RSA key.",
    ),
    Entry(
        ids::CHAIN_CA_RESTRICTS_SERVER_AUTH,
        "fail",
        5,
        "a CA in the path does not allow Server Authentication",
        PURPOSE_WHY,
        "In MMC (Certificates, computer account), open the CA's Properties and allow all purposes (or add Server Authentication); or fix the CA certificate's EKU.",
    ),
    Entry(
        ids::CHAIN_CA_RESTRICTS_CLIENT_AUTH,
        "fail",
        5,
        "a CA in the path does not allow Client Authentication",
        PURPOSE_WHY,
        "In MMC (Certificates, computer account), open the CA's Properties and allow all purposes (or add Client Authentication); or fix the CA certificate's EKU.",
    ),
    Entry(
        ids::CHAIN_INCOMPLETE,
        "fail",
        4,
        "an issuer in the path could not be found",
        TRUST_WHY,
        "Import the issuing CA into Intermediate Certification Authorities (computer account), or have the server send the whole chain.",
    ),
    Entry(
        ids::CHAIN_UNTRUSTED_ROOT,
        "fail / warn",
        4,
        "the path ends at a root that is not a trust anchor (warn when no `--ca` / `--system-roots` was given at all)",
        TRUST_WHY,
        "Import the root CA into Trusted Root Certification Authorities (computer account) on every server that must trust it.",
    ),
    Entry(
        ids::CHAIN_BAD_SIGNATURE,
        "fail",
        4,
        "a signature in the path does not verify",
        TRUST_WHY,
        "The certificate was not issued by the CA it names (a renewed or impostor CA): get the right issuer, or reissue.",
    ),
    Entry(
        ids::CHAIN_ISSUER_NOT_CA,
        "fail",
        4,
        "a certificate was signed by a certificate that is not a CA",
        TRUST_WHY,
        "Reissue the certificate from a real CA (Basic Constraints CA=TRUE).",
    ),
    Entry(
        ids::CHAIN_ISSUER_KEY_USAGE,
        "fail",
        4,
        "a CA whose Key Usage leaves out Certificate Signing signed a certificate in the path",
        EXT_WHY,
        VERIFY_FIX,
    ),
    Entry(
        ids::CERT_PUBLIC_CA_NO_CLIENT_AUTH,
        "fail",
        5,
        "the certificate comes from a publicly trusted CA and its path does not allow Client Authentication, which mutual TLS needs (the 2025-2026 change: public CAs stopped issuing it)",
        PURPOSE_WHY,
        "Use a certificate from an internal (AD CS) CA with Client Authentication for server-to-server mutual TLS; the finding names the options for Edge and federation.",
    ),
    Entry(
        ids::CHAIN_PURPOSES_NOT_JUDGED,
        "info",
        5,
        "an issuer is missing, so the purposes of the whole path are unknown (never a pass; what the seen certificates restrict is still reported)",
        "Purposes were not judged: this is not an all-clear.",
        "Give the missing issuer (--ca, or the chain file) so the whole path can be judged.",
    ),
    Entry(
        ids::TLS_MTLS_UNCONFIRMED,
        "warn",
        7,
        "the mutual-TLS handshake completed but the answer is a bare 400 / 401 / 403 that does not say whether the certificate was accepted",
        "Mutual TLS was not confirmed: this is not an all-clear.",
        "On the server, read the IIS log or the conferencing service's own log for the request's sub-status.",
    ),
    Entry(
        ids::CHAIN_OK,
        "pass",
        4,
        "the path is complete, trusted, correctly signed and in date, and breaks no rule that fails",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::CHAIN_SIGNATURE_UNSUPPORTED,
        "fail",
        4,
        "a signature in the path uses an algorithm certwiz cannot verify (named): never `chain.ok`",
        "An unchecked signature is not a trusted path; the other servers may or may not accept it.",
        "Check the chain with `certutil -verify`; prefer RSA or ECDSA with SHA-256.",
    ),
    Entry(
        ids::CHAIN_NAME_CONSTRAINTS_VIOLATED,
        "fail",
        4,
        "a name is outside a CA's permitted subtrees or inside an excluded one (names the CA and the name)",
        EXT_WHY,
        "Reissue the certificate with names the CA may issue, or have the CA's name constraints changed.",
    ),
    Entry(
        ids::CHAIN_NAME_CONSTRAINTS_NOT_CHECKED,
        "warn",
        4,
        "a CA constrains URI / UPN / other names certwiz does not match and the certificate has such names: never `chain.ok`",
        EXT_WHY,
        "Confirm with `certutil -verify` on a Windows server.",
    ),
    Entry(
        ids::CHAIN_PATH_LENGTH_EXCEEDED,
        "fail",
        4,
        "more CAs under a CA than its pathLenConstraint allows",
        EXT_WHY,
        VERIFY_FIX,
    ),
    Entry(
        ids::CERT_UNKNOWN_CRITICAL_EXTENSION,
        "fail",
        3,
        "a critical extension neither certwiz nor CryptoAPI understands",
        EXT_WHY,
        VERIFY_FIX,
    ),
    Entry(
        ids::CERT_MALFORMED_EXTENSION,
        "fail / warn",
        3,
        "an extension that cannot be read: fail when it cannot be decoded and is critical or read by path validation; warn for a SAN entry that names nothing or an unread non-critical extension",
        EXT_WHY,
        VERIFY_FIX,
    ),
    Entry(
        ids::CERT_DUPLICATE_EXTENSION,
        "warn",
        3,
        "the same extension twice (CryptoAPI reads the first)",
        EXT_WHY,
        VERIFY_FIX,
    ),
    Entry(
        ids::CERT_INVALID_SERIAL,
        "warn",
        3,
        "a serial number that is zero, negative or longer than 20 bytes (CryptoAPI accepts it)",
        "Windows accepts it, but other TLS stacks (federation partners, OpenSSL-based gateways) may not.",
        VERIFY_FIX,
    ),
    Entry(
        ids::CERT_AKI_CRITICAL,
        "warn",
        3,
        "the Authority Key Identifier is marked critical (CryptoAPI accepts it, OpenSSL does not)",
        "Windows accepts it, but OpenSSL-based partners refuse it.",
        VERIFY_FIX,
    ),
    Entry(
        ids::CHAIN_AKI_MISMATCH,
        "warn",
        4,
        "the issuer the Authority Key Identifier names is missing, but a CA of that name with another key is present (renewed or rebuilt CA); beside `chain.incomplete`",
        TRUST_WHY,
        "Import the CA certificate with the key that signed this certificate (the older or newer CA certificate) into Intermediate or Trusted Root.",
    ),
    Entry(
        ids::CERT_CA_AS_END_ENTITY,
        "warn",
        3,
        "a CA certificate examined for a server name (`--expect-name`)",
        "A server's TLS certificate should be an end-entity certificate; a CA certificate in its place is usually the wrong file.",
        "Pick the server's own certificate (Personal store, with its private key).",
    ),
    Entry(
        ids::CHAIN_PURPOSES_OK,
        "pass",
        5,
        "every certificate in the path allows the purposes asked (`--purpose`; both by default)",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::CERT_PRESENTED_IS_LOCAL,
        "pass",
        6,
        "(`check --cert`) the server presents the local certificate",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::CERT_PRESENTED_DIFFERS,
        "warn",
        6,
        "(`check --cert`) the server presents another certificate",
        "The service may be bound to an old certificate, or another application answers on the port.",
        "Assign the intended certificate to the service (Set-CsCertificate) or find what owns the port.",
    ),
    Entry(
        ids::PORT_OPEN,
        "pass",
        6,
        "the TCP port accepted the connection",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::PORT_DNS_FAILED,
        "fail",
        2,
        "HOST does not resolve",
        "Servers find each other by FQDN; a name that does not resolve means no connection at all.",
        "Check the DNS record (nslookup) and the name typed.",
    ),
    Entry(
        ids::PORT_CLOSED,
        "fail",
        6,
        "the port refused the connection",
        PORT_WHY,
        "Start the conferencing service, or open the port in the server's firewall.",
    ),
    Entry(
        ids::PORT_TIMEOUT,
        "fail",
        6,
        "no TCP answer (or the address is unreachable)",
        PORT_WHY,
        "Check firewalls and routing between the servers (Test-NetConnection).",
    ),
    Entry(
        ids::PORT_SILENT,
        "fail",
        6,
        "TCP open but no (complete) TLS answer within the timeout",
        PORT_WHY,
        "Find what listens on the port (netstat -ano) and whether the service is hung.",
    ),
    Entry(
        ids::PORT_NOT_TLS,
        "fail",
        6,
        "what answers is not TLS (says what it is)",
        PORT_WHY,
        "Find the application that owns the port and move it away from the conferencing port.",
    ),
    Entry(
        ids::TLS_LEGACY_ONLY,
        "warn",
        7,
        "the server speaks only TLS 1.0 / 1.1",
        "Partners and current Windows releases turn TLS 1.0 / 1.1 off; the connection fails once they do.",
        "Enable TLS 1.2 on the server (Schannel registry settings, and the OS / .NET updates it needs).",
    ),
    Entry(
        ids::TLS_HANDSHAKE_FAILED,
        "fail",
        7,
        "the handshake failed before any client-certificate question (alert, garbage, oversized message)",
        PORT_WHY,
        "Find what owns the port and check its TLS settings and certificate binding.",
    ),
    Entry(
        ids::TLS_NO_CLIENT_CERT_REQUEST,
        "fail on conferencing ports / info elsewhere",
        7,
        "the server does not ask for a client certificate",
        HTTP_WHY,
        "On a conferencing port this is usually another web site: find and move it (netstat, Get-WebBinding).",
    ),
    Entry(
        ids::TLS_CLIENT_CA_LIST_EMPTY,
        "warn",
        7,
        "the CertificateRequest names no CA",
        CALIST_WHY,
        "Usually Schannel's list was cut (too many roots) or switched off (SendTrustedIssuerList=0): clean up Trusted Root.",
    ),
    Entry(
        ids::TLS_CLIENT_CA_LIST_INCLUDES_ISSUER,
        "pass",
        7,
        "the CA list names a CA of our client certificate",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::TLS_CLIENT_CA_LIST_EXCLUDES_ISSUER,
        "fail",
        7,
        "the CA list names none of our client certificate's CAs",
        CALIST_WHY,
        "Import our client certificate's root CA into the server's Trusted Root store, or trim its Trusted Root so the list is not cut.",
    ),
    Entry(
        ids::TLS_CLIENT_CERT_REJECTED,
        "fail",
        7,
        "the server rejected our client certificate with an alert (named)",
        TRUST_WHY,
        "On the server: make it trust our certificate's chain, and check the certificate's Client Authentication purpose.",
    ),
    Entry(
        ids::TLS_REMOTE_CLOSED,
        "fail",
        7,
        "the server closed the connection mid-handshake (\"ReceiveFailure\")",
        TRUST_WHY,
        "Schannel on the server dropped the connection: check its System event log (Schannel events) and its trust of our chain.",
    ),
    Entry(
        ids::TLS_MTLS_OK,
        "pass",
        7,
        "mutual TLS works and the server answered",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::SIP_OPTIONS_OK,
        "pass",
        6,
        "a SIP server answered certwiz's OPTIONS with 2xx on a SIP port (5061, 5062, 5067, 5068 or --protocol sip); the detail names the answering product (Server / User-Agent) and any ms-diagnostics",
        "Front ends, Directors, Edges, Mediation servers and SBCs talk SIP over mutual TLS; an answer to OPTIONS (the SIP ping they use themselves) with our certificate shows the whole path works, TLS and SIP.",
        PASS_FIX,
    ),
    Entry(
        ids::SIP_ERROR_RESPONSE,
        "fail (warn for 3xx, 405, 420, 501)",
        6,
        "a SIP server answered certwiz's OPTIONS with a 3xx-6xx status; the detail says what the code means (403 from an Edge: the calling domain may not federate; 401: the caller is not a trusted server; 503: the server or its pool is down) and the ms-diagnostics in words",
        "A good mutual TLS handshake followed by a SIP refusal is not a certificate problem: federation policy, the topology (trusted servers and applications) or a pool that is down. Looking at certificates would waste the day.",
        "Read the ms-diagnostics code and the server's log. Edge: Get-CsAllowedDomain, Get-CsAccessEdgeConfiguration (AllowFederatedUsers, EnablePartnerDiscovery). Front end / Director: Get-CsPool, Get-CsTrustedApplication for the calling server.",
    ),
    Entry(
        ids::SIP_NOT_SIP,
        "fail",
        6,
        "certwiz spoke SIP on the port and got something else back: an HTTP answer, an HTML page, other bytes, or nothing at all after the TLS handshake (a close without a SIP answer and without a TLS alert)",
        "A SIP port where a web server (or nothing that speaks SIP) answers breaks every SIP connection to it, whatever the certificates; and a SIP server that drops the request is not a certificate rejection unless a TLS alert says so.",
        "Find what listens on the port (netstat -ano, netsh http show sslcert) and move it off; if the port is meant to speak HTTP, check again with --protocol http. Otherwise read the SIP server's log (OCSLogger / CLS SIPStack) for the dropped request.",
    ),
    Entry(
        ids::TLS_MTLS_ERROR,
        "fail",
        7,
        "mutual TLS could not be tried (the key does not belong to the certificate, ...)",
        "Without a working client certificate the mutual TLS step is not tested at all.",
        "Give the matching certificate and key (or the PFX) and try again.",
    ),
    Entry(
        ids::HTTP_WEB_SITE_ANSWERING,
        "fail",
        6,
        "an HTML page answers where the conferencing endpoint should",
        HTTP_WHY,
        "Remove the other site's binding from the port (Get-WebBinding / Remove-WebBinding) and restart the front-end services.",
    ),
    Entry(
        ids::HTTP_HTML_OVER_MTLS,
        "warn",
        6,
        "an HTML page answers, but only over mutual TLS",
        HTTP_WHY,
        "Check that the page is the conferencing service's own, not another site bound to the port.",
    ),
    Entry(
        ids::HTTP_MCU_ENDPOINT_OK,
        "pass",
        6,
        "the endpoint answers over mutual TLS without a web page",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::HTTP_REQUIRES_CLIENT_CERTIFICATE,
        "pass",
        6,
        "without a client certificate the endpoint refuses",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::HTTP_REDIRECT,
        "warn",
        6,
        "the URL redirects (reported, not followed)",
        HTTP_WHY,
        "Check the path (--path) and what serves the port.",
    ),
    Entry(
        ids::HTTP_BODY_CAPPED,
        "info",
        6,
        "the body was longer than 1 MiB and was cut",
        "Only the first part of the answer was read; the judgement is on that part.",
        PASS_FIX,
    ),
    Entry(
        ids::CHAIN_INTERMEDIATE_FETCHED,
        "warn",
        4,
        "(`--fetch`) a missing issuer was downloaded from the AIA URL and completes the path",
        TRUST_WHY,
        "Install the intermediate on the server (Intermediate Certification Authorities) so it does not depend on the AIA URL.",
    ),
    Entry(
        ids::REVOCATION_OK,
        "pass",
        4,
        "(`--fetch`) a valid CRL or OCSP answer says the certificate is not revoked",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::REVOCATION_REVOKED,
        "fail",
        4,
        "(`--fetch`) a valid CRL or OCSP answer lists the certificate as revoked (date, reason)",
        REV_WHY,
        "Request and assign a new certificate; restart the services.",
    ),
    Entry(
        ids::REVOCATION_OFFLINE,
        "fail",
        4,
        "(`--fetch`) no CRL distribution point or OCSP responder gave a usable answer (each URL and what happened)",
        REV_WHY,
        "Make the CDP / OCSP URLs reachable from the servers (certutil -url), or publish the CRL where they can read it.",
    ),
    Entry(
        ids::REVOCATION_CRL_EXPIRED,
        "fail",
        4,
        "(`--fetch`) the only CRLs found are past their next update (or published after the time judged at: a clock behind)",
        REV_WHY,
        "On the CA: publish a new CRL (certutil -crl) and copy it to every distribution point.",
    ),
    Entry(
        ids::REVOCATION_CRL_BAD_SIGNATURE,
        "fail",
        4,
        "(`--fetch`) a CRL (or OCSP answer) is not signed by the certificate's CA",
        REV_WHY,
        "Publish the CRL signed by the right CA key (certutil -crl on the issuing CA).",
    ),
    Entry(
        ids::REVOCATION_NO_CDP,
        "warn",
        4,
        "(`--fetch`) the certificate names no CRL distribution point and no OCSP responder",
        REV_WHY,
        "Reissue from a CA that puts CDP and AIA URLs into its certificates.",
    ),
    Entry(
        ids::REVOCATION_NOT_CHECKED,
        "info",
        4,
        "(`check --fetch`) the server presented no readable chain, so nothing was checked",
        "Revocation was not judged: this is not an all-clear.",
        "Fix what stopped the chain from being read first.",
    ),
    Entry(
        ids::REVOCATION_LDAP_NOT_CHECKED,
        "info",
        4,
        "(`--fetch`) only LDAP distribution points, which need a domain member (`certutil -url`)",
        "Revocation was not judged: this is not an all-clear.",
        "Run certutil -url on a domain member to test the LDAP URLs.",
    ),
    Entry(
        ids::PORT_OWNED_BY_WEB_SERVER,
        "fail",
        6,
        "(`port-owner`) a web server process listens on the port the conferencing service must own",
        HTTP_WHY,
        "Remove the web site's binding from the port (Get-WebBinding / Remove-WebBinding) and restart the front-end services.",
    ),
    Entry(
        ids::PORT_OWNER,
        "info",
        6,
        "(`port-owner`) who listens on the port (or that nothing visible does)",
        "Knowing the owner of the port tells whether the conferencing service or another application answers.",
        PASS_FIX,
    ),
    Entry(
        ids::STORE_ROOT_LIST_TOO_LONG,
        "fail (over 16 KB of names) / warn (over ~100 roots)",
        7,
        "(`root-store`) Schannel cuts the CA list it sends",
        CALIST_WHY,
        "Remove roots the server does not need from Trusted Root, or set SendTrustedIssuerList=0 (Microsoft KB 933430).",
    ),
    Entry(
        ids::STORE_NON_ROOT_IN_ROOT,
        "fail",
        4,
        "(`root-store`) a certificate in Trusted Root is not self-signed",
        STORE_WHY,
        "Move the certificate to Intermediate Certification Authorities (Windows Server 2012 and later refuse mutual TLS with it there).",
    ),
    Entry(
        ids::STORE_DUPLICATE_ROOTS,
        "warn",
        4,
        "(`root-store`) the same root is in the store more than once",
        STORE_WHY,
        "Delete the extra copies from Trusted Root.",
    ),
    Entry(
        ids::STORE_EXPIRED_ROOTS,
        "info",
        4,
        "(`root-store`) roots past their end date",
        STORE_WHY,
        "Remove expired roots nothing chains to any more.",
    ),
    Entry(
        ids::STORE_OK,
        "pass",
        4,
        "(`root-store`) within the limits and clean",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::STORE_CA_PURPOSES_RESTRICTED,
        "warn",
        5,
        "(`store`) a CA's purpose setting in the store leaves out Server or Client Authentication",
        PURPOSE_WHY,
        "In MMC (Certificates, computer account), open the CA's Properties and choose \"Enable all purposes for this certificate\".",
    ),
    Entry(
        ids::STORE_NO_SERVER_CERTIFICATE,
        "warn",
        3,
        "(`store`) no certificate with its private key, Server Authentication and in date",
        STORE_WHY,
        "Request and assign a server certificate (Request-CsCertificate / the Certificate Wizard).",
    ),
    Entry(
        LOG_NO_SIGNALS,
        "info",
        1,
        "(`logs`) nothing known was found in the text (the verdict is `unknown`, never pass)",
        "Nothing was judged: this is not an all-clear.",
        "Paste more of the log (the whole event, with its ID and source) or run the checks.",
    ),
    Entry(
        ids::POOL_MTLS_WOULD_FAIL,
        "fail",
        9,
        "(`pool`) a member would reject another's certificate in mutual TLS (names both and why)",
        POOL_WHY,
        "Make each member trust the others' issuing chain (Trusted Root / Intermediate) and give each a certificate with Client Authentication.",
    ),
    Entry(
        ids::POOL_TRUST_ASYMMETRIC,
        "info",
        9,
        "(`pool`) one member accepts another, which rejects it: a note beside the `pool.mtls-would-fail` that counts the problem once",
        POOL_WHY,
        "Compare the Trusted Root stores of the two members and import the missing root on the one that rejects.",
    ),
    Entry(
        ids::POOL_MTLS_OK,
        "pass",
        9,
        "(`pool`) every member that answered accepts every other",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::POOL_MEMBER_UNKNOWN,
        "fail",
        9,
        "(`pool`) a member answered TLS but its certificate could not be read",
        POOL_WHY,
        "Check that member on its own (certwiz check).",
    ),
    Entry(
        ids::POOL_TRUST_NOT_JUDGED,
        "info",
        9,
        "(`pool`) no `--ca`: the acceptable-CA lists alone decided",
        "The members' trust stores were not given, so the matrix is decided on the CA lists they send.",
        "Give the pool's root CAs with --ca for a full judgement.",
    ),
    Entry(
        ids::POOL_TOO_FEW_MEMBERS,
        "info",
        9,
        "(`pool`) fewer than two members were given: no pair to judge",
        "Nothing was judged: this is not an all-clear.",
        "Give every front end of the pool.",
    ),
    Entry(
        ids::POOL_CANCELLED,
        "info",
        9,
        "(`pool`) cancelled before every member was probed",
        "Nothing unfinished was judged: this is not an all-clear.",
        "Run the pool check again to the end.",
    ),
    Entry(
        ids::FEDERATION_NO_SRV_RECORD,
        "fail",
        6,
        "(`federation`) the partner's domain publishes no `_sipfederationtls._tcp` SRV record",
        FEDERATION_WHY,
        "Publish `_sipfederationtls._tcp.<SIP domain>` (priority, weight, port 5061, target = the access edge FQDN) in the public DNS zone; until then a partner can federate only with the access edge named by hand (an allowed domain with its Access Edge FQDN).",
    ),
    Entry(
        ids::FEDERATION_DNS_FAILED,
        "fail",
        6,
        "(`federation`) DNS did not answer the SRV lookup (timeout, SERVFAIL, REFUSED): nothing was checked",
        "Without the SRV answer certwiz does not know where the partner's access edge is: this is not an all-clear, and a DNS that does not answer the Edge server breaks federation the same way.",
        "Check the DNS server certwiz asked (--dns-server, or this computer's): Resolve-DnsName -Type SRV _sipfederationtls._tcp.<domain> -Server <dns>; on the Edge server, check the external DNS servers it uses.",
    ),
    Entry(
        ids::FEDERATION_SRV_TARGET_UNRESOLVABLE,
        "fail",
        6,
        "(`federation`) an SRV target's name has no address: that access edge was not checked",
        FEDERATION_WHY,
        "Publish an A (or AAAA) record for the target name in the public zone, or fix the SRV record to name the access edge FQDN that has one; --resolve NAME=IP checks it meanwhile.",
    ),
    Entry(
        ids::FEDERATION_CERTIFICATE_NAMES,
        "info",
        6,
        "(`federation`) which of the SRV target name and the SIP domain the target's certificate names",
        "A federating Edge server connects to the SRV target and checks that the certificate names it (cert.name-mismatch when not); the SIP domain itself is usually not in the certificate, and need not be.",
        "Nothing to do when the SRV target name matched; otherwise see cert.name-mismatch.",
    ),
    Entry(
        ids::FEDERATION_TARGETS_NOT_CHECKED,
        "warn",
        6,
        "(`federation`) more SRV targets than certwiz checks at once: the rest were not checked",
        "An unchecked target is not an all-clear: a partner may be sent there.",
        "Check the remaining targets with certwiz check TARGET:PORT.",
    ),
    Entry(
        ids::FEDERATION_OK,
        "pass",
        6,
        "(`federation`) every SRV target resolved, was checked, and none had a failure",
        PASS_WHY,
        PASS_FIX,
    ),
    Entry(
        ids::DIRECT_ROUTING_ROOTS_MISSING,
        "fail",
        7,
        "(`check --direct-routing`) the SBC's trust anchors lack a root Microsoft's SIP proxies use since 2026",
        "Teams Direct Routing: Microsoft's SIP proxies present serverAuth-only certificates from DigiCert and Microsoft 2017 roots since the 2026 rotation (full enforcement June 2026); an SBC doing mutual TLS that does not trust one of them fails the handshake and calls stop.",
        "Import each missing root (names and SHA-1 thumbprints in the finding, list in assets/direct-routing-roots.toml) into the SBC's trusted roots for the Teams interface.",
    ),
    Entry(
        ids::DIRECT_ROUTING_ROOTS_PRESENT,
        "pass",
        7,
        "(`check --direct-routing`) the SBC's trust anchors hold every root Microsoft's SIP proxies use since 2026",
        PASS_WHY,
        PASS_FIX,
    ),
];

/// The catalogue as a Markdown table (the committed catalogue page is this text).
pub fn markdown_table() -> String {
    let mut out = String::from("| id | severity | step | when |\n| --- | --- | --- | --- |\n");
    for x in all() {
        out.push_str(&format!(
            "| `{}` | {} | {} {} | {} |\n",
            x.id,
            x.severity,
            x.step,
            x.step_name,
            x.meaning.replace('|', "\\|")
        ));
    }
    out.push_str(
        "| `log.<signal>` | from the knowledge base | 1 What happened | a recognised event, code or phrase (`certwiz explain log.<signal>`; the list is `certwiz explain --list`) |\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `pub const` in `engine::finding::ids`, read from the source so a new id cannot be missed.
    fn declared_ids() -> Vec<String> {
        let src = include_str!("finding.rs");
        src.lines()
            .filter_map(|l| {
                let l = l.trim();
                if !l.starts_with("pub const ") || !l.contains(": &str = \"") {
                    return None;
                }
                let start = l.find('"')? + 1;
                let end = l[start..].find('"')? + start;
                Some(l[start..end].to_owned())
            })
            .collect()
    }

    #[test]
    fn every_declared_id_has_an_entry() {
        let ids = declared_ids();
        assert!(ids.len() > 70, "read {} ids", ids.len());
        let missing: Vec<_> = ids.iter().filter(|id| explain(id).is_none()).collect();
        assert!(missing.is_empty(), "no catalogue entry for {missing:?}");
    }

    #[test]
    fn no_entry_twice_and_every_entry_complete() {
        let all = all();
        let mut seen = std::collections::BTreeSet::new();
        for x in &all {
            assert!(seen.insert(x.id.clone()), "{} twice", x.id);
            assert!(
                !x.meaning.is_empty() && !x.why.is_empty() && !x.fix.is_empty(),
                "{}",
                x.id
            );
            assert!(!x.step_name.is_empty(), "{} has no wizard step", x.id);
        }
    }

    #[test]
    fn failures_with_a_fix_command_carry_it() {
        let x = explain("http.web-site-answering").expect("entry");
        assert!(
            x.commands
                .iter()
                .any(|c| c.command.contains("Get-WebBinding -Port 444"))
        );
        assert_eq!(x.step, 6);
        assert_eq!(x.step_name, "Port");
    }

    #[test]
    fn log_signals_are_explained_from_the_knowledge_base() {
        let x = explain("log.event-61030").expect("log.event-61030 is in assets/knowledge.toml");
        assert!(!x.fix.is_empty());
        assert!((1..=9).contains(&x.step));
        assert!(log_ids().contains(&"log.event-61030".to_owned()));
        assert!(explain("log.no-such-thing").is_none());
        assert!(explain("chain.nonsense").is_none());
    }
}
