//! One source of truth per step: which findings a step judges, which parts of the check it shows,
//! its status in the step list, and the words its page opens with are all computed here, from the
//! same findings, so a page can never contradict its own status.

use crate::engine::finding::{Finding, Severity};
use crate::engine::report::{CheckPart, Report, VerdictStatus};
use crate::gui::wizard::{Step, StepStatus, Wizard};

/// The finding ids (by prefix) a result step judges.
fn judged_ids(step: Step) -> &'static [&'static str] {
    match step {
        Step::CertificationPath => &[
            "chain.",
            "revocation.",
            "cert.expired",
            "cert.not-yet",
            "cert.weak",
            "cert.name",
            "cert.expires-soon",
            "cert.wildcard",
            "cert.public-ca",
        ],
        Step::Purposes => &[
            "chain.ca-restricts",
            "cert.server-auth",
            "cert.client-auth",
            "chain.purposes",
        ],
        Step::Port => &[
            "port.",
            "http.",
            "sip.",
            "tls.no-client",
            "tls.legacy",
            "tls.handshake",
        ],
        Step::MutualTls => &["tls.mtls", "tls.client", "tls.remote"],
        Step::Verdict => &[""],
        Step::WhatHappened | Step::Server | Step::LocalCertificate | Step::Pool => &[],
    }
}

/// The parts of a check whose facts a result step shows (a cancel that stopped one of them leaves
/// the step unjudged).
fn shown_parts(step: Step) -> &'static [CheckPart] {
    match step {
        Step::CertificationPath => &[CheckPart::PresentedPath, CheckPart::Revocation],
        Step::Purposes => &[CheckPart::PresentedPath],
        Step::Port => &[
            CheckPart::Connect,
            CheckPart::TlsHandshake,
            CheckPart::Browse,
        ],
        Step::MutualTls => &[CheckPart::TlsHandshake, CheckPart::MutualTls],
        _ => &[],
    }
}

/// The worst severity among `findings`, `Pass` when there are none.
fn worst(findings: &[&Finding]) -> Severity {
    findings
        .iter()
        .map(|f| f.severity)
        .min()
        .unwrap_or(Severity::Pass)
}

impl Wizard {
    /// The report a result step shows: steps 4 and 5 the path shown (presented or local), the
    /// others the last check.
    pub fn step_report(&self, step: Step) -> Option<&Report> {
        match step {
            Step::CertificationPath | Step::Purposes => self.path_report().or(self.report()),
            Step::LocalCertificate => self.local_report(),
            _ => self.report(),
        }
    }

    /// The findings a step judges, worst first: the same ones its status comes from. For step 3,
    /// the local certificate's.
    pub fn step_findings(&self, step: Step) -> Vec<&Finding> {
        let Some(report) = self.step_report(step) else {
            return Vec::new();
        };
        if step == Step::LocalCertificate {
            return report.findings.iter().collect();
        }
        let ids = judged_ids(step);
        let mut seen: Vec<(&str, &str)> = Vec::new();
        report
            .findings
            .iter()
            .filter(|f| ids.iter().any(|p| f.id.starts_with(p)))
            // The same finding twice (same id and title) is said once.
            .filter(|f| {
                let key = (f.id.as_str(), f.title.as_str());
                let new = !seen.contains(&key);
                seen.push(key);
                new
            })
            .collect()
    }

    /// The parts of the check a cancel stopped that this step shows (empty when the run finished).
    /// From the run's report even where the page shows the local path: a cancelled run did not check
    /// the presented one, and the local path passing must not read as the step passing.
    pub fn step_not_checked(&self, step: Step) -> Vec<CheckPart> {
        if step == Step::LocalCertificate {
            return Vec::new();
        }
        let Some(report) = self.report() else {
            return Vec::new();
        };
        if report.verdict.status != VerdictStatus::Cancelled {
            return Vec::new();
        }
        if step == Step::Verdict {
            return report.verdict.not_checked.clone();
        }
        shown_parts(step)
            .iter()
            .filter(|p| report.verdict.not_checked.contains(p))
            .copied()
            .collect()
    }

