//! Redaction for screen-sharing and for sending a report outside the company: host names, IP
//! addresses, serial numbers and thumbprints become consistent pseudonyms (`host-1.example`,
//! `192.0.2.1`, `serial-1`, `thumbprint-1`), everywhere they appear, while the verdict and every
//! finding's severity stay as they were.
//!
//! It works on the data, never on a copy of the screen: [`Redactor::learn`] walks a report once and
//! collects what identifies the network (names from the fields that hold names, addresses from the
//! fields and the text that hold addresses, thumbprints and serials by field and by shape), then
//! [`Redactor::report`] gives a masked copy of any report, from which every renderer (text, Markdown,
//! HTML, JSON, the GUI's steps) works unchanged. The same redactor masks loose text ([`Redactor::text`]),
//! so a status line or a typed host name shows the same pseudonym as the report.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde_json::Value;

use super::Report;

/// What a masked value was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Host,
    /// A label of an Active Directory domain in a distinguished name (`DC=contoso`).
    Domain,
    Ipv4,
    Ipv6,
    Serial,
    Thumbprint,
    Sha256,
}

/// Shortest value masked inside longer text: shorter ones ("a", "01") would match ordinary words and
/// numbers. They are still masked where they stand alone in a field.
const MIN_TOKEN: usize = 3;
/// Shortest serial number masked inside text (shorter ones are ordinary numbers: "64", "1000").
const MIN_SERIAL_TOKEN: usize = 8;

/// Words that are never taken as a one-label host name inside text, though a field may hold them
/// (a computer called SERVER must not turn "Server Authentication" into a pseudonym).
const COMMON_WORDS: &[&str] = &[
    "server",
    "client",
    "root",
    "host",
    "pool",
    "local",
    "localhost",
    "domain",
    "certificate",
    "issuing",
    "authority",
    "enterprise",
    "front",
    "edge",
    "director",
    "mediation",
    "office",
    "lync",
    "skype",
    "microsoft",
    "windows",
    "web",
    "iis",
    "www",
    "auth",
    "trusted",
    "intermediate",
    "personal",
    "computer",
    "admin",
    "user",
    "test",
    "lab",
    "example",
];

/// Labels of an AD domain that identify nobody (`DC=com`).
const GENERIC_DOMAIN_LABELS: &[&str] = &[
    "com", "net", "org", "edu", "gov", "int", "local", "lan", "corp", "internal", "intra", "ad",
    "test", "example", "invalid", "private", "home",
];

/// File-name endings that look like the last label of a host name in free text (`rtcsrv.exe`).
const FILE_ENDINGS: &[&str] = &[
    "exe", "dll", "sys", "cer", "crt", "pem", "pfx", "p12", "p7b", "p7c", "key", "der", "txt",
    "log", "xml", "json", "html", "htm", "md", "ps1", "msc", "msi", "cab", "zip", "cfg", "ini",
    "config", "aspx", "asmx", "svc", "js", "css", "png", "jpg", "gif", "crl", "evtx", "etl", "cs",
    "vb",
];

/// Field names whose value is a host name.
const HOST_KEYS: &[&str] = &[
    "host",
    "server_fqdn",
    "pool_fqdn",
    "san_dns",
    "expected",
    "matched_by",
    "computer",
    "sip_domain",
];
/// Field names whose value is an IP address (or an address with a port).
const IP_KEYS: &[&str] = &["address", "connected", "san_ip", "addresses", "dns_server"];
/// Field names whose value is a serial number.
const SERIAL_KEYS: &[&str] = &["serial"];
/// Field names whose value is a thumbprint.
const THUMBPRINT_KEYS: &[&str] = &[
    "thumbprint_sha1",
    "sha256",
    "thumbprint",
    "certificate_hash",
];

