//! Background work that ended without an answer (its thread died, e.g. a panic in a library): the
//! spinner it kept turning stops, and the step says so. Never a result: nothing was judged.

use crate::gui::errors::RootStoreError;
use crate::gui::tasks::JobKind;
use crate::gui::wizard::Wizard;

/// Work that ended without an answer.
impl Wizard {
    /// The job of `kind` ended without an answer: whatever waited on it stops waiting, and says why.
    pub fn on_job_stopped(&mut self, kind: JobKind) {
        match kind {
            JobKind::Check => self.on_checks_stopped(),
            JobKind::StartLab => self.on_lab_failed("the start stopped unexpectedly"),
            JobKind::ReadMachineStore => {
                self.local.machine_reading = false;
                self.status =
                    "The certificate stores could not be read: the reading stopped unexpectedly"
                        .to_owned();
            }
            JobKind::CheckRootStore => self.on_root_store(Err(RootStoreError::Stopped)),
            JobKind::LookUpPortOwner => {
                self.port_owner_looking = false;
                self.status = "The port lookup stopped unexpectedly.".to_owned();
            }
            JobKind::OpenReport => {
                self.status = "Cannot open the report: the reading stopped unexpectedly".to_owned();
            }
            JobKind::StartPracticePool => {
                self.pool.error = Some("the practice pool could not start".to_owned());
            }
            JobKind::CheckPool => {
                self.pool.running = false;
                self.pool.error = Some("the pool check stopped unexpectedly".to_owned());
            }
            JobKind::CheckFederation => self.on_federation_stopped(),
            JobKind::ReadLogs => {
                self.logs.error = Some("the log reading stopped unexpectedly".to_owned());
            }
            // A dialog that died chose nothing.
            JobKind::PickCertificateFile | JobKind::PickSaveFile | JobKind::PickReportFile => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::gui::tasks::JobKind;
    use crate::gui::wizard::{LabState, Msg, RunState, Wizard};

    #[test]
    fn work_that_dies_stops_its_spinner_and_says_so_without_a_result() {
        let mut w = Wizard::default();
        w.target.server_fqdn = "ocs1.contoso.com".into();
        assert!(w.apply(Msg::RunAll));
        w.on_job_stopped(JobKind::Check);
        assert!(
            matches!(w.run, RunState::Idle),
            "not running, and no verdict"
        );
        assert!(w.report().is_none());
        assert!(
            w.status
                .contains("stopped unexpectedly: nothing was judged")
        );

        w.on_lab_starting();
        w.on_job_stopped(JobKind::StartLab);
        assert_eq!(
            w.lab.state,
            LabState::Failed("the start stopped unexpectedly".into())
        );

        w.local.machine_reading = true;
        w.port_owner_looking = true;
        w.root_store_looking = true;
        w.pool.running = true;
        for kind in [
            JobKind::ReadMachineStore,
            JobKind::LookUpPortOwner,
            JobKind::CheckRootStore,
            JobKind::CheckPool,
        ] {
            w.on_job_stopped(kind);
        }
        assert!(!w.local.machine_reading && !w.port_owner_looking && !w.root_store_looking);
        assert!(!w.pool.running);
        assert_eq!(
            w.status,
            "The Trusted Root store could not be read: the reading stopped unexpectedly"
        );
        assert!(w.root_store.is_none() && w.port_owner.is_none() && w.pool.report.is_none());
        assert_eq!(
            w.pool.error.as_deref(),
            Some("the pool check stopped unexpectedly")
        );
        w.on_job_stopped(JobKind::ReadLogs);
        assert!(w.logs.error.is_some() && w.logs.last().is_none());
    }
}
