//! Rules that turn the facts about a certification path (dates, signatures, trust, purposes, names)
//! into [`Finding`]s. The same rules judge a local certificate and one a server presented; only the
//! [`Scope`] differs.

use time::{Duration, OffsetDateTime};

use crate::engine::cert::{CertificateFacts, WeakHash};
use crate::engine::finding::{Finding, Scope, Severity, ids, sort_findings};
use crate::engine::names::{NameCheck, wildcard_entries};
use crate::engine::path::{CertificationPath, NodeStatus, PathEnd, PathRule, PathViolation};
use crate::engine::purpose::{PathPosition, PurposeAnalysis, PurposeSource, Role};

/// A certificate expiring within this window gets `cert.expires-soon`.
pub const EXPIRES_SOON_DAYS: i64 = 30;

/// Everything the rules look at.
pub struct PathFacts<'a> {
    /// The built path.
    pub path: &'a CertificationPath,
    /// The purpose table for it.
    pub purposes: &'a PurposeAnalysis,
    /// Expected names and how they matched (empty when none were asked for).
    pub names: &'a [NameCheck],
    /// Local or remote.
    pub scope: Scope,
    /// Whether any trust anchor was given; without one, an untrusted root is a warning.
    pub trust_anchors_given: bool,
    /// The instant dates are judged at.
    pub at: OffsetDateTime,
}

/// Judges a path. The result is sorted (fail, warn, info, pass) and deterministic.
pub fn judge_path(facts: &PathFacts<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    date_findings(facts, &mut out);
    trust_findings(facts, &mut out);
    strength_findings(facts, &mut out);
    purpose_findings(facts, &mut out);
    purposes_seen_only(facts, &mut out);
    out.extend(crate::engine::public_ca::judge(
        facts.path,
        facts.purposes,
        facts.scope,
        crate::engine::public_ca::PublicRoots::mozilla(),
    ));
    name_findings(facts, &mut out);
    path_rule_findings(facts, &mut out);
    sort_findings(&mut out);
    // The commands name what the path showed: the certificate's and the CAs' names and thumbprints.
    crate::engine::fixes::attach(
        &mut out,
        &crate::engine::fixes::FixContext::of_path(facts.path),
    );
    out
}

fn about(finding: Finding, cert: &CertificateFacts, scope: Scope) -> Finding {
    finding.about(cert.reference(), scope)
}

fn date(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

fn role_word(index: usize, len: usize) -> &'static str {
    if index + 1 == len {
        "certificate"
    } else if index == 0 {
        "root CA certificate"
    } else {
        "intermediate CA certificate"
    }
}

fn date_findings(f: &PathFacts<'_>, out: &mut Vec<Finding>) {
    let len = f.path.nodes.len();
    for (i, node) in f.path.nodes.iter().enumerate() {
        let c = &node.certificate;
        let what = role_word(i, len);
        if node.problems.contains(&NodeStatus::Expired) {
            out.push(about(
                Finding::new(
                    ids::CERT_EXPIRED,
                    Severity::Fail,
                    format!("The {what} \"{}\" has expired", c.display_name),
                    format!(
                        "It was valid from {} to {}; certwiz judged it at {}. Windows rejects an expired certificate anywhere in the path, so TLS with it fails.",
                        date(c.not_before),
                        date(c.not_after),
                        date(f.at)
                    ),
                    if i + 1 == len {
                        "Request a new certificate (Lync/SfB: Request-CsCertificate, then Set-CsCertificate; OCS 2007: the Certificate Wizard) and assign it to the pool, then restart the services."
                    } else {
                        "Install the renewed CA certificate: get it from the CA (certutil -ca.cert renewed.cer on the CA), then certutil -addstore Root (or CA for an intermediate) on every server."
                    },
                ),
                c,
                f.scope,
            ));
        } else if node.problems.contains(&NodeStatus::NotYetValid) {
            out.push(about(
                Finding::new(
                    ids::CERT_NOT_YET_VALID,
                    Severity::Fail,
                    format!("The {what} \"{}\" is not valid yet", c.display_name),
                    format!(
                        "It becomes valid on {}; certwiz judged it at {}. Either it was issued with a future start date or this machine's clock is behind.",
                        date(c.not_before),
                        date(f.at)
                    ),
                    "Check the clock and time zone on both servers (w32tm /query /status); if the clock is right, wait or reissue the certificate with a current start date.",
                ),
                c,
                f.scope,
            ));
        } else if c.not_after - f.at <= Duration::days(EXPIRES_SOON_DAYS) {
            let days = (c.not_after - f.at).whole_days();
            out.push(about(
                Finding::new(
                    ids::CERT_EXPIRES_SOON,
                    Severity::Warn,
                    format!("The {what} \"{}\" expires in {days} days", c.display_name),
                    format!("It is valid until {}. When it expires, conferencing and server-to-server TLS stop.", date(c.not_after)),
                    "Renew it now and plan the change window: new certificate, assign it (Set-CsCertificate or the OCS Certificate Wizard), restart services.",
                ),
                c,
                f.scope,
            ));
        }
    }
}

