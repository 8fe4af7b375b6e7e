//! Matrix → findings: `pool.mtls-would-fail`, `pool.trust-asymmetric`, `pool.mtls-ok`, the
//! unreachable members' `port.*` / `tls.*` findings, and the name check of every member. Pure.

use crate::engine::finding::{Finding, Scope, Severity, ids, sort_findings};
use crate::engine::fixes::PathValues;

use super::group::commands;
use super::probe::PoolFacts;
use crate::engine::facts::pool::{MemberStatus, PoolMatrix, PoolMember};

/// Turns the matrix into findings, sorted (fail, warn, info, pass): one `pool.mtls-would-fail` per
/// cause of rejection, naming the calls it blocks (`group.rs`), a `pool.trust-asymmetric` note where
/// those calls work the other way round, `pool.mtls-ok` when no known pair is rejected, and for each member that did not answer the
/// `port.*` / `tls.*` finding `check` gives (its row and column are unknown).
pub fn judge(matrix: &PoolMatrix) -> Vec<Finding> {
    let mut out = Vec::new();
    if matrix.members.len() < 2 {
        out.push(Finding::new(
            ids::POOL_TOO_FEW_MEMBERS,
            Severity::Info,
            "A pool check needs at least two servers",
            format!(
                "certwiz was given {} distinct server(s); the trust matrix compares every pair of front ends.",
                matrix.members.len()
            ),
            "Name every front end of the pool: certwiz pool fe01.contoso.com fe02.contoso.com ... (Get-CsPool shows them).",
        ));
    }
    for member in &matrix.members {
        member_findings(member, &mut out);
    }
    // One finding per cause, with the members it affects (#16): the matrix keeps every cell.
    out.extend(super::group::grouped_findings(matrix));
    let known = matrix.cells.iter().filter(|c| c.accepted.is_some()).count();
    let rejected = matrix.cells.iter().any(|c| c.accepted == Some(false));
    if known > 0 && !rejected {
        out.push(all_accept(matrix, known));
    }
    if !matrix.trust_judged && known > 0 {
        out.push(Finding::new(
            ids::POOL_TRUST_NOT_JUDGED,
            Severity::Info,
            "Trust in the members' roots was not judged",
            "No trust anchors were given (--ca), so certwiz decided on what each server's acceptable-CA list names and on the certificates' purposes and dates. A server whose list names a CA may still not trust it (an intermediate in the wrong store, a list that is cut short).",
            "Give the pool's root CA certificates with --ca (export them from Trusted Root Certification Authorities) to also check that each member's chain builds to one of them.",
        ));
    }
    if matrix.cancelled {
        out.push(Finding::new(
            ids::POOL_CANCELLED,
            Severity::Info,
            "The pool check was cancelled",
            "Some members were not probed to the end; their rows and columns of the matrix are unknown.",
            "Run the check again.",
        ));
    }
    sort_findings(&mut out);
    out
}

fn member_findings(member: &PoolMember, out: &mut Vec<Finding>) {
    let (label, port) = (&member.label, member.port);
    let unknown_note = format!(
        "Its row and column of the pool matrix are unknown: certwiz cannot tell whether {label} trusts the other members or they trust it."
    );
    let (id, title, fix) = match member.status {
        MemberStatus::Answered => {
            if member.certificate.is_none() {
                out.push(Finding::new(
                    ids::POOL_MEMBER_UNKNOWN,
                    Severity::Fail,
                    format!("The certificate {label} presents cannot be read"),
                    format!(
                        "{label} answered TLS, but its certificate is not valid X.509, so no other member can accept it as a client certificate either. Its row of the pool matrix is unknown."
                    ),
                    format!(
                        "On {label}: check the certificate assigned to the conferencing service (Get-CsCertificate, or the OCS Certificate Wizard) and assign a valid one (Set-CsCertificate)."
                    ),
                ));
            }
            if member.certificate_requested == Some(true) && member.acceptable_ca_names.is_empty()
            {
                let mut finding = Finding::new(
                    ids::TLS_CLIENT_CA_LIST_EMPTY,
                    Severity::Warn,
                    format!("{label} asks for a client certificate but names no acceptable CA"),
                    "The CertificateRequest carries an empty list of trusted CAs. Schannel sends none when SendTrustedIssuerList is 0 (KB 933430), or when the Trusted Root store is too large to fit (over ~100 roots or 16 KB, KB 2880390). The calling members then have to guess which certificate to send, and certwiz cannot tell from the list whether it trusts their CAs.",
                    format!(
                        "On {label}, trim the Trusted Root Certification Authorities store to the CAs you need; or set HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\SendTrustedIssuerList to 0 deliberately (Lync/SfB guidance) and make sure each server has only one certificate valid for client authentication."
                    ),
                );
                finding.commands = commands(&[ids::TLS_CLIENT_CA_LIST_EMPTY], member, &PathValues::default());
                out.push(finding);
            }
            return;
        }
        MemberStatus::Cancelled => return,
        MemberStatus::DnsFailed => (
            ids::PORT_DNS_FAILED,
            format!("The name {label} could not be resolved"),
            format!(
                "Check the name for typos and that this machine uses the internal DNS servers (nslookup {}). To test a specific server, give its address and keep the FQDN as HOST.",
                member.host
            ),
        ),
        MemberStatus::Closed => (
            ids::PORT_CLOSED,
            format!("Nothing listens on port {port} of {label}"),
            format!(
                "On {label}: netstat -ano | findstr :{port} shows whether anything listens. Start the conferencing services (OCS: the Web Conferencing / IM Conferencing services; Lync/SfB: Start-CsWindowsService), and check the port in the topology."
            ),
        ),
        MemberStatus::Timeout | MemberStatus::Unreachable => (
            ids::PORT_TIMEOUT,
            format!("No answer from port {port} of {label}"),
            format!(
                "Check Windows Firewall on {label} (an inbound rule for TCP {port}) and any firewall in between; from this machine, Test-NetConnection {} -Port {port}.",
                member.host
            ),
        ),
        MemberStatus::Silent => (
            ids::PORT_SILENT,
            format!("Port {port} of {label} accepts connections but never answers TLS"),
            format!(
                "On {label}, find the owner of the port (netstat -ano | findstr :{port}) and restart that service."
            ),
        ),
        MemberStatus::NotTls => (
            ids::PORT_NOT_TLS,
            format!("Port {port} of {label} does not speak TLS"),
            format!(
                "Find what owns port {port} on {label} (netstat -ano | findstr :{port}; in IIS Manager, a site bound with http instead of https) and move it off the conferencing port."
            ),
        ),
        MemberStatus::RemoteClosed => (
            ids::TLS_REMOTE_CLOSED,
            format!("{label} closed the connection during the TLS handshake"),
            format!(
                "On {label}: netsh http show sslcert ipport=0.0.0.0:{port} to see the bound certificate; check the System log for Schannel and HttpEvent errors; re-assign the certificate (Set-CsCertificate, or the OCS Certificate Wizard)."
            ),
        ),
        MemberStatus::LegacyOnly => (
            ids::TLS_LEGACY_ONLY,
            format!("{label} speaks only TLS 1.0 / 1.1 and its certificate could not be read"),
            "On Windows Server 2008 R2 and later, enable TLS 1.2 for Schannel (KB 3140245 and the SCHANNEL\\Protocols registry keys), then restart the server.".to_owned(),
        ),
        MemberStatus::HandshakeFailed => (
            ids::TLS_HANDSHAKE_FAILED,
            format!("The TLS handshake with {label} failed"),
            format!(
                "Check the System event log on {label} for Schannel errors (36874 / 36888) and compare its enabled protocols and ciphers."
            ),
        ),
    };
    let mut finding = Finding::new(
        id,
        Severity::Fail,
        title,
        format!(
            "{label} is a member of the pool, but {}. {unknown_note}",
            member.status_text
        ),
        fix,
    );
    finding.commands = commands(&[id], member, &PathValues::default());
    out.push(finding);
}

