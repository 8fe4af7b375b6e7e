//! `certwiz federation DOMAIN`: the partner's SRV records and every access edge they name, checked as a
//! federating Edge server would (see [`crate::engine::federation`]).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use time::OffsetDateTime;

use super::output::{
    ClientArgs, OutputArgs, emit, load_anchors, parse_instant, password_from_env, system_roots,
    terminal_progress, timeout_secs,
};
use crate::engine::federation::{FederationRequest, direct_routing, federation};
use crate::engine::finding::sort_findings;
use crate::engine::load::SourcedCertificate;
use crate::engine::probe::CancelFlag;
use crate::engine::report::{Report, Verdict, VerdictStatus};

/// The options of `certwiz federation`.
#[derive(Debug, Args)]
pub(super) struct FederationArgs {
    /// The partner's SIP domain (contoso.com): certwiz looks up _sipfederationtls._tcp.DOMAIN (and the
    /// clients' _sip._tls.DOMAIN when that is missing).
    #[arg(value_name = "DOMAIN")]
    domain: String,
    /// Use this address for a target NAME instead of its A / AAAA records (split DNS, a lab).
    /// Repeatable.
    #[arg(long, value_name = "NAME=IP")]
    resolve: Vec<String>,
    /// Connect every target here instead of resolving its name (the name is still used for SNI and
    /// the certificate name check).
    #[arg(long, value_name = "IP")]
    address: Option<IpAddr>,
    /// Ask this DNS server (IP or IP:PORT, port 53 by default) instead of this computer's.
    #[arg(long, value_name = "IP[:PORT]")]
    dns_server: Option<String>,
    /// Check this port on every target instead of the SRV records' ports.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    port: Option<u16>,
    /// Trust anchors for the targets' chains instead of the system trust store: for a lab or a
    /// private federation whose edges use an enterprise CA. Repeatable.
    #[arg(long = "ca", value_name = "FILE")]
    ca: Vec<PathBuf>,
    #[command(flatten)]
    client: ClientArgs,
    /// Environment variable holding the password of a PFX given as --pfx or --ca.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Seconds each DNS lookup and each network step may take.
    #[arg(long, default_value_t = 5.0, value_name = "SECS")]
    timeout: f64,
    /// Judge expiry at this instant instead of now (RFC 3339, or a date).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    #[command(flatten)]
    pub(super) output: OutputArgs,
}

/// Runs `certwiz federation`.
pub(super) fn run_federation(args: &FederationArgs) -> Result<ExitCode> {
    let domain = args.domain.trim().trim_end_matches('.');
    if domain.is_empty()
        || domain.len() > 253
        || !domain.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
    {
        bail!(
            "DOMAIN {:?}: give a SIP domain such as contoso.com",
            args.domain
        );
    }
    let timeout = timeout_secs(args.timeout)?;
    let dns_server = args
        .dns_server
        .as_deref()
        .map(parse_dns_server)
        .transpose()?;
    let resolve = args
        .resolve
        .iter()
        .map(|r| parse_resolve(r))
        .collect::<Result<Vec<_>>>()?;
    let at = match &args.at {
        Some(text) => parse_instant(text)?,
        None => OffsetDateTime::now_utc(),
    };
    let mut inputs = Vec::new();
    let mut password = password_from_env(args.password_env.as_ref())?;
    // Our Edge's certificate, presented as a federating Edge would: without one, the partner's edges
    // that require mutual TLS cannot be asked in SIP (the report says so).
    let (identity, client_chain) = args.client.load(&mut password, &mut inputs)?;
    let trust_anchors = if args.ca.is_empty() {
        // A federation peer trusts public CAs: the system trust store.
        system_roots("trust-anchor", &mut inputs)
            .context("this computer's trust store (give the partner's roots with --ca instead)")?
    } else {
        load_anchors(&args.ca, &mut password, &mut inputs)?
    };
    let request = FederationRequest {
        sip_domain: domain.to_ascii_lowercase(),
        dns_server,
        resolve,
        address: args.address,
        port: args.port,
        timeout,
        trust_anchors,
        identity: identity.map(std::sync::Arc::new),
        client_chain,
        at,
        inputs,
    };
    let cancel = CancelFlag::new();
    let (progress, printer) = terminal_progress();
    let report = federation(&request, &cancel, &progress);
    drop(progress);
    if let Some(printer) = printer {
        let _ = printer.join();
    }
    emit(&report, &args.output)
}

/// `--direct-routing` on `check`: the Direct Routing roots finding joins the report, judged on the
/// `--ca` anchors (`ca` names the files; `anchors` are what was loaded), or on this computer's trust
/// store when no `--ca` was given; the verdict is judged again.
pub(super) fn add_direct_routing(
    report: &mut Report,
    ca: &[PathBuf],
    anchors: &[SourcedCertificate],
) -> Result<()> {
    let finding = if ca.is_empty() {
        let mut inputs = Vec::new();
        let system = system_roots("trust-anchor", &mut inputs)?;
        direct_routing::judge(&system, "This computer's trust store")
    } else {
        direct_routing::judge(anchors, "The --ca trust anchors")
    };
    report.findings.push(finding);
    sort_findings(&mut report.findings);
    let verdict = Verdict::of(&report.findings);
    let judged = format!("certwiz {}: findings judged", report.command);
    for entry in report.timeline.iter_mut().filter(|e| e.what == judged) {
        entry.result = verdict.summary.clone();
    }
    if report.verdict.status != VerdictStatus::Cancelled {
        report.verdict = verdict;
    }
    Ok(())
}

/// `IP` or `IP:PORT` (`[v6]:PORT`), port 53 by default.
fn parse_dns_server(text: &str) -> Result<SocketAddr> {
    let text = text.trim();
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    match text.parse::<SocketAddr>() {
        Ok(addr) if addr.port() != 0 => Ok(addr),
        _ => bail!(
            "--dns-server {text}: give an IP address, optionally with :PORT (192.0.2.53:5353)"
        ),
    }
}

/// `NAME=IP`.
fn parse_resolve(text: &str) -> Result<(String, IpAddr)> {
    let Some((name, ip)) = text.split_once('=') else {
        bail!("--resolve {text}: give NAME=IP (sip.contoso.com=192.0.2.10)");
    };
    let name = name.trim().trim_end_matches('.');
    if name.is_empty() {
        bail!("--resolve {text}: the NAME before = is empty");
    }
    let Ok(ip) = ip.trim().parse::<IpAddr>() else {
        bail!("--resolve {text}: {:?} is not an IP address", ip.trim());
    };
    Ok((name.to_ascii_lowercase(), ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_server_and_resolve_forms() {
        assert_eq!(
            parse_dns_server("127.0.0.1").unwrap(),
            "127.0.0.1:53".parse().unwrap()
        );
        assert_eq!(
            parse_dns_server("[::1]:5353").unwrap(),
            "[::1]:5353".parse().unwrap()
        );
        assert!(parse_dns_server("dns.contoso.com").is_err());
        assert_eq!(
            parse_resolve("Sip.Contoso.com.=192.0.2.1").unwrap(),
            ("sip.contoso.com".to_owned(), "192.0.2.1".parse().unwrap())
        );
        assert!(parse_resolve("sip.contoso.com").is_err());
        assert!(parse_resolve("=192.0.2.1").is_err());
        assert!(parse_resolve("sip.contoso.com=nope").is_err());
    }
}
