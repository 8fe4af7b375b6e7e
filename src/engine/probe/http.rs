//! What an HTTP answer says about the client certificate: the words web servers use when a request
//! came without one, or with one they refuse at the HTTP layer after the TLS handshake succeeded.
//!
//! nginx and IIS do not reject a client certificate with a TLS alert: nginx finishes the handshake and
//! answers `400` with "No required SSL certificate was sent" or "The SSL certificate error"; IIS answers
//! `403.7` (certificate required) or `403.13` / `403.16` / `403.17` (revoked, untrusted, expired).
//! Apache answers `403` when a per-directory `SSLVerifyClient` needs a renegotiation or post-handshake
//! authentication that failed. Such an answer is what a mutual-TLS endpoint does, never "a web site".
//! Sources: nginx's `ngx_http_special_response.c` pages, Microsoft's "HTTP status code overview" for
//! IIS sub-status codes, Apache's mod_ssl `ssl_engine_kernel.c`.

use serde::{Deserialize, Serialize};

/// What the answer says about the client certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "says")]
pub enum ClientCertificateAnswer {
    /// A client certificate is required and none (usable) was sent.
    Required {
        /// Who said it and how, e.g. "nginx: 400 No required SSL certificate was sent".
        words: String,
    },
    /// The certificate sent was refused at the HTTP layer.
    Rejected {
        /// Who said it and how, e.g. "IIS 403.16: the client certificate is untrusted or invalid".
        words: String,
        /// What to do, naming the Windows tool.
        fix: String,
    },
}

impl ClientCertificateAnswer {
    /// The words, whichever kind.
    pub fn words(&self) -> &str {
        match self {
            ClientCertificateAnswer::Required { words }
            | ClientCertificateAnswer::Rejected { words, .. } => words,
        }
    }
}

const TRUST_FIX: &str = "On the server, install our client certificate's root CA in Trusted Root Certification Authorities and its intermediate in Intermediate Certification Authorities (certutil -addstore Root / CA), make sure every CA in the path allows Client Authentication, then restart the site (iisreset) or the web server.";

/// IIS sub-status codes about client certificates (Microsoft, "The HTTP status code in IIS").
const IIS_SUB_STATUS: [(&str, &str, Option<&str>); 6] = [
    ("403.7", "a client certificate is required", None),
    (
        "403.12",
        "the client certificate mapper denied access",
        Some(
            "Check the IIS client certificate mapping (IIS Manager > site > Configuration Editor > iisClientCertificateMappingAuthentication) for our certificate.",
        ),
    ),
    (
        "403.13",
        "the client certificate is revoked",
        Some(
            "Our client certificate is on its CA's revocation list: request a new one (Request-CsCertificate, or the CA's web enrollment) and assign it.",
        ),
    ),
    (
        "403.16",
        "the client certificate is untrusted or invalid",
        Some(TRUST_FIX),
    ),
    (
        "403.17",
        "the client certificate has expired or is not yet valid",
        Some(
            "Renew our client certificate (and check the clocks of both servers: w32tm /query /status), then assign the new one.",
        ),
    ),
    (
        "403.18",
        "the client certificate cannot be used in this application pool",
        None,
    ),
];

/// Reads what an answer says about the client certificate, from its status, its page title and the
/// first part of its body. `None` when it says nothing about client certificates.
pub fn client_certificate_answer(
    status: u16,
    title: Option<&str>,
    body: &str,
) -> Option<ClientCertificateAnswer> {
    if !(400..500).contains(&status) {
        return None;
    }
    let title = title.unwrap_or("");
    let head: String = body.chars().take(16 * 1024).collect();
    let said = |needle: &str| {
        let needle = needle.to_ascii_lowercase();
        title.to_ascii_lowercase().contains(&needle) || head.to_ascii_lowercase().contains(&needle)
    };
    if status == 400 && said("No required SSL certificate was sent") {
        return Some(ClientCertificateAnswer::Required {
            words: "nginx: 400 No required SSL certificate was sent".into(),
        });
    }
    if status == 400 && said("The SSL certificate error") {
        return Some(ClientCertificateAnswer::Rejected {
            words: "nginx: 400 The SSL certificate error (nginx could not verify the client certificate: untrusted CA, wrong purpose, expired or revoked; its error log says which)".into(),
            fix: TRUST_FIX.into(),
        });
    }
    if status == 403 {
        for (code, meaning, fix) in IIS_SUB_STATUS {
            // IIS's detailed error page says "HTTP Error 403.16 - Forbidden".
            if said(&format!("Error {code}")) || said(&format!("{code} -")) {
                return Some(match fix {
                    None => ClientCertificateAnswer::Required {
                        words: format!("IIS {code}: {meaning}"),
                    },
                    Some(fix) => ClientCertificateAnswer::Rejected {
                        words: format!("IIS {code}: {meaning}"),
                        fix: fix.into(),
                    },
                });
            }
        }
        if said("Post-Handshake Authentication") || said("re-negotiation handshake failed") {
            return Some(ClientCertificateAnswer::Required {
                words: "Apache: 403 after the client certificate asked for after the handshake (post-handshake authentication or renegotiation) did not come or failed".into(),
            });
        }
    }
    None
}

/// The status code of an HTTP/1.x answer's head, parsed with `httparse`; `None` when the bytes are
/// not (yet) a status line.
pub fn status_code(head: &[u8]) -> Option<u16> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(head) {
        Ok(_) => response.code,
        // Too many headers or a bad header line: the status line before it was still read.
        Err(_) => response.code,
    }
}

#[cfg(test)]
mod tests {
    use super::{ClientCertificateAnswer, client_certificate_answer, status_code};

    #[test]
    fn nginx_and_iis_pages_are_read() {
        // nginx 1.22's page, as `curl -k` shows it without a certificate.
        let nginx = "<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent</center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";
        assert!(matches!(
            client_certificate_answer(400, Some("400 No required SSL certificate was sent"), nginx),
            Some(ClientCertificateAnswer::Required { .. })
        ));
        let iis = "<h3>HTTP Error 403.16 - Forbidden</h3><h4>Your client certificate is either not trusted or is invalid.</h4>";
        let answer = client_certificate_answer(
            403,
            Some("IIS 10.0 Detailed Error - 403.16 - Forbidden"),
            iis,
        );
        assert!(
            matches!(&answer, Some(ClientCertificateAnswer::Rejected { words, .. }) if words.contains("403.16")),
            "{answer:?}"
        );
        assert_eq!(client_certificate_answer(404, None, "Not Found"), None);
        assert_eq!(
            client_certificate_answer(200, None, "No required SSL certificate was sent"),
            None
        );
    }

    #[test]
    fn status_lines_are_parsed_by_httparse() {
        assert_eq!(
            status_code(b"HTTP/1.1 403 Forbidden\r\nServer: x\r\n"),
            Some(403)
        );
        assert_eq!(status_code(b"HTTP/1.1 200 OK\r\n\r\n"), Some(200));
        assert_eq!(status_code(b"garbage"), None);
    }
}
