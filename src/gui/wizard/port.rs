//! Steps 6 and 7 on this computer: who listens on the port, and the Trusted Root store's health.

use crate::engine::report::Report;
use crate::gui::errors::RootStoreError;
use crate::gui::wizard::Wizard;

/// Lookups on this computer (steps 6 and 7).
impl Wizard {
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
        let report = crate::engine::port_owner::report(facts, time::OffsetDateTime::now_utc());
        self.status = format!("Port owner: {}", report.verdict.summary);
        self.note(
            "Who listens on the port (this computer)",
            &report.verdict.summary,
        );
        self.port_owner = Some(report);
    }

    /// Takes the judged Root store (or why it could not be read).
    pub fn on_root_store(&mut self, result: Result<Report, RootStoreError>) {
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
}
