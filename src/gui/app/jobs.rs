//! The window's background work: each start puts one [`Job`] into the registry, and each frame's
//! [`CertwizApp::poll`] turns every finished job into its effect on the wizard (what the window owns,
//! a lab server or a picked path, stays here).

use crate::gui::app::CertwizApp;
use crate::gui::tasks::{Job, JobDone, JobKind};
use crate::gui::wizard::{LabMaterial, RunState};
use crate::lab::Scenario;

impl CertwizApp {
    /// Drains the background jobs: progress into the status line, each finished job into the wizard.
    pub(super) fn poll(&mut self, ctx: &egui::Context) {
        for done in self.jobs.poll() {
            self.finish(done, ctx);
        }
    }

    /// Takes one job's answer: what the window owns (a lab server, a picked path) stays here, the
    /// rest goes to the wizard.
    pub(super) fn finish(&mut self, done: JobDone, ctx: &egui::Context) {
        match done {
            JobDone::Progress(event) => self.wizard.on_event(event),
            JobDone::Checked(report, local) => {
                self.wizard.on_done(*report);
                if let Some(local) = local {
                    self.wizard.local.report = Some(*local);
                }
                if self.stats.enabled {
                    eprintln!("certwiz: {}", self.wizard.status);
                    eprintln!("{}", self.stats.line());
                }
            }
            JobDone::LabStarted(Ok(server)) if self.wizard.is_read_only() => {
                // A saved report was opened meanwhile: the practice lab is not wanted.
                std::thread::spawn(move || drop(server));
            }
            JobDone::LabStarted(Ok(server)) => {
                let material = LabMaterial {
                    root_pem: server.pki.root_pem.clone(),
                    client_chain_pem: server.pki.client.chain_pem.clone(),
                    client_key_pem: zeroize::Zeroizing::new(server.pki.client.key_pem.clone()),
                };
                self.wizard
                    .on_lab_started(server.scenario, server.port(), &material);
                self.lab = Some(*server);
                ctx.request_repaint();
            }
            JobDone::LabStarted(Err(error)) => {
                self.wizard.on_lab_failed(error);
                ctx.request_repaint();
            }
            JobDone::MachineStoreRead(listing) => self.wizard.on_machine_store(*listing),
            JobDone::RootStoreChecked(result) => self.wizard.on_root_store(result.map(|r| *r)),
            JobDone::PortOwnerFound(facts) => self.wizard.on_port_owner(facts),
            JobDone::LogsRead { generation, result } => {
                self.wizard.on_logs_analysed(generation, result)
            }
            JobDone::SaveFilePicked(Some(path)) => self.save_report_to(&path),
            JobDone::SaveFilePicked(None) => self.wizard.status = "Not saved.".to_owned(),
            JobDone::ReportFilePicked(picked) => {
                if let Some(path) = picked {
                    self.open_report_file(&path, ctx);
                }
            }
            JobDone::ReportOpened(Ok((report, source))) => {
                self.stop_lab();
                self.stop_practice_pool();
                self.wizard.open_report(*report, &source);
            }
            JobDone::ReportOpened(Err(error)) => {
                self.wizard.status = format!("Cannot open the report: {error:#}")
            }
            JobDone::PracticePoolStarted(Ok(pool)) if self.wizard.is_read_only() => {
                // A saved report was opened meanwhile: the practice pool is not wanted.
                std::thread::spawn(move || drop(pool));
            }
            JobDone::PracticePoolStarted(Ok(pool)) => {
                let roots = [pool.pki.root_pem.as_str(), pool.pki.new_root_pem.as_str()];
                self.wizard
                    .on_practice_pool_started(&pool.member_lines(), &roots);
                self.practice_pool = Some(*pool);
            }
            JobDone::PracticePoolStarted(Err(error)) => {
                self.wizard.pool.error =
                    Some(format!("the practice pool could not start: {error}"));
            }
            JobDone::PoolChecked(report) => self.wizard.on_pool_done(*report),
            JobDone::FederationChecked(report) => self.wizard.on_federation_done(*report),
            JobDone::CertificateFilePicked(picked) => {
                match picked {
                    Ok(Some(path)) => self.load_file(&path),
                    Ok(None) => self.wizard.status = "No file chosen.".to_owned(),
                    Err(reason) => self.wizard.on_file_dialog_failed(&reason),
                }
                ctx.request_repaint();
            }
            // A worker that died (a panic in a library) must not leave a spinner turning.
            JobDone::Stopped(kind) => self.wizard.on_job_stopped(kind),
        }
    }

    pub(super) fn start_checks(&mut self, ctx: &egui::Context) {
        let Some(request) = self.wizard.check_request() else {
            self.wizard.run = RunState::Idle;
            return;
        };
        let local = self.wizard.local_fetch_request();
        // The elapsed seconds in the top bar and the status line count from here.
        self.started = Some(std::time::Instant::now());
        self.jobs.spawn(
            Job::Check {
                request: Box::new(request),
                local: local.map(Box::new),
            },
            Some(ctx),
        );
    }