fn trust_findings(f: &PathFacts<'_>, out: &mut Vec<Finding>) {
    let nodes = &f.path.nodes;
    if let (Some(missing), Some(top)) = (&f.path.missing_issuer, nodes.first()) {
        let key = missing
            .authority_key_id
            .as_deref()
            .map(|k| format!(" (key identifier {k})"))
            .unwrap_or_default();
        let aia = if missing.aia_ca_issuers.is_empty() {
            String::new()
        } else {
            format!(
                " The certificate says its issuer can be downloaded from {}.",
                missing.aia_ca_issuers.join(", ")
            )
        };
        // A chain that reaches a CA and stops only for want of its root, when no trusted roots were
        // given at all, is not known to be broken: servers never send their root. Say what to give.
        let only_root_missing = !f.trust_anchors_given && top.certificate.is_ca;
        let (severity, detail, fix) = if only_root_missing {
            (
                Severity::Warn,
                format!(
                    "The path reaches the CA \"{}\", whose issuer \"{}\"{key} was not given. Servers do not send their root CA, and no trusted roots were given, so certwiz cannot finish the path or say whether it is trusted.{aia}",
                    top.certificate.display_name, missing.issuer
                ),
                "Give the root CA certificate: --ca root-ca.cer on the command line, or load it in step 3 of the wizard (export it from MMC: Trusted Root Certification Authorities > the root > All Tasks > Export).".to_owned(),
            )
        } else {
            (
                Severity::Fail,
                format!(
                    "The path stops at \"{}\": its issuer \"{}\"{key} is not among the certificates given. MMC shows this as \"The issuer of this certificate could not be found.\"{aia}",
                    top.certificate.display_name, missing.issuer
                ),
                "Save the issuing CA's certificate to a file (download it from the address the certificate names, or export it on a server whose chain builds) and install it on both servers: certutil -addstore CA <file> for an intermediate, certutil -addstore Root <file> for a root (the commands below are filled in with its name). In MMC: Certificates (Local Computer) > Intermediate Certification Authorities > All Tasks > Import.".to_owned(),
            )
        };
        out.push(about(
            Finding::new(
                ids::CHAIN_INCOMPLETE,
                severity,
                format!(
                    "The issuer of \"{}\" could not be found",
                    top.certificate.display_name
                ),
                detail,
                fix,
            ),
            &top.certificate,
            f.scope,
        ));
    }
    if let (PathEnd::UntrustedRoot, Some(root)) = (f.path.end, nodes.first()) {
        let (severity, detail) = if f.trust_anchors_given {
            (
                Severity::Fail,
                format!(
                    "The path ends at the root \"{}\", which is not among the trusted roots given (--ca / system trust store). A server that does not have this root in Trusted Root Certification Authorities rejects the certificate (CERT_E_UNTRUSTEDROOT, 0x800B0109).",
                    root.certificate.display_name
                ),
            )
        } else {
            (
                Severity::Warn,
                format!(
                    "The path ends at the root \"{}\", but no trusted roots were given, so certwiz cannot tell whether the other server trusts it. Give the roots of that server with --ca (or --system-roots).",
                    root.certificate.display_name
                ),
            )
        };
        out.push(about(
            Finding::new(
                ids::CHAIN_UNTRUSTED_ROOT,
                severity,
                format!("The root \"{}\" is not trusted", root.certificate.display_name),
                detail,
                "Install the root CA certificate in Trusted Root Certification Authorities on every server that must trust this certificate: certutil -addstore -f Root <file> (the commands below are filled in with its name and thumbprint), or MMC: Certificates (Local Computer) > Trusted Root Certification Authorities > All Tasks > Import. Then restart the conferencing services.",
            ),
            &root.certificate,
            f.scope,
        ));
    }
    for (i, node) in nodes.iter().enumerate() {
        if node.problems.contains(&NodeStatus::BadSignature) {
            let issuer = nodes
                .get(i.wrapping_sub(1))
                .map(|n| n.certificate.display_name.clone())
                .unwrap_or_default();
            out.push(about(
                Finding::new(
                    ids::CHAIN_BAD_SIGNATURE,
                    Severity::Fail,
                    format!("The signature on \"{}\" does not verify", node.certificate.display_name),
                    format!(
                        "\"{issuer}\" has the right name to be the issuer of \"{}\", but its key does not verify the signature. Usually a CA was rebuilt with the same name and a new key, and the old CA certificate is still installed; rarely the certificate was altered.",
                        node.certificate.display_name
                    ),
                    "Find the CA certificate that really signed it: compare the Authority Key Identifier of the certificate with the Subject Key Identifier of each CA certificate of that name (certutil -verify -urlfetch cert.cer), install the right one and remove the stale one.",
                ),
                &node.certificate,
                f.scope,
            ));
        }
        if node.problems.contains(&NodeStatus::IssuerNotCa)
            && let Some(issuer) = i.checked_sub(1).and_then(|p| nodes.get(p))
        {
            // A CA certificate whose Key Usage leaves out Certificate Signing is its own case: the
            // CA exists, its certificate was issued with the wrong template (or edited).
            let id = if issuer.certificate.is_ca {
                ids::CHAIN_ISSUER_KEY_USAGE
            } else {
                ids::CHAIN_ISSUER_NOT_CA
            };
            out.push(about(
                    Finding::new(
                        id,
                        Severity::Fail,
                        if issuer.certificate.is_ca {
                            format!("\"{}\" signed a certificate, but its Key Usage does not allow Certificate Signing", issuer.certificate.display_name)
                        } else {
                            format!("\"{}\" signed a certificate but is not a CA", issuer.certificate.display_name)
                        },
                        format!(
                            "\"{}\" is the issuer of \"{}\", but {}, so Windows rejects the path.",
                            issuer.certificate.display_name,
                            node.certificate.display_name,
                            if issuer.certificate.is_ca {
                                "its Key Usage extension does not allow Certificate Signing"
                            } else {
                                "its Basic Constraints extension does not say it is a certification authority"
                            }
                        ),
                        if issuer.certificate.is_ca {
                            "Renew the CA certificate with Key Usage Certificate Signing and CRL Signing (the Subordinate Certification Authority template does this), install the renewed CA certificate, then reissue the certificates it signed."
                        } else {
                            "Issue the certificate from a real CA (an enterprise CA in Active Directory Certificate Services, using the Web Server or a computer template), not from another server's certificate."
                        },
                    ),
                    &issuer.certificate,
                    f.scope,
                ));
        }
    }
    // Name constraints that could not be checked leave the path not known to be OK.
    let unchecked = nodes.iter().any(|n| {
        n.violations
            .iter()
            .any(|v| v.rule == PathRule::NameConstraintsNotChecked)
    });
    if f.path.trusted
        && f.path.all_ok()
        && !unchecked
        && let Some(leaf) = f.path.leaf()
    {
        let names: Vec<&str> = nodes
            .iter()
            .map(|n| n.certificate.display_name.as_str())
            .collect();
        out.push(about(
                Finding::new(
                    ids::CHAIN_OK,
                    Severity::Pass,
                    "The certification path is complete and trusted",
                    format!(
                        "{} (trusted). Every signature verifies and every certificate is in date at {}.",
                        names.iter().rev().copied().collect::<Vec<_>>().join(" → "),
                        date(f.at)
                    ),
                    "Nothing to do.",
                ),
                &leaf.certificate,
                f.scope,
            ));
    }
}

