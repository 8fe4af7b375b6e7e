//! `certwiz check` against the in-process lab: every scenario diagnosed, by finding IDs and exit code.

mod common;

#[path = "check/federation.rs"]
mod federation;
#[path = "check/fix_values.rs"]
mod fix_values;
#[path = "check/hostile.rs"]
mod hostile;
#[path = "check/lab_scenarios.rs"]
mod lab_scenarios;
#[path = "check/lab_sip.rs"]
mod lab_sip;
#[path = "check/legacy_lab.rs"]
mod legacy_lab;
#[path = "check/pool.rs"]
mod pool;
#[path = "check/port_owner.rs"]
mod port_owner;
#[path = "check/probe_engine.rs"]
mod probe_engine;
#[path = "check/real_servers.rs"]
mod real_servers;
#[path = "check/real_sip.rs"]
mod real_sip;
#[path = "check/redaction.rs"]
mod redaction;
#[path = "check/rejection_cause.rs"]
mod rejection_cause;
#[path = "check/reports.rs"]
mod reports;
#[path = "check/revocation.rs"]
mod revocation;
#[path = "check/store_key.rs"]
mod store_key;
#[path = "check/summary.rs"]
mod summary;
