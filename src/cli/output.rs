//! What every command shares: the output options and writing a report (`--format`, `--output`,
//! `--redact`, `--full`), reading inputs with their passwords, trust anchors, timeouts and instants,
//! and progress lines on a terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::engine::identity;
use crate::engine::load::SourcedCertificate;
use crate::engine::load::{LoadError, Loaded, Password, load_path, load_system_roots};
use crate::engine::probe::ClientIdentity;
use crate::engine::probe::{ProbeEvent, Progress};
use crate::engine::report::{InputSummary, Redactor, Report};
use crate::render::{Format, render};

/// Exit code: ran, no failures.
pub const EXIT_OK: u8 = 0;
/// Exit code: ran, at least one `fail` finding.
pub const EXIT_FAILURES: u8 = 1;
/// Exit code: bad usage or unreadable input.
pub const EXIT_BAD_INPUT: u8 = 2;

/// Where and how a command's report goes; the same flags on every command.
#[derive(Debug, Args, Default)]
pub(super) struct OutputArgs {
    /// Output JSON (same as --format json).
    #[arg(long)]
    pub(super) json: bool,
    /// Output format: text (default), json (the machine form, opened again by `certwiz open`),
    /// markdown (for a ticket or a chat) or html (one self-contained page). With --output and no
    /// --format, the file's extension decides (.json, .md, .html).
    #[arg(long, value_enum)]
    pub(super) format: Option<Format>,
    /// Text: the whole report instead of the one-screen summary (verdict, problems with their fix,
    /// commands). The other formats always hold the whole report.
    #[arg(long)]
    pub(super) full: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub(super) output: Option<PathBuf>,
    /// Mask host names, IP addresses, serial numbers and thumbprints with consistent pseudonyms
    /// (host-1.example, 192.0.2.1, serial-1, thumbprint-1), for screen-sharing or sending the report
    /// outside the company. Verdicts and findings stay the same.
    #[arg(long)]
    pub(super) redact: bool,
}

impl OutputArgs {
    /// Refuses output options that contradict each other or that certwiz cannot honour, before any
    /// work is done: `--json` with another `--format`, an `--output` file whose extension names no
    /// format certwiz writes (without `--format`), `--full` with a format that is always whole.
    pub(super) fn validate(&self) -> Result<()> {
        if let (true, Some(format)) = (self.json, self.format)
            && format != Format::Json
        {
            bail!(
                "--json and --format {} contradict each other: --json is --format json; give one",
                format.name().to_lowercase()
            );
        }
        if let (Some(path), None, false) = (&self.output, self.format, self.json)
            && Format::from_extension(path).is_none()
        {
            bail!(
                "--output {}: certwiz writes .txt, .json, .md or .html reports; name the file with one of \
                 these extensions, or add --format text|json|markdown|html",
                path.display()
            );
        }
        if self.full && self.format() != Format::Text {
            bail!(
                "--full is for text output (the other formats always hold the whole report); leave it out \
                 or use --format text"
            );
        }
        Ok(())
    }

    /// The format asked for: --json, --format, the --output file's extension, else text.
    pub(super) fn format(&self) -> Format {
        if self.json {
            return Format::Json;
        }
        if let Some(format) = self.format {
            return format;
        }
        self.output
            .as_deref()
            .and_then(Format::from_extension)
            .unwrap_or(Format::Text)
    }
}

/// The operating system's trust store (`--system-roots`), noted in `inputs` with `role`.
pub(super) fn system_roots(
    role: &str,
    inputs: &mut Vec<InputSummary>,
) -> Result<Vec<SourcedCertificate>> {
    let loaded = load_system_roots().context("--system-roots")?;
    inputs.push(InputSummary {
        source: "system trust store".into(),
        role: role.into(),
        certificates: loaded.certificates.len(),
        private_keys: 0,
    });
    Ok(loaded.certificates)
}

/// The fetch bounds for `--timeout SECS`.
pub(super) fn fetch_options(timeout: f64) -> Result<crate::engine::revocation::FetchOptions> {
    Ok(crate::engine::revocation::FetchOptions {
        timeout: timeout_secs(timeout)?,
        ..Default::default()
    })
}

/// `--timeout SECS`, between 0 and 600 seconds.
pub(super) fn timeout_secs(timeout: f64) -> Result<Duration> {
    if !(timeout.is_finite() && timeout > 0.0 && timeout <= 600.0) {
        bail!("--timeout {timeout}: give a number of seconds between 0 and 600");
    }
    Ok(Duration::from_secs_f64(timeout))
}

/// The `--ca` files: trust anchors, each noted in `inputs`.
pub(super) fn load_anchors(
    files: &[PathBuf],
    password: &mut Option<Password>,
    inputs: &mut Vec<InputSummary>,
) -> Result<Vec<SourcedCertificate>> {
    let mut anchors = Vec::new();
    for file in files {
        let loaded = load_reporting(file, password).context("--ca")?;
        inputs.push(summary(file, "trust-anchor", &loaded));
        anchors.extend(loaded.certificates);
    }
    Ok(anchors)
}

/// Reads a password from the environment variable named by `--password-env`.
pub(super) fn password_from_env(var: Option<&String>) -> Result<Option<Password>> {
    match var {
        Some(var) => Ok(Some(Password::new(std::env::var(var).with_context(
            || format!("--password-env {var}: the environment variable is not set"),
        )?))),
        None => Ok(None),
    }
}

