//! The masked view for screen-sharing: one redactor for the whole session, and masked copies of what
//! the steps show, made when the data changes, never per frame.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::engine::logs::LogAnalysis;
use crate::engine::report::{Redactor, Report};
use crate::engine::store::StoreListing;
use crate::gui::wizard::Wizard;
use crate::gui::wizard::logs::MAX_SHOWN_BYTES;

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
    pub(super) redactor: Redactor,
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

/// Masking.
impl Wizard {
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
            if self.logs.text.len() <= MAX_SHOWN_BYTES {
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
