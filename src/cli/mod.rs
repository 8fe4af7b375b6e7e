//! The command line: clap definitions, input loading, and rendering of the engine's [`Report`].
//!
//! Exit codes (the contract): 0 ran with no `fail` finding, 1 ran with at least one, 2 bad usage or
//! unreadable input.

use std::ffi::OsString;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use time::OffsetDateTime;

use crate::engine::check::{CheckRequest, check_fetching_own, own_certificate_request};
use crate::engine::identity::{self, IdentityError};
use crate::engine::inspect::{InspectRequest, inspect, inspect_fetching};
use crate::engine::load::SourcedCertificate;
use crate::engine::probe::{self, CancelFlag, ClientIdentity, ProbePlan};
use crate::engine::report::{InputSummary, Report};

mod federation;
mod lab;
mod output;

use lab::{LabArgs, LabChoice, parse_lab_choice, run_lab};
use output::{
    ClientArgs, OutputArgs, emit, fetch_options, load_anchors, load_reporting, parse_instant,
    password_from_env, summary, system_roots, terminal_progress, timeout_secs,
};
pub use output::{EXIT_BAD_INPUT, EXIT_FAILURES, EXIT_OK};

/// certwiz: find out why certificates and mutual TLS fail between conferencing servers.
#[derive(Debug, Parser)]
#[command(
    name = "certwiz",
    version,
    about,
    long_about = None,
    after_help = "Start here:\n  certwiz                                   the wizard (a window)\n  certwiz check fe01.contoso.com:444        a server, from the command line\n  certwiz lab impostor-web-site             a practice server that plays the famous incident\n  certwiz explain ID                        what a finding means and how to fix it\nEach command has an example: certwiz help COMMAND"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read local certificate files, build the certification path and check trust, purposes and names.
    #[command(
        after_help = "Example (the server's certificate and chain, checked against your root):\n  certwiz inspect server.pfx --password-env PFX_PASSWORD --ca root-ca.cer --expect-name pool01.contoso.com"
    )]
    Inspect(InspectArgs),
    /// Check a server: what answers on the port, the chain it presents, whether it asks for a client
    /// certificate, whether mutual TLS works, and what a browser sees.
    #[command(
        after_help = "Example (the front end's conferencing port, with its client certificate):\n  certwiz check fe01.contoso.com:444 --ca root-ca.cer --pfx fe01.pfx --password-env PFX_PASSWORD\nThe summary fits one screen; --full prints everything."
    )]
    Check(CheckArgs),
    /// Open the guided wizard (the default when no command is given).
    #[command(
        after_help = "Example (the wizard, aimed at a server and run at once):\n  certwiz gui fe01.contoso.com --run"
    )]
    Gui(GuiArgs),
    /// Start a practice server on 127.0.0.1 that plays one failure scenario (or `pool`: three front ends
    /// of one pool), and print how to check it.
    #[command(
        after_help = "Example (the famous incident: another web site on port 444):\n  certwiz lab impostor-web-site"
    )]
    Lab(LabArgs),
    /// Read pasted event-log, validation-wizard or trace text: what it means, the likely causes ranked,
    /// and the wizard step that confirms or rules out each.
    #[command(
        after_help = "Example (an exported event log, or - for a paste on standard input):\n  certwiz logs events.txt"
    )]
    Logs(LogsArgs),
    /// Who listens on a port of this machine (PID, process name and path); a web server on the port the
    /// conferencing service must own is a failure.
    #[command(after_help = "Example (on the front end itself):\n  certwiz port-owner 444")]
    PortOwner(PortOwnerArgs),
    /// Health of a Trusted Root store exported to files (or the system's): too many roots or names for
    /// Schannel's CA list, certificates that are not roots, duplicates, expired roots.
    #[command(
        after_help = "Example (this computer's Trusted Root store, or files exported from another server):\n  certwiz root-store --system-roots\n  certwiz root-store exported-roots/"
    )]
    RootStore(RootStoreArgs),
    /// The certificate stores as MMC shows them for the computer account: Personal, Trusted Root and
    /// Intermediate, each certificate with friendly name, private key and purposes (its EKU and the
    /// store's "Enable only the following purposes" setting). Without FILE: this computer's stores
    /// (Windows; elsewhere the system trust store). With files: sorted into the same three stores.
    #[command(after_help = "Example (this computer's stores):\n  certwiz store")]
    Store(StoreArgs),
    /// The pool trust matrix: asks every front end of a pool at once what certificate it presents
    /// and which CAs it accepts for client certificates, then decides for each ordered pair whether
    /// one would accept the other in mutual TLS (its certificate is its client certificate).
    #[command(
        after_help = "Example (three front ends, with the pool's root):\n  certwiz pool fe01.contoso.com fe02.contoso.com fe03.contoso.com:444 --ca root-ca.cer"
    )]
    Pool(PoolArgs),
    /// A partner's federation: its _sipfederationtls._tcp SRV record, then every access edge it names,
    /// checked at once as a federating Edge server would (chain against public CAs, the SRV target
    /// name, Client Authentication up the path, the client-certificate request and its CA list, and
    /// the SIP answer to an OPTIONS: give our Edge's certificate with --pfx or --client-cert).
    #[command(
        after_help = "Example (a partner's domain; a lab with its own DNS server and root):
  certwiz federation contoso.com
  certwiz federation lab.test --dns-server 127.0.0.1:5353 --ca lab-root.cer
  certwiz federation contoso.com --pfx edge.pfx --password-env PFX_PASSWORD