/// Progress lines on stderr when it is a terminal (never in pipes, tests or JSON consumers' logs).
pub(super) fn terminal_progress() -> (Progress, Option<std::thread::JoinHandle<()>>) {
    if !std::io::stderr().is_terminal() {
        return (Progress::none(), None);
    }
    let (tx, rx) = std::sync::mpsc::channel::<ProbeEvent>();
    let printer = std::thread::spawn(move || {
        for event in rx {
            match event {
                ProbeEvent::Started { step } => eprintln!("… {}", step.label()),
                ProbeEvent::Contacting { urls, .. } => {
                    for url in urls {
                        eprintln!("  contacting {url}");
                    }
                }
                ProbeEvent::Finished {
                    step,
                    summary,
                    elapsed_ms,
                } => {
                    eprintln!("  {}: {summary} ({elapsed_ms} ms)", step.label());
                }
            }
        }
    });
    (Progress::new(tx, None), Some(printer))
}

/// Renders `report` as asked (masked with --redact) to standard output or the --output file; the
/// exit code says whether it holds a failure.
pub(super) fn emit(report: &Report, output: &OutputArgs) -> Result<ExitCode> {
    let masked;
    let report = if output.redact {
        masked = Redactor::for_report(report).report(report);
        &masked
    } else {
        report
    };
    let format = output.format();
    let text = if format == Format::Text && !output.full {
        crate::render::summary::render_summary(report)
    } else {
        render(report, format).context("cannot encode the report as JSON")?
    };
    let code = ExitCode::from(if report.has_failures() {
        EXIT_FAILURES
    } else {
        EXIT_OK
    });
    if let Some(path) = &output.output {
        std::fs::write(path, text.as_bytes())
            .with_context(|| format!("--output {}: cannot write the report", path.display()))?;
        eprintln!(
            "certwiz: {} report written to {} ({} {})",
            format.name(),
            path.display(),
            report.verdict.status.symbol(),
            report.verdict.summary
        );
        return Ok(code);
    }
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`certwiz ... | head`) is not an error worth a message.
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return Ok(ExitCode::from(EXIT_BAD_INPUT));
    }
    Ok(code)
}

pub(super) fn summary(file: &Path, role: &str, loaded: &Loaded) -> InputSummary {
    InputSummary {
        source: file.display().to_string(),
        role: role.to_owned(),
        certificates: loaded.certificates.len(),
        private_keys: loaded.keys.len(),
    }
}

/// Loads one file or folder; asks for a PFX password on a terminal when one is needed; reports
/// skipped files of a folder on stderr.
pub(super) fn load_reporting(file: &Path, password: &mut Option<Password>) -> Result<Loaded> {
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
pub(super) fn parse_instant(text: &str) -> Result<OffsetDateTime> {
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

/// The client certificate to present for mutual TLS, as files: `check` and `federation` share it.
#[derive(Debug, Args)]
pub(super) struct ClientArgs {
    /// Client certificate (PEM/DER, may include its intermediates) for mutual TLS.
    #[arg(
        long,
        value_name = "FILE",
        requires = "client_key",
        conflicts_with = "pfx"
    )]
    pub(super) client_cert: Option<PathBuf>,
    /// Private key of --client-cert (PEM: PKCS#8, RSA or EC).
    #[arg(long, value_name = "FILE", requires = "client_cert")]
    pub(super) client_key: Option<PathBuf>,
    /// Client certificate and key as a PFX / PKCS#12 file.
    #[arg(long, value_name = "FILE")]
    pub(super) pfx: Option<PathBuf>,
}

impl ClientArgs {
    /// Loads the identity to present and the certificates that came with it (its chain), noting each
    /// file in `inputs`. `(None, [])` when none was given.
    pub(super) fn load(
        &self,
        password: &mut Option<Password>,
        inputs: &mut Vec<InputSummary>,
    ) -> Result<(Option<ClientIdentity>, Vec<SourcedCertificate>)> {
        if let Some(pfx) = &self.pfx {
            let mut loaded = load_reporting(pfx, password).context("--pfx")?;
            inputs.push(summary(pfx, "client-certificate", &loaded));
            let Some(key) = loaded.keys.pop() else {
                bail!(
                    "--pfx {}: the PFX holds no private key; export it again with \"Yes, export the private key\"",
                    pfx.display()
                );
            };
            let identity = identity::from_files(&loaded.certificates, key).with_context(|| {
                format!(
                    "--pfx {}: the PFX holds no certificate to present, only a self-signed root",
                    pfx.display()
                )
            })?;
            return Ok((Some(identity), loaded.certificates));
        }
        let (Some(cert), Some(key_file)) = (&self.client_cert, &self.client_key) else {
            return Ok((None, Vec::new()));
        };
        let loaded = load_reporting(cert, password).context("--client-cert")?;
        inputs.push(summary(cert, "client-certificate", &loaded));
        let mut keys = load_reporting(key_file, password).context("--client-key")?;
        let Some(key) = keys.keys.pop() else {
            bail!(
                "--client-key {}: no private key found in the file",
                key_file.display()
            );
        };
        if loaded.certificates.is_empty() {
            bail!(
                "--client-cert {}: no certificate found in the file",
                cert.display()
            );
        }
        let identity = identity::from_files(&loaded.certificates, key).with_context(|| {
            format!(
                "--client-cert {}: no certificate to present, only a self-signed root",
                cert.display()
            )
        })?;
        Ok((Some(identity), loaded.certificates))
    }
}
