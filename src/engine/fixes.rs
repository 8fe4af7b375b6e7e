//! Copyable commands for findings: the Windows commands an admin runs to confirm or fix what a finding
//! says (`netstat`, `netsh http`, `Get-WebBinding`, `certutil`, `Request-CsCertificate -ClientEKU`,
//! restarting the front-end services). One catalogue, keyed by finding id (and by wizard step for log
//! findings), so the CLI, the GUI and reports show the same commands. certwiz never runs them: they are
//! text to copy, with placeholders (`server.cer`, the site name) where only the admin knows the value.

pub use crate::engine::finding::{CommandKind, FixCommand};
use crate::engine::finding::{Finding, Severity, ids};

/// What the commands can be filled in with.
#[derive(Debug, Clone, Default)]
pub struct FixContext {
    /// The server checked.
    pub host: Option<String>,
    /// Its port (444 when unknown).
    pub port: Option<u16>,
    /// The IIS site holding the port, when the port answer named it.
    pub site: Option<String>,
    /// What the certification path showed: the certificate, its CAs, a missing issuer.
    pub path: PathValues,
}

/// A certificate as the commands name it: its short name and, when certwiz saw it, its SHA-1
/// thumbprint (what `certutil -store` and `Cert:\` paths take).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertificateValues {
    /// The short name MMC shows in "Issued To".
    pub name: String,
    /// SHA-1 thumbprint, upper-case hex (`None` when certwiz did not see the certificate itself).
    pub thumbprint: Option<String>,
}

impl CertificateValues {
    /// The file the commands export it to and import it from: its name, made safe for a file name.
    pub fn file(&self) -> String {
        let safe: String = self
            .name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{}.cer", safe.trim())
    }

    fn of(c: &crate::engine::cert::CertificateFacts) -> CertificateValues {
        CertificateValues {
            name: c.display_name.clone(),
            thumbprint: Some(c.thumbprint_sha1.clone()),
        }
    }
}

/// The values of a certification path the commands are filled with (all `None` when no path was
/// built: the commands then carry placeholders).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathValues {
    /// The certificate itself (the path's end).
    pub leaf: Option<CertificateValues>,
    /// The CA that issued it, when that CA is in the path and is not the root.
    pub issuing: Option<CertificateValues>,
    /// The top of the path when it is a self-signed root.
    pub root: Option<CertificateValues>,
    /// The issuer the path stops at, when it is missing (its short name; no thumbprint).
    pub missing_issuer: Option<CertificateValues>,
    /// Whether that missing issuer is most likely a root: what it issued is itself a CA.
    pub missing_issuer_is_root: bool,
    /// Where the certificates say their issuer can be downloaded (the first http URL).
    pub issuer_url: Option<String>,
    /// Every CA of the path, root first, by SHA-256 thumbprint (how a finding names its
    /// certificate), and whether it is a self-signed root.
    pub cas: Vec<(String, CertificateValues, bool)>,
}

impl PathValues {
    /// The values of `path`.
    pub fn of(path: &crate::engine::path::CertificationPath) -> PathValues {
        let nodes = &path.nodes;
        let leaf = path.leaf().map(|n| CertificateValues::of(&n.certificate));
        let root = nodes
            .first()
            .filter(|n| n.certificate.self_signed && nodes.len() > 1)
            .map(|n| CertificateValues::of(&n.certificate));
        let issuing = nodes
            .len()
            .checked_sub(2)
            .and_then(|i| nodes.get(i))
            .filter(|n| !n.certificate.self_signed)
            .map(|n| CertificateValues::of(&n.certificate));
        let missing_issuer = path.missing_issuer.as_ref().map(|m| CertificateValues {
            name: common_name(&m.issuer),
            thumbprint: None,
        });
        let http = |urls: &[String]| {
            urls.iter()
                .find(|u| u.starts_with("http://") || u.starts_with("https://"))
                .cloned()
        };
        let issuer_url = path
            .missing_issuer
            .as_ref()
            .and_then(|m| http(&m.aia_ca_issuers))
            .or_else(|| {
                path.leaf()
                    .and_then(|n| http(&n.certificate.aia_ca_issuers))
            });
        let cas = nodes
            .iter()
            .take(nodes.len().saturating_sub(1))
            .map(|n| {
                (
                    n.certificate.sha256.clone(),
                    CertificateValues::of(&n.certificate),
                    n.certificate.self_signed,
                )
            })
            .collect();
        PathValues {
            cas,
            leaf,
            issuing,
            root,
            missing_issuer,
            missing_issuer_is_root: nodes.first().is_some_and(|n| n.certificate.is_ca),
            issuer_url,
        }
    }
}

/// The common name of a distinguished name as certwiz writes it ("CN=Lab CA, O=Lab"), or the whole
/// name when it has none.
fn common_name(dn: &str) -> String {
    dn.split(", ")
        .find_map(|part| part.strip_prefix("CN="))
        .unwrap_or(dn)
        .to_owned()
}

impl FixContext {
    /// The context for the commands of a path's findings.
    pub fn of_path(path: &crate::engine::path::CertificationPath) -> FixContext {
        FixContext {
            path: PathValues::of(path),
            ..FixContext::default()
        }
    }
}