Exit codes as for check: 0 no failure, 1 a failure, 2 bad usage."
    )]
    Federation(federation::FederationArgs),
    /// Show a saved report (the JSON of --format json or the GUI's Save report…) in the wizard,
    /// read-only and marked with where and when it was made. With --format or --output it is
    /// rendered again instead (e.g. a customer's JSON as an HTML page), with --redact masked.
    #[command(
        after_help = "Example (a customer's saved report as one web page, names masked):\n  certwiz open report.json --format html --output report.html --redact"
    )]
    Open(OpenArgs),
    /// What a finding id means, why it matters for conferencing, the fix, the commands and the wizard
    /// step that shows it (like `rustc --explain`).
    #[command(
        after_help = "Example:\n  certwiz explain chain.untrusted-root\n  certwiz explain --list"
    )]
    Explain(ExplainArgs),
}

impl Command {
    /// The output options of a command that writes a report.
    fn output(&self) -> Option<&OutputArgs> {
        match self {
            Command::Inspect(a) => Some(&a.output),
            Command::Check(a) => Some(&a.output),
            Command::Logs(a) => Some(&a.output),
            Command::PortOwner(a) => Some(&a.output),
            Command::RootStore(a) => Some(&a.output),
            Command::Store(a) => Some(&a.output),
            Command::Pool(a) => Some(&a.output),
            Command::Federation(a) => Some(&a.output),
            Command::Open(a) => Some(&a.output),
            Command::Gui(_) | Command::Lab(_) | Command::Explain(_) => None,
        }
    }
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["id", "list"])))]
struct ExplainArgs {
    /// The finding id, as in a report (`chain.untrusted-root`, `log.event-61030`).
    #[arg(value_name = "ID")]
    id: Option<String>,
    /// List every finding id with its severity and meaning.
    #[arg(long)]
    list: bool,
    /// Output format (markdown is the documentation's catalogue page).
    #[arg(long, value_enum, default_value = "text")]
    format: crate::render::explain::ExplainFormat,
}

