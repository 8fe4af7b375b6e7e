//! Fetching the URLs certificates name (CRL distribution points, AIA CA issuers, OCSP responders) over
//! HTTP: one bounded request per URL, all URLs of a round at once, redirects followed only a few hops and
//! always recorded (a redirect to another host is named in the report, never taken silently).

use std::io::Read;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::engine::probe::CancelFlag;
use crate::engine::probe::browse::chain;
use crate::engine::probe::tls::danger_browse_config;

/// Most redirects followed for one URL.
pub const MAX_REDIRECTS: usize = 4;

/// Most URLs fetched at the same time.
const MAX_PARALLEL: usize = 16;

/// Bounds of every fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchLimits {
    /// Bound of the whole request (connect, answer and body), per hop.
    pub timeout: Duration,
    /// Largest body read; a longer one is refused after reading this much.
    pub max_bytes: usize,
}

/// A request: a GET, or a POST of `body` with `content_type` (OCSP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    /// The URL as the certificate names it.
    pub url: String,
    /// The POST body and its content type; `None` for a GET.
    pub post: Option<(Vec<u8>, &'static str)>,
    /// Body cap for this request (at most the limits' cap).
    pub max_bytes: usize,
}

/// Why a fetch gave nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FetchFailure {
    /// The host name did not resolve.
    Dns,
    /// The connection was refused (nothing listens).
    Refused,
    /// No answer within the timeout.
    Timeout,
    /// The server answered with an HTTP error status.
    HttpStatus,
    /// The body was larger than the cap.
    TooLarge,
    /// Too many redirects, or a redirect without a usable Location.
    Redirect,
    /// HTTPS failed (the CRL itself is signed, so certwiz does not judge the web server's certificate;
    /// this is a handshake that did not complete).
    Tls,
    /// The check was cancelled.
    Cancelled,
    /// Anything else (connection reset, malformed URL, ...).
    Other,
}

impl FetchFailure {
    /// A few words for a list of what each URL did.
    pub fn words(self) -> &'static str {
        match self {
            FetchFailure::Dns => "name not found (DNS)",
            FetchFailure::Refused => "connection refused",
            FetchFailure::Timeout => "no answer (timeout)",
            FetchFailure::HttpStatus => "HTTP error",
            FetchFailure::TooLarge => "too large",
            FetchFailure::Redirect => "bad redirect",
            FetchFailure::Tls => "HTTPS failed",
            FetchFailure::Cancelled => "cancelled",
            FetchFailure::Other => "failed",
        }
    }
}

/// One redirect that was followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    /// HTTP status of the redirect.
    pub status: u16,
    /// Where it pointed (resolved against the URL that answered).
    pub to: String,
    /// Whether it left the host the certificate names.
    pub other_host: bool,
}

/// What one URL did, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchRecord {
    /// The URL as named in the certificate.
    pub url: String,
    /// Redirects followed, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    /// HTTP status of the final answer, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Content type of the final answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Bytes of body read.
    pub bytes: usize,
    /// Why it failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<FetchFailure>,
    /// The error in words, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl FetchRecord {
    /// One line: `HTTP 200, 1234 bytes` or `connection refused: ...`, with redirects named.
    pub fn summary(&self) -> String {
        let mut out = match (&self.failure, self.status) {
            (Some(FetchFailure::HttpStatus), Some(status)) => format!("HTTP {status}"),
            (Some(failure), _) => match &self.error {
                Some(error) => format!("{}: {error}", failure.words()),
                None => failure.words().to_owned(),
            },
            (None, Some(status)) => format!("HTTP {status}, {} bytes", self.bytes),
            (None, None) => format!("{} bytes", self.bytes),
        };
        for r in &self.redirects {
            out.push_str(&format!(
                "; redirected ({}) to {}{}",
                r.status,
                r.to,
                if r.other_host { " (another host)" } else { "" }
            ));
        }
        out
    }
}

/// A fetch's record and, when it succeeded, the body.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// What happened.
    pub record: FetchRecord,
    /// The body (empty on failure).
    pub body: Vec<u8>,
}