/// Placeholder for the server's name when it is not known: angle brackets, so that pasted as is
/// the command fails instead of acting on an example server.
pub const HOST_PLACEHOLDER: &str = "<server FQDN>";
/// Placeholder for the IIS site's name when the port answer did not name it.
pub const SITE_PLACEHOLDER: &str = "<IIS site name>";

impl FixCommand {
    /// What it does, as reports print it: a fix says so first ("FIX: ..."), a command that only
    /// confirms the problem does not; then what replaces each placeholder the purpose does not
    /// already explain (reports have no line under a Copy button).
    pub fn heading(&self) -> String {
        let mut out = self.title();
        for placeholder in self.placeholders() {
            if !self.purpose.contains(placeholder) {
                out.push_str(&format!(
                    "; replace {placeholder} with {}",
                    placeholder_meaning(placeholder)
                ));
            }
        }
        out
    }

    /// What it does, without the placeholder notes: "FIX: " first for a fix (the GUI says what
    /// replaces a placeholder under the Copy button).
    pub fn title(&self) -> String {
        match self.kind {
            CommandKind::Fix => format!("FIX: {}", self.purpose),
            CommandKind::Diagnose => self.purpose.clone(),
        }
    }

    /// The placeholders in angle brackets the admin must replace before the command runs
    /// ("<IIS site name>"), in order, each once.
    pub fn placeholders(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut rest = self.command.as_str();
        while let Some(start) = rest.find('<') {
            let Some(len) = rest[start..].find('>') else {
                break;
            };
            let found = &rest[start..=start + len];
            // "<" and ">" inside a word are comparisons or redirections, not placeholders.
            if found.len() > 2 && !found.contains('\n') && !out.contains(&found) {
                out.push(found);
            }
            rest = &rest[start + len + 1..];
        }
        out
    }
}

fn cmd(purpose: &str, command: String) -> FixCommand {
    FixCommand {
        purpose: purpose.to_owned(),
        command,
        kind: CommandKind::Diagnose,
    }
}

/// A command that changes the server: the fix itself.
fn fix(purpose: &str, command: String) -> FixCommand {
    FixCommand {
        kind: CommandKind::Fix,
        ..cmd(purpose, command)
    }
}

fn port_owner(port: u16, site: Option<&str>) -> Vec<FixCommand> {
    vec![
        cmd(
            "On the server: which process listens on the port (PID 4 is HTTP.SYS, i.e. IIS or another HTTP API site)",
            format!("netstat -ano | findstr :{port}"),
        ),
        cmd(
            "On the server: the certificate and application bound to the port in HTTP.SYS",
            format!("netsh http show sslcert ipport=0.0.0.0:{port}"),
        ),
        cmd(
            "On the server (PowerShell, WebAdministration module): which IIS site has a binding on the port",
            format!("Get-WebBinding -Port {port}"),
        ),
        match site {
            Some(site) => fix(
                "Remove that site's https binding from the port",
                format!("Remove-WebBinding -Name \"{site}\" -Port {port} -Protocol https"),
            ),
            None => fix(
                "Remove that site's https binding from the port; replace <IIS site name> with the site Get-WebBinding names (the command does not run until you do)",
                format!(
                    "Remove-WebBinding -Name \"{SITE_PLACEHOLDER}\" -Port {port} -Protocol https"
                ),
            ),
        },
        restart(),
    ]
}

fn restart() -> FixCommand {
    fix(
        "Then restart the front-end services (Lync / Skype for Business; on OCS 2007: net stop rtcsrv && net start rtcsrv)",
        "Stop-CsWindowsService; Start-CsWindowsService".to_owned(),
    )
}

/// Placeholder for a certificate file the admin exports when certwiz did not see the certificate.
pub const CERTIFICATE_FILE_PLACEHOLDER: &str = "<certificate file>";
/// Placeholder for the root CA's certificate file when certwiz did not see the root.
pub const ROOT_FILE_PLACEHOLDER: &str = "<root CA certificate file>";
/// Placeholder for the issuing CA's certificate file when certwiz did not learn its name.
pub const CA_FILE_PLACEHOLDER: &str = "<CA certificate file>";

/// What to put in place of a placeholder, in words (the GUI says it under the Copy button).
pub fn placeholder_meaning(placeholder: &str) -> &'static str {
    match placeholder {
        SITE_PLACEHOLDER => "the name of the site that Get-WebBinding -Port lists",
        HOST_PLACEHOLDER => "the server's full DNS name",
        "<pool FQDN>" => "the pool's full DNS name",
        "<CA server FQDN>" => "the CA server's DNS name, as certutil -config - -ping shows it",
        "<CA name>" => "the CA's name, as certutil -config - -ping shows it",
        CERTIFICATE_FILE_PLACEHOLDER => {
            "the certificate saved as a .cer file (MMC: Personal > Certificates > the certificate > All Tasks > Export)"
        }
        ROOT_FILE_PLACEHOLDER => {
            "the root CA certificate saved as a .cer file (MMC on a server that trusts it: Trusted Root Certification Authorities > the root > All Tasks > Export)"
        }
        CA_FILE_PLACEHOLDER => {
            "the CA certificate saved as a .cer file (from the CA, or from a server whose chain builds)"
        }
        _ => "your own value",
    }
}