#[derive(Debug, Args)]
struct PoolArgs {
    /// The pool's front ends: FQDN or FQDN:PORT (at least two).
    #[arg(value_name = "HOST[:PORT]", required = true, num_args = 2..)]
    members: Vec<String>,
    /// Port of members given without one.
    #[arg(long, default_value_t = probe::DEFAULT_PORT, value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
    /// Connect every member at this IP address instead of resolving its name (like check's
    /// --address; the names still go into SNI and the certificate checks).
    #[arg(long, value_name = "IP")]
    address: Option<IpAddr>,
    /// Trusted roots the members must chain to (their Trusted Root store). Repeatable. Without
    /// any, only the acceptable-CA lists the members send decide.
    #[arg(long = "ca", value_name = "FILE")]
    ca: Vec<PathBuf>,
    /// Read a PFX password for --ca from this environment variable.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Bound of each network step, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    timeout: f64,
    /// A name every member's certificate must carry, such as the pool FQDN. Repeatable.
    #[arg(long = "expect-name", value_name = "NAME")]
    expect_name: Vec<String>,
    /// HTTP path of the members' endpoint (recorded with each member; the pool check itself is the
    /// TLS handshake).
    #[arg(long, default_value = probe::DEFAULT_PATH)]
    path: String,
    /// What to speak after the handshake: auto (by port: 5061, 5062, 5067, 5068 speak SIP, the rest
    /// HTTP), http or sip.
    #[arg(long, value_enum, default_value_t = ProtocolArg::Auto)]
    protocol: ProtocolArg,
    /// Judge certificate dates at this instant instead of now (RFC 3339, or a date).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct OpenArgs {
    /// The saved report (.json).
    #[arg(value_name = "REPORT.json")]
    report: PathBuf,
    /// Renderer for the window, as for `certwiz gui`.
    #[arg(long, value_enum)]
    renderer: Option<RendererArg>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct StoreArgs {
    /// Files or folders to list as a store instead of this computer's (a PFX with its key goes to
    /// Personal, self-signed CAs to Trusted Root, other CAs to Intermediate). A PFX asks for its
    /// password on a terminal, or takes it from --password-env.
    #[arg(value_name = "FILE|DIR")]
    paths: Vec<PathBuf>,
    /// Environment variable holding the PFX password.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Judge expiry at this instant instead of now (RFC 3339, or a date).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct RootStoreArgs {
    /// Files or folders holding the store's certificates (e.g. every root exported from
    /// Cert:\LocalMachine\Root, or a PEM bundle).
    #[arg(value_name = "FILE|DIR")]
    paths: Vec<PathBuf>,
    /// Judge this computer's Trusted Root store (on Windows the Local Machine Root store, every
    /// certificate in it; elsewhere the system trust store, for comparison).
    #[arg(long)]
    system_roots: bool,
    /// Judge expiry at this instant instead of now (RFC 3339, or a date).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct PortOwnerArgs {
    /// The port the conferencing service must own.
    #[arg(value_name = "PORT", default_value_t = probe::DEFAULT_PORT, value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct LogsArgs {
    /// A text file (Event Viewer text or XML, Get-WinEvent output, wizard output, trace), or - for
    /// standard input.
    #[arg(value_name = "FILE|-")]
    input: PathBuf,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args, Default)]
struct GuiArgs {
    /// Fill in the server FQDN (step 2).
    #[arg(value_name = "HOST")]
    host: Option<String>,
    /// Fill in the port.
    #[arg(long)]
    port: Option<u16>,
    /// Fill in the path.
    #[arg(long)]
    path: Option<String>,
    /// Fill in the connect address.
    #[arg(long, value_name = "IP")]
    address: Option<IpAddr>,
    /// Start Run all checks as soon as the window opens (needs HOST or --lab).
    #[arg(long)]
    run: bool,
    /// Start the practice lab: a server on 127.0.0.1 that plays one failure (default: the famous
    /// incident, impostor-web-site), with the target and step 3 filled in. Scenarios as for `certwiz lab`.
    #[arg(long, value_name = "SCENARIO", num_args = 0..=1, default_missing_value = "impostor-web-site",
          value_parser = parse_lab_choice, conflicts_with_all = ["host", "load"])]
    lab: Option<LabChoice>,
    /// Renderer: glow (OpenGL 2+) or wgpu (DX12 on Windows, with a software adapter; Vulkan/GL
    /// elsewhere). Default: wgpu on Windows, glow elsewhere. If it cannot start, the other is tried.
    #[arg(long, value_enum)]
    renderer: Option<RendererArg>,
    /// Load a certificate file into step 3 (PEM, DER, PKCS#7; a PFX needs --password-env). Repeatable.
    #[arg(long = "load", value_name = "FILE")]
    load: Vec<PathBuf>,
    /// Read the PFX password for --load from this environment variable.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Paste an event log file into step 1 (as `certwiz logs FILE` reads it).
    #[arg(long = "log", value_name = "FILE")]
    log: Option<PathBuf>,
}

/// `--protocol`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ProtocolArg {
    /// By port: 5061, 5062, 5067, 5068 speak SIP; every other port HTTP.
    Auto,
    /// An HTTP GET for --path.
    Http,
    /// A SIP OPTIONS.
    Sip,
}

impl ProtocolArg {
    fn choice(self) -> probe::ProtocolChoice {
        match self {
            ProtocolArg::Auto => probe::ProtocolChoice::Auto,
            ProtocolArg::Http => probe::ProtocolChoice::Http,
            ProtocolArg::Sip => probe::ProtocolChoice::Sip,
        }
    }
}