fn all_accept(matrix: &PoolMatrix, known: usize) -> Finding {
    let unknown: Vec<&str> = matrix
        .members
        .iter()
        .filter(|m| !m.client_known() || !m.server_known())
        .map(|m| m.label.as_str())
        .collect();
    let anchors = if matrix.trust_judged {
        ", builds to a --ca trust anchor"
    } else {
        ""
    };
    let (title, scope) = if unknown.is_empty() {
        (
            "Every member of the pool accepts every other in mutual TLS".to_owned(),
            String::new(),
        )
    } else {
        (
            "The members that answered accept each other in mutual TLS".to_owned(),
            format!(
                " {} could not be judged (see the findings about {}).",
                unknown.join(", "),
                if unknown.len() == 1 { "it" } else { "them" }
            ),
        )
    };
    Finding::new(
        ids::POOL_MTLS_OK,
        Severity::Pass,
        title,
        format!(
            "{known} ordered pair(s) checked: each server asks for a client certificate, and each calling member's certificate allows Client Authentication{anchors}, is in date, and (where the server sends a CA list) comes from a CA the server names.{scope}"
        ),
        "Nothing to do.",
    )
}

/// `cert.name-mismatch` for each member whose certificate lacks one of `expected` (or
/// `cert.name-match` when every member's carries them all).
pub(super) fn member_name_findings(
    facts: &PoolFacts,
    matrix: &PoolMatrix,
    expected: &[String],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut checked = Vec::new();
    for (member, probe) in matrix.members.iter().zip(&facts.members) {
        let Some(leaf) = probe
            .handshake
            .as_ref()
            .and_then(|h| h.presented_chain.first())
        else {
            continue;
        };
        let names = crate::engine::names::check_names(leaf, expected);
        let missing: Vec<&str> = names
            .iter()
            .filter(|n| n.matched_by.is_none())
            .map(|n| n.expected.as_str())
            .collect();
        checked.push(member.label.clone());
        if missing.is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                ids::CERT_NAME_MISMATCH,
                Severity::Fail,
                format!(
                    "{}'s certificate does not carry the name {}",
                    member.label,
                    missing.join(", ")
                ),
                format!(
                    "Every front end of the pool answers for {}, but the certificate \"{}\" that {} presents names {}. Calls to the pool that land on {} fail (SEC_E_WRONG_PRINCIPAL, 0x80090322).",
                    missing.join(", "),
                    leaf.display_name,
                    member.label,
                    leaf.alternative_names_text(),
                    member.label
                ),
                format!(
                    "Request a certificate for {} whose Subject Alternative Name lists the pool FQDN and {}'s own FQDN (Request-CsCertificate, or the OCS Certificate Wizard's Subject Alternative Name page), then assign it.",
                    member.label, member.label
                ),
            )
            .about(leaf.reference(), Scope::Remote),
        );
    }
    if out.is_empty() && !checked.is_empty() {
        out.push(Finding::new(
            ids::CERT_NAME_MATCH,
            Severity::Pass,
            "Every member's certificate carries the expected names",
            format!("{} carry {}.", checked.join(", "), expected.join(", ")),
            "Nothing to do.",
        ));
    }
    out
}
