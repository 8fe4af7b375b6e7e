//! The DNS part of the federation check: SRV records and the targets' addresses, through
//! `hickory-resolver` on a small current-thread tokio runtime (the resolver is async only). Every
//! lookup is bounded by the step timeout; a failure comes back as a [`DnsOutcome`] with the
//! resolver's words, never as a panic.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::{Resolver, TokioResolver};

use crate::engine::facts::federation::DnsOutcome;

/// One SRV record, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvRecord {
    /// Lower is tried first.
    pub priority: u16,
    /// Share of the load within one priority.
    pub weight: u16,
    /// The port.
    pub port: u16,
    /// The target host, without the trailing dot (`.` alone when the service is refused).
    pub target: String,
}

/// What one lookup gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer<T> {
    /// How it ended.
    pub outcome: DnsOutcome,
    /// The records (empty unless `outcome` is `Found`).
    pub records: Vec<T>,
    /// The resolver's words when it failed.
    pub detail: String,
}

/// A resolver and the runtime it runs on, kept for one federation check.
pub struct Dns {
    runtime: tokio::runtime::Runtime,
    resolver: TokioResolver,
    timeout: Duration,
}

/// Why no resolver could be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DnsSetupError {
    /// The async runtime could not start.
    #[error("cannot start the DNS runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The system's resolver settings could not be read.
    #[error("cannot read this computer's DNS settings ({0}); give a DNS server with --dns-server")]
    SystemConfig(String),
    /// The resolver refused its configuration.
    #[error("cannot set up the DNS resolver: {0}")]
    Resolver(String),
}

impl Dns {
    /// A resolver asking `server` (UDP, then TCP for truncated answers), or the computer's
    /// configured servers when `None`. Each lookup waits at most `timeout`.
    pub fn new(server: Option<SocketAddr>, timeout: Duration) -> Result<Dns, DnsSetupError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(DnsSetupError::Runtime)?;
        let mut builder = match server {
            Some(addr) => {
                let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
                for connection in &mut ns.connections {
                    connection.port = addr.port();
                }
                Resolver::builder_with_config(
                    ResolverConfig::from_name_servers(vec![ns]),
                    TokioRuntimeProvider::default(),
                )
            }
            None => {
                // The system configuration is read inside the runtime: the provider needs a handle.
                let _guard = runtime.enter();
                TokioResolver::builder_tokio()
                    .map_err(|e| DnsSetupError::SystemConfig(e.to_string()))?
            }
        };
        let options: &mut ResolverOpts = builder.options_mut();
        options.timeout = timeout;
        // One try per server: the whole lookup is bounded by the timeout anyway, and a silent
        // server must come back as "no answer" within it.
        options.attempts = 1;
        options.cache_size = 0;
        let resolver = {
            let _guard = runtime.enter();
            builder
                .build()
                .map_err(|e| DnsSetupError::Resolver(e.to_string()))?
        };
        Ok(Dns {
            runtime,
            resolver,
            timeout,
        })
    }

    /// The SRV records of `name` (a fully qualified name is asked as is: no search domains).
    pub fn srv(&self, name: &str) -> Answer<SrvRecord> {
        let fqdn = format!("{}.", name.trim_end_matches('.'));
        let result = self.bounded(self.resolver.srv_lookup(fqdn));
        match result {
            Ok(lookup) => {
                let records: Vec<SrvRecord> = lookup
                    .answers()
                    .iter()
                    .filter_map(|record| match &record.data {
                        RData::SRV(srv) => Some(SrvRecord {
                            priority: srv.priority,
                            weight: srv.weight,
                            port: srv.port,
                            target: trim_dot(&srv.target.to_ascii()),
                        }),
                        _ => None,
                    })
                    .collect();
                if records.is_empty() {
                    return failed(DnsOutcome::NoRecords, "the answer held no SRV record");
                }
                // RFC 2782: a target of "." means the service is decidedly not offered; such a
                // record beside real ones names nothing to connect to.
                let records: Vec<SrvRecord> = records
                    .into_iter()
                    .filter(|r| !r.target.is_empty() && r.target != ".")
                    .collect();
                if records.is_empty() {
                    return failed(
                        DnsOutcome::ServiceRefused,
                        "the only SRV record has the target \".\"",
                    );
                }
                Answer {
                    outcome: DnsOutcome::Found,
                    records,
                    detail: String::new(),
                }
            }
            Err(e) => e,
        }
    }

    /// The addresses of `host` (A and AAAA, IPv4 first).
    pub fn addresses(&self, host: &str) -> Answer<IpAddr> {
        let fqdn = format!("{}.", host.trim_end_matches('.'));
        match self.bounded(self.resolver.lookup_ip(fqdn)) {
            Ok(lookup) => {
                let records: Vec<IpAddr> = lookup.iter().collect();
                if records.is_empty() {
                    return failed(DnsOutcome::NoRecords, "no A or AAAA record");
                }
                Answer {
                    outcome: DnsOutcome::Found,
                    records,
                    detail: String::new(),
                }
            }
            Err(e) => e,
        }
    }

    /// Runs one lookup on the runtime, bounded by the timeout (twice it, and a second, for a
    /// resolver that would fall back from UDP to TCP), and classifies a failure.
    fn bounded<T, X>(
        &self,
        lookup: impl std::future::Future<Output = Result<T, NetError>>,
    ) -> Result<T, Answer<X>> {
        let bound = self.timeout * 2 + Duration::from_secs(1);
        match self
            .runtime
            .block_on(async { tokio::time::timeout(bound, lookup).await })
        {
            Ok(Ok(found)) => Ok(found),
            Ok(Err(e)) => Err(classify(&e)),
            Err(_) => Err(failed(
                DnsOutcome::Timeout,
                &format!("no answer within {} s", bound.as_secs_f64()),
            )),
        }
    }
}

