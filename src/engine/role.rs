//! The two TLS roles a conferencing server's certificate serves (Server and Client Authentication)
//! and which of them a check asks for. Below both the path builder (which prefers a path valid for
//! the requested roles) and the purpose analysis (which judges a built path per role).

use serde::{Deserialize, Serialize};

use crate::engine::cert::{OID_CLIENT_AUTH, OID_SERVER_AUTH};

/// The two TLS roles a conferencing server's certificate must serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Server Authentication (1.3.6.1.5.5.7.3.1): answering TLS on 444, 5061, ...
    ServerAuth,
    /// Client Authentication (1.3.6.1.5.5.7.3.2): presenting the certificate in server-to-server MTLS.
    ClientAuth,
}

impl Role {
    /// Both roles, in display order.
    pub const ALL: [Role; 2] = [Role::ServerAuth, Role::ClientAuth];

    /// The name Windows uses.
    pub fn name(self) -> &'static str {
        match self {
            Role::ServerAuth => "Server Authentication",
            Role::ClientAuth => "Client Authentication",
        }
    }

    pub(crate) fn oid(self) -> &'static str {
        match self {
            Role::ServerAuth => OID_SERVER_AUTH,
            Role::ClientAuth => OID_CLIENT_AUTH,
        }
    }
}

/// Which roles a certificate is examined for (`inspect --purpose`). The conferencing servers need
/// both, hence the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestedPurpose {
    /// Server Authentication only (a web server, an edge's external interface).
    Server,
    /// Client Authentication only.
    Client,
    /// Both, as a conferencing server needs (it answers TLS and presents the same certificate in MTLS).
    #[default]
    Both,
}

impl RequestedPurpose {
    /// The roles asked for, in display order.
    pub fn roles(self) -> &'static [Role] {
        match self {
            RequestedPurpose::Server => &[Role::ServerAuth],
            RequestedPurpose::Client => &[Role::ClientAuth],
            RequestedPurpose::Both => &Role::ALL,
        }
    }

    /// Whether `role` was asked for.
    pub fn asks(self, role: Role) -> bool {
        self.roles().contains(&role)
    }

    /// Whether this is the default (both roles): the JSON leaves it out then.
    pub fn is_both(&self) -> bool {
        *self == RequestedPurpose::Both
    }
}

impl std::str::FromStr for RequestedPurpose {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "server" => Ok(RequestedPurpose::Server),
            "client" => Ok(RequestedPurpose::Client),
            "both" => Ok(RequestedPurpose::Both),
            other => Err(format!(
                "unknown purpose \"{other}\": use server, client or both"
            )),
        }
    }
}
