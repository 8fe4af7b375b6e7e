//! What the report-building producers found, as plain data: the parts a [`crate::engine::report::Report`]
//! holds for `pool`, `port-owner`, `root-store` and `store`. They sit below the report and the
//! producers alike (nothing here judges or builds a report), so the report imports them without
//! reaching up into the producers that import the report. Each producer re-exports its own.

pub mod coverage;
pub mod federation;
pub mod pool;
pub mod port_owner;
pub mod root_store;
pub mod store;
