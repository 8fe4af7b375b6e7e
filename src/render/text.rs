//! A report as plain text for a terminal: verdict first, then what answered on the port, the
//! certificate, the path as MMC shows it, the purpose table, and the findings last (where the eye
//! lands when the command ends). State is carried by symbol and word, not colour.

use std::fmt::Write as _;

use time::OffsetDateTime;

use crate::engine::finding::Severity;
use crate::engine::logs::LogAnalysis;
use crate::engine::path::{CertificationPath, PathEnd};
use crate::engine::probe::{ProbeFacts, ProbeStep};
use crate::engine::purpose::{PurposeAnalysis, Role};
use crate::engine::report::Report;
use crate::engine::revocation::RevocationFacts;
use crate::engine::store::StoreListing;

use super::{certificate_block, name_lines, pad, pool_mark, report_name, stamp, usable_text, wrap};

fn logs_text(out: &mut String, logs: &LogAnalysis) {
    let _ = writeln!(
        out,
        "\nRead {} lines, {} event records; recognised {} signal(s)",
        logs.lines,
        logs.events_read,
        logs.signals.len()
    );
    for s in &logs.signals {
        let mut seen = format!("×{}", s.count);
        if let (Some(a), Some(b)) = (&s.first_seen, &s.last_seen) {
            seen.push_str(&if a == b {
                format!(", {a}")
            } else {
                format!(", {a} … {b}")
            });
        }
        if let Some(c) = &s.counter {
            seen.push_str(&format!(", counter {}", c.occurrences));
        }
        let _ = writeln!(
            out,
            "  {} {} ({seen}): {}",
            s.severity.symbol(),
            s.label,
            s.title
        );
    }
    super::logs::unrecognised_text(out, logs);
    if !logs.hypotheses.is_empty() {
        let _ = writeln!(out, "\nPossible causes, most likely first");
        for (i, h) in logs.hypotheses.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. {} [score {}] → step {}",
                i + 1,
                h.title,
                h.score,
                h.step
            );
            let _ = writeln!(out, "     Check: {}", wrap(h.check.trim(), 12));
            for r in h.reasons.iter().take(3) {
                let _ = writeln!(out, "     - {}", wrap(r, 7));
            }
        }
    }
}

/// Renders a report as plain text for a terminal: verdict first, then the certificate, the path as
/// MMC shows it, the purpose table and the findings. State is carried by symbol and word, not colour.
pub fn render_text(report: &Report) -> String {
    let mut out = String::new();
    let name = report_name(report);
    let _ = writeln!(out, "certwiz {}: {name}", report.command);
    let _ = writeln!(
        out,
        "Verdict: {} {}",
        report.verdict.status.symbol(),
        report.verdict.status.as_str().to_uppercase()
    );
    let _ = writeln!(out, "  {}", wrap(&report.verdict.summary, 2));
    if let Some(next) = &report.verdict.next_step {
        let _ = writeln!(out, "  What to do: {}", wrap(next, 14));
    }
    let _ = writeln!(out, "  Judged at {}", stamp(report.evaluated_at));

    if let Some(probe) = &report.probe {
        probe_text(&mut out, probe, &report.client_issuers);
    }
    if let Some(pool) = &report.pool {
        pool_text(&mut out, pool);
    }
    if let Some(federation) = &report.federation {
        federation_text(&mut out, federation);
    }
    if let Some(logs) = &report.logs {
        logs_text(&mut out, logs);
    }
    if let Some(store) = &report.root_store {
        let _ = writeln!(out, "\nTrusted Root store: {}", store.summary());
    }
    if let Some(listing) = &report.store {
        store_text(&mut out, listing, report.evaluated_at);
    }
    if let Some(owner) = &report.port_owner {
        let _ = writeln!(out, "\nListening on port {} (TCP)", owner.port);
        if owner.listeners.is_empty() {
            let _ = writeln!(out, "  (no listener visible)");
        }
        for l in &owner.listeners {
            let _ = writeln!(
                out,
                "  PID {:<7} {:<24} {:<22} {}",
                l.pid,
                l.name,
                l.address,
                if l.path.is_empty() { "" } else { &l.path }
            );
        }
    }

    if let Some(c) = &report.certificate {
        let heading = if report.probe.is_some() {
            "Certificate presented by the server"
        } else {
            "Certificate"
        };
        let _ = writeln!(out, "\n{heading}");
        out.push_str(&certificate_block(c));
    }

    if let Some(path) = &report.path {
        path_text(&mut out, path);
    }
    if let Some(revocation) = &report.revocation {
        revocation_text(&mut out, revocation, report.evaluated_at);
    }
    if let Some(purposes) = &report.purposes {
        purposes_text(&mut out, purposes);
    }
    if !report.names.is_empty() {
        let _ = writeln!(out, "\nNames");
        for line in name_lines(&report.names) {
            let _ = writeln!(out, "  {line}");
        }
    }

    let _ = writeln!(out, "\nFindings");
    for f in &report.findings {
        let _ = writeln!(
            out,
            "  {} {:<4}  {}",
            f.severity.symbol(),
            f.severity.as_str().to_uppercase(),
            f.id
        );
        let _ = writeln!(out, "          {}", wrap(&f.title, 10));
        let _ = writeln!(out, "          {}", wrap(&f.detail, 10));
        if f.severity != Severity::Pass {
            let _ = writeln!(out, "          Fix: {}", wrap(&f.fix, 15));
        }
        if !f.commands.is_empty() {
            let _ = writeln!(
                out,
                "          Commands (to copy; certwiz does not run them):"
            );
            for c in &f.commands {
                let _ = writeln!(out, "            {}", c.command);
                let _ = writeln!(out, "              {}", wrap(&c.heading(), 14));
            }
        }
    }
    out
}

