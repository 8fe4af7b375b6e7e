//! Does the certificate carry the names clients will ask for (pool FQDN, server FQDN)?
//!
//! Names are matched against the Subject Alternative Name DNS entries (and IP entries for addresses);
//! the subject common name counts only when there is no SAN, as RFC 6125 and Schannel do. Wildcards
//! follow RFC 6125: only as the whole left-most label, matching exactly one label, never for a name with
//! fewer than three labels.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::engine::cert::CertificateFacts;

/// How an expected name was found, or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameCheck {
    /// The name that was expected, as given.
    pub expected: String,
    /// The certificate entry that matched it (`SAN DNS:...`, `SAN IP:...`, `CN:...`), if any.
    pub matched_by: Option<String>,
}

impl NameCheck {
    /// Whether the name was found.
    pub fn matched(&self) -> bool {
        self.matched_by.is_some()
    }
}

/// Checks each expected name against the certificate.
pub fn check_names(facts: &CertificateFacts, expected: &[String]) -> Vec<NameCheck> {
    expected
        .iter()
        .map(|name| NameCheck {
            expected: name.clone(),
            matched_by: match_one(facts, name),
        })
        .collect()
}

fn match_one(facts: &CertificateFacts, expected: &str) -> Option<String> {
    let wanted = expected.trim();
    if let Ok(ip) = wanted
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        return facts
            .san_ip
            .iter()
            .find(|entry| entry.parse::<IpAddr>().is_ok_and(|e| e == ip))
            .map(|entry| format!("SAN IP:{entry}"));
    }
    if facts.san_dns.is_empty() && facts.san_ip.is_empty() {
        let cn = facts.common_name.clone()?;
        return dns_matches(&cn, wanted).then(|| format!("CN:{cn}"));
    }
    facts
        .san_dns
        .iter()
        .find(|pattern| dns_matches(pattern, wanted))
        .map(|pattern| format!("SAN DNS:{pattern}"))
}

/// RFC 6125 matching of a certificate DNS pattern against a host name, case-insensitive, ignoring a
/// trailing dot.
pub fn dns_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    if pattern.is_empty() || host.is_empty() {
        return false;
    }
    match pattern.strip_prefix("*.") {
        Some(rest) => {
            // A wildcard must leave at least two labels after it (*.contoso.com, not *.com).
            if rest.contains('*') || rest.split('.').count() < 2 {
                return false;
            }
            match host.split_once('.') {
                Some((first, host_rest)) => !first.is_empty() && host_rest == rest,
                None => false,
            }
        }
        None => !pattern.contains('*') && pattern == host,
    }
}

/// The SAN DNS entries that are wildcards.
pub fn wildcard_entries(facts: &CertificateFacts) -> Vec<String> {
    facts
        .san_dns
        .iter()
        .filter(|n| n.contains('*'))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::dns_matches;

    #[test]
    fn exact_names_match_case_insensitively() {
        assert!(dns_matches("Pool01.Contoso.com", "pool01.contoso.com"));
        assert!(dns_matches("pool01.contoso.com.", "pool01.contoso.com"));
        assert!(!dns_matches("pool01.contoso.com", "pool02.contoso.com"));
    }

    #[test]
    fn wildcards_follow_rfc_6125() {
        assert!(dns_matches("*.contoso.com", "pool01.contoso.com"));
        assert!(!dns_matches("*.contoso.com", "a.pool01.contoso.com"));
        assert!(!dns_matches("*.contoso.com", "contoso.com"));
        assert!(!dns_matches("*.com", "contoso.com"));
        assert!(!dns_matches("pool*.contoso.com", "pool01.contoso.com"));
        assert!(!dns_matches("*.*.contoso.com", "a.b.contoso.com"));
    }
}