fn strength_findings(f: &PathFacts<'_>, out: &mut Vec<Finding>) {
    let len = f.path.nodes.len();
    for (i, node) in f.path.nodes.iter().enumerate() {
        let c = &node.certificate;
        // A root's own signature is never checked by Windows: only the signatures CAs make matter.
        let is_root = i == 0 && c.self_signed && f.path.complete;
        if let (Some(weak), false) = (c.signature_algorithm.weak, is_root) {
            let (severity, why) = match weak {
                WeakHash::Md5 => (
                    Severity::Fail,
                    "MD5 is broken; an MD5-signed CA certificate stops OCS and Lync services from starting and current Windows rejects it.",
                ),
                WeakHash::Sha1 => (
                    Severity::Warn,
                    "SHA-1 is deprecated: current Windows and browsers distrust SHA-1 signatures for TLS.",
                ),
            };
            out.push(about(
                Finding::new(
                    ids::CERT_WEAK_SIGNATURE,
                    severity,
                    format!("\"{}\" is signed with {}", c.display_name, c.signature_algorithm.name),
                    format!("The {} was signed with {}. {why}", role_word(i, len), c.signature_algorithm.name),
                    "Reissue it with SHA-256: on the issuing CA, certutil -setreg ca\\csp\\CNGHashAlgorithm SHA256 and restart the CA service, then request the certificate again.",
                ),
                c,
                f.scope,
            ));
        }
        if c.key.algorithm == "RSA" && c.key.bits > 0 && c.key.bits < 2048 {
            let severity = if c.key.bits < 1024 {
                Severity::Fail
            } else {
                Severity::Warn
            };
            out.push(about(
                Finding::new(
                    ids::CERT_WEAK_KEY,
                    severity,
                    format!("\"{}\" has a {}-bit RSA key", c.display_name, c.key.bits),
                    format!(
                        "The {} uses a {}-bit RSA key. OCS 2007 tooling allowed 1024 bits; today 2048 bits is the minimum and newer Windows versions refuse shorter keys.",
                        role_word(i, len),
                        c.key.bits
                    ),
                    "Request a new certificate with a 2048-bit (or larger) key: Request-CsCertificate -KeySize 2048, or set the minimum key size in the certificate template.",
                ),
                c,
                f.scope,
            ));
        }
    }
}

