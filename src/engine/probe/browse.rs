//! Step 5: browse to `https://HOST:PORT/PATH` as an admin would, and say what answers.
//!
//! This is the check that ended the two-hour incident: a web site (Communicator Web Access in IIS)
//! answered on port 444, where the MCU Factory must answer and demand a client certificate. Any server
//! certificate is accepted (we diagnose, we do not trust), redirects are reported and not followed, the
//! body is capped, and HTML is only searched for its title: never rendered, never run.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use rustls::sign::CertifiedKey;
use serde::{Deserialize, Serialize};

use super::ProbeTarget;
use super::http::{ClientCertificateAnswer, client_certificate_answer};
use super::tls::danger_browse_config;

/// Most body bytes read.
pub const BODY_CAP_BYTES: usize = 1024 * 1024;

/// What kind of thing answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerKind {
    /// An HTML page: a web site, not a conferencing endpoint.
    WebSite,
    /// A non-HTML answer after mutual TLS: what a conferencing endpoint gives.
    Endpoint,
    /// A redirect (3xx), reported and not followed.
    Redirect,
    /// An HTTP error status without a web page.
    HttpError,
    /// A 4xx saying a client certificate is required and none (usable) came: what a mutual-TLS
    /// endpoint answers without one (nginx 400, IIS 403.7), not a web site.
    ClientCertificateRequired,
    /// A 4xx refusing the client certificate sent, at the HTTP layer (nginx 400 "The SSL certificate
    /// error", IIS 403.13 / 403.16 / 403.17).
    ClientCertificateRejected,
    /// Something else.
    Other,
}

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpAnswer {
    /// Status code.
    pub status: u16,
    /// Reason phrase.
    pub reason: String,
    /// `Server` header.
    pub server: Option<String>,
    /// `Content-Type` header.
    pub content_type: Option<String>,
    /// `Location` header of a redirect.
    pub location: Option<String>,
    /// The HTML `<title>`, when there is one.
    pub title: Option<String>,
    /// The first lines of the body as plain text (tags removed).
    pub body_preview: Vec<String>,
    /// Body bytes read (at most [`BODY_CAP_BYTES`]).
    pub body_bytes: usize,
    /// Whether the body was longer than the cap and cut.
    pub body_capped: bool,
    /// What kind of thing answered.
    pub kind: AnswerKind,
    /// What the answer says about the client certificate, when it says something.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate: Option<ClientCertificateAnswer>,
}

impl HttpAnswer {
    /// The body's size in words ("5120 bytes", "1048576 bytes (cut at 1 MiB)").
    pub fn body_size_text(&self) -> String {
        format!(
            "{} bytes{}",
            self.body_bytes,
            if self.body_capped {
                " (cut at 1 MiB)"
            } else {
                ""
            }
        )
    }
}

/// How the browse ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "result")]
pub enum BrowseOutcome {
    /// The server answered over HTTP.
    Answered(HttpAnswer),
    /// No HTTP answer.
    Failed {
        /// `timeout`, `connect`, `tls` (the handshake failed: typically a client certificate was
        /// required) or `other`.
        kind: String,
        /// The reason, in the HTTP library's and TLS library's words.
        reason: String,
    },
}

/// What one browse found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowseFacts {
    /// The URL requested.
    pub url: String,
    /// Whether the client certificate was presented.
    pub with_client_certificate: bool,
    /// The result.
    pub outcome: BrowseOutcome,
}

impl BrowseFacts {
    /// The HTTP answer, when there is one.
    pub fn answer(&self) -> Option<&HttpAnswer> {
        match &self.outcome {
            BrowseOutcome::Answered(a) => Some(a),
            BrowseOutcome::Failed { .. } => None,
        }
    }
}

/// GETs the target's URL, presenting `identity` when given.
pub fn browse(
    target: &ProbeTarget,
    timeout: Duration,
    identity: Option<Arc<CertifiedKey>>,
) -> BrowseFacts {
    let url = target.url();
    let with_client_certificate = identity.is_some();
    let outcome = match fetch(target, &url, timeout, identity) {
        Ok(answer) => BrowseOutcome::Answered(answer),
        Err((kind, reason)) => BrowseOutcome::Failed {
            kind: kind.to_owned(),
            reason,
        },
    };
    BrowseFacts {
        url,
        with_client_certificate,
        outcome,
    }
}

fn fetch(
    target: &ProbeTarget,
    url: &str,
    timeout: Duration,
    identity: Option<Arc<CertifiedKey>>,
) -> Result<HttpAnswer, (&'static str, String)> {
    let config = danger_browse_config(identity).map_err(|e| ("other", e))?;
    let mut builder = reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(config)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("certwiz/", env!("CARGO_PKG_VERSION")));
    if let Some(ip) = target.address {
        builder = builder.resolve(&target.host, std::net::SocketAddr::new(ip, target.port));
    }
    let client = builder.build().map_err(|e| ("other", chain(&e)))?;
    let response = client
        .get(url)
        .send()
        .map_err(|e| (error_kind(&e), chain(&e)))?;
    let status = response.status();
    let header = |name: reqwest::header::HeaderName| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(200).collect::<String>())
    };
    let server = header(reqwest::header::SERVER);
    let content_type = header(reqwest::header::CONTENT_TYPE);
    let location = header(reqwest::header::LOCATION);
    let mut body = Vec::new();
    let read = response
        .take(BODY_CAP_BYTES as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| ("other", format!("the body could not be read: {e}")));
    // A body that stops half-way still tells us what answered; keep what came.
    if let Err(err) = read
        && body.is_empty()
    {
        return Err(err);
    }
    Ok(answer_from(
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        [server, content_type, location],
        body,
    ))
}