/// What each URL gave: the downloaded issuers, then per certificate (leaf first) each CRL / OCSP URL.
fn revocation_text(out: &mut String, facts: &RevocationFacts, at: OffsetDateTime) {
    let _ = writeln!(
        out,
        "\nRevocation and downloads (URLs named in the certificates{})",
        if facts.cancelled { "; cancelled" } else { "" }
    );
    for f in &facts.intermediates {
        let what = if f.certificates.is_empty() {
            f.error.clone().unwrap_or_else(|| f.fetch.summary())
        } else {
            let names: Vec<&str> = f
                .certificates
                .iter()
                .map(|c| c.display_name.as_str())
                .collect();
            format!(
                "{} ({}){}",
                names.join(", "),
                f.fetch.summary(),
                if f.used {
                    ", completes the path"
                } else {
                    ", not used"
                }
            )
        };
        let _ = writeln!(
            out,
            "  {} issuer of {}: {} → {}",
            if f.used { "!" } else { "✗" },
            f.for_certificate,
            f.url,
            wrap(&what, 6)
        );
    }
    for cert in &facts.certificates {
        let _ = writeln!(out, "  {} (serial {})", cert.display_name, cert.serial);
        if cert.sources.is_empty() {
            let _ = writeln!(
                out,
                "    ! names no CRL distribution point or OCSP responder"
            );
        }
        for source in &cert.sources {
            let mark = match &source.result {
                crate::engine::revocation::SourceResult::NotChecked { .. } => "○",
                crate::engine::revocation::SourceResult::Crl { crl }
                    if crl.usable_at(at) && crl.revoked.is_none() =>
                {
                    "✓"
                }
                crate::engine::revocation::SourceResult::Ocsp { ocsp }
                    if ocsp.usable_at(at)
                        && ocsp.status == crate::engine::revocation::ocsp::OcspStatus::Good =>
                {
                    "✓"
                }
                _ => "✗",
            };
            let kind = match source.kind {
                crate::engine::revocation::SourceKind::Crl => "CRL",
                crate::engine::revocation::SourceKind::Ocsp => "OCSP",
            };
            let _ = writeln!(out, "    {mark} {kind} {}", source.url);
            let _ = writeln!(out, "        {}", wrap(&source.summary(at), 8));
        }
    }
}

