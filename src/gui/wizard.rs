//! The wizard's state as plain data: what the user typed, which step is shown, what the checks found.
//! Views draw it and send [`Msg`]s; [`Wizard::apply`] and [`Wizard::on_event`] change it. Everything
//! here is testable without a window.

use std::net::IpAddr;
use std::sync::Arc;

use crate::engine::finding::Severity;
use crate::engine::load::{Loaded, SourcedCertificate};
use crate::engine::probe::{DEFAULT_PATH, DEFAULT_PORT, ProbeEvent, ProbeStep, ProbeTarget};
use crate::engine::report::Report;
use crate::engine::store::{StoreCertificate, StoreListing};
use crate::lab::{LAB_HOST, Scenario};

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
            Step::Port => "Port 444",
            Step::MutualTls => "Mutual TLS",
            Step::Verdict => "Verdict",
            Step::Pool => "Pool trust",
        }
    }
}

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
        }
    }
}

pub use crate::engine::report::{CaseNotes, Symptom};

/// The target as typed (remembered between sessions).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct TargetInput {
    /// Server FQDN (what is checked).
    pub server_fqdn: String,
    /// Pool FQDN (an extra name the certificate must carry).
    pub pool_fqdn: String,
    /// Port, as typed.
    pub port: String,
    /// Path, as typed.
    pub path: String,
    /// Optional connect address, as typed.
    pub address: String,
}

impl Default for TargetInput {
    fn default() -> Self {
        TargetInput {
            server_fqdn: String::new(),
            pool_fqdn: String::new(),
            port: DEFAULT_PORT.to_string(),
            path: DEFAULT_PATH.to_owned(),
            address: String::new(),
        }
    }
}

/// What is wrong with the typed target, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetProblems {
    /// Server FQDN problem.
    pub server_fqdn: Option<String>,
    /// Pool FQDN problem.
    pub pool_fqdn: Option<String>,
    /// Port problem.
    pub port: Option<String>,
    /// Path problem.
    pub path: Option<String>,
    /// Address problem.
    pub address: Option<String>,
}

fn host_problem(text: &str, required: bool) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return required
            .then(|| "Enter the server's fully qualified name, e.g. ocs1.contoso.com".to_owned());
    }
    if t.parse::<IpAddr>().is_ok() {
        return None;
    }
    let valid_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if t.len() > 253 || !t.trim_end_matches('.').split('.').all(valid_label) {
        return Some(
            "Only letters, digits, '-' and dots: a host name like ocs1.contoso.com".to_owned(),
        );
    }
    None
}

impl TargetInput {
    /// Parses the input: a target when everything is valid, else what is wrong (parse, don't validate).
    pub fn parse(&self) -> Result<(ProbeTarget, Vec<String>), TargetProblems> {
        let mut problems = TargetProblems {
            server_fqdn: host_problem(&self.server_fqdn, true),
            pool_fqdn: host_problem(&self.pool_fqdn, false),
            ..TargetProblems::default()
        };
        let port = match self.port.trim().parse::<u16>() {
            Ok(p) if p > 0 => Some(p),
            _ => {
                problems.port =
                    Some("A port number from 1 to 65535 (444 for conferencing)".to_owned());
                None
            }
        };
        let path = self.path.trim();
        if !path.starts_with('/') || path.contains(char::is_whitespace) {
            problems.path = Some("A path starting with /, e.g. /LiveServer/MCUFactory/".to_owned());
        }
        let address = match self.address.trim() {
            "" => None,
            text => match text.parse::<IpAddr>() {
                Ok(ip) => Some(ip),
                Err(_) => {
                    problems.address = Some("An IP address (optional), e.g. 10.0.0.12".to_owned());
                    None
                }
            },
        };
        match port {
            Some(port) if problems == TargetProblems::default() => {
                let expected = if self.pool_fqdn.trim().is_empty() {
                    Vec::new()
                } else {
                    vec![self.pool_fqdn.trim().to_owned()]
                };
                Ok((
                    ProbeTarget {
                        host: self.server_fqdn.trim().to_owned(),
                        port,
                        path: path.to_owned(),
                        address,
                    },
                    expected,
                ))
            }
            _ => Err(problems),
        }
    }
}

/// The local certificate files loaded in step 3.
#[derive(Debug, Default)]
pub struct LocalCertificates {
    /// Every certificate loaded, in order.
    pub certificates: Vec<SourcedCertificate>,
    /// The loaded material (keys stay here, in memory only).
    pub loaded: Vec<Loaded>,
    /// Names of what was loaded, for the list.
    pub sources: Vec<String>,
    /// The analysis of the local certificate (inspect), when one is loaded.
    pub report: Option<Report>,
    /// The last loading error, shown inline.
    pub error: Option<String>,
    /// This computer's certificate stores (Windows: the Local Machine stores), once read.
    pub machine: Option<StoreListing>,
    /// The machine's stores are being read.
    pub machine_reading: bool,
    /// The stores step 3 lists and steps 4-5 use: the machine's (when read) with the loaded files
    /// sorted in like an import. Rebuilt when either changes.
    pub stores: Option<StoreListing>,
    /// The Personal certificate chosen in step 3 (SHA-256); the first usable one when none is chosen.
    pub selected: Option<String>,
    /// What the stores say about themselves: CAs restricted by their purpose setting, no usable
    /// server certificate (the Root store's health is step 7's).
    pub store_findings: Vec<crate::engine::finding::Finding>,
    /// Counts rebuilds of `stores` (the masked view redoes its copy when it changes).
    pub stores_generation: u64,
}

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
                | Msg::StartLab
                | Msg::LookUpPortOwner
                | Msg::CheckRootStore
                | Msg::ReadMachineStore
                | Msg::LogTextChanged
                | Msg::ClearLogText
                | Msg::SelectLocal(_)
                | Msg::RunPool
                | Msg::StartPracticePool
        )
    }
}