fn purpose_findings(f: &PathFacts<'_>, out: &mut Vec<Finding>) {
    let rows = &f.purposes.rows;
    // Only the roles asked for are judged (`--purpose`); the table still shows both.
    for &role in f.purposes.requested.roles() {
        let Some(verdict) = f.purposes.role(role) else {
            continue;
        };
        for &index in &verdict.blocked_by {
            let Some(row) = rows.get(index) else { continue };
            let Some(node) = f.path.nodes.get(index) else {
                continue;
            };
            let allowed: Vec<&str> = node
                .certificate
                .eku
                .purposes
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            let listed = if allowed.is_empty() {
                "no purpose".to_owned()
            } else {
                allowed.join(", ")
            };
            // The extension is part of the signed certificate: no MMC setting can add a purpose it
            // lacks. The store property is a local setting that MMC can change.
            let extension_blocks = row.flags.source == PurposeSource::Listed
                && !node
                    .certificate
                    .eku
                    .purposes
                    .iter()
                    .any(|p| p.name == role.name());
            let finding = if row.position == PathPosition::Leaf && !extension_blocks {
                let id = match role {
                    Role::ServerAuth => ids::CERT_SERVER_AUTH_MISSING,
                    Role::ClientAuth => ids::CERT_CLIENT_AUTH_MISSING,
                };
                Finding::new(
                    id,
                    Severity::Fail,
                    format!(
                        "The certificate \"{}\" is not enabled for {} in the certificate store",
                        row.display_name,
                        role.name()
                    ),
                    format!(
                        "The certificate itself allows {}, but its purpose setting in the Windows certificate store leaves it out (MMC's \"Enable only the following purposes\" or \"Disable all purposes\"), and Windows honours the setting.",
                        role.name()
                    ),
                    format!(
                        "Certificates (Local Computer) > Personal > open \"{}\" > Details > Edit Properties > General: choose \"Enable all purposes for this certificate\", or tick both Server Authentication and Client Authentication. Then restart the conferencing services.",
                        row.display_name
                    ),
                )
            } else if row.position == PathPosition::Leaf {
                let (id, why, fix) = match role {
                    Role::ServerAuth => (
                        ids::CERT_SERVER_AUTH_MISSING,
                        "A front end must answer TLS (ports 444, 5061, 443) with this certificate, which needs Server Authentication.",
                        "Request a new certificate from a template that includes Server Authentication (the Web Server template does), then assign it to the pool.",
                    ),
                    Role::ClientAuth => (
                        ids::CERT_CLIENT_AUTH_MISSING,
                        "Conferencing servers also present this certificate as a client in mutual TLS (to the MCU factory on 444, between pool servers). Since the May 2017 .NET update a certificate with an EKU extension must list Client Authentication for that.",
                        "Request a new certificate that includes Client Authentication: Request-CsCertificate -ClientEKU $true, or a template with both Server Authentication and Client Authentication; then Set-CsCertificate and restart the services.",
                    ),
                };
                Finding::new(
                    id,
                    Severity::Fail,
                    format!(
                        "The certificate \"{}\" is not allowed for {}",
                        row.display_name,
                        role.name()
                    ),
                    format!(
                        "Its Enhanced Key Usage lists {listed}, not {}. {why}",
                        role.name()
                    ),
                    fix,
                )
            } else {
                let id = match role {
                    Role::ServerAuth => ids::CHAIN_CA_RESTRICTS_SERVER_AUTH,
                    Role::ClientAuth => ids::CHAIN_CA_RESTRICTS_CLIENT_AUTH,
                };
                let store = if row.position == PathPosition::Root {
                    "Trusted Root Certification Authorities"
                } else {
                    "Intermediate Certification Authorities"
                };
                let mmc = format!(
                    "Certificates (Local Computer) > {store} > open \"{}\" > Details > Edit Properties > General: choose \"Enable all purposes for this certificate\", or \"Enable only the following purposes\" with both Server Authentication and Client Authentication ticked. Do this on every server, then restart the conferencing services.",
                    row.display_name
                );
                let (why, fix) = if extension_blocks {
                    (
                        format!(
                            "Its own Enhanced Key Usage extension lists {listed}, which is signed into the certificate."
                        ),
                        format!(
                            "The CA certificate must be renewed with {} in its Enhanced Key Usage (or with no EKU extension at all, which allows every purpose); MMC's purpose setting cannot add a purpose the certificate lacks. Then install the renewed CA certificate on every server (certutil -addstore {} ca.cer) and reissue the server certificates under it. Meanwhile check the same CA in MMC: {mmc}",
                            role.name(),
                            if row.position == PathPosition::Root {
                                "Root"
                            } else {
                                "CA"
                            }
                        ),
                    )
                } else {
                    ("Its purpose setting in the Windows certificate store leaves it out (MMC's \"Enable only the following purposes\" or \"Disable all purposes\").".to_owned(), format!("In MMC: {mmc}"))
                };
                Finding::new(
                    id,
                    Severity::Fail,
                    format!(
                        "The CA \"{}\" does not allow {}",
                        row.display_name,
                        role.name()
                    ),
                    format!(
                        "Windows allows a certificate only the purposes every CA above it allows, so no certificate under \"{}\" can be used for {}, whatever the certificate itself says. {why}",
                        row.display_name,
                        role.name()
                    ),
                    fix,
                )
            };
            out.push(about(finding, &node.certificate, f.scope));
        }
    }
    let usable = |role| f.purposes.role(role).is_some_and(|v| v.usable);
    let requested = f.purposes.requested.roles();
    if requested.iter().all(|&role| usable(role))
        && let Some(leaf) = f.path.leaf()
    {
        let (title, detail) = match requested {
            [only] => (
                format!("The path allows {}", only.name()),
                format!(
                    "Every certificate in the path, CAs included, allows {}, the purpose it was examined for (--purpose).",
                    only.name()
                ),
            ),
            _ => (
                "The path allows Server Authentication and Client Authentication".to_owned(),
                "Every certificate in the path, CAs included, allows both purposes, so the certificate can answer TLS and take part in mutual TLS.".to_owned(),
            ),
        };
        out.push(about(
            Finding::new(
                ids::CHAIN_PURPOSES_OK,
                Severity::Pass,
                title,
                detail,
                "Nothing to do.",
            ),
            &leaf.certificate,
            f.scope,
        ));
    }
}