/// Says on stderr that `--path` is not used where the target speaks SIP (a GET is garbage there).
fn note_path_unused(target: &probe::ProbeTarget, path: &str) {
    if target.speaks_sip() && path != probe::DEFAULT_PATH {
        eprintln!(
            "note: --path {path} applies to HTTP only; {}:{} speaks {}, so certwiz sends a SIP OPTIONS",
            target.host,
            target.port,
            target.spoken_text()
        );
    }
}

/// `--renderer`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RendererArg {
    /// OpenGL 2+ through glow.
    Glow,
    /// wgpu: DX12 (with WARP) on Windows, Vulkan or OpenGL elsewhere.
    Wgpu,
}

impl RendererArg {
    fn renderer(self) -> crate::gui::Renderer {
        match self {
            RendererArg::Glow => crate::gui::Renderer::Glow,
            RendererArg::Wgpu => crate::gui::Renderer::Wgpu,
        }
    }
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The server's FQDN, optionally with :PORT (as for `pool`): used for SNI, the certificate name
    /// check and the HTTP Host header.
    #[arg(value_name = "HOST[:PORT]")]
    host: String,
    /// TCP port (444 when neither this nor HOST:PORT gives one).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    port: Option<u16>,
    /// HTTP path to browse (HTTP only: a SIP port gets an OPTIONS).
    #[arg(long, default_value = probe::DEFAULT_PATH)]
    path: String,
    /// What to speak after the handshake: auto (by port: 5061, 5062, 5067, 5068 speak SIP, the rest
    /// HTTP), http (a GET for --path) or sip (an OPTIONS).
    #[arg(long, value_enum, default_value_t = ProtocolArg::Auto)]
    protocol: ProtocolArg,
    /// Connect to this IP address instead of resolving HOST (like curl's --resolve).
    #[arg(long, value_name = "IP")]
    address: Option<IpAddr>,
    /// Trusted roots for the server's chain, and issuers of the client certificate. Repeatable.
    #[arg(long = "ca", value_name = "FILE")]
    ca: Vec<PathBuf>,
    #[command(flatten)]
    client: ClientArgs,
    /// Present this certificate of the Local Machine Personal store (SHA-1 or SHA-256 thumbprint, as
    /// `certwiz store` lists it) for mutual TLS, with its key used in place through CNG (never
    /// exported; non-exportable keys work). Its chain comes from the machine's stores, and the Trusted
    /// Root store joins the trust anchors. Windows only.
    #[arg(long, value_name = "THUMBPRINT", conflicts_with_all = ["pfx", "client_cert"])]
    store_cert: Option<String>,
    /// Read the PFX password from this environment variable (never give it as an argument).
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// The local certificate, to compare with what the server presents.
    #[arg(long, value_name = "FILE")]
    cert: Option<PathBuf>,
    /// Another name the server certificate must carry (HOST is always checked). Repeatable.
    #[arg(long = "expect-name", value_name = "NAME")]
    expect_name: Vec<String>,
    /// Bound of each network step, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    timeout: f64,
    /// Also check revocation and missing intermediates of the presented chain and of our own client
    /// certificate: contacts the CRL, OCSP and CA Issuers URLs named in the certificates (like
    /// certutil -verify -urlfetch).
    #[arg(long)]
    fetch: bool,
    /// Teams Direct Routing (a check of or from an SBC): also say whether the trust anchors (the --ca
    /// files, else this computer's trust store) hold every root Microsoft's SIP proxies moved to in 2026.
    #[arg(long)]
    direct_routing: bool,
    /// Judge certificate dates at this instant instead of now (RFC 3339, or a date).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct InspectArgs {
    /// Certificate files or folders: PEM, DER (.cer/.crt), PKCS#7 (.p7b) or PKCS#12 (.pfx/.p12).
    /// The first end-entity certificate is examined; the others are candidates for its path.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Trusted root (or other trust anchor) certificates, like the Trusted Root Certification
    /// Authorities store of the server that must trust this certificate. Repeatable.
    #[arg(long = "ca", value_name = "FILE")]
    ca: Vec<PathBuf>,
    /// Also trust the operating system's root certificates.
    #[arg(long)]
    system_roots: bool,
    /// A name the certificate must carry (pool FQDN, server FQDN). Repeatable.
    #[arg(long = "expect-name", value_name = "NAME")]
    expect_name: Vec<String>,
    /// Read the PFX password from this environment variable (never give it as an argument).
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Judge validity at this instant instead of now (RFC 3339, e.g. 2030-01-31T12:00:00Z, or a date).
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Also check revocation and download missing intermediates: contacts the CRL, OCSP and CA Issuers
    /// URLs named in the certificates (like certutil -verify -urlfetch).
    #[arg(long)]
    fetch: bool,
    /// Bound of each download with --fetch, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 5.0, requires = "fetch")]
    timeout: f64,
    /// The roles to judge the certificate for: server (Server Authentication), client (Client
    /// Authentication) or both (what conferencing servers need).
    #[arg(long, value_name = "server|client|both", default_value = "both")]
    purpose: crate::engine::purpose::RequestedPurpose,
    #[command(flatten)]
    output: OutputArgs,
}

