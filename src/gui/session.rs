//! The wizard's session as a whole: saving it as one report, opening a saved one read-only, the
//! timeline of what ran, and the masked view for screen-sharing.
//!
//! Plain data like the rest of the wizard: no egui here, so all of it is tested without a window.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use time::OffsetDateTime;

use crate::engine::logs::LogAnalysis;
use crate::engine::report::{Origin, Redactor, Report, SessionParts, SessionTarget, TimelineEntry};
use crate::engine::store::StoreListing;
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

/// What identifies a report in the masked view's cache: its command and the instant it was made.
type ReportKey = (String, i128, usize);

fn key(r: &Report) -> ReportKey {
    let made = r.origin.as_ref().map_or(r.evaluated_at, |o| o.made_at);
    (
        r.command.clone(),
        made.unix_timestamp_nanos(),
        r.findings.len(),
    )
}

/// The masked view: one redactor for the whole session (so `host-1.example` is the same name on every
/// step and in the saved report), and masked copies of what the steps show, made when the data
/// changes, never per frame.
#[derive(Debug, Default)]
pub struct Redaction {
    redactor: Redactor,
    learned: HashSet<ReportKey>,
    learned_texts: HashSet<String>,
    masked: HashMap<ReportKey, Arc<Report>>,
    stores: Option<(u64, StoreListing)>,
    stores_learned: Option<u64>,
    logs: Option<(u64, Arc<LogAnalysis>)>,
    logs_learned: Option<u64>,
    log_text: Option<(u64, String)>,
    log_text_learned: Option<u64>,
    store_findings: Option<(u64, Vec<crate::engine::finding::Finding>)>,
}

impl Redaction {
    /// Forgets every masked copy (the pseudonyms learned more names; the copies are made again).
    fn invalidate(&mut self) {
        self.masked.clear();
        self.stores = None;
        self.logs = None;
        self.log_text = None;
        self.store_findings = None;
    }
}

impl Redaction {
    /// The session's redactor.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }
}

