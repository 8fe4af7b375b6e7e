//! Background work for the GUI: the checks run on their own thread, report progress through a channel
//! and wake the UI with the waker (`ctx.request_repaint`); each frame only drains the channel.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use crate::engine::check::{CheckRequest, absorb_local_fetch, check};
use crate::engine::inspect::{InspectRequest, inspect_fetching};
use crate::engine::probe::{CancelFlag, ProbeEvent, Progress};
use crate::engine::report::Report;

/// What a running task has to say.
#[derive(Debug)]
pub enum TaskUpdate {
    /// A progress event.
    Progress(ProbeEvent),
    /// The finished report, and the local certificate's report when its revocation was checked too.
    Done(Box<Report>, Option<Box<Report>>),
}

/// A check running in the background.
pub struct CheckTask {
    progress: Receiver<ProbeEvent>,
    done: Receiver<(Report, Option<Report>)>,
    cancel: CancelFlag,
}

impl CheckTask {
    /// Starts `request` on a new thread; `waker` is called after every event and at the end. With
    /// `local` (the local certificate, when revocation is checked), its path's intermediates and
    /// revocation are fetched after the check, and those findings join the check's report.
    pub fn spawn(
        request: CheckRequest,
        local: Option<InspectRequest>,
        waker: Arc<dyn Fn() + Send + Sync>,
    ) -> CheckTask {
        let (progress_tx, progress) = channel();
        let (done_tx, done) = channel();
        let cancel = CancelFlag::new();
        let task_cancel = cancel.clone();
        std::thread::spawn(move || {
            let progress = Progress::new(progress_tx, Some(Arc::clone(&waker)));
            let mut report = check(&request, &task_cancel, &progress);
            let local = match (local, request.fetch) {
                (Some(local), Some(options)) if !task_cancel.is_cancelled() => {
                    inspect_fetching(&local, options, &task_cancel, &progress).ok()
                }
                _ => None,
            };
            if let Some(local) = &local {
                absorb_local_fetch(&mut report, local);
            }
            let _ = done_tx.send((report, local));
            waker();
        });
        CheckTask {
            progress,
            done,
            cancel,
        }
    }

    /// Asks the checks to stop (each step notices within 100 ms).
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Everything that arrived since the last call, without waiting.
    pub fn poll(&self) -> Vec<TaskUpdate> {
        let mut updates: Vec<TaskUpdate> = Vec::new();
        while let Ok(event) = self.progress.try_recv() {
            updates.push(TaskUpdate::Progress(event));
        }
        if let Ok((report, local)) = self.done.try_recv() {
            updates.push(TaskUpdate::Done(Box::new(report), local.map(Box::new)));
        }
        updates
    }
}