    /// Why step 3's certificates cannot stand for this server (only CA certificates loaded, nothing
    /// this server would present): None when a certificate of its own is loaded or none at all.
    pub fn local_certificate_gap(&self) -> Option<&'static str> {
        if self.local.report.is_none() || self.selected_local().is_some() {
            return None;
        }
        let any_leaf = self.local.certificates.iter().any(|c| {
            crate::engine::cert::CertificateFacts::from_der(&c.der).is_ok_and(|f| !f.is_ca)
        });
        (!any_leaf).then_some(
            "Only CA certificates are loaded: there is no certificate of this server to check or \
             to present for mutual TLS. Load the server's own certificate (a .pfx with its key, or \
             PEM certificate + key).",
        )
    }

    /// A step's title with what certwiz knows: step 6 names the port checked (or typed), not 444.
    pub fn step_title(&self, step: Step) -> String {
        if step != Step::Port {
            return step.title().to_owned();
        }
        let port = self
            .report()
            .and_then(|r| r.probe.as_ref())
            .map(|p| p.target.port)
            .or_else(|| self.target.port.trim().parse::<u16>().ok())
            .unwrap_or(crate::engine::probe::DEFAULT_PORT);
        format!("What answers on port {port}")
    }

    /// A step's accessible name in the step list: number, title and state in words, no symbols
    /// ("4. Certification path: fail").
    pub fn step_name(&self, step: Step) -> String {
        format!(
            "{}. {}: {}",
            step.number(),
            self.step_title(step),
            self.step_status(step).word()
        )
    }

    /// The status line as shown: the first hint gives way once the target is filled in, so it never
    /// asks for what is already there.
    pub fn status_line(&self) -> &str {
        if self.status == super::FIRST_STATUS && self.can_run() {
            "Ready: press Run all checks (or Ctrl+Enter)."
        } else {
            &self.status
        }
    }

    /// The status of a step for the step list, from [`Wizard::step_findings`] and, after a cancel,
    /// from what the cancel stopped: a step whose part did not finish is "cancelled" unless what did
    /// finish already failed.
    pub fn step_status(&self, step: Step) -> StepStatus {
        let judged = |step: Step| -> StepStatus {
            let findings = self.step_findings(step);
            let severity = worst(&findings);
            if severity == Severity::Fail {
                StepStatus::Done(Severity::Fail)
            } else if !self.step_not_checked(step).is_empty() {
                StepStatus::Cancelled
            } else {
                StepStatus::Done(severity)
            }
        };
        match step {
            Step::WhatHappened => StepStatus::NotRun,
            Step::Server => match self.target.parse() {
                Ok(_) => StepStatus::Ready,
                Err(_) if self.target.server_fqdn.is_empty() => StepStatus::NotRun,
                Err(_) => StepStatus::Done(Severity::Fail),
            },
            Step::LocalCertificate => match &self.local.report {
                Some(r) if self.local_certificate_gap().is_some() => {
                    match StepStatus::of_verdict(r.verdict.status) {
                        StepStatus::Done(Severity::Fail) => StepStatus::Done(Severity::Fail),
                        _ => StepStatus::Done(Severity::Warn),
                    }
                }
                Some(r) => StepStatus::of_verdict(r.verdict.status),
                None if self.local.error.is_some() => StepStatus::Done(Severity::Fail),
                None => StepStatus::NotRun,
            },
            // The pool and the federation partner have their own runs: Run all checks does not touch
            // step 9. Its status is the worse of the two that ran.
            Step::Pool if self.pool.running || self.federation.running => StepStatus::Running,
            Step::Pool => {
                let ran: Vec<StepStatus> = [&self.pool.report, &self.federation.report]
                    .into_iter()
                    .flatten()
                    .map(|r| StepStatus::of_verdict(r.verdict.status))
                    .collect();
                let rank = |s: &StepStatus| match s {
                    StepStatus::Done(Severity::Fail) => 3,
                    StepStatus::Cancelled => 2,
                    StepStatus::Done(Severity::Warn) => 1,
                    _ => 0,
                };
                ran.into_iter()
                    .max_by_key(rank)
                    .unwrap_or(StepStatus::NotRun)
            }
            _ if self.is_running() => StepStatus::Running,
            Step::CertificationPath | Step::Purposes | Step::Port => match self.step_report(step) {
                None => StepStatus::NotRun,
                // No path to judge (nothing presented, no local certificate): not a pass.
                Some(r) if step != Step::Port && r.path.is_none() => match judged(step) {
                    StepStatus::Done(Severity::Pass | Severity::Info) => StepStatus::Skipped,
                    other => other,
                },
                Some(_) => judged(step),
            },
            Step::MutualTls => {
                let Some(report) = self.report() else {
                    return StepStatus::NotRun;
                };
                let tried = report
                    .probe
                    .as_ref()
                    .is_some_and(|p| p.mutual_tls.is_some());
                let status = judged(step);
                match status {
                    _ if tried => status,
                    // Not tried: only a problem found on the way (the CA list) or a cancel is a
                    // state; nothing else can pass a handshake that did not happen.
                    StepStatus::Done(Severity::Fail | Severity::Warn) | StepStatus::Cancelled => {
                        status
                    }
                    _ => StepStatus::Skipped,
                }
            }
            Step::Verdict => self.report().map_or(StepStatus::NotRun, |r| {
                StepStatus::of_verdict(r.verdict.status)
            }),
        }
    }
}

/// The status sentence of certificate `index` of a report's path, with the worst severity it carries.
/// MMC's sentence ("This certificate is OK.") is about dates, signature and trust only; a revoked
/// certificate, or a path whose purposes block it, is not OK, so the sentence says so. For the
/// examined certificate (the last node) every problem of steps 4 and 5 counts; for a CA, those that
/// name it.
pub fn node_status_line(report: &Report, index: usize) -> Option<(String, Severity)> {
    let path = report.path.as_ref()?;
    let node = path.nodes.get(index)?;
    let is_leaf = index + 1 == path.nodes.len();
    let mut problems: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| matches!(f.severity, Severity::Fail | Severity::Warn))
        .filter(|f| {
            [Step::CertificationPath, Step::Purposes]
                .iter()
                .any(|s| judged_ids(*s).iter().any(|p| f.id.starts_with(p)))
        })
        .filter(|f| {
            let about_this = f
                .certificate
                .as_ref()
                .is_some_and(|c| c.sha256 == node.certificate.sha256);
            about_this || is_leaf
        })
        .collect();
    problems.sort_by_key(|f| f.severity);
    problems.dedup_by(|a, b| a.id == b.id && a.title == b.title);
    let ok = node.status == crate::engine::path::NodeStatus::Ok;
    Some(match (ok, problems.first()) {
        (true, None) => (node.status_text.clone(), Severity::Pass),
        (true, Some(worst)) => (
            format!(
                "Its dates, signature and trust are OK, but it cannot be used as it is: {}{}",
                worst.title,
                match problems.len() - 1 {
                    0 => ".".to_owned(),
                    1 => " (and 1 more problem below).".to_owned(),
                    n => format!(" (and {n} more problems below)."),
                }
            ),
            worst.severity,
        ),
        (false, _) => (node.status_text.clone(), Severity::Fail),
    })
}
