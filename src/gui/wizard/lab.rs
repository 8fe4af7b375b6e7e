//! The practice lab: an in-process loopback server playing one failure; it fills the target and
//! step 3, and gives the user's own back when it stops.

use crate::engine::probe::DEFAULT_PATH;
use crate::gui::wizard::{RunState, TargetInput, Wizard};
use crate::lab::{LAB_HOST, Scenario};

/// The practice lab: an in-process loopback server playing one failure, so a new admin can walk the
/// famous incident (and the other failures) without a real pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeLab {
    /// The scenario picked in step 1.
    pub scenario: Scenario,
    /// What is running.
    pub state: LabState,
    /// The user's own target, put back when the lab stops (and what is remembered meanwhile).
    pub saved_target: Option<TargetInput>,
}

impl Default for PracticeLab {
    fn default() -> Self {
        PracticeLab {
            scenario: Scenario::ImpostorWebSite,
            state: LabState::Stopped,
            saved_target: None,
        }
    }
}

/// Whether the practice lab runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabState {
    /// Not running.
    Stopped,
    /// Making certificates and starting the server.
    Starting(Scenario),
    /// Listening on 127.0.0.1:port.
    Running {
        /// What it plays.
        scenario: Scenario,
        /// Its port.
        port: u16,
    },
    /// It could not start.
    Failed(String),
}

/// The certificate material of a started lab, as PEM text: loaded into step 3 like the user's own files.
/// (No `Debug`: it holds a private key.)
#[derive(Clone)]
pub struct LabMaterial {
    /// The lab root CA.
    pub root_pem: String,
    /// The calling front end's certificate and its issuing CA.
    pub client_chain_pem: String,
    /// Its key (test material made for this lab run; kept in memory only).
    pub client_key_pem: zeroize::Zeroizing<String>,
}

/// The practice lab's effect on the wizard: it fills the target and step 3, and gives them back.
impl Wizard {
    /// The lab is being started with the picked scenario.
    pub fn on_lab_starting(&mut self) {
        self.lab.state = LabState::Starting(self.lab.scenario);
        self.status = format!(
            "Starting the practice lab: {}…",
            self.lab.scenario.description()
        );
    }

    /// The lab server listens on 127.0.0.1:`port`: aim the target at it and load its certificates
    /// (the calling front end's certificate, key and issuing CA, and the lab root) into step 3.
    pub fn on_lab_started(&mut self, scenario: Scenario, port: u16, material: &LabMaterial) {
        if self.refuses_results() {
            return;
        }
        if self.lab.saved_target.is_none() {
            self.lab.saved_target = Some(self.target.clone());
        }
        self.target = TargetInput {
            server_fqdn: LAB_HOST.to_owned(),
            pool_fqdn: String::new(),
            port: port.to_string(),
            path: DEFAULT_PATH.to_owned(),
            address: "127.0.0.1".to_owned(),
            protocol: scenario.protocol(),
        };
        self.clear_local();
        self.forget_results();
        // The key first, so that the client certificate arrives with its key and is the one chosen
        // (on Windows the machine's own certificates are listed too).
        for (name, text) in [
            ("lab-client.key", material.client_key_pem.as_str()),
            ("lab-client.pem", material.client_chain_pem.as_str()),
            ("lab-root.pem", material.root_pem.as_str()),
        ] {
            let result = crate::engine::load::load_bytes(name, text.as_bytes(), None);
            self.add_loaded(name, result);
        }
        self.lab.state = LabState::Running { scenario, port };
        self.status = format!(
            "Practice lab on 127.0.0.1:{port}: {}. Press Run all checks.",
            scenario.description()
        );
    }

    /// The lab could not start.
    pub fn on_lab_failed(&mut self, error: impl std::fmt::Display) {
        let error = error.to_string();
        self.status = format!("The practice lab could not start: {error}");
        self.lab.state = LabState::Failed(error);
    }

    /// The lab stopped: the user's own target comes back, the lab's certificates and results go.
    pub fn on_lab_stopped(&mut self) {
        if let Some(target) = self.lab.saved_target.take() {
            self.target = target;
        }
        if matches!(self.lab.state, LabState::Running { .. }) {
            self.clear_local();
            self.forget_results();
        }
        self.lab.state = LabState::Stopped;
        self.status = "Practice lab stopped.".to_owned();
    }

    /// The target worth remembering between sessions: never the lab's.
    pub fn target_to_remember(&self) -> &TargetInput {
        self.lab.saved_target.as_ref().unwrap_or(&self.target)
    }

    pub(super) fn forget_results(&mut self) {
        if !self.is_running() {
            self.run = RunState::Idle;
        }
        self.last_report = None;
        self.selected_node = None;
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::gui::wizard::Msg;

    /// A fresh lab PKI's material, as a started lab hands it over.
    pub(in crate::gui::wizard) fn lab_material() -> LabMaterial {
        let pki = crate::lab::LabPki::generate().expect("lab pki");
        LabMaterial {
            root_pem: pki.root_pem.clone(),
            client_chain_pem: pki.client.chain_pem.clone(),
            client_key_pem: zeroize::Zeroizing::new(pki.client.key_pem.clone()),
        }
    }

    #[test]
    fn the_practice_lab_fills_the_target_and_gives_the_users_own_back() {
        let mut w = Wizard::default();
        w.target.server_fqdn = "ocs1.contoso.com".into();
        w.target.port = "5061".into();
        w.apply(Msg::StartLab);
        w.on_lab_starting();
        assert_eq!(
            w.lab.state,
            LabState::Starting(Scenario::ImpostorWebSite),
            "the famous incident is the default"
        );
        w.on_lab_started(Scenario::ImpostorWebSite, 40444, &lab_material());
        assert_eq!(w.target.server_fqdn, LAB_HOST);
        assert_eq!(w.target.port, "40444");
        assert_eq!(w.target.address, "127.0.0.1");
        assert!(w.can_run());
        // Step 3 holds the calling server's certificate, its key and the lab root (a trust anchor).
        assert_eq!(w.local.sources.len(), 3);
        assert_eq!(w.local_trust_anchors().len(), 1);
        let request = w.check_request().expect("request");
        assert!(request.plan.identity.is_some(), "mutual TLS will be tried");
        // What is remembered meanwhile is the user's own target, never the lab's.
        assert_eq!(w.target_to_remember().server_fqdn, "ocs1.contoso.com");
        w.on_lab_stopped();
        assert_eq!(w.target.server_fqdn, "ocs1.contoso.com");
        assert_eq!(w.target.port, "5061");
        assert!(w.local.certificates.is_empty());
        assert_eq!(w.lab.state, LabState::Stopped);
    }

    #[test]
    fn a_lab_that_cannot_start_says_why() {
        let mut w = Wizard::default();
        w.on_lab_starting();
        w.on_lab_failed("lab: address in use");
        assert!(w.status.contains("could not start: lab: address in use"));
        assert!(matches!(w.lab.state, LabState::Failed(_)));
        // Nothing of the user's was touched.
        w.on_lab_stopped();
        assert_eq!(w.target, TargetInput::default());
    }
}