/// Parses `args` and runs the command. Usage errors print clap's message; other errors come back as
/// `Err` for `main` to print (exit code 2).
pub fn run<I, T>(args: I) -> Result<ExitCode>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return Ok(ExitCode::from(
                u8::try_from(err.exit_code()).unwrap_or(EXIT_BAD_INPUT),
            ));
        }
    };
    if let Some(output) = cli.command.as_ref().and_then(Command::output) {
        output.validate()?;
    }
    match cli.command {
        Some(Command::Inspect(args)) => run_inspect(&args),
        Some(Command::Check(args)) => run_check(&args),
        Some(Command::Lab(args)) => run_lab(&args),
        Some(Command::Logs(args)) => run_logs(&args),
        Some(Command::RootStore(args)) => run_root_store(&args),
        Some(Command::Store(args)) => run_store(&args),
        Some(Command::Open(args)) => run_open(&args),
        Some(Command::Pool(args)) => run_pool(&args),
        Some(Command::Federation(args)) => federation::run_federation(&args),
        Some(Command::PortOwner(args)) => {
            let facts = crate::engine::port_owner::look(args.port);
            let report = crate::engine::port_owner::report(facts, OffsetDateTime::now_utc());
            emit(&report, &args.output)
        }
        Some(Command::Explain(args)) => run_explain(&args),
        None => run_gui(&GuiArgs::default()),
        Some(Command::Gui(args)) => run_gui(&args),
    }
}

fn run_explain(args: &ExplainArgs) -> Result<ExitCode> {
    use crate::render::explain::{render_list, render_one};
    let text = match &args.id {
        Some(id) => match crate::engine::catalogue::explain(id) {
            Some(x) => render_one(&x, args.format),
            None => {
                bail!("{id}: not a finding id certwiz reports; `certwiz explain --list` lists them")
            }
        },
        None => render_list(args.format),
    };
    print!("{text}");
    Ok(ExitCode::from(EXIT_OK))
}

fn run_gui(args: &GuiArgs) -> Result<ExitCode> {
    let mut start = crate::gui::StartOptions::default();
    if let Some(host) = &args.host {
        start.server_fqdn = Some(host.clone());
    }
    start.port = args.port;
    start.path = args.path.clone();
    start.address = args.address;
    start.run = args.run;
    start.files = args.load.clone();
    start.password = password_from_env(args.password_env.as_ref())?;
    if let Some(path) = &args.log {
        let bytes =
            std::fs::read(path).with_context(|| format!("{}: cannot open", path.display()))?;
        if bytes.len() > crate::engine::logs::MAX_LOG_BYTES {
            bail!(
                "{}: larger than the {} MiB certwiz reads",
                path.display(),
                crate::engine::logs::MAX_LOG_BYTES >> 20
            );
        }
        start.log_text = Some(crate::engine::logs::parser::decode(&bytes));
    }
    match args.lab {
        Some(LabChoice::One(scenario)) => start.lab = Some(scenario),
        Some(LabChoice::Pool) => start.practice_pool = true,
        None => {}
    }
    if args.run && args.host.is_none() && args.lab.is_none() {
        bail!("--run needs a server to check: give HOST, or --lab for the practice lab");
    }
    let renderer = args.renderer.map(RendererArg::renderer);
    match crate::gui::run(start, renderer) {
        Ok(()) => Ok(ExitCode::from(EXIT_OK)),
        Err(message) => bail!(message),
    }
}