impl Fetched {
    fn failed(url: &str, failure: FetchFailure, error: String) -> Self {
        Fetched {
            record: FetchRecord {
                url: url.to_owned(),
                redirects: Vec::new(),
                status: None,
                content_type: None,
                bytes: 0,
                failure: Some(failure),
                error: Some(error),
            },
            body: Vec::new(),
        }
    }

    /// Whether a body came back.
    pub fn ok(&self) -> bool {
        self.record.failure.is_none()
    }
}

/// Whether certwiz fetches this URL (HTTP and HTTPS only).
pub fn is_fetchable(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Fetches every request at once (up to 16 at a time) and returns the results in the same order. Each
/// is bounded by `limits`; a cancelled flag stops what has not started and ends reads in progress.
pub fn fetch_all(
    requests: &[FetchRequest],
    limits: FetchLimits,
    cancel: &CancelFlag,
) -> Vec<Fetched> {
    if requests.is_empty() {
        return Vec::new();
    }
    let client = match client(limits.timeout) {
        Ok(client) => client,
        Err(error) => {
            return requests
                .iter()
                .map(|r| Fetched::failed(&r.url, FetchFailure::Other, error.clone()))
                .collect();
        }
    };
    let mut results: Vec<Option<Fetched>> = vec![None; requests.len()];
    for (chunk_index, chunk) in requests.chunks(MAX_PARALLEL).enumerate() {
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|request| {
                    let client = &client;
                    scope.spawn(move || fetch_one(client, request, limits, cancel))
                })
                .collect();
            for (i, handle) in handles.into_iter().enumerate() {
                let request = &chunk[i];
                results[chunk_index * MAX_PARALLEL + i] =
                    Some(handle.join().unwrap_or_else(|_| {
                        Fetched::failed(
                            &request.url,
                            FetchFailure::Other,
                            "the fetch stopped".into(),
                        )
                    }));
            }
        });
    }
    results
        .into_iter()
        .zip(requests)
        .map(|(r, req)| {
            r.unwrap_or_else(|| Fetched::failed(&req.url, FetchFailure::Other, "not run".into()))
        })
        .collect()
}

fn client(timeout: Duration) -> Result<reqwest::blocking::Client, String> {
    let config = danger_browse_config(None)?;
    reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(config)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("certwiz/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| chain(&e))
}

fn fetch_one(
    client: &reqwest::blocking::Client,
    request: &FetchRequest,
    limits: FetchLimits,
    cancel: &CancelFlag,
) -> Fetched {
    let cap = request.max_bytes.min(limits.max_bytes);
    let Ok(original) = reqwest::Url::parse(request.url.trim()) else {
        return Fetched::failed(&request.url, FetchFailure::Other, "not a valid URL".into());
    };
    let original_host = original.host_str().map(str::to_ascii_lowercase);
    let mut url = original;
    let mut redirects = Vec::new();
    loop {
        if cancel.is_cancelled() {
            return Fetched::failed(&request.url, FetchFailure::Cancelled, "cancelled".into());
        }
        let started = Instant::now();
        let sent = match &request.post {
            Some((body, content_type)) => client
                .post(url.clone())
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(body.clone())
                .send(),
            None => client.get(url.clone()).send(),
        };
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                let mut failed =
                    Fetched::failed(&request.url, classify(&error, url.as_str()), chain(&error));
                failed.record.redirects = redirects;
                return failed;
            }
        };
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| url.join(l).ok());
            let Some(next) = location else {
                let mut failed = Fetched::failed(
                    &request.url,
                    FetchFailure::Redirect,
                    format!("HTTP {} without a usable Location", status.as_u16()),
                );
                failed.record.redirects = redirects;
                return failed;
            };
            let other_host = next.host_str().map(str::to_ascii_lowercase) != original_host;
            redirects.push(Redirect {
                status: status.as_u16(),
                to: next.to_string(),
                other_host,
            });
            if redirects.len() > MAX_REDIRECTS || !matches!(next.scheme(), "http" | "https") {
                let mut failed = Fetched::failed(
                    &request.url,
                    FetchFailure::Redirect,
                    format!("gave up after {} redirect(s)", redirects.len()),
                );
                failed.record.redirects = redirects;
                return failed;
            }
            url = next;
            continue;
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(100).collect::<String>());
        let mut record = FetchRecord {
            url: request.url.clone(),
            redirects,
            status: Some(status.as_u16()),
            content_type,
            bytes: 0,
            failure: None,
            error: None,
        };
        if !status.is_success() {
            record.failure = Some(FetchFailure::HttpStatus);
            record.error = Some(format!(
                "HTTP {} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            ));
            return Fetched {
                record,
                body: Vec::new(),
            };
        }
        if let Some(length) = response.content_length()
            && length > cap as u64
        {
            record.failure = Some(FetchFailure::TooLarge);
            record.error = Some(format!(
                "the server announces {length} bytes; certwiz reads at most {cap}"
            ));
            return Fetched {
                record,
                body: Vec::new(),
            };
        }
        let deadline = started + limits.timeout;
        return match read_capped(response, cap, deadline, cancel) {
            Ok(body) => {
                record.bytes = body.len();
                Fetched { record, body }
            }
            Err((failure, error, read)) => {
                record.bytes = read;
                record.failure = Some(failure);
                record.error = Some(error);
                Fetched {
                    record,
                    body: Vec::new(),
                }
            }
        };
    }
}

