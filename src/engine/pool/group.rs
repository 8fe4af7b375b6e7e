//! Rejected cells → one `pool.mtls-would-fail` per cause (#16): a member whose certificate three
//! others reject is one problem with the members listed, not three problems with the same commands
//! three times. The matrix keeps every cell; only the findings are grouped. Pure.
//!
//! A cell's cause is what blocks it first: the calling member's own certificate or path (the same
//! blocker wherever it calls), a server that asks for no certificate (whoever calls it), or a CA
//! that servers' acceptable-CA lists leave out (every member whose path ends there, on every
//! server that omits it). Blockers after the first are listed in the same finding, with their fixes.

use crate::engine::finding::{Finding, Scope, Severity, ids};
use crate::engine::fixes::{CertificateValues, FixCommand, FixContext, PathValues, commands_for};

use crate::engine::facts::pool::{Blocker, PoolCell, PoolMatrix, PoolMember};

/// Why a group of cells fails: what blocks each of them first.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cause {
    /// The calling member's certificate or path (the same wherever it calls).
    Client(usize, Blocker),
    /// The called member asks for no client certificate (whoever calls it).
    Server(usize),
    /// The called members' acceptable-CA lists leave out this root (every member whose path ends
    /// there is rejected by every server that omits it).
    MissingCa(String),
    /// A rejection without a recorded blocker: on its own.
    Cell(usize, usize),
}

fn cause_of(matrix: &PoolMatrix, cell: &PoolCell) -> Cause {
    match cell.blockers.first() {
        None => Cause::Cell(cell.client, cell.server),
        Some(Blocker::NoCertificateRequest) => Cause::Server(cell.server),
        Some(Blocker::CaListExcludesChain) => Cause::MissingCa(
            matrix
                .members
                .get(cell.client)
                .and_then(|m| m.certificate.as_ref())
                .map_or_else(|| matrix.label(cell.client).to_owned(), |c| c.root.clone()),
        ),
        Some(first) => Cause::Client(cell.client, first.clone()),
    }
}

