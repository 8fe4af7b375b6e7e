//! Engine tests: every certificate scenario of the foundation issue, judged through `inspect`.

mod common;

#[path = "engine/loading.rs"]
mod loading;
#[path = "engine/public_ca.rs"]
mod public_ca;
#[path = "engine/root_store.rs"]
mod root_store;
#[path = "engine/scenarios.rs"]
mod scenarios;
#[path = "engine/store.rs"]
mod store;
#[path = "engine/strict_path.rs"]
mod strict_path;
