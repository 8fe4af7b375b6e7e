//! Step 3: the local certificate files and this computer's stores, the certificate chosen among
//! them, and its inspection.

use crate::engine::load::{Loaded, SourcedCertificate};
use crate::engine::report::Report;
use crate::engine::store::{StoreCertificate, StoreListing};
use crate::gui::wizard::Wizard;

/// The local certificate files loaded in step 3.
#[derive(Debug, Default)]
pub struct LocalCertificates {
    /// Every certificate loaded, in order.
    pub certificates: Vec<SourcedCertificate>,
    /// The loaded material (keys stay here, in memory only).
    pub loaded: Vec<Loaded>,
    /// Names of what was loaded, for the list.
    pub sources: Vec<String>,
    /// The analysis of the local certificate (inspect), when one is loaded.
    pub report: Option<Report>,
    /// The last loading error, shown inline.
    pub error: Option<String>,
    /// This computer's certificate stores (Windows: the Local Machine stores), once read.
    pub machine: Option<StoreListing>,
    /// The machine's stores are being read.
    pub machine_reading: bool,
    /// The stores step 3 lists and steps 4-5 use: the machine's (when read) with the loaded files
    /// sorted in like an import. Rebuilt when either changes.
    pub stores: Option<StoreListing>,
    /// The Personal certificate chosen in step 3 (SHA-256); the first usable one when none is chosen.
    pub selected: Option<String>,
    /// What the stores say about themselves: CAs restricted by their purpose setting, no usable
    /// server certificate (the Root store's health is step 7's).
    pub store_findings: Vec<crate::engine::finding::Finding>,
    /// Counts rebuilds of `stores` (the masked view redoes its copy when it changes).
    pub stores_generation: u64,
}

/// How step 3's message starts when the chosen certificate's store key cannot be used.
pub(super) const KEY_ERROR_PREFIX: &str =
    "The chosen certificate cannot be presented for mutual TLS: ";
