//! Background work for the GUI: the checks run on their own thread, report progress through a channel
//! and wake the UI with the waker (`ctx.request_repaint`); each frame only drains the channel.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use crate::engine::check::{CheckRequest, check};
use crate::engine::probe::{CancelFlag, ProbeEvent, Progress};
use crate::engine::report::Report;

/// What a running task has to say.
#[derive(Debug)]
pub enum TaskUpdate {
    /// A progress event.
    Progress(ProbeEvent),
    /// The finished report.
    Done(Box<Report>),
}

/// A check running in the background.
pub struct CheckTask {
    progress: Receiver<ProbeEvent>,
    done: Receiver<Report>,
    cancel: CancelFlag,
}

impl CheckTask {
    /// Starts `request` on a new thread; `waker` is called after every event and at the end.
    pub fn spawn(request: CheckRequest, waker: Arc<dyn Fn() + Send + Sync>) -> CheckTask {
        let (progress_tx, progress) = channel();
        let (done_tx, done) = channel();
        let cancel = CancelFlag::new();
        let task_cancel = cancel.clone();
        std::thread::spawn(move || {
            let progress = Progress::new(progress_tx, Some(Arc::clone(&waker)));
            let report = check(&request, &task_cancel, &progress);
            let _ = done_tx.send(report);
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
        if let Ok(report) = self.done.try_recv() {
            updates.push(TaskUpdate::Done(Box::new(report)));
        }
        updates
    }
}
