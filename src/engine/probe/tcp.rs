//! Step 1: resolve the host (or take `--address`) and open a TCP connection, listing every address
//! tried and what happened.

use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{CancelFlag, ProbeTarget};

/// What happened when connecting to one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "result", content = "reason")]
pub enum ConnectOutcome {
    /// The port accepted the connection.
    Open,
    /// The host answered that nothing listens on the port (TCP reset).
    Refused,
    /// No answer before the timeout (a firewall dropping packets, or the host is down).
    Timeout,
    /// Any other failure (network unreachable, ...), with the system's words.
    Failed(String),
    /// Not tried because an earlier address worked or the check was cancelled.
    NotTried,
}

/// One address and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressAttempt {
    /// `ip:port`.
    pub address: String,
    /// The result.
    pub outcome: ConnectOutcome,
}

/// What the connect step found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectFacts {
    /// Where the addresses came from: `--address`, `literal` (HOST is an IP) or `dns`.
    pub resolved_by: String,
    /// Set when name resolution failed, with the reason.
    pub resolve_error: Option<String>,
    /// Every address, in the order tried.
    pub attempts: Vec<AddressAttempt>,
    /// The address that answered.
    pub connected: Option<String>,
}

impl ConnectFacts {
    /// The addresses tried, in order, joined for a sentence; `none` when none was tried.
    pub fn tried_text(&self, none: &str) -> String {
        if self.attempts.is_empty() {
            return none.to_owned();
        }
        self.attempts
            .iter()
            .map(|a| a.address.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether a connection was made.
    pub fn is_open(&self) -> bool {
        self.connected.is_some()
    }

    /// The attempts that failed for another reason than refused or timed out: "address: reason".
    pub fn other_failures(&self) -> Vec<String> {
        self.attempts
            .iter()
            .filter_map(|a| match &a.outcome {
                ConnectOutcome::Failed(r) => Some(format!("{}: {r}", a.address)),
                _ => None,
            })
            .collect()
    }
}

/// Resolves `target` and connects to the first address that accepts within `timeout`.
pub fn connect(
    target: &ProbeTarget,
    timeout: Duration,
    cancel: &CancelFlag,
) -> (ConnectFacts, Option<TcpStream>) {
    let (resolved_by, addresses) = match resolve(target, timeout) {
        Ok(found) => found,
        Err(reason) => {
            return (
                ConnectFacts {
                    resolved_by: "dns".into(),
                    resolve_error: Some(reason),
                    attempts: Vec::new(),
                    connected: None,
                },
                None,
            );
        }
    };
    let mut facts = ConnectFacts {
        resolved_by,
        resolve_error: None,
        attempts: Vec::new(),
        connected: None,
    };
    let mut stream = None;
    for addr in addresses {
        let outcome = if stream.is_some() || cancel.is_cancelled() {
            ConnectOutcome::NotTried
        } else {
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    stream = Some(s);
                    facts.connected = Some(addr.to_string());
                    ConnectOutcome::Open
                }
                Err(e) => classify(&e),
            }
        };
        facts.attempts.push(AddressAttempt {
            address: addr.to_string(),
            outcome,
        });
    }
    (facts, stream)
}

fn classify(e: &std::io::Error) -> ConnectOutcome {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => ConnectOutcome::Refused,
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => ConnectOutcome::Timeout,
        _ => ConnectOutcome::Failed(e.to_string()),
    }
}

/// The addresses to try. DNS runs on a helper thread so that a resolver that never answers cannot hold
/// the check past its timeout.
fn resolve(target: &ProbeTarget, timeout: Duration) -> Result<(String, Vec<SocketAddr>), String> {
    if let Some(ip) = target.address {
        return Ok(("--address".into(), vec![SocketAddr::new(ip, target.port)]));
    }
    let bare = target.host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(("literal".into(), vec![SocketAddr::new(ip, target.port)]));
    }
    let (tx, rx) = mpsc::channel();
    let host = target.host.clone();
    let port = target.port;
    let started = Instant::now();
    std::thread::spawn(move || {
        let result = (host.as_str(), port)
            .to_socket_addrs()
            .map(|it| it.collect::<Vec<_>>());
        let _ = tx.send(result);
    });
    match rx.recv_timeout(timeout) {
        Ok(Ok(addrs)) if !addrs.is_empty() => Ok(("dns".into(), addrs)),
        Ok(Ok(_)) => Err(format!(
            "{} has no address (DNS returned nothing)",
            target.host
        )),
        Ok(Err(e)) => Err(format!("{} could not be resolved: {e}", target.host)),
        Err(_) => Err(format!(
            "{} could not be resolved: DNS did not answer within {} s",
            target.host,
            started.elapsed().as_secs()
        )),
    }
}
