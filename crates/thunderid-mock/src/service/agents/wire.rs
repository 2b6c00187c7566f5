//! The agent API's bodies (`buildCompleteResponse`, `composeGetResponse`, `buildListResponse`) and
//! the list's `filter` (`parseFilterParams`).

use serde_json::Value;
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::agents::{Agent, AgentSummary};
use thunderid_protocol::applications::{Application, InboundAuthConfig, InboundAuthProfile};

use crate::error::MockError;
use crate::service::applications::Facts;
use crate::service::request::Query;
use crate::store::agents::AgentRecord;
use crate::store::users::value_at;

/// `attr eq "value"`, matched against the agent type's attributes.
pub(super) struct Filter {
    attribute: String,
    value: String,
}

impl Filter {
    pub(super) fn matches(&self, agent: &AgentRecord) -> bool {
        agent
            .attributes
            .as_ref()
            .and_then(Value::as_object)
            .and_then(|a| value_at(a, &self.attribute))
            .and_then(Value::as_str)
            == Some(self.value.as_str())
    }
}

/// The `filter` parameter: absent is none; anything but `<attr> eq "<value>"` is AGT-1020.
pub(super) fn filter(query: &Query) -> Result<Option<Filter>, MockError> {
    let Some(raw) = query.get("filter") else {
        return Ok(None);
    };
    let invalid = || MockError::api(ApiErrorCode::AgentInvalidFilter);
    let (attribute, value) = raw.trim().split_once(" eq ").ok_or_else(invalid)?;
    let (attribute, value) = (attribute.trim(), value.trim());
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|_| value.len() >= 2)
        .ok_or_else(invalid)?;
    if attribute.is_empty() || value.is_empty() {
        return Err(invalid());
    }
    Ok(Some(Filter {
        attribute: attribute.to_owned(),
        value: value.to_owned(),
    }))
}

fn handle(facts: &Facts, ou_id: &str) -> String {
    facts
        .units
        .get(ou_id)
        .map(|(handle, _, _)| handle.clone())
        .unwrap_or_default()
}

/// The profile block of a stored inbound client.
fn profile(agent: &mut Agent, inbound: &Application) {
    let (to, from) = (&mut agent.profile, &inbound.profile);
    to.auth_flow_id.clone_from(&from.auth_flow_id);
    to.registration_flow_id
        .clone_from(&from.registration_flow_id);
    to.is_registration_flow_enabled = from.is_registration_flow_enabled;
    to.theme_id.clone_from(&from.theme_id);
    to.layout_id.clone_from(&from.layout_id);
    to.assertion.clone_from(&from.assertion);
    to.login_consent.clone_from(&from.login_consent);
    to.allowed_user_types.clone_from(&from.allowed_user_types);
}

/// The OAuth entry as `oauthProfileToComplete` writes it: no ACR values, the secret only when
/// this call set one.
fn oauth(inbound: &Application, secret: &str) -> Vec<InboundAuthConfig> {
    let mut entries = inbound.profile.inbound_auth_config.clone();
    for entry in &mut entries {
        if let Some(config) = entry.config.as_mut() {
            config.client_secret = secret.to_owned();
            config.acr_values.clear();
        }
    }
    entries
}

/// The create and update answer: the request's fields, the resolved flows, assertion and
/// consent, the unit's handle, and the OAuth client with the secret this call set.
pub(super) fn complete(
    request: &Agent,
    record: &AgentRecord,
    secret: &str,
    registration_flag: bool,
    facts: &Facts,
) -> Agent {
    let mut agent = Agent {
        id: record.id.clone(),
        organization_unit_id: record.ou_id.clone(),
        organization_unit_handle: handle(facts, &record.ou_id),
        agent_type: request.agent_type.clone(),
        name: request.name.clone(),
        description: request.description.clone(),
        logo_url: request.logo_url.clone(),
        owner: record.owner.clone(),
        attributes: record.attributes.clone(),
        profile: InboundAuthProfile {
            theme_id: request.profile.theme_id.clone(),
            layout_id: request.profile.layout_id.clone(),
            allowed_user_types: request.profile.allowed_user_types.clone(),
            ..InboundAuthProfile::default()
        },
        ..Agent::default()
    };
    if let Some(inbound) = &record.inbound {
        let (to, from) = (&mut agent.profile, &inbound.profile);
        to.auth_flow_id.clone_from(&from.auth_flow_id);
        to.registration_flow_id
            .clone_from(&from.registration_flow_id);
        to.assertion.clone_from(&from.assertion);
        to.login_consent.clone_from(&from.login_consent);
        agent.profile.inbound_auth_config = oauth(inbound, secret);
    }
    agent.profile.is_registration_flow_enabled = registration_flag;
    agent
}

/// `GET /agents/{id}`: the stored agent with its client ID, never a secret; the unit's handle
/// only with `include=display`.
pub(super) fn full(record: &AgentRecord, units: Option<&Facts>) -> Agent {
    let mut agent = Agent {
        id: record.id.clone(),
        organization_unit_id: record.ou_id.clone(),
        organization_unit_handle: units.map(|f| handle(f, &record.ou_id)).unwrap_or_default(),
        agent_type: record.agent_type.clone(),
        name: record.name.clone(),
        description: record.description.clone(),
        logo_url: record.logo_url().to_owned(),
        client_id: record.client_id.clone(),
        owner: record.owner.clone(),
        attributes: record.attributes.clone(),
        ..Agent::default()
    };
    if let Some(inbound) = &record.inbound {
        profile(&mut agent, inbound);
        agent.profile.inbound_auth_config = oauth(inbound, "");
    }
    agent
}

/// An agent in the list.
pub(super) fn summary(record: &AgentRecord, units: Option<&Facts>) -> AgentSummary {
    AgentSummary {
        id: record.id.clone(),
        organization_unit_id: record.ou_id.clone(),
        organization_unit_handle: units.map(|f| handle(f, &record.ou_id)).unwrap_or_default(),
        agent_type: record.agent_type.clone(),
        name: record.name.clone(),
        description: record.description.clone(),
        logo_url: record.logo_url().to_owned(),
        client_id: record.client_id.clone(),
        owner: record.owner.clone(),
        attributes: record.attributes.clone(),
        is_read_only: false,
    }
}
