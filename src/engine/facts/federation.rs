//! What `certwiz federation DOMAIN` found, as plain data: the SRV lookups, the targets in the order a
//! federation peer tries them, and what each target's check showed. The findings say what it means;
//! this is what the report and the GUI show.

use serde::{Deserialize, Serialize};

use crate::engine::names::NameCheck;

/// The two SRV names a partner's SIP domain can publish, in the order certwiz asks for them.
pub const FEDERATION_SRV_PREFIX: &str = "_sipfederationtls._tcp";
/// The clients' record (`_sip._tls`): partners' Edge servers do not use it to find a domain, but it
/// often points to the same access edge, so certwiz checks its targets when the federation record
/// is missing.
pub const CLIENT_SRV_PREFIX: &str = "_sip._tls";

/// Everything the federation check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FederationFacts {
    /// The partner's SIP domain as given.
    pub sip_domain: String,
    /// The DNS server asked (`--dns-server`), or `system` for the computer's resolver settings.
    pub dns_server: String,
    /// Each SRV lookup made, in order.
    pub lookups: Vec<SrvLookup>,
    /// The SRV name the targets came from, when one had records.
    pub srv_used: Option<String>,
    /// The targets, in the order a peer tries them (priority, then weight); those beyond certwiz's
    /// limit are listed with the status `not-checked`.
    pub targets: Vec<FederationTarget>,
}

/// One SRV lookup and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SrvLookup {
    /// The name asked (`_sipfederationtls._tcp.contoso.com`).
    pub name: String,
    /// How it ended.
    pub outcome: DnsOutcome,
    /// What the resolver said, in its words (empty when records came back).
    pub detail: String,
    /// How many SRV records came back.
    pub records: usize,
}

/// How a DNS lookup ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DnsOutcome {
    /// Records came back.
    Found,
    /// The name exists but has no record of this type (NOERROR, empty answer).
    NoRecords,
    /// The name does not exist (NXDOMAIN).
    NxDomain,
    /// The only SRV record says "not available here" (target `.`, RFC 2782).
    ServiceRefused,
    /// No answer within the timeout.
    Timeout,
    /// Another failure: SERVFAIL, REFUSED, a network error.
    Error,
    /// Not asked: the run was cancelled first.
    NotAsked,
}

impl DnsOutcome {
    /// Words for a reader.
    pub fn label(self) -> &'static str {
        match self {
            DnsOutcome::Found => "found",
            DnsOutcome::NoRecords => "no record of that type",
            DnsOutcome::NxDomain => "name does not exist (NXDOMAIN)",
            DnsOutcome::ServiceRefused => "service decidedly not available (target \".\")",
            DnsOutcome::Timeout => "no answer (timeout)",
            DnsOutcome::Error => "DNS error",
            DnsOutcome::NotAsked => "not asked (cancelled)",
        }
    }
}

/// Where a target's address came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AddressSource {
    /// The target's A / AAAA records.
    Dns,
    /// `--resolve NAME=IP`.
    ResolveOption,
    /// `--address IP`.
    AddressOption,
}

/// What became of one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetStatus {
    /// Checked: its check's findings are in the report.
    Checked,
    /// Its name did not resolve to an address: not checked.
    Unresolvable,
    /// Not checked: the run was cancelled first, or the target was beyond certwiz's limit.
    NotChecked,
}

/// One SRV target and what its check showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FederationTarget {
    /// The SRV target name (the access edge FQDN), used for SNI and the name check.
    pub host: String,
    /// The port checked (the SRV port, or `--port`).
    pub port: u16,
    /// SRV priority (lower is tried first).
    pub priority: u16,
    /// SRV weight (share of the load within one priority).
    pub weight: u16,
    /// Where the address came from.
    pub address_source: AddressSource,
    /// The addresses found; the first one is connected to.
    pub addresses: Vec<String>,
    /// Why the name did not resolve, when it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve_error: Option<String>,
    /// What became of it.
    pub status: TargetStatus,
    /// The SRV target name and the SIP domain, each against the presented certificate.
    pub names: Vec<NameCheck>,
    /// Whether the target asked for a client certificate (`None`: no handshake to tell).
    pub client_certificate_requested: Option<bool>,
    /// The CA names it listed as acceptable for client certificates.
    pub acceptable_ca_names: Vec<String>,
    /// The verdict of its own check (`pass`, `warn`, `fail`, `cancelled`), when checked.
    pub verdict: Option<String>,
    /// How many fail and warn findings its check had.
    pub failures: usize,
    /// See `failures`.
    pub warnings: usize,
}

impl FederationTarget {
    /// `host:port`.
    pub fn label(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}