/// Step 1's pasted log text and what the matcher made of it.
#[derive(Debug, Default)]
pub struct LogPaste {
    /// The text as pasted.
    pub text: String,
    /// Bumped on every change; a result for an older text is dropped.
    pub generation: u64,
    /// The matcher's result and the generation of the text it read.
    pub analysis: Option<(u64, Arc<crate::engine::logs::LogAnalysis>)>,
    /// Why the matcher could not run.
    pub error: Option<String>,
}

impl LogPaste {
    /// The analysis, when it is of the text as it is now (highlights need the exact text).
    pub fn current(&self) -> Option<&crate::engine::logs::LogAnalysis> {
        self.analysis
            .as_ref()
            .filter(|(g, _)| *g == self.generation)
            .map(|(_, a)| a.as_ref())
    }

    /// The last analysis, even of an older text (lists stay visible while the new one runs).
    pub fn last(&self) -> Option<&crate::engine::logs::LogAnalysis> {
        self.analysis.as_ref().map(|(_, a)| a.as_ref())
    }
}

/// The practice lab: an in-process loopback server playing one failure, so a new admin can walk the
/// famous incident (and the other failures) without a real pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeLab {
    /// The scenario picked in step 1.
    pub scenario: Scenario,
    /// What is running.
    pub state: LabState,
    /// The user's own target, put back when the lab stops (and what is remembered meanwhile).
    pub saved_target: Option<TargetInput>,
}

impl Default for PracticeLab {
    fn default() -> Self {
        PracticeLab {
            scenario: Scenario::ImpostorWebSite,
            state: LabState::Stopped,
            saved_target: None,
        }
    }
}

/// Whether the practice lab runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabState {
    /// Not running.
    Stopped,
    /// Making certificates and starting the server.
    Starting(Scenario),
    /// Listening on 127.0.0.1:port.
    Running {
        /// What it plays.
        scenario: Scenario,
        /// Its port.
        port: u16,
    },
    /// It could not start.
    Failed(String),
}

/// The certificate material of a started lab, as PEM text: loaded into step 3 like the user's own files.
/// (No `Debug`: it holds a private key.)
#[derive(Clone)]
pub struct LabMaterial {
    /// The lab root CA.
    pub root_pem: String,
    /// The calling front end's certificate and its issuing CA.
    pub client_chain_pem: String,
    /// Its key (test material made for this lab run; kept in memory only).
    pub client_key_pem: zeroize::Zeroizing<String>,
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
    /// A saved report is shown (read-only), and where it came from.
    pub opened: Option<crate::gui::session::OpenedReport>,
    /// Host names, addresses, serials and thumbprints are masked on every step and in saved reports.
    pub redact: bool,
    /// The masked view's pseudonyms and masked copies.
    pub(crate) redaction: crate::gui::session::Redaction,
    /// What ran in this session, when, and what it found (the saved report's timeline).
    pub timeline: Vec<crate::engine::report::TimelineEntry>,
}

/// Step 9: the pool's members and the matrix of who accepts whom.
#[derive(Debug, Default)]
pub struct PoolState {
    /// The members as typed, one per line (`host` or `host:port`).
    pub text: String,
    /// The members of the last run (parsed from `text`).
    pub hosts: Vec<String>,
    /// The last run's report.
    pub report: Option<Report>,
    /// A pool run is going on.
    pub running: bool,
    /// The cell whose reasons are shown: (client row, server column).
    pub selected: Option<(usize, usize)>,
    /// Why the members could not be read, shown inline.
    pub error: Option<String>,
    /// The practice pool runs (its members are in `text`).
    pub practice: bool,
    /// Trust anchors besides step 3's roots: the practice pool's two roots.
    pub anchors: Vec<SourcedCertificate>,
}

impl Default for Wizard {
    fn default() -> Self {
        Wizard {
            step: Step::WhatHappened,
            notes: CaseNotes::default(),
            target: TargetInput::default(),
            local: LocalCertificates::default(),
            pfx_password: String::new(),
            pasted_pem: String::new(),
            run: RunState::Idle,
            last_report: None,
            selected_node: None,
            show_local_path: false,
            status: "Enter the server name (step 2) or start the practice lab (step 1), then press Run all checks."
                .to_owned(),
            lab: PracticeLab::default(),
            logs: LogPaste::default(),
            fetch_revocation: true,
            port_owner: None,
            port_owner_looking: false,
            root_store: None,
            root_store_looking: false,
            pool: PoolState::default(),
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
            | Msg::StopPracticePool => false,
        }
    }

