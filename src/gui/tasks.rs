//! Background work for the GUI, in one registry (as rerun's viewer keeps its `BackgroundTasks`): a job
//! is one [`Job`] variant holding its inputs, started through [`BackgroundJobs::spawn`] (a thread, and
//! the window's waker `ctx.request_repaint` when it ends), and polled once per frame by
//! [`BackgroundJobs::poll`], which hands back each finished job as one [`JobDone`] (its result type in
//! the variant). Nothing here blocks a frame: each frame only drains channels.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use crate::engine::check::{CheckRequest, check_fetching_own};
use crate::engine::inspect::InspectRequest;
use crate::engine::logs::{LogAnalysis, LogError};
use crate::engine::pool::PoolRequest;
use crate::engine::port_owner::PortOwnerFacts;
use crate::engine::probe::{CancelFlag, ProbeEvent, Progress};
use crate::engine::report::{Report, ReportFileError};
use crate::engine::store::StoreListing;
use crate::gui::errors::RootStoreError;
use crate::lab::{LabError, LabServer, PracticePool, Scenario};

/// A background job and its inputs: one variant per kind of work the window does off the UI thread.
pub enum Job {
    /// Run all checks on `request`; with `local` (the local certificate, when revocation is checked),
    /// its path's intermediates and revocation are fetched after the check and join its report.
    Check {
        /// The check.
        request: Box<CheckRequest>,
        /// The local certificate's inspection to fetch.
        local: Option<Box<InspectRequest>>,
    },
    /// The native "open a certificate file" dialog.
    PickCertificateFile,
    /// The native "save the report" dialog, proposing `file_name`.
    PickSaveFile {
        /// The proposed file name.
        file_name: String,
    },
    /// The native "open a saved report" dialog.
    PickReportFile,
    /// Read a saved report (up to 64 MiB of JSON).
    OpenReport {
        /// The file.
        path: PathBuf,
    },
    /// Start the practice lab playing `scenario` (certificates are made, a port is bound).
    StartLab {
        /// The failure it plays.
        scenario: Scenario,
    },
    /// Start the practice pool's three servers.
    StartPracticePool,
    /// Run the log matcher on pasted text of `generation`.
    ReadLogs {
        /// The generation of the text (a result for an older one is dropped by the wizard).
        generation: u64,
        /// The text.
        text: String,
    },
    /// Ask the operating system who listens on `port` (it reads every process's sockets).
    LookUpPortOwner {
        /// The port.
        port: u16,
    },
    /// Read and judge this computer's Trusted Root store.
    CheckRootStore,
    /// Read this computer's certificate stores (CryptoAPI may touch the registry, disk and smart-card
    /// providers).
    ReadMachineStore,
    /// Probe the pool's members at once and judge who trusts whom.
    CheckPool {
        /// The members and trust anchors.
        request: Box<PoolRequest>,
        /// Names every member's certificate must carry.
        expected_names: Vec<String>,
    },
    /// Check a federation partner (SRV record, every access edge at once).
    CheckFederation {
        /// The check.
        request: Box<crate::engine::federation::FederationRequest>,
        /// Load this computer's trust store as the anchors first (no root in step 3).
        system_roots: bool,
    },
}

/// Which job: at most one of each kind runs at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JobKind {
    /// [`Job::Check`].
    Check,
    /// [`Job::PickCertificateFile`].
    PickCertificateFile,
    /// [`Job::PickSaveFile`].
    PickSaveFile,
    /// [`Job::PickReportFile`].
    PickReportFile,
    /// [`Job::OpenReport`].
    OpenReport,
    /// [`Job::StartLab`].
    StartLab,
    /// [`Job::StartPracticePool`].
    StartPracticePool,
    /// [`Job::ReadLogs`].
    ReadLogs,
    /// [`Job::LookUpPortOwner`].
    LookUpPortOwner,
    /// [`Job::CheckRootStore`].
    CheckRootStore,
    /// [`Job::ReadMachineStore`].
    ReadMachineStore,
    /// [`Job::CheckPool`].
    CheckPool,
    /// [`Job::CheckFederation`].
    CheckFederation,
}

impl JobKind {
    /// Whether the job waits for the user in a native dialog (it does not count as busy: tests and
    /// the status line wait for work, not for a person).
    fn is_dialog(self) -> bool {
        matches!(
            self,
            JobKind::PickCertificateFile | JobKind::PickSaveFile | JobKind::PickReportFile
        )
    }
}

