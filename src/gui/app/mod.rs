//! The eframe app: the window's own state (what it owns besides the wizard: the background jobs, the
//! practice servers, frame statistics), split like rerun's viewer app: [`ui`] draws the panels and
//! collects messages, [`logic`] applies them (the wizard's, or the window's own: dialogs, saving,
//! the practice servers), [`jobs`] starts background work and takes its answers.

use crate::gui::tasks::BackgroundJobs;
use crate::gui::wizard::{Step, Wizard};
use crate::lab::LabServer;

mod jobs;
mod logic;
mod scroll;
mod ui;

/// Storage key of the remembered target.
pub const TARGET_KEY: &str = "certwiz.target";

/// The certwiz window.
#[derive(Default)]
pub struct CertwizApp {
    /// The wizard's state.
    pub wizard: Wizard,
    /// Everything running in the background.
    jobs: BackgroundJobs,
    lab: Option<LabServer>,
    practice_pool: Option<crate::lab::PracticePool>,
    run_pool_on_start: bool,
    styled: bool,
    run_on_start: bool,
    /// `--log`: read the pasted text in the first frame.
    read_log_on_start: bool,
    started: Option<std::time::Instant>,
    title: String,
    renderer: Option<crate::gui::start::Renderer>,
    /// Set when the first renderer could not start: shown in the status bar for the whole session.
    renderer_notice: Option<String>,
    stats: FrameStats,
    scroll: scroll::PageScroll,
}

/// Frame timing, printed to stderr when `CERTWIZ_FRAME_STATS` is set: how long the window took to
/// draw its first frame, and the slowest frames (overall and while a check runs). This is how the
/// README's launch and frame-time figures are measured.
#[derive(Debug, Default)]
struct FrameStats {
    enabled: bool,
    frames: u64,
    first_frame_reported: bool,
    checking: bool,
    slowest_ms: f32,
    slowest_while_checking_ms: f32,
}

impl FrameStats {
    fn record(&mut self, cpu_seconds: Option<f32>, checking: bool) {
        self.frames += 1;
        if let Some(seconds) = cpu_seconds {
            let ms = seconds * 1000.0;
            self.slowest_ms = self.slowest_ms.max(ms);
            if checking {
                self.slowest_while_checking_ms = self.slowest_while_checking_ms.max(ms);
            }
        }
    }

    fn line(&self) -> String {
        format!(
            "certwiz: frame stats: {} frames, slowest {:.1} ms, slowest while a check ran {:.1} ms",
            self.frames, self.slowest_ms, self.slowest_while_checking_ms
        )
    }
}

impl CertwizApp {
    /// A new window's state.
    pub fn new() -> Self {
        Self::default()
    }

    /// A window with the target filled in (and the checks started, when asked).
    pub fn with_start(
        start: crate::gui::start::StartOptions,
        remembered: Option<crate::gui::wizard::TargetInput>,
    ) -> Self {
        let mut app = Self::new();
        app.stats.enabled = std::env::var_os("CERTWIZ_FRAME_STATS").is_some();
        if let Some(target) = remembered.filter(|_| start.server_fqdn.is_none()) {
            app.wizard.target = target;
        }
        let target = &mut app.wizard.target;
        if let Some(host) = start.server_fqdn {
            target.server_fqdn = host;
        }
        if let Some(port) = start.port {
            target.port = port.to_string();
        }
        if let Some(path) = start.path {
            target.path = path;
        }
        if let Some(address) = start.address {
            target.address = address.to_string();
        }
        app.run_on_start = start.run;
        if let Some(text) = start.log_text {
            app.wizard.logs.text = text;
            app.read_log_on_start = true;
        }
        for file in &start.files {
            app.load_file_with(file, start.password.as_ref());
        }
        if let Some(scenario) = start.lab {
            app.wizard.lab.scenario = scenario;
            app.start_lab(None);
        }
        if start.practice_pool {
            app.start_practice_pool(None);
            app.wizard.step = Step::Pool;
            app.run_pool_on_start = std::mem::take(&mut app.run_on_start);
        }
        // A file that waits for its password keeps step 3 open: it asks for it.
        if app.wizard.target.parse().is_ok() && app.wizard.prompt.waiting_pfx.is_none() {
            app.wizard.step = Step::Server;
        }
        if start.redact {
            app.wizard.set_redact(true);
        }
        if let Some((report, source)) = start.open {
            app.wizard.open_report(report, &source);
        }
        if let Some(notice) = start.notice {
            app.wizard.status = notice.clone();
            app.renderer_notice = Some(notice);
        }
        app
    }

    /// Records which renderer draws the window (shown in the About line and the frame stats).
    pub fn set_renderer(&mut self, renderer: crate::gui::start::Renderer) {
        self.renderer = Some(renderer);
    }

    /// Whether a practice lab or practice pool server of this window is listening.
    pub fn practice_servers_running(&self) -> bool {
        self.lab.is_some() || self.practice_pool.is_some()
    }

    /// Whether background work is still running (tests wait on it).
    pub fn is_busy(&self) -> bool {
        self.jobs.is_busy()
    }
}

impl eframe::App for CertwizApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        let running_before = self.wizard.is_running();
        self.ui_root(ui);
        if self.stats.enabled {
            // eframe measures each frame's CPU time (our UI code, layout, tessellation and paint calls)
            // and reports it on the next frame: attribute it to that previous frame, which counts as
            // "while a check ran" when a check ran from its start to its end.
            let previous_frame_checking = self.stats.checking;
            self.stats.checking = running_before && self.wizard.is_running();
            self.stats
                .record(frame.info().cpu_usage, previous_frame_checking);
            if !self.stats.first_frame_reported {
                self.stats.first_frame_reported = true;
                eprintln!(
                    "certwiz: first frame {} ms after launch (renderer {})",
                    crate::gui::start::since_launch().as_millis(),
                    self.renderer.map_or("?", |r| r.name())
                );
            }
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if self.stats.enabled {
            eprintln!("{}", self.stats.line());
        }
    }

    /// Remembers the target (window size, zoom and theme are eframe's and egui's own memory). Never
    /// certificates, keys or passwords.
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, TARGET_KEY, self.wizard.target_to_remember());
    }
}
