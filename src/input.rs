//! What the front ends share about reading what a person typed: a server as `HOST`, `HOST:PORT` or
//! `[IPv6]:PORT`, optionally followed by an IP address to connect to. The CLI's `pool` members and the
//! wizard's pool step read them the same way, so one spelling works everywhere.

use crate::engine::probe::ProbeTarget;

/// Why a typed server could not be read; each message quotes what was typed and says what is expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// The word after the name is not an IP address.
    #[error("{spec:?}: {word:?} is not an IP address")]
    NotAnAddress {
        /// The line as typed.
        spec: String,
        /// The word that should have been an address.
        word: String,
    },
    /// More than a name and an address.
    #[error("{spec:?}: give a name, an optional :port and an optional IP address")]
    TooManyWords {
        /// The line as typed.
        spec: String,
    },
    /// `[` without `]`.
    #[error("{spec:?}: an IPv6 address needs its closing ]")]
    UnclosedBracket {
        /// The line as typed.
        spec: String,
    },
    /// Something after `[address]` that is not `:port`.
    #[error("{spec:?}: unexpected text after the address")]
    AfterAddress {
        /// The line as typed.
        spec: String,
    },
    /// The port is not 1-65535.
    #[error("{spec:?}: {port:?} is not a port number (1-65535)")]
    BadPort {
        /// The line as typed.
        spec: String,
        /// The port as typed.
        port: String,
    },
    /// The name has characters no host name has.
    #[error("{spec:?}: not a server name (e.g. fe1.contoso.com or fe1.contoso.com:444)")]
    NotAName {
        /// The line as typed.
        spec: String,
    },
}

/// Reads one member as typed: `host`, `host:port`, `[IPv6]:port`, optionally followed by an IP
/// address to connect to instead of resolving the name (`fe1.contoso.com:444 10.0.0.11`).
/// `address` (the command's `--address`) applies when the line names none.
pub fn parse_target(
    spec: &str,
    default_port: u16,
    address: Option<std::net::IpAddr>,
) -> Result<ProbeTarget, TargetError> {
    let mut words = spec.split_whitespace();
    let name = words.next().unwrap_or_default();
    let connect = match words.next() {
        Some(ip) => {
            Some(
                ip.parse::<std::net::IpAddr>()
                    .map_err(|_| TargetError::NotAnAddress {
                        spec: spec.to_owned(),
                        word: ip.to_owned(),
                    })?,
            )
        }
        None => address,
    };
    if words.next().is_some() {
        return Err(TargetError::TooManyWords {
            spec: spec.to_owned(),
        });
    }
    let (host, port) = if let Some(rest) = name.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| TargetError::UnclosedBracket {
                spec: spec.to_owned(),
            })?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => {
                return Err(TargetError::AfterAddress {
                    spec: spec.to_owned(),
                });
            }
        };
        (host, port)
    } else {
        match name.rsplit_once(':') {
            Some((host, port)) if !host.contains(':') => (host, Some(port)),
            _ => (name, None),
        }
    };
    let port = match port {
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => {
                return Err(TargetError::BadPort {
                    spec: spec.to_owned(),
                    port: p.to_owned(),
                });
            }
        },
        None => default_port,
    };
    let valid = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    if !valid {
        return Err(TargetError::NotAName {
            spec: spec.to_owned(),
        });
    }
    Ok(ProbeTarget {
        host: host.to_owned(),
        port,
        path: crate::engine::probe::DEFAULT_PATH.to_owned(),
        address: connect,
        protocol: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_target;

    #[test]
    fn members_as_typed() {
        let t = parse_target("fe1.contoso.com", 444, None).expect("plain");
        assert_eq!(
            (t.host.as_str(), t.port, t.address),
            ("fe1.contoso.com", 444, None)
        );
        let t = parse_target("fe2.contoso.com:5061 10.0.0.12", 444, None).expect("port and ip");
        assert_eq!(t.port, 5061);
        assert_eq!(t.address, Some("10.0.0.12".parse().expect("ip")));
        let t = parse_target("[fe80::1]:444", 443, None).expect("v6");
        assert_eq!((t.host.as_str(), t.port), ("fe80::1", 444));
        let t = parse_target("fe3", 444, Some("127.0.0.1".parse().expect("ip"))).expect("global");
        assert_eq!(t.address, Some("127.0.0.1".parse().expect("ip")));
        for bad in ["fe1:0", "fe1:http", "fe 1 2", "fe1 notanip", "a/b", "[::1"] {
            assert!(parse_target(bad, 444, None).is_err(), "{bad}");
        }
    }
}