impl Job {
    /// The job's kind.
    pub fn kind(&self) -> JobKind {
        match self {
            Job::Check { .. } => JobKind::Check,
            Job::PickCertificateFile => JobKind::PickCertificateFile,
            Job::PickSaveFile { .. } => JobKind::PickSaveFile,
            Job::PickReportFile => JobKind::PickReportFile,
            Job::OpenReport { .. } => JobKind::OpenReport,
            Job::StartLab { .. } => JobKind::StartLab,
            Job::StartPracticePool => JobKind::StartPracticePool,
            Job::ReadLogs { .. } => JobKind::ReadLogs,
            Job::LookUpPortOwner { .. } => JobKind::LookUpPortOwner,
            Job::CheckRootStore => JobKind::CheckRootStore,
            Job::ReadMachineStore => JobKind::ReadMachineStore,
            Job::CheckPool { .. } => JobKind::CheckPool,
            Job::CheckFederation { .. } => JobKind::CheckFederation,
        }
    }

    /// Does the work (on the job's own thread).
    fn run(self, cancel: &CancelFlag, progress: &Progress) -> JobDone {
        match self {
            Job::Check { request, local } => {
                let (report, local) =
                    check_fetching_own(&request, local.as_deref(), cancel, progress);
                JobDone::Checked(Box::new(report), local.map(Box::new))
            }
            Job::PickCertificateFile => JobDone::CertificateFilePicked(pick_certificate_file()),
            Job::PickSaveFile { file_name } => JobDone::SaveFilePicked(
                rfd::FileDialog::new()
                    .set_title("Save report")
                    .set_file_name(file_name)
                    .add_filter("Web page (for the ticket)", &["html"])
                    .add_filter("Markdown (for a ticket or chat)", &["md"])
                    .add_filter("certwiz report (opens again in certwiz)", &["json"])
                    .save_file(),
            ),
            Job::PickReportFile => JobDone::ReportFilePicked(
                rfd::FileDialog::new()
                    .set_title("Open a saved certwiz report")
                    .add_filter("certwiz report", &["json"])
                    .add_filter("All files", &["*"])
                    .pick_file(),
            ),
            Job::OpenReport { path } => JobDone::ReportOpened(
                crate::engine::report::read_report(&path)
                    .map(|report| (Box::new(report), path.display().to_string())),
            ),
            Job::StartLab { scenario } => {
                JobDone::LabStarted(LabServer::start(scenario).map(Box::new))
            }
            Job::StartPracticePool => {
                JobDone::PracticePoolStarted(PracticePool::start().map(Box::new))
            }
            Job::ReadLogs { generation, text } => JobDone::LogsRead {
                generation,
                result: crate::engine::logs::analyse(&text),
            },
            Job::LookUpPortOwner { port } => {
                JobDone::PortOwnerFound(crate::engine::port_owner::look(port))
            }
            Job::CheckRootStore => JobDone::RootStoreChecked(root_store_report().map(Box::new)),
            Job::ReadMachineStore => {
                let store = crate::engine::store::this_computer();
                JobDone::MachineStoreRead(Box::new(crate::engine::store::snapshot(store.as_ref())))
            }
            Job::CheckPool {
                request,
                expected_names,
            } => JobDone::PoolChecked(Box::new(crate::engine::pool::pool_report_expecting(
                &request,
                &expected_names,
                // The pool check has no Cancel button and shows no progress lines.
                &CancelFlag::new(),
                &Progress::none(),
            ))),
            Job::CheckFederation {
                mut request,
                system_roots,
            } => {
                if system_roots {
                    // A federation peer trusts public CAs; an unreadable store leaves none, and the
                    // targets' chains are then reported untrusted, never passed.
                    if let Ok(loaded) = crate::engine::load::load_system_roots() {
                        request.trust_anchors = loaded.certificates;
                    }
                }
                JobDone::FederationChecked(Box::new(crate::engine::federation::federation(
                    &request, cancel, progress,
                )))
            }
        }
    }
}

/// Reads this computer's Trusted Root store and judges it.
fn root_store_report() -> Result<Report, RootStoreError> {
    let (loaded, source) = crate::engine::load::load_root_store()?;
    let inputs = vec![crate::engine::report::InputSummary {
        source: source.into(),
        role: "root-store".into(),
        certificates: loaded.certificates.len(),
        private_keys: 0,
    }];
    Ok(crate::engine::root_store::report(
        crate::engine::root_store::facts(&loaded.certificates),
        inputs,
        time::OffsetDateTime::now_utc(),
    ))
}

