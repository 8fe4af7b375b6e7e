//! The rules of path validation that look at a built path as a whole or at a certificate's encoding:
//! name constraints (RFC 5280 4.2.1.10), pathLenConstraint (4.2.1.9), critical extensions certwiz does
//! not know, duplicate or undecodable extensions, invalid serial numbers, a critical Authority Key
//! Identifier.
//!
//! Each broken rule is a [`PathViolation`] on the node it is about, naming the CA that imposes it and
//! the name, extension or number at fault; [`crate::engine::rules`] turns them into findings.

use std::collections::HashSet;

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, NameConstraints, ParsedExtension};
use x509_parser::x509::X509Name;

use crate::engine::cert::{hex_upper, ip_to_string, name_key};
use serde::{Deserialize, Serialize};

/// A rule of path validation (RFC 5280, CryptoAPI) that a certificate in the path breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathRule {
    /// The issuer's signature uses an algorithm certwiz cannot verify.
    SignatureUnsupported,
    /// A name is outside a CA's permitted subtrees or inside an excluded one.
    NameConstraints,
    /// A CA constrains a name form certwiz does not match (URI, UPN, ...) and the certificate has such
    /// names: not known to be inside.
    NameConstraintsNotChecked,
    /// More CA certificates under a CA than its pathLenConstraint allows.
    PathLength,
    /// A critical extension that is not understood.
    UnknownCriticalExtension,
    /// The same extension twice.
    DuplicateExtension,
    /// An extension that cannot be decoded (a malformed Subject Alternative Name, ...).
    MalformedExtension,
    /// A Subject Alternative Name that decodes but names nothing usable (empty, or an empty DNS name).
    InvalidName,
    /// A non-critical extension that cannot be decoded but that path validation and revocation do not
    /// read (Subject Information Access, ...).
    UnreadExtension,
    /// A serial number that is zero, negative or longer than 20 bytes.
    InvalidSerial,
    /// The Authority Key Identifier is marked critical (RFC 5280 says it must not be).
    AuthorityKeyIdCritical,
}

impl PathViolation {
    /// One line for the path view: what breaks the rule, and the CA that imposes it.
    pub fn sentence(&self) -> String {
        let by = self.by.as_deref().unwrap_or("its issuer");
        match self.rule {
            PathRule::SignatureUnsupported => {
                format!(
                    "Signature not checked: \"{by}\" signed it with {}",
                    self.what
                )
            }
            PathRule::NameConstraints => format!("Name constraints of \"{by}\": {}", self.what),
            PathRule::NameConstraintsNotChecked => {
                format!("Name constraints of \"{by}\" not checked: {}", self.what)
            }
            PathRule::PathLength => format!("Path length constraint of \"{by}\": {}", self.what),
            PathRule::UnknownCriticalExtension => {
                format!("Unknown critical extension {}", self.what)
            }
            PathRule::DuplicateExtension => format!("Extension {} appears twice", self.what),
            PathRule::MalformedExtension => format!("Invalid extension: {}", self.what),
            PathRule::InvalidName => format!("Invalid name: {}", self.what),
            PathRule::UnreadExtension => format!("Unreadable extension: {}", self.what),
            PathRule::InvalidSerial => format!("Invalid serial number {}", self.what),
            PathRule::AuthorityKeyIdCritical => {
                "Authority Key Identifier marked critical".to_owned()
            }
        }
    }
}

/// One broken rule on one certificate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PathViolation {
    /// Which rule.
    pub rule: PathRule,
    /// The CA that imposes it (its display name), when a CA does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// What breaks it: the name outside the subtree, the extension, the algorithm, the serial.
    pub what: String,
}

/// Extensions Windows knows although x509-parser does not parse them (Microsoft's certificate
/// template, application policies, CA version, previous CA hash): critical or not, CryptoAPI
/// understands them, so they are not "unknown".
const KNOWN_TO_WINDOWS: [&str; 5] = [
    "1.3.6.1.4.1.311.20.2",
    "1.3.6.1.4.1.311.21.1",
    "1.3.6.1.4.1.311.21.2",
    "1.3.6.1.4.1.311.21.7",
    "1.3.6.1.4.1.311.21.10",
];

