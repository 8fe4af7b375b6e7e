//! Engine tests: every certificate scenario of the foundation issue, judged through `inspect`.

mod common;

#[path = "engine/loading.rs"]
mod loading;
#[path = "engine/scenarios.rs"]
mod scenarios;