/// What a job has to say: one variant per job with its result, plus the check's progress.
pub enum JobDone {
    /// A progress event of the running check (the check goes on).
    Progress(ProbeEvent),
    /// The finished check's report, and the local certificate's report when its revocation was
    /// checked too.
    Checked(Box<Report>, Option<Box<Report>>),
    /// The certificate file chosen (None: the dialog was cancelled; Err: it could not open, why).
    CertificateFilePicked(Result<Option<PathBuf>, String>),
    /// Where to save the report (None: the dialog was cancelled).
    SaveFilePicked(Option<PathBuf>),
    /// Which saved report to open (None: the dialog was cancelled).
    ReportFilePicked(Option<PathBuf>),
    /// The saved report read, with the file it came from.
    ReportOpened(Result<(Box<Report>, String), ReportFileError>),
    /// The practice lab listens (or why not).
    LabStarted(Result<Box<LabServer>, LabError>),
    /// The practice pool listens (or why not).
    PracticePoolStarted(Result<Box<PracticePool>, LabError>),
    /// The log matcher's result for the text of `generation`.
    LogsRead {
        /// The text's generation.
        generation: u64,
        /// The reading.
        result: Result<LogAnalysis, LogError>,
    },
    /// Who listens on the port.
    PortOwnerFound(PortOwnerFacts),
    /// The judged Trusted Root store (or why it could not be read).
    RootStoreChecked(Result<Box<Report>, RootStoreError>),
    /// This computer's certificate stores.
    MachineStoreRead(Box<StoreListing>),
    /// The pool matrix.
    PoolChecked(Box<Report>),
    /// The federation partner's report.
    FederationChecked(Box<Report>),
    /// The job's thread ended without an answer (a panic in a library): whatever waits on it must
    /// stop waiting.
    Stopped(JobKind),
}

impl JobDone {
    /// Whether this ends the job (everything but a progress event).
    fn ends_the_job(&self) -> bool {
        !matches!(self, JobDone::Progress(_))
    }
}

/// One running job: where its answer comes, where its progress comes, and how to stop it.
struct Running {
    answer: Receiver<JobDone>,
    progress: Receiver<ProbeEvent>,
    cancel: CancelFlag,
    /// Started without a window to wake (from the command line, before the first frame).
    wakes_window: bool,
}

/// The registry of running background jobs, polled once per frame.
#[derive(Default)]
pub struct BackgroundJobs {
    running: BTreeMap<JobKind, Running>,
}

impl BackgroundJobs {
    /// Starts `job` on its own thread; `waker` (the window's context, when there is one yet) is woken
    /// after every progress event and at the end. A job of the same kind still running is replaced:
    /// its answer is dropped unread.
    pub fn spawn(&mut self, job: Job, waker: Option<&egui::Context>) {
        let kind = job.kind();
        let (answer_tx, answer) = channel();
        let (progress_tx, progress) = channel();
        let cancel = CancelFlag::new();
        let job_cancel = cancel.clone();
        let wake: Option<Arc<dyn Fn() + Send + Sync>> = waker.cloned().map(|ctx| {
            let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || ctx.request_repaint());
            wake
        });
        std::thread::spawn(move || run_job(job, &answer_tx, progress_tx, &job_cancel, wake));
        self.running.insert(
            kind,
            Running {
                answer,
                progress,
                cancel,
                wakes_window: waker.is_some(),
            },
        );
    }

    /// Whether a job of `kind` is running.
    pub fn is_running(&self, kind: JobKind) -> bool {
        self.running.contains_key(&kind)
    }

    /// Whether work (not a dialog waiting for the user) is running.
    pub fn is_busy(&self) -> bool {
        self.running.keys().any(|kind| !kind.is_dialog())
    }

    /// Whether a job runs that cannot wake the window (started before it had a context): the window
    /// then looks a few times a second until it ends.
    pub fn needs_looking_at(&self) -> bool {
        self.running.values().any(|r| !r.wakes_window)
    }

    /// Asks the job of `kind` to stop (the check notices within 100 ms); its answer still comes.
    pub fn cancel(&self, kind: JobKind) {
        if let Some(running) = self.running.get(&kind) {
            running.cancel.cancel();
        }
    }

    /// Everything that arrived since the last call, without waiting: progress first, then each
    /// finished job's answer (or [`JobDone::Stopped`] for a job whose thread died). Finished jobs leave
    /// the registry.
    pub fn poll(&mut self) -> Vec<JobDone> {
        let mut out = Vec::new();
        let mut ended = Vec::new();
        for (kind, running) in &self.running {
            // The answer first: every progress event was sent before it, so none is left behind.
            let answer = running.answer.try_recv();
            out.extend(running.progress.try_iter().map(JobDone::Progress));
            match answer {
                Ok(done) => {
                    if done.ends_the_job() {
                        ended.push(*kind);
                    }
                    out.push(done);
                }
                Err(TryRecvError::Disconnected) => {
                    ended.push(*kind);
                    out.push(JobDone::Stopped(*kind));
                }
                Err(TryRecvError::Empty) => {}
            }
        }
        for kind in ended {
            self.running.remove(&kind);
        }
        out
    }
}