/// Consistent pseudonyms for one report, one session, or one screen-sharing view.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Lower-case original → pseudonym.
    known: HashMap<String, String>,
    /// Pseudonym → original as first seen (to map a choice in the masked view back).
    originals: HashMap<String, String>,
    counts: HashMap<Kind, usize>,
    /// The patterns the automaton finds in text (originals and their spellings), and what each
    /// becomes.
    patterns: Vec<String>,
    replacements: Vec<String>,
    automaton: Option<AhoCorasick>,
}

impl Redactor {
    /// A redactor that knows nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A redactor that has learned `report`.
    pub fn for_report(report: &Report) -> Self {
        let mut r = Self::new();
        r.learn(report);
        r
    }

    /// How many values it masks.
    pub fn len(&self) -> usize {
        self.originals.len()
    }

    /// Whether it masks nothing yet.
    pub fn is_empty(&self) -> bool {
        self.originals.is_empty()
    }

    /// Learns what identifies the network in `report` (and its session parts). Returns whether
    /// anything new was learned (masked copies made before then must be made again).
    pub fn learn(&mut self, report: &Report) -> bool {
        let before = self.originals.len();
        if let Ok(value) = serde_json::to_value(report) {
            self.learn_value(None, &value);
        }
        self.finish(before)
    }

    /// Learns what identifies the network in any serialisable part (a store listing, a log analysis).
    pub fn learn_part<T: serde::Serialize>(&mut self, part: &T) -> bool {
        let before = self.originals.len();
        if let Ok(value) = serde_json::to_value(part) {
            self.learn_value(None, &value);
        }
        self.finish(before)
    }

    /// A masked copy of any serialisable part, as [`Redactor::report`] masks a report. `None` when
    /// the masked form no longer fits the type (then nothing may be shown).
    pub fn part<T: serde::Serialize + serde::de::DeserializeOwned>(&self, part: &T) -> Option<T> {
        let value = serde_json::to_value(part).ok()?;
        serde_json::from_value(self.mask_value(None, value)).ok()
    }

    /// Learns a host name typed by the user (step 2) or read elsewhere.
    pub fn learn_host(&mut self, host: &str) -> bool {
        let before = self.originals.len();
        self.learn_string(Some("host"), host);
        self.finish(before)
    }

    /// Learns the addresses, URLs and thumbprints in loose text (a status line).
    pub fn learn_text(&mut self, text: &str) -> bool {
        let before = self.originals.len();
        self.learn_string(None, text);
        self.finish(before)
    }

    /// Learns everything that identifies the network in text people wrote or pasted (a log, case
    /// notes): addresses, URLs, thumbprints, and any word shaped like a host name.
    pub fn learn_free_text(&mut self, text: &str) -> bool {
        let before = self.originals.len();
        self.learn_string(None, text);
        for host in text_hosts(text) {
            self.add_host(host);
        }
        self.finish(before)
    }

