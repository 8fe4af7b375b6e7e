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
}

/// Placeholder for the server's name when it is not known: angle brackets, so that pasted as is
/// the command fails instead of acting on an example server.
pub const HOST_PLACEHOLDER: &str = "<server FQDN>";
/// Placeholder for the IIS site's name when the port answer did not name it.
pub const SITE_PLACEHOLDER: &str = "<IIS site name>";

impl FixCommand {
    /// What it does, as reports print it: a fix says so first ("FIX: ..."), a command that only
    /// confirms the problem does not.
    pub fn heading(&self) -> String {
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

fn verify() -> FixCommand {
    cmd(
        "Build and check the chain as Windows does, fetching issuers and revocation lists (export the certificate to server.cer first)",
        "certutil -verify -urlfetch server.cer".to_owned(),
    )
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

fn client_eku() -> FixCommand {
    fix(
        "Lync / Skype for Business: request a new certificate that includes Client Authentication; replace <CA server FQDN>\\<CA name> with your issuing CA as certutil -config - -ping names it (the command does not run until you do), then assign it with Set-CsCertificate",
        // A placeholder, never an example CA: pasted as is, it fails instead of asking a wrong CA.
        r#"Request-CsCertificate -New -Type Default,WebServicesInternal -CA "<CA server FQDN>\<CA name>" -ClientEKU $true"#
            .to_owned(),
    )
}

fn url_tool() -> FixCommand {
    cmd(
        "On the server: retrieve every CRL, OCSP and AIA URL of the certificate and see which answer (LDAP ones too, from a domain member)",
        "certutil -url server.cer".to_owned(),
    )
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
        ids::CHAIN_UNTRUSTED_ROOT => vec![
            fix(
                "On every server that must trust it: add the root CA to the computer's Trusted Root store (as administrator)",
                "certutil -addstore Root root-ca.cer".to_owned(),
            ),
            verify(),
        ],
        ids::CHAIN_INCOMPLETE | ids::CHAIN_INTERMEDIATE_FETCHED => vec![
            fix(
                "On the server: add the issuing CA to the computer's Intermediate Certification Authorities store",
                "certutil -addstore CA issuing-ca.cer".to_owned(),
            ),
            verify(),
        ],
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
        | ids::CERT_MALFORMED_EXTENSION => vec![verify()],
        ids::CERT_CLIENT_AUTH_MISSING | ids::CERT_SERVER_AUTH_MISSING => {
            vec![client_eku(), restart()]
        }
        ids::CERT_NAME_MISMATCH | ids::CERT_WILDCARD_SAN => vec![cmd(
            "Show the certificate's subject and alternative names",
            "certutil -dump server.cer".to_owned(),
        )],
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
            let mut v = vec![verify()];
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
            vec![url_tool(), verify()]
        }
        ids::REVOCATION_CRL_EXPIRED | ids::REVOCATION_CRL_BAD_SIGNATURE => vec![
            fix(
                "On the issuing CA (as administrator): publish a new CRL now, then copy it to every distribution point",
                "certutil -crl".to_owned(),
            ),
            url_tool(),
            verify(),
        ],
        ids::REVOCATION_REVOKED => vec![verify(), client_eku(), restart()],
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
        4 => vec![verify()],
        5 => vec![client_eku(), restart()],
        6 => commands_for(ids::HTTP_WEB_SITE_ANSWERING, ctx),
        7 => ca_list(),
        _ => Vec::new(),
    }
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
            f.commands = commands_for(&f.id, ctx)
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
                .any(|c| c.command == "certutil -addstore Root root-ca.cer")
        );
        assert!(!findings[1].commands.is_empty());
        assert!(findings[2].commands.is_empty());
        assert!(
            findings[3].commands.is_empty(),
            "info findings are not to be fixed"
        );
    }
}
