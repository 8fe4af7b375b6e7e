//! The conferencing ports: which port a check goes to by default, where the servers must ask for a
//! client certificate. Plain constants, imported by the probe, the judges and the fix catalogue alike
//! (so the fix catalogue does not reach up into the probe for a port number).

use std::time::Duration;

/// The conferencing port (MCU Factory, Focus, ...).
pub const DEFAULT_PORT: u16 = 444;
/// The OCS 2007 MCU Factory path.
pub const DEFAULT_PATH: &str = "/LiveServer/MCUFactory/";
/// Default bound of each network step.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Ports where the server must ask for a client certificate (mutual TLS): 444 (HTTPS between front
/// ends), 5061-5065 (SIP over mutual TLS), 8057 (Web Conferencing).
pub const MTLS_PORTS: [u16; 6] = [444, 5061, 5062, 5063, 5065, 8057];