    fn finish(&mut self, before: usize) -> bool {
        let grew = self.originals.len() != before;
        if grew || (self.automaton.is_none() && !self.patterns.is_empty()) {
            self.automaton = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&self.patterns)
                .ok();
        }
        grew
    }

    fn learn_value(&mut self, key: Option<&str>, value: &Value) {
        match value {
            Value::String(s) => self.learn_string(key, s),
            Value::Array(items) => {
                for item in items {
                    self.learn_value(key, item);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    // Keys of maps can be thumbprints (purposes by SHA-256).
                    self.learn_string(None, k);
                    self.learn_value(Some(k), v);
                }
            }
            _ => {}
        }
    }

    fn learn_string(&mut self, key: Option<&str>, s: &str) {
        let s = s.trim();
        if s.is_empty() {
            return;
        }
        match key {
            Some(k) if HOST_KEYS.contains(&k) => self.add_host(s),
            Some(k) if SERIAL_KEYS.contains(&k) => self.add(Kind::Serial, s),
            Some(k) if THUMBPRINT_KEYS.contains(&k) => self.add_hex(s),
            Some(k) if IP_KEYS.contains(&k) => {
                self.add_address(s);
            }
            // `presented`: the display names of the client certificate certwiz presented.
            Some("common_name" | "display_name" | "friendly_name" | "presented")
                if looks_like_host(s) =>
            {
                self.add_host(s)
            }
            Some("subject" | "issuer") => {
                for host in dn_hosts(s) {
                    self.add_host(&host);
                }
            }
            // Free text written by people or by the far end: any host name in it.
            Some(
                "title" | "body_preview" | "location" | "ever_worked" | "when_stopped"
                | "what_changed" | "line" | "lines" | "excerpt" | "source" | "description"
                // A SIP answer's headers: an Edge names its peers in ms-diagnostics (source=,
                // PeerServer=, Domain=), an SBC its own name in Server / User-Agent.
                | "ms_diagnostics" | "server" | "user_agent",
            ) => {
                for host in text_hosts(s) {
                    self.add_host(host);
                }
            }
            _ => {}
        }
        // Active Directory domains in distinguished names (`DC=corp, DC=contoso, DC=com`).
        for label in dc_labels(s) {
            self.add(Kind::Domain, label);
        }
        // AD CS names their CA `<domain>-<server>-CA` and publish it in LDAP CDP / AIA URLs
        // (`ldap:///CN=contoso-DC01-CA,CN=DC01,CN=CDP,...`): the domain and the server inside.
        for (domain, server) in ad_ca_names(s) {
            self.add(Kind::Domain, domain);
            self.add_host(server);
        }
        for server in ldap_servers(s) {
            self.add_host(server);
        }
        // Whatever the field: addresses, URLs and hex of a thumbprint's length in the text.
        for ip in ipv4_literals(s) {
            self.add_ip(IpAddr::V4(ip));
        }
        for ip in ipv6_literals(s) {
            self.add_ip(IpAddr::V6(ip));
        }
        for host in url_hosts(s) {
            self.add_address_or_host(&host);
        }
        for hex in hex_runs(s) {
            self.add_hex(hex);
        }
    }

    fn add_address_or_host(&mut self, s: &str) {
        if !self.add_address(s) {
            self.add_host(s);
        }
    }

    /// An IP, `IP:port` or `[IPv6]:port`; returns whether it was one.
    fn add_address(&mut self, s: &str) -> bool {
        let s = s.trim();
        if let Ok(ip) = s.parse::<IpAddr>() {
            self.add_ip(ip);
            return true;
        }
        if let Ok(sa) = s.parse::<SocketAddr>() {
            self.add_ip(sa.ip());
            return true;
        }
        let bare = s.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            self.add_ip(ip);
            return true;
        }
        false
    }

    fn add_ip(&mut self, ip: IpAddr) {
        // "Any address" and broadcast identify nothing, and masking them would change commands
        // (`netsh http show sslcert ipport=0.0.0.0:444`).
        if ip.is_unspecified() || ip == IpAddr::V4(Ipv4Addr::BROADCAST) {
            return;
        }
        match ip {
            IpAddr::V4(v4) => self.add(Kind::Ipv4, &v4.to_string()),
            IpAddr::V6(v6) => {
                if let Some(v4) = v6.to_ipv4_mapped() {
                    self.add(Kind::Ipv4, &v4.to_string());
                }
                self.add(Kind::Ipv6, &v6.to_string());
            }
        }
    }

    fn add_host(&mut self, host: &str) {
        let host = host.trim().trim_end_matches('.');
        if host.is_empty() || host.contains(char::is_whitespace) || is_placeholder(host) {
            return;
        }
        if self.add_address(host) {
            return;
        }
        // `*.contoso.com`: the domain is the name; the wildcard stays readable.
        let host = host.strip_prefix("*.").unwrap_or(host);
        self.add(Kind::Host, host);
    }

    fn add_hex(&mut self, s: &str) {
        let compact: String = s.chars().filter(|c| !matches!(c, ':' | ' ')).collect();
        if compact.is_empty() || !compact.chars().all(|c| c.is_ascii_hexdigit()) {
            return;
        }
        let kind = if compact.len() == 64 {
            Kind::Sha256
        } else {
            Kind::Thumbprint
        };
        self.add(kind, &compact);
    }

    fn add(&mut self, kind: Kind, original: &str) {
        let lower = original.to_ascii_lowercase();
        if self.known.contains_key(&lower) || self.originals.contains_key(original) {
            return;
        }
        // Never mask a pseudonym again (a report that was already redacted).
        if is_pseudonym(&lower) {
            return;
        }
        let n = {
            let c = self.counts.entry(kind).or_insert(0);
            *c += 1;
            *c
        };
        let pseudonym = pseudonym(kind, n);
        self.known.insert(lower.clone(), pseudonym.clone());
        self.originals
            .insert(pseudonym.clone(), original.to_owned());
        let mut spellings = vec![original.to_owned()];
        if matches!(kind, Kind::Thumbprint | Kind::Sha256)
            || (kind == Kind::Serial && lower.len() >= MIN_SERIAL_TOKEN)
        {
            // How Windows and OpenSSL print the same bytes: pairs separated by spaces or colons.
            let pairs: Vec<String> = lower
                .as_bytes()
                .chunks(2)
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect();
            if pairs.len() > 1 {
                spellings.push(pairs.join(":"));
                spellings.push(pairs.join(" "));
            }
        }
        if kind == Kind::Ipv6
            && let Ok(v6) = original.parse::<Ipv6Addr>()
        {
            // The fully written form, as some tools print it.
            let segments = v6.segments().map(|s| format!("{s:x}"));
            spellings.push(segments.join(":"));
            spellings.push(v6.segments().map(|s| format!("{s:04x}")).join(":"));
        }
        let min = if kind == Kind::Serial {
            MIN_SERIAL_TOKEN
        } else {
            MIN_TOKEN
        };
        for spelling in spellings {
            let common = matches!(kind, Kind::Host | Kind::Domain)
                && !spelling.contains('.')
                && COMMON_WORDS.contains(&spelling.to_ascii_lowercase().as_str());
            if spelling.len() >= min && !common && !self.patterns.contains(&spelling) {
                self.patterns.push(spelling);
                self.replacements.push(pseudonym.clone());
            }
        }
    }

    /// The pseudonym of a value it learned (`host-1.example` for `ocs1.contoso.com`).
    pub fn pseudonym(&self, original: &str) -> Option<&str> {
        self.known
            .get(&original.trim().to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The original behind a pseudonym (to act on a choice made in the masked view).
    pub fn original(&self, pseudonym: &str) -> Option<&str> {
        self.originals.get(pseudonym).map(String::as_str)
    }

    /// `text` with every learned value masked, and any IPv4 address it did not learn masked as
    /// `192.0.2.0`. Borrowed when nothing was masked.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out: Cow<'a, str> = Cow::Borrowed(text);
        if let Some(ac) = &self.automaton
            && ac.is_match(text)
        {
            // Whole words only: "contoso" is masked in "Contoso Root CA", never inside another word.
            let bytes = text.as_bytes();
            let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            let mut masked = String::with_capacity(text.len());
            let mut last = 0;
            for m in ac.find_iter(text) {
                let before = m.start().checked_sub(1).map(|i| bytes[i]);
                let after = bytes.get(m.end()).copied();
                if before.is_some_and(word) || after.is_some_and(word) {
                    continue;
                }
                masked.push_str(&text[last..m.start()]);
                masked.push_str(&self.replacements[m.pattern().as_usize()]);
                last = m.end();
            }
            if last > 0 {
                masked.push_str(&text[last..]);
                out = Cow::Owned(masked);
            }
        }
        let unknown: Vec<Ipv4Addr> = ipv4_literals(&out)
            .into_iter()
            .filter(|ip| {
                !is_pseudonym(&ip.to_string()) && !ip.is_unspecified() && !ip.is_broadcast()
            })
            .collect();
        if !unknown.is_empty() {
            let mut s = out.into_owned();
            for ip in unknown {
                s = s.replace(&ip.to_string(), "192.0.2.0");
            }
            out = Cow::Owned(s);
        }
        out
    }

    /// A masked copy of `report`: every learned value replaced wherever it appears; values of
    /// name, address, serial and thumbprint fields replaced whole. Verdict and severities are
    /// untouched. Learn the report first ([`Redactor::learn`]) or its own values may stay.
    pub fn report(&self, report: &Report) -> Report {
        let Ok(value) = serde_json::to_value(report) else {
            return self.fallback(report);
        };
        let masked = self.mask_value(None, value);
        serde_json::from_value(masked).unwrap_or_else(|_| self.fallback(report))
    }

    /// When a masked value no longer fits its field (it cannot happen with the fields certwiz has,
    /// but nothing unmasked may ever come out): the verdict and findings only, masked as text.
    fn fallback(&self, report: &Report) -> Report {
        let mut out = Report::new(
            &report.command,
            report.findings.clone(),
            Vec::new(),
            report.evaluated_at,
        );
        for f in &mut out.findings {
            f.title = self.text(&f.title).into_owned();
            f.detail = self.text(&f.detail).into_owned();
            f.fix = self.text(&f.fix).into_owned();
            f.certificate = None;
            for c in &mut f.commands {
                c.command = self.text(&c.command).into_owned();
                c.purpose = self.text(&c.purpose).into_owned();
            }
        }
        out.verdict = report.verdict.clone();
        out.verdict.summary = self.text(&out.verdict.summary).into_owned();
        out.verdict.next_step = out.verdict.next_step.map(|s| self.text(&s).into_owned());
        out.origin = None;
        out
    }

    fn mask_value(&self, key: Option<&str>, value: Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.mask_string(key, &s)),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|v| self.mask_value(key, v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let v = self.mask_value(Some(&k), v);
                        (self.text(&k).into_owned(), v)
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    fn mask_string(&self, key: Option<&str>, s: &str) -> String {
        let whole = key.is_some_and(|k| {
            HOST_KEYS.contains(&k)
                || SERIAL_KEYS.contains(&k)
                || THUMBPRINT_KEYS.contains(&k)
                || IP_KEYS.contains(&k)
        });
        if whole {
            let trimmed = s.trim();
            let lookup = trimmed.strip_prefix("*.").unwrap_or(trimmed);
            let compact: String = lookup.chars().filter(|c| !matches!(c, ':' | ' ')).collect();
            if let Some(p) = self.pseudonym(lookup).or_else(|| self.pseudonym(&compact)) {
                return if trimmed.starts_with("*.") {
                    format!("*.{p}")
                } else {
                    p.to_owned()
                };
            }
        }
        // Timestamps are not identifying, and a short serial must not eat their digits.
        if time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_ok() {
            return s.to_owned();
        }
        self.text(s).into_owned()
    }
}

fn pseudonym(kind: Kind, n: usize) -> String {
    match kind {
        Kind::Host => format!("host-{n}.example"),
        Kind::Domain => format!("domain-{n}"),
        Kind::Ipv4 => {
            // The three documentation networks (RFC 5737), 254 addresses each.
            let nets = ["192.0.2", "198.51.100", "203.0.113"];
            let i = n - 1;
            match nets.get(i / 254) {
                Some(net) => format!("{net}.{}", i % 254 + 1),
                None => format!("ip-{n}.invalid"),
            }
        }
        Kind::Ipv6 => format!("2001:db8::{n:x}"),
        Kind::Serial => format!("serial-{n}"),
        Kind::Thumbprint => format!("thumbprint-{n}"),
        Kind::Sha256 => format!("sha256-{n}"),
    }
}

/// Whether `s` is one of the pseudonyms above (so a redacted report is not masked twice).
fn is_pseudonym(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    (s.starts_with("host-") && s.ends_with(".example"))
        || s.starts_with("192.0.2.")
        || s.starts_with("198.51.100.")
        || s.starts_with("203.0.113.")
        || s.starts_with("2001:db8::")
        || s.starts_with("serial-")
        || s.starts_with("thumbprint-")
        || s.starts_with("sha256-")
        || s.starts_with("domain-")
}

/// Whether a common name or display name is a DNS name (`ocs1.contoso.com`), not a CA's title.
fn looks_like_host(s: &str) -> bool {
    let s = s.strip_prefix("*.").unwrap_or(s);
    s.contains('.')
        && !s.contains(char::is_whitespace)
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        && s.rsplit('.')
            .next()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()))
}

