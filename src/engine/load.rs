//! Reading certificates (and private keys) from what admins export: PEM, DER, PKCS#7, PKCS#12, folders
//! of those, and the system trust store.
//!
//! Every failure is a [`LoadError`] that names the file and the reason; nothing here panics on bad
//! input. Private keys stay in memory, zeroed on drop, and never appear in `Debug` output.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use asn1_rs::{Any, FromBer, FromDer, Tag};
use x509_parser::certificate::X509Certificate;
use zeroize::Zeroizing;

/// Largest certificate file certwiz reads (a system trust bundle is about 200 KB).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Most files read from one folder.
pub const MAX_FOLDER_FILES: usize = 10_000;

/// Object identifier of PKCS#7 signedData.
const OID_PKCS7_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";

/// A password for a PFX file. Zeroed on drop; `Debug` never shows it.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a password taken from an environment variable, a prompt or a GUI field.
    pub fn new(secret: String) -> Self {
        Password(Zeroizing::new(secret))
    }

    fn expose(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Where a certificate came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// The file (or `system trust store`) as the user named it.
    pub source: String,
    /// Position of the certificate in that source, from 1.
    pub position: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} #{}", self.source, self.position)
    }
}

/// One certificate as read, with where it came from.
#[derive(Debug, Clone)]
pub struct SourcedCertificate {
    /// The DER encoding.
    pub der: Arc<[u8]>,
    /// Where it came from.
    pub origin: Origin,
}

/// Encodings of private keys certwiz keeps for mutual TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyEncoding {
    /// PKCS#8 `PrivateKeyInfo` (`BEGIN PRIVATE KEY`, and what PKCS#12 holds).
    Pkcs8,
    /// PKCS#1 `RSAPrivateKey` (`BEGIN RSA PRIVATE KEY`).
    Pkcs1,
    /// SEC 1 `ECPrivateKey` (`BEGIN EC PRIVATE KEY`).
    Sec1,
}

/// A private key held in memory only. Zeroed on drop (every copy); `Debug` never shows it.
#[derive(Clone)]
pub struct PrivateKey {
    der: Zeroizing<Vec<u8>>,
    /// How the key is encoded.
    pub encoding: KeyEncoding,
    /// Where it came from.
    pub origin: Origin,
}

impl PrivateKey {
    /// The key bytes, for handing to a TLS library. Never log them.
    pub fn secret_der(&self) -> &[u8] {
        &self.der
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("encoding", &self.encoding)
            .field("origin", &self.origin)
            .field("der", &"<redacted>")
            .finish()
    }
}

/// What one file, folder or store gave.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Certificates in the order they were found.
    pub certificates: Vec<SourcedCertificate>,
    /// Private keys found (PEM key blocks, PKCS#12 key bags).
    pub keys: Vec<PrivateKey>,
    /// Files in a folder that were passed over, with why. Single files never land here: they fail.
    pub skipped: Vec<LoadError>,
}

impl Loaded {
    fn extend(&mut self, other: Loaded) {
        self.certificates.extend(other.certificates);
        self.keys.extend(other.keys);
        self.skipped.extend(other.skipped);
    }
}

