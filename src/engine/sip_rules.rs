//! Judgement of the SIP answer (facts from [`crate::engine::probe::sip`]): `sip.options-ok`,
//! `sip.error-response`, `sip.not-sip`, and the mutual-TLS verdict on a SIP port, where the SIP answer
//! with our certificate decides as the HTTP answer does on 444.
//!
//! The status meanings are RFC 3261 21's, with what Lync / Skype for Business Edges and front ends mean
//! by them (Microsoft's "Lync Server 2013 ms-diagnostics" codes are quoted as the server sends them).

use crate::engine::finding::{Finding, Severity, ids};
use crate::engine::probe::sip::{SipAnswer, SipExchange, SipReply};
use crate::engine::probe::tls::HandshakeOutcome;
use crate::engine::probe::{MutualTlsFacts, ProbeFacts};

/// What a SIP status means for a server-to-server OPTIONS over mutual TLS, and whether it is only a
/// warning (the server speaks SIP and took the connection, but does not do OPTIONS).
fn status_meaning(status: u16) -> (&'static str, bool) {
    match status {
        300..=399 => (
            "the server redirects the request elsewhere (a Director sends callers to their home pool this way)",
            true,
        ),
        400 => ("the server could not parse the request", false),
        401 | 407 => (
            "the server wants the caller to authenticate: a Lync / Skype for Business server challenges connections it does not recognise as a trusted server of its topology (our certificate's name is not a known pool, Edge or trusted application)",
            false,
        ),
        403 => (
            "the server refuses the request: an Edge answers so when the calling domain is not allowed to federate (not in the allowed domains, blocked, or federation is off); a front end when the peer is not trusted",
            false,
        ),
        404 => (
            "the server does not know the requested address or domain (it does not serve that SIP domain)",
            false,
        ),
        405 | 501 => (
            "the server speaks SIP but does not take OPTIONS, so certwiz cannot confirm more than the connection",
            true,
        ),
        408 | 504 => (
            "the server's next hop did not answer in time (an Edge that cannot reach the internal pool or the partner, a Director that cannot reach the front end)",
            false,
        ),
        420 => (
            "the server does not support an extension the request needs",
            true,
        ),
        480 => ("the destination is temporarily unavailable", false),
        488 => (
            "not acceptable here: the server refuses the session or transport the request offered (media / security settings that do not match)",
            false,
        ),
        500 => ("the server failed while handling the request", false),
        502 => (
            "bad gateway: the next hop answered with something the server could not use",
            false,
        ),
        503 => (
            "service unavailable: the server is overloaded, starting, or its pool / next hop is down",
            false,
        ),
        600..=699 => ("the server declines the request everywhere", false),
        _ => ("the server refused the request", false),
    }
}

/// The `ms-diagnostics` headers in words: "1034: Previous hop federated peer did not report
/// diagnostic information (source: sip.contoso.com)".
pub fn ms_diagnostics_words(raw: &str) -> String {
    raw.split(" | ")
        .map(|one| {
            let parts = split_params(one);
            let code = parts.first().map(|(k, _)| k.trim()).unwrap_or("");
            let param = |name: &str| {
                parts
                    .iter()
                    .skip(1)
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.trim().trim_matches('"').to_owned())
            };
            let mut text = match param("reason") {
                Some(reason) => format!("{code}: {reason}"),
                None => code.to_owned(),
            };
            if let Some(source) = param("source") {
                text.push_str(&format!(" (source: {source})"));
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `a;b="x;y";c=d` as (key, value) pairs, splitting on `;` outside double quotes.
fn split_params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars().chain(std::iter::once(';')) {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ';' if !quoted => {
                let (k, v) = current.split_once('=').unwrap_or((current.as_str(), ""));
                out.push((k.to_owned(), v.to_owned()));
                current.clear();
            }
            _ => current.push(c),
        }
    }
    out
}

/// Who answered and what it said beyond the status, for finding details.
fn answer_details(a: &SipAnswer) -> String {
    let mut text = String::new();
    match (&a.server, &a.user_agent) {
        (Some(s), _) => text.push_str(&format!(" The answer names the server \"{s}\".")),
        (None, Some(ua)) => text.push_str(&format!(
            " The answer names the server \"{ua}\" (User-Agent)."
        )),
        (None, None) => {}
    }
    if let Some(d) = &a.ms_diagnostics {
        text.push_str(&format!(" ms-diagnostics: {}.", ms_diagnostics_words(d)));
    }
    text
}

fn connection_words(x: &SipExchange) -> &'static str {
    if x.with_client_certificate {
        "over mutual TLS with our client certificate"
    } else {
        "over TLS without a client certificate"
    }
}