/// The certificate's file in commands: the file the export command writes, or a placeholder.
fn leaf_file(ctx: &FixContext) -> String {
    ctx.path
        .leaf
        .as_ref()
        .map_or_else(|| CERTIFICATE_FILE_PLACEHOLDER.to_owned(), |l| l.file())
}

/// Export the certificate from the computer's Personal store (when certwiz saw it), then build and
/// check its chain as Windows does.
fn verify(ctx: &FixContext) -> Vec<FixCommand> {
    let mut out = export_leaf(ctx);
    out.push(cmd(
        "Build and check the chain as Windows does, fetching issuers and revocation lists",
        format!("certutil -verify -urlfetch \"{}\"", leaf_file(ctx)),
    ));
    out
}

/// On the server holding it: the certificate certwiz saw, saved to a file (without its key).
fn export_leaf(ctx: &FixContext) -> Vec<FixCommand> {
    let Some(leaf) = &ctx.path.leaf else {
        return Vec::new();
    };
    let Some(thumbprint) = &leaf.thumbprint else {
        return Vec::new();
    };
    vec![cmd(
        &format!(
            "On the server that holds \"{}\" (PowerShell): save it to a file, without its private key",
            leaf.name
        ),
        format!(
            "Export-Certificate -Cert Cert:\\LocalMachine\\My\\{thumbprint} -FilePath \"{}\"",
            leaf.file()
        ),
    )]
}

/// On the server holding it: the certificate's purposes, dates and thumbprint as Windows sees them.
fn show_leaf(ctx: &FixContext) -> Vec<FixCommand> {
    let Some(CertificateValues {
        name,
        thumbprint: Some(thumbprint),
    }) = &ctx.path.leaf
    else {
        return Vec::new();
    };
    vec![cmd(
        &format!(
            "On the server that holds \"{name}\": show it in the computer's Personal store (purposes, dates, private key)"
        ),
        format!("certutil -store My {thumbprint}"),
    )]
}

/// The untrusted root: save it where it is trusted, add it where it is not, and check.
fn add_root(ctx: &FixContext) -> Vec<FixCommand> {
    let mut out = Vec::new();
    match &ctx.path.root {
        Some(root) => {
            let file = root.file();
            let purpose = format!(
                "On a server that already trusts \"{}\" (e.g. the one presenting this certificate): save the root to a file",
                root.name
            );
            out.push(cmd(
                &purpose,
                match &root.thumbprint {
                    Some(thumbprint) => format!(
                        "Export-Certificate -Cert Cert:\\LocalMachine\\Root\\{thumbprint} -FilePath \"{file}\""
                    ),
                    // certutil finds a certificate by its common name too.
                    None => format!("certutil -store Root \"{}\" \"{file}\"", root.name),
                },
            ));
            out.push(fix(
                &format!(
                    "On every server that must trust it (as administrator): add \"{}\" to Trusted Root Certification Authorities",
                    root.name
                ),
                format!("certutil -addstore -f Root \"{file}\""),
            ));
            if let Some(thumbprint) = &root.thumbprint {
                out.push(cmd(
                    "Then, on each of them: is the root there now?",
                    format!("certutil -store Root {thumbprint}"),
                ));
            }
        }
        None => out.push(fix(
            "On every server that must trust it (as administrator): add the root CA to Trusted Root Certification Authorities",
            format!("certutil -addstore -f Root \"{ROOT_FILE_PLACEHOLDER}\""),
        )),
    }
    out.extend(verify(ctx));
    out
}

/// The missing (or downloaded) issuer: get it, install it where the chain is built and sent.
fn add_issuer(ctx: &FixContext) -> Vec<FixCommand> {
    let path = &ctx.path;
    // A downloaded intermediate is in the path now; a missing one is known by name only.
    let (issuer, is_root) = match (&path.missing_issuer, &path.issuing) {
        (Some(m), _) => (Some(m), path.missing_issuer_is_root),
        (None, Some(i)) => (Some(i), false),
        (None, None) => (None, false),
    };
    let (store, store_name) = if is_root {
        ("Root", "Trusted Root Certification Authorities")
    } else {
        ("CA", "Intermediate Certification Authorities")
    };
    let mut out = Vec::new();
    let file = match issuer {
        Some(issuer) => {
            let file = issuer.file();
            match &path.issuer_url {
                Some(url) => out.push(cmd(
                    &format!(
                        "Download \"{}\" from the address the certificate names (PowerShell)",
                        issuer.name
                    ),
                    format!("Invoke-WebRequest \"{url}\" -OutFile \"{file}\""),
                )),
                None => out.push(cmd(
                    &format!(
                        "On a machine that has \"{}\" (the CA server itself, or a server whose chain builds): save it to a file",
                        issuer.name
                    ),
                    format!(
                        "certutil -store {store} \"{}\" \"{file}\"",
                        issuer.thumbprint.as_deref().unwrap_or(&issuer.name)
                    ),
                )),
            }
            file
        }
        None => CA_FILE_PLACEHOLDER.to_owned(),
    };
    out.push(fix(
        &format!(
            "On the server that presents the certificate (so that it sends the whole chain) and on every server that must trust it: add the CA to {store_name}"
        ),
        format!("certutil -addstore -f {store} \"{file}\""),
    ));
    out.extend(verify(ctx));
    out
}
fn ca_list() -> Vec<FixCommand> {
    vec![
        cmd(
            "On the server: count the Trusted Root certificates (more than about 100 can cut the CA list it sends)",
            r"(Get-ChildItem Cert:\LocalMachine\Root).Count".to_owned(),
        ),
        cmd(
            "On the server: is the CA list switched off (SendTrustedIssuerList = 0)?",
            r#"reg query "HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL" /v SendTrustedIssuerList"#
                .to_owned(),
        ),
    ]
}