/// Extensions CryptoAPI decodes while building and judging a TLS path (Subject Alternative Name, Basic
/// Constraints, Key Usage, EKU, Name Constraints, certificate policies, policy mappings and
/// constraints, Authority Key Identifier, inhibitAnyPolicy) and, with the revocation checking the
/// conferencing servers do, CRL distribution points and AIA: one of them that cannot be decoded makes
/// the path invalid.
const WINDOWS_DECODES: [&str; 12] = [
    "2.5.29.31",
    "1.3.6.1.5.5.7.1.1",
    "2.5.29.17",
    "2.5.29.19",
    "2.5.29.15",
    "2.5.29.37",
    "2.5.29.30",
    "2.5.29.32",
    "2.5.29.33",
    "2.5.29.36",
    "2.5.29.35",
    "2.5.29.54",
];

/// Checks `chain` (the examined certificate first, its issuers after it, the top last). `names[i]`
/// is the display name of `chain[i]`. Returns the violations of each certificate, in chain order.
pub(crate) fn check(chain: &[X509Certificate<'_>], names: &[String]) -> Vec<Vec<PathViolation>> {
    let mut out: Vec<Vec<PathViolation>> = chain.iter().map(encoding_violations).collect();
    path_length(chain, names, &mut out);
    name_constraints(chain, names, &mut out);
    for violations in &mut out {
        violations.sort();
        violations.dedup();
    }
    out
}

fn violation(rule: PathRule, by: Option<&String>, what: String) -> PathViolation {
    PathViolation {
        rule,
        by: by.cloned(),
        what,
    }
}

/// Encoding rules of one certificate: extensions and serial number.
fn encoding_violations(cert: &X509Certificate<'_>) -> Vec<PathViolation> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for ext in cert.extensions() {
        let oid = ext.oid.to_id_string();
        if !seen.insert(oid.clone()) {
            out.push(violation(PathRule::DuplicateExtension, None, oid.clone()));
        }
        match ext.parsed_extension() {
            ParsedExtension::UnsupportedExtension { .. }
                if ext.critical && !KNOWN_TO_WINDOWS.contains(&oid.as_str()) =>
            {
                out.push(violation(PathRule::UnknownCriticalExtension, None, oid));
            }
            ParsedExtension::ParseError { error } => {
                // CryptoAPI decodes the extensions chain building, revocation and the SSL policy use,
                // and every critical one; a broken non-critical extension it never reads does not
                // stop it.
                let windows_reads = ext.critical || WINDOWS_DECODES.contains(&oid.as_str());
                out.push(violation(
                    if windows_reads {
                        PathRule::MalformedExtension
                    } else {
                        PathRule::UnreadExtension
                    },
                    None,
                    format!("{} ({oid}): {error}", extension_name(&oid)),
                ));
            }
            ParsedExtension::SubjectAlternativeName(san) => {
                // A name whose string cannot be decoded (CryptoAPI: CRYPT_E_INVALID_IA5_STRING) makes
                // an invalid extension; a decodable but meaningless one (an empty or spaced DNS name,
                // an IP address of odd length, an empty list) only breaks RFC 5280.
                let undecodable = san
                    .general_names
                    .iter()
                    .any(|n| matches!(n, GeneralName::Invalid(..)));
                let meaningless = san.general_names.is_empty()
                    || san.general_names.iter().any(|n| match n {
                        GeneralName::DNSName(d) => d.is_empty() || d.contains(char::is_whitespace),
                        GeneralName::IPAddress(ip) => ip.len() != 4 && ip.len() != 16,
                        _ => false,
                    });
                if undecodable {
                    out.push(violation(
                        PathRule::MalformedExtension,
                        None,
                        format!(
                            "{} ({oid}): an entry cannot be decoded",
                            extension_name(&oid)
                        ),
                    ));
                } else if meaningless {
                    out.push(violation(
                        PathRule::InvalidName,
                        None,
                        format!(
                            "{} ({oid}): an empty list, a DNS name that is empty or holds spaces, or an IP address that is neither IPv4 nor IPv6",
                            extension_name(&oid)
                        ),
                    ));
                }
            }
            ParsedExtension::AuthorityKeyIdentifier(_) if ext.critical => {
                out.push(violation(PathRule::AuthorityKeyIdCritical, None, oid));
            }
            _ => {}
        }
    }
    let serial = cert.raw_serial();
    let problem = if serial.is_empty() || serial.iter().all(|b| *b == 0) {
        Some("zero")
    } else if serial.first().is_some_and(|b| b & 0x80 != 0) {
        Some("negative")
    } else if serial.len() > 20 {
        Some("longer than 20 bytes")
    } else {
        None
    };
    if let Some(problem) = problem {
        out.push(violation(
            PathRule::InvalidSerial,
            None,
            format!("{} ({problem})", hex_upper(serial)),
        ));
    }
    out
}