/// Words that stand for a name in documentation and pasted templates (`FQDN`, `<pool FQDN>`,
/// `SERVERNAME`): they name nobody, and masking them would make the text harder to read.
fn is_placeholder(s: &str) -> bool {
    // Only words that are never a real machine's name: a computer may well be called SERVER.
    const WORDS: &[&str] = &[
        "fqdn",
        "poolfqdn",
        "serverfqdn",
        "hostname",
        "servername",
        "computername",
    ];
    (s.starts_with('<') && s.ends_with('>'))
        || (s.starts_with('{') && s.ends_with('}'))
        || WORDS.contains(&s.to_ascii_lowercase().replace(['_', '-'], "").as_str())
}

/// The `(domain, server)` inside each AD CS CA name (`CN=contoso-DC01-CA` or a bare
/// `contoso-DC01-CA`): three or more hyphenated parts ending in `CA`.
fn ad_ca_names(s: &str) -> Vec<(&str, &str)> {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter_map(|word| {
            let parts: Vec<&str> = word.split('-').collect();
            let [domain, server, ca] = parts.as_slice() else {
                return None;
            };
            (ca.eq_ignore_ascii_case("CA")
                && domain.len() >= MIN_TOKEN
                && server.len() >= 2
                && !GENERIC_DOMAIN_LABELS.contains(&domain.to_ascii_lowercase().as_str()))
            .then_some((*domain, *server))
        })
        .collect()
}