fn run_pool(args: &PoolArgs) -> Result<ExitCode> {
    let timeout = timeout_secs(args.timeout)?;
    let at = match &args.at {
        Some(text) => parse_instant(text)?,
        None => OffsetDateTime::now_utc(),
    };
    if args.members.len() > crate::engine::pool::MAX_MEMBERS {
        bail!(
            "{} members: certwiz checks at most {} at once (a pool has at most 12 front ends)",
            args.members.len(),
            crate::engine::pool::MAX_MEMBERS
        );
    }
    if !args.path.starts_with('/') {
        bail!("--path {}: the path must start with /", args.path);
    }
    let mut members = Vec::new();
    for spec in &args.members {
        let mut target = crate::input::parse_target(spec, args.port, args.address)
            .map_err(anyhow::Error::msg)?;
        target.path = args.path.clone();
        target.protocol = args.protocol.choice();
        note_path_unused(&target, &args.path);
        members.push(target);
    }
    let mut password = password_from_env(args.password_env.as_ref())?;
    let mut inputs = Vec::new();
    let mut trust_anchors = Vec::new();
    trust_anchors.extend(load_anchors(&args.ca, &mut password, &mut inputs)?);
    let request = crate::engine::pool::PoolRequest {
        members,
        timeout,
        trust_anchors,
        at,
    };
    let (progress, printer) = terminal_progress();
    let mut report = crate::engine::pool::pool_report_expecting(
        &request,
        &args.expect_name,
        &CancelFlag::new(),
        &progress,
    );
    drop(progress);
    if let Some(printer) = printer {
        let _ = printer.join();
    }
    report.inputs = inputs;
    emit(&report, &args.output)
}

fn run_open(args: &OpenArgs) -> Result<ExitCode> {
    let report = crate::engine::report::read_report(&args.report)?;
    let out = &args.output;
    if out.json || out.full || out.format.is_some() || out.output.is_some() {
        return emit(&report, out);
    }
    let start = crate::gui::StartOptions {
        open: Some((report, args.report.display().to_string())),
        redact: out.redact,
        ..Default::default()
    };
    let renderer = args.renderer.map(RendererArg::renderer);
    match crate::gui::run(start, renderer) {
        Ok(()) => Ok(ExitCode::from(EXIT_OK)),
        Err(message) => bail!(
            "{message} To read the report here instead: certwiz open {} --format text",
            args.report.display()
        ),
    }
}

fn run_inspect(args: &InspectArgs) -> Result<ExitCode> {
    let at = match &args.at {
        Some(text) => parse_instant(text)?,
        None => OffsetDateTime::now_utc(),
    };
    let mut password = password_from_env(args.password_env.as_ref())?;
    let mut certificates = Vec::new();
    let mut trust_anchors = Vec::new();
    let mut inputs = Vec::new();
    for file in &args.files {
        let loaded = load_reporting(file, &mut password)?;
        inputs.push(summary(file, "certificate", &loaded));
        certificates.extend(loaded.certificates);
    }
    trust_anchors.extend(load_anchors(&args.ca, &mut password, &mut inputs)?);
    if args.system_roots {
        trust_anchors.extend(system_roots("trust-anchor", &mut inputs)?);
    }
    let request = InspectRequest {
        certificates,
        trust_anchors,
        expected_names: args.expect_name.clone(),
        at,
        inputs,
        store_purposes: Default::default(),
        purpose: args.purpose,
    };
    let report = if args.fetch {
        let options = fetch_options(args.timeout)?;
        let (progress, printer) = terminal_progress();
        let report = inspect_fetching(&request, options, &CancelFlag::new(), &progress);
        drop(progress);
        if let Some(printer) = printer {
            let _ = printer.join();
        }
        report?
    } else {
        inspect(&request)?
    };
    emit(&report, &args.output)
}

