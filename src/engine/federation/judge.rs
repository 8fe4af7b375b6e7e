//! Federation facts → `federation.*` findings. Pure: the same facts give the same findings. The
//! targets' own check findings (chain, purposes, names, mutual TLS) are added by the producer.

use crate::engine::facts::federation::{
    CLIENT_SRV_PREFIX, DnsOutcome, FEDERATION_SRV_PREFIX, FederationFacts, TargetStatus,
};
use crate::engine::finding::{Finding, Severity, ids, sort_findings};

/// The `federation.*` findings of `facts`. `cancelled`: the run stopped early, so nothing is a pass.
pub fn judge(facts: &FederationFacts, cancelled: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let domain = &facts.sip_domain;
    let federation_lookup = facts
        .lookups
        .iter()
        .find(|l| l.name.starts_with(FEDERATION_SRV_PREFIX));
    let client_lookup = facts
        .lookups
        .iter()
        .find(|l| l.name.starts_with(CLIENT_SRV_PREFIX));
    let lookups_words = facts
        .lookups
        .iter()
        .map(|l| {
            let mut s = format!("{}: {}", l.name, l.outcome.label());
            if !l.detail.is_empty() && l.outcome != DnsOutcome::Found {
                s.push_str(&format!(" ({})", l.detail));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ");
    let server = if facts.dns_server == "system" {
        "this computer's DNS servers".to_owned()
    } else {
        format!("the DNS server {}", facts.dns_server)
    };
    match federation_lookup.map(|l| l.outcome) {
        Some(DnsOutcome::Found) => {}
        Some(DnsOutcome::NoRecords | DnsOutcome::NxDomain | DnsOutcome::ServiceRefused) => {
            let fallback = match (client_lookup, &facts.srv_used) {
                (Some(_), Some(used)) => format!(
                    " The clients' record {used} exists, so its targets were checked below; but partners' Edge servers do not look it up to federate."
                ),
                _ => String::new(),
            };
            out.push(Finding::new(
                ids::FEDERATION_NO_SRV_RECORD,
                Severity::Fail,
                format!("{domain} publishes no federation SRV record: partners cannot find its access edge"),
                format!(
                    "Asked {server}. {lookups_words}.{fallback} An Edge server with open federation (discovery) finds a partner only through _sipfederationtls._tcp.{domain}."
                ),
                "Publish _sipfederationtls._tcp.<domain> SRV 0 0 5061 <access edge FQDN> in the public zone (check with Resolve-DnsName -Type SRV); a partner can still federate by adding the domain with its Access Edge FQDN by hand.",
            ));
        }
        Some(DnsOutcome::Timeout | DnsOutcome::Error) => {
            out.push(Finding::new(
                ids::FEDERATION_DNS_FAILED,
                Severity::Fail,
                format!("DNS did not answer for {domain}: federation was not checked"),
                format!(
                    "Asked {server}. {lookups_words}. Without the SRV answer certwiz does not know where the access edge is, so nothing was checked: this is not an all-clear."
                ),
                "Check the DNS server (Resolve-DnsName -Type SRV _sipfederationtls._tcp.<domain> -Server <dns>), or give another with --dns-server; on the Edge server, check the external DNS servers it uses.",
            ));
        }
        Some(DnsOutcome::NotAsked) | None => {}
    }
    for target in &facts.targets {
        let label = target.label();
        match target.status {
            TargetStatus::Unresolvable => out.push(Finding::new(
                ids::FEDERATION_SRV_TARGET_UNRESOLVABLE,
                Severity::Fail,
                format!("{label}: the SRV target has no address, so it was not checked"),
                format!(
                    "{} names {} (priority {}, weight {}); looking up its address gave: {}. A partner's Edge server cannot connect to it either.",
                    facts.srv_used.as_deref().unwrap_or("The SRV record"),
                    target.host,
                    target.priority,
                    target.weight,
                    target.resolve_error.as_deref().unwrap_or("nothing"),
                ),
                "Publish an A record for the target name, or correct the SRV record to the access edge FQDN that has one; certwiz federation ... --resolve NAME=IP checks it meanwhile.",
            )),
            TargetStatus::Checked if !target.names.is_empty() => {
                let words: Vec<String> = target
                    .names
                    .iter()
                    .map(|n| match &n.matched_by {
                        Some(by) => format!("{} (matched by {by})", n.expected),
                        None => format!("{} (not named)", n.expected),
                    })
                    .collect();
                out.push(Finding::new(
                    ids::FEDERATION_CERTIFICATE_NAMES,
                    Severity::Info,
                    format!("{label}: names in the certificate: {}", words.join(", ")),
                    "A federating Edge server checks that the certificate names the SRV target (cert.name-mismatch when it does not); the SIP domain itself need not be in it.".to_owned(),
                    "Nothing to do when the SRV target name matched.",
                ));
            }
            _ => {}
        }
    }
    let unchecked: Vec<String> = facts
        .targets
        .iter()
        .filter(|t| t.status == TargetStatus::NotChecked)
        .map(|t| t.label())
        .collect();
    if !unchecked.is_empty() && !cancelled {
        out.push(Finding::new(
            ids::FEDERATION_TARGETS_NOT_CHECKED,
            Severity::Warn,
            format!("{} SRV target(s) not checked", unchecked.len()),
            format!(
                "certwiz checks at most {} targets at once; not checked: {}. An unchecked target is not an all-clear.",
                super::MAX_TARGETS,
                unchecked.join(", ")
            ),
            "Check them with certwiz check TARGET:PORT, or with --resolve one at a time.",
        ));
    }
    let all_checked = !facts.targets.is_empty()
        && facts
            .targets
            .iter()
            .all(|t| t.status == TargetStatus::Checked && t.verdict.is_some());
    let no_failure = facts
        .targets
        .iter()
        .all(|t| t.failures == 0 && t.verdict.as_deref() != Some("cancelled"));
    let from_federation_record = federation_lookup.map(|l| l.outcome) == Some(DnsOutcome::Found);
    if from_federation_record
        && all_checked
        && no_failure
        && !cancelled
        && !out
            .iter()
            .any(|f| matches!(f.severity, Severity::Fail | Severity::Warn))
    {
        let targets: Vec<String> = facts.targets.iter().map(|t| t.label()).collect();
        out.push(Finding::new(
            ids::FEDERATION_OK,
            Severity::Pass,
            format!("Every access edge of {domain} answered as a federation peer expects"),
            format!(
                "{} lists {}; each resolved and was checked with no failure (chain, names, purposes, the client-certificate request).",
                facts.srv_used.as_deref().unwrap_or_default(),
                targets.join(", ")
            ),
            "Nothing to do.",
        ));
    }
    sort_findings(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::facts::federation::{AddressSource, FederationTarget, SrvLookup};

    fn target(host: &str, status: TargetStatus, failures: usize) -> FederationTarget {
        FederationTarget {
            host: host.into(),
            port: 5061,
            priority: 0,
            weight: 0,
            address_source: AddressSource::Dns,
            addresses: vec!["192.0.2.1".into()],
            resolve_error: None,
            status,
            names: Vec::new(),
            client_certificate_requested: Some(true),
            acceptable_ca_names: Vec::new(),
            verdict: (status == TargetStatus::Checked).then(|| "pass".to_owned()),
            failures,
            warnings: 0,
        }
    }

    fn facts(targets: Vec<FederationTarget>) -> FederationFacts {
        FederationFacts {
            sip_domain: "contoso.com".into(),
            dns_server: "system".into(),
            lookups: vec![SrvLookup {
                name: "_sipfederationtls._tcp.contoso.com".into(),
                outcome: DnsOutcome::Found,
                detail: String::new(),
                records: targets.len(),
            }],
            srv_used: Some("_sipfederationtls._tcp.contoso.com".into()),
            targets,
        }
    }

    fn ids(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.id.as_str()).collect()
    }

    #[test]
    fn every_target_checked_without_failure_is_the_only_pass() {
        let healthy = facts(vec![target("sip.contoso.com", TargetStatus::Checked, 0)]);
        assert_eq!(ids(&judge(&healthy, false)), [ids::FEDERATION_OK]);
        // Cancelled: nothing is a pass.
        assert!(judge(&healthy, true).is_empty());
        // A target with a failure of its own: no pass here (its finding comes from its check).
        let failing = facts(vec![target("sip.contoso.com", TargetStatus::Checked, 1)]);
        assert!(judge(&failing, false).is_empty());
    }

    #[test]
    fn unchecked_targets_are_never_a_pass() {
        let mut many: Vec<FederationTarget> = (0..super::super::MAX_TARGETS)
            .map(|i| target(&format!("sip{i}.contoso.com"), TargetStatus::Checked, 0))
            .collect();
        many.push(target("late.contoso.com", TargetStatus::NotChecked, 0));
        let found = judge(&facts(many), false);
        assert_eq!(ids(&found), [ids::FEDERATION_TARGETS_NOT_CHECKED]);
        assert!(found[0].detail.contains("late.contoso.com:5061"));
        let unresolved = facts(vec![target(
            "sip.contoso.com",
            TargetStatus::Unresolvable,
            0,
        )]);
        assert_eq!(
            ids(&judge(&unresolved, false)),
            [ids::FEDERATION_SRV_TARGET_UNRESOLVABLE]
        );
    }
}