/// The server names in an LDAP CDP / AIA URL: the `CN=` right before `CN=CDP` (the CA's host) and
/// any `CN=` that is not one of AD's fixed containers.
fn ldap_servers(s: &str) -> Vec<&str> {
    const CONTAINERS: &[&str] = &[
        "cdp",
        "aia",
        "public key services",
        "services",
        "configuration",
        "certification authorities",
        "ntauthcertificates",
        "kra",
        "enrollment services",
        "certificate templates",
        "oid",
    ];
    let Some(i) = s.to_ascii_lowercase().find("ldap:") else {
        return Vec::new();
    };
    s[i..]
        .split([',', '?', '/'])
        .filter_map(|part| {
            let (k, v) = part.split_once('=')?;
            let v = v.trim();
            (k.trim().eq_ignore_ascii_case("CN")
                && !CONTAINERS.contains(&v.to_ascii_lowercase().as_str())
                && !v.contains(' ')
                && !v.to_ascii_uppercase().ends_with("-CA"))
            .then_some(v)
        })
        .collect()
}

/// Host names in the CN components of a distinguished name (`CN=ocs1.contoso.com, O=Contoso`).
fn dn_hosts(dn: &str) -> Vec<String> {
    dn.split([',', '/', '+'])
        .filter_map(|part| {
            let (k, v) = part.split_once('=')?;
            (k.trim().eq_ignore_ascii_case("CN") && looks_like_host(v.trim()))
                .then(|| v.trim().to_owned())
        })
        .collect()
}

