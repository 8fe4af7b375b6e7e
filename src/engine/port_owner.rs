//! Who owns a port on this machine: the process behind each TCP listener (PID, name, path) through the
//! `listeners` crate, classified so that a web server on the conferencing port is named as the cause
//! (the famous incident: Communicator Web Access in IIS bound to port 444). [`look`] asks the operating
//! system; [`judge`] is pure, [`report`] puts both in a report.

pub use crate::engine::facts::port_owner::{
    HttpSysBinding, IIS_APP_ID, OwnerKind, PortListener, PortOwnerFacts, classify, guid_text,
    socket_address,
};

use time::OffsetDateTime;

use crate::engine::finding::{Finding, Severity, ids};
use crate::engine::report::Report;

/// Asks the operating system who listens on `port` (TCP, any address).
pub fn look(port: u16) -> PortOwnerFacts {
    let accepts_connections = std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        std::time::Duration::from_millis(500),
    )
    .is_ok();
    let mut facts = PortOwnerFacts {
        port,
        listeners: Vec::new(),
        accepts_connections,
        error: None,
        http_sys: Vec::new(),
        http_sys_error: None,
    };
    #[cfg(windows)]
    match crate::engine::http_sys::ssl_bindings(port) {
        Ok(bindings) => facts.http_sys = bindings,
        Err(e) => facts.http_sys_error = Some(e),
    }
    match listeners::get_all() {
        Ok(all) => {
            let mut found: Vec<PortListener> = all
                .into_iter()
                .filter(|l| {
                    l.protocol == listeners::Protocol::TCP
                        && l.state == listeners::SocketState::Listen
                        && l.socket.port() == port
                })
                .map(|l| PortListener {
                    pid: l.process.pid,
                    kind: classify(l.process.pid, &l.process.name),
                    name: l.process.name,
                    path: l.process.path,
                    address: l.socket.to_string(),
                })
                .collect();
            found.sort_by(|a, b| (a.pid, &a.address).cmp(&(b.pid, &b.address)));
            facts.listeners = found;
        }
        Err(e) => facts.error = Some(e.to_string()),
    }
    facts
}

/// The report of `port-owner`: who listens on a port of this machine, judged.
pub fn report(facts: PortOwnerFacts, at: OffsetDateTime) -> Report {
    let findings = judge(&facts);
    let mut report = Report::new("port-owner", findings, Vec::new(), at);
    report.port_owner = Some(facts);
    report
}