fn run_root_store(args: &RootStoreArgs) -> Result<ExitCode> {
    let at = match &args.at {
        Some(text) => parse_instant(text)?,
        None => OffsetDateTime::now_utc(),
    };
    if args.paths.is_empty() && !args.system_roots {
        bail!(
            "give the store to judge: --system-roots for this computer's Trusted Root store, or FILE|DIR \
             with the roots exported from another server (certwiz help root-store)"
        );
    }
    let mut password = None;
    let mut certificates = Vec::new();
    let mut inputs = Vec::new();
    for path in &args.paths {
        let loaded = load_reporting(path, &mut password)?;
        inputs.push(summary(path, "root-store", &loaded));
        certificates.extend(loaded.certificates);
    }
    if args.system_roots {
        let (loaded, source) = crate::engine::load::load_root_store().context("--system-roots")?;
        inputs.push(InputSummary {
            source: source.into(),
            role: "root-store".into(),
            certificates: loaded.certificates.len(),
            private_keys: 0,
        });
        certificates.extend(loaded.certificates);
    }
    if certificates.is_empty() {
        bail!("no certificate found in what was given: nothing to judge");
    }
    let facts = crate::engine::root_store::facts(&certificates);
    let report = crate::engine::root_store::report(facts, inputs, at);
    emit(&report, &args.output)
}

fn run_store(args: &StoreArgs) -> Result<ExitCode> {
    let at = match &args.at {
        Some(text) => parse_instant(text)?,
        None => OffsetDateTime::now_utc(),
    };
    let listing = if args.paths.is_empty() {
        crate::engine::store::snapshot(crate::engine::store::this_computer().as_ref())
    } else {
        let mut password = password_from_env(args.password_env.as_ref())?;
        let mut loaded = Vec::new();
        for path in &args.paths {
            loaded.push(load_reporting(path, &mut password)?);
        }
        let names: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        let store = crate::engine::store::files::FileStore::new(
            format!("the files given ({})", names.join(", ")),
            &loaded,
        );
        crate::engine::store::snapshot(&store)
    };
    let inputs = vec![InputSummary {
        source: listing.description.clone(),
        role: "store".into(),
        certificates: listing.certificates.len(),
        private_keys: listing
            .certificates
            .iter()
            .filter(|c| c.has_private_key)
            .count(),
    }];
    let report = crate::engine::store::report(listing, inputs, at);
    emit(&report, &args.output)
}

fn run_check(args: &CheckArgs) -> Result<ExitCode> {
    // HOST[:PORT] read as `pool` and the wizard read it (crate::input).
    let mut target = crate::input::parse_target(
        &args.host,
        args.port.unwrap_or(probe::DEFAULT_PORT),
        args.address,
    )
    .map_err(|e| anyhow::anyhow!("HOST[:PORT] {e}"))?;
    if let Some(port) = args.port
        && port != target.port
    {
        bail!(
            "{} and --port {port} name two ports; give the port once",
            args.host.trim()
        );
    }
    target.path = args.path.clone();
    target.protocol = args.protocol.choice();
    if !args.path.starts_with('/') {
        bail!("--path {}: the path must start with /", args.path);
    }
    note_path_unused(&target, &args.path);
    // --timeout bounds each network step, and each download with --fetch.
    let fetch = Some(fetch_options(args.timeout)?).filter(|_| args.fetch);
    let at = match &args.at {
        Some(text) => parse_instant(text)?,
        None => OffsetDateTime::now_utc(),
    };
    let mut password = password_from_env(args.password_env.as_ref())?;
    let mut inputs = Vec::new();
    let mut trust_anchors = Vec::new();
    trust_anchors.extend(load_anchors(&args.ca, &mut password, &mut inputs)?);
    let (mut identity, mut client_chain) = args.client.load(&mut password, &mut inputs)?;
    if let Some(thumbprint) = &args.store_cert {
        let (store_identity, anchors, chain, input) = store_identity(thumbprint)?;
        inputs.push(input);
        trust_anchors.extend(anchors);
        client_chain = chain;
        identity = Some(store_identity);
    }
    let mut local_certificate = None;
    if let Some(cert) = &args.cert {
        let loaded = load_reporting(cert, &mut password).context("--cert")?;
        inputs.push(summary(cert, "local-certificate", &loaded));
        local_certificate = loaded.certificates.first().cloned();
        if client_chain.is_empty() {
            client_chain = loaded.certificates;
        }
    }
    let request = CheckRequest {
        plan: ProbePlan {
            target,
            timeout: Duration::from_secs_f64(args.timeout),
            identity: identity.map(Arc::new),
        },
        trust_anchors,
        expected_names: args.expect_name.clone(),
        local_certificate,
        client_chain,
        at,
        inputs,
        fetch,
    };
    let cancel = CancelFlag::new();
    let (progress, printer) = terminal_progress();
    // With --fetch, our own client certificate's revocation is checked too: a server that rejects a
    // revoked certificate of ours then has its cause named.
    let own = own_certificate_request(&request);
    let (mut report, _) = check_fetching_own(&request, own.as_ref(), &cancel, &progress);
    drop(progress);
    if let Some(printer) = printer {
        let _ = printer.join();
    }
    if args.direct_routing {
        federation::add_direct_routing(&mut report, &args.ca, &request.trust_anchors)?;
    }
    emit(&report, &args.output)
}

