//! The certwiz engine: everything that reads, checks and decides. It never imports a GUI toolkit and
//! never prints; the CLI and the GUI render what it returns (through `crate::render`).
//!
//! Data flows one way, and imports only point down this list:
//! - facts: [`load`] (files, folders, stores → DER + keys) → [`cert`] (facts per certificate) →
//!   [`path`] (candidate pool → [`path::CertificationPath`]); [`probe`] (the network: what answers,
//!   what it presents, mutual TLS, the HTTPS answer); [`revocation`], [`logs`], [`purpose`],
//!   [`names`]; [`facts`] (what the report-building producers found, as plain data);
//! - plumbing they share: [`finding`] (the one `Finding` model and its ids), [`fixes`] (the copyable
//!   commands), [`progress`] (cancel, progress events, the journal of timed steps), [`ports`];
//! - judgement: every `facts → findings` function is called `judge` ([`rules::judge_path`],
//!   [`check::judge`], [`revocation::judge`], [`pool::judge`], [`store::judge`],
//!   [`root_store::judge`], [`port_owner::judge`]) and is pure;
//! - [`report::Report`]: what every output is made of, plain data;
//! - producers, each building its own report: [`check`] (a live server), [`inspect`] (local
//!   files), [`pool`] (every front end at once), [`store`], [`port_owner`], [`root_store`];
//! - [`identity`]: which client certificate, key and chain are presented (CLI and GUI share it).

pub mod catalogue;
pub mod cert;
pub mod check;
pub mod facts;
pub mod federation;
pub mod finding;
pub mod fixes;
#[cfg(windows)]
pub mod http_sys;
pub mod identity;
pub mod inspect;
pub mod load;
pub mod logs;
pub mod names;
pub mod path;
pub mod path_rules;
pub mod pool;
pub mod port_owner;
pub mod ports;
pub mod probe;
pub mod progress;
pub mod public_ca;
pub mod purpose;
pub mod report;
pub mod revocation;
pub mod role;
pub mod root_store;
pub mod rules;
pub mod signature;
pub mod sip_rules;
pub mod store;