/// The rejected cells of `matrix` grouped by cause, in the matrix's order (client, then server):
/// deterministic.
fn groups(matrix: &PoolMatrix) -> Vec<Vec<&PoolCell>> {
    let mut out: Vec<(Cause, Vec<&PoolCell>)> = Vec::new();
    for cell in matrix.cells.iter().filter(|c| c.accepted == Some(false)) {
        let cause = cause_of(matrix, cell);
        match out.iter_mut().find(|(c, _)| *c == cause) {
            Some((_, cells)) => cells.push(cell),
            None => out.push((cause, vec![cell])),
        }
    }
    out.into_iter().map(|(_, cells)| cells).collect()
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn distinct(indexes: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut out = Vec::new();
    for i in indexes {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

fn labels<'a>(matrix: &'a PoolMatrix, indexes: &[usize]) -> Vec<&'a str> {
    indexes.iter().map(|&i| matrix.label(i)).collect()
}

fn connecting(matrix: &PoolMatrix, cell: &PoolCell) -> String {
    format!(
        "{} connecting to {}",
        matrix.label(cell.client),
        matrix.label(cell.server)
    )
}

/// One `pool.mtls-would-fail` per cause, and one `pool.trust-asymmetric` note per cause whose
/// rejected calls work the other way round (the problem is counted once, in the former).
pub(super) fn grouped_findings(matrix: &PoolMatrix) -> Vec<Finding> {
    let mut out = Vec::new();
    for cells in groups(matrix) {
        let would_fail = would_fail(matrix, &cells);
        let one_way: Vec<&PoolCell> = cells
            .iter()
            .copied()
            .filter(|c| {
                matrix
                    .cell(c.server, c.client)
                    .is_some_and(|back| back.accepted == Some(true))
            })
            .collect();
        if !one_way.is_empty() {
            out.push(asymmetric(matrix, &one_way, &would_fail.title));
        }
        out.push(would_fail);
    }
    out
}

fn would_fail(matrix: &PoolMatrix, cells: &[&PoolCell]) -> Finding {
    let clients = distinct(cells.iter().map(|c| c.client));
    let servers = distinct(cells.iter().map(|c| c.server));
    let (client_names, server_names) = (labels(matrix, &clients), labels(matrix, &servers));
    let title = match (clients.as_slice(), servers.as_slice()) {
        ([client], _) => format!(
            "{} would reject {} in mutual TLS",
            and_list(&server_names),
            matrix.label(*client)
        ),
        (_, [server]) => format!(
            "{} would reject {} in mutual TLS",
            matrix.label(*server),
            and_list(&client_names)
        ),
        _ => format!(
            "{} calls between pool members would be rejected in mutual TLS",
            cells.len()
        ),
    };
    let ports = distinct(
        servers
            .iter()
            .filter_map(|&s| matrix.members.get(s))
            .map(|m| usize::from(m.port)),
    );
    let on_port = match ports.as_slice() {
        [port] => format!(" on port {port}"),
        _ => String::new(),
    };
    // The same reasons everywhere are said once; otherwise each call gets its own.
    let reasons: Vec<String> = cells.iter().map(|c| blocking_reasons(c)).collect();
    let reasons_text = if reasons.iter().all(|r| *r == reasons[0]) {
        reasons[0].clone()
    } else {
        cells
            .iter()
            .zip(&reasons)
            .map(|(c, r)| format!("{} ({r})", connecting(matrix, c)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let detail = match (clients.as_slice(), cells) {
        ([client], [cell]) => {
            let (cl, sl) = (matrix.label(*client), matrix.label(cell.server));
            format!(
                "When {cl} connects to {sl}{on_port}, it presents its own certificate{} as the client certificate, and {sl} would refuse it: {reasons_text}. Calls from {cl} to {sl} then fail (events 61013 / 30988 on {cl}, \"ReceiveFailure\" in the validation wizard).",
                certificate_phrase(matrix, *client)
            )
        }
        ([client], _) => {
            let cl = matrix.label(*client);
            format!(
                "One cause, {} members affected: when {cl} connects to {}{on_port}, it presents its own certificate{} as the client certificate, and each of them would refuse it: {reasons_text}. Calls from {cl} to them then fail (events 61013 / 30988 on {cl}, \"ReceiveFailure\" in the validation wizard).",
                servers.len(),
                and_list(&server_names),
                certificate_phrase(matrix, *client)
            )
        }
        _ => format!(
            "One cause, {} calls affected ({}). Each calling member presents its own certificate as the client certificate, and the member it calls would refuse it: {reasons_text}. These calls then fail (events 61013 / 30988 on the calling member, \"ReceiveFailure\" in the validation wizard).",
            cells.len(),
            cells
                .iter()
                .map(|c| connecting(matrix, c))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    };
    let mut fixes: Vec<String> = Vec::new();
    let mut finding_ids: Vec<&'static str> = Vec::new();
    // The same fix on every server is said once, naming them all ("On fe01 and fe02, import ...").
    let mut per_server: Vec<Vec<String>> = Vec::new();
    for cell in cells {
        let (texts, cell_ids) = remedies(matrix, cell);
        let server = matrix.label(cell.server);
        per_server.push(texts.iter().map(|t| t.replace(server, "\u{1}")).collect());
        for text in texts {
            if !fixes.contains(&text) {
                fixes.push(text);
            }
        }
        for id in cell_ids {
            if !finding_ids.contains(&id) {
                finding_ids.push(id);
            }
        }
    }
    if servers.len() > 1 && per_server.iter().all(|t| *t == per_server[0]) {
        let all = and_list(&server_names);
        fixes = per_server[0]
            .iter()
            .map(|t| t.replace('\u{1}', &all))
            .collect();
    }
    let mut finding = Finding::new(
        ids::POOL_MTLS_WOULD_FAIL,
        Severity::Fail,
        title,
        detail,
        fixes.join(" "),
    );
    // A root the servers' lists leave out is installed like an untrusted one: its commands too.
    if cells
        .iter()
        .any(|c| c.blockers.contains(&Blocker::CaListExcludesChain))
        && !finding_ids.contains(&ids::CHAIN_UNTRUSTED_ROOT)
    {
        // Before the CA-list diagnostics: the import is the fix, the counts only confirm.
        let at = finding_ids
            .iter()
            .position(|id| *id == ids::TLS_CLIENT_CA_LIST_EXCLUDES_ISSUER)
            .unwrap_or(finding_ids.len());
        finding_ids.insert(at, ids::CHAIN_UNTRUSTED_ROOT);
    }
    // The commands name the calling member's certificate and CAs when there is one caller.
    let values = match clients.as_slice() {
        [client] => client_values(matrix, *client),
        _ => PathValues::default(),
    };
    let mut shown: Vec<FixCommand> = Vec::new();
    for server in servers.iter().filter_map(|&s| matrix.members.get(s)) {
        for command in commands(&finding_ids, server, &values) {
            if !shown.iter().any(|c| c.command == command.command) {
                shown.push(command);
            }
        }
    }
    finding.commands = shown;
    match clients.as_slice() {
        [client] => about_client(finding, matrix, *client),
        _ => finding,
    }
}

fn certificate_phrase(matrix: &PoolMatrix, client: usize) -> String {
    matrix
        .members
        .get(client)
        .and_then(|m| m.certificate.as_ref())
        .map(|c| format!(" \"{}\"", c.display_name))
        .unwrap_or_default()
}

/// A note (info): these rejected calls work the other way round. `problem` is the title of the
/// `pool.mtls-would-fail` finding that counts the problem and holds its fix.
fn asymmetric(matrix: &PoolMatrix, cells: &[&PoolCell], problem: &str) -> Finding {
    let clients = distinct(cells.iter().map(|c| c.client));
    let servers = distinct(cells.iter().map(|c| c.server));
    let server_names = labels(matrix, &servers);
    let title = match (clients.as_slice(), servers.as_slice()) {
        ([client], [server]) => {
            let (cl, sl) = (matrix.label(*client), matrix.label(*server));
            format!("Trust between {cl} and {sl} is one-way: {cl} accepts {sl}, {sl} rejects {cl}")
        }
        ([client], _) => {
            let cl = matrix.label(*client);
            format!(
                "Trust between {cl} and {} is one-way: {cl} accepts them, they reject {cl}",
                and_list(&server_names)
            )
        }
        _ => format!("Trust is one-way between {} pairs of members", cells.len()),
    };
    let pairs = cells
        .iter()
        .map(|c| {
            let (cl, sl) = (matrix.label(c.client), matrix.label(c.server));
            format!("{sl} connecting to {cl} works, {cl} connecting to {sl} would not")
        })
        .collect::<Vec<_>>()
        .join("; ");
    let trust_cause = cells.iter().any(|c| {
        matches!(
            c.blockers.first(),
            Some(
                Blocker::CaListExcludesChain
                    | Blocker::ChainUntrusted { .. }
                    | Blocker::ChainIncomplete { .. }
            )
        )
    });
    let usual = if trust_cause {
        " Usually the calling member's certificate chain is installed on it but not on the members that reject it."
    } else {
        ""
    };
    let finding = Finding::new(
        ids::POOL_TRUST_ASYMMETRIC,
        Severity::Info,
        title,
        format!(
            "{pairs}. Members of a pool call each other in both directions (conferencing on 444, SIP on 5061), so half of these calls fail and the failures look random.{usual} The problem is counted once, in \"{problem}\"."
        ),
        format!("Make the trust mutual: the fix is in \"{problem}\"."),
    );
    match clients.as_slice() {
        [client] => about_client(finding, matrix, *client),
        _ => finding,
    }
}

/// The copyable commands of `finding_ids` for `member`'s host and port, without repeats, filled
/// with `values` (the calling member's certificate and CAs, for the pool's rejections).
pub(super) fn commands(
    finding_ids: &[&str],
    member: &PoolMember,
    values: &PathValues,
) -> Vec<FixCommand> {
    let ctx = FixContext {
        host: Some(member.host.clone()),
        port: Some(member.port),
        site: None,
        path: values.clone(),
    };
    let mut out: Vec<FixCommand> = Vec::new();
    for id in finding_ids {
        for command in commands_for(id, &ctx) {
            if !out.iter().any(|c| c.command == command.command) {
                out.push(command);
            }
        }
    }
    out
}

/// What the commands can name of `client`'s certificate: its name and thumbprint, its CAs' names
/// (certwiz saw the CAs' names only, so the commands find them by name).
pub(super) fn client_values(matrix: &PoolMatrix, client: usize) -> PathValues {
    let Some(c) = matrix
        .members
        .get(client)
        .and_then(|m| m.certificate.as_ref())
    else {
        return PathValues::default();
    };
    let by_name = |name: &str| CertificateValues {
        name: name.to_owned(),
        thumbprint: None,
    };
    PathValues {
        leaf: Some(CertificateValues {
            name: c.display_name.clone(),
            thumbprint: Some(c.thumbprint_sha1.clone()),
        }),
        issuing: (!c.issuing_ca.eq_ignore_ascii_case(&c.root)).then(|| by_name(&c.issuing_ca)),
        root: Some(by_name(&c.root)),
        ..PathValues::default()
    }
}

/// What to do about each blocker, in words, and the finding ids whose commands help.
pub(super) fn remedies(matrix: &PoolMatrix, cell: &PoolCell) -> (Vec<String>, Vec<&'static str>) {
    let (cl, sl) = (matrix.label(cell.client), matrix.label(cell.server));
    let client_cert = matrix
        .members
        .get(cell.client)
        .and_then(|m| m.certificate.as_ref());
    let root = client_cert.map_or("its root CA", |c| c.root.as_str());
    let issuing = client_cert.map_or("its issuing CA", |c| c.issuing_ca.as_str());
    let port = matrix.members.get(cell.server).map_or(0, |m| m.port);
    let mut texts: Vec<String> = Vec::new();
    let mut finding_ids: Vec<&'static str> = Vec::new();
    let mut add = |text: String, id: &'static str| {
        if !texts.contains(&text) {
            texts.push(text);
        }
        if !finding_ids.contains(&id) {
            finding_ids.push(id);
        }
    };
    for blocker in &cell.blockers {
        match blocker {
            Blocker::NoCertificateRequest => add(
                format!(
                    "On {sl}, find what answers on port {port} instead of the conferencing service (netstat -ano | findstr :{port}; IIS Manager > Sites > Bindings): the MCU Factory / Focus always asks for the calling server's certificate."
                ),
                ids::TLS_NO_CLIENT_CERT_REQUEST,
            ),
            Blocker::CaListExcludesChain => add(
                format!(
                    "On {sl}, import {root} into Certificates (Local Computer) > Trusted Root Certification Authorities (certutil -addstore -f Root \"{root}.cer\"){}, then restart {sl}'s front-end services. If {root} is already there, {sl}'s Trusted Root store may be too large to list (over ~100 roots or 16 KB, KB 2880390): remove the roots it does not need.",
                    if root.eq_ignore_ascii_case(issuing) {
                        String::new()
                    } else {
                        format!(
                            " and {issuing} into Intermediate Certification Authorities (certutil -addstore -f CA \"{issuing}.cer\")"
                        )
                    }
                ),
                ids::TLS_CLIENT_CA_LIST_EXCLUDES_ISSUER,
            ),

            Blocker::ClientAuthMissing { certificate } => add(
                format!(
                    "Give {cl} a certificate that includes Client Authentication in place of \"{certificate}\": Request-CsCertificate -ClientEKU $true, or a template with both Server Authentication and Client Authentication; assign it with Set-CsCertificate and restart {cl}'s services."
                ),
                ids::CERT_CLIENT_AUTH_MISSING,
            ),
            Blocker::CaRestrictsClientAuth { ca } => add(
                format!(
                    "The CA \"{ca}\" must allow Client Authentication: renew it with Client Authentication in its Enhanced Key Usage (or with no EKU extension), and on every server check Certificates (Local Computer) > the CA certificate > Properties > General: \"Enable all purposes\", or both Server Authentication and Client Authentication ticked."
                ),
                ids::CHAIN_CA_RESTRICTS_CLIENT_AUTH,
            ),
            Blocker::ChainUntrusted { root } => add(
                format!(
                    "If {root} is a CA the pool should trust, install it in {sl}'s Trusted Root Certification Authorities (certutil -addstore -f Root \"{root}.cer\") and give it to certwiz with --ca; if not, assign {cl} a certificate from the pool's own CA (Set-CsCertificate)."
                ),
                ids::CHAIN_UNTRUSTED_ROOT,
            ),
            Blocker::ChainIncomplete { missing_issuer } => add(
                format!(
                    "Install {missing_issuer} on {sl} (Trusted Root, or Intermediate Certification Authorities if it is an intermediate: certutil -addstore CA) and on {cl}, so that {cl} sends its full chain; give certwiz the pool's root with --ca."
                ),
                ids::CHAIN_INCOMPLETE,
            ),
            Blocker::Expired { certificate } | Blocker::NotYetValid { certificate } => add(
                format!(
                    "Renew \"{certificate}\" (or correct the clock if it is wrong), assign the new certificate on {cl} and restart its services."
                ),
                ids::CERT_EXPIRED,
            ),
            Blocker::BadSignature { certificate } | Blocker::IssuerNotCa { certificate } => add(
                format!(
                    "\"{certificate}\" does not chain correctly to its issuer: reissue {cl}'s certificate from the pool's CA and check it with certutil -verify."
                ),
                ids::CHAIN_BAD_SIGNATURE,
            ),
            Blocker::PathRule {
                certificate,
                status,
            } => add(
                format!(
                    "\"{certificate}\" breaks a rule of path validation ({}): run certwiz inspect on {cl}'s certificate for the details, and reissue it from a CA whose constraints it meets.",
                    status.mark()
                ),
                crate::engine::rules::path_rule_finding_id(*status),
            ),
        }
    }
    (texts, finding_ids)
}

pub(super) fn blocking_reasons(cell: &PoolCell) -> String {
    cell.reasons
        .iter()
        .take(cell.blockers.len())
        .cloned()
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn about_client(finding: Finding, matrix: &PoolMatrix, client: usize) -> Finding {
    match matrix
        .members
        .get(client)
        .and_then(|m| m.certificate.as_ref())
    {
        Some(c) => finding.about(
            crate::engine::finding::CertificateRef {
                subject: c.subject.clone(),
                sha256: c.sha256.clone(),
            },
            Scope::Remote,
        ),
        None => finding,
    }
}