/// Saving, opening and masking.
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
            let findings = crate::engine::logs::findings(&analysis).ok()?;
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

    /// Masks `text` when the view is masked.
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.redact {
            self.redaction.redactor.text(text)
        } else {
            Cow::Borrowed(text)
        }
    }

    /// How a value (a thumbprint, a name) of the real data is shown: its pseudonym in the masked view.
    pub fn shown_value(&self, real: &str) -> String {
        if self.redact {
            self.redaction
                .redactor
                .pseudonym(real)
                .unwrap_or(real)
                .to_owned()
        } else {
            real.to_owned()
        }
    }

    /// The original behind a pseudonym chosen in the masked view (the text itself otherwise).
    pub fn unmask(&self, text: &str) -> String {
        if self.redact {
            self.redaction
                .redactor
                .original(text)
                .unwrap_or(text)
                .to_owned()
        } else {
            text.to_owned()
        }
    }

    /// The report as the steps show it: masked when the view is masked (and not yet masked: nothing).
    pub(crate) fn shown<'a>(&'a self, report: Option<&'a Report>) -> Option<&'a Report> {
        let report = report?;
        if !self.redact {
            return Some(report);
        }
        self.redaction.masked.get(&key(report)).map(|r| r.as_ref())
    }

    /// Step 3's inspection of the local certificate, as shown.
    pub fn local_report(&self) -> Option<&Report> {
        self.shown(self.local.report.as_ref())
    }

    /// Step 6's port-owner lookup, as shown.
    pub fn port_owner_report(&self) -> Option<&Report> {
        self.shown(self.port_owner.as_ref())
    }

    /// Step 6's Root store health, as shown.
    pub fn root_store_report(&self) -> Option<&Report> {
        self.shown(self.root_store.as_ref())
    }

    /// The pool matrix, as shown.
    pub fn pool_report(&self) -> Option<&Report> {
        self.shown(self.pool.report.as_ref())
    }

    /// Step 3's stores, as shown.
    pub fn store_listing(&self) -> Option<&StoreListing> {
        if !self.redact {
            return self.local.stores.as_ref();
        }
        self.redaction
            .stores
            .as_ref()
            .filter(|(generation, _)| *generation == self.local.stores_generation)
            .map(|(_, listing)| listing)
    }

    /// The pasted log's reading, as shown.
    pub fn log_analysis(&self) -> Option<&LogAnalysis> {
        if !self.redact {
            return self.logs.last();
        }
        let generation = self.logs.analysis.as_ref()?.0;
        self.redaction
            .logs
            .as_ref()
            .filter(|(g, _)| *g == generation)
            .map(|(_, a)| a.as_ref())
    }

    /// Learns the names and addresses in loose text (a progress line) for the masked view.
    pub(crate) fn learn_loose(&mut self, text: &str) {
        if self.redaction.redactor.learn_free_text(text) {
            self.redaction.invalidate();
        }
    }

    /// The pasted log text as the masked view shows it (made once per text, not per frame).
    pub fn shown_log_text(&self) -> Option<&str> {
        self.redaction
            .log_text
            .as_ref()
            .filter(|(g, _)| *g == self.logs.generation)
            .map(|(_, t)| t.as_str())
    }

    /// The stores' own findings (step 3) as shown.
    pub fn shown_store_findings(&self) -> &[crate::engine::finding::Finding] {
        if !self.redact {
            return &self.local.store_findings;
        }
        self.redaction
            .store_findings
            .as_ref()
            .filter(|(g, _)| *g == self.local.stores_generation)
            .map_or(&[], |(_, f)| f.as_slice())
    }

    /// Turns the masked view on or off.
    pub fn set_redact(&mut self, on: bool) {
        self.redact = on;
        self.refresh_redaction();
        self.status = if on {
            "Names, addresses, serial numbers and thumbprints are masked on every step and in saved reports.".to_owned()
        } else {
            "Masking is off: real names and addresses are shown.".to_owned()
        };
    }

    /// Brings the masked copies up to date with the data (the app calls it before each frame; it
    /// does work only when something new arrived).
    pub fn refresh_redaction(&mut self) {
        if !self.redact {
            return;
        }
        let r = &mut self.redaction;
        let reports: Vec<&Report> = [
            self.last_report.as_deref(),
            self.local.report.as_ref(),
            self.port_owner.as_ref(),
            self.root_store.as_ref(),
            self.pool.report.as_ref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut grew = false;
        for report in &reports {
            if r.learned.insert(key(report)) {
                grew |= r.redactor.learn(report);
            }
        }
        let t = &self.target;
        for host in [&t.server_fqdn, &t.pool_fqdn, &t.address]
            .into_iter()
            .chain(self.pool.hosts.iter())
        {
            let host = host.trim();
            if !host.is_empty() && !r.learned_texts.contains(host) {
                r.learned_texts.insert(host.to_owned());
                grew |= r.redactor.learn_host(host);
            }
        }
        if let Some(listing) = &self.local.stores
            && r.stores_learned != Some(self.local.stores_generation)
        {
            grew |= r.redactor.learn_part(listing);
            r.stores_learned = Some(self.local.stores_generation);
        }
        if let Some((generation, analysis)) = &self.logs.analysis
            && r.logs_learned != Some(*generation)
        {
            grew |= r.redactor.learn_part(analysis.as_ref());
            r.logs_learned = Some(*generation);
        }
        if r.log_text_learned != Some(self.logs.generation) {
            // What the user pasted: every host-shaped word in it is masked, not only known ones.
            if self.logs.text.len() <= crate::gui::views::logs_ui::MAX_SHOWN_BYTES {
                grew |= r.redactor.learn_free_text(&self.logs.text);
            }
            r.log_text_learned = Some(self.logs.generation);
        }
        let notes = &self.notes;
        for answer in [&notes.ever_worked, &notes.when_stopped, &notes.what_changed] {
            if !answer.trim().is_empty() && !r.learned_texts.contains(answer.as_str()) {
                r.learned_texts.insert(answer.clone());
                grew |= r.redactor.learn_free_text(answer);
            }
        }
        if grew {
            r.invalidate();
        }
        let keys: HashSet<ReportKey> = reports.iter().map(|rep| key(rep)).collect();
        r.masked.retain(|k, _| keys.contains(k));
        for report in &reports {
            let redactor = &r.redactor;
            r.masked
                .entry(key(report))
                .or_insert_with(|| Arc::new(redactor.report(report)));
        }
        if let Some(listing) = &self.local.stores
            && r.stores.as_ref().map(|(g, _)| *g) != Some(self.local.stores_generation)
        {
            r.stores = r
                .redactor
                .part(listing)
                .map(|masked| (self.local.stores_generation, masked));
        }
        if r.log_text.as_ref().map(|(g, _)| *g) != Some(self.logs.generation) {
            let shown = r.redactor.text(&self.logs.text).into_owned();
            r.log_text = Some((self.logs.generation, shown));
        }
        if r.store_findings.as_ref().map(|(g, _)| *g) != Some(self.local.stores_generation) {
            let shown = r
                .redactor
                .part(&self.local.store_findings)
                .unwrap_or_default();
            r.store_findings = Some((self.local.stores_generation, shown));
        }
        if let Some((generation, analysis)) = &self.logs.analysis
            && r.logs.as_ref().map(|(g, _)| *g) != Some(*generation)
        {
            r.logs = r
                .redactor
                .part(analysis.as_ref())
                .map(|masked| (*generation, Arc::new(masked)));
        }
    }

    /// The session's redactor (for tests and the saved report).
    pub fn redaction(&self) -> &Redaction {
        &self.redaction
    }
}