fn client_eku(ctx: &FixContext) -> Vec<FixCommand> {
    // The CA's name is what certwiz saw; its server is not, so it stays a placeholder that cannot
    // run. Never an example CA: pasted as is, it would ask a wrong CA.
    let (ca, purpose) = match &ctx.path.issuing {
        Some(issuing) => (
            format!("<CA server FQDN>\\{}", issuing.name),
            format!(
                "Lync / Skype for Business: request a new certificate that includes Client Authentication from \"{}\"; replace <CA server FQDN> with the server that CA runs on, as certutil -config - -ping shows it (the command does not run until you do), then assign it with Set-CsCertificate",
                issuing.name
            ),
        ),
        None => (
            "<CA server FQDN>\\<CA name>".to_owned(),
            "Lync / Skype for Business: request a new certificate that includes Client Authentication; replace <CA server FQDN>\\<CA name> with your issuing CA as certutil -config - -ping names it (the command does not run until you do), then assign it with Set-CsCertificate".to_owned(),
        ),
    };
    let mut out = show_leaf(ctx);
    out.push(fix(
        &purpose,
        format!(
            "Request-CsCertificate -New -Type Default,WebServicesInternal -CA \"{ca}\" -ClientEKU $true"
        ),
    ));
    out.push(restart());
    out
}

fn url_tool(ctx: &FixContext) -> Vec<FixCommand> {
    let mut out = export_leaf(ctx);
    out.push(cmd(
        "On the server: retrieve every CRL, OCSP and AIA URL of the certificate and see which answer (LDAP ones too, from a domain member)",
        format!("certutil -url \"{}\"", leaf_file(ctx)),
    ));
    out
}

fn reach(host: &str, port: u16) -> FixCommand {
    cmd(
        "From the calling server: can it reach the port at all?",
        format!("Test-NetConnection {host} -Port {port}"),
    )
}

/// The commands for a finding id (empty where no command helps, e.g. passes).
pub fn commands_for(id: &str, ctx: &FixContext) -> Vec<FixCommand> {
    let port = ctx.port.unwrap_or(crate::engine::ports::DEFAULT_PORT);
    let host = ctx.host.as_deref().unwrap_or(HOST_PLACEHOLDER);
    let site = ctx.site.as_deref();
    match id {
        ids::HTTP_WEB_SITE_ANSWERING
        | ids::TLS_NO_CLIENT_CERT_REQUEST
        | ids::HTTP_HTML_OVER_MTLS
        | ids::PORT_NOT_TLS
        | ids::TLS_HANDSHAKE_FAILED
        | ids::PORT_OWNED_BY_WEB_SERVER => port_owner(port, site),
        ids::CHAIN_UNTRUSTED_ROOT => add_root(ctx),
        ids::CHAIN_INCOMPLETE | ids::CHAIN_INTERMEDIATE_FETCHED => add_issuer(ctx),
        ids::CHAIN_BAD_SIGNATURE
        | ids::CHAIN_ISSUER_NOT_CA
        | ids::CHAIN_ISSUER_KEY_USAGE
        | ids::CHAIN_CA_RESTRICTS_SERVER_AUTH
        | ids::CHAIN_CA_RESTRICTS_CLIENT_AUTH
        | ids::CERT_EXPIRED
        | ids::CERT_NOT_YET_VALID
        | ids::CERT_EXPIRES_SOON
        | ids::CERT_WEAK_SIGNATURE
        | ids::CERT_WEAK_KEY
        | ids::CHAIN_NAME_CONSTRAINTS_VIOLATED
        | ids::CHAIN_SIGNATURE_UNSUPPORTED
        | ids::CHAIN_PATH_LENGTH_EXCEEDED
        | ids::CERT_UNKNOWN_CRITICAL_EXTENSION
        | ids::CERT_MALFORMED_EXTENSION => verify(ctx),
        ids::CERT_CLIENT_AUTH_MISSING | ids::CERT_SERVER_AUTH_MISSING => client_eku(ctx),
        ids::CERT_NAME_MISMATCH | ids::CERT_WILDCARD_SAN => {
            let mut v = export_leaf(ctx);
            v.push(cmd(
                "Show the certificate's subject and alternative names",
                format!("certutil -dump \"{}\"", leaf_file(ctx)),
            ));
            v
        }
        ids::TLS_CLIENT_CA_LIST_EMPTY
        | ids::TLS_CLIENT_CA_LIST_EXCLUDES_ISSUER
        | ids::STORE_ROOT_LIST_TOO_LONG => ca_list(),
        ids::PORT_OWNER => vec![cmd(
            "On the server: which process serves each URL registered with HTTP.SYS (PID 4 is only HTTP.SYS itself)",
            "netsh http show servicestate view=requestq".to_owned(),
        )],
        ids::STORE_NON_ROOT_IN_ROOT => vec![cmd(
            "On the server (PowerShell): the certificates in Trusted Root that are not self-signed",
            r"Get-ChildItem Cert:\LocalMachine\Root | Where-Object { $_.Issuer -ne $_.Subject } | Format-List Subject, Issuer, Thumbprint".to_owned(),
        )],
        ids::STORE_DUPLICATE_ROOTS => vec![cmd(
            "On the server (PowerShell): roots that are in the store more than once",
            r"Get-ChildItem Cert:\LocalMachine\Root | Group-Object Thumbprint | Where-Object Count -gt 1".to_owned(),
        )],
        ids::TLS_CLIENT_CERT_REJECTED | ids::TLS_REMOTE_CLOSED => {
            let mut v = verify(ctx);
            v.extend(ca_list());
            v
        }
        ids::PORT_CLOSED | ids::PORT_TIMEOUT | ids::PORT_SILENT => vec![
            reach(host, port),
            cmd(
                "On the server: is anything listening on the port?",
                format!("netstat -ano | findstr :{port}"),
            ),
        ],
        ids::REVOCATION_OFFLINE | ids::REVOCATION_NO_CDP | ids::REVOCATION_LDAP_NOT_CHECKED => {
            let mut v = url_tool(ctx);
            v.extend(verify(ctx));
            v
        }
        ids::REVOCATION_CRL_EXPIRED | ids::REVOCATION_CRL_BAD_SIGNATURE => {
            let mut v = vec![fix(
                "On the issuing CA (as administrator): publish a new CRL now, then copy it to every distribution point",
                "certutil -crl".to_owned(),
            )];
            v.extend(url_tool(ctx));
            v.extend(verify(ctx));
            v
        }
        ids::REVOCATION_REVOKED => {
            let mut v = verify(ctx);
            v.extend(client_eku(ctx));
            v
        }
        ids::SIP_NOT_SIP => port_owner(port, site),
        ids::SIP_ERROR_RESPONSE => vec![
            cmd(
                "On the Edge (Lync / Skype for Business Management Shell): may the calling domain federate?",
                "Get-CsAccessEdgeConfiguration; Get-CsAllowedDomain; Get-CsBlockedDomain".to_owned(),
            ),
            cmd(
                "On a front end or Director: is the calling server known to the topology as a pool or trusted application?",
                "Get-CsPool; Get-CsTrustedApplication".to_owned(),
            ),
        ],
        ids::PORT_DNS_FAILED => vec![cmd(
            "Does the name resolve, and to which address?",
            format!("nslookup {host}"),
        )],
        _ => Vec::new(),
    }
}