    /// Takes a progress event from the running checks.
    pub fn on_event(&mut self, event: ProbeEvent) {
        if self.redact {
            // Names and addresses in progress lines are masked before the report names them.
            match &event {
                ProbeEvent::Contacting { urls, .. } => {
                    for url in urls {
                        self.learn_loose(url);
                    }
                }
                ProbeEvent::Finished { summary, .. } => self.learn_loose(summary),
                ProbeEvent::Started { .. } => {}
            }
        }
        if let RunState::Running {
            finished,
            current,
            contacting,
        } = &mut self.run
        {
            match event {
                ProbeEvent::Contacting { step, urls } => {
                    self.status = format!("{}: contacting {}", step.label(), urls.join(", "));
                    contacting.extend(urls);
                }
                ProbeEvent::Started { step } => {
                    *current = Some(step);
                    self.status = format!("{}…", step.label());
                }
                ProbeEvent::Finished { step, summary, .. } => {
                    self.status = format!("{}: {summary}", step.label());
                    finished.push((step, summary));
                    if *current == Some(step) {
                        *current = None;
                    }
                }
            }
        }
    }

    /// Takes the finished report and moves to the verdict.
    pub fn on_done(&mut self, report: Report) {
        if self.refuses_results() {
            return;
        }
        let report = Arc::new(report);
        self.status = format!("Checks finished: {}", report.verdict.summary);
        self.timeline.extend(report.timeline.iter().cloned());
        self.last_report = Some(Arc::clone(&report));
        self.run = RunState::Done(report);
        self.selected_node = None;
        self.step = Step::Verdict;
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

    /// The status of a step for the step list.
    pub fn step_status(&self, step: Step) -> StepStatus {
        let worst = |prefixes: &[&str]| -> Option<Severity> {
            self.report().map(|r| {
                r.findings
                    .iter()
                    .filter(|f| prefixes.iter().any(|p| f.id.starts_with(p)))
                    .map(|f| f.severity)
                    .min()
                    .unwrap_or(Severity::Pass)
            })
        };
        let done = |s: Option<Severity>| s.map_or(StepStatus::NotRun, StepStatus::Done);
        match step {
            Step::WhatHappened => StepStatus::NotRun,
            Step::Server => match self.target.parse() {
                Ok(_) => StepStatus::Done(Severity::Pass),
                Err(_) if self.target.server_fqdn.is_empty() => StepStatus::NotRun,
                Err(_) => StepStatus::Done(Severity::Fail),
            },
            Step::LocalCertificate => match &self.local.report {
                Some(r) => StepStatus::Done(r.verdict.status),
                None if self.local.error.is_some() => StepStatus::Done(Severity::Fail),
                None => StepStatus::NotRun,
            },
            _ if self.is_running() => StepStatus::Running,
            Step::CertificationPath => done(worst(&[
                "chain.",
                "revocation.",
                "cert.expired",
                "cert.not-yet",
                "cert.weak",
                "cert.name",
            ])),
            Step::Purposes => done(worst(&[
                "chain.ca-restricts",
                "cert.server-auth",
                "cert.client-auth",
                "chain.purposes",
            ])),
            Step::Port => done(worst(&[
                "port.",
                "http.",
                "tls.no-client",
                "tls.legacy",
                "tls.handshake",
            ])),
            Step::MutualTls => {
                let tried = self
                    .report()
                    .and_then(|r| r.probe.as_ref())
                    .is_some_and(|p| p.mutual_tls.is_some());
                let judged = self.report().is_some_and(|r| {
                    r.findings
                        .iter()
                        .any(|f| f.id.starts_with("tls.client") || f.id == "tls.remote-closed")
                });
                if tried || judged {
                    done(worst(&["tls.mtls", "tls.client", "tls.remote"]))
                } else if self.report().is_some() {
                    StepStatus::Skipped
                } else {
                    StepStatus::NotRun
                }
            }
            Step::Verdict => self
                .report()
                .map_or(StepStatus::NotRun, |r| StepStatus::Done(r.verdict.status)),
            Step::Pool if self.pool.running => StepStatus::Running,
            Step::Pool => self
                .pool
                .report
                .as_ref()
                .map_or(StepStatus::NotRun, |r| StepStatus::Done(r.verdict.status)),
        }
    }
}

impl Wizard {
    /// Why the last run did not try mutual TLS, in words (None when it did, or nothing ran).
    pub fn mutual_tls_not_tried_reason(&self) -> Option<String> {
        let report = self.report()?;
        let probe = report.probe.as_ref()?;
        if probe.mutual_tls.is_some() {
            return None;
        }
        let has_key = self.local.loaded.iter().any(|l| !l.keys.is_empty());
        let asked = probe.handshake.as_ref().map(|h| h.certificate_requested);
        Some(match asked {
            _ if probe.cancelled => "Mutual TLS was not tried: the checks were cancelled.".to_owned(),
            None => "Mutual TLS was not tried: no TLS handshake with the server completed (see step 6)."
                .to_owned(),
            Some(false) => "Mutual TLS was not tried: the server did not ask for a client certificate, \
                 so there was nothing to present. A conferencing endpoint on this port must ask; step 6 \
                 shows what answers instead."
                .to_owned(),
            Some(true) if !has_key => "Mutual TLS was not tried: no client certificate with its private \
                 key is loaded. In step 3, load this server's certificate with its key (a .pfx exported \
                 with the private key, or PEM certificate + key)."
                .to_owned(),
            Some(true) => "Mutual TLS was not tried: the loaded key has no matching certificate among \
                 the files in step 3."
                .to_owned(),
        })
    }
}

/// Step 1's log paste: results of the matcher, and what they suggest.
impl Wizard {
    /// Takes the matcher's result for the text of `generation`; older results are dropped.
    pub fn on_logs_analysed(
        &mut self,
        generation: u64,
        result: Result<crate::engine::logs::LogAnalysis, String>,
    ) {
        if self.refuses_results() {
            return;
        }
        if generation != self.logs.generation {
            return;
        }
        match result {
            Ok(analysis) => {
                self.logs.error = None;
                self.note(
                    "Read the pasted log",
                    &format!(
                        "{} lines, {} known signal(s)",
                        analysis.lines,
                        analysis.signals.len()
                    ),
                );
                if let Some(top) = analysis.hypotheses.first() {
                    self.status = format!(
                        "The log points first at: {} (step {}).",
                        top.title.trim().trim_end_matches('.'),
                        top.step
                    );
                }
                self.logs.analysis = Some((generation, Arc::new(analysis)));
            }
            Err(e) => self.logs.error = Some(e),
        }
    }

