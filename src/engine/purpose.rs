//! Purposes (Enhanced Key Usage) across a whole certification path, for Server Authentication and
//! Client Authentication separately.
//!
//! Windows intersects purposes down the path: a CA whose EKU extension lists only Server
//! Authentication makes every certificate under it useless for client authentication, whatever the
//! leaf says. That is the MMC "Enable only the following purposes" trap. A certificate without an EKU
//! extension is valid for all purposes. The Windows store keeps its own purpose property, which further
//! restricts the extension: [`StorePurposes`] is the seam where the store backend supplies it.

use serde::{Deserialize, Serialize};

use crate::engine::cert::{CertificateFacts, OID_ANY_EKU};
use crate::engine::path::{CertificationPath, PathEnd};
pub use crate::engine::role::{RequestedPurpose, Role};

/// The purposes a Windows certificate store property allows (MMC's certificate Properties > General).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "setting", content = "purposes")]
pub enum StorePurposes {
    /// "Enable all purposes for this certificate" (or no property: files have none).
    #[default]
    AllEnabled,
    /// "Disable all purposes for this certificate".
    AllDisabled,
    /// "Enable only the following purposes", with the ticked OIDs.
    Only(Vec<String>),
}

impl StorePurposes {
    fn allows(&self, role: Role) -> bool {
        match self {
            StorePurposes::AllEnabled => true,
            StorePurposes::AllDisabled => false,
            StorePurposes::Only(oids) => oids.iter().any(|o| o == role.oid()),
        }
    }
}

/// Where a certificate's purposes come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PurposeSource {
    /// No EKU extension: all purposes.
    NoExtension,
    /// The EKU extension lists anyExtendedKeyUsage.
    AnyPurpose,
    /// The EKU extension lists specific purposes.
    Listed,
}

/// What one certificate allows, by role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeFlags {
    /// Whether Server Authentication is allowed.
    pub server_auth: bool,
    /// Whether Client Authentication is allowed.
    pub client_auth: bool,
    /// Whether the certificate allows every purpose (no EKU, or Any Purpose, and no store restriction).
    pub all_purposes: bool,
    /// Where the purposes come from.
    pub source: PurposeSource,
    /// The store property, when the certificate came from a Windows store.
    pub store_property: StorePurposes,
    /// Whether the certificate's own EKU extension allows Server Authentication (before the store).
    #[serde(default = "yes")]
    pub extension_server_auth: bool,
    /// Whether the certificate's own EKU extension allows Client Authentication (before the store).
    #[serde(default = "yes")]
    pub extension_client_auth: bool,
}

fn yes() -> bool {
    true
}

impl PurposeFlags {
    /// Purposes of one certificate: its EKU extension intersected with the store property.
    pub fn of(facts: &CertificateFacts, store_property: &StorePurposes) -> Self {
        let listed = |oid: &str| facts.eku.purposes.iter().any(|p| p.oid == oid);
        let source = if !facts.eku.present {
            PurposeSource::NoExtension
        } else if listed(OID_ANY_EKU) {
            PurposeSource::AnyPurpose
        } else {
            PurposeSource::Listed
        };
        let extension_allows = |role: Role| source != PurposeSource::Listed || listed(role.oid());
        let allows = |role: Role| extension_allows(role) && store_property.allows(role);
        PurposeFlags {
            server_auth: allows(Role::ServerAuth),
            client_auth: allows(Role::ClientAuth),
            all_purposes: source != PurposeSource::Listed
                && *store_property == StorePurposes::AllEnabled,
            source,
            store_property: store_property.clone(),
            extension_server_auth: extension_allows(Role::ServerAuth),
            extension_client_auth: extension_allows(Role::ClientAuth),
        }
    }

    /// Words for one cell of the purpose table: whether `role` is allowed, and where the answer comes
    /// from when the store's purpose setting has a say.
    pub fn describe(&self, role: Role) -> &'static str {
        let store_set = self.store_property != StorePurposes::AllEnabled;
        match (self.allows(role), self.source) {
            (true, _) if store_set => "yes (store setting)",
            (true, PurposeSource::NoExtension) => "all purposes",
            (true, PurposeSource::AnyPurpose) => "any purpose",
            (true, PurposeSource::Listed) => "yes",
            // MMC can fix the store setting, not the signed extension: name the store only when the
            // extension itself allows the purpose.
            (false, _) if self.extension_allows(role) => "no (store setting)",
            (false, _) => "no",
        }
    }

    /// Whether the certificate's own EKU extension allows `role` (the store setting aside).
    pub fn extension_allows(&self, role: Role) -> bool {
        match role {
            Role::ServerAuth => self.extension_server_auth,
            Role::ClientAuth => self.extension_client_auth,
        }
    }

    /// Whether `role` is allowed.
    pub fn allows(&self, role: Role) -> bool {
        match role {
            Role::ServerAuth => self.server_auth,
            Role::ClientAuth => self.client_auth,
        }
    }
}

