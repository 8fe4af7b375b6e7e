//! Steps 4-8: the check that Run all checks starts (its request, its progress, its report), and why
//! mutual TLS was not tried.

use crate::engine::identity::{self, IdentityError};
use std::sync::Arc;

use crate::engine::load::SourcedCertificate;
use crate::engine::probe::ProbeEvent;
use crate::engine::report::Report;
use crate::engine::store::StoreCertificate;
use crate::gui::wizard::local_cert::KEY_ERROR_PREFIX;
use crate::gui::wizard::{RunState, Step, Wizard};

/// Running the checks: the request, progress and the report.
impl Wizard {
    /// The check to run for the current inputs (None when the target is invalid).
    pub fn check_request(&mut self) -> Option<crate::engine::check::CheckRequest> {
        self.clear_key_error();
        let (target, expected_names) = self.target.parse().ok()?;
        let identity = self.client_identity();
        // Compare with the local certificate only when it is this server's own (it carries the name
        // being checked): checking another pool member presents another certificate, rightly.
        let host = target.host.clone();
        let carries_host = |c: &SourcedCertificate| {
            crate::engine::cert::CertificateFacts::from_der(&c.der).is_ok_and(|f| {
                !f.is_ca
                    && !crate::engine::names::check_names(&f, std::slice::from_ref(&host))
                        .iter()
                        .all(|n| !n.matched())
            })
        };
        // The certificate chosen in step 3 first (it may come from the machine's store), then files.
        let local_certificate = self
            .selected_local()
            .map(StoreCertificate::sourced)
            .into_iter()
            .chain(self.local.certificates.iter().cloned())
            .find(|c| carries_host(c));
        Some(crate::engine::check::CheckRequest {
            plan: crate::engine::probe::ProbePlan {
                target,
                timeout: crate::engine::probe::DEFAULT_TIMEOUT,
                identity,
            },
            trust_anchors: self.local_trust_anchors(),
            expected_names,
            local_certificate,
            client_chain: {
                let mut chain = self.local.certificates.clone();
                if let Some(stores) = &self.local.stores {
                    chain.extend(stores.intermediates());
                    chain.extend(stores.trust_anchors());
                }
                chain
            },
            at: time::OffsetDateTime::now_utc(),
            inputs: Vec::new(),
            fetch: self
                .fetch_revocation
                .then(crate::engine::revocation::FetchOptions::default),
        })
    }

    /// The client identity to present (step 3), by the rule the CLI shares; `None` when there is
    /// none (a key that cannot be used says why in step 3 and the status line).
    pub fn client_identity(&mut self) -> Option<Arc<crate::engine::probe::ClientIdentity>> {
        // The client identity, by the rule the CLI shares (engine::identity): the certificate chosen
        // in step 3 with its key (loaded with it, or kept by the Windows store: signing through CNG,
        // never exported) and its path; with none chosen, a file that came with its key, else a key
        // and the certificates loaded beside it. Each run gets its own copy of the key (zeroed when
        // the run ends), so checks can be re-run.
        let all_certs = self.local.certificates.clone();
        let chosen = match (self.selected_local(), self.local.stores.as_ref()) {
            // With a certificate chosen in step 3, that one is presented or none: never another file's.
            (Some(chosen), Some(stores)) => Some(identity::from_store(
                stores,
                chosen,
                &self.local.loaded,
                &all_certs,
                time::OffsetDateTime::now_utc(),
            )),
            (Some(_), None) => Some(Err(IdentityError::NoKey {
                certificate: String::new(),
            })),
            (None, _) => None,
        };
        match chosen {
            Some(Ok(identity)) => Some(identity),
            Some(Err(IdentityError::NoKey { .. })) => None,
            Some(Err(e)) => {
                let message = format!("{KEY_ERROR_PREFIX}{e}");
                self.local.error = Some(message.clone());
                self.status = message;
                None
            }
            None => identity::from_loaded(&self.local.loaded, &all_certs),
        }
        .map(Arc::new)
    }