fn name_findings(f: &PathFacts<'_>, out: &mut Vec<Finding>) {
    let Some(leaf) = f.path.leaf() else { return };
    let c = &leaf.certificate;
    if !f.names.is_empty() {
        let missing: Vec<&str> = f
            .names
            .iter()
            .filter(|n| !n.matched())
            .map(|n| n.expected.as_str())
            .collect();
        let on_cert = if c.san_dns.is_empty() && c.san_ip.is_empty() {
            format!(
                "it has no Subject Alternative Name, and its subject CN is {}",
                c.common_name.as_deref().unwrap_or("empty")
            )
        } else {
            let mut entries: Vec<String> = c.san_dns.clone();
            entries.extend(c.san_ip.iter().cloned());
            format!("its Subject Alternative Name lists {}", entries.join(", "))
        };
        if missing.is_empty() {
            let matched: Vec<String> = f
                .names
                .iter()
                .map(|n| format!("{} ({})", n.expected, n.matched_by.as_deref().unwrap_or("")))
                .collect();
            out.push(about(
                Finding::new(
                    ids::CERT_NAME_MATCH,
                    Severity::Pass,
                    "The certificate carries every expected name",
                    format!("Matched: {}.", matched.join(", ")),
                    "Nothing to do.",
                ),
                c,
                f.scope,
            ));
        } else {
            out.push(about(
                Finding::new(
                    ids::CERT_NAME_MISMATCH,
                    Severity::Fail,
                    format!("The certificate does not carry the name {}", missing.join(", ")),
                    format!(
                        "Clients and other servers connect by {}, but {on_cert}. Schannel rejects the connection (SEC_E_WRONG_PRINCIPAL, 0x80090322; CERT_E_CN_NO_MATCH, 0x800B010F).",
                        missing.join(", ")
                    ),
                    "Request a certificate whose Subject Alternative Name lists the pool FQDN, every front-end FQDN and the SIP domains (Request-CsCertificate, or the OCS Certificate Wizard's Subject Alternative Name page), then assign it.",
                ),
                c,
                f.scope,
            ));
        }
    }
    let wildcards = wildcard_entries(c);
    if !wildcards.is_empty() {
        out.push(about(
            Finding::new(
                ids::CERT_WILDCARD_SAN,
                Severity::Warn,
                format!("The certificate's Subject Alternative Name has a wildcard: {}", wildcards.join(", ")),
                "OCS 2007 R2 services do not start with a wildcard in a pool certificate's SAN, and Lync / Skype for Business support wildcards only for specific web URLs, not for the pool and front-end names.",
                "Request a certificate that lists each name explicitly (pool FQDN, front-end FQDNs, SIP domains) instead of a wildcard.",
            ),
            c,
            f.scope,
        ));
    }
}

