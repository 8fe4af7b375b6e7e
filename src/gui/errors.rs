//! Why the window, or background work in it, brought no result: small typed errors over the engine's own, so
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

/// Why the window could not open (the command line prints it and the commands still work).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WindowError {
    /// No display at all, or the app failed rather than the renderer: another renderer cannot help.
    #[error(
        "cannot open a window ({reason}). On a machine without a display, use the commands instead: \
         certwiz check HOST, certwiz inspect FILE (certwiz --help lists them)."
    )]
    NoDisplay {
        /// What eframe said.
        reason: String,
    },
    /// Neither renderer could start.
    #[error(
        "cannot open a window: neither renderer could start ({first}: {first_reason}; {second}: \
         {second_reason}). Updating the graphics driver may help; meanwhile the commands work without \
         a window: certwiz check HOST, certwiz inspect FILE (certwiz --help lists them)."
    )]
    NoRenderer {
        /// The renderer tried first.
        first: &'static str,
        /// Why it could not start, in one line.
        first_reason: String,
        /// The fallback.
        second: &'static str,
        /// Why it could not start either, in one line.
        second_reason: String,
    },
}

/// `text` without the library source locations some errors carry (winit: "os error at
/// /root/.cargo/registry/src/.../mod.rs:765: ..."): an internal path tells the user nothing.
pub fn without_source_paths(text: &str) -> String {
    text.split(' ')
        .filter(|word| {
            let w = word.trim_end_matches(':');
            let is_location = w.contains(".rs:")
                && w.rsplit(':')
                    .next()
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            !is_location
        })
        .collect::<Vec<_>>()
        .join(" ")
        .replace("os error at ", "")
        .replace(" at :", ":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_locations_are_left_out() {
        let raw = "os error at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/winit-0.30.13/src/platform_impl/linux/mod.rs:765: neither WAYLAND_DISPLAY nor WAYLAND_SOCKET nor DISPLAY is set.";
        let clean = without_source_paths(raw);
        assert!(
            !clean.contains(".rs") && !clean.contains("/root"),
            "{clean}"
        );
        assert!(
            clean.contains("neither WAYLAND_DISPLAY nor WAYLAND_SOCKET nor DISPLAY is set."),
            "{clean}"
        );
    }

    #[test]
    fn the_texts_the_user_reads_are_the_ones_certwiz_always_printed() {
        let no_display = WindowError::NoDisplay {
            reason: "no display".into(),
        };
        assert_eq!(
            no_display.to_string(),
            "cannot open a window (no display). On a machine without a display, use the commands \
             instead: certwiz check HOST, certwiz inspect FILE (certwiz --help lists them)."
        );
        let no_renderer = WindowError::NoRenderer {
            first: "glow",
            first_reason: "OpenGL 1.1".into(),
            second: "wgpu",
            second_reason: "no adapter".into(),
        };
        assert_eq!(
            no_renderer.to_string(),
            "cannot open a window: neither renderer could start (glow: OpenGL 1.1; wgpu: no adapter). \
             Updating the graphics driver may help; meanwhile the commands work without a window: \
             certwiz check HOST, certwiz inspect FILE (certwiz --help lists them)."
        );
        assert_eq!(
            format!(
                "The Trusted Root store could not be read: {}",
                RootStoreError::Stopped
            ),
            "The Trusted Root store could not be read: the reading stopped unexpectedly"
        );
    }
}