fn extension_name(oid: &str) -> &'static str {
    match oid {
        "2.5.29.17" => "Subject Alternative Name",
        "2.5.29.19" => "Basic Constraints",
        "2.5.29.15" => "Key Usage",
        "2.5.29.37" => "Enhanced Key Usage",
        "2.5.29.30" => "Name Constraints",
        "2.5.29.35" => "Authority Key Identifier",
        "2.5.29.14" => "Subject Key Identifier",
        "2.5.29.31" => "CRL Distribution Points",
        "1.3.6.1.5.5.7.1.1" => "Authority Information Access",
        _ => "extension",
    }
}

/// pathLenConstraint: a CA with `pathLen = n` may have at most `n` CA certificates (not counting
/// self-issued ones) between it and the examined certificate.
fn path_length(chain: &[X509Certificate<'_>], names: &[String], out: &mut [Vec<PathViolation>]) {
    for (k, ca) in chain.iter().enumerate().skip(1) {
        let Ok(Some(bc)) = ca.basic_constraints() else {
            continue;
        };
        let (true, Some(limit)) = (bc.value.ca, bc.value.path_len_constraint) else {
            continue;
        };
        let mut below = 0u32;
        for j in (1..k).rev() {
            if is_self_issued(&chain[j]) {
                continue;
            }
            below += 1;
            if below > limit {
                out[j].push(violation(
                    PathRule::PathLength,
                    names.get(k),
                    format!(
                        "{below} CA certificate(s) under a CA whose pathLenConstraint is {limit}"
                    ),
                ));
                break;
            }
        }
    }
}

fn is_self_issued(cert: &X509Certificate<'_>) -> bool {
    name_key(cert.subject()) == name_key(cert.issuer())
}

/// The names a certificate carries, by the name form constraints apply to.
struct CertNames<'a> {
    directory: Option<&'a X509Name<'a>>,
    dns: Vec<String>,
    ip: Vec<&'a [u8]>,
    email: Vec<String>,
    /// Names of the forms certwiz does not match against constraints (URI, otherName such as UPN,
    /// X.400, EDI party, registered ID), by form.
    other_forms: Vec<&'static str>,
}

fn names_of<'a>(cert: &'a X509Certificate<'a>, leaf: bool) -> CertNames<'a> {
    let mut names = CertNames {
        directory: (!cert.subject().as_raw().is_empty() && cert.subject().iter().next().is_some())
            .then(|| cert.subject()),
        dns: Vec::new(),
        ip: Vec::new(),
        email: Vec::new(),
        other_forms: Vec::new(),
    };
    for ext in cert.extensions() {
        if let ParsedExtension::SubjectAlternativeName(san) = ext.parsed_extension() {
            for name in &san.general_names {
                match name {
                    GeneralName::DNSName(d) => names.dns.push((*d).to_owned()),
                    GeneralName::IPAddress(ip) => names.ip.push(ip),
                    GeneralName::RFC822Name(e) => names.email.push((*e).to_owned()),
                    other => {
                        if let Some(form) = unmatched_form(other) {
                            names.other_forms.push(form);
                        }
                    }
                }
            }
        }
    }
    // PKCS#9 emailAddress in the subject is an e-mail name too (RFC 5280 4.2.1.10).
    for attr in cert.subject().iter_email() {
        if let Ok(e) = attr.as_str() {
            names.email.push(e.to_owned());
        }
    }
    // Without DNS names in the SAN, the name a TLS client checks is the subject CN (CryptoAPI's SSL
    // policy): constrain it as a DNS name so it cannot slip past the constraint, as OpenSSL 1.1+ does
    // (only when it looks like a host name).
    if leaf && names.dns.is_empty() {
        for attr in cert.subject().iter_common_name() {
            if let Ok(cn) = attr.as_str()
                && looks_like_host_name(cn)
            {
                names.dns.push(cn.to_owned());
            }
        }
    }
    names
}

