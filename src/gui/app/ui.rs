//! Drawing the window: the panels and the step shown, the status line, the keyboard, the title and
//! dropped files. Every message the views send is applied after the frame by [`super::logic`].

use std::path::PathBuf;

use egui::Ui;

use crate::gui::app::CertwizApp;
use crate::gui::tasks::JobKind;
use crate::gui::tokens;
use crate::gui::views::{
    certificate_ui, path_ui, pool_ui, port_ui, server_ui, steps_ui, verdict_ui,
};
use crate::gui::wizard::{Msg, Step};

impl CertwizApp {
    /// Draws the whole window into `ui` (the eframe root, or a test harness).
    pub fn ui_root(&mut self, ui: &mut Ui) {
        if !self.styled {
            ui.ctx().set_fonts(tokens::fonts());
            ui.ctx()
                .global_style_mut(|style| style.spacing.item_spacing = egui::vec2(10.0, 8.0));
            // A focus ring that shows on a shared screen: egui draws a focused control in its
            // "active" style, and a focused text field with the selection stroke.
            ui.ctx().all_styles_mut(|style| {
                let ring = egui::Stroke::new(tokens::FOCUS_RING_WIDTH, tokens::FOCUS_RING);
                style.visuals.widgets.active.bg_stroke = ring;
                style.visuals.selection.stroke.width = tokens::FOCUS_RING_WIDTH;
            });
            // Hints and captions readable on a shared screen (egui's weak text is 2.7:1 on dark).
            for theme in [egui::Theme::Dark, egui::Theme::Light] {
                ui.ctx().style_mut_of(theme, |style| {
                    style.visuals.weak_text_color =
                        Some(tokens::WEAK_TEXT.of(theme == egui::Theme::Dark));
                });
            }
            self.styled = true;
            // On the server itself, step 3 lists the Local Machine stores as MMC does.
            if cfg!(windows) {
                self.read_machine_store(ui.ctx());
            }
        }
        tokens::set_theme(ui.visuals().dark_mode);
        self.poll(ui.ctx());
        self.take_dropped_files(ui.ctx());
        let mut msgs: Vec<Msg> = Vec::new();
        if std::mem::take(&mut self.read_log_on_start) {
            msgs.push(Msg::LogTextChanged);
            crate::gui::views::logs_ui::scroll_to_result_once(ui.ctx());
        }
        // `--run` waits for a practice lab that is still starting.
        if !self.jobs.is_running(JobKind::StartLab) && std::mem::take(&mut self.run_on_start) {
            msgs.push(Msg::RunAll);
        }
        if self.practice_pool.is_some() && std::mem::take(&mut self.run_pool_on_start) {
            msgs.push(Msg::RunPool);
        }
        if self.jobs.needs_looking_at() {
            // Started from the command line, before the window had a context to wake: looked for a
            // few times a second until it is done.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.keyboard(ui.ctx(), &mut msgs);
        self.update_title(ui.ctx());
        // Masked copies are made when the data changes, not per frame (cheap when nothing did).
        self.wizard.refresh_redaction();
        egui::Panel::top("target_bar").show(ui, |ui| {
            let elapsed = self
                .started
                .filter(|_| self.wizard.is_running())
                .map(|s| s.elapsed());
            server_ui::target_bar_ui(ui, &mut self.wizard, elapsed, &mut msgs)
        });
        egui::Panel::bottom("status_line").show(ui, |ui| self.status_line_ui(ui));
        self.scroll.read_input(ui.ctx());
        let scroll = &mut self.scroll;
        egui::Panel::left("steps")
            .exact_size(tokens::STEP_PANEL_WIDTH)
            .resizable(false)
            .show(ui, |ui| {
                // The list scrolls on its own: nine steps do not fit 720 px at 120 % zoom.
                egui::ScrollArea::vertical()
                    .id_salt("step_list")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        scroll.follow_focus(ui);
                        steps_ui::steps_ui(ui, &self.wizard, &mut msgs)
                    })
            });
        egui::CentralPanel::default_margins().show(ui, |ui| {
            scroll.page_area(self.wizard.step).show(ui, |ui| {
                scroll.apply_keys(ui);
                scroll.follow_focus(ui);
                match self.wizard.step {
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
                }
            });
        });
        for msg in msgs {
            self.handle(msg, ui.ctx());
        }
    }

    /// The bottom line: theme buttons and any renderer fallback on the right; the spinner, elapsed
    /// seconds and the status in the rest, cut to fit rather than drawn over them.
    pub(super) fn status_line_ui(&self, ui: &mut Ui) {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            crate::gui::views::theme_ui::theme_buttons_ui(ui);
            if let (Some(notice), Some(renderer)) = (&self.renderer_notice, self.renderer) {
                ui.label(
                    egui::RichText::new(format!("⚠ drawing with {} (fallback)", renderer.name()))
                        .size(tokens::SMALL_SIZE)
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
                            .size(tokens::DETAIL_SIZE),
                        );
                        // Only while a check runs: keep the seconds moving; idle frames cost nothing.
                        ui.ctx()
                            .request_repaint_after(std::time::Duration::from_millis(200));
                    }
                }
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(self.wizard.mask(self.wizard.status_line()))
                            .size(tokens::DETAIL_SIZE),
                    )
                    .truncate(),
                );
            });
        });
    }

    /// Alt+1..9 jumps to a step; Ctrl+Enter runs all checks; Enter runs the shown step's check when no
    /// control has the focus (a focused button takes Enter as a click, a text field as typing; single-line
    /// fields send [`Msg::RunStep`] themselves when Enter leaves them).
    pub(super) fn keyboard(&mut self, ctx: &egui::Context, msgs: &mut Vec<Msg>) {
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
            egui::Key::Num9,
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
    pub(super) fn update_title(&mut self, ctx: &egui::Context) {
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

    pub(super) fn take_dropped_files(&mut self, ctx: &egui::Context) {
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