/// The rarer parts of a report in the text layout (Markdown and HTML put it in a monospaced block):
/// revocation, the stores, the Root store's health, who listens on the port.
pub(crate) fn details_text(report: &Report) -> String {
    let mut rest = String::new();
    if let Some(federation) = &report.federation {
        federation_text(&mut rest, federation);
    }
    if let Some(revocation) = &report.revocation {
        revocation_text(&mut rest, revocation, report.evaluated_at);
    }
    if let Some(listing) = &report.store {
        store_text(&mut rest, listing, report.evaluated_at);
    }
    if let Some(store) = &report.root_store {
        let _ = writeln!(rest, "\nTrusted Root store: {}", store.summary());
    }
    if let Some(owner) = &report.port_owner {
        let _ = writeln!(rest, "\nListening on port {} (TCP)", owner.port);
        if owner.listeners.is_empty() {
            let _ = writeln!(rest, "  (no listener visible)");
        }
        for l in &owner.listeners {
            let _ = writeln!(
                rest,
                "  PID {:<7} {:<24} {:<22} {}",
                l.pid, l.name, l.address, l.path
            );
        }
    }
    rest
}

/// The SRV lookups and the targets in the order a federation peer tries them, each with its address,
/// names, client-certificate request and verdict.
fn federation_text(out: &mut String, facts: &crate::engine::facts::federation::FederationFacts) {
    use crate::engine::facts::federation::TargetStatus;
    let _ = writeln!(
        out,
        "\nFederation of {} (DNS: {})",
        facts.sip_domain, facts.dns_server
    );
    for lookup in &facts.lookups {
        let _ = write!(out, "  SRV {}: {}", lookup.name, lookup.outcome.label());
        if lookup.records > 0 {
            let _ = write!(out, ", {} record(s)", lookup.records);
        }
        if !lookup.detail.is_empty() {
            let _ = write!(out, " ({})", lookup.detail);
        }
        let _ = writeln!(out);
    }
    if let Some(used) = &facts.srv_used {
        let _ = writeln!(
            out,
            "  Targets from {used}, in the order a peer tries them:"
        );
    }
    for (i, t) in facts.targets.iter().enumerate() {
        let status = match t.status {
            TargetStatus::Checked => t.verdict.clone().unwrap_or_else(|| "no answer".to_owned()),
            TargetStatus::Unresolvable => "unresolvable".to_owned(),
            TargetStatus::NotChecked => "not checked".to_owned(),
        };
        let _ = writeln!(
            out,
            "  [{}] {} (priority {}, weight {}): {}",
            i + 1,
            t.label(),
            t.priority,
            t.weight,
            status
        );
        if !t.addresses.is_empty() {
            let source = match t.address_source {
                crate::engine::facts::federation::AddressSource::Dns => "DNS",
                crate::engine::facts::federation::AddressSource::ResolveOption => "--resolve",
                crate::engine::facts::federation::AddressSource::AddressOption => "--address",
            };
            let _ = writeln!(out, "      address ({source}): {}", t.addresses.join(", "));
        }
        if let Some(e) = &t.resolve_error {
            let _ = writeln!(out, "      not resolved: {e}");
        }
        for n in &t.names {
            let _ = writeln!(
                out,
                "      name {}: {}",
                n.expected,
                n.matched_by.as_deref().unwrap_or("not in the certificate")
            );
        }
        match t.client_certificate_requested {
            Some(true) if t.acceptable_ca_names.is_empty() => {
                let _ = writeln!(
                    out,
                    "      asks for a client certificate (any CA it trusts)"
                );
            }
            Some(true) => {
                let _ = writeln!(
                    out,
                    "      asks for a client certificate from: {}",
                    t.acceptable_ca_names.join("; ")
                );
            }
            Some(false) => {
                let _ = writeln!(
                    out,
                    "      does not ask for a client certificate in the handshake"
                );
            }
            None => {}
        }
    }
}