/// The verdict on a mutual-TLS handshake the server completed on a SIP port: accepted only when SIP
/// answered 2xx with our certificate. Otherwise `None`: [`sip_findings`] says what the answer was.
pub fn mtls_verdict(facts: &ProbeFacts, who: &str) -> Option<Finding> {
    let t = &facts.target;
    let x = facts.sip.as_ref().filter(|x| x.with_client_certificate)?;
    let a = x.answer().filter(|a| (200..300).contains(&a.status))?;
    Some(Finding::new(
        ids::TLS_MTLS_OK,
        Severity::Pass,
        format!("Mutual TLS with {} works", t.host),
        format!(
            "{} accepted the client certificate \"{who}\" in the TLS handshake and answered our SIP OPTIONS with \"{}\".",
            t.host, a.first_line
        ),
        "Nothing to do.",
    ))
}

/// Whether the mutual-TLS outcome on a SIP port is SIP's to judge: the handshake completed and what
/// followed (an answer, a close without an alert, silence) is about SIP, not about our certificate.
pub fn sip_decides(facts: &ProbeFacts, m: &MutualTlsFacts) -> bool {
    facts.target.speaks_sip()
        && facts
            .sip
            .as_ref()
            .is_some_and(|x| x.with_client_certificate && x.handshake_completed)
        && !matches!(
            m.outcome,
            HandshakeOutcome::Alert { .. }
                | HandshakeOutcome::Failed { .. }
                | HandshakeOutcome::Cancelled
        )
}

