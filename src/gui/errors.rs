//! Why background work in the window brought no result: small typed errors over the engine's own, so
//! that each is handled once and the text the user reads is made in one place.

use crate::engine::load::LoadError;

/// Why step 7's Trusted Root store brought no report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RootStoreError {
    /// The store could not be read (no store on this system, access denied, a bad certificate).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The reading thread ended without an answer (a panic in a library).
    #[error("the reading stopped unexpectedly")]
    Stopped,
}