/// Where a certificate sits in the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathPosition {
    /// The top of the path (a root or the highest certificate found).
    Root,
    /// A CA between root and leaf.
    Intermediate,
    /// The certificate being examined.
    Leaf,
}

/// One row of the purpose table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeRow {
    /// The certificate's short name.
    pub display_name: String,
    /// Its subject.
    pub subject: String,
    /// Its SHA-256 thumbprint.
    pub sha256: String,
    /// Where it sits in the path.
    pub position: PathPosition,
    /// What it allows.
    pub flags: PurposeFlags,
}

/// Whether the path as a whole can serve a role, and which certificates stop it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleVerdict {
    /// The role.
    pub role: Role,
    /// Whether every certificate in the path allows it.
    pub usable: bool,
    /// Indexes into [`PurposeAnalysis::rows`] of the certificates that do not allow it.
    pub blocked_by: Vec<usize>,
    /// Why the chain as a whole is not judged for the role although no seen certificate blocks it (an
    /// issuer is missing: `usable` then speaks only of the certificates seen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_judged: Option<String>,
}

/// The purpose table for a path: each certificate × Server / Client Authentication, and the verdict
/// for the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeAnalysis {
    /// One row per certificate, root first.
    pub rows: Vec<PurposeRow>,
    /// Server Authentication, then Client Authentication.
    pub roles: Vec<RoleVerdict>,
    /// The roles the certificate was examined for (absent: both).
    #[serde(default, skip_serializing_if = "RequestedPurpose::is_both")]
    pub requested: RequestedPurpose,
}

impl PurposeAnalysis {
    /// Analyses `path`. `store_property` gives the Windows store property of a certificate by SHA-256
    /// (files have none: every certificate gets [`StorePurposes::AllEnabled`]).
    pub fn of_path(
        path: &CertificationPath,
        store_property: &dyn Fn(&str) -> StorePurposes,
    ) -> Self {
        let last = path.nodes.len().saturating_sub(1);
        let rows: Vec<PurposeRow> = path
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| PurposeRow {
                display_name: node.certificate.display_name.clone(),
                subject: node.certificate.subject.clone(),
                sha256: node.certificate.sha256.clone(),
                position: if i == last {
                    PathPosition::Leaf
                } else if i == 0 {
                    PathPosition::Root
                } else {
                    PathPosition::Intermediate
                },
                flags: PurposeFlags::of(
                    &node.certificate,
                    &store_property(&node.certificate.sha256),
                ),
            })
            .collect();
        let roles = Role::ALL
            .iter()
            .map(|&role| {
                let blocked_by: Vec<usize> = rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| !r.flags.allows(role))
                    .map(|(i, _)| i)
                    .collect();
                RoleVerdict {
                    role,
                    usable: blocked_by.is_empty(),
                    not_judged: (blocked_by.is_empty() && path.end == PathEnd::IssuerNotFound)
                        .then(|| "not judged: an issuer is missing".to_owned()),
                    blocked_by,
                }
            })
            .collect();
        PurposeAnalysis {
            rows,
            roles,
            requested: RequestedPurpose::Both,
        }
    }

    /// A sentence saying which roles were examined, when not both (text and GUI show it above the
    /// table).
    pub fn requested_note(&self) -> Option<String> {
        if self.requested.is_both() {
            return None;
        }
        let asked: Vec<&str> = self.requested.roles().iter().map(|r| r.name()).collect();
        Some(format!(
            "Examined for {} only (--purpose): the other column is shown, not judged.",
            asked.join(", ")
        ))
    }

    /// The same analysis, examined for `requested` only.
    pub fn for_purpose(mut self, requested: RequestedPurpose) -> Self {
        self.requested = requested;
        self
    }

    /// The verdict for `role`.
    pub fn role(&self, role: Role) -> Option<&RoleVerdict> {
        self.roles.iter().find(|r| r.role == role)
    }
}