fn looks_like_host_name(cn: &str) -> bool {
    cn.contains('.')
        && cn
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '*')
}

/// Name constraints of every CA in the path, applied to every certificate under it (self-issued CA
/// certificates excepted, as RFC 5280 6.1.3 (b) says).
fn name_constraints(
    chain: &[X509Certificate<'_>],
    display: &[String],
    out: &mut [Vec<PathViolation>],
) {
    for (k, ca) in chain.iter().enumerate().skip(1) {
        let Ok(Some(nc)) = ca.name_constraints() else {
            continue;
        };
        for (j, cert) in chain.iter().enumerate().take(k) {
            if j > 0 && is_self_issued(cert) {
                continue;
            }
            let names = names_of(cert, j == 0);
            for outside in outside_subtrees(nc.value, &names) {
                out[j].push(violation(
                    PathRule::NameConstraints,
                    display.get(k),
                    outside,
                ));
            }
            // A constraint on a form certwiz does not match, and a name of that form: neither inside
            // nor outside is known, so say so rather than pass it.
            let constrained: Vec<&str> = nc
                .value
                .permitted_subtrees
                .iter()
                .chain(nc.value.excluded_subtrees.iter())
                .flatten()
                .filter_map(|s| unmatched_form(&s.base))
                .collect();
            let mut unchecked: Vec<&str> = names
                .other_forms
                .iter()
                .copied()
                .filter(|f| constrained.contains(f))
                .collect();
            unchecked.sort_unstable();
            unchecked.dedup();
            if !unchecked.is_empty() {
                out[j].push(violation(
                    PathRule::NameConstraintsNotChecked,
                    display.get(k),
                    format!(
                        "the CA constrains {} names, which certwiz does not match, and the certificate has such names",
                        unchecked.join(" and ")
                    ),
                ));
            }
        }
    }
}

/// The form of a name certwiz does not match against constraints, or None for DNS, IP, directory
/// and e-mail names.
fn unmatched_form(name: &GeneralName<'_>) -> Option<&'static str> {
    match name {
        GeneralName::URI(_) => Some("URI"),
        GeneralName::OtherName(..) => Some("otherName (UPN, ...)"),
        GeneralName::X400Address(_) => Some("X.400"),
        GeneralName::EDIPartyName(_) => Some("EDI party"),
        GeneralName::RegisteredID(_) => Some("registered ID"),
        _ => None,
    }
}

/// Every name of `names` outside the permitted subtrees or inside an excluded one, as text.
fn outside_subtrees(nc: &NameConstraints<'_>, names: &CertNames<'_>) -> Vec<String> {
    let permitted: Vec<&GeneralName<'_>> = nc
        .permitted_subtrees
        .iter()
        .flatten()
        .map(|s| &s.base)
        .collect();
    let excluded: Vec<&GeneralName<'_>> = nc
        .excluded_subtrees
        .iter()
        .flatten()
        .map(|s| &s.base)
        .collect();
    let mut out = Vec::new();
    let mut judge =
        |label: String, form: Form, matches: &dyn Fn(&GeneralName<'_>) -> Option<bool>| {
            let of_form: Vec<bool> = permitted.iter().filter_map(|b| matches(b)).collect();
            if !of_form.is_empty() && !of_form.iter().any(|m| *m) {
                out.push(format!(
                    "{label} is outside the permitted {} subtrees",
                    form.word()
                ));
            }
            if excluded.iter().filter_map(|b| matches(b)).any(|m| m) {
                out.push(format!("{label} is in an excluded {} subtree", form.word()));
            }
        };
    if let Some(dn) = names.directory {
        judge(
            format!("directory name \"{}\"", crate::engine::cert::display_dn(dn)),
            Form::Directory,
            &|b| match b {
                GeneralName::DirectoryName(base) => Some(dn_within(dn, base)),
                _ => None,
            },
        );
    }
    for dns in &names.dns {
        judge(format!("DNS name {dns}"), Form::Dns, &|b| match b {
            GeneralName::DNSName(base) => Some(dns_within(dns, base)),
            _ => None,
        });
    }
    for ip in &names.ip {
        judge(
            format!("IP address {}", ip_to_string(ip)),
            Form::Ip,
            &|b| match b {
                GeneralName::IPAddress(base) => Some(ip_within(ip, base)),
                _ => None,
            },
        );
    }
    for email in &names.email {
        judge(
            format!("e-mail address {email}"),
            Form::Email,
            &|b| match b {
                GeneralName::RFC822Name(base) => Some(email_within(email, base)),
                _ => None,
            },
        );
    }
    out
}

#[derive(Clone, Copy)]
enum Form {
    Directory,
    Dns,
    Ip,
    Email,
}

impl Form {
    fn word(self) -> &'static str {
        match self {
            Form::Directory => "directory name",
            Form::Dns => "DNS",
            Form::Ip => "IP address",
            Form::Email => "e-mail",
        }
    }
}

/// A directory name is within `base` when `base`'s RDNs are its first RDNs.
fn dn_within(name: &X509Name<'_>, base: &X509Name<'_>) -> bool {
    let name = name_key(name);
    let base = name_key(base);
    name.starts_with(&base) && matches!(name.as_bytes().get(base.len()), None | Some(b'/'))
}

/// RFC 5280: a DNS name is within `base` when it is `base` with zero or more labels added on the
/// left; a base with a leading dot (as OpenSSL and CryptoAPI read it) admits subdomains only.
fn dns_within(name: &str, base: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    if let Some(rest) = base.strip_prefix('.') {
        return name.len() > rest.len() && name.ends_with(&base);
    }
    name == base || name.ends_with(&format!(".{base}"))
}

/// An IP address is within `base` (address and mask) when the masked bits agree.
fn ip_within(ip: &[u8], base: &[u8]) -> bool {
    if base.len() != ip.len() * 2 {
        return false;
    }
    let (addr, mask) = base.split_at(ip.len());
    ip.iter()
        .zip(addr)
        .zip(mask)
        .all(|((i, a), m)| i & m == a & m)
}

/// RFC 5280 e-mail constraints: a full mailbox, a host, or a domain with a leading dot.
fn email_within(email: &str, base: &str) -> bool {
    let Some((local, host)) = email.rsplit_once('@') else {
        return false;
    };
    if let Some((base_local, base_host)) = base.rsplit_once('@') {
        return local == base_local && host.eq_ignore_ascii_case(base_host);
    }
    let host = host.to_ascii_lowercase();
    let base = base.to_ascii_lowercase();
    if base.starts_with('.') {
        host.ends_with(&base)
    } else {
        host == base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_subtrees_add_labels_on_the_left_only() {
        assert!(dns_within("contoso.com", "contoso.com"));
        assert!(dns_within("pool.Contoso.com.", "contoso.com"));
        assert!(!dns_within("badcontoso.com", "contoso.com"));
        assert!(!dns_within("contoso.com", ".contoso.com"));
        assert!(dns_within("a.contoso.com", ".contoso.com"));
        assert!(dns_within("anything.test", ""));
    }

    #[test]
    fn ip_subtrees_compare_masked_bits() {
        assert!(ip_within(&[10, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(!ip_within(&[11, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(!ip_within(&[10, 1, 2, 3], &[10, 0, 0, 0]));
    }

    #[test]
    fn email_subtrees() {
        assert!(email_within("a@contoso.com", "contoso.com"));
        assert!(email_within("a@mail.contoso.com", ".contoso.com"));
        assert!(!email_within("a@contoso.com", ".contoso.com"));
        assert!(email_within("a@CONTOSO.com", "a@contoso.com"));
        assert!(!email_within("b@contoso.com", "a@contoso.com"));
    }
}