/// Why a file, folder or store could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The path does not exist.
    #[error("{path}: no such file or folder")]
    NotFound {
        /// The path as given.
        path: String,
    },
    /// The operating system refused to read it.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than certwiz reads.
    #[error(
        "{path}: the file is larger than {limit_mib} MiB, which is far more than any certificate file; is it the right file?"
    )]
    TooLarge {
        /// The path as given.
        path: String,
        /// The limit in MiB.
        limit_mib: u64,
    },
    /// The file is empty.
    #[error("{path}: the file is empty")]
    Empty {
        /// The path as given.
        path: String,
    },
    /// No certificate could be found in the data.
    #[error("{path}: no certificate found ({reason})")]
    NoCertificate {
        /// The path as given.
        path: String,
        /// What the data looked like instead.
        reason: String,
    },
    /// DER data ends before its declared length.
    #[error("{path}: truncated at byte {at_byte} (the {what} declares {declared_bytes} bytes)")]
    Truncated {
        /// The path as given.
        path: String,
        /// Where the data ends.
        at_byte: usize,
        /// How long the encoding says it is.
        declared_bytes: usize,
        /// What was being read (certificate, PKCS#12 file, ...).
        what: &'static str,
    },
    /// The data has the right shape but cannot be decoded.
    #[error("{path}: {reason}")]
    Malformed {
        /// The path (and block) as given.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The PFX password is wrong.
    #[error("{path}: wrong password")]
    WrongPassword {
        /// The path as given.
        path: String,
    },
    /// The PFX needs a password and none was given.
    #[error("{path}: this PFX file is protected by a password; give it with --password-env VAR")]
    PasswordRequired {
        /// The path as given.
        path: String,
    },
    /// A folder held no certificate at all.
    #[error("{path}: no certificate found in the folder ({files} files looked at)")]
    EmptyFolder {
        /// The folder as given.
        path: String,
        /// How many files were looked at.
        files: usize,
    },
    /// The system trust store could not be read.
    #[error("system trust store: {reason}")]
    SystemRoots {
        /// What went wrong.
        reason: String,
    },
}

impl LoadError {
    /// True when asking the user for a (different) password could help.
    pub fn wants_password(&self) -> bool {
        matches!(
            self,
            LoadError::PasswordRequired { .. } | LoadError::WrongPassword { .. }
        )
    }
}

/// Reads a file or a folder of certificate files.
///
/// For a folder, files that hold no certificate are passed over and listed in [`Loaded::skipped`];
/// the folder fails only when nothing in it could be read.
pub fn load_path(path: &Path, password: Option<&Password>) -> Result<Loaded, LoadError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| io_error(&name, source))?;
    if meta.is_dir() {
        return load_folder(path, password);
    }
    let data = read_capped(path, &name)?;
    load_bytes(&name, &data, password)
}

fn io_error(name: &str, source: std::io::Error) -> LoadError {
    if source.kind() == std::io::ErrorKind::NotFound {
        LoadError::NotFound {
            path: name.to_owned(),
        }
    } else {
        LoadError::Io {
            path: name.to_owned(),
            source,
        }
    }
}

fn read_capped(path: &Path, name: &str) -> Result<Vec<u8>, LoadError> {
    let file = std::fs::File::open(path).map_err(|source| io_error(name, source))?;
    let mut data = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|source| io_error(name, source))?;
    if data.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: name.to_owned(),
            limit_mib: MAX_FILE_BYTES / (1024 * 1024),
        });
    }
    Ok(data)
}

fn load_folder(dir: &Path, password: Option<&Password>) -> Result<Loaded, LoadError> {
    let name = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|source| io_error(&name, source))?;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut loaded = Loaded::default();
    for entry in entries {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                // Sub-folders are not walked: a folder of exports is flat, and recursion invites loops.
                if path.is_file() {
                    files.push(path);
                }
            }
            Err(source) => loaded.skipped.push(io_error(&name, source)),
        }
    }
    files.sort();
    files.truncate(MAX_FOLDER_FILES);
    let looked_at = files.len();
    for file in files {
        match load_path(&file, password) {
            Ok(found) => loaded.extend(found),
            Err(err) => loaded.skipped.push(err),
        }
    }
    if loaded.certificates.is_empty() {
        return Err(LoadError::EmptyFolder {
            path: name,
            files: looked_at,
        });
    }
    Ok(loaded)
}

/// Reads certificates from bytes, guessing the format: PEM (any number of blocks, with text around
/// them), DER certificate, PKCS#7 (DER or BER), or PKCS#12. `name` is used in errors.
pub fn load_bytes(
    name: &str,
    data: &[u8],
    password: Option<&Password>,
) -> Result<Loaded, LoadError> {
    if data.is_empty() || data.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Empty {
            path: name.to_owned(),
        });
    }
    if contains(data, b"-----BEGIN ") {
        return load_pem(name, data, password);
    }
    load_binary(name, data, password)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(haystack.get(from..)?, needle).map(|p| p + from)
}

