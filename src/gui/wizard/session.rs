//! The wizard's session as a whole: saving it as one report, opening a saved one read-only, the
//! timeline of what ran, and the Markdown summary for the ticket.
//!
//! Plain data like the rest of the wizard: no egui here, so all of it is tested without a window.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::engine::report::{Origin, Report, SessionParts, SessionTarget, TimelineEntry};
use crate::gui::wizard::{RunState, Step, TargetInput, Wizard};
use crate::render::stamp;

/// A saved report shown in the wizard: where it came from, and where and when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedReport {
    /// The file it was read from.
    pub source: String,
    /// Where and when it was made (absent in reports of older certwiz versions).
    pub origin: Option<Origin>,
    /// The certwiz version that made it.
    pub certwiz_version: String,
    /// The command that made it (`check`, `inspect`, ...).
    pub command: String,
}

impl OpenedReport {
    /// One line for the banner: "Saved report: made 2026-11-27 15:50 UTC on OCS-FE1 (windows x86_64)
    /// by certwiz 0.1.0, opened from report.json".
    pub fn banner(&self) -> String {
        let made = match &self.origin {
            Some(o) => format!(
                "made {}{} ({})",
                stamp(o.made_at),
                if o.computer.is_empty() {
                    String::new()
                } else {
                    format!(" on {}", o.computer)
                },
                o.platform
            ),
            None => "made at an unknown time and place".to_owned(),
        };
        format!(
            "Saved report, read-only: {made} by certwiz {} ({}), opened from {}",
            self.certwiz_version, self.command, self.source
        )
    }
}

/// Saving and opening.
impl Wizard {
    /// The banner of the saved report shown, as the view shows it (the computer's name masked too:
    /// a short or common name is masked only where it stands alone).
    pub fn opened_banner(&self) -> Option<String> {
        let opened = self.opened.as_ref()?;
        if !self.redact {
            return Some(opened.banner());
        }
        let mut shown = opened.clone();
        if let Some(origin) = &mut shown.origin {
            origin.computer = self.shown_value(&origin.computer);
        }
        Some(self.mask(&shown.banner()).into_owned())
    }

    /// Whether a saved report is shown (nothing can be run or changed).
    pub fn is_read_only(&self) -> bool {
        self.opened.is_some()
    }

    /// Whether results of background work must be dropped: a saved report is shown, and nothing
    /// that finishes later (a check, a lookup, a file dropped on the window, this computer's stores)
    /// may change it.
    pub(crate) fn refuses_results(&self) -> bool {
        self.is_read_only()
    }

    /// Adds a line to the session's timeline.
    pub fn note(&mut self, what: &str, result: &str) {
        self.timeline.push(TimelineEntry {
            at: OffsetDateTime::now_utc(),
            what: what.to_owned(),
            result: result.to_owned(),
            elapsed_ms: None,
        });
    }

    /// Whether there is anything to save.
    pub fn can_save(&self) -> bool {
        self.last_report.is_some()
            || self.local.report.is_some()
            || self.logs.last().is_some()
            || self.port_owner.is_some()
            || self.root_store.is_some()
            || self.pool.report.is_some()
    }

    /// The whole session as one report: the last check (or, without one, the local certificate's
    /// inspection, the pool matrix or the log reading) with the case notes, the pasted log's reading,
    /// the other checks as session parts, and the timeline. Unmasked: [`Wizard::saved_report`] masks
    /// it when the view is masked.
    pub fn session_report(&self) -> Option<Report> {
        let logs = self.logs.last().cloned();
        let log_report = || {
            let analysis = logs.clone()?;
            let findings = crate::engine::logs::judge(&analysis).ok()?;
            Some(Report::for_logs(
                analysis,
                findings,
                Vec::new(),
                OffsetDateTime::now_utc(),
            ))
        };
        let (mut main, main_is_local, main_is_pool) = if let Some(r) = self.last_report.as_deref() {
            (r.clone(), false, false)
        } else if let Some(r) = &self.local.report {
            (r.clone(), true, false)
        } else if let Some(r) = &self.pool.report {
            (r.clone(), false, true)
        } else if let Some(r) = log_report() {
            (r, false, false)
        } else if let Some(r) = self.port_owner.as_ref().or(self.root_store.as_ref()) {
            (r.clone(), false, false)
        } else {
            return None;
        };
        if main.logs.is_none()
            && let Some(analysis) = logs
        {
            main.hypotheses = analysis.hypotheses.clone();
            main.logs = Some(analysis);
        }
        main.case_notes = Some(self.notes.clone());
        let t = &self.target;
        main.session = SessionParts {
            target: Some(SessionTarget {
                server_fqdn: t.server_fqdn.clone(),
                pool_fqdn: t.pool_fqdn.clone(),
                port: t.port.clone(),
                path: t.path.clone(),
                address: t.address.clone(),
            }),
            local: self
                .local
                .report
                .clone()
                .filter(|_| !main_is_local)
                .map(Box::new),
            port_owner: self
                .port_owner
                .clone()
                .filter(|r| r.command != main.command)
                .map(Box::new),
            root_store: self
                .root_store
                .clone()
                .filter(|r| r.command != main.command)
                .map(Box::new),
            pool: self
                .pool
                .report
                .clone()
                .filter(|_| !main_is_pool)
                .map(Box::new),
        };
        let mut timeline = self.timeline.clone();
        timeline.sort_by_key(|e| e.at);
        if !timeline.is_empty() {
            main.timeline = timeline;
        }
        // A saved report saved again (as a page for the ticket) keeps where and when it was made.
        main.origin = match &self.opened {
            Some(opened) => opened.origin.clone(),
            None => Some(Origin::here()),
        };
        Some(main)
    }

