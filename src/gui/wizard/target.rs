//! Step 2: the target as typed, and what is wrong with it field by field (parse, don't validate).

use std::net::IpAddr;

use crate::engine::probe::{DEFAULT_PATH, DEFAULT_PORT, ProbeTarget, ProtocolChoice};

/// The target as typed (remembered between sessions).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TargetInput {
    /// Server FQDN (what is checked).
    pub server_fqdn: String,
    /// Pool FQDN (an extra name the certificate must carry).
    pub pool_fqdn: String,
    /// Port, as typed.
    pub port: String,
    /// Path, as typed.
    pub path: String,
    /// Optional connect address, as typed.
    pub address: String,
    /// What to speak after the handshake (auto: by port).
    pub protocol: ProtocolChoice,
}

impl Default for TargetInput {
    fn default() -> Self {
        TargetInput {
            server_fqdn: String::new(),
            pool_fqdn: String::new(),
            port: DEFAULT_PORT.to_string(),
            path: DEFAULT_PATH.to_owned(),
            address: String::new(),
            protocol: ProtocolChoice::Auto,
        }
    }
}

/// What is wrong with the typed target, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetProblems {
    /// Server FQDN problem.
    pub server_fqdn: Option<String>,
    /// Pool FQDN problem.
    pub pool_fqdn: Option<String>,
    /// Port problem.
    pub port: Option<String>,
    /// Path problem.
    pub path: Option<String>,
    /// Address problem.
    pub address: Option<String>,
}

fn host_problem(text: &str, required: bool) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return required
            .then(|| "Enter the server's fully qualified name, e.g. ocs1.contoso.com".to_owned());
    }
    if t.parse::<IpAddr>().is_ok() {
        return None;
    }
    let valid_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if t.len() > 253 || !t.trim_end_matches('.').split('.').all(valid_label) {
        return Some(
            "Only letters, digits, '-' and dots: a host name like ocs1.contoso.com".to_owned(),
        );
    }
    None
}

impl TargetInput {
    /// Parses the input: a target when everything is valid, else what is wrong (parse, don't validate).
    pub fn parse(&self) -> Result<(ProbeTarget, Vec<String>), TargetProblems> {
        let mut problems = TargetProblems {
            server_fqdn: host_problem(&self.server_fqdn, true),
            pool_fqdn: host_problem(&self.pool_fqdn, false),
            ..TargetProblems::default()
        };
        let port = match self.port.trim().parse::<u16>() {
            Ok(p) if p > 0 => Some(p),
            _ => {
                problems.port =
                    Some("A port number from 1 to 65535 (444 for conferencing)".to_owned());
                None
            }
        };
        let path = self.path.trim();
        if !path.starts_with('/') || path.contains(char::is_whitespace) {
            problems.path = Some("A path starting with /, e.g. /LiveServer/MCUFactory/".to_owned());
        }
        let address = match self.address.trim() {
            "" => None,
            text => match text.parse::<IpAddr>() {
                Ok(ip) => Some(ip),
                Err(_) => {
                    problems.address = Some("An IP address (optional), e.g. 10.0.0.12".to_owned());
                    None
                }
            },
        };
        match port {
            Some(port) if problems == TargetProblems::default() => {
                let expected = if self.pool_fqdn.trim().is_empty() {
                    Vec::new()
                } else {
                    vec![self.pool_fqdn.trim().to_owned()]
                };
                Ok((
                    ProbeTarget {
                        host: self.server_fqdn.trim().to_owned(),
                        port,
                        path: path.to_owned(),
                        address,
                        protocol: self.protocol,
                    },
                    expected,
                ))
            }
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::gui::wizard::Wizard;

    #[test]
    fn run_is_enabled_exactly_when_the_target_is_valid() {
        let mut w = Wizard::default();
        assert!(!w.can_run());
        w.target.server_fqdn = "ocs1.contoso.com".into();
        assert!(w.can_run());
        w.target.port = "70000".into();
        assert!(!w.can_run());
        let problems = w.target.parse().unwrap_err();
        assert!(problems.port.is_some() && problems.server_fqdn.is_none());
        w.target.port = "444".into();
        w.target.address = "10.0.0.300".into();
        assert!(w.target.parse().unwrap_err().address.is_some());
        w.target.address = "10.0.0.12".into();
        let (target, names) = w.target.parse().expect("valid");
        assert_eq!(target.address, Some("10.0.0.12".parse().expect("ip")));
        assert!(names.is_empty());
        w.target.server_fqdn = "bad name!".into();
        assert!(w.target.parse().unwrap_err().server_fqdn.is_some());
    }
}