/// The finding id for a node status set by a rule of [`PathRule`] (the pool matrix names it).
pub fn path_rule_finding_id(status: NodeStatus) -> &'static str {
    match status {
        NodeStatus::SignatureNotChecked => ids::CHAIN_SIGNATURE_UNSUPPORTED,
        NodeStatus::NameConstraintsViolated => ids::CHAIN_NAME_CONSTRAINTS_VIOLATED,
        NodeStatus::PathLengthExceeded => ids::CHAIN_PATH_LENGTH_EXCEEDED,
        NodeStatus::InvalidExtension => ids::CERT_MALFORMED_EXTENSION,
        NodeStatus::BadSignature => ids::CHAIN_BAD_SIGNATURE,
        NodeStatus::IssuerNotCa => ids::CHAIN_ISSUER_NOT_CA,
        NodeStatus::IssuerNotFound => ids::CHAIN_INCOMPLETE,
        NodeStatus::RootNotTrusted => ids::CHAIN_UNTRUSTED_ROOT,
        NodeStatus::Expired => ids::CERT_EXPIRED,
        NodeStatus::NotYetValid => ids::CERT_NOT_YET_VALID,
        NodeStatus::Ok => ids::CHAIN_OK,
    }
}

/// Id, severity and the words of one broken rule. Severities follow what CryptoAPI does (README, "How
/// the path is built"): fail where Windows rejects the chain, warn where it accepts it.
fn rule_finding(
    v: &PathViolation,
    what: &str,
    name: &str,
) -> (&'static str, Severity, String, String, &'static str) {
    let by = v.by.as_deref().unwrap_or("its issuer");
    match v.rule {
        PathRule::SignatureUnsupported => (
            ids::CHAIN_SIGNATURE_UNSUPPORTED,
            Severity::Fail,
            format!("The signature on \"{name}\" was not checked"),
            format!(
                "\"{by}\" signed the {what} \"{name}\" with {}, an algorithm certwiz cannot verify, so certwiz does not know whether the signature is genuine: the path is not called trusted. Windows may verify it; check there with certutil.",
                v.what
            ),
            "Verify the chain on a Windows server with certutil -verify -urlfetch <certificate file>. If the CA uses a rare algorithm (ECDSA with SHA-1, DSA, a small or odd curve), renew the CA and reissue with sha256RSA or ECDSA P-256 / SHA-256.",
        ),
        PathRule::NameConstraints => (
            ids::CHAIN_NAME_CONSTRAINTS_VIOLATED,
            Severity::Fail,
            format!("\"{name}\" is outside the names \"{by}\" may certify"),
            format!(
                "The CA \"{by}\" carries a Name Constraints extension, and in the {what} \"{name}\" the {}. Windows rejects the chain (CERT_TRUST_HAS_NOT_PERMITTED_NAME_CONSTRAINT / CERT_TRUST_HAS_EXCLUDED_NAME_CONSTRAINT), as does every RFC 5280 validator.",
                v.what
            ),
            "Reissue the certificate with names inside the CA's permitted subtrees, or have it issued by a CA whose constraints cover those names (look at the CA's Name Constraints with certutil -dump ca.cer).",
        ),
        PathRule::NameConstraintsNotChecked => (
            ids::CHAIN_NAME_CONSTRAINTS_NOT_CHECKED,
            Severity::Warn,
            format!("The name constraints of \"{by}\" on \"{name}\" were not checked"),
            format!(
                "In the {what} \"{name}\", {}: whether they are inside the CA's subtrees is not known, so the path is not called OK. Windows checks UPN constraints (and rejects a name outside them).",
                v.what
            ),
            "Check the chain on a Windows server: certutil -verify -urlfetch <certificate file> (a name outside the constraints shows as CERT_E_INVALID_NAME).",
        ),
        PathRule::PathLength => (
            ids::CHAIN_PATH_LENGTH_EXCEEDED,
            Severity::Fail,
            format!("\"{name}\" is deeper under \"{by}\" than its path length constraint allows"),
            format!(
                "There are {}. Windows rejects the chain (CERT_TRUST_INVALID_BASIC_CONSTRAINTS).",
                v.what
            ),
            "Issue the certificate from a CA nearer the root, or renew the constraining CA with a larger path length constraint (CAPolicy.inf: PathLength).",
        ),
        PathRule::UnknownCriticalExtension => (
            ids::CERT_UNKNOWN_CRITICAL_EXTENSION,
            Severity::Fail,
            format!("\"{name}\" has an unknown critical extension"),
            format!(
                "The {what} has the extension {} marked critical, and neither certwiz nor CryptoAPI understands it. A validator must reject a certificate with a critical extension it does not know (RFC 5280 4.2); Windows does (CERT_TRUST_HAS_NOT_SUPPORTED_CRITICAL_EXT).",
                v.what
            ),
            "Reissue the certificate from a template without that extension, or with it marked non-critical.",
        ),
        PathRule::MalformedExtension => (
            ids::CERT_MALFORMED_EXTENSION,
            Severity::Fail,
            format!("\"{name}\" has an extension that cannot be read"),
            format!(
                "In the {what}, {}. Windows rejects a certificate with an extension it cannot decode (CERT_TRUST_INVALID_EXTENSION).",
                v.what
            ),
            "Reissue the certificate; if it came from a request file, check the names in the request (certutil -dump request.req).",
        ),
        PathRule::UnreadExtension => (
            ids::CERT_MALFORMED_EXTENSION,
            Severity::Warn,
            format!("\"{name}\" has an extension that cannot be read"),
            format!(
                "In the {what}, {}. It is not critical and neither path validation nor revocation checking reads it, so Windows is not stopped by it; what it was meant to say is lost to every client.",
                v.what
            ),
            "Reissue the certificate from a template that writes the extension correctly.",
        ),
        PathRule::InvalidName => (
            ids::CERT_MALFORMED_EXTENSION,
            Severity::Warn,
            format!("\"{name}\" has a Subject Alternative Name with an invalid entry"),
            format!(
                "In the {what}, {}. RFC 5280 forbids it and strict validators (Go, rustls-webpki) reject the certificate; CryptoAPI and OpenSSL decode it and go on.",
                v.what
            ),
            "Reissue the certificate with a Subject Alternative Name that lists the real host names.",
        ),
        PathRule::DuplicateExtension => (
            ids::CERT_DUPLICATE_EXTENSION,
            Severity::Warn,
            format!("\"{name}\" has the extension {} twice", v.what),
            format!(
                "The {what} holds the extension {} more than once, which RFC 5280 forbids. Go's crypto/x509 refuses such a certificate; CryptoAPI reads the first copy, and OpenSSL accepts a duplicate of an extension it does not know, so Windows servers may accept it while other systems do not.",
                v.what
            ),
            "Reissue the certificate without the duplicate (check the template and any extensions added in the request).",
        ),
        PathRule::InvalidSerial => (
            ids::CERT_INVALID_SERIAL,
            Severity::Warn,
            format!("\"{name}\" has an invalid serial number"),
            format!(
                "The serial number of the {what} is {}. RFC 5280 requires a positive number of at most 20 bytes. Windows accepts it; stricter validators (Go, rustls-webpki) reject it.",
                v.what
            ),
            "Reissue the certificate from a CA that writes RFC 5280 serial numbers (every current Windows CA does).",
        ),
        PathRule::AuthorityKeyIdCritical => (
            ids::CERT_AKI_CRITICAL,
            Severity::Warn,
            format!("\"{name}\" marks its Authority Key Identifier critical"),
            format!(
                "In the {what} the Authority Key Identifier ({}) is marked critical; RFC 5280 4.2.1.1 says it must not be. CryptoAPI understands the extension and accepts it; OpenSSL rejects the certificate (unhandled critical extension).",
                v.what
            ),
            "Reissue the certificate with a non-critical Authority Key Identifier.",
        ),
    }
}