    /// Takes a progress event from the running checks.
    pub fn on_event(&mut self, event: ProbeEvent) {
        if self.redact {
            // Names and addresses in progress lines are masked before the report names them.
            match &event {
                ProbeEvent::Contacting { urls, .. } => {
                    for url in urls {
                        self.learn_loose(url);
                    }
                }
                ProbeEvent::Finished { summary, .. } => self.learn_loose(summary),
                ProbeEvent::Started { .. } => {}
            }
        }
        if let RunState::Running {
            finished,
            current,
            contacting,
        } = &mut self.run
        {
            match event {
                ProbeEvent::Contacting { step, urls } => {
                    self.status = format!("{}: contacting {}", step.label(), urls.join(", "));
                    contacting.extend(urls);
                }
                ProbeEvent::Started { step } => {
                    *current = Some(step);
                    self.status = format!("{}…", step.label());
                }
                ProbeEvent::Finished { step, summary, .. } => {
                    self.status = format!("{}: {summary}", step.label());
                    finished.push((step, summary));
                    if *current == Some(step) {
                        *current = None;
                    }
                }
            }
        }
    }

    /// The checks' thread ended without a report (a panic in a library): nothing was judged, and the
    /// status line says so rather than keep a spinner turning.
    pub fn on_checks_stopped(&mut self) {
        if self.is_running() {
            self.run = RunState::Idle;
        }
        self.status =
            "The checks stopped unexpectedly: nothing was judged. Run them again.".to_owned();
    }

    /// Takes the finished report and moves to the verdict.
    pub fn on_done(&mut self, report: Report) {
        if self.refuses_results() {
            return;
        }
        let report = Arc::new(report);
        self.status = if report.verdict.status == crate::engine::report::VerdictStatus::Cancelled {
            "Checks cancelled: only what finished is judged (step 8 says what was not checked)."
                .to_owned()
        } else {
            format!("Checks finished: {}", report.verdict.summary)
        };
        self.timeline.extend(report.timeline.iter().cloned());
        self.last_report = Some(Arc::clone(&report));
        self.run = RunState::Done(report);
        self.selected_node = None;
        self.step = Step::Verdict;
    }

    /// Why the last run did not try mutual TLS, in words (None when it did, or nothing ran).
    pub fn mutual_tls_not_tried_reason(&self) -> Option<String> {
        let report = self.report()?;
        let probe = report.probe.as_ref()?;
        if probe.mutual_tls.is_some() {
            return None;
        }
        let has_key = self.local.loaded.iter().any(|l| !l.keys.is_empty());
        let asked = probe.handshake.as_ref().map(|h| h.certificate_requested);
        // The probe's own reason is the true one; only "no key loaded" gets the window's own hint.
        if let Some(reason) = probe.not_tried_reason(crate::engine::probe::ProbeStep::MutualTls)
            && (has_key || asked != Some(true))
        {
            return Some(format!("Mutual TLS was not tried: {reason}."));
        }
        let legacy = probe.handshake.as_ref().is_some_and(|h| {
            matches!(
                h.outcome,
                crate::engine::probe::tls::HandshakeOutcome::LegacyOnly { .. }
            )
        });
        Some(match asked {
            _ if probe.cancelled => "Mutual TLS was not tried: the checks were cancelled.".to_owned(),
            _ if legacy => "Mutual TLS was not tried: the server speaks only TLS 1.0 / 1.1 (step 6). \
                 certwiz reads such a server's certificates and acceptable-CA list, but does not \
                 complete a handshake with it, so it cannot present a client certificate."
                .to_owned(),
            None => "Mutual TLS was not tried: no TLS handshake with the server completed (see step 6)."
                .to_owned(),
            Some(false) => "Mutual TLS was not tried: the server did not ask for a client certificate, \
                 so there was nothing to present. A conferencing endpoint on this port must ask; step 6 \
                 shows what answers instead."
                .to_owned(),
            Some(true) if !has_key => "Mutual TLS was not tried: no client certificate with its private \
                 key is loaded. In step 3, load this server's certificate with its key (a .pfx exported \
                 with the private key, or PEM certificate + key)."
                .to_owned(),
            Some(true) => "Mutual TLS was not tried: the loaded key has no matching certificate among \
                 the files in step 3."
                .to_owned(),
        })
    }
}