fn failed<T>(outcome: DnsOutcome, detail: &str) -> Answer<T> {
    Answer {
        outcome,
        records: Vec::new(),
        detail: detail.to_owned(),
    }
}

/// The resolver's error as an outcome.
fn classify<T>(e: &NetError) -> Answer<T> {
    let outcome = if e.is_nx_domain() {
        DnsOutcome::NxDomain
    } else if e.is_no_records_found() {
        DnsOutcome::NoRecords
    } else if matches!(e, NetError::Timeout) {
        DnsOutcome::Timeout
    } else {
        DnsOutcome::Error
    };
    let detail = match (outcome, e) {
        (DnsOutcome::Error, NetError::Dns(hickory_resolver::net::DnsError::ResponseCode(code))) => {
            response_code_words(*code)
        }
        _ => e.to_string(),
    };
    failed(outcome, &detail)
}

fn response_code_words(code: ResponseCode) -> String {
    match code {
        ResponseCode::ServFail => {
            "the DNS server answered SERVFAIL (it could not get an answer itself)".to_owned()
        }
        ResponseCode::Refused => "the DNS server refused the query (REFUSED)".to_owned(),
        other => format!("the DNS server answered {other}"),
    }
}

fn trim_dot(name: &str) -> String {
    if name == "." {
        return ".".to_owned();
    }
    name.trim_end_matches('.').to_owned()
}

/// Sorts SRV records as RFC 2782 has clients try them: lowest priority first; within one priority
/// the heaviest weight first (RFC 2782 picks by weighted chance; a report must be deterministic, so
/// it lists the most likely first), then by name and port.
pub fn rfc2782_order(records: &mut [SrvRecord]) {
    records.sort_by(|a, b| {
        a.priority
            .cmp(&b.priority)
            .then(b.weight.cmp(&a.weight))
            .then_with(|| {
                a.target
                    .to_ascii_lowercase()
                    .cmp(&b.target.to_ascii_lowercase())
            })
            .then(a.port.cmp(&b.port))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srv(priority: u16, weight: u16, target: &str) -> SrvRecord {
        SrvRecord {
            priority,
            weight,
            port: 5061,
            target: target.to_owned(),
        }
    }

    #[test]
    fn priority_then_heaviest_weight_then_name() {
        let mut records = vec![
            srv(20, 100, "c.example"),
            srv(10, 10, "b.example"),
            srv(10, 60, "z.example"),
            srv(10, 60, "a.example"),
        ];
        rfc2782_order(&mut records);
        let order: Vec<&str> = records.iter().map(|r| r.target.as_str()).collect();
        assert_eq!(order, ["a.example", "z.example", "b.example", "c.example"]);
    }
}