/// Splits PEM text into blocks one at a time, so that one damaged block is reported by number and does
/// not hide the others.
fn load_pem(name: &str, data: &[u8], password: Option<&Password>) -> Result<Loaded, LoadError> {
    let mut loaded = Loaded::default();
    let mut cursor = 0;
    let mut block_no = 0;
    let mut labels_seen: Vec<String> = Vec::new();
    while let Some(begin) = find(data, b"-----BEGIN ", cursor) {
        block_no += 1;
        let block_name = format!("{name} (PEM block {block_no})");
        let label_end = find(data, b"-----", begin + 11).ok_or_else(|| LoadError::Malformed {
            path: block_name.clone(),
            reason: "the BEGIN line is cut off".into(),
        })?;
        let label = String::from_utf8_lossy(&data[begin + 11..label_end])
            .trim()
            .to_owned();
        let end_marker = format!("-----END {label}-----");
        let end =
            find(data, end_marker.as_bytes(), label_end).ok_or_else(|| LoadError::Malformed {
                path: block_name.clone(),
                reason: format!("the block \"{label}\" has no END line: the text looks truncated"),
            })?;
        let block_end = end + end_marker.len();
        cursor = block_end;
        let parsed = pem::parse(&data[begin..block_end]).map_err(|e| LoadError::Malformed {
            path: block_name.clone(),
            reason: format!("the \"{label}\" block is not valid base64: {e}"),
        })?;
        labels_seen.push(label.clone());
        let contents = parsed.contents();
        match label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                // Windows CA web enrollment labels PKCS#7 bundles "CERTIFICATE" too: look at the shape.
                match classify_der(&block_name, contents, "certificate")? {
                    DerKind::Certificate => {
                        let der = certificate_prefix(&block_name, contents)?;
                        push_cert(&mut loaded, der, name);
                    }
                    DerKind::Pkcs7 => {
                        for der in pkcs7_certificates(&block_name, contents)? {
                            push_cert(&mut loaded, &der, name);
                        }
                    }
                    DerKind::Pkcs12 => loaded.extend(load_pkcs12(&block_name, contents, password)?),
                }
            }
            "PKCS7" | "CMS" => {
                for der in pkcs7_certificates(&block_name, contents)? {
                    push_cert(&mut loaded, &der, name);
                }
            }
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
                let encoding = match label.as_str() {
                    "RSA PRIVATE KEY" => KeyEncoding::Pkcs1,
                    "EC PRIVATE KEY" => KeyEncoding::Sec1,
                    _ => KeyEncoding::Pkcs8,
                };
                let position = loaded.keys.len() + 1;
                loaded.keys.push(PrivateKey {
                    der: Zeroizing::new(contents.to_vec()),
                    encoding,
                    origin: Origin {
                        source: name.to_owned(),
                        position,
                    },
                });
            }
            // Keys we cannot use without another password, requests and CRLs: not certificates.
            _ => {}
        }
    }
    // A key-only file is useful (the key of a certificate given elsewhere); only a file with neither
    // certificates nor keys is an error.
    if loaded.certificates.is_empty() && loaded.keys.is_empty() {
        let reason = if labels_seen.is_empty() {
            "the text has no complete -----BEGIN CERTIFICATE----- block".to_owned()
        } else {
            format!(
                "the PEM blocks are {}, not CERTIFICATE, PKCS7 or a private key",
                labels_seen.join(", ")
            )
        };
        return Err(LoadError::NoCertificate {
            path: name.to_owned(),
            reason,
        });
    }
    Ok(loaded)
}

fn push_cert(loaded: &mut Loaded, der: &[u8], source: &str) {
    let position = loaded.certificates.len() + 1;
    loaded.certificates.push(SourcedCertificate {
        der: Arc::from(der),
        origin: Origin {
            source: source.to_owned(),
            position,
        },
    });
}

enum DerKind {
    Certificate,
    Pkcs7,
    Pkcs12,
}

