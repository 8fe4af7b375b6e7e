//! Applying messages: the wizard's own go to [`crate::gui::wizard::Wizard::apply`]; the ones that
//! need the window (dialogs, clipboard, saving, the practice servers) are done here.

use crate::engine::load::{Password, load_path};
use crate::gui::app::CertwizApp;
use crate::gui::tasks::JobKind;
use crate::gui::wizard::{Msg, Step};
use crate::render::Format;

impl CertwizApp {
    pub(super) fn handle(&mut self, msg: Msg, ctx: &egui::Context) {
        if self.wizard.is_read_only() && msg.changes_data() {
            // The wizard says why nothing happens.
            self.wizard.apply(msg);
            return;
        }
        match msg {
            Msg::SaveReport => self.ask_where_to_save(ctx),
            Msg::OpenReport => self.ask_which_to_open(ctx),
            Msg::RunPool => self.start_pool(ctx),
            Msg::RunFederation => self.start_federation(ctx),
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
                self.jobs.cancel(JobKind::Check);
                self.wizard.apply(Msg::Cancel);
            }
            Msg::BrowseCertificate => self.browse(ctx),
            Msg::LoadWaitingPfx => {
                if let Some(path) = self.wizard.prompt.waiting_pfx.take() {
                    self.load_file(&path);
                }
            }
            Msg::LoadTypedPath => {
                let typed = self.wizard.prompt.typed_path.trim().to_owned();
                if !typed.is_empty() {
                    self.load_file(std::path::Path::new(&typed));
                }
            }
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

    /// Stops the practice pool's servers (in the background, not in the frame).
    pub(super) fn stop_practice_pool(&mut self) {
        if let Some(pool) = self.practice_pool.take() {
            std::thread::spawn(move || drop(pool));
        }
    }

    /// Stops the running lab server. Its threads wind down in the background, not in the frame.
    pub(super) fn stop_lab(&mut self) {
        if let Some(server) = self.lab.take() {
            std::thread::spawn(move || drop(server));
        }
    }

    /// Saves the session to `path`: HTML, Markdown or JSON by its extension (HTML when it has none),
    /// masked when the view is masked. Small and quick (a few hundred kilobytes at most).
    pub fn save_report_to(&mut self, path: &std::path::Path) {
        let Some(report) = self.wizard.saved_report() else {
            self.wizard.status = "Nothing to save yet: run the checks first.".to_owned();
            return;
        };
        // A ticket wants something to read: a .txt is written as Markdown, anything else as HTML.
        let format = match Format::from_extension(path) {
            Some(Format::Json) => Format::Json,
            Some(Format::Markdown | Format::Text) => Format::Markdown,
            _ => Format::Html,
        };
        let text = match crate::render::render(&report, format) {
            Ok(text) => text,
            Err(e) => {
                self.wizard.status = format!("Not saved: {e}");
                return;
            }
        };
        let kind = format.name();
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

    /// Loads one file (small: certificate files are capped at 16 MiB and parse in microseconds).
    pub fn load_file(&mut self, path: &std::path::Path) {
        let password = (!self.wizard.pfx_password.is_empty())
            .then(|| Password::new(self.wizard.pfx_password.clone()));
        self.load_file_with(path, password.as_ref());
    }

    pub(super) fn load_file_with(&mut self, path: &std::path::Path, password: Option<&Password>) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let result = load_path(path, password);
        // Some(wrong) when the file needs a password: none was given, or not the right one.
        let needs_password = result
            .as_ref()
            .err()
            .filter(|e| e.wants_password())
            .map(|e| matches!(e, crate::engine::load::LoadError::WrongPassword { .. }));
        self.wizard.add_loaded(&name, result);
        self.wizard.step = Step::LocalCertificate;
        if let Some(wrong) = needs_password {
            self.wizard.ask_password_for(path, &name, wrong);
        } else if self.wizard.local.error.is_none() {
            self.wizard.prompt.typed_path.clear();
        }
    }
}