/// A job's thread: runs it, sends the answer, wakes the window.
fn run_job(
    job: Job,
    answer: &Sender<JobDone>,
    progress: Sender<ProbeEvent>,
    cancel: &CancelFlag,
    wake: Option<Arc<dyn Fn() + Send + Sync>>,
) {
    let progress = Progress::new(progress, wake.clone());
    let done = job.run(cancel, &progress);
    // The window may have replaced or forgotten the job: then nobody listens, rightly.
    let _ = answer.send(done);
    if let Some(wake) = wake {
        wake();
    }
}

/// Shorter than any person takes to see a dialog and cancel it: a dialog that "returns" this fast
/// never opened (rfd says nothing when the desktop has no file-dialog service).
const DIALOG_NEVER_OPENED: std::time::Duration = std::time::Duration::from_millis(150);

/// The native dialog for a certificate file. Err with the reason when it could not open: on Linux
/// without a session bus, or when it came back before anyone could have seen it.
fn pick_certificate_file() -> Result<Option<PathBuf>, String> {
    if cfg!(target_os = "linux") && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        return Err(
            "this desktop has no session bus, which the file-dialog portal (xdg-desktop-portal) needs"
                .to_owned(),
        );
    }
    let started = std::time::Instant::now();
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
    match picked {
        None if started.elapsed() < DIALOG_NEVER_OPENED => Err(
            "it closed at once, before it could be seen (on Linux it needs the xdg-desktop-portal service)"
                .to_owned(),
        ),
        picked => Ok(picked),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Polls until the registry is empty (at most 10 s), returning every answer in order.
    fn drain(jobs: &mut BackgroundJobs) -> Vec<JobDone> {
        let started = std::time::Instant::now();
        let mut out = Vec::new();
        while jobs.is_busy() && started.elapsed() < std::time::Duration::from_secs(10) {
            out.extend(jobs.poll());
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        out
    }

    #[test]
    fn a_newer_job_of_a_kind_replaces_the_pending_one_and_leaves_when_done() {
        let mut jobs = BackgroundJobs::default();
        for (generation, text) in [(1, "nothing"), (2, "Event ID: 32068")] {
            let text = text.to_owned();
            jobs.spawn(Job::ReadLogs { generation, text }, None);
        }
        assert!(jobs.is_running(JobKind::ReadLogs) && jobs.is_busy());
        assert!(
            jobs.needs_looking_at(),
            "no window to wake: it is looked at"
        );
        let answers = drain(&mut jobs);
        assert!(!jobs.is_running(JobKind::ReadLogs));
        let generations: Vec<u64> = answers
            .iter()
            .filter_map(|done| match done {
                JobDone::LogsRead { generation, result } => {
                    assert!(result.is_ok());
                    Some(*generation)
                }
                _ => None,
            })
            .collect();
        assert_eq!(generations, [2], "the replaced job's answer is never read");
    }

    #[test]
    fn a_dialog_does_not_count_as_busy() {
        assert!(JobKind::PickSaveFile.is_dialog() && JobKind::PickReportFile.is_dialog());
        assert!(!JobKind::Check.is_dialog() && !JobKind::OpenReport.is_dialog());
        let jobs = BackgroundJobs::default();
        assert!(!jobs.is_busy() && !jobs.needs_looking_at());
    }

    #[test]
    fn a_missing_report_file_comes_back_as_its_typed_error() {
        let mut jobs = BackgroundJobs::default();
        let path = PathBuf::from("/nonexistent/certwiz-report.json");
        jobs.spawn(Job::OpenReport { path }, None);
        let answers = drain(&mut jobs);
        assert!(matches!(
            answers.as_slice(),
            [JobDone::ReportOpened(Err(ReportFileError::Open { .. }))]
        ));
    }
}