/// Looks at the outer SEQUENCE and its first element to tell a certificate (SEQUENCE tbsCertificate),
/// a PKCS#12 file (INTEGER version 3) and a PKCS#7 ContentInfo (OID signedData) apart.
fn classify_der(name: &str, data: &[u8], what: &'static str) -> Result<DerKind, LoadError> {
    let outer = match Any::from_ber(data) {
        Ok((_, any)) => any,
        Err(asn1_rs::nom::Err::Incomplete(needed)) => {
            let more = match needed {
                asn1_rs::nom::Needed::Size(n) => n.get(),
                asn1_rs::nom::Needed::Unknown => 1,
            };
            return Err(LoadError::Truncated {
                path: name.to_owned(),
                at_byte: data.len(),
                declared_bytes: data.len() + more,
                what,
            });
        }
        Err(e) => {
            return Err(LoadError::NoCertificate {
                path: name.to_owned(),
                reason: format!("not DER or BER data ({})", short_error(&e.to_string())),
            });
        }
    };
    if outer.tag() != Tag::Sequence {
        return Err(LoadError::NoCertificate {
            path: name.to_owned(),
            reason: "the data does not start with an ASN.1 SEQUENCE".into(),
        });
    }
    let first = Any::from_ber(outer.data).map_err(|e| LoadError::Malformed {
        path: name.to_owned(),
        reason: format!(
            "damaged ASN.1 inside the {what}: {}",
            short_error(&e.to_string())
        ),
    })?;
    match first.1.tag() {
        Tag::Sequence => Ok(DerKind::Certificate),
        Tag::Integer => Ok(DerKind::Pkcs12),
        Tag::Oid => {
            let oid = first
                .1
                .as_oid()
                .map(|o| o.to_id_string())
                .unwrap_or_default();
            if oid == OID_PKCS7_SIGNED_DATA {
                Ok(DerKind::Pkcs7)
            } else {
                Err(LoadError::NoCertificate {
                    path: name.to_owned(),
                    reason: format!(
                        "a PKCS#7 / CMS message of type {oid}, which carries no certificates"
                    ),
                })
            }
        }
        other => Err(LoadError::NoCertificate {
            path: name.to_owned(),
            reason: format!("an ASN.1 structure that starts with {other}, not a certificate"),
        }),
    }
}

fn short_error(text: &str) -> String {
    text.chars().take(120).collect()
}

/// Checks that `data` starts with one whole X.509 certificate and returns exactly its bytes (OpenSSL's
/// TRUSTED CERTIFICATE form appends trust settings after it).
fn certificate_prefix<'a>(name: &str, data: &'a [u8]) -> Result<&'a [u8], LoadError> {
    match X509Certificate::from_der(data) {
        Ok((rest, _)) => Ok(&data[..data.len() - rest.len()]),
        Err(e) => Err(LoadError::Malformed {
            path: name.to_owned(),
            reason: format!(
                "not a valid X.509 certificate: {}",
                short_error(&e.to_string())
            ),
        }),
    }
}

