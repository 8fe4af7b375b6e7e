//! The wizard's state as plain data: what the user typed, which step is shown, what the checks found.
//! Views draw it and send [`Msg`]s; [`Wizard::apply`] and [`Wizard::on_event`] change it. Everything
//! here is testable without a window.
//!
//! One file per step's state and behaviour: [`target`] (step 2), [`local_cert`] (step 3), [`check`]
//! (the run behind steps 4-8), [`port`] (steps 6-7 on this computer), [`logs`] (step 1's log paste),
//! [`lab`] (the practice lab), [`pool`] (step 9), [`session`] (saving and opening) and [`redaction`]
//! (the masked view). State never imports views.

use std::sync::Arc;

use crate::engine::finding::Severity;
use crate::engine::probe::ProbeStep;
use crate::engine::report::{Report, VerdictStatus};

mod check;
mod federation;
mod lab;
mod local_cert;
pub mod logs;
mod pool;
mod port;
mod redaction;
mod secrets;
mod session;
mod status;
mod stopped;
mod target;

pub use federation::FederationState;
pub use lab::{LabMaterial, LabState, PracticeLab};
pub use local_cert::LocalCertificates;
pub use logs::LogPaste;
pub use pool::PoolState;
pub use redaction::Redaction;
pub use secrets::SecretPrompt;
pub use session::OpenedReport;
pub use status::node_status_line;
pub use target::{TargetInput, TargetProblems};

/// The numbered steps, in the order people say them on a call ("go to step 4").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// 1: the symptom and the three questions.
    WhatHappened,
    /// 2: which server.
    Server,
    /// 3: the local certificate.
    LocalCertificate,
    /// 4: the certification path.
    CertificationPath,
    /// 5: purposes.
    Purposes,
    /// 6: what answers on the port.
    Port,
    /// 7: mutual TLS.
    MutualTls,
    /// 8: verdict.
    Verdict,
    /// 9: the pool: who trusts whom for mutual TLS.
    Pool,
}

impl Step {
    /// All steps in order.
    pub const ALL: [Step; 9] = [
        Step::WhatHappened,
        Step::Server,
        Step::LocalCertificate,
        Step::CertificationPath,
        Step::Purposes,
        Step::Port,
        Step::MutualTls,
        Step::Verdict,
        Step::Pool,
    ];

    /// The number people point to.
    pub fn number(self) -> usize {
        Step::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(0, |i| i + 1)
    }

    /// The step's title.
    pub fn title(self) -> &'static str {
        match self {
            Step::WhatHappened => "What happened?",
            Step::Server => "Server",
            Step::LocalCertificate => "Local certificate",
            Step::CertificationPath => "Certification path",
            Step::Purposes => "Purposes",
            Step::Port => "What answers on port 444",
            Step::MutualTls => "Mutual TLS",
            Step::Verdict => "Verdict",
            Step::Pool => "Pool trust",
        }
    }
}

/// The status line of a new window.
pub const FIRST_STATUS: &str =
    "Enter the server name (step 2) or start the practice lab (step 1), then press Run all checks.";

/// A step's state, shown as symbol + word (and colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// Nothing run yet.
    NotRun,
    /// A check for this step is running.
    Running,
    /// The checks ran, but this step's check could not be tried (e.g. mutual TLS when the server does
    /// not ask for a client certificate); the step says why.
    Skipped,
    /// Done: the worst finding of the step.
    Done(Severity),
    /// The run was cancelled before this step's check finished: nothing of it is judged.
    Cancelled,
    /// An input step filled in validly (step 2): ready, which is not a check that passed.
    Ready,
}

impl StepStatus {
    /// Symbol and word.
    pub fn label(self) -> &'static str {
        match self {
            StepStatus::NotRun => "○ not run",
            StepStatus::Running => "… running",
            StepStatus::Skipped => "○ not tried",
            StepStatus::Done(Severity::Pass) | StepStatus::Done(Severity::Info) => "✔ pass",
            StepStatus::Done(Severity::Warn) => "! warning",
            StepStatus::Done(Severity::Fail) => "✖ fail",
            StepStatus::Done(Severity::Unknown) => "? not recognised",
            StepStatus::Cancelled => "■ cancelled",
            StepStatus::Ready => "✔ filled in",
        }
    }

    /// The state in words only, for a screen reader ("fail", "cancelled").
    pub fn word(self) -> &'static str {
        let label = self.label();
        label.split_once(' ').map_or(label, |(_, word)| word)
    }

    /// The status a report's verdict gives a step that stands for the whole report.
    pub fn of_verdict(status: VerdictStatus) -> StepStatus {
        status
            .severity()
            .map_or(StepStatus::Cancelled, StepStatus::Done)
    }
}