    /// Starts the practice lab with the scenario picked in step 1. Making its certificates and binding
    /// the port happen on a thread; the frame only waits for the answer in [`Self::poll`].
    pub(super) fn start_lab(&mut self, ctx: Option<&egui::Context>) {
        if self.jobs.is_running(JobKind::StartLab) {
            return;
        }
        self.stop_lab();
        let scenario: Scenario = self.wizard.lab.scenario;
        self.jobs.spawn(Job::StartLab { scenario }, ctx);
        self.wizard.on_lab_starting();
    }

    /// Asks the operating system who listens on the target's port, off the UI thread (it reads every
    /// process's sockets).
    pub(super) fn look_up_port_owner(&mut self, ctx: &egui::Context) {
        if self.jobs.is_running(JobKind::LookUpPortOwner) {
            return;
        }
        let port = self.wizard.port_to_look_up();
        self.jobs.spawn(Job::LookUpPortOwner { port }, Some(ctx));
        self.wizard.port_owner_looking = true;
    }

    /// Reads this computer's certificate stores off the UI thread (a few hundred certificates, but
    /// CryptoAPI may touch the registry, disk and smart-card providers).
    pub(super) fn read_machine_store(&mut self, ctx: &egui::Context) {
        if self.jobs.is_running(JobKind::ReadMachineStore) {
            return;
        }
        self.jobs.spawn(Job::ReadMachineStore, Some(ctx));
        self.wizard.local.machine_reading = true;
    }

    /// Reads and judges this computer's Trusted Root store off the UI thread.
    pub(super) fn check_root_store(&mut self, ctx: &egui::Context) {
        if self.jobs.is_running(JobKind::CheckRootStore) {
            return;
        }
        self.jobs.spawn(Job::CheckRootStore, Some(ctx));
        self.wizard.root_store_looking = true;
    }

    /// Runs the log matcher on the pasted text off the UI thread (a long export takes ~100 ms per 10 MB).
    /// A newer paste replaces the pending one; a stale result is dropped by its generation.
    pub(super) fn read_logs(&mut self, ctx: &egui::Context) {
        let job = Job::ReadLogs {
            generation: self.wizard.logs.generation,
            text: self.wizard.logs.text.clone(),
        };
        self.jobs.spawn(job, Some(ctx));
    }

    /// The file dialog runs on its own thread: a native dialog must never block the frame.
    pub(super) fn browse(&mut self, ctx: &egui::Context) {
        if self.jobs.is_running(JobKind::PickCertificateFile) {
            return;
        }
        self.jobs.spawn(Job::PickCertificateFile, Some(ctx));
        self.wizard.status = "Choose a certificate file…".to_owned();
    }

    /// Asks where to save the session (a native dialog, on its own thread).
    pub(super) fn ask_where_to_save(&mut self, ctx: &egui::Context) {
        if self.jobs.is_running(JobKind::PickSaveFile) {
            return;
        }
        if !self.wizard.can_save() {
            self.wizard.status = "Nothing to save yet: run the checks first.".to_owned();
            return;
        }
        let file_name = format!("certwiz-{}.html", time::OffsetDateTime::now_utc().date());
        self.jobs.spawn(Job::PickSaveFile { file_name }, Some(ctx));
        self.wizard.status = "Choose where to save the report…".to_owned();
    }

    /// Asks which saved report to open (a native dialog, on its own thread).
    pub(super) fn ask_which_to_open(&mut self, ctx: &egui::Context) {
        if self.jobs.is_running(JobKind::PickReportFile) {
            return;
        }
        self.jobs.spawn(Job::PickReportFile, Some(ctx));
        self.wizard.status = "Choose a saved report (.json)…".to_owned();
    }

    /// Reads a saved report off the UI thread (up to 64 MiB of JSON) and shows it read-only.
    pub fn open_report_file(&mut self, path: &std::path::Path, ctx: &egui::Context) {
        let path = path.to_path_buf();
        self.jobs.spawn(Job::OpenReport { path }, Some(ctx));
        self.wizard.status = "Opening the report…".to_owned();
    }

    /// Starts the practice pool's three servers off the UI thread (their certificates take a few
    /// milliseconds to make).
    pub(super) fn start_practice_pool(&mut self, ctx: Option<&egui::Context>) {
        if self.jobs.is_running(JobKind::StartPracticePool) || self.practice_pool.is_some() {
            return;
        }
        self.jobs.spawn(Job::StartPracticePool, ctx);
    }

    /// Probes the pool's members at once, off the UI thread.
    pub(super) fn start_pool(&mut self, ctx: &egui::Context) {
        if self.jobs.is_running(JobKind::CheckPool) {
            return;
        }
        let Some(request) = self.wizard.pool_request() else {
            return;
        };
        let job = Job::CheckPool {
            request: Box::new(request),
            expected_names: self.wizard.pool_expected_names(),
        };
        self.jobs.spawn(job, Some(ctx));
    }

    /// Checks the federation partner typed on step 1, off the UI thread.
    pub(super) fn start_federation(&mut self, ctx: &egui::Context) {
        if self.jobs.is_running(JobKind::CheckFederation) {
            return;
        }
        let Some((request, system_roots)) = self.wizard.federation_request() else {
            return;
        };
        let job = Job::CheckFederation {
            request: Box::new(request),
            system_roots,
        };
        self.jobs.spawn(job, Some(ctx));
    }
}