/// The findings: `port.owned-by-web-server` (fail) when a web server listens on the port the
/// conferencing service must own, `port.owner` (info) for every other listener, and an info when
/// nothing (visible) listens.
pub fn judge(facts: &PortOwnerFacts) -> Vec<Finding> {
    let port = facts.port;
    let mut out = Vec::new();
    // One finding per process: a dual-stack listener (0.0.0.0 and [::]) is one owner.
    let mut by_process: Vec<(&PortListener, Vec<&str>)> = Vec::new();
    for l in &facts.listeners {
        match by_process.iter_mut().find(|(p, _)| p.pid == l.pid) {
            Some((_, addresses)) => addresses.push(&l.address),
            None => by_process.push((l, vec![l.address.as_str()])),
        }
    }
    for (l, addresses) in by_process {
        let who = format!("{} (PID {}) on {}", l.name, l.pid, addresses.join(" and "));
        let path = if l.path.is_empty() {
            String::new()
        } else {
            format!(" Program: {}.", l.path)
        };
        out.push(match l.kind {
            OwnerKind::WebServer => Finding::new(
                ids::PORT_OWNED_BY_WEB_SERVER,
                Severity::Fail,
                format!("A web server owns port {port}: {}", l.name),
                format!(
                    "{who} listens on port {port}, where the conferencing service must answer (the MCU Factory / Focus at https://FQDN:{port}/LiveServer/). Conferencing servers then reach a web site instead: events 61013 / 30988 and \"ReceiveFailure\".{path}"
                ),
                format!(
                    "Move the web site off port {port} (IIS Manager > Sites > the site > Bindings; for Communicator Web Access, its own port), or stop it, then restart the conferencing services."
                ),
            ),
            OwnerKind::HttpSys => Finding::new(
                ids::PORT_OWNER,
                Severity::Info,
                format!("HTTP.SYS owns port {port} (PID 4)"),
                format!(
                    "{who}: PID 4 is Windows' HTTP.SYS, shared by IIS and every HTTP API application, the conferencing service included. Which application registered port {port} is in its binding: netsh http show sslcert ipport=0.0.0.0:{port} (application ID {{4dc3e181-e14b-4a21-b022-59fc669b0914}} is IIS), and IIS Manager's site bindings."
                ),
                "IIS sites answer through HTTP.SYS too, so PID 4 alone does not tell a web site from the conferencing service: netsh http show servicestate view=requestq lists which process (w3wp.exe for IIS, the conferencing service's own process otherwise) serves the URLs on the port. If it is IIS, move that site off the port.",
            ),
            OwnerKind::Other => Finding::new(
                ids::PORT_OWNER,
                Severity::Info,
                format!("{} owns port {port}", l.name),
                format!("{who} listens on port {port}.{path}"),
                "Nothing to do if this is the conferencing service; otherwise stop it or move it to another port.",
            ),
        });
    }
    for b in &facts.http_sys {
        let what = format!(
            "HTTP.SYS has an HTTPS binding on {}: certificate {} (store {}), made by {}, Negotiate Client Certificate {}.",
            b.ip_port,
            b.certificate_hash,
            b.certificate_store,
            b.application(),
            if b.negotiate_client_certificate {
                "enabled"
            } else {
                "disabled"
            }
        );
        let conferencing_port = crate::engine::ports::MTLS_PORTS.contains(&port);
        out.push(if b.is_iis() && conferencing_port {
            Finding::new(
                ids::PORT_OWNED_BY_WEB_SERVER,
                Severity::Fail,
                format!("An IIS site holds port {port} ({})", b.ip_port),
                format!(
                    "{what} IIS made it, so a web site answers on port {port}, where the conferencing service must answer (the MCU Factory / Focus at https://FQDN:{port}/LiveServer/): the famous incident, Communicator Web Access bound to {port}."
                ),
                format!(
                    "IIS Manager > Sites > the site with an https binding on port {port} > Bindings > remove it (or Remove-WebBinding -Port {port} -Protocol https), then restart the conferencing services, which bind the port again. If no IIS site uses port {port} any more, the binding is a leftover: netsh http delete sslcert ipport={} removes it.",
                    b.ip_port
                ),
            )
        } else {
            Finding::new(
                ids::PORT_OWNER,
                Severity::Info,
                format!("HTTP.SYS HTTPS binding on {}", b.ip_port),
                what,
                "Nothing to do if this is the conferencing service's binding (its certificate hash is the pool certificate's thumbprint); otherwise find the application by its ID.",
            )
        });
    }
    if let Some(error) = &facts.http_sys_error {
        out.push(Finding::new(
            ids::PORT_OWNER,
            Severity::Info,
            format!("HTTP.SYS's bindings for port {port} could not be read"),
            format!("The HTTP Server API answered: {error}."),
            format!("netsh http show sslcert ipport=0.0.0.0:{port} shows the binding from an elevated prompt."),
        ));
    }
    if facts.listeners.is_empty() {
        let (title, detail) = if facts.accepts_connections {
            (
                format!("Something listens on port {port}, but certwiz cannot see which process"),
                format!(
                    "127.0.0.1:{port} accepts connections, but the listener's process is not visible{} (it may belong to another user: run certwiz as administrator / root).",
                    facts
                        .error
                        .as_ref()
                        .map(|e| format!(" ({e})"))
                        .unwrap_or_default()
                ),
            )
        } else {
            (
                format!("Nothing listens on port {port} of this machine"),
                format!(
                    "No TCP listener on port {port}{}. The conferencing service is not running here, or listens on another port.",
                    facts
                        .error
                        .as_ref()
                        .map(|e| format!(" (the listener list could not be read: {e})"))
                        .unwrap_or_default()
                ),
            )
        };
        out.push(Finding::new(
            ids::PORT_OWNER,
            Severity::Info,
            title,
            detail,
            format!("On Windows: netstat -ano | findstr :{port} shows the PID, tasklist /fi \"PID eq <pid>\" its name."),
        ));
    }
    for f in out
        .iter_mut()
        .filter(|f| f.id == ids::PORT_OWNER && f.title.starts_with("HTTP.SYS"))
    {
        // A note, but one only a command on the server can settle.
        f.commands = crate::engine::fixes::commands_for(
            ids::PORT_OWNER,
            &crate::engine::fixes::FixContext {
                host: None,
                port: Some(port),
                site: None,
                ..Default::default()
            },
        );
    }
    crate::engine::finding::sort_findings(&mut out);
    crate::engine::fixes::attach(
        &mut out,
        &crate::engine::fixes::FixContext {
            host: None,
            port: Some(port),
            site: None,
            ..Default::default()
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_servers_and_http_sys_are_recognised_by_name() {
        assert_eq!(classify(4, "System"), OwnerKind::HttpSys);
        assert_eq!(classify(5120, "w3wp.exe"), OwnerKind::WebServer);
        assert_eq!(classify(812, "NGINX"), OwnerKind::WebServer);
        assert_eq!(classify(812, "httpd"), OwnerKind::WebServer);
        assert_eq!(classify(2211, "RTCSrv.exe"), OwnerKind::Other);
        assert_eq!(classify(2211, "httpd-helper"), OwnerKind::Other);
    }

    #[test]
    fn a_web_server_on_the_port_fails_with_the_commands() {
        let facts = PortOwnerFacts {
            port: 444,
            listeners: vec![PortListener {
                pid: 5120,
                name: "w3wp.exe".into(),
                path: r"C:\Windows\System32\inetsrv\w3wp.exe".into(),
                address: "0.0.0.0:444".into(),
                kind: OwnerKind::WebServer,
            }],
            accepts_connections: true,
            error: None,
            http_sys: Vec::new(),
            http_sys_error: None,
        };
        let found = judge(&facts);
        assert_eq!(found[0].id, ids::PORT_OWNED_BY_WEB_SERVER);
        assert_eq!(found[0].severity, Severity::Fail);
        assert!(found[0].detail.contains("PID 5120"));
        assert!(
            found[0]
                .commands
                .iter()
                .any(|c| c.command == "Get-WebBinding -Port 444")
        );
    }

    fn http_sys(app: &str) -> PortOwnerFacts {
        PortOwnerFacts {
            port: 444,
            listeners: vec![PortListener {
                pid: 4,
                name: "System".into(),
                path: String::new(),
                address: "0.0.0.0:444".into(),
                kind: OwnerKind::HttpSys,
            }],
            accepts_connections: true,
            error: None,
            http_sys: vec![HttpSysBinding {
                ip_port: "0.0.0.0:444".into(),
                certificate_hash: "D675BA7686820E258F20788473867E84E42E11EC".into(),
                certificate_store: "MY".into(),
                application_id: app.into(),
                negotiate_client_certificate: false,
            }],
            http_sys_error: None,
        }
    }

    #[test]
    fn an_iis_binding_on_the_port_fails_and_another_is_described() {
        let iis = judge(&http_sys("{4DC3E181-E14B-4A21-B022-59FC669B0914}"));
        assert!(
            iis[0]
                .fix
                .contains("netsh http delete sslcert ipport=0.0.0.0:444")
        );
        assert_eq!(iis[0].id, ids::PORT_OWNED_BY_WEB_SERVER);
        assert!(iis[0].title.contains("An IIS site holds port 444"));
        assert!(
            iis[0]
                .detail
                .contains("Negotiate Client Certificate disabled")
        );
        assert!(
            iis[0]
                .detail
                .contains("D675BA7686820E258F20788473867E84E42E11EC")
        );
        let other = judge(&http_sys("{12345678-1234-1234-1234-123456789abc}"));
        assert!(
            other.iter().all(|f| f.severity == Severity::Info),
            "{other:?}"
        );
        assert!(other.iter().any(|f| {
            f.title == "HTTP.SYS HTTPS binding on 0.0.0.0:444"
                && f.detail
                    .contains("application {12345678-1234-1234-1234-123456789abc}")
        }));
    }

    #[test]
    fn an_iis_binding_on_another_port_is_only_described() {
        // IIS on 443 / 4443 is normal on a front end: only the conferencing ports are a failure.
        let mut facts = http_sys(IIS_APP_ID);
        facts.port = 443;
        facts.http_sys[0].ip_port = "0.0.0.0:443".into();
        let found = judge(&facts);
        assert!(
            found.iter().all(|f| f.severity == Severity::Info),
            "{found:?}"
        );
        assert!(found.iter().any(|f| f.detail.contains("made by IIS")));
    }

    #[test]
    fn guids_and_socket_addresses_decode_like_netsh_prints_them() {
        assert_eq!(
            guid_text(
                0x4dc3e181,
                0xe14b,
                0x4a21,
                [0xb0, 0x22, 0x59, 0xfc, 0x66, 0x9b, 0x09, 0x14]
            ),
            IIS_APP_ID
        );
        // SOCKADDR_IN 0.0.0.0:444 and SOCKADDR_IN6 [::1]:444 as Winsock lays them out.
        let v4 = [2, 0, 0x01, 0xbc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            socket_address(&v4).map(|a| a.to_string()).as_deref(),
            Some("0.0.0.0:444")
        );
        let mut v6 = [0u8; 28];
        v6[0] = 23;
        v6[2..4].copy_from_slice(&444u16.to_be_bytes());
        v6[23] = 1;
        assert_eq!(
            socket_address(&v6).map(|a| a.to_string()).as_deref(),
            Some("[::1]:444")
        );
        assert_eq!(socket_address(&[2, 0, 1]), None);
        assert_eq!(socket_address(&[99, 0, 0, 0, 0, 0, 0, 0]), None);
    }
}