pub use crate::engine::report::{CaseNotes, Symptom};

/// Where the checks are.
#[derive(Debug, Default)]
pub enum RunState {
    /// Nothing run yet.
    #[default]
    Idle,
    /// Running: the steps finished so far, with their summaries.
    Running {
        /// Finished steps.
        finished: Vec<(ProbeStep, String)>,
        /// The step in progress.
        current: Option<ProbeStep>,
        /// URLs named in certificates that the revocation checks are contacting or contacted.
        contacting: Vec<String>,
    },
    /// Done.
    Done(Arc<Report>),
}

/// User actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    /// Show a step.
    Select(Step),
    /// Run all checks (the app starts the task when the target is valid).
    RunAll,
    /// Stop the running checks.
    Cancel,
    /// Select a node of the path (index, root first).
    SelectNode(usize),
    /// Open the file dialog for a certificate file (the app runs it off the UI thread).
    BrowseCertificate,
    /// Load the PFX that waits for its password, with the password typed (Enter in the field).
    LoadWaitingPfx,
    /// Load the file whose path was typed.
    LoadTypedPath,
    /// Load the pasted PEM text.
    LoadPasted,
    /// Forget the local files.
    ClearLocal,
    /// Copy the Markdown summary to the clipboard.
    CopySummary,
    /// Start the practice lab with the chosen scenario (the app starts the server off the UI thread).
    StartLab,
    /// Stop the practice lab and put the user's own target back.
    StopLab,
    /// Enter: run the shown step's check.
    RunStep,
    /// The pasted log text changed: read it again (the app runs the matcher off the UI thread).
    LogTextChanged,
    /// Forget the pasted log text.
    ClearLogText,
    /// Look up who listens on the port on this computer (the app does it off the UI thread).
    LookUpPortOwner,
    /// Judge this computer's Trusted Root store (the app reads it off the UI thread).
    CheckRootStore,
    /// Read this computer's certificate stores (the app reads them off the UI thread; on Windows at
    /// start).
    ReadMachineStore,
    /// Choose the Personal certificate to examine (SHA-256).
    SelectLocal(String),
    /// Save the session as a report (the app asks where, off the UI thread).
    SaveReport,
    /// Open a saved report (the app asks which, off the UI thread, and reads it there).
    OpenReport,
    /// Leave the saved report shown and start afresh.
    CloseReport,
    /// Mask host names, addresses, serials and thumbprints (or stop masking).
    SetRedact(bool),
    /// Probe the pool's members and draw the matrix (the app runs it off the UI thread).
    RunPool,
    /// Show the reasons of one matrix cell: (client row, server column).
    SelectCell(usize, usize),
    /// Start the practice pool: three front ends on this computer, one trusted one way only (the app
    /// starts the servers off the UI thread).
    StartPracticePool,
    /// Stop the practice pool.
    StopPracticePool,
    /// Check a federation partner's SRV record and access edges (the app runs it off the UI thread).
    RunFederation,
}

impl Msg {
    /// Whether the message runs a check or changes the data (refused while a saved report is shown).
    pub fn changes_data(&self) -> bool {
        matches!(
            self,
            Msg::RunAll
                | Msg::RunStep
                | Msg::LoadPasted
                | Msg::ClearLocal
                | Msg::BrowseCertificate
                | Msg::LoadWaitingPfx
                | Msg::LoadTypedPath
                | Msg::StartLab
                | Msg::LookUpPortOwner
                | Msg::CheckRootStore
                | Msg::ReadMachineStore
                | Msg::LogTextChanged
                | Msg::ClearLogText
                | Msg::SelectLocal(_)
                | Msg::RunPool
                | Msg::StartPracticePool
                | Msg::RunFederation
        )
    }
}

