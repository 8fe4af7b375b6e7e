//! Step 9's "Federation partner" check: a partner's SIP domain, its SRV record and every access edge
//! it names, checked by the same producer as `certwiz federation` (off the UI thread).

use std::net::SocketAddr;

use time::OffsetDateTime;

use crate::engine::federation::FederationRequest;
use crate::engine::report::Report;
use crate::gui::wizard::Wizard;

/// The federation partner check.
#[derive(Debug, Default)]
pub struct FederationState {
    /// The partner's SIP domain as typed.
    pub domain: String,
    /// A DNS server to ask (`IP` or `IP:PORT`), empty for this computer's.
    pub dns_server: String,
    /// The last run's report.
    pub report: Option<Report>,
    /// A run is going on.
    pub running: bool,
    /// Why the input could not be used, shown inline.
    pub error: Option<String>,
}

/// The federation partner check.
impl Wizard {
    /// The federation check to run, and whether the system trust store is to be loaded as its
    /// anchors (when step 3 holds no root: a federation peer trusts public CAs). None, with the
    /// reason shown, when the domain or the DNS server cannot be read.
    pub fn federation_request(&mut self) -> Option<(FederationRequest, bool)> {
        let domain = self
            .federation
            .domain
            .trim()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let valid = !domain.is_empty()
            && domain.len() <= 253
            && domain.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if !valid {
            self.federation.error = Some("enter the partner's SIP domain, e.g. contoso.com".into());
            return None;
        }
        let typed = self.federation.dns_server.trim();
        let dns_server = if typed.is_empty() {
            None
        } else if let Ok(ip) = typed.parse::<std::net::IpAddr>() {
            Some(SocketAddr::new(ip, 53))
        } else if let Ok(addr) = typed.parse::<SocketAddr>() {
            Some(addr)
        } else {
            self.federation.error = Some(format!(
                "DNS server {typed}: give an IP address, optionally with :PORT"
            ));
            return None;
        };
        let anchors = self.local_trust_anchors();
        let system_roots = anchors.is_empty();
        // The certificate of step 3, presented as our Edge's: a partner's edge asks for it before
        // it answers SIP.
        let identity = self.client_identity();
        let client_chain = self.local.certificates.clone();
        self.federation.error = None;
        self.federation.running = true;
        self.status = format!("Checking the federation of {domain}…");
        Some((
            FederationRequest {
                sip_domain: domain,
                dns_server,
                resolve: Vec::new(),
                address: None,
                port: None,
                timeout: crate::engine::probe::DEFAULT_TIMEOUT,
                trust_anchors: anchors,
                identity,
                client_chain,
                at: OffsetDateTime::now_utc(),
                inputs: Vec::new(),
            },
            system_roots,
        ))
    }

    /// The federation check finished.
    pub fn on_federation_done(&mut self, report: Report) {
        self.federation.running = false;
        if self.refuses_results() {
            return;
        }
        self.status = format!("Federation: {}", report.verdict.summary);
        self.note("Federation partner check", &report.verdict.summary);
        self.federation.report = Some(report);
    }

    /// The federation check stopped without an answer.
    pub fn on_federation_stopped(&mut self) {
        self.federation.running = false;
        self.federation.error = Some("the federation check stopped unexpectedly".to_owned());
    }
}
