//! The conferencing ports: which port a check goes to by default, where the servers must ask for a
//! client certificate. Plain constants, imported by the probe, the judges and the fix catalogue alike
//! (so the fix catalogue does not reach up into the probe for a port number).

use std::time::Duration;

/// The conferencing port (MCU Factory, Focus, ...).
pub const DEFAULT_PORT: u16 = 444;
/// The OCS 2007 MCU Factory path.
pub const DEFAULT_PATH: &str = "/LiveServer/MCUFactory/";
/// Default bound of each network step.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Ports where the server must ask for a client certificate (mutual TLS): 444 (HTTPS between front
/// ends), 5061-5065 (SIP over mutual TLS), 8057 (Web Conferencing).
pub const MTLS_PORTS: [u16; 6] = [444, 5061, 5062, 5063, 5065, 8057];

/// Ports where the conferencing servers speak SIP over (mutual) TLS: 5061 (front ends, Directors,
/// Edge federation, Direct Routing), 5062 (IM conferencing), 5067 / 5068 (Mediation servers, SBCs).
pub const SIP_PORTS: [u16; 4] = [5061, 5062, 5067, 5068];

/// What certwiz speaks after the TLS handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// An HTTP GET for the target's path (444, 443, 4443 and every port not known to speak SIP).
    Http,
    /// A SIP OPTIONS request (RFC 3261 11).
    Sip,
}

impl Protocol {
    /// The name shown in reports ("HTTP", "SIP").
    pub fn label(self) -> &'static str {
        match self {
            Protocol::Http => "HTTP",
            Protocol::Sip => "SIP",
        }
    }
}

/// What the user asked certwiz to speak (`--protocol`): a protocol, or `auto` (by port).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ProtocolChoice {
    /// By port: [`SIP_PORTS`] speak SIP, every other port HTTP.
    #[default]
    Auto,
    /// HTTP whatever the port.
    Http,
    /// SIP whatever the port.
    Sip,
}

impl ProtocolChoice {
    /// The protocol spoken on `port`, with why ("port 5061", "--protocol sip").
    pub fn resolve(self, port: u16) -> (Protocol, String) {
        match self {
            ProtocolChoice::Http => (Protocol::Http, "--protocol http".into()),
            ProtocolChoice::Sip => (Protocol::Sip, "--protocol sip".into()),
            ProtocolChoice::Auto if SIP_PORTS.contains(&port) => {
                (Protocol::Sip, format!("port {port}"))
            }
            ProtocolChoice::Auto => (Protocol::Http, format!("port {port}")),
        }
    }

    /// Whether this is the default (kept out of serialised targets, so older reports read the same).
    pub fn is_auto(&self) -> bool {
        *self == ProtocolChoice::Auto
    }
}

#[cfg(test)]
mod tests {
    use super::{Protocol, ProtocolChoice};

    #[test]
    fn the_port_decides_unless_told() {
        for port in [5061, 5062, 5067, 5068] {
            assert_eq!(
                ProtocolChoice::Auto.resolve(port).0,
                Protocol::Sip,
                "{port}"
            );
        }
        for port in [444, 443, 4443, 8057, 5063] {
            assert_eq!(
                ProtocolChoice::Auto.resolve(port).0,
                Protocol::Http,
                "{port}"
            );
        }
        assert_eq!(
            ProtocolChoice::Auto.resolve(5061),
            (Protocol::Sip, "port 5061".to_owned())
        );
        assert_eq!(
            ProtocolChoice::Sip.resolve(444),
            (Protocol::Sip, "--protocol sip".to_owned())
        );
        assert_eq!(ProtocolChoice::Http.resolve(5061).0, Protocol::Http);
    }
}