/// The matrix as a table (rows connect and present their certificate, columns accept or reject it),
/// then the reasons of every cell that is not ✓.
pub(crate) fn pool_text(out: &mut String, pool: &crate::engine::pool::PoolMatrix) {
    let _ = writeln!(
        out,
        "\nPool trust matrix: row = the server that connects and presents its certificate; column = the\nserver that accepts (✓) or rejects (✗) it; ? = unknown (did not answer TLS)"
    );
    let width = pool
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| format!("[{}] {}", i + 1, m.label).chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 60)
        + 2;
    let mut header = format!("  {}", pad("", width));
    for (i, _) in pool.members.iter().enumerate() {
        header.push_str(&format!("{:<5}", format!("[{}]", i + 1)));
    }
    let _ = writeln!(out, "{}", header.trim_end());
    for (a, member) in pool.members.iter().enumerate() {
        let mut line = format!("  {}", pad(&format!("[{}] {}", a + 1, member.label), width));
        for b in 0..pool.members.len() {
            let mark = if a == b {
                "—"
            } else {
                pool_mark(pool.cell(a, b).and_then(|c| c.accepted))
            };
            line.push_str(&format!("{mark:<5}"));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    for m in &pool.members {
        if m.certificate.is_none() {
            let _ = writeln!(out, "  ! {}: {}", m.label, m.status_text);
        }
    }
    for cell in pool.cells.iter().filter(|c| c.accepted != Some(true)) {
        let (client, server) = (pool.label(cell.client), pool.label(cell.server));
        let _ = writeln!(out, "  {} {client} → {server}:", pool_mark(cell.accepted));
        for reason in &cell.reasons {
            let _ = writeln!(out, "      - {}", wrap(reason, 8));
        }
    }
}

pub(crate) fn path_text(out: &mut String, path: &CertificationPath) {
    let _ = writeln!(out, "\nCertification path (root at the top, as in MMC)");
    let mut depth = 0;
    let width = 52;
    if let Some(missing) = &path.missing_issuer {
        let _ = writeln!(
            out,
            "  {}✗ issuer not found",
            pad(&format!("? {}", missing.issuer), width)
        );
        depth = 1;
    }
    for node in &path.nodes {
        let prefix = if depth == 0 {
            String::new()
        } else {
            format!("{}└─ ", "   ".repeat(depth - 1))
        };
        let label = format!("{prefix}{}", node.certificate.display_name);
        let anchor = if node.trust_anchor {
            " (trust anchor)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {}{}{anchor}",
            pad(&label, width),
            node.status.mark()
        );
        for violation in &node.violations {
            let _ = writeln!(
                out,
                "  {}   ! {}",
                " ".repeat(3 * depth),
                violation.sentence()
            );
        }
        let c = &node.certificate;
        let urls = c
            .crl_distribution_points
            .iter()
            .map(|u| ("CRL", u))
            .chain(c.aia_ocsp.iter().map(|u| ("OCSP", u)))
            .chain(c.aia_ca_issuers.iter().map(|u| ("CA Issuers", u)));
        for (kind, url) in urls {
            let _ = writeln!(out, "  {}   {kind}: {url}", " ".repeat(3 * depth));
        }
        if node.source.starts_with("downloaded from ") {
            let _ = writeln!(out, "  {}   ({})", " ".repeat(3 * depth), node.source);
        }
        depth += 1;
    }
    if let Some(leaf) = path.leaf() {
        let _ = writeln!(out, "  Certificate status: {}", leaf.status_text);
    }
    if path.complete_paths_found > 1 {
        let _ = writeln!(
            out,
            "  {} complete paths exist (cross-signed CAs); certwiz shows the best one{}.",
            path.complete_paths_found,
            if path.end == PathEnd::TrustAnchor {
                ", which ends at a trust anchor"
            } else {
                ""
            }
        );
    }
}

fn purposes_text(out: &mut String, purposes: &PurposeAnalysis) {
    let width = 44;
    let _ = writeln!(
        out,
        "\nPurposes (each certificate must allow the purpose for the chain to allow it)"
    );
    if let Some(note) = purposes.requested_note() {
        let _ = writeln!(out, "  {note}");
    }
    let _ = writeln!(
        out,
        "  {}{:<24}Client Authentication",
        pad("", width),
        "Server Authentication"
    );
    for row in &purposes.rows {
        let cell = |role: Role| {
            let mark = if row.flags.allows(role) { "✓" } else { "✗" };
            format!("{mark} {}", row.flags.describe(role))
        };
        let _ = writeln!(
            out,
            "  {}{}{}",
            pad(&row.display_name, width),
            pad(&cell(Role::ServerAuth), 24),
            cell(Role::ClientAuth)
        );
    }
    let usable = |role: Role| usable_text(purposes, role);
    let _ = writeln!(
        out,
        "  {}{}{}",
        pad("Chain as a whole", width),
        pad(usable(Role::ServerAuth), 24),
        usable(Role::ClientAuth)
    );
}

pub(crate) fn probe_text(out: &mut String, probe: &ProbeFacts, client_issuers: &[String]) {
    use crate::engine::probe::tcp::ConnectOutcome;
    let _ = writeln!(out, "\nConnection");
    if let Some(e) = &probe.connect.resolve_error {
        let _ = writeln!(out, "  ✗ {e}");
    }
    for a in &probe.connect.attempts {
        let what = match &a.outcome {
            ConnectOutcome::Open => "✓ open".to_owned(),
            ConnectOutcome::Refused => "✗ refused".to_owned(),
            ConnectOutcome::Timeout => "✗ no answer".to_owned(),
            ConnectOutcome::Failed(r) => format!("✗ {r}"),
            ConnectOutcome::NotTried => "- not tried".to_owned(),
        };
        let _ = writeln!(
            out,
            "  {} {what} ({})",
            pad(&a.address, 40),
            probe.connect.resolved_by
        );
    }
    if probe.connect.is_open() {
        let _ = writeln!(
            out,
            "  {} {}",
            pad("After the handshake", 40),
            probe.target.spoken_text()
        );
    }
    if let Some(h) = &probe.handshake {
        let _ = writeln!(out, "\nTLS");
        let _ = writeln!(
            out,
            "  Handshake            {}",
            crate::engine::probe::handshake_outcome_summary(&h.outcome)
        );
        if let Some(v) = h.version_text() {
            let _ = writeln!(out, "  Version              {v}");
        }
        if let Some(engine) = h.engine_text() {
            let _ = writeln!(out, "  Engine               {}", wrap(&engine, 23));
        }
        if let Some(chain) = h.chain_text() {
            let _ = writeln!(out, "  Chain sent           {}", wrap(&chain, 23));
        }
        let _ = writeln!(
            out,
            "  Client certificate   {}",
            match (&h.requested_after_handshake, h.certificate_requested) {
                (Some(how), _) => format!("✓ requested after the handshake ({how})"),
                (None, true) => "✓ requested".to_owned(),
                (None, false) => "✗ not requested".to_owned(),
            }
        );
        if h.certificate_requested {
            if h.acceptable_ca_names.is_empty() {
                let _ = writeln!(out, "  Acceptable CAs       (empty list)");
            } else {
                let norm = |s: &str| s.to_ascii_lowercase();
                let ours: Vec<String> = client_issuers.iter().map(|i| norm(i)).collect();
                let _ = writeln!(
                    out,
                    "  Acceptable CAs       {} listed{}",
                    h.acceptable_ca_names.len(),
                    if ours.is_empty() {
                        ""
                    } else {
                        " (→ = in our client certificate's path)"
                    }
                );
                for name in h.acceptable_ca_names.iter().take(20) {
                    let mark = if ours.contains(&norm(name)) {
                        "→"
                    } else {
                        " "
                    };
                    let _ = writeln!(out, "    {mark} {name}");
                }
                if h.acceptable_ca_names.len() > 20 {
                    let _ = writeln!(out, "      … and {} more", h.acceptable_ca_names.len() - 20);
                }
            }
        }
    }
    if probe.mutual_tls.is_none() {
        let _ = writeln!(
            out,
            "\nMutual TLS\n  - not tried: {}",
            crate::render::not_tried_text(probe, ProbeStep::MutualTls)
        );
    }
    if let Some(m) = &probe.mutual_tls {
        let _ = writeln!(
            out,
            "\nMutual TLS (presenting {})",
            m.presented
                .first()
                .map(String::as_str)
                .unwrap_or("our certificate")
        );
        let result = match &m.outcome {
            crate::engine::probe::tls::HandshakeOutcome::Completed => format!(
                "✓ accepted{}",
                m.http_status_line
                    .as_deref()
                    .map(|s| format!(", answered \"{s}\""))
                    .unwrap_or_default()
            ),
            other => format!(
                "✗ {}",
                crate::engine::probe::handshake_outcome_summary(other)
            ),
        };
        let _ = writeln!(out, "  {result}");
    }
    for browse in [&probe.browse, &probe.browse_with_certificate]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(
            out,
            "\nHTTP answer {} a client certificate: GET {}",
            if browse.with_client_certificate {
                "with"
            } else {
                "without"
            },
            browse.url
        );
        match &browse.outcome {
            crate::engine::probe::browse::BrowseOutcome::Answered(a) => {
                let _ = writeln!(out, "  Status               {} {}", a.status, a.reason);
                if let Some(v) = &a.server {
                    let _ = writeln!(out, "  Server               {v}");
                }
                if let Some(v) = &a.content_type {
                    let _ = writeln!(out, "  Content-Type         {v}");
                }
                if let Some(v) = &a.location {
                    let _ = writeln!(out, "  Location             {v}");
                }
                if let Some(v) = &a.title {
                    let _ = writeln!(out, "  Page title           {v}");
                }
                let _ = writeln!(out, "  Body                 {}", a.body_size_text());
                for line in a.body_preview.iter().take(5) {
                    let _ = writeln!(out, "    | {line}");
                }
            }
            crate::engine::probe::browse::BrowseOutcome::Failed { kind, reason } => {
                let _ = writeln!(out, "  ✗ no answer ({kind}): {}", wrap(reason, 4));
            }
        }
    }
    for (with, reason) in crate::render::browses_not_tried(probe) {
        let _ = writeln!(
            out,
            "\nHTTP answer {with} a client certificate\n  - not tried: {}",
            wrap(reason, 4)
        );
    }
    if let Some(rows) = crate::render::sip_rows(probe) {
        let _ = writeln!(out, "\nSIP answer to OPTIONS");
        for (label, value) in rows {
            let _ = writeln!(out, "  {label:<20} {}", wrap(&value, 23));
        }
    }
}

