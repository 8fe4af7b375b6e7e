//! What was seen of a port's owners: the listeners (PID, name, path), HTTP.SYS's bindings, and the
//! classification of a process as a web server. Plain data and pure helpers; [`crate::engine::port_owner::look`] fills it
//! in and [`crate::engine::port_owner::judge`] judges it.

use serde::{Deserialize, Serialize};

/// What kind of program a listener is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OwnerKind {
    /// Windows' HTTP.SYS (PID 4, "System"): IIS or another HTTP API application, which may be the
    /// conferencing service itself; `netsh http show sslcert` tells which.
    HttpSys,
    /// A web server: IIS worker (w3wp), inetinfo, IIS Express, Apache httpd, nginx, lighttpd, Caddy.
    WebServer,
    /// Anything else.
    Other,
}

/// One process listening on the port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortListener {
    /// Process ID.
    pub pid: u32,
    /// Process name.
    pub name: String,
    /// Executable path, when the system tells.
    pub path: String,
    /// The local address it listens on (`0.0.0.0:444`).
    pub address: String,
    /// What kind of program it is.
    pub kind: OwnerKind,
}

/// Who listens on a port of this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortOwnerFacts {
    /// The port.
    pub port: u16,
    /// Every TCP listener on it.
    pub listeners: Vec<PortListener>,
    /// Whether a connection to 127.0.0.1 on the port was accepted (tells "nothing listens" from
    /// "something listens that certwiz may not see").
    pub accepts_connections: bool,
    /// Why the listeners could not be read, when they could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Windows: HTTP.SYS's HTTPS bindings on the port (what `netsh http show sslcert` lists).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub http_sys: Vec<HttpSysBinding>,
    /// Windows: why HTTP.SYS's bindings could not be read, when they could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_sys_error: Option<String>,
}

/// IIS's application ID in HTTP.SYS bindings (`netsh http show sslcert`).
pub const IIS_APP_ID: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";

/// One HTTPS binding of HTTP.SYS, as `netsh http show sslcert ipport=...` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpSysBinding {
    /// `IP:port` (`0.0.0.0:444`, `[::]:444`).
    pub ip_port: String,
    /// The certificate's SHA-1 hash (thumbprint), upper-case hex.
    pub certificate_hash: String,
    /// The store it is taken from (`MY`).
    pub certificate_store: String,
    /// The application that made the binding, as a GUID in braces.
    pub application_id: String,
    /// Whether HTTP.SYS asks clients for a certificate during the handshake ("Negotiate Client
    /// Certificate": mutual TLS on the first handshake, as the conferencing servers expect).
    pub negotiate_client_certificate: bool,
}

impl HttpSysBinding {
    /// The application, by name when certwiz knows its ID.
    pub fn application(&self) -> String {
        if self.application_id.eq_ignore_ascii_case(IIS_APP_ID) {
            format!(
                "IIS (World Wide Web Publishing Service, {})",
                self.application_id
            )
        } else {
            format!("application {}", self.application_id)
        }
    }

    /// Whether IIS made the binding.
    pub fn is_iis(&self) -> bool {
        self.application_id.eq_ignore_ascii_case(IIS_APP_ID)
    }
}

/// A GUID in the registry form Windows tools print: `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}`.
pub fn guid_text(data1: u32, data2: u16, data3: u16, data4: [u8; 8]) -> String {
    format!(
        "{{{data1:08x}-{data2:04x}-{data3:04x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}}}",
        data4[0], data4[1], data4[2], data4[3], data4[4], data4[5], data4[6], data4[7]
    )
}

/// A Winsock `SOCKADDR_IN` / `SOCKADDR_IN6` (family, then the port in network order) as an address;
/// None for other families or short buffers.
pub fn socket_address(bytes: &[u8]) -> Option<std::net::SocketAddr> {
    const AF_INET: u16 = 2;
    const AF_INET6: u16 = 23;
    let family = u16::from_le_bytes([*bytes.first()?, *bytes.get(1)?]);
    let port = u16::from_be_bytes([*bytes.get(2)?, *bytes.get(3)?]);
    match family {
        AF_INET => {
            let ip: [u8; 4] = bytes.get(4..8)?.try_into().ok()?;
            Some(std::net::SocketAddr::from((ip, port)))
        }
        AF_INET6 => {
            let ip: [u8; 16] = bytes.get(8..24)?.try_into().ok()?;
            Some(std::net::SocketAddr::from((ip, port)))
        }
        _ => None,
    }
}

/// What kind of program `name` (with `pid`) is.
pub fn classify(pid: u32, name: &str) -> OwnerKind {
    let lower = name.trim().to_ascii_lowercase();
    let base = lower.strip_suffix(".exe").unwrap_or(&lower);
    if pid == 4 || base == "system" {
        return OwnerKind::HttpSys;
    }
    const WEB_SERVERS: [&str; 9] = [
        "w3wp",
        "inetinfo",
        "iisexpress",
        "httpd",
        "apache",
        "apache2",
        "nginx",
        "lighttpd",
        "caddy",
    ];
    if WEB_SERVERS.contains(&base) {
        OwnerKind::WebServer
    } else {
        OwnerKind::Other
    }
}