/// Step 9: the pool check.
impl Wizard {
    /// The pool check to run: the members typed in step 9 (step 2's port by default), step 3's root
    /// certificates as trust anchors. None (with the reason shown) when a line cannot be read.
    pub fn pool_request(&mut self) -> Option<crate::engine::pool::PoolRequest> {
        let default_port = self
            .target
            .port
            .trim()
            .parse::<u16>()
            .unwrap_or(crate::engine::probe::DEFAULT_PORT);
        let mut members = Vec::new();
        for line in self
            .pool
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            match crate::input::parse_target(line, default_port, None) {
                Ok(target) => members.push(target),
                Err(e) => {
                    self.pool.error = Some(e.to_string());
                    return None;
                }
            }
        }
        if members.len() > crate::engine::pool::MAX_MEMBERS {
            self.pool.error = Some(format!(
                "{} members: certwiz checks at most {} at once",
                members.len(),
                crate::engine::pool::MAX_MEMBERS
            ));
            return None;
        }
        if members.len() < 2 {
            self.pool.error = Some(
                "enter at least two front ends: the matrix is about who trusts whom".to_owned(),
            );
            return None;
        }
        self.pool.error = None;
        self.pool.hosts = members.iter().map(|m| m.host.clone()).collect();
        self.pool.running = true;
        self.pool.selected = None;
        self.status = format!("Checking {} pool members at once…", members.len());
        Some(crate::engine::pool::PoolRequest {
            members,
            timeout: crate::engine::probe::DEFAULT_TIMEOUT,
            trust_anchors: {
                let mut anchors = self.local_trust_anchors();
                anchors.extend(self.pool.anchors.iter().cloned());
                anchors
            },
            at: OffsetDateTime::now_utc(),
        })
    }

    /// The practice pool listens: its members fill the box and its two roots are the anchors.
    pub fn on_practice_pool_started(&mut self, members: &[String], roots_pem: &[&str]) {
        if self.refuses_results() {
            return;
        }
        self.pool.text = members.join("\n");
        self.pool.anchors = roots_pem
            .iter()
            .filter_map(|pem| {
                crate::engine::load::load_bytes("practice pool root", pem.as_bytes(), None).ok()
            })
            .flat_map(|loaded| loaded.certificates)
            .collect();
        self.pool.practice = true;
        self.pool.report = None;
        self.pool.selected = None;
        self.pool.error = None;
        self.status =
            "Practice pool on this computer: fe01, fe02 and fe03. Press Check the pool.".to_owned();
    }

    /// The practice pool stopped: its members and roots are forgotten.
    pub fn on_practice_pool_stopped(&mut self) {
        if self.pool.practice {
            self.pool.text.clear();
            self.pool.anchors.clear();
            self.pool.practice = false;
        }
        self.status = "Practice pool stopped.".to_owned();
    }

    /// The names every member's certificate must carry: step 2's pool FQDN, when given.
    pub fn pool_expected_names(&self) -> Vec<String> {
        let pool = self.target.pool_fqdn.trim();
        if pool.is_empty() {
            Vec::new()
        } else {
            vec![pool.to_owned()]
        }
    }

    /// Takes the pool check's report; the first rejecting cell is shown with its reasons.
    pub fn on_pool_done(&mut self, report: Report) {
        self.pool.running = false;
        if self.refuses_results() {
            return;
        }
        self.status = format!("Pool checked: {}", report.verdict.summary);
        self.timeline.extend(report.timeline.iter().cloned());
        self.pool.selected = report.pool.as_ref().and_then(|m| {
            m.cells
                .iter()
                .find(|c| c.accepted == Some(false))
                .map(|c| (c.client, c.server))
        });
        self.pool.report = Some(report);
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