/// The labels of the `DC=` components of a distinguished name that name an AD domain (`corp`,
/// `contoso`), without the generic ones (`com`, `local`).
fn dc_labels(s: &str) -> Vec<&str> {
    s.split([',', '/', '+'])
        .filter_map(|part| {
            let (k, v) = part.split_once('=')?;
            let v = v.trim();
            (k.trim().eq_ignore_ascii_case("DC")
                && v.len() >= MIN_TOKEN
                && !GENERIC_DOMAIN_LABELS.contains(&v.to_ascii_lowercase().as_str()))
            .then_some(v)
        })
        .collect()
}

/// Words of free text shaped like a host name: two or more labels of letters, digits and hyphens,
/// the last one letters only and not a file ending (`ocs2.contoso.com`, not `rtcsrv.exe` or `1.2`).
fn text_hosts(s: &str) -> Vec<&str> {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| {
            let labels: Vec<&str> = w.split('.').collect();
            labels.len() >= 2
                && labels.iter().all(|l| {
                    !l.is_empty()
                        && l.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                })
                && labels.last().is_some_and(|tld| {
                    tld.len() >= 2
                        && tld.chars().all(|c| c.is_ascii_alphabetic())
                        && !FILE_ENDINGS.contains(&tld.to_ascii_lowercase().as_str())
                })
        })
        .collect()
}

