//! How the window starts: what the command line fills in, which renderer draws, and when the program
//! was launched (for the launch-to-first-frame figure). Below the app, which reads all three.

static LAUNCHED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Marks the moment the program started (called first thing in `main`), for the launch-to-first-frame
/// figure.
pub fn mark_launch() {
    LAUNCHED.get_or_init(std::time::Instant::now);
}

/// Time since [`mark_launch`].
pub fn since_launch() -> std::time::Duration {
    LAUNCHED.get_or_init(std::time::Instant::now).elapsed()
}

/// What to fill in when the window opens (`certwiz gui HOST --port ... --run`).
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// A note for the status line (e.g. that the first renderer could not start).
    pub notice: Option<String>,
    /// Server FQDN.
    pub server_fqdn: Option<String>,
    /// Port.
    pub port: Option<u16>,
    /// Path.
    pub path: Option<String>,
    /// Connect address.
    pub address: Option<std::net::IpAddr>,
    /// Start Run all checks at once.
    pub run: bool,
    /// Certificate files to load into step 3.
    pub files: Vec<std::path::PathBuf>,
    /// Password for PFX files among them.
    pub password: Option<crate::engine::load::Password>,
    /// Start the practice lab with this scenario (`--lab`).
    pub lab: Option<crate::lab::Scenario>,
    /// Start the practice pool and show step 9 (`--lab pool`; with `run`, check it at once).
    pub practice_pool: bool,
    /// A saved report to show read-only (`certwiz open`), with the file it came from.
    pub open: Option<(crate::engine::report::Report, String)>,
    /// Start with host names, addresses, serials and thumbprints masked (`--redact`).
    pub redact: bool,
    /// Event log text to paste into step 1 (`--log FILE`).
    pub log_text: Option<String>,
}

/// The two eframe renderers certwiz is built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    /// OpenGL 2+ through glow: light, but Windows Server VMs often have only OpenGL 1.1.
    Glow,
    /// wgpu: DX12 on Windows (with the WARP software adapter), Vulkan or OpenGL elsewhere.
    Wgpu,
}

impl Renderer {
    /// What starts where admins are: wgpu (DX12/WARP) on Windows, glow elsewhere.
    pub fn platform_default() -> Renderer {
        if cfg!(windows) {
            Renderer::Wgpu
        } else {
            Renderer::Glow
        }
    }

    /// The fallback.
    pub fn other(self) -> Renderer {
        match self {
            Renderer::Glow => Renderer::Wgpu,
            Renderer::Wgpu => Renderer::Glow,
        }
    }

    /// Its name, as `--renderer` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Renderer::Glow => "glow",
            Renderer::Wgpu => "wgpu",
        }
    }

    pub(crate) fn eframe(self) -> eframe::Renderer {
        match self {
            Renderer::Glow => eframe::Renderer::Glow,
            Renderer::Wgpu => eframe::Renderer::Wgpu,
        }
    }
}
