//! A practice federation partner on 127.0.0.1 for trying `certwiz federation` and the wizard's
//! "Federation partner" section by hand (and for the screenshot): two lab access edges for the SIP
//! domain `lab.test` (pool01.lab.test healthy, fe01.lab.test whose certificate lacks Client
//! Authentication), published by a stub DNS server. Writes the lab root into DIR (default: a temporary
//! folder), prints the commands, and serves for SECS seconds (default 300).
//!
//! `cargo run --example federation_lab -- [DIR] [SECS]`

use std::sync::Arc;
use std::time::Duration;

use certwiz::lab::dns::Zone;
use certwiz::lab::{LabPki, LabServer, Scenario};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = match args.next() {
        Some(d) => std::path::PathBuf::from(d),
        None => std::env::temp_dir().join("certwiz-federation-lab"),
    };
    let secs: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(300);
    std::fs::create_dir_all(&dir)?;
    let pki = Arc::new(LabPki::generate()?);
    let healthy = LabServer::start_with(Scenario::SipHealthy, Arc::clone(&pki))?;
    let no_client_auth = LabServer::start_with(Scenario::LeafWithoutClientAuth, Arc::clone(&pki))?;
    let files = healthy.write_files(&dir)?;
    let dns = Zone::default()
        .srv(
            "_sipfederationtls._tcp.lab.test",
            10,
            60,
            healthy.port(),
            "pool01.lab.test",
        )
        .srv(
            "_sipfederationtls._tcp.lab.test",
            20,
            40,
            no_client_auth.port(),
            "fe01.lab.test",
        )
        .a("pool01.lab.test")
        .a("fe01.lab.test")
        .start()?;
    println!("DNS server: {}", dns.arg());
    println!("Lab root:   {}", files.root.display());
    // Our Edge's certificate goes with both: the healthy edge answers SIP only over mutual TLS.
    println!(
        "Try: certwiz federation lab.test --dns-server {} --ca {} --client-cert {} --client-key {}",
        dns.arg(),
        files.root.display(),
        files.client_cert.display(),
        files.client_key.display()
    );
    println!(
        "Or:  certwiz gui --load {} --load {} --load {}   (step 9, Federation partner: lab.test, DNS server {})",
        files.root.display(),
        files.client_cert.display(),
        files.client_key.display(),
        dns.arg()
    );
    std::thread::sleep(Duration::from_secs(secs));
    Ok(())
}
