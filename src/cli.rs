//! The command line: clap definitions, input loading, and rendering of the engine's [`Report`].
//!
//! Exit codes (the contract): 0 ran with no `fail` finding, 1 ran with at least one, 2 bad usage or
//! unreadable input.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::engine::inspect::{InspectRequest, inspect};
use crate::engine::load::{LoadError, Loaded, Password, load_path, load_system_roots};
use crate::engine::report::{InputSummary, Report, render_text};

/// Exit code: ran, no failures.
pub const EXIT_OK: u8 = 0;
/// Exit code: ran, at least one `fail` finding.
pub const EXIT_FAILURES: u8 = 1;
/// Exit code: bad usage or unreadable input.
pub const EXIT_BAD_INPUT: u8 = 2;

/// certwiz: find out why certificates and mutual TLS fail between conferencing servers.
#[derive(Debug, Parser)]
#[command(name = "certwiz", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read local certificate files, build the certification path and check trust, purposes and names.
    Inspect(InspectArgs),
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Human-readable text (the default).
    Text,
    /// One JSON object (the contract's machine form).
    Json,
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
    /// Output JSON (same as --format json).
    #[arg(long)]
    json: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
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
    match cli.command {
        Some(Command::Inspect(args)) => run_inspect(&args),
        None => {
            // The guided GUI wizard is its own piece of work; until it lands, point at the CLI.
            let mut help = <Cli as clap::CommandFactory>::command();
            let _ = help.print_help();
            println!(
                "\nThe guided GUI wizard is not part of this build yet; use `certwiz inspect`."
            );
            Ok(ExitCode::from(EXIT_OK))
        }
    }
}

fn run_inspect(args: &InspectArgs) -> Result<ExitCode> {
    let at = match &args.at {
        Some(text) => parse_instant(text)?,
        None => OffsetDateTime::now_utc(),
    };
    let mut password = match &args.password_env {
        Some(var) => Some(Password::new(std::env::var(var).with_context(|| {
            format!("--password-env {var}: the environment variable is not set")
        })?)),
        None => None,
    };
    let mut certificates = Vec::new();
    let mut trust_anchors = Vec::new();
    let mut inputs = Vec::new();
    for file in &args.files {
        let loaded = load_reporting(file, &mut password)?;
        inputs.push(summary(file, "certificate", &loaded));
        certificates.extend(loaded.certificates);
    }
    for file in &args.ca {
        let loaded = load_reporting(file, &mut password).context("--ca")?;
        inputs.push(summary(file, "trust-anchor", &loaded));
        trust_anchors.extend(loaded.certificates);
    }
    if args.system_roots {
        let loaded = load_system_roots().context("--system-roots")?;
        inputs.push(InputSummary {
            source: "system trust store".into(),
            role: "trust-anchor".into(),
            certificates: loaded.certificates.len(),
            private_keys: 0,
        });
        trust_anchors.extend(loaded.certificates);
    }
    let report = inspect(&InspectRequest {
        certificates,
        trust_anchors,
        expected_names: args.expect_name.clone(),
        at,
        inputs,
    })?;
    let format = if args.json { Format::Json } else { args.format };
    emit(&report, format)
}

fn emit(report: &Report, format: Format) -> Result<ExitCode> {
    let text = match format {
        Format::Json => report
            .to_json()
            .context("cannot encode the report as JSON")?,
        Format::Text => render_text(report),
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`certwiz ... | head`) is not an error worth a message.
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    Ok(ExitCode::from(if report.has_failures() {
        EXIT_FAILURES
    } else {
        EXIT_OK
    }))
}

fn summary(file: &Path, role: &str, loaded: &Loaded) -> InputSummary {
    InputSummary {
        source: file.display().to_string(),
        role: role.to_owned(),
        certificates: loaded.certificates.len(),
        private_keys: loaded.keys.len(),
    }
}

/// Loads one file or folder; asks for a PFX password on a terminal when one is needed; reports
/// skipped files of a folder on stderr.
fn load_reporting(file: &Path, password: &mut Option<Password>) -> Result<Loaded> {
    let mut attempts = 0;
    loop {
        match load_path(file, password.as_ref()) {
            Ok(loaded) => {
                for skipped in &loaded.skipped {
                    eprintln!("certwiz: skipped {skipped}");
                }
                return Ok(loaded);
            }
            Err(err) if err.wants_password() && attempts < 3 && std::io::stdin().is_terminal() => {
                attempts += 1;
                if matches!(err, LoadError::WrongPassword { .. }) {
                    eprintln!("certwiz: {err}");
                }
                let entered =
                    rpassword::prompt_password(format!("Password for {}: ", file.display()))
                        .with_context(|| {
                            format!(
                                "{}: cannot read the password from the terminal",
                                file.display()
                            )
                        })?;
                *password = Some(Password::new(entered));
            }
            Err(err) => return Err(err.into()),
        }
    }
}

/// Parses `--at`: RFC 3339, or a plain date meaning midnight UTC.
fn parse_instant(text: &str) -> Result<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(t);
    }
    let date_only = format!("{text}T00:00:00Z");
    match OffsetDateTime::parse(&date_only, &Rfc3339) {
        Ok(t) => Ok(t),
        Err(_) => {
            bail!("--at {text}: not an RFC 3339 time (example: 2030-01-31T12:00:00Z or 2030-01-31)")
        }
    }
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
