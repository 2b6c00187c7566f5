//! The verifiable-credential resources (`vc/presentation`, `vc/credential`): presentation
//! definitions and credential configurations, each table in insertion order (the server's list
//! queries have no `ORDER BY`, so rows come back as they were written), published as snapshots so
//! a flow reads a consistent version while the management API changes it. Beside them, the
//! OpenID4VP verifier's keys.

use serde::{Deserialize, Serialize};

use super::locked::Snapshots;
use crate::openid4vp::{Keys, PresentationDefinition, Verifier};

/// One claim of a credential configuration (`ClaimMapping`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClaimMapping {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_name: String,
}

/// A credential configuration's display (`CredentialDisplay`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CredentialDisplay {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub locale: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub logo_uri: String,
}

/// A credential configuration (`CredentialConfigurationDTO`, without the display-only OU handle),
/// its fields in the struct's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CredentialConfiguration {
    pub id: String,
    pub handle: String,
    pub ou_id: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub format: String,
    pub vct: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<ClaimMapping>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<CredentialDisplay>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validity_seconds: Option<i64>,
}

/// Both tables.
#[derive(Debug, Clone, Default)]
pub(crate) struct VcResources {
    pub definitions: Vec<PresentationDefinition>,
    pub configurations: Vec<CredentialConfiguration>,
}

/// The verifier's keys and the resources.
#[derive(Debug)]
pub(crate) struct Vc {
    verifier: Verifier,
    pub resources: Snapshots<VcResources>,
}

impl Vc {
    /// The fixtures' presentation definitions (`presentation-definitions.json`) as stored rows.
    pub(crate) fn new(definitions: Vec<PresentationDefinition>) -> Self {
        Self {
            verifier: Verifier::new(),
            resources: Snapshots::new(VcResources {
                definitions,
                configurations: Vec::new(),
            }),
        }
    }

    /// The server's keys, generated the first time they are needed.
    pub(crate) fn keys(&self) -> &Keys {
        self.verifier.keys()
    }

    /// `GetPresentationDefinitionByHandle` on the current version.
    pub(crate) fn definition(&self, handle: &str) -> Option<PresentationDefinition> {
        self.resources
            .current()
            .definitions
            .iter()
            .find(|d| d.handle == handle)
            .cloned()
    }
}