/// Reads at most `cap` bytes, giving up at `deadline` (a trickling server cannot hold the check).
fn read_capped(
    mut response: reqwest::blocking::Response,
    cap: usize,
    deadline: Instant,
    cancel: &CancelFlag,
) -> Result<Vec<u8>, (FetchFailure, String, usize)> {
    let mut body = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        if cancel.is_cancelled() {
            return Err((FetchFailure::Cancelled, "cancelled".into(), body.len()));
        }
        if Instant::now() > deadline {
            return Err((
                FetchFailure::Timeout,
                format!(
                    "the body was still arriving at the timeout ({} bytes read)",
                    body.len()
                ),
                body.len(),
            ));
        }
        match response.read(&mut chunk) {
            Ok(0) => return Ok(body),
            Ok(n) => {
                body.extend_from_slice(&chunk[..n]);
                if body.len() > cap {
                    return Err((
                        FetchFailure::TooLarge,
                        format!("more than {cap} bytes; certwiz stopped reading"),
                        body.len(),
                    ));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                let failure = if e.kind() == std::io::ErrorKind::TimedOut
                    || e.to_string().to_ascii_lowercase().contains("timed out")
                {
                    FetchFailure::Timeout
                } else {
                    FetchFailure::Other
                };
                return Err((
                    failure,
                    format!("the body could not be read: {e}"),
                    body.len(),
                ));
            }
        }
    }
}

/// Why a request failed, from the error and its causes (the URL is left out of the text: a path like
/// `/tls-issuing.crl` must not read as a TLS failure).
fn classify(e: &reqwest::Error, url: &str) -> FetchFailure {
    let text = chain(e).replace(url, "").to_ascii_lowercase();
    if e.is_timeout() || text.contains("timed out") {
        FetchFailure::Timeout
    } else if text.contains("dns error")
        || text.contains("failed to lookup")
        || text.contains("name or service not known")
        || text.contains("no such host")
        || text.contains("nodename nor servname")
    {
        FetchFailure::Dns
    } else if text.contains("refused") {
        FetchFailure::Refused
    } else if text.contains("tls") || text.contains("handshake") || text.contains("alert") {
        FetchFailure::Tls
    } else {
        FetchFailure::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_fetched() {
        assert!(is_fetchable("http://pki.contoso.com/ca.crl"));
        assert!(is_fetchable(" HTTPS://pki.contoso.com/ca.crl"));
        assert!(!is_fetchable(
            "ldap:///CN=Contoso%20CA,CN=CDP,DC=contoso,DC=com"
        ));
        assert!(!is_fetchable("file://\\\\server\\share\\ca.crl"));
    }

    #[test]
    fn a_summary_names_redirects_to_other_hosts() {
        let record = FetchRecord {
            url: "http://a.test/ca.crl".into(),
            redirects: vec![Redirect {
                status: 302,
                to: "http://b.test/ca.crl".into(),
                other_host: true,
            }],
            status: Some(200),
            content_type: None,
            bytes: 10,
            failure: None,
            error: None,
        };
        assert_eq!(
            record.summary(),
            "HTTP 200, 10 bytes; redirected (302) to http://b.test/ca.crl (another host)"
        );
    }
}