/// The whole wizard.
#[derive(Debug)]
pub struct Wizard {
    /// The step shown.
    pub step: Step,
    /// Step 1.
    pub notes: CaseNotes,
    /// Step 2.
    pub target: TargetInput,
    /// Step 3.
    pub local: LocalCertificates,
    /// PFX password field (masked; cleared after use).
    pub pfx_password: String,
    /// What step 3 waits for: a PFX's password, a typed path.
    pub prompt: SecretPrompt,
    /// Pasted PEM text.
    pub pasted_pem: String,
    /// The checks.
    pub run: RunState,
    /// The last finished check, kept while a new one runs.
    pub last_report: Option<Arc<Report>>,
    /// Selected node in the path view.
    pub selected_node: Option<usize>,
    /// Steps 4-5 show the local certificate's path instead of the presented one.
    pub show_local_path: bool,
    /// The status line.
    pub status: String,
    /// The practice lab.
    pub lab: PracticeLab,
    /// Step 1's pasted log text.
    pub logs: LogPaste,
    /// Run all checks also checks revocation (contacts the CRL / OCSP / CA Issuers URLs named in the
    /// certificates). On by default in the wizard.
    pub fetch_revocation: bool,
    /// Step 6: who listens on the port on this computer, when looked up.
    pub port_owner: Option<Report>,
    /// A port-owner lookup is running.
    pub port_owner_looking: bool,
    /// Step 7: this computer's Trusted Root store, when judged.
    pub root_store: Option<Report>,
    /// The Root store is being read.
    pub root_store_looking: bool,
    /// Step 9: the pool trust matrix.
    pub pool: PoolState,
    /// Step 9: the federation partner check.
    pub federation: FederationState,
    /// A saved report is shown (read-only), and where it came from.
    pub opened: Option<OpenedReport>,
    /// Host names, addresses, serials and thumbprints are masked on every step and in saved reports.
    pub redact: bool,
    /// The masked view's pseudonyms and masked copies.
    pub(crate) redaction: Redaction,
    /// What ran in this session, when, and what it found (the saved report's timeline).
    pub timeline: Vec<crate::engine::report::TimelineEntry>,
}

impl Default for Wizard {
    fn default() -> Self {
        Wizard {
            step: Step::WhatHappened,
            notes: CaseNotes::default(),
            target: TargetInput::default(),
            local: LocalCertificates::default(),
            pfx_password: String::new(),
            prompt: SecretPrompt::default(),
            pasted_pem: String::new(),
            run: RunState::Idle,
            last_report: None,
            selected_node: None,
            show_local_path: false,
            status: FIRST_STATUS.to_owned(),
            lab: PracticeLab::default(),
            logs: LogPaste::default(),
            fetch_revocation: true,
            port_owner: None,
            port_owner_looking: false,
            root_store: None,
            root_store_looking: false,
            pool: PoolState::default(),
            federation: FederationState::default(),
            opened: None,
            redact: false,
            redaction: Default::default(),
            timeline: Vec::new(),
        }
    }
}

impl Wizard {
    /// Whether Run all checks can start: exactly when the target parses and nothing runs.
    pub fn can_run(&self) -> bool {
        self.target.parse().is_ok() && !self.is_running() && !self.is_read_only()
    }

    /// Whether checks are running.
    pub fn is_running(&self) -> bool {
        matches!(self.run, RunState::Running { .. })
    }

    /// Applies a user action. Returns true when the app must start the checks.
    pub fn apply(&mut self, msg: Msg) -> bool {
        if self.is_read_only() && msg.changes_data() {
            self.status = "This is a saved report: it is read-only. Close it (top bar) to run checks of your own.".to_owned();
            return false;
        }
        match msg {
            Msg::Select(step) => {
                self.step = step;
                false
            }
            Msg::RunAll => {
                if self.is_running() {
                    return false;
                }
                if !self.can_run() {
                    self.status = "Fix the server details in step 2 first.".to_owned();
                    return false;
                }
                self.run = RunState::Running {
                    finished: Vec::new(),
                    current: None,
                    contacting: Vec::new(),
                };
                self.status = "Running all checks…".to_owned();
                true
            }
            Msg::Cancel => {
                self.status = "Cancelling…".to_owned();
                false
            }
            Msg::SelectNode(index) => {
                self.selected_node = Some(index);
                false
            }
            Msg::LoadPasted => {
                let text = std::mem::take(&mut self.pasted_pem);
                let password = (!self.pfx_password.is_empty())
                    .then(|| crate::engine::load::Password::new(self.pfx_password.clone()));
                let result = crate::engine::load::load_bytes(
                    "pasted text",
                    text.as_bytes(),
                    password.as_ref(),
                );
                if result.is_err() {
                    self.pasted_pem = text;
                }
                self.add_loaded("pasted text", result);
                false
            }
            Msg::SelectLocal(sha256) => {
                let sha256 = self.unmask(&sha256);
                self.select_local(&sha256);
                false
            }
            Msg::SetRedact(on) => {
                self.set_redact(on);
                false
            }
            Msg::CloseReport => {
                self.close_report();
                false
            }
            Msg::SelectCell(client, server) => {
                self.pool.selected = Some((client, server));
                false
            }
            Msg::ClearLocal => {
                self.clear_local();
                false
            }
            Msg::RunStep => match self.step {
                // Step 1 has no check of its own: Enter there is for the case notes.
                Step::WhatHappened => false,
                // Step 3's check is loading what was pasted; with nothing pasted, the whole run.
                Step::LocalCertificate if !self.pasted_pem.trim().is_empty() => {
                    self.apply(Msg::LoadPasted)
                }
                // Steps 2 and 4-8 are all answered by one run: path, purposes, port, mutual TLS.
                _ => self.apply(Msg::RunAll),
            },
            Msg::LogTextChanged => {
                self.logs.generation += 1;
                self.logs.error = None;
                false
            }
            Msg::ClearLogText => {
                self.logs = LogPaste {
                    generation: self.logs.generation + 1,
                    ..LogPaste::default()
                };
                false
            }
            // Handled by the app: they need the window (dialog, clipboard) or own a server.
            Msg::BrowseCertificate
            | Msg::LoadWaitingPfx
            | Msg::LoadTypedPath
            | Msg::CopySummary
            | Msg::StartLab
            | Msg::StopLab
            | Msg::LookUpPortOwner
            | Msg::CheckRootStore
            | Msg::ReadMachineStore
            | Msg::SaveReport
            | Msg::OpenReport
            | Msg::RunPool
            | Msg::StartPracticePool
            | Msg::StopPracticePool
            | Msg::RunFederation => false,
        }
    }