/// The commands for a wizard step (log findings point at a step).
pub fn commands_for_step(step: u8, ctx: &FixContext) -> Vec<FixCommand> {
    match step {
        4 => verify(ctx),
        5 => client_eku(ctx),
        6 => commands_for(ids::HTTP_WEB_SITE_ANSWERING, ctx),
        7 => ca_list(),
        _ => Vec::new(),
    }
}

/// For a CA that restricts a purpose, the CA as the store holds it: its EKU extension and the
/// purposes MMC's property allows, found by the thumbprint of the CA the finding names.
fn show_restricting_ca(finding: &Finding, ctx: &FixContext) -> Vec<FixCommand> {
    if !matches!(
        finding.id.as_str(),
        ids::CHAIN_CA_RESTRICTS_CLIENT_AUTH | ids::CHAIN_CA_RESTRICTS_SERVER_AUTH
    ) {
        return Vec::new();
    }
    let Some(named) = &finding.certificate else {
        return Vec::new();
    };
    let Some((_, ca, root)) = ctx
        .path
        .cas
        .iter()
        .find(|(sha256, _, _)| *sha256 == named.sha256)
    else {
        return Vec::new();
    };
    let Some(thumbprint) = &ca.thumbprint else {
        return Vec::new();
    };
    let store = if *root { "Root" } else { "CA" };
    vec![cmd(
        &format!(
            "On each server: \"{}\" in the computer's store, with its Enhanced Key Usage and the purposes the store allows (MMC's \"Enable only the following purposes\")",
            ca.name
        ),
        format!("certutil -v -store {store} {thumbprint}"),
    )]
}