/// The host of each `scheme://host[:port]/...` in `s`.
fn url_hosts(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("://") {
        let after = &rest[i + 3..];
        let end = after
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | '"' | '\'' | '<' | '>') || c.is_whitespace()
            })
            .unwrap_or(after.len());
        let authority = &after[..end];
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let host = if let Some(v6) = authority.strip_prefix('[') {
            v6.split(']').next().unwrap_or_default()
        } else {
            authority.split(':').next().unwrap_or_default()
        };
        if !host.is_empty() {
            out.push(host.to_owned());
        }
        rest = &after[end..];
    }
    out
}

/// Dotted-quad IPv4 literals standing alone in `s` (not parts of longer dotted numbers such as OIDs
/// or versions).
fn ipv4_literals(s: &str) -> Vec<Ipv4Addr> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit()
            || (i > 0 && (bytes[i - 1].is_ascii_digit() || bytes[i - 1] == b'.'))
        {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b'.') {
            j += 1;
        }
        // A trailing dot ends a sentence, not the address.
        let mut candidate = &s[i..j];
        while candidate.ends_with('.') {
            candidate = &candidate[..candidate.len() - 1];
        }
        if candidate.matches('.').count() == 3
            && let Ok(ip) = candidate.parse::<Ipv4Addr>()
        {
            out.push(ip);
        }
        i = j.max(i + 1);
    }
    out
}

/// IPv6 literals standing as words in `s` (`fe80::1`, `[2001:db8::5]:444`).
fn ipv6_literals(s: &str) -> Vec<Ipv6Addr> {
    s.split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | '"' | '\'' | ';' | '/'))
        .filter_map(|word| {
            let word = match word.strip_prefix('[') {
                Some(rest) => rest.split(']').next().unwrap_or_default(),
                None => word.trim_end_matches(['.', ':']),
            };
            (word.matches(':').count() >= 2)
                .then(|| word.parse::<Ipv6Addr>().ok())
                .flatten()
        })
        .collect()
}