/// Step 3: loading local files, choosing among the stores' certificates, inspecting the chosen one.
impl Wizard {
    /// Records the result of loading one file (or pasted text) and re-inspects the local certificate.
    pub fn add_loaded(
        &mut self,
        name: &str,
        result: Result<Loaded, crate::engine::load::LoadError>,
    ) {
        if self.refuses_results() {
            return;
        }
        match result {
            Ok(loaded) => {
                self.local.error = None;
                self.note(
                    "Loaded a certificate file",
                    &format!(
                        "{name}: {} certificate(s), {} key(s)",
                        loaded.certificates.len(),
                        loaded.keys.len()
                    ),
                );
                self.local.sources.push(format!(
                    "{name}: {} certificate(s){}",
                    loaded.certificates.len(),
                    if loaded.keys.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ", {} private key(s) (kept in memory only)",
                            loaded.keys.len()
                        )
                    }
                ));
                self.local
                    .certificates
                    .extend(loaded.certificates.iter().cloned());
                let new_certificates: Vec<String> = loaded
                    .certificates
                    .iter()
                    .filter_map(|c| crate::engine::cert::CertificateFacts::from_der(&c.der).ok())
                    .map(|f| f.sha256)
                    .collect();
                self.local.loaded.push(loaded);
                self.rebuild_stores();
                // What was just loaded is examined: its Personal certificate with a key, or any of
                // its Personal certificates when the one chosen so far has no key.
                let current_has_key = self.selected_local().is_some_and(|c| c.has_private_key);
                let pick = self.local.stores.as_ref().and_then(|stores| {
                    stores
                        .personal(time::OffsetDateTime::now_utc())
                        .into_iter()
                        .filter(|c| new_certificates.contains(&c.sha256))
                        .find(|c| c.has_private_key || !current_has_key)
                        .map(|c| c.sha256.clone())
                });
                if pick.is_some() {
                    self.local.selected = pick;
                }
                self.refresh_local_report();
            }
            Err(err) => self.local.error = Some(err.to_string()),
        }
        // The password has done its job: do not keep it around.
        self.pfx_password.clear();
    }

    /// Forgets every local file (the machine's stores stay).
    pub fn clear_local(&mut self) {
        let machine = self.local.machine.take();
        self.local = LocalCertificates {
            machine,
            ..LocalCertificates::default()
        };
        self.rebuild_stores();
        self.refresh_local_report();
    }

    /// Takes this computer's certificate stores, read off the UI thread.
    pub fn on_machine_store(&mut self, listing: StoreListing) {
        self.local.machine_reading = false;
        if self.refuses_results() {
            return;
        }
        self.status = format!("Certificate stores read: {}", listing.summary());
        self.note(
            "Read this computer's certificate stores",
            &listing.summary(),
        );
        self.local.machine = Some(listing);
        self.rebuild_stores();
        self.refresh_local_report();
    }

    /// Chooses the Personal certificate to examine (and to present in mutual TLS when its key is
    /// here).
    pub fn select_local(&mut self, sha256: &str) {
        self.local.selected = Some(sha256.to_owned());
        self.clear_key_error();
        self.refresh_local_report();
    }

    /// The Personal certificate being examined: the one chosen, else the first usable one, else the
    /// first listed.
    pub fn selected_local(&self) -> Option<&StoreCertificate> {
        let stores = self.local.stores.as_ref()?;
        let now = time::OffsetDateTime::now_utc();
        let personal = stores.personal(now);
        self.local
            .selected
            .as_deref()
            .and_then(|sha| personal.iter().find(|c| c.sha256 == sha).copied())
            .or_else(|| personal.first().copied())
    }

    /// The certificate the checked server presented, when it is one of the Personal store's (the
    /// certificate bound to the pool on that port).
    pub fn presented_local(&self) -> Option<&StoreCertificate> {
        let presented = self.last_report.as_deref()?.certificate.as_ref()?;
        self.local
            .stores
            .as_ref()?
            .of(crate::engine::store::StoreName::Personal)
            .find(|c| c.sha256 == presented.sha256)
    }

    /// HTTP.SYS bindings (step 6's lookup on this computer) whose certificate is `certificate`: the
    /// certificate bound to the conferencing port.
    pub fn http_sys_bindings_of(&self, certificate: &StoreCertificate) -> Vec<String> {
        self.port_owner_report()
            .and_then(|r| r.port_owner.as_ref())
            .map(|facts| {
                facts
                    .http_sys
                    .iter()
                    .filter(|b| {
                        b.certificate_hash
                            .eq_ignore_ascii_case(&certificate.thumbprint_sha1)
                    })
                    .map(|b| b.ip_port.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(super) fn rebuild_stores(&mut self) {
        let files = (!self.local.loaded.is_empty()).then(|| {
            crate::engine::store::snapshot(&crate::engine::store::files::FileStore::new(
                "the files loaded in step 3",
                &self.local.loaded,
            ))
        });
        self.local.stores_generation += 1;
        self.local.stores = match (self.local.machine.clone(), files) {
            (Some(machine), Some(files)) => Some(machine.merged(files)),
            (Some(machine), None) => Some(machine),
            (None, files) => files,
        };
        use crate::engine::finding::ids;
        self.local.store_findings = self
            .local
            .stores
            .as_ref()
            .map(|stores| {
                crate::engine::store::judge(stores, time::OffsetDateTime::now_utc())
                    .into_iter()
                    .filter(|f| {
                        f.id == ids::STORE_CA_PURPOSES_RESTRICTED
                            || f.id == ids::STORE_NO_SERVER_CERTIFICATE
                    })
                    .collect()
            })
            .unwrap_or_default();
    }

    /// The roots the user trusts: the machine's Trusted Root store (when read) and the self-signed
    /// CA certificates among the local files.
    pub fn local_trust_anchors(&self) -> Vec<SourcedCertificate> {
        self.local
            .stores
            .as_ref()
            .map(StoreListing::trust_anchors)
            .unwrap_or_default()
    }

    /// The inspection of the local certificates (None when none is loaded).
    pub(super) fn local_inspect_request(&self) -> Option<crate::engine::inspect::InspectRequest> {
        let selected = self.selected_local();
        if self.local.certificates.is_empty() && selected.is_none() {
            return None;
        }
        // The local certificate is this server's; the server being checked may be another pool member,
        // so only the pool FQDN (which every pool certificate carries) is expected on it.
        let names = self
            .target
            .parse()
            .map(|(_, expected)| expected)
            .unwrap_or_default();
        let at = time::OffsetDateTime::now_utc();
        // Like MMC: the chosen Personal certificate, its path from the Intermediate store and the
        // files, anchored in the Trusted Root store, with the stores' purpose settings.
        if let (Some(stores), Some(subject)) = (&self.local.stores, selected) {
            return Some(stores.inspect_request(subject, &self.local.certificates, names, at));
        }
        Some(crate::engine::inspect::InspectRequest {
            certificates: self.local.certificates.clone(),
            trust_anchors: self.local_trust_anchors(),
            expected_names: names,
            at,
            inputs: Vec::new(),
            store_purposes: Default::default(),
            purpose: Default::default(),
        })
    }

    /// The local certificate's inspection to fetch with Run all checks, when revocation is checked.
    pub fn local_fetch_request(&self) -> Option<crate::engine::inspect::InspectRequest> {
        self.local_inspect_request()
            .filter(|_| self.fetch_revocation)
    }

    /// Inspects the chosen local certificate again (the stores are rebuilt by whoever changed them).
    pub(super) fn refresh_local_report(&mut self) {
        let Some(request) = self.local_inspect_request() else {
            self.local.report = None;
            return;
        };
        match crate::engine::inspect::inspect(&request) {
            Ok(report) => self.local.report = Some(report),
            Err(err) => self.local.error = Some(err.to_string()),
        }
    }

    /// Forgets the last "cannot be presented" message (a new choice or a new run decides again).
    pub(super) fn clear_key_error(&mut self) {
        if self
            .local
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with(KEY_ERROR_PREFIX))
        {
            self.local.error = None;
        }
    }
}
