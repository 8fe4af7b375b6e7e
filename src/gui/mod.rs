//! The guided wizard: certwiz's desktop GUI (egui/eframe). Views are `*_ui` functions over the plain
//! [`wizard::Wizard`] state; slow work runs in [`tasks`]; colours and sizes come from [`tokens`].

pub mod app;
pub mod session;
pub mod tasks;
pub mod tokens;
pub mod views;
pub mod wizard;

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

    fn eframe(self) -> eframe::Renderer {
        match self {
            Renderer::Glow => eframe::Renderer::Glow,
            Renderer::Wgpu => eframe::Renderer::Wgpu,
        }
    }
}

/// Opens the window and runs until it is closed. `renderer` is tried first (default: the platform's);
/// if it cannot start, the other one is tried and the status line says so.
pub fn run(start: StartOptions, renderer: Option<Renderer>) -> Result<(), String> {
    let first = renderer.unwrap_or_else(Renderer::platform_default);
    let no_window = |e: &dyn std::fmt::Display| {
        format!(
            "cannot open a window ({e}). On a machine without a display, use the commands instead: \
             certwiz check HOST, certwiz inspect FILE (certwiz --help lists them)."
        )
    };
    match run_with(start.clone(), first) {
        Ok(()) => Ok(()),
        // No display at all (or the app failed, not the renderer): another renderer cannot help, and
        // the event loop cannot be made twice in one process.
        Err(e @ (eframe::Error::WinitEventLoop(_) | eframe::Error::AppCreation(_))) => {
            Err(no_window(&e))
        }
        Err(first_error) => {
            let first_error = renderer_error(&first_error);
            let second = first.other();
            let notice = format!(
                "Drawing with {}: the {} renderer could not start ({first_error}).",
                second.name(),
                first.name()
            );
            eprintln!("certwiz: {notice}");
            let start = StartOptions {
                notice: Some(notice),
                ..start
            };
            run_with(start, second).map_err(|second_error| {
                format!(
                    "cannot open a window: neither renderer could start ({}: {first_error}; {}: {}). \
                     Updating the graphics driver may help; meanwhile the commands work without a \
                     window: certwiz check HOST, certwiz inspect FILE (certwiz --help lists them).",
                    first.name(),
                    second.name(),
                    renderer_error(&second_error)
                )
            })
        }
    }
}

/// A renderer's start-up error in one readable line (glutin's errors carry a whole config dump).
fn renderer_error(error: &eframe::Error) -> String {
    let text = match error {
        eframe::Error::NoGlutinConfigs(_, reason) => {
            format!("no OpenGL configuration fits this display ({reason})")
        }
        other => other.to_string(),
    };
    const MAX: usize = 240;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn run_with(start: StartOptions, renderer: Renderer) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("certwiz: conferencing certificate troubleshooter")
            .with_inner_size([1280.0, 860.0])
            .with_min_inner_size([900.0, 600.0]),
        renderer: renderer.eframe(),
        ..Default::default()
    };
    eframe::run_native(
        "certwiz",
        options,
        Box::new(move |cc| {
            // The last target comes back unless the command line names one.
            let remembered: Option<wizard::TargetInput> = cc
                .storage
                .and_then(|s| eframe::get_value(s, app::TARGET_KEY));
            let mut app = app::CertwizApp::with_start(start, remembered);
            app.set_renderer(renderer);
            Ok(Box::new(app))
        }),
    )
}