/// Runs of hex digits as long as a SHA-1 or SHA-256 thumbprint, standing alone in `s`.
fn hex_runs(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_hexdigit() {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_hexdigit() {
            j += 1;
        }
        let alone_before = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let alone_after = j == bytes.len() || !bytes[j].is_ascii_alphanumeric();
        if alone_before && alone_after && matches!(j - i, 40 | 64) {
            out.push(&s[i..j]);
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_addresses_urls_and_hex() {
        assert_eq!(
            ipv4_literals(
                "port open at 10.1.2.3:444, OID 1.3.6.1.5.5.7.3.1, v 1.2.3. end 8.8.8.8."
            ),
            vec![Ipv4Addr::new(10, 1, 2, 3), Ipv4Addr::new(8, 8, 8, 8)]
        );
        assert_eq!(
            url_hosts(
                "CRL http://pki.contoso.com/crl.crl and https://[::1]:444/x and ldap://u@dc1:389/"
            ),
            vec!["pki.contoso.com", "::1", "dc1"]
        );
        let sha1 = "a".repeat(40);
        assert_eq!(hex_runs(&format!("x {sha1} y")), vec![sha1.as_str()]);
        assert!(hex_runs(&format!("x{sha1}")).is_empty());
        assert!(looks_like_host("ocs1.contoso.com") && looks_like_host("*.contoso.com"));
        assert!(!looks_like_host("Contoso Root CA") && !looks_like_host("1.2.3.4"));
        assert_eq!(
            dn_hosts("CN=ocs1.contoso.com, O=Contoso, CN=Root CA"),
            vec!["ocs1.contoso.com"]
        );
    }

    #[test]
    fn pseudonyms_are_consistent_and_case_blind() {
        let mut r = Redactor::new();
        r.learn_host("OCS1.contoso.com");
        r.learn_host("pool.contoso.com");
        r.learn_host("ocs1.contoso.com");
        r.learn_text("connected to 10.0.0.5:444 and [fe80::1]:444");
        assert_eq!(r.pseudonym("ocs1.CONTOSO.com"), Some("host-1.example"));
        assert_eq!(r.pseudonym("pool.contoso.com"), Some("host-2.example"));
        assert_eq!(r.original("host-1.example"), Some("OCS1.contoso.com"));
        let masked = r.text("ocs1.contoso.com (10.0.0.5) asked pool.contoso.com, then 172.16.0.9");
        assert_eq!(
            masked,
            "host-1.example (192.0.2.1) asked host-2.example, then 192.0.2.0"
        );
        assert!(r.text("[fe80::1]:444").contains("2001:db8::1"));
        // Already masked text stays as it is.
        assert_eq!(r.text(&masked), masked);
        // "Any address" is not masked: it identifies nothing and is part of commands.
        r.learn_text("netsh http show sslcert ipport=0.0.0.0:444");
        assert_eq!(
            r.text("ipport=0.0.0.0:444 [::]:444"),
            "ipport=0.0.0.0:444 [::]:444"
        );
    }

    #[test]
    fn whole_words_only_and_common_words_stay() {
        let mut r = Redactor::new();
        r.learn_host("SERVER");
        r.learn_host("fe1");
        r.learn_text("CN=Contoso Issuing CA, DC=corp, DC=contoso, DC=com");
        r.learn_free_text("after we moved ocs2.contoso.com to rtcsrv.exe 10:00, see KB.2880390");
        // "server" is a field value but never a word to mask; "fe1" is masked only as a word.
        assert_eq!(
            r.text("Server Authentication on fe1, not fe10 or safe1"),
            "Server Authentication on host-2.example, not fe10 or safe1"
        );
        assert_eq!(
            r.text("DC=corp, DC=contoso, DC=com and Contoso Root CA"),
            "DC=corp, DC=domain-1, DC=com and domain-1 Root CA"
        );
        assert_eq!(r.text("ocs2.contoso.com"), "host-3.example");
        assert_eq!(r.text("rtcsrv.exe at 10:00"), "rtcsrv.exe at 10:00");
        // A one-byte serial is masked in its field only, not in numbers.
        r.add(Kind::Serial, "64");
        assert_eq!(r.text("64 ms"), "64 ms");
    }

    #[test]
    fn thumbprints_in_every_spelling() {
        let mut r = Redactor::new();
        let sha1 = "0123456789ABCDEF0123456789ABCDEF01234567";
        r.learn_text(sha1);
        let colons = "01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67";
        assert_eq!(r.text(colons), "thumbprint-1");
        assert_eq!(r.text(&sha1.to_ascii_lowercase()), "thumbprint-1");
    }
}
