//! `certwiz lab`: the practice servers, one scenario or the practice pool, with the command to run
//! against them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use crate::lab::{LAB_HOST, LabServer, Scenario};

#[derive(Debug, Args)]
pub(super) struct LabArgs {
    /// The scenario to play: healthy, impostor-web-site, issuing-server-auth-only, leaf-without-client-auth,
    /// expired-leaf, missing-intermediate, name-mismatch, untrusted-root, foreign-ca-list,
    /// revoked-certificate, crl-offline, closed-port, silent-listener, plain-http, endless-body,
    /// reset-after-client-hello, trickle, tls10-only, http-layer-front-end, iis-rejects-certificate,
    /// sip-healthy, sip-forbidden, sip-no-client-certificate (SIP over TLS: check with --protocol sip);
    /// or `pool`: three front ends of one pool, one of
    /// them renewed from a new CA whose root only it trusts (for `certwiz pool`).
    #[arg(value_parser = parse_lab_choice)]
    pub(super) scenario: LabChoice,
    /// Folder for the lab's certificate files (root, client certificate and key). Default: a new
    /// temporary folder.
    #[arg(long, value_name = "DIR")]
    pub(super) dir: Option<PathBuf>,
}

/// What `certwiz lab` starts: one scenario's server, or the practice pool.
#[derive(Debug, Clone, Copy)]
pub(super) enum LabChoice {
    One(Scenario),
    Pool,
}

pub(super) fn parse_lab_choice(name: &str) -> Result<LabChoice, String> {
    if name == "pool" {
        return Ok(LabChoice::Pool);
    }
    parse_scenario(name)
        .map(LabChoice::One)
        .map_err(|e| format!("{e}, or pool"))
}

pub(super) fn parse_scenario(name: &str) -> Result<Scenario, String> {
    Scenario::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Scenario::ALL.iter().map(|s| s.name()).collect();
        format!("unknown scenario; choose one of: {}", names.join(", "))
    })
}

pub(super) fn run_lab(args: &LabArgs) -> Result<ExitCode> {
    let dir = match &args.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("--dir {}: cannot create the folder", dir.display()))?;
            dir.clone()
        }
        None => {
            let dir = std::env::temp_dir().join(format!("certwiz-lab-{}", std::process::id()));
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
            dir
        }
    };
    let scenario = match args.scenario {
        LabChoice::One(scenario) => scenario,
        LabChoice::Pool => return run_lab_pool(&dir),
    };
    let server = LabServer::start(scenario)?;
    let files = server.write_files(&dir)?;
    // A reader that goes away (a closed pipe) must not stop the lab: the server keeps serving.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "certwiz lab: {} on 127.0.0.1:{}",
        scenario.description(),
        server.port()
    );
    let _ = writeln!(out, "Files in {}", dir.display());
    let _ = writeln!(
        out,
        "The lab's CAs publish their certificates and CRLs at {}",
        server.pki.pki_url
    );
    let _ = writeln!(out, "Check it with (add --fetch to check revocation):");
    let fetch = if matches!(
        scenario,
        Scenario::RevokedCertificate | Scenario::CrlOffline
    ) {
        " --fetch"
    } else {
        ""
    };
    let protocol = if scenario.protocol() == crate::engine::ports::ProtocolChoice::Sip {
        " --protocol sip"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "  certwiz check {LAB_HOST} --address 127.0.0.1 --port {}{protocol} --ca {} --client-cert {} --client-key {}{fetch}",
        server.port(),
        files.root.display(),
        files.client_cert.display(),
        files.client_key.display()
    );
    let _ = writeln!(out, "Press Ctrl+C to stop.");
    let _ = out.flush();
    drop(out);
    loop {
        std::thread::park();
    }
}

/// `certwiz lab pool`: the practice pool, with the `certwiz pool` command to run against it.
pub(super) fn run_lab_pool(dir: &Path) -> Result<ExitCode> {
    let pool = crate::lab::PracticePool::start()?;
    let old_root = dir.join("lab-root.pem");
    let new_root = dir.join("lab-new-root.pem");
    for (path, pem) in [
        (&old_root, &pool.pki.root_pem),
        (&new_root, &pool.pki.new_root_pem),
    ] {
        std::fs::write(path, pem).with_context(|| format!("{}: cannot write", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "certwiz lab pool: three front ends of one pool on 127.0.0.1. fe03 was renewed from the new CA,"
    );
    let _ = writeln!(
        out,
        "whose root was installed on fe03 only: fe03 accepts fe01 and fe02, they reject fe03."
    );
    for (host, server) in &pool.members {
        let _ = writeln!(out, "  {host} on 127.0.0.1:{}", server.port());
    }
    let _ = writeln!(out, "Roots (the pool's trust anchors) in {}", dir.display());
    let members: Vec<String> = pool
        .members
        .iter()
        .map(|(host, server)| format!("{host}:{}", server.port()))
        .collect();
    let _ = writeln!(out, "Check it with:");
    let _ = writeln!(
        out,
        "  certwiz pool {} --address 127.0.0.1 --ca {} --ca {}",
        members.join(" "),
        old_root.display(),
        new_root.display()
    );
    let _ = writeln!(out, "Press Ctrl+C to stop.");
    let _ = out.flush();
    drop(out);
    loop {
        std::thread::park();
    }
}