fn path_rule_findings(f: &PathFacts<'_>, out: &mut Vec<Finding>) {
    let len = f.path.nodes.len();
    for (i, node) in f.path.nodes.iter().enumerate() {
        for v in &node.violations {
            let (id, severity, title, detail, fix) =
                rule_finding(v, role_word(i, len), &node.certificate.display_name);
            out.push(about(
                Finding::new(id, severity, title, detail, fix),
                &node.certificate,
                f.scope,
            ));
        }
    }
    if let (Some(missing), Some(top)) = (&f.path.missing_issuer, f.path.nodes.first())
        && !missing.same_name_other_keys.is_empty()
    {
        out.push(about(
            Finding::new(
                ids::CHAIN_AKI_MISMATCH,
                Severity::Warn,
                format!("A CA named \"{}\" is present, but with another key", missing.issuer),
                format!(
                    "\"{}\" names its issuer's key as {} (Authority Key Identifier), but the CA certificate(s) of that name given have the key identifier {}. The CA was renewed with a new key or rebuilt: the certificate needs the CA certificate of the old key (both can be installed side by side), or must be reissued.",
                    top.certificate.display_name,
                    missing.authority_key_id.as_deref().unwrap_or("?"),
                    missing.same_name_other_keys.join(", ")
                ),
                "On the CA: certutil -ca.cert lists the CA certificates of each key (certutil -ca.cert 0 old-ca.cer for the first); install the one whose Subject Key Identifier matches (certutil -addstore CA old-ca.cer), or reissue the certificate from the current key.",
            ),
            &top.certificate,
            f.scope,
        ));
    }
    // A CA certificate examined as a TLS endpoint: judged only when names were asked for, since
    // inspecting a CA certificate by itself is an ordinary thing to do.
    if let (Some(leaf), false) = (f.path.leaf(), f.names.is_empty())
        && leaf.certificate.is_ca
        && len > 1
    {
        out.push(about(
            Finding::new(
                ids::CERT_CA_AS_END_ENTITY,
                Severity::Warn,
                format!("\"{}\" is a CA certificate", leaf.certificate.display_name),
                "The certificate examined for a server name says it is a certification authority (Basic Constraints CA=true). RFC 5280 validators (OpenSSL with -purpose sslserver, Go, rustls-webpki) refuse a CA certificate as a TLS server or client certificate; CryptoAPI's SSL policy does not check it.",
                "Request an end-entity certificate (the Web Server or a computer template) for the server instead of using a CA certificate.",
            ),
            &leaf.certificate,
            f.scope,
        ));
    }
}