fn run_logs(args: &LogsArgs) -> Result<ExitCode> {
    use std::io::Read as _;
    let limit = crate::engine::logs::MAX_LOG_BYTES;
    let (name, source): (String, Box<dyn std::io::Read>) = if args.input.as_os_str() == "-" {
        (
            "standard input".to_owned(),
            Box::new(std::io::stdin().lock()),
        )
    } else {
        let file = std::fs::File::open(&args.input)
            .with_context(|| format!("{}: cannot open", args.input.display()))?;
        (args.input.display().to_string(), Box::new(file))
    };
    // One byte over the cap tells a too-long input from one exactly at it, without reading it all.
    let mut bytes = Vec::new();
    source
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("{name}: cannot read"))?;
    if bytes.len() > limit {
        bail!(
            "{name}: more than {} MiB of text; paste the events around the failure instead",
            limit / (1024 * 1024)
        );
    }
    let text = crate::engine::logs::parser::decode(&bytes);
    let analysis = crate::engine::logs::analyse(&text)?;
    let findings = crate::engine::logs::judge(&analysis)?;
    let inputs = vec![InputSummary {
        source: name,
        role: "log".into(),
        certificates: 0,
        private_keys: 0,
    }];
    let report = Report::for_logs(analysis, findings, inputs, OffsetDateTime::now_utc());
    emit(&report, &args.output)
}

/// `--store-cert`: the certificate from this computer's Personal store with its store-held key, its
/// chain from the machine's stores, and the Trusted Root store as anchors.
fn store_identity(
    thumbprint: &str,
) -> Result<(
    ClientIdentity,
    Vec<SourcedCertificate>,
    Vec<SourcedCertificate>,
    InputSummary,
)> {
    use crate::engine::store::{StoreKind, StoreName, snapshot, this_computer};
    let listing = snapshot(this_computer().as_ref());
    if listing.kind != StoreKind::WindowsMachine {
        bail!(
            "--store-cert: this computer has no Windows certificate store; give the certificate as --pfx FILE (or --client-cert and --client-key)"
        );
    }
    let Some(certificate) = listing
        .find(thumbprint)
        .filter(|c| c.store == StoreName::Personal)
    else {
        bail!(
            "--store-cert {thumbprint}: no certificate with this thumbprint in the Local Machine Personal store (certwiz store lists them)"
        );
    };
    let at = OffsetDateTime::now_utc();
    let presented = match identity::from_store(&listing, certificate, &[], &[], at) {
        Ok(presented) => presented,
        Err(IdentityError::NoKey { certificate }) => bail!(
            "--store-cert {thumbprint}: the Personal store holds no private key for \"{certificate}\""
        ),
        Err(e) => bail!("--store-cert {thumbprint}: {e}"),
    };
    let mut client_chain = vec![certificate.sourced()];
    client_chain.extend(listing.intermediates());
    let input = InputSummary {
        source: format!(
            "Local Machine Personal store: {} ({})",
            certificate.display_name, certificate.thumbprint_sha1
        ),
        role: "client-certificate".into(),
        certificates: presented.chain.len(),
        private_keys: 0,
    };
    Ok((presented, listing.trust_anchors(), client_chain, input))
}

#[cfg(test)]
mod tests {
    use super::parse_instant;

    #[test]
    fn at_accepts_rfc3339_and_dates() {
        assert_eq!(
            parse_instant("2030-01-31T12:00:00Z").map(|t| t.hour()).ok(),
            Some(12)
        );
        assert_eq!(parse_instant("2030-01-31").map(|t| t.day()).ok(), Some(31));
        let err = parse_instant("yesterday").unwrap_err().to_string();
        assert!(err.starts_with("--at yesterday"), "{err}");
    }
}
