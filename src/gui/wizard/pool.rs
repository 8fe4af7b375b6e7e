//! Step 9: the pool's members, the practice pool, and the matrix of who accepts whom.

use time::OffsetDateTime;

use crate::engine::load::SourcedCertificate;
use crate::engine::report::Report;
use crate::gui::wizard::Wizard;

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