    /// The report the result steps show: the last finished check.
    pub fn report(&self) -> Option<&Report> {
        self.shown(self.last_report.as_deref())
    }

    /// The report steps 4 and 5 show: the presented chain, or the local one when asked (or when no
    /// check ran yet).
    pub fn path_report(&self) -> Option<&Report> {
        let remote = self.report().filter(|r| r.path.is_some());
        let local = self.local_report();
        if self.show_local_path {
            local.or(remote)
        } else {
            remote.or(local)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::probe::ProbeEvent;
    use crate::gui::wizard::lab::tests::lab_material;

    #[test]
    fn run_all_refuses_an_invalid_target_and_moves_to_running_otherwise() {
        let mut w = Wizard::default();
        assert!(!w.apply(Msg::RunAll));
        assert!(matches!(w.run, RunState::Idle));
        w.target.server_fqdn = "ocs1.contoso.com".into();
        assert!(w.apply(Msg::RunAll));
        assert!(w.is_running());
        assert!(!w.can_run(), "no second run while one is running");
        w.on_event(ProbeEvent::Started {
            step: ProbeStep::Connect,
        });
        assert_eq!(w.status, "Connecting…");
        w.on_event(ProbeEvent::Finished {
            step: ProbeStep::Connect,
            summary: "port open".into(),
            elapsed_ms: 3,
        });
        assert_eq!(w.status, "Connecting: port open");
        assert_eq!(w.step_status(Step::Port), StepStatus::Running);
    }

    #[test]
    fn steps_are_numbered_one_to_nine_with_the_pool_last() {
        let numbers: Vec<usize> = Step::ALL.iter().map(|s| s.number()).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(Step::Verdict.number(), 8, "the numbers people know stay");
        assert_eq!(Step::Pool.number(), 9);
        assert_eq!(Step::Port.title(), "What answers on port 444");
    }

    #[test]
    fn enter_runs_the_shown_steps_check() {
        let mut w = Wizard::default();
        w.target.server_fqdn = "ocs1.contoso.com".into();
        // Step 1: Enter belongs to the case notes.
        assert!(!w.apply(Msg::RunStep));
        for step in [
            Step::Server,
            Step::CertificationPath,
            Step::Port,
            Step::Verdict,
        ] {
            w.step = step;
            w.run = RunState::Idle;
            assert!(w.apply(Msg::RunStep), "{step:?}");
        }
        // While checks run, Enter does not start another run (and does not blame the target).
        let status = w.status.clone();
        assert!(!w.apply(Msg::RunStep));
        assert_eq!(w.status, status);
        // Step 3 with pasted text: Enter loads it.
        w.run = RunState::Idle;
        w.step = Step::LocalCertificate;
        w.pasted_pem = lab_material().root_pem;
        assert!(!w.apply(Msg::RunStep));
        assert_eq!(w.local.certificates.len(), 1);
        assert!(w.pasted_pem.is_empty());
    }
}