/// An HTTP answer from its status, its `Server`, `Content-Type` and `Location` headers and its body
/// (cut at [`BODY_CAP_BYTES`]), classified: the same for every engine that read it.
pub fn answer_from(
    status_code: u16,
    reason: &str,
    [server, content_type, location]: [Option<String>; 3],
    mut body: Vec<u8>,
) -> HttpAnswer {
    let body_capped = body.len() > BODY_CAP_BYTES;
    body.truncate(BODY_CAP_BYTES);
    let text = String::from_utf8_lossy(&body);
    let title = html_title(&text);
    let is_html = content_type
        .as_deref()
        .is_some_and(|c| c.to_ascii_lowercase().contains("html"))
        || text
            .trim_start()
            .get(..15)
            .is_some_and(|s| s.to_ascii_lowercase().starts_with("<!doctype html"))
        || text.to_ascii_lowercase().contains("<html");
    let client_certificate = client_certificate_answer(status_code, title.as_deref(), &text);
    let kind = if (300..400).contains(&status_code) {
        AnswerKind::Redirect
    } else if let Some(said) = &client_certificate {
        match said {
            ClientCertificateAnswer::Required { .. } => AnswerKind::ClientCertificateRequired,
            ClientCertificateAnswer::Rejected { .. } => AnswerKind::ClientCertificateRejected,
        }
    } else if is_html {
        AnswerKind::WebSite
    } else if (400..600).contains(&status_code) {
        AnswerKind::HttpError
    } else if (200..300).contains(&status_code) {
        AnswerKind::Endpoint
    } else {
        AnswerKind::Other
    };
    HttpAnswer {
        status: status_code,
        reason: reason.to_owned(),
        server,
        content_type,
        location,
        title,
        body_preview: preview(&text),
        body_bytes: body.len(),
        body_capped,
        kind,
        client_certificate,
    }
}

fn error_kind(e: &reqwest::Error) -> &'static str {
    let text = chain(e).to_ascii_lowercase();
    if e.is_timeout() {
        "timeout"
    } else if text.contains("alert")
        || text.contains("tls")
        || text.contains("handshake")
        || text.contains("certificate")
    {
        "tls"
    } else if e.is_connect() {
        "connect"
    } else {
        "other"
    }
}

/// An error and its causes on one line.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// The text of the first `<title>` element, entities for `&amp; &lt; &gt; &quot; &#39;` decoded.
pub fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let raw = html.get(start..end)?;
    let title = decode_entities(&raw.split_whitespace().collect::<Vec<_>>().join(" "));
    (!title.is_empty()).then(|| title.chars().take(200).collect())
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The first lines of the body as plain text: tags, scripts and styles removed, blank lines skipped.
pub fn preview(text: &str) -> Vec<String> {
    let mut out = String::with_capacity(text.len().min(8192));
    let lower = text.to_ascii_lowercase();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() && out.len() < 8192 {
        if bytes[i] == b'<' {
            // Skip whole <script> and <style> elements, and every other tag.
            let rest = &lower[i..];
            let skip_to = if rest.starts_with("<script") {
                rest.find("</script>").map(|p| p + 9)
            } else if rest.starts_with("<style") {
                rest.find("</style>").map(|p| p + 8)
            } else {
                rest.find('>').map(|p| p + 1)
            };
            match skip_to {
                Some(n) => {
                    i += n;
                    out.push('\n');
                }
                None => break,
            }
        } else {
            let next = text[i..].find('<').map_or(bytes.len(), |p| p + i);
            out.push_str(&text[i..next]);
            i = next;
        }
    }
    decode_entities(&out)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .take(8)
        .map(|l| l.chars().take(160).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{html_title, preview};

    #[test]
    fn title_is_found_case_insensitively_and_decoded() {
        let page = "<HTML><head><TITLE>\n Communicator &amp; Web   Access </TITLE></head></HTML>";
        assert_eq!(
            html_title(page).as_deref(),
            Some("Communicator & Web Access")
        );
        assert_eq!(html_title("<html><title></title></html>"), None);
        assert_eq!(html_title("no html"), None);
    }

    #[test]
    fn preview_drops_tags_scripts_and_styles() {
        let page = "<html><style>p{}</style><script>alert(1)</script><h1>Sign in</h1>\n<p>Communicator  Web Access</p></html>";
        assert_eq!(preview(page), ["Sign in", "Communicator Web Access"]);
    }
}