    /// The pasted log's top causes, each with the finding of the last run that confirms it (None: the
    /// checks did not confirm it). Empty without both a log and a run.
    pub fn log_causes_checked(
        &self,
    ) -> Vec<(
        &crate::engine::logs::RankedHypothesis,
        Option<&crate::engine::finding::Finding>,
    )> {
        let (Some(logs), Some(report)) = (self.logs.last(), self.report()) else {
            return Vec::new();
        };
        logs.hypotheses
            .iter()
            .take(3)
            .map(|h| {
                // Only a failure confirms: a warning such as an unverifiable chain (no roots given) is
                // not proof of the cause.
                let confirming = report
                    .findings
                    .iter()
                    .find(|f| f.severity == Severity::Fail && h.confirmed_by.contains(&f.id));
                (h, confirming)
            })
            .collect()
    }

    /// The steps the pasted log suggests checking first (the top two hypotheses' steps), with why.
    pub fn suspected_steps(&self) -> Vec<(Step, String)> {
        let Some(analysis) = self.logs.last() else {
            return Vec::new();
        };
        let mut out: Vec<(Step, String)> = Vec::new();
        for h in analysis.hypotheses.iter().take(2) {
            let Some(step) = Step::ALL
                .get(usize::from(h.step).saturating_sub(1))
                .copied()
            else {
                continue;
            };
            if !out.iter().any(|(s, _)| *s == step) {
                out.push((step, h.title.clone()));
            }
        }
        out
    }
}

/// The practice lab's effect on the wizard: it fills the target and step 3, and gives them back.
impl Wizard {
    /// The lab is being started with the picked scenario.
    pub fn on_lab_starting(&mut self) {
        self.lab.state = LabState::Starting(self.lab.scenario);
        self.status = format!(
            "Starting the practice lab: {}…",
            self.lab.scenario.description()
        );
    }

    /// The lab server listens on 127.0.0.1:`port`: aim the target at it and load its certificates
    /// (the calling front end's certificate, key and issuing CA, and the lab root) into step 3.
    pub fn on_lab_started(&mut self, scenario: Scenario, port: u16, material: &LabMaterial) {
        if self.refuses_results() {
            return;
        }
        if self.lab.saved_target.is_none() {
            self.lab.saved_target = Some(self.target.clone());
        }
        self.target = TargetInput {
            server_fqdn: LAB_HOST.to_owned(),
            pool_fqdn: String::new(),
            port: port.to_string(),
            path: DEFAULT_PATH.to_owned(),
            address: "127.0.0.1".to_owned(),
        };
        self.clear_local();
        self.forget_results();
        // The key first, so that the client certificate arrives with its key and is the one chosen
        // (on Windows the machine's own certificates are listed too).
        for (name, text) in [
            ("lab-client.key", material.client_key_pem.as_str()),
            ("lab-client.pem", material.client_chain_pem.as_str()),
            ("lab-root.pem", material.root_pem.as_str()),
        ] {
            let result = crate::engine::load::load_bytes(name, text.as_bytes(), None);
            self.add_loaded(name, result);
        }
        self.lab.state = LabState::Running { scenario, port };
        self.status = format!(
            "Practice lab on 127.0.0.1:{port}: {}. Press Run all checks.",
            scenario.description()
        );
    }

    /// The lab could not start.
    pub fn on_lab_failed(&mut self, error: String) {
        self.status = format!("The practice lab could not start: {error}");
        self.lab.state = LabState::Failed(error);
    }

    /// The lab stopped: the user's own target comes back, the lab's certificates and results go.
    pub fn on_lab_stopped(&mut self) {
        if let Some(target) = self.lab.saved_target.take() {
            self.target = target;
        }
        if matches!(self.lab.state, LabState::Running { .. }) {
            self.clear_local();
            self.forget_results();
        }
        self.lab.state = LabState::Stopped;
        self.status = "Practice lab stopped.".to_owned();
    }

    /// The target worth remembering between sessions: never the lab's.
    pub fn target_to_remember(&self) -> &TargetInput {
        self.lab.saved_target.as_ref().unwrap_or(&self.target)
    }