/// The SIP findings of a probe on a target that speaks SIP.
pub fn sip_findings(facts: &ProbeFacts, out: &mut Vec<Finding>) {
    let t = &facts.target;
    let Some(x) = facts.sip.as_ref().filter(|x| x.handshake_completed) else {
        return;
    };
    let over = connection_words(x);
    let spoken = t.spoken_text();
    match &x.reply {
        SipReply::Answered(a) if a.status < 300 => out.push(Finding::new(
            ids::SIP_OPTIONS_OK,
            Severity::Pass,
            format!("SIP answers on port {}: {} {}", t.port, a.status, a.reason),
            format!(
                "certwiz sent a SIP OPTIONS {over} and {} answered \"{}\".{}",
                t.host,
                a.first_line,
                answer_details(a)
            ),
            "Nothing to do.",
        )),
        SipReply::Answered(a) => {
            let (meaning, only_warn) = status_meaning(a.status);
            out.push(Finding::new(
                ids::SIP_ERROR_RESPONSE,
                if only_warn { Severity::Warn } else { Severity::Fail },
                format!("{} answered SIP {} {} on port {}", t.host, a.status, a.reason, t.port),
                format!(
                    "certwiz sent a SIP OPTIONS {over} and got \"{}\": {meaning}.{}{}",
                    a.first_line,
                    answer_details(a),
                    if x.with_client_certificate {
                        " The TLS handshake with our certificate completed, so the refusal is at the SIP layer, not in TLS."
                    } else {
                        ""
                    }
                ),
                "Read the ms-diagnostics code (if any) and the server's own log for the request. On an Edge: is the calling domain allowed (Get-CsAllowedDomain, Get-CsAccessEdgeConfiguration: AllowFederatedUsers, EnablePartnerDiscovery)? On a front end or Director: is the calling server in the topology or a trusted application (Get-CsTrustedApplication, Get-CsPool)?",
            ));
        }
        SipReply::NotSip {
            looks_like,
            first_line,
            ..
        } => out.push(Finding::new(
            ids::SIP_NOT_SIP,
            Severity::Fail,
            format!("Something other than SIP answers on port {}", t.port),
            format!(
                "certwiz spoke {spoken} on {}:{} and sent an OPTIONS {over}; the answer is {looks_like}, starting \"{first_line}\". The SIP service (front end, Edge, Mediation server, SBC) is not the one listening on this port.",
                t.host, t.port
            ),
            format!(
                "Find what listens on port {} (netstat -ano | findstr :{}; netsh http show sslcert) and move it off the SIP port, or check the port: if the server is a web server, use --protocol http.",
                t.port, t.port
            ),
        )),
        SipReply::Nothing { .. }
            if matches!(
                x.outcome,
                HandshakeOutcome::Alert { .. } | HandshakeOutcome::Cancelled
            ) => {}
        SipReply::Nothing { why } => {
            let tls13 = facts
                .mutual_tls
                .as_ref()
                .and_then(|m| m.version.as_deref())
                .or_else(|| facts.handshake.as_ref().and_then(|h| h.version.as_deref()))
                == Some("TLSv1.3");
            out.push(Finding::new(
                ids::SIP_NOT_SIP,
                Severity::Fail,
                format!("No SIP answer on port {}", t.port),
                format!(
                    "The TLS handshake completed and certwiz spoke {spoken}: it sent an OPTIONS {over}, but {why}. A SIP server answers OPTIONS; no answer means the listener is not a SIP service, or it dropped the request.{}",
                    if x.with_client_certificate && tls13 {
                        " With TLS 1.3 the server checks our certificate only after the handshake; no TLS alert came, so certwiz does not call it a certificate rejection, but a server that drops rejected certificates silently looks the same: its log says which."
                    } else if x.with_client_certificate {
                        " The server finished the TLS 1.2 handshake after seeing our certificate, so TLS accepted it; the problem is after TLS."
                    } else {
                        ""
                    }
                ),
                format!(
                    "Check what listens on port {} (netstat -ano | findstr :{}) and the SIP server's log for the connection; on Lync / Skype for Business, the front end's or Edge's SIPStack trace (OCSLogger / CLS) shows why the request was dropped.",
                    t.port, t.port
                ),
            ));
        }
    }
}

/// On a SIP port whose TLS handshake completed, "the SIP answer (why)" when no SIP answer (nor
/// anything else) came back to certwiz's OPTIONS: e.g. the server wanted a client certificate first.
pub fn sip_unanswered(probe: &ProbeFacts) -> Option<String> {
    if !probe.target.speaks_sip()
        || probe
            .handshake
            .as_ref()
            .is_none_or(|h| h.outcome != HandshakeOutcome::Completed)
    {
        return None;
    }
    let why = match probe.sip.as_ref().map(|x| &x.reply) {
        Some(SipReply::Nothing { why }) => why.clone(),
        Some(_) => return None,
        None => "no OPTIONS was sent".to_owned(),
    };
    Some(format!("the SIP answer ({why})"))
}

#[cfg(test)]
mod tests {
    use super::{ms_diagnostics_words, status_meaning};

    #[test]
    fn ms_diagnostics_are_put_in_words() {
        assert_eq!(
            ms_diagnostics_words(
                "1034;reason=\"Previous hop federated peer did not report diagnostic information\";Domain=\"contoso.com\";PeerServer=\"sip.contoso.com\";source=\"sip.fabrikam.com\""
            ),
            "1034: Previous hop federated peer did not report diagnostic information (source: sip.fabrikam.com)"
        );
        assert_eq!(
            ms_diagnostics_words("1008;reason=\"a;b\" | 2"),
            "1008: a;b; 2"
        );
    }

    #[test]
    fn common_codes_have_words() {
        assert!(status_meaning(403).0.contains("federate"));
        assert!(!status_meaning(403).1);
        assert!(status_meaning(405).1 && status_meaning(501).1);
        assert!(status_meaning(503).0.contains("unavailable"));
        assert!(status_meaning(488).0.contains("not acceptable"));
    }
}
