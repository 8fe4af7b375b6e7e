//! The eframe app: drains background work into the wizard, draws the panels, applies messages.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::Ui;

use crate::engine::load::{Password, load_path};
use crate::gui::tasks::{CheckTask, TaskUpdate};
use crate::gui::tokens;
use crate::gui::views::{
    certificate_ui, path_ui, pool_ui, port_ui, server_ui, steps_ui, verdict_ui,
};
use crate::gui::wizard::{LabMaterial, Msg, RunState, Step, Wizard};
use crate::lab::{LabServer, Scenario};

/// Storage key of the remembered target.
pub const TARGET_KEY: &str = "certwiz.target";

/// The certwiz window.
#[derive(Default)]
pub struct CertwizApp {
    /// The wizard's state.
    pub wizard: Wizard,
    task: Option<CheckTask>,
    file_pick: Option<Receiver<Option<PathBuf>>>,
    lab: Option<LabServer>,
    lab_start: Option<Receiver<Result<LabServer, String>>>,
    log_task: Option<Receiver<(u64, Result<crate::engine::logs::LogAnalysis, String>)>>,
    port_owner_task: Option<Receiver<crate::engine::port_owner::PortOwnerFacts>>,
    root_store_task: Option<Receiver<Result<crate::engine::report::Report, String>>>,
    machine_store_task: Option<Receiver<crate::engine::store::StoreListing>>,
    save_pick: Option<Receiver<Option<PathBuf>>>,
    open_pick: Option<Receiver<Option<PathBuf>>>,
    open_task: Option<Receiver<Result<(crate::engine::report::Report, String), String>>>,
    pool_task: Option<Receiver<crate::engine::report::Report>>,
    practice_pool: Option<crate::lab::PracticePool>,
    practice_pool_start: Option<Receiver<Result<crate::lab::PracticePool, String>>>,
    run_pool_on_start: bool,
    styled: bool,
    run_on_start: bool,
    /// `--log`: read the pasted text in the first frame.
    read_log_on_start: bool,
    started: Option<std::time::Instant>,
    title: String,
    renderer: Option<crate::gui::Renderer>,
    /// Set when the first renderer could not start: shown in the status bar for the whole session.
    renderer_notice: Option<String>,
    stats: FrameStats,
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
        start: crate::gui::StartOptions,
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
        if app.wizard.target.parse().is_ok() {
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
    pub fn set_renderer(&mut self, renderer: crate::gui::Renderer) {
        self.renderer = Some(renderer);
    }

    /// Whether background work is still running (tests wait on it).
    pub fn is_busy(&self) -> bool {
        self.task.is_some()
            || self.lab_start.is_some()
            || self.log_task.is_some()
            || self.port_owner_task.is_some()
            || self.root_store_task.is_some()
            || self.machine_store_task.is_some()
            || self.open_task.is_some()
            || self.pool_task.is_some()
            || self.practice_pool_start.is_some()
    }

    /// Draws the whole window into `ui` (the eframe root, or a test harness).
    pub fn ui_root(&mut self, ui: &mut Ui) {
        if !self.styled {
            ui.ctx().set_fonts(tokens::fonts());
            ui.ctx()
                .global_style_mut(|style| style.spacing.item_spacing = egui::vec2(10.0, 8.0));
            self.styled = true;
            // On the server itself, step 3 lists the Local Machine stores as MMC does.
            if cfg!(windows) {
                self.read_machine_store(ui.ctx());
            }
        }
        self.poll(ui.ctx());
        self.take_dropped_files(ui.ctx());
        let mut msgs: Vec<Msg> = Vec::new();
        if std::mem::take(&mut self.read_log_on_start) {
            msgs.push(Msg::LogTextChanged);
            crate::gui::views::logs_ui::scroll_to_result_once(ui.ctx());
        }
        // `--run` waits for a practice lab that is still starting.
        if self.lab_start.is_none() && std::mem::take(&mut self.run_on_start) {
            msgs.push(Msg::RunAll);
        }
        if self.practice_pool.is_some() && std::mem::take(&mut self.run_pool_on_start) {
            msgs.push(Msg::RunPool);
        } else if self.practice_pool_start.is_some() {
            // Started from the command line, before the window had a context to wake.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.keyboard(ui.ctx(), &mut msgs);
        self.update_title(ui.ctx());
        // Masked copies are made when the data changes, not per frame (cheap when nothing did).
        self.wizard.refresh_redaction();
        egui::Panel::top("target_bar").show(ui, |ui| {
            server_ui::target_bar_ui(ui, &mut self.wizard, &mut msgs)
        });
        egui::Panel::bottom("status_line").show(ui, |ui| self.status_line_ui(ui));
        egui::Panel::left("steps")
            .exact_size(tokens::STEP_PANEL_WIDTH)
            .resizable(false)
            .show(ui, |ui| steps_ui::steps_ui(ui, &self.wizard, &mut msgs));
        egui::CentralPanel::default_margins().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| match self.wizard.step {
                    Step::WhatHappened => {
                        server_ui::what_happened_ui(ui, &mut self.wizard, &mut msgs)
                    }
                    Step::Server => server_ui::server_ui(ui, &mut self.wizard, &mut msgs),
                    Step::LocalCertificate => {
                        certificate_ui::certificate_ui(ui, &mut self.wizard, &mut msgs)
                    }
                    Step::CertificationPath => path_ui::path_ui(ui, &mut self.wizard, &mut msgs),
                    Step::Purposes => path_ui::purposes_ui(ui, &mut self.wizard),
                    Step::Port => port_ui::port_ui(ui, &self.wizard, &mut msgs),
                    Step::MutualTls => port_ui::mtls_ui(ui, &self.wizard, &mut msgs),
                    Step::Verdict => verdict_ui::verdict_ui(ui, &self.wizard, &mut msgs),
                    Step::Pool => pool_ui::pool_ui(ui, &mut self.wizard, &mut msgs),
                });
        });
        for msg in msgs {
            self.handle(msg, ui.ctx());
        }
    }

    /// The bottom line: theme buttons and any renderer fallback on the right; the spinner, elapsed
    /// seconds and the status in the rest, cut to fit rather than drawn over them.
    fn status_line_ui(&self, ui: &mut Ui) {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            egui::widgets::global_theme_preference_buttons(ui);
            if let (Some(notice), Some(renderer)) = (&self.renderer_notice, self.renderer) {
                ui.label(
                    egui::RichText::new(format!("⚠ drawing with {} (fallback)", renderer.name()))
                        .size(tokens::BODY_SIZE - 2.0)
                        .color(tokens::WARN),
                )
                .on_hover_text(notice);
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                if self.wizard.is_running() {
                    ui.spinner();
                    if let Some(started) = self.started {
                        ui.label(
                            egui::RichText::new(format!(
                                "{:.1} s",
                                started.elapsed().as_secs_f32()
                            ))
                            .size(tokens::BODY_SIZE - 1.0),
                        );
                        // Only while a check runs: keep the seconds moving; idle frames cost nothing.
                        ui.ctx()
                            .request_repaint_after(std::time::Duration::from_millis(200));
                    }
                }
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(self.wizard.mask(&self.wizard.status))
                            .size(tokens::BODY_SIZE - 1.0),
                    )
                    .truncate(),
                );
            });
        });
    }

    fn handle(&mut self, msg: Msg, ctx: &egui::Context) {
        if self.wizard.is_read_only() && msg.changes_data() {
            // The wizard says why nothing happens.
            self.wizard.apply(msg);
            return;
        }
        match msg {
            Msg::SaveReport => self.ask_where_to_save(ctx),
            Msg::OpenReport => self.ask_which_to_open(ctx),
            Msg::RunPool => self.start_pool(ctx),
            Msg::StartPracticePool => self.start_practice_pool(Some(ctx)),
            Msg::StopPracticePool => {
                self.stop_practice_pool();
                self.wizard.on_practice_pool_stopped();
            }
            Msg::CloseReport => {
                self.wizard.apply(Msg::CloseReport);
                self.wizard.status = "Saved report closed.".to_owned();
            }
            Msg::Cancel => {
                if let Some(task) = &self.task {
                    task.cancel();
                }
                self.wizard.apply(Msg::Cancel);
            }
            Msg::BrowseCertificate => self.browse(ctx),
            Msg::StartLab => self.start_lab(Some(ctx)),
            Msg::LookUpPortOwner => self.look_up_port_owner(ctx),
            Msg::CheckRootStore => self.check_root_store(ctx),
            Msg::ReadMachineStore => self.read_machine_store(ctx),
            Msg::LogTextChanged => {
                self.wizard.apply(Msg::LogTextChanged);
                self.read_logs(ctx);
            }
            Msg::StopLab => {
                self.stop_lab();
                self.wizard.on_lab_stopped();
            }
            Msg::CopySummary => {
                let summary = self.wizard.summary_markdown();
                ctx.copy_text(self.wizard.mask(&summary).into_owned());
                self.wizard.status = "Summary copied: paste it into the ticket.".to_owned();
            }
            other => {
                if self.wizard.apply(other) {
                    self.start_checks(ctx);
                }
            }
        }
    }

    fn start_checks(&mut self, ctx: &egui::Context) {
        let Some(request) = self.wizard.check_request() else {
            self.wizard.run = RunState::Idle;
            return;
        };
        let local = self.wizard.local_fetch_request();
        let repaint = ctx.clone();
        self.task = Some(CheckTask::spawn(
            request,
            local,
            Arc::new(move || repaint.request_repaint()),
        ));
    }

    /// Drains the running check: progress into the status line, the report into the wizard.
    fn poll(&mut self, ctx: &egui::Context) {
        if let Some(task) = &self.task {
            for update in task.poll() {
                match update {
                    TaskUpdate::Progress(event) => self.wizard.on_event(event),
                    TaskUpdate::Done(report, local) => {
                        self.wizard.on_done(*report);
                        if let Some(local) = local {
                            self.wizard.local.report = Some(*local);
                        }
                        self.task = None;
                        if self.stats.enabled {
                            eprintln!("certwiz: {}", self.wizard.status);
                            eprintln!("{}", self.stats.line());
                        }
                        break;
                    }
                }
            }
        }
        if let Some(rx) = &self.lab_start
            && let Ok(started) = rx.try_recv()
        {
            self.lab_start = None;
            match started {
                Ok(server) => {
                    let material = LabMaterial {
                        root_pem: server.pki.root_pem.clone(),
                        client_chain_pem: server.pki.client.chain_pem.clone(),
                        client_key_pem: zeroize::Zeroizing::new(server.pki.client.key_pem.clone()),
                    };
                    self.wizard
                        .on_lab_started(server.scenario, server.port(), &material);
                    self.lab = Some(server);
                }
                Err(error) => self.wizard.on_lab_failed(error),
            }
            ctx.request_repaint();
        } else if self.lab_start.is_some() {
            // A lab started from the command line (before the window had a context to wake) is
            // looked for a few times a second until it is up.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        match poll_task(&mut self.machine_store_task) {
            Some(Ok(listing)) => self.wizard.on_machine_store(listing),
            Some(Err(())) => {
                self.wizard.local.machine_reading = false;
                self.wizard.status =
                    "The certificate stores could not be read: the reading stopped unexpectedly"
                        .to_owned();
            }
            None => {}
        }
        // A worker that died (a panic in a library) must not leave the spinner turning.
        match poll_task(&mut self.root_store_task) {
            Some(Ok(result)) => self.wizard.on_root_store(result),
            Some(Err(())) => self
                .wizard
                .on_root_store(Err("the reading stopped unexpectedly".to_owned())),
            None => {}
        }
        match poll_task(&mut self.port_owner_task) {
            Some(Ok(facts)) => self.wizard.on_port_owner(facts),
            Some(Err(())) => {
                self.wizard.port_owner_looking = false;
                self.wizard.status = "The port lookup stopped unexpectedly.".to_owned();
            }
            None => {}
        }
        if let Some(rx) = &self.log_task
            && let Ok((generation, result)) = rx.try_recv()
        {
            self.log_task = None;
            self.wizard.on_logs_analysed(generation, result);
        }
        if let Some(rx) = &self.save_pick
            && let Ok(picked) = rx.try_recv()
        {
            self.save_pick = None;
            match picked {
                Some(path) => self.save_report_to(&path),
                None => self.wizard.status = "Not saved.".to_owned(),
            }
        }
        if let Some(rx) = &self.open_pick
            && let Ok(picked) = rx.try_recv()
        {
            self.open_pick = None;
            if let Some(path) = picked {
                self.open_report_file(&path, ctx);
            }
        }
        match poll_task(&mut self.open_task) {
            Some(Ok(Ok((report, source)))) => {
                self.stop_lab();
                self.stop_practice_pool();
                self.wizard.open_report(report, &source);
            }
            Some(Ok(Err(error))) => self.wizard.status = format!("Cannot open the report: {error}"),
            Some(Err(())) => {
                self.wizard.status =
                    "Cannot open the report: the reading stopped unexpectedly".to_owned();
            }
            None => {}
        }
        match poll_task(&mut self.practice_pool_start) {
            Some(Ok(Ok(pool))) if self.wizard.is_read_only() => {
                // A saved report was opened meanwhile: the practice pool is not wanted.
                std::thread::spawn(move || drop(pool));
            }
            Some(Ok(Ok(pool))) => {
                let roots = [pool.pki.root_pem.as_str(), pool.pki.new_root_pem.as_str()];
                self.wizard
                    .on_practice_pool_started(&pool.member_lines(), &roots);
                self.practice_pool = Some(pool);
            }
            Some(Ok(Err(error))) => {
                self.wizard.pool.error =
                    Some(format!("the practice pool could not start: {error}"));
            }
            Some(Err(())) => {
                self.wizard.pool.error = Some("the practice pool could not start".to_owned());
            }
            None => {}
        }
        match poll_task(&mut self.pool_task) {
            Some(Ok(report)) => self.wizard.on_pool_done(report),
            Some(Err(())) => {
                self.wizard.pool.running = false;
                self.wizard.pool.error = Some("the pool check stopped unexpectedly".to_owned());
            }
            None => {}
        }
        if let Some(rx) = &self.file_pick
            && let Ok(picked) = rx.try_recv()
        {
            self.file_pick = None;
            if let Some(path) = picked {
                self.load_file(&path);
            }
            ctx.request_repaint();
        }
    }

    /// Starts the practice lab with the scenario picked in step 1. Making its certificates and binding
    /// the port happen on a thread; the frame only waits for the answer in [`Self::poll`].
    fn start_lab(&mut self, ctx: Option<&egui::Context>) {
        if self.lab_start.is_some() {
            return;
        }
        self.stop_lab();
        let scenario: Scenario = self.wizard.lab.scenario;
        let (tx, rx) = channel();
        let repaint = ctx.cloned();
        std::thread::spawn(move || {
            let _ = tx.send(LabServer::start(scenario).map_err(|e| e.to_string()));
            if let Some(ctx) = repaint {
                ctx.request_repaint();
            }
        });
        self.lab_start = Some(rx);
        self.wizard.on_lab_starting();
    }

    /// Asks the operating system who listens on the target's port, off the UI thread (it reads every
    /// process's sockets).
    fn look_up_port_owner(&mut self, ctx: &egui::Context) {
        if self.port_owner_task.is_some() {
            return;
        }
        let port = self.wizard.port_to_look_up();
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(crate::engine::port_owner::look(port));
            repaint.request_repaint();
        });
        self.port_owner_task = Some(rx);
        self.wizard.port_owner_looking = true;
    }

    /// Reads this computer's certificate stores off the UI thread (a few hundred certificates, but
    /// CryptoAPI may touch the registry, disk and smart-card providers).
    fn read_machine_store(&mut self, ctx: &egui::Context) {
        if self.machine_store_task.is_some() {
            return;
        }
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let store = crate::engine::store::this_computer();
            let _ = tx.send(crate::engine::store::snapshot(store.as_ref()));
            repaint.request_repaint();
        });
        self.machine_store_task = Some(rx);
        self.wizard.local.machine_reading = true;
    }

    /// Reads and judges this computer's Trusted Root store off the UI thread.
    fn check_root_store(&mut self, ctx: &egui::Context) {
        if self.root_store_task.is_some() {
            return;
        }
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let result = crate::engine::load::load_root_store()
                .map(|(loaded, source)| {
                    let inputs = vec![crate::engine::report::InputSummary {
                        source: source.into(),
                        role: "root-store".into(),
                        certificates: loaded.certificates.len(),
                        private_keys: 0,
                    }];
                    crate::engine::report::Report::for_root_store(
                        crate::engine::root_store::facts(&loaded.certificates),
                        inputs,
                        time::OffsetDateTime::now_utc(),
                    )
                })
                .map_err(|e| e.to_string());
            let _ = tx.send(result);
            repaint.request_repaint();
        });
        self.root_store_task = Some(rx);
        self.wizard.root_store_looking = true;
    }

    /// Runs the log matcher on the pasted text off the UI thread (a long export takes ~100 ms per 10 MB).
    /// A newer paste replaces the pending one; a stale result is dropped by its generation.
    fn read_logs(&mut self, ctx: &egui::Context) {
        let generation = self.wizard.logs.generation;
        let text = self.wizard.logs.text.clone();
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let result = crate::engine::logs::analyse(&text).map_err(|e| e.to_string());
            let _ = tx.send((generation, result));
            repaint.request_repaint();
        });
        self.log_task = Some(rx);
    }

    /// Stops the practice pool's servers (in the background, not in the frame).
    fn stop_practice_pool(&mut self) {
        if let Some(pool) = self.practice_pool.take() {
            std::thread::spawn(move || drop(pool));
        }
    }

    /// Stops the running lab server. Its threads wind down in the background, not in the frame.
    fn stop_lab(&mut self) {
        if let Some(server) = self.lab.take() {
            std::thread::spawn(move || drop(server));
        }
    }

    /// The file dialog runs on its own thread: a native dialog must never block the frame.
    fn browse(&mut self, ctx: &egui::Context) {
        if self.file_pick.is_some() {
            return;
        }
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let picked = rfd::FileDialog::new()
                .set_title("Certificate file")
                .add_filter(
                    "Certificates",
                    &[
                        "cer", "crt", "pem", "der", "p7b", "p7c", "pfx", "p12", "key",
                    ],
                )
                .add_filter("All files", &["*"])
                .pick_file();
            let _ = tx.send(picked);
            repaint.request_repaint();
        });
        self.file_pick = Some(rx);
        self.wizard.status = "Choose a certificate file…".to_owned();
    }

    /// Asks where to save the session (a native dialog, on its own thread).
    fn ask_where_to_save(&mut self, ctx: &egui::Context) {
        if self.save_pick.is_some() {
            return;
        }
        if !self.wizard.can_save() {
            self.wizard.status = "Nothing to save yet: run the checks first.".to_owned();
            return;
        }
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        let name = format!("certwiz-{}.html", time::OffsetDateTime::now_utc().date());
        std::thread::spawn(move || {
            let picked = rfd::FileDialog::new()
                .set_title("Save report")
                .set_file_name(name)
                .add_filter("Web page (for the ticket)", &["html"])
                .add_filter("Markdown (for a ticket or chat)", &["md"])
                .add_filter("certwiz report (opens again in certwiz)", &["json"])
                .save_file();
            let _ = tx.send(picked);
            repaint.request_repaint();
        });
        self.save_pick = Some(rx);
        self.wizard.status = "Choose where to save the report…".to_owned();
    }

    /// Saves the session to `path`: HTML, Markdown or JSON by its extension (HTML when it has none),
    /// masked when the view is masked. Small and quick (a few hundred kilobytes at most).
    pub fn save_report_to(&mut self, path: &std::path::Path) {
        let Some(report) = self.wizard.saved_report() else {
            self.wizard.status = "Nothing to save yet: run the checks first.".to_owned();
            return;
        };
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let (text, kind) = match extension.as_deref() {
            Some("json") => match report.to_json() {
                Ok(json) => (json, "JSON"),
                Err(e) => {
                    self.wizard.status = format!("Not saved: {e}");
                    return;
                }
            },
            Some("md" | "markdown" | "txt") => {
                (crate::engine::report::render_markdown(&report), "Markdown")
            }
            _ => (crate::engine::report::html::render_html(&report), "HTML"),
        };
        self.wizard.status = match std::fs::write(path, text) {
            Ok(()) => format!(
                "{kind} report saved to {}{}",
                path.display(),
                if self.wizard.redact {
                    " (names, addresses, serials and thumbprints masked)"
                } else {
                    ""
                }
            ),
            Err(e) => format!("Not saved to {}: {e}", path.display()),
        };
    }

    /// Asks which saved report to open (a native dialog, on its own thread).
    fn ask_which_to_open(&mut self, ctx: &egui::Context) {
        if self.open_pick.is_some() {
            return;
        }
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let picked = rfd::FileDialog::new()
                .set_title("Open a saved certwiz report")
                .add_filter("certwiz report", &["json"])
                .add_filter("All files", &["*"])
                .pick_file();
            let _ = tx.send(picked);
            repaint.request_repaint();
        });
        self.open_pick = Some(rx);
        self.wizard.status = "Choose a saved report (.json)…".to_owned();
    }

    /// Reads a saved report off the UI thread (up to 64 MiB of JSON) and shows it read-only.
    pub fn open_report_file(&mut self, path: &std::path::Path, ctx: &egui::Context) {
        let path = path.to_path_buf();
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let result = crate::cli::read_report(&path)
                .map(|report| (report, path.display().to_string()))
                .map_err(|e| format!("{e:#}"));
            let _ = tx.send(result);
            repaint.request_repaint();
        });
        self.open_task = Some(rx);
        self.wizard.status = "Opening the report…".to_owned();
    }

    /// Starts the practice pool's three servers off the UI thread (their certificates take a few
    /// milliseconds to make).
    fn start_practice_pool(&mut self, ctx: Option<&egui::Context>) {
        if self.practice_pool_start.is_some() || self.practice_pool.is_some() {
            return;
        }
        let (tx, rx) = channel();
        let repaint = ctx.cloned();
        std::thread::spawn(move || {
            let _ = tx.send(crate::lab::PracticePool::start().map_err(|e| e.to_string()));
            if let Some(ctx) = repaint {
                ctx.request_repaint();
            }
        });
        self.practice_pool_start = Some(rx);
    }

    /// Probes the pool's members at once, off the UI thread.
    fn start_pool(&mut self, ctx: &egui::Context) {
        if self.pool_task.is_some() {
            return;
        }
        let Some(request) = self.wizard.pool_request() else {
            return;
        };
        let names = self.wizard.pool_expected_names();
        let (tx, rx) = channel();
        let repaint = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(crate::engine::pool::pool_report_expecting(
                &request,
                &names,
                &crate::engine::probe::CancelFlag::new(),
                &crate::engine::probe::Progress::none(),
            ));
            repaint.request_repaint();
        });
        self.pool_task = Some(rx);
    }

    /// Loads one file (small: certificate files are capped at 16 MiB and parse in microseconds).
    pub fn load_file(&mut self, path: &std::path::Path) {
        let password = (!self.wizard.pfx_password.is_empty())
            .then(|| Password::new(self.wizard.pfx_password.clone()));
        self.load_file_with(path, password.as_ref());
    }

    fn load_file_with(&mut self, path: &std::path::Path, password: Option<&Password>) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let result = load_path(path, password);
        self.wizard.add_loaded(&name, result);
        self.wizard.step = Step::LocalCertificate;
    }

    /// Alt+1..8 jumps to a step; Ctrl+Enter runs all checks; Enter runs the shown step's check when no
    /// control has the focus (a focused button takes Enter as a click, a text field as typing; single-line
    /// fields send [`Msg::RunStep`] themselves when Enter leaves them).
    fn keyboard(&mut self, ctx: &egui::Context, msgs: &mut Vec<Msg>) {
        let nothing_focused = ctx.memory(|m| m.focused().is_none());
        let keys = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
            egui::Key::Num8,
        ];
        ctx.input_mut(|input| {
            for (key, step) in keys.iter().zip(Step::ALL) {
                if input.consume_key(egui::Modifiers::ALT, *key) {
                    msgs.push(Msg::Select(step));
                }
            }
            if input.consume_key(egui::Modifiers::CTRL, egui::Key::Enter) {
                msgs.push(Msg::RunAll);
            } else if nothing_focused && input.consume_key(egui::Modifiers::NONE, egui::Key::Enter)
            {
                msgs.push(Msg::RunStep);
            }
        });
    }

    /// The title bar names the target, so a shared screen shows what is being checked.
    fn update_title(&mut self, ctx: &egui::Context) {
        let host = self.wizard.target.server_fqdn.trim();
        let title = if host.is_empty() {
            "certwiz".to_owned()
        } else {
            format!(
                "certwiz: {}:{}",
                self.wizard.mask(host),
                self.wizard.target.port.trim()
            )
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() && self.wizard.is_read_only() {
            self.wizard.status =
                "This is a saved report: it is read-only. Close it (top bar) to load files of your own."
                    .to_owned();
            return;
        }
        for path in dropped {
            self.load_file(&path);
        }
    }
}

impl eframe::App for CertwizApp {
    fn ui(&mut self, ui: &mut Ui, frame: &mut eframe::Frame) {
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
                    crate::gui::since_launch().as_millis(),
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

/// What a background task's channel holds: its answer, `Err(())` when the worker died without one,
/// `None` while it works. An answer (or a death) empties the slot.
fn poll_task<T>(slot: &mut Option<Receiver<T>>) -> Option<Result<T, ()>> {
    let answer = match slot.as_ref()?.try_recv() {
        Ok(value) => Ok(value),
        Err(TryRecvError::Disconnected) => Err(()),
        Err(TryRecvError::Empty) => return None,
    };
    *slot = None;
    Some(answer)
}