    /// The session report as it is saved: masked with the view's pseudonyms when the view is masked.
    pub fn saved_report(&mut self) -> Option<Report> {
        let report = self.session_report()?;
        if !self.redact {
            return Some(report);
        }
        self.refresh_redaction();
        self.redaction.redactor.learn(&report);
        Some(self.redaction.redactor.report(&report))
    }

    /// Shows a saved report read-only: every step as it was when it was saved.
    pub fn open_report(&mut self, report: Report, source: &str) {
        let redact = self.redact;
        let remembered_step = self.step;
        *self = Wizard {
            redact,
            ..Wizard::default()
        };
        self.opened = Some(OpenedReport {
            source: source.to_owned(),
            origin: report.origin.clone(),
            certwiz_version: report.certwiz_version.clone(),
            command: report.command.clone(),
        });
        if let Some(notes) = &report.case_notes {
            self.notes = notes.clone();
        }
        let parts = report.session.clone();
        if let Some(t) = &parts.target {
            self.target = TargetInput {
                server_fqdn: t.server_fqdn.clone(),
                pool_fqdn: t.pool_fqdn.clone(),
                port: t.port.clone(),
                path: t.path.clone(),
                address: t.address.clone(),
                protocol: Default::default(),
            };
        } else if let Some(probe) = &report.probe {
            self.target = TargetInput {
                server_fqdn: probe.target.host.clone(),
                pool_fqdn: String::new(),
                port: probe.target.port.to_string(),
                path: probe.target.path.clone(),
                address: probe
                    .target
                    .address
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
                protocol: probe.target.protocol,
            };
        }
        if let Some(analysis) = &report.logs {
            self.logs.analysis = Some((self.logs.generation, Arc::new(analysis.clone())));
        }
        self.local.report = parts.local.map(|r| *r);
        self.port_owner = parts.port_owner.map(|r| *r);
        self.root_store = parts.root_store.map(|r| *r);
        self.pool.report = parts.pool.map(|r| *r);
        self.timeline = report.timeline.clone();
        let step = match report.command.as_str() {
            "check" => Step::Verdict,
            "inspect" => Step::CertificationPath,
            "store" => Step::LocalCertificate,
            "logs" => Step::WhatHappened,
            "port-owner" | "root-store" => Step::Port,
            "pool" => Step::Pool,
            _ => remembered_step,
        };
        let mut report = report;
        report.session = SessionParts::default();
        match report.command.as_str() {
            "check" => {
                let report = Arc::new(report);
                self.last_report = Some(Arc::clone(&report));
                self.run = RunState::Done(report);
            }
            "inspect" => {
                self.show_local_path = true;
                self.local.report = Some(report);
            }
            "store" => {
                self.local.stores = report.store.clone();
                self.local.stores_generation += 1;
            }
            "port-owner" => self.port_owner = Some(report),
            "root-store" => self.root_store = Some(report),
            "pool" => self.pool.report = Some(report),
            _ => {}
        }
        self.step = step;
        self.status = format!(
            "Opened {source}: a saved report, shown read-only. Close it (top bar) to run checks of your own."
        );
    }

    /// Leaves a saved report: back to an empty wizard.
    pub fn close_report(&mut self) {
        let redact = self.redact;
        *self = Wizard {
            redact,
            ..Wizard::default()
        };
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
                out.push_str(&crate::render::findings_markdown(&r.findings));
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
        crate::render::markdown_safe(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_report_ignores_work_that_finishes_after_it_was_opened() {
        let report = crate::engine::port_owner::report(
            crate::engine::port_owner::PortOwnerFacts {
                port: 444,
                listeners: Vec::new(),
                accepts_connections: false,
                error: None,
                http_sys: Vec::new(),
                http_sys_error: None,
            },
            OffsetDateTime::now_utc(),
        );
        let mut w = Wizard::default();
        w.open_report(report.clone(), "ticket.json");
        let before = (
            w.port_owner.clone(),
            w.local.report.is_some(),
            w.timeline.len(),
        );
        // This computer's stores, a dropped file, a late check, a late lookup, a late pool.
        let files = crate::engine::store::files::FileStore::new("nothing", &[]);
        w.on_machine_store(crate::engine::store::snapshot(&files));
        let pem = crate::lab::LabPki::generate()
            .expect("pki")
            .root_pem
            .clone();
        w.add_loaded(
            "dropped.pem",
            crate::engine::load::load_bytes("dropped.pem", pem.as_bytes(), None),
        );
        w.on_done(report.clone());
        w.on_pool_done(report.clone());
        assert_eq!(
            (
                w.port_owner.clone(),
                w.local.report.is_some(),
                w.timeline.len()
            ),
            before
        );
        assert!(w.local.stores.is_none() && w.local.certificates.is_empty());
        assert!(w.last_report.is_none() && w.pool.report.is_none());
        assert!(!w.apply(crate::gui::wizard::Msg::RunAll));
        assert!(w.status.contains("read-only"));
    }
}