/// Attaches the commands to every failure and warning that has some, in the findings' order: a command
/// already shown for an earlier finding is not repeated (the web site on port 444 and its missing
/// client-certificate request share the same port-owner commands).
pub fn attach(findings: &mut [Finding], ctx: &FixContext) {
    let mut shown: Vec<String> = findings
        .iter()
        .flat_map(|f| f.commands.iter().map(|c| c.command.clone()))
        .collect();
    for f in findings
        .iter_mut()
        .filter(|f| matches!(f.severity, Severity::Fail | Severity::Warn))
    {
        if f.commands.is_empty() {
            let mut commands = show_restricting_ca(f, ctx);
            commands.extend(commands_for(&f.id, ctx));
            f.commands = commands
                .into_iter()
                .filter(|c| !shown.contains(&c.command))
                .collect();
            shown.extend(f.commands.iter().map(|c| c.command.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Example values of the project's own tests and docs that must never reach a command unless
    /// the input held them.
    const EXAMPLES: [&str; 5] = [
        "contoso",
        "ca01",
        "fabrikam",
        "Communicator Web Access",
        "pool01",
    ];

    /// Every finding id the catalogue knows, with the commands it gives for `ctx`.
    fn all_commands(ctx: &FixContext) -> Vec<(String, FixCommand)> {
        // Every id declared in finding.rs's `ids` module, read from its source so a new id is
        // covered without touching this test.
        let source = include_str!("finding.rs");
        let declared = source
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub const "))
            .filter_map(|l| l.split_once(": &str = \"").map(|(_, v)| v))
            .filter_map(|v| v.split_once('"').map(|(id, _)| id));
        let mut out = Vec::new();
        for id in declared {
            out.extend(
                commands_for(id, ctx)
                    .into_iter()
                    .map(|c| (id.to_owned(), c)),
            );
        }
        assert!(out.len() > 20, "the ids were read: {}", out.len());
        for step in 1..=9 {
            out.extend(
                commands_for_step(step, ctx)
                    .into_iter()
                    .map(|c| (format!("step {step}"), c)),
            );
        }
        out
    }

    #[test]
    fn no_command_carries_an_example_value_the_input_did_not_hold() {
        for ctx in [
            FixContext::default(),
            FixContext {
                host: Some("fe7.lab.test".into()),
                port: Some(5062),
                site: None,
                ..Default::default()
            },
        ] {
            for (id, c) in all_commands(&ctx) {
                for example in EXAMPLES {
                    assert!(
                        !c.command.to_lowercase().contains(&example.to_lowercase()),
                        "{id}: {}",
                        c.command
                    );
                }
            }
        }
    }

    #[test]
    fn the_fix_commands_carry_what_certwiz_saw_or_a_placeholder_that_cannot_run() {
        // Written down first: the web site on the port is removed by Remove-WebBinding with the
        // site's name and the port; unknown, the site is "<IIS site name>", which PowerShell
        // rejects as a redirection, so it cannot run as is.
        let unknown = FixContext {
            host: Some("fe7.lab.test".into()),
            port: Some(5062),
            site: None,
            ..Default::default()
        };
        let fixes: Vec<FixCommand> = commands_for(ids::PORT_OWNED_BY_WEB_SERVER, &unknown)
            .into_iter()
            .filter(|c| c.kind == CommandKind::Fix)
            .collect();
        let removal = fixes
            .iter()
            .find(|c| c.command.starts_with("Remove-WebBinding"))
            .expect("a removal");
        assert_eq!(
            removal.command,
            "Remove-WebBinding -Name \"<IIS site name>\" -Port 5062 -Protocol https"
        );
        assert_eq!(removal.placeholders(), ["<IIS site name>"]);
        assert!(removal.heading().starts_with("FIX: "));
        assert!(
            fixes
                .iter()
                .any(|c| c.command.starts_with("Stop-CsWindowsService"))
        );
        let known = FixContext {
            site: Some("Default Web Site".into()),
            ..unknown.clone()
        };
        let named: Vec<String> = commands_for(ids::PORT_OWNED_BY_WEB_SERVER, &known)
            .into_iter()
            .filter(|c| c.kind == CommandKind::Fix)
            .map(|c| c.command)
            .collect();
        assert!(named.contains(
            &"Remove-WebBinding -Name \"Default Web Site\" -Port 5062 -Protocol https".to_owned()
        ));
        // A host that is unknown is a placeholder too.
        let reach = commands_for(ids::PORT_CLOSED, &FixContext::default());
        assert_eq!(
            reach[0].command,
            "Test-NetConnection <server FQDN> -Port 444"
        );
        assert_eq!(reach[0].placeholders(), ["<server FQDN>"]);
        // Reports have no line under a Copy button: the heading says what replaces it.
        assert!(
            reach[0]
                .heading()
                .ends_with("; replace <server FQDN> with the server's full DNS name"),
            "{}",
            reach[0].heading()
        );
        assert!(!reach[0].title().contains("replace"));
        assert_eq!(reach[0].kind, CommandKind::Diagnose);
        // Every failure with a known fix has one: the chain's trust, the issuer, the purposes, the
        // web site on the port, the CRL.
        for id in [
            ids::CHAIN_UNTRUSTED_ROOT,
            ids::CHAIN_INCOMPLETE,
            ids::CERT_CLIENT_AUTH_MISSING,
            ids::HTTP_WEB_SITE_ANSWERING,
            ids::REVOCATION_CRL_EXPIRED,
        ] {
            assert!(
                commands_for(id, &unknown)
                    .iter()
                    .any(|c| c.kind == CommandKind::Fix),
                "{id}"
            );
        }
    }

    #[test]
    fn every_failure_that_a_command_can_confirm_or_fix_has_one() {
        let ctx = FixContext {
            host: Some("pool01.contoso.com".into()),
            port: Some(5999),
            site: None,
            ..Default::default()
        };
        for id in [
            ids::HTTP_WEB_SITE_ANSWERING,
            ids::TLS_NO_CLIENT_CERT_REQUEST,
            ids::HTTP_HTML_OVER_MTLS,
            ids::PORT_NOT_TLS,
            ids::TLS_HANDSHAKE_FAILED,
            ids::CHAIN_UNTRUSTED_ROOT,
            ids::CHAIN_INCOMPLETE,
            ids::CHAIN_BAD_SIGNATURE,
            ids::CHAIN_ISSUER_NOT_CA,
            ids::CHAIN_ISSUER_KEY_USAGE,
            ids::CHAIN_CA_RESTRICTS_SERVER_AUTH,
            ids::CHAIN_CA_RESTRICTS_CLIENT_AUTH,
            ids::CERT_EXPIRED,
            ids::CERT_NOT_YET_VALID,
            ids::CERT_EXPIRES_SOON,
            ids::CERT_WEAK_SIGNATURE,
            ids::CERT_WEAK_KEY,
            ids::CERT_CLIENT_AUTH_MISSING,
            ids::CERT_SERVER_AUTH_MISSING,
            ids::CERT_NAME_MISMATCH,
            ids::CERT_WILDCARD_SAN,
            ids::TLS_CLIENT_CA_LIST_EMPTY,
            ids::TLS_CLIENT_CA_LIST_EXCLUDES_ISSUER,
            ids::TLS_CLIENT_CERT_REJECTED,
            ids::TLS_REMOTE_CLOSED,
            ids::PORT_CLOSED,
            ids::PORT_TIMEOUT,
            ids::PORT_SILENT,
            ids::PORT_DNS_FAILED,
            ids::CHAIN_INTERMEDIATE_FETCHED,
            ids::PORT_OWNED_BY_WEB_SERVER,
            ids::STORE_ROOT_LIST_TOO_LONG,
            ids::STORE_NON_ROOT_IN_ROOT,
            ids::STORE_DUPLICATE_ROOTS,
            ids::REVOCATION_OFFLINE,
            ids::REVOCATION_NO_CDP,
            ids::REVOCATION_LDAP_NOT_CHECKED,
            ids::REVOCATION_CRL_EXPIRED,
            ids::REVOCATION_CRL_BAD_SIGNATURE,
            ids::REVOCATION_REVOKED,
        ] {
            let commands = commands_for(id, &ctx);
            assert!(!commands.is_empty(), "{id}");
            for c in &commands {
                assert!(!c.purpose.is_empty() && !c.command.is_empty(), "{id}");
                // Filled with the target's port, never the default, when it is known.
                assert!(!c.command.contains(":444"), "{id}: {}", c.command);
            }
        }
        let owner = commands_for(ids::HTTP_WEB_SITE_ANSWERING, &ctx);
        assert!(
            owner
                .iter()
                .any(|c| c.command == "netstat -ano | findstr :5999")
        );
        assert!(
            owner
                .iter()
                .any(|c| c.command == "netsh http show sslcert ipport=0.0.0.0:5999")
        );
        assert!(
            owner
                .iter()
                .any(|c| c.command == "Get-WebBinding -Port 5999")
        );
        assert!(
            commands_for(ids::CERT_CLIENT_AUTH_MISSING, &ctx)
                .iter()
                .any(|c| c.command.contains("-ClientEKU $true"))
        );
        // #16: no command carries an example CA that could be pasted as is; an unknown value is a
        // placeholder in angle brackets, and the purpose says what to put there.
        let request = commands_for(ids::CERT_CLIENT_AUTH_MISSING, &ctx)
            .into_iter()
            .find(|c| c.command.starts_with("Request-CsCertificate"))
            .expect("the request command");
        assert!(!request.command.contains("contoso"), "{}", request.command);
        assert!(
            request
                .command
                .contains(r#"-CA "<CA server FQDN>\<CA name>""#)
        );
        assert!(request.purpose.contains("replace <CA server FQDN>"));
        // Passes get none.
        assert!(commands_for(ids::CHAIN_OK, &ctx).is_empty());
        assert!(commands_for(ids::TLS_MTLS_OK, &ctx).is_empty());
    }

    /// Every file a command reads must be written by an earlier command of the same finding, or be
    /// a placeholder in angle brackets: never an example file name such as `server.cer`.
    fn files_come_from_an_earlier_command_or_are_placeholders(id: &str, commands: &[FixCommand]) {
        for (i, c) in commands.iter().enumerate() {
            let mut rest = c.command.as_str();
            for p in c.placeholders() {
                assert!(p.starts_with('<') && p.ends_with('>'), "{id}: {p}");
            }
            while let Some(end) = rest.find(".cer\"") {
                let start = rest[..end].rfind('"').map_or(0, |s| s + 1);
                let file = &rest[start..end + 4];
                let written = commands[..i]
                    .iter()
                    .any(|earlier| earlier.command.ends_with(&format!("\"{file}\"")));
                // The export writes the file it names last; a later command reads it.
                let writes = c.command.ends_with(&format!("\"{file}\""))
                    && (c.command.starts_with("Export-Certificate")
                        || c.command.starts_with("certutil -store")
                        || c.command.starts_with("Invoke-WebRequest"));
                assert!(written || writes, "{id}: {file} in {}", c.command);
                rest = &rest[end + 5..];
            }
            assert!(!c.command.contains("server.cer"), "{id}: {}", c.command);
            assert!(!c.command.contains("-ca.cert"), "{id}: {}", c.command);
        }
    }

    fn seen_path() -> PathValues {
        PathValues {
            leaf: Some(CertificateValues {
                name: "fe9.lab.test".into(),
                thumbprint: Some("AB12".into()),
            }),
            issuing: Some(CertificateValues {
                name: "Lab Issuing CA".into(),
                thumbprint: Some("CD34".into()),
            }),
            root: Some(CertificateValues {
                name: "Lab Root CA".into(),
                thumbprint: Some("EF56".into()),
            }),
            missing_issuer: None,
            missing_issuer_is_root: false,
            issuer_url: None,
            cas: Vec::new(),
        }
    }

    #[test]
    fn every_placeholder_is_in_angle_brackets_and_every_file_is_written_first() {
        let seen = FixContext {
            host: Some("fe9.lab.test".into()),
            port: Some(4444),
            site: None,
            path: seen_path(),
        };
        for ctx in [FixContext::default(), seen] {
            let mut by_id: Vec<(String, Vec<FixCommand>)> = Vec::new();
            for (id, c) in all_commands(&ctx) {
                match by_id.iter_mut().find(|(i, _)| *i == id) {
                    Some((_, v)) => v.push(c),
                    None => by_id.push((id, vec![c])),
                }
            }
            for (id, commands) in &by_id {
                files_come_from_an_earlier_command_or_are_placeholders(id, commands);
                for c in commands {
                    for p in c.placeholders() {
                        assert_ne!(placeholder_meaning(p), "your own value", "{id}: {p}");
                    }
                }
            }
        }
    }

    #[test]
    fn what_the_path_showed_fills_the_commands() {
        // Written down first: the root is exported by its thumbprint and added to Root under its
        // own name; the certificate is found in My by its thumbprint; the request names the
        // issuing CA, and only the CA's server stays a placeholder.
        let ctx = FixContext {
            path: seen_path(),
            ..FixContext::default()
        };
        let root: Vec<String> = commands_for(ids::CHAIN_UNTRUSTED_ROOT, &ctx)
            .into_iter()
            .map(|c| c.command)
            .collect();
        assert_eq!(
            root[..3],
            [
                r#"Export-Certificate -Cert Cert:\LocalMachine\Root\EF56 -FilePath "Lab Root CA.cer""#,
                r#"certutil -addstore -f Root "Lab Root CA.cer""#,
                "certutil -store Root EF56",
            ]
        );
        let eku = commands_for(ids::CERT_CLIENT_AUTH_MISSING, &ctx);
        assert_eq!(eku[0].command, "certutil -store My AB12");
        assert!(
            eku[1]
                .command
                .contains(r#"-CA "<CA server FQDN>\Lab Issuing CA""#),
            "{}",
            eku[1].command
        );
        assert_eq!(eku[1].placeholders(), ["<CA server FQDN>"]);
        // A missing intermediate, with the address its certificate names: downloaded, then added
        // to the intermediate store; a missing root goes to Root.
        let missing = FixContext {
            path: PathValues {
                issuing: None,
                root: None,
                missing_issuer: Some(CertificateValues {
                    name: "Lab Issuing CA".into(),
                    thumbprint: None,
                }),
                issuer_url: Some("http://pki.lab.test/issuing.crt".into()),
                ..seen_path()
            },
            ..FixContext::default()
        };
        let add: Vec<String> = commands_for(ids::CHAIN_INCOMPLETE, &missing)
            .into_iter()
            .map(|c| c.command)
            .collect();
        assert_eq!(
            add[..2],
            [
                r#"Invoke-WebRequest "http://pki.lab.test/issuing.crt" -OutFile "Lab Issuing CA.cer""#,
                r#"certutil -addstore -f CA "Lab Issuing CA.cer""#,
            ]
        );
        let root_missing = FixContext {
            path: PathValues {
                missing_issuer_is_root: true,
                issuer_url: None,
                ..missing.path.clone()
            },
            ..FixContext::default()
        };
        let add: Vec<String> = commands_for(ids::CHAIN_INCOMPLETE, &root_missing)
            .into_iter()
            .map(|c| c.command)
            .collect();
        assert_eq!(
            add[..2],
            [
                r#"certutil -store Root "Lab Issuing CA" "Lab Issuing CA.cer""#,
                r#"certutil -addstore -f Root "Lab Issuing CA.cer""#,
            ]
        );
    }

    #[test]
    fn attach_fills_failures_and_warnings_only() {
        let mut findings = vec![
            Finding::new(ids::CHAIN_UNTRUSTED_ROOT, Severity::Fail, "t", "d", "f"),
            Finding::new(ids::CERT_CLIENT_AUTH_MISSING, Severity::Warn, "t", "d", "f"),
            Finding::new(ids::CHAIN_OK, Severity::Pass, "t", "d", "f"),
            Finding::new(
                ids::TLS_NO_CLIENT_CERT_REQUEST,
                Severity::Info,
                "t",
                "d",
                "f",
            ),
        ];
        attach(&mut findings, &FixContext::default());
        assert!(
            findings[0]
                .commands
                .iter()
                .any(|c| c.command == "certutil -addstore -f Root \"<root CA certificate file>\"")
        );
        assert!(!findings[1].commands.is_empty());
        assert!(findings[2].commands.is_empty());
        assert!(
            findings[3].commands.is_empty(),
            "info findings are not to be fixed"
        );
    }
}