    fn forget_results(&mut self) {
        if !self.is_running() {
            self.run = RunState::Idle;
        }
        self.last_report = None;
        self.selected_node = None;
    }
}

/// How step 3's message starts when the chosen certificate's store key cannot be used.
const KEY_ERROR_PREFIX: &str = "The chosen certificate cannot be presented for mutual TLS: ";

/// Step 3 and the checks share these: loading local files and building a check.
impl Wizard {
    /// Records the result of loading one file (or pasted text) and re-inspects the local certificate.
    pub fn add_loaded(
        &mut self,
        name: &str,
        result: Result<Loaded, crate::engine::load::LoadError>,
    ) {
        if self.refuses_results() {
            return;
        }
        match result {
            Ok(loaded) => {
                self.local.error = None;
                self.note(
                    "Loaded a certificate file",
                    &format!(
                        "{name}: {} certificate(s), {} key(s)",
                        loaded.certificates.len(),
                        loaded.keys.len()
                    ),
                );
                self.local.sources.push(format!(
                    "{name}: {} certificate(s){}",
                    loaded.certificates.len(),
                    if loaded.keys.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ", {} private key(s) (kept in memory only)",
                            loaded.keys.len()
                        )
                    }
                ));
                self.local
                    .certificates
                    .extend(loaded.certificates.iter().cloned());
                let new_certificates: Vec<String> = loaded
                    .certificates
                    .iter()
                    .filter_map(|c| crate::engine::cert::CertificateFacts::from_der(&c.der).ok())
                    .map(|f| f.sha256)
                    .collect();
                self.local.loaded.push(loaded);
                self.rebuild_stores();
                // What was just loaded is examined: its Personal certificate with a key, or any of
                // its Personal certificates when the one chosen so far has no key.
                let current_has_key = self.selected_local().is_some_and(|c| c.has_private_key);
                let pick = self.local.stores.as_ref().and_then(|stores| {
                    stores
                        .personal(time::OffsetDateTime::now_utc())
                        .into_iter()
                        .filter(|c| new_certificates.contains(&c.sha256))
                        .find(|c| c.has_private_key || !current_has_key)
                        .map(|c| c.sha256.clone())
                });
                if pick.is_some() {
                    self.local.selected = pick;
                }
                self.refresh_local_report();
            }
            Err(err) => self.local.error = Some(err.to_string()),
        }
        // The password has done its job: do not keep it around.
        self.pfx_password.clear();
    }

    /// Forgets every local file (the machine's stores stay).
    pub fn clear_local(&mut self) {
        let machine = self.local.machine.take();
        self.local = LocalCertificates {
            machine,
            ..LocalCertificates::default()
        };
        self.rebuild_stores();
        self.refresh_local_report();
    }

    /// Takes this computer's certificate stores, read off the UI thread.
    pub fn on_machine_store(&mut self, listing: StoreListing) {
        self.local.machine_reading = false;
        if self.refuses_results() {
            return;
        }
        self.status = format!("Certificate stores read: {}", listing.summary());
        self.note(
            "Read this computer's certificate stores",
            &listing.summary(),
        );
        self.local.machine = Some(listing);
        self.rebuild_stores();
        self.refresh_local_report();
    }

    /// Chooses the Personal certificate to examine (and to present in mutual TLS when its key is
    /// here).
    pub fn select_local(&mut self, sha256: &str) {
        self.local.selected = Some(sha256.to_owned());
        self.clear_key_error();
        self.refresh_local_report();
    }

    /// The Personal certificate being examined: the one chosen, else the first usable one, else the
    /// first listed.
    pub fn selected_local(&self) -> Option<&StoreCertificate> {
        let stores = self.local.stores.as_ref()?;
        let now = time::OffsetDateTime::now_utc();
        let personal = stores.personal(now);
        self.local
            .selected
            .as_deref()
            .and_then(|sha| personal.iter().find(|c| c.sha256 == sha).copied())
            .or_else(|| personal.first().copied())
    }

    /// The certificate the checked server presented, when it is one of the Personal store's (the
    /// certificate bound to the pool on that port).
    pub fn presented_local(&self) -> Option<&StoreCertificate> {
        let presented = self.last_report.as_deref()?.certificate.as_ref()?;
        self.local
            .stores
            .as_ref()?
            .of(crate::engine::store::StoreName::Personal)
            .find(|c| c.sha256 == presented.sha256)
    }

    /// HTTP.SYS bindings (step 6's lookup on this computer) whose certificate is `certificate`: the
    /// certificate bound to the conferencing port.
    pub fn http_sys_bindings_of(&self, certificate: &StoreCertificate) -> Vec<String> {
        self.port_owner_report()
            .and_then(|r| r.port_owner.as_ref())
            .map(|facts| {
                facts
                    .http_sys
                    .iter()
                    .filter(|b| {
                        b.certificate_hash
                            .eq_ignore_ascii_case(&certificate.thumbprint_sha1)
                    })
                    .map(|b| b.ip_port.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn rebuild_stores(&mut self) {
        let files = (!self.local.loaded.is_empty()).then(|| {
            crate::engine::store::snapshot(&crate::engine::store::files::FileStore::new(
                "the files loaded in step 3",
                &self.local.loaded,
            ))
        });
        self.local.stores_generation += 1;
        self.local.stores = match (self.local.machine.clone(), files) {
            (Some(machine), Some(files)) => Some(machine.merged(files)),
            (Some(machine), None) => Some(machine),
            (None, files) => files,
        };
        use crate::engine::finding::ids;
        self.local.store_findings = self
            .local
            .stores
            .as_ref()
            .map(|stores| {
                crate::engine::store::judge(stores, time::OffsetDateTime::now_utc())
                    .into_iter()
                    .filter(|f| {
                        f.id == ids::STORE_CA_PURPOSES_RESTRICTED
                            || f.id == ids::STORE_NO_SERVER_CERTIFICATE
                    })
                    .collect()
            })
            .unwrap_or_default();
    }

    /// The roots the user trusts: the machine's Trusted Root store (when read) and the self-signed
    /// CA certificates among the local files.
    pub fn local_trust_anchors(&self) -> Vec<SourcedCertificate> {
        self.local
            .stores
            .as_ref()
            .map(StoreListing::trust_anchors)
            .unwrap_or_default()
    }

    /// The inspection of the local certificates (None when none is loaded).
    fn local_inspect_request(&self) -> Option<crate::engine::inspect::InspectRequest> {
        let selected = self.selected_local();
        if self.local.certificates.is_empty() && selected.is_none() {
            return None;
        }
        // The local certificate is this server's; the server being checked may be another pool member,
        // so only the pool FQDN (which every pool certificate carries) is expected on it.
        let names = self
            .target
            .parse()
            .map(|(_, expected)| expected)
            .unwrap_or_default();
        let at = time::OffsetDateTime::now_utc();
        // Like MMC: the chosen Personal certificate, its path from the Intermediate store and the
        // files, anchored in the Trusted Root store, with the stores' purpose settings.
        if let (Some(stores), Some(subject)) = (&self.local.stores, selected) {
            return Some(stores.inspect_request(subject, &self.local.certificates, names, at));
        }
        Some(crate::engine::inspect::InspectRequest {
            certificates: self.local.certificates.clone(),
            trust_anchors: self.local_trust_anchors(),
            expected_names: names,
            at,
            inputs: Vec::new(),
            store_purposes: Default::default(),
            purpose: Default::default(),
        })
    }

    /// The port step 6 looks up on this computer: the target's, or 444.
    pub fn port_to_look_up(&self) -> u16 {
        self.target
            .port
            .trim()
            .parse()
            .ok()
            .filter(|p| *p > 0)
            .unwrap_or(crate::engine::probe::DEFAULT_PORT)
    }

    /// Takes the result of a port-owner lookup.
    pub fn on_port_owner(&mut self, facts: crate::engine::port_owner::PortOwnerFacts) {
        self.port_owner_looking = false;
        if self.refuses_results() {
            return;
        }
        let report = Report::for_port_owner(facts, time::OffsetDateTime::now_utc());
        self.status = format!("Port owner: {}", report.verdict.summary);
        self.note(
            "Who listens on the port (this computer)",
            &report.verdict.summary,
        );
        self.port_owner = Some(report);
    }

    /// Takes the judged Root store (or why it could not be read).
    pub fn on_root_store(&mut self, result: Result<Report, String>) {
        self.root_store_looking = false;
        if self.refuses_results() {
            return;
        }
        match result {
            Ok(report) => {
                self.status = format!("Trusted Root store: {}", report.verdict.summary);
                self.note("Trusted Root store health", &report.verdict.summary);
                self.root_store = Some(report);
            }
            Err(e) => self.status = format!("The Trusted Root store could not be read: {e}"),
        }
    }

    /// The local certificate's inspection to fetch with Run all checks, when revocation is checked.
    pub fn local_fetch_request(&self) -> Option<crate::engine::inspect::InspectRequest> {
        self.local_inspect_request()
            .filter(|_| self.fetch_revocation)
    }

    /// Inspects the chosen local certificate again (the stores are rebuilt by whoever changed them).
    fn refresh_local_report(&mut self) {
        let Some(request) = self.local_inspect_request() else {
            self.local.report = None;
            return;
        };
        match crate::engine::inspect::inspect(&request) {
            Ok(report) => self.local.report = Some(report),
            Err(err) => self.local.error = Some(err.to_string()),
        }
    }

    /// Forgets the last "cannot be presented" message (a new choice or a new run decides again).
    fn clear_key_error(&mut self) {
        if self
            .local
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with(KEY_ERROR_PREFIX))
        {
            self.local.error = None;
        }
    }

    /// The check to run for the current inputs (None when the target is invalid).
    pub fn check_request(&mut self) -> Option<crate::engine::check::CheckRequest> {
        self.clear_key_error();
        let (target, expected_names) = self.target.parse().ok()?;
        // The client identity: a file that came with its key (PFX, or PEM with the key), else a key
        // file and the certificates loaded beside it (leaf first). rustls checks the pair before use.
        let not_root = |c: &SourcedCertificate| {
            crate::engine::cert::CertificateFacts::from_der(&c.der)
                .is_ok_and(|f| !(f.self_signed && f.is_ca))
        };
        let is_leaf = |c: &SourcedCertificate| {
            crate::engine::cert::CertificateFacts::from_der(&c.der).is_ok_and(|f| !f.is_ca)
        };
        let chain_of = |certs: &[SourcedCertificate]| -> Vec<Arc<[u8]>> {
            let mut chain: Vec<&SourcedCertificate> =
                certs.iter().filter(|c| not_root(c)).collect();
            chain.sort_by_key(|c| !is_leaf(c));
            chain.into_iter().map(|c| Arc::clone(&c.der)).collect()
        };
        let all_certs = self.local.certificates.clone();
        // The certificate chosen in step 3 with its path, when its key is here: loaded with it from a
        // file, or kept by the Windows store (signing through CNG, never exported).
        let mut store_key_error = None;
        let chosen = self.selected_local().and_then(|c| {
            let key: crate::engine::probe::ClientKey =
                match crate::engine::store::files::FileStore::key_for(&self.local.loaded, &c.der) {
                    Some(key) => key.into(),
                    None => match crate::engine::store::store_signing_key(c) {
                        Ok(Some(key)) => crate::engine::probe::ClientKey::Store(key),
                        Ok(None) => return None,
                        Err(e) => {
                            store_key_error = Some(format!("{}: {e}", c.display_name));
                            return None;
                        }
                    },
                };
            let stores = self.local.stores.as_ref()?;
            let chain = stores.client_chain(c, &all_certs, time::OffsetDateTime::now_utc());
            Some((chain, key))
        });
        if let Some(error) = store_key_error {
            let message = format!("{KEY_ERROR_PREFIX}{error}");
            self.local.error = Some(message.clone());
            self.status = message;
        }
        // With a certificate chosen in step 3, that one is presented or none: never another file's.
        let chosen_exists = self.selected_local().is_some();
        // Each run gets its own copy of the key (zeroed when the run ends), so checks can be re-run.
        let identity = chosen
            .or_else(|| {
                if chosen_exists {
                    return None;
                }
                match self
                    .local
                    .loaded
                    .iter()
                    .find(|l| !l.keys.is_empty() && !l.certificates.is_empty())
                {
                    Some(l) => l
                        .keys
                        .last()
                        .cloned()
                        .map(|key| (chain_of(&l.certificates), key.into())),
                    None => self
                        .local
                        .loaded
                        .iter()
                        .find_map(|l| l.keys.last().cloned())
                        .map(|key| (chain_of(&all_certs), key.into())),
                }
            })
            .filter(|(chain, _)| !chain.is_empty())
            .map(|(chain, key)| Arc::new(crate::engine::probe::ClientIdentity { chain, key }));
        // Compare with the local certificate only when it is this server's own (it carries the name
        // being checked): checking another pool member presents another certificate, rightly.
        let host = target.host.clone();
        let carries_host = |c: &SourcedCertificate| {
            crate::engine::cert::CertificateFacts::from_der(&c.der).is_ok_and(|f| {
                !f.is_ca
                    && !crate::engine::names::check_names(&f, std::slice::from_ref(&host))
                        .iter()
                        .all(|n| !n.matched())
            })
        };
        // The certificate chosen in step 3 first (it may come from the machine's store), then files.
        let local_certificate = self
            .selected_local()
            .map(StoreCertificate::sourced)
            .into_iter()
            .chain(self.local.certificates.iter().cloned())
            .find(|c| carries_host(c));
        Some(crate::engine::check::CheckRequest {
            plan: crate::engine::probe::ProbePlan {
                target,
                timeout: crate::engine::probe::DEFAULT_TIMEOUT,
                identity,
            },
            trust_anchors: self.local_trust_anchors(),
            expected_names,
            local_certificate,
            client_chain: {
                let mut chain = self.local.certificates.clone();
                if let Some(stores) = &self.local.stores {
                    chain.extend(stores.intermediates());
                    chain.extend(stores.trust_anchors());
                }
                chain
            },
            at: time::OffsetDateTime::now_utc(),
            inputs: Vec::new(),
            fetch: self
                .fetch_revocation
                .then(crate::engine::revocation::FetchOptions::default),
        })
    }

    /// A Markdown summary for the ticket: target, case notes, verdict, findings with fixes.
    pub fn summary_markdown(&self) -> String {
        let mut out = String::from("# certwiz summary\n\n");
        let t = &self.target;
        out.push_str(&format!(
            "- Server: {} port {} path {}\n",
            t.server_fqdn.trim(),
            t.port.trim(),
            t.path.trim()
        ));
        if !t.pool_fqdn.trim().is_empty() {
            out.push_str(&format!("- Pool: {}\n", t.pool_fqdn.trim()));
        }
        out.push_str(&format!("- Symptom: {}\n", self.notes.symptom.label()));
        if let Some(logs) = self.logs.last() {
            for signal in &logs.signals {
                out.push_str(&format!(
                    "- Log: {} ×{}: {}\n",
                    signal.label, signal.count, signal.title
                ));
            }
            if let Some(top) = logs.hypotheses.first() {
                out.push_str(&format!(
                    "- The log points first at: {} (step {})\n",
                    top.title.trim().trim_end_matches('.'),
                    top.step
                ));
            }
        }
        for (q, a) in [
            ("Did it ever work?", &self.notes.ever_worked),
            ("When did it stop?", &self.notes.when_stopped),
            ("What changed?", &self.notes.what_changed),
        ] {
            if !a.trim().is_empty() {
                out.push_str(&format!("- {q} {}\n", a.trim()));
            }
        }
        match self.report() {
            Some(r) => {
                out.push_str(&format!(
                    "\n## Verdict: {}\n\n{}\n",
                    r.verdict.status.as_str().to_uppercase(),
                    r.verdict.summary
                ));
                if let Some(next) = &r.verdict.next_step {
                    out.push_str(&format!("\n**What to do:** {next}\n"));
                }
                out.push_str("\n## Findings\n\n");
                out.push_str(&crate::engine::report::findings_markdown(&r.findings));
            }
            None => out.push_str("\nNo checks run yet.\n"),
        }
        let causes = self.log_causes_checked();
        if !causes.is_empty() {
            out.push_str("\n## What the pasted log suggested\n\n");
            for (h, confirming) in causes {
                match confirming {
                    Some(f) => {
                        out.push_str(&format!("- Confirmed: {} (`{}`)\n", h.title.trim(), f.id))
                    }
                    None => out.push_str(&format!(
                        "- Not confirmed by these checks: {}\n",
                        h.title.trim()
                    )),
                }
            }
        }
        out.push_str(&format!("\n_certwiz {}_\n", env!("CARGO_PKG_VERSION")));
        crate::engine::report::markdown_safe(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_is_enabled_exactly_when_the_target_is_valid() {
        let mut w = Wizard::default();
        assert!(!w.can_run());
        w.target.server_fqdn = "ocs1.contoso.com".into();
        assert!(w.can_run());
        w.target.port = "70000".into();
        assert!(!w.can_run());
        let problems = w.target.parse().unwrap_err();
        assert!(problems.port.is_some() && problems.server_fqdn.is_none());
        w.target.port = "444".into();
        w.target.address = "10.0.0.300".into();
        assert!(w.target.parse().unwrap_err().address.is_some());
        w.target.address = "10.0.0.12".into();
        let (target, names) = w.target.parse().expect("valid");
        assert_eq!(target.address, Some("10.0.0.12".parse().expect("ip")));
        assert!(names.is_empty());
        w.target.server_fqdn = "bad name!".into();
        assert!(w.target.parse().unwrap_err().server_fqdn.is_some());
    }

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
        assert_eq!(Step::Port.title(), "Port 444");
    }

    fn lab_material() -> LabMaterial {
        let pki = crate::lab::LabPki::generate().expect("lab pki");
        LabMaterial {
            root_pem: pki.root_pem.clone(),
            client_chain_pem: pki.client.chain_pem.clone(),
            client_key_pem: zeroize::Zeroizing::new(pki.client.key_pem.clone()),
        }
    }

    #[test]
    fn the_practice_lab_fills_the_target_and_gives_the_users_own_back() {
        let mut w = Wizard::default();
        w.target.server_fqdn = "ocs1.contoso.com".into();
        w.target.port = "5061".into();
        w.apply(Msg::StartLab);
        w.on_lab_starting();
        assert_eq!(
            w.lab.state,
            LabState::Starting(Scenario::ImpostorWebSite),
            "the famous incident is the default"
        );
        w.on_lab_started(Scenario::ImpostorWebSite, 40444, &lab_material());
        assert_eq!(w.target.server_fqdn, LAB_HOST);
        assert_eq!(w.target.port, "40444");
        assert_eq!(w.target.address, "127.0.0.1");
        assert!(w.can_run());
        // Step 3 holds the calling server's certificate, its key and the lab root (a trust anchor).
        assert_eq!(w.local.sources.len(), 3);
        assert_eq!(w.local_trust_anchors().len(), 1);
        let request = w.check_request().expect("request");
        assert!(request.plan.identity.is_some(), "mutual TLS will be tried");
        // What is remembered meanwhile is the user's own target, never the lab's.
        assert_eq!(w.target_to_remember().server_fqdn, "ocs1.contoso.com");
        w.on_lab_stopped();
        assert_eq!(w.target.server_fqdn, "ocs1.contoso.com");
        assert_eq!(w.target.port, "5061");
        assert!(w.local.certificates.is_empty());
        assert_eq!(w.lab.state, LabState::Stopped);
    }

    #[test]
    fn a_lab_that_cannot_start_says_why() {
        let mut w = Wizard::default();
        w.on_lab_starting();
        w.on_lab_failed("lab: address in use".into());
        assert!(w.status.contains("could not start: lab: address in use"));
        assert!(matches!(w.lab.state, LabState::Failed(_)));
        // Nothing of the user's was touched.
        w.on_lab_stopped();
        assert_eq!(w.target, TargetInput::default());
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

    #[test]
    fn a_stale_log_result_is_dropped_and_the_top_causes_mark_their_steps() {
        let mut w = Wizard::default();
        w.logs.text = "Event ID: 32068".into();
        w.apply(Msg::LogTextChanged);
        let first = w.logs.generation;
        let analysis = crate::engine::logs::analyse(&w.logs.text).expect("kb");
        // The user typed on before the result came back: it is for an older text.
        w.apply(Msg::LogTextChanged);
        w.on_logs_analysed(first, Ok(analysis.clone()));
        assert!(w.logs.last().is_none());
        w.on_logs_analysed(w.logs.generation, Ok(analysis));
        assert!(w.logs.current().is_some());
        let steps: Vec<Step> = w.suspected_steps().into_iter().map(|(s, _)| s).collect();
        assert_eq!(
            steps.first(),
            Some(&Step::Verdict),
            "32068 points at the database (step 8)"
        );
        w.apply(Msg::ClearLogText);
        assert!(w.logs.last().is_none() && w.suspected_steps().is_empty());
    }
}
