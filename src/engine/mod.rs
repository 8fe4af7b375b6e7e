//! The certwiz engine: everything that reads, checks and decides. It never imports a GUI toolkit and
//! never prints; the CLI and the GUI render what it returns.
//!
//! Data flows one way:
//! [`load`] (files, folders, stores → DER + keys) → [`cert`] (facts per certificate) →
//! [`path`] (candidate pool → [`path::CertificationPath`]) → [`purpose`] / [`names`] (facts across the
//! path) → [`rules`] (facts → [`finding::Finding`]s) → [`report::Report`] (what every output is made of).
//! [`inspect`] runs that pipeline for local certificates.
//! [`pool`] probes every front end of a pool at once and decides, for each ordered pair, whether one
//! would accept the other's certificate in mutual TLS (the pool trust matrix).

pub mod cert;
pub mod check;
pub mod finding;
pub mod fixes;
#[cfg(windows)]
pub mod http_sys;
pub mod inspect;
pub mod load;
pub mod logs;
pub mod names;
pub mod path;
pub mod path_rules;
pub mod pool;
pub mod port_owner;
pub mod probe;
pub mod purpose;
pub mod report;
pub mod revocation;
pub mod root_store;
pub mod rules;
pub mod signature;
pub mod store;