/// Purposes are judged only over certificates that were seen: when the path stops at a missing
/// issuer, the CAs above it may restrict Server or Client Authentication and nobody can tell, so the
/// path-wide pass is withdrawn and an info finding says why. What the seen certificates restrict is
/// still reported by [`purpose_findings`].
fn purposes_seen_only(f: &PathFacts<'_>, out: &mut Vec<Finding>) {
    if f.path.end != PathEnd::IssuerNotFound {
        return;
    }
    out.retain(|finding| finding.id != ids::CHAIN_PURPOSES_OK);
    let Some(top) = f.path.nodes.first() else {
        return;
    };
    let Some(leaf) = f.path.leaf() else { return };
    out.push(about(
        Finding::new(
            ids::CHAIN_PURPOSES_NOT_JUDGED,
            Severity::Info,
            "The purposes of the whole path were not judged: an issuer is missing",
            format!(
                "The issuer of \"{}\" (\"{}\") was not among the certificates given or presented, so whether every CA in the path allows Server Authentication and Client Authentication is unknown. Only the certificates that were seen were checked.",
                top.certificate.display_name, top.certificate.issuer
            ),
            "Give the missing CA certificate (--ca, or the server's full chain), or check with --fetch, which downloads it from the AIA URL.",
        ),
        &leaf.certificate,
        f.scope,
    ));
}