fn load_binary(name: &str, data: &[u8], password: Option<&Password>) -> Result<Loaded, LoadError> {
    if data.first() != Some(&0x30) {
        let printable = data
            .iter()
            .take(512)
            .filter(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
            .count();
        let sample = data.len().min(512);
        let reason = if printable * 10 >= sample * 9 {
            "the file is text without a -----BEGIN CERTIFICATE----- block".to_owned()
        } else {
            "the data is not PEM, DER, PKCS#7 or PKCS#12".to_owned()
        };
        return Err(LoadError::NoCertificate {
            path: name.to_owned(),
            reason,
        });
    }
    let mut loaded = Loaded::default();
    match classify_der(name, data, "data")? {
        DerKind::Certificate => {
            let der = certificate_prefix(name, data)?;
            push_cert(&mut loaded, der, name);
        }
        DerKind::Pkcs7 => {
            for der in pkcs7_certificates(name, data)? {
                push_cert(&mut loaded, &der, name);
            }
        }
        DerKind::Pkcs12 => return load_pkcs12(name, data, password),
    }
    Ok(loaded)
}

/// Walks a PKCS#7 SignedData (DER or BER, as Windows and OpenSSL write .p7b files) and returns the
/// certificates in file order. `cms` would sort them and refuses indefinite lengths, so we walk the
/// few levels ourselves with asn1-rs.
fn pkcs7_certificates(name: &str, data: &[u8]) -> Result<Vec<Vec<u8>>, LoadError> {
    let malformed = |reason: &str| LoadError::Malformed {
        path: name.to_owned(),
        reason: format!("damaged PKCS#7 bundle: {reason}"),
    };
    let (_, content_info) =
        Any::from_ber(data).map_err(|_| malformed("cannot read the outer ContentInfo"))?;
    let inner = content_info.data;
    let (rest, oid) = Any::from_ber(inner).map_err(|_| malformed("no content type"))?;
    if oid.as_oid().map(|o| o.to_id_string()).ok().as_deref() != Some(OID_PKCS7_SIGNED_DATA) {
        return Err(LoadError::NoCertificate {
            path: name.to_owned(),
            reason: "a PKCS#7 message that is not SignedData".into(),
        });
    }
    let (_, explicit) = Any::from_ber(rest).map_err(|_| malformed("no SignedData content"))?;
    let (_, signed_data) =
        Any::from_ber(explicit.data).map_err(|_| malformed("cannot read SignedData"))?;
    let mut cursor = signed_data.data;
    let mut certificates = Vec::new();
    while !cursor.is_empty() {
        let (rest, element) = match Any::from_ber(cursor) {
            Ok(parsed) => parsed,
            // An end-of-contents marker of an indefinite-length encoding ends the walk.
            Err(_) if cursor.starts_with(&[0, 0]) => break,
            Err(_) => return Err(malformed("cannot read a SignedData field")),
        };
        // certificates [0] IMPLICIT SET OF CertificateChoices
        if element.class() == asn1_rs::Class::ContextSpecific && element.tag() == Tag(0) {
            let mut certs = element.data;
            while !certs.is_empty() {
                if certs.starts_with(&[0, 0]) {
                    break;
                }
                let (after, _) =
                    Any::from_ber(certs).map_err(|_| malformed("cannot read a certificate"))?;
                let raw = &certs[..certs.len() - after.len()];
                // Attribute certificates and other choices are tagged [n]; only plain SEQUENCEs are X.509.
                if raw.first() == Some(&0x30) {
                    certificates.push(certificate_prefix(name, raw)?.to_vec());
                }
                certs = after;
            }
        }
        cursor = rest;
    }
    if certificates.is_empty() {
        return Err(LoadError::NoCertificate {
            path: name.to_owned(),
            reason: "the PKCS#7 bundle holds no certificates".into(),
        });
    }
    Ok(certificates)
}

/// Reads a PFX / PKCS#12 file with p12-keystore. Without a password, the empty password is tried (as
/// Windows does) before asking for one.
fn load_pkcs12(name: &str, data: &[u8], password: Option<&Password>) -> Result<Loaded, LoadError> {
    let archive = match password {
        Some(pw) => p12_keystore::Pkcs12Archive::from_pkcs12(data, pw.expose()),
        None => p12_keystore::Pkcs12Archive::from_pkcs12(data, ""),
    };
    let archive = archive.map_err(|err| match err {
        p12_keystore::error::Error::MacError(_) if password.is_some() => LoadError::WrongPassword {
            path: name.to_owned(),
        },
        p12_keystore::error::Error::MacError(_) => LoadError::PasswordRequired {
            path: name.to_owned(),
        },
        // Truncation was caught by `classify_der` before we got here; this is damage inside.
        p12_keystore::error::Error::DerError(e) => LoadError::Malformed {
            path: name.to_owned(),
            reason: format!("damaged PKCS#12 file: {e}"),
        },
        other => LoadError::Malformed {
            path: name.to_owned(),
            reason: format!("cannot read the PKCS#12 file: {other}"),
        },
    })?;
    let mut loaded = Loaded::default();
    // Put the certificate that belongs to a key first: it is the one the PFX was exported for.
    let key_ids: Vec<&[u8]> = archive
        .keys
        .iter()
        .filter_map(|k| k.local_key_id.as_ref().map(|id| id.0.as_slice()))
        .collect();
    let mut bags: Vec<&p12_keystore::CertificateBag> = archive.certs.iter().collect();
    bags.sort_by_key(|bag| {
        let has_key = bag
            .local_key_id
            .as_deref()
            .is_some_and(|id| key_ids.contains(&id));
        !has_key
    });
    for bag in bags {
        let der = certificate_prefix(name, bag.cert.as_der())?;
        push_cert(&mut loaded, der, name);
    }
    for (index, key) in archive.keys.iter().enumerate() {
        loaded.keys.push(PrivateKey {
            der: Zeroizing::new(key.key.as_der().to_vec()),
            encoding: KeyEncoding::Pkcs8,
            origin: Origin {
                source: name.to_owned(),
                position: index + 1,
            },
        });
    }
    if loaded.certificates.is_empty() {
        return Err(LoadError::NoCertificate {
            path: name.to_owned(),
            reason: "the PKCS#12 file holds no certificate".into(),
        });
    }
    Ok(loaded)
}

/// Reads the operating system's trust store (Linux CA bundle, Windows Root store, macOS keychain).
pub fn load_system_roots() -> Result<Loaded, LoadError> {
    let result = rustls_native_certs::load_native_certs();
    let mut loaded = Loaded::default();
    for cert in result.certs {
        push_cert(&mut loaded, cert.as_ref(), "system trust store");
    }
    if loaded.certificates.is_empty() {
        let reason = match result.errors.first() {
            Some(err) => format!("no root certificates could be read ({err})"),
            None => "no root certificates found".to_owned(),
        };
        return Err(LoadError::SystemRoots { reason });
    }
    Ok(loaded)
}

/// The Trusted Root store as Schannel uses it: on Windows the Local Machine "Root" store, every
/// certificate in it (expired and purpose-restricted ones too, unlike [`load_system_roots`]); elsewhere
/// there is no such store and the operating system's trust store stands in (its `source` says so).
pub fn load_root_store() -> Result<(Loaded, &'static str), LoadError> {
    #[cfg(windows)]
    {
        let store = schannel::cert_store::CertStore::open_local_machine("Root").map_err(|e| {
            LoadError::SystemRoots {
                reason: format!("the Local Machine Root store cannot be opened ({e})"),
            }
        })?;
        let mut loaded = Loaded::default();
        for cert in store.certs() {
            push_cert(&mut loaded, cert.to_der(), "Local Machine Root store");
        }
        Ok((
            loaded,
            "Local Machine Root store (Trusted Root Certification Authorities)",
        ))
    }
    #[cfg(not(windows))]
    {
        load_system_roots().map(|loaded| {
            (
                loaded,
                "system trust store (not a Windows Root store: Schannel's limits are shown for comparison)",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_whitespace_are_empty() {
        assert!(matches!(
            load_bytes("e.pem", b"", None),
            Err(LoadError::Empty { .. })
        ));
        assert!(matches!(
            load_bytes("e.pem", b" \r\n\t", None),
            Err(LoadError::Empty { .. })
        ));
    }

    #[test]
    fn text_without_blocks_says_so() {
        let err = load_bytes("notes.txt", b"hello, this is not a certificate", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "notes.txt: no certificate found (the file is text without a -----BEGIN CERTIFICATE----- block)"
        );
    }

    #[test]
    fn pem_without_end_is_reported_as_truncated_text() {
        let err = load_bytes("cut.pem", b"-----BEGIN CERTIFICATE-----\nMIIB", None).unwrap_err();
        assert!(err.to_string().contains("has no END line"), "{err}");
    }

    #[test]
    fn truncated_der_names_the_byte() {
        // SEQUENCE declaring 0x0100 bytes with only 3 present.
        let err =
            load_bytes("x.der", &[0x30, 0x82, 0x01, 0x00, 0x30, 0x01, 0x00], None).unwrap_err();
        assert!(
            matches!(
                err,
                LoadError::Truncated {
                    at_byte: 7,
                    declared_bytes: 260,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn password_debug_is_redacted() {
        let pw = Password::new("Marker-Secret-1".into());
        assert!(!format!("{pw:?}").contains("Marker"));
    }
}