/// The stores, MMC's way: each store's certificates with key, purposes, expiry and thumbprint; the
/// Personal store in step 3's order (usable server certificates first).
fn store_text(out: &mut String, listing: &StoreListing, at: OffsetDateTime) {
    use crate::engine::purpose::{Role, StorePurposes};
    use crate::engine::store::StoreName;
    let _ = writeln!(out, "\nCertificate stores: {}", listing.description);
    for name in StoreName::ALL {
        let list: Vec<&crate::engine::store::StoreCertificate> = match name {
            StoreName::Personal => listing.personal(at),
            _ => listing.of(name).collect(),
        };
        let _ = writeln!(
            out,
            "\n  {} ({}): {} certificate(s)",
            name.title(),
            name.system_name(),
            list.len()
        );
        for c in list {
            let mark = |role: Role| if c.flags.allows(role) { "✔" } else { "✖" };
            let setting = match &c.flags.store_property {
                StorePurposes::AllEnabled => String::new(),
                StorePurposes::AllDisabled => " · store setting: all purposes disabled".to_owned(),
                StorePurposes::Only(oids) => format!(
                    " · store setting: only {}",
                    oids.iter()
                        .map(|o| crate::engine::cert::eku_name(o))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let _ = writeln!(
                out,
                "  {} {}{}",
                if c.usable_as_server_certificate(at) {
                    "★"
                } else {
                    "•"
                },
                c.display_name,
                c.friendly_name
                    .as_ref()
                    .map(|f| format!(" (\"{f}\")"))
                    .unwrap_or_default()
            );
            let _ = writeln!(
                out,
                "      {} Server Authentication  {} Client Authentication  {}  expires {}{}{}",
                mark(Role::ServerAuth),
                mark(Role::ClientAuth),
                if c.has_private_key {
                    "private key ✔"
                } else {
                    "no private key"
                },
                stamp(c.not_after),
                if c.not_after <= at { " (EXPIRED)" } else { "" },
                setting
            );
            let _ = writeln!(out, "      thumbprint {}", c.thumbprint_sha1);
        }
    }
    for problem in &listing.problems {
        let _ = writeln!(out, "  ! {problem}");
    }
}
