//! `POST /auth/oauth/{google,github,standard}/{start,finish}` (`service.go`
//! `StartIDPAuthentication`/`FinishIDPAuthentication`) over the configured connections and the
//! mock's fake upstream IdP (`service::idp`), where every connection lands.
//!
//! `start` answers the IdP's authorize URL and a stateless session JWT (`sub` and `aud`
//! `auth-svc`, 600 s, `auth_data` = `{idpId, idpType, nonce}`); the IdP's `state` is not tracked,
//! as on the server. `finish` redeems the code at the fake IdP (single use) and maps the IdP's
//! user to the local user with the same e-mail, as the federated flow executors do.

use serde_json::{Map, Value};
use thunderid_protocol::ApiErrorCode;
use thunderid_protocol::authn::{AuthenticationResponse, IdpAuthStartResponse};

use super::otp::audience_is;
use super::{
    AssertionRequest, AuthenticatedUser, Authenticator, FieldRules, client_error, decode,
    invalid_format, respond,
};
use crate::error::MockError;
use crate::flow::assertion::{sign, standard_claims};
use crate::flow::executors::federated::authorize_url;
use crate::graph::FederatedKind;
use crate::ids;
use crate::state::AppState;

/// The session token's `sub` and `aud`.
const SESSION_AUDIENCE: &str = "auth-svc";
/// The session token's lifetime (s).
const SESSION_VALIDITY: u64 = 600;
/// The longest `code` the finish DTO takes (`max=500`).
const MAX_CODE: usize = 500;

/// `providers.IDPType` of a kind.
fn idp_type(kind: FederatedKind) -> &'static str {
    match kind {
        FederatedKind::OAuth => "OAUTH",
        FederatedKind::Oidc => "OIDC",
        FederatedKind::Google => "GOOGLE",
        FederatedKind::Github => "GITHUB",
    }
}

fn kind_of_type(idp_type: &str) -> Option<FederatedKind> {
    match idp_type {
        "OAUTH" => Some(FederatedKind::OAuth),
        "OIDC" => Some(FederatedKind::Oidc),
        "GOOGLE" => Some(FederatedKind::Google),
        "GITHUB" => Some(FederatedKind::Github),
        _ => None,
    }
}

/// The kind of a stored identity provider connection (its vendor).
fn kind_of_vendor(vendor: &str) -> Option<FederatedKind> {
    match vendor {
        "oauth" => Some(FederatedKind::OAuth),
        "oidc" => Some(FederatedKind::Oidc),
        "google" => Some(FederatedKind::Google),
        "github" => Some(FederatedKind::Github),
        _ => None,
    }
}

/// `validateIDPType`: the endpoint's type must be the IdP's, except that OAuth and OIDC stand in
/// for each other.
fn check_type(requested: FederatedKind, actual: &str) -> Result<(), MockError> {
    let requested = idp_type(requested);
    let cross = ["OAUTH", "OIDC"];
    if requested == actual || (cross.contains(&requested) && cross.contains(&actual)) {
        Ok(())
    } else {
        Err(client_error(ApiErrorCode::AuthnInvalidIdpType))
    }
}

/// The assertion's authenticator for the IdP's own type.
fn authenticator(kind: FederatedKind) -> Authenticator {
    match kind {
        FederatedKind::OAuth => Authenticator::OAuth,
        FederatedKind::Oidc => Authenticator::Oidc,
        FederatedKind::Google => Authenticator::Google,
        FederatedKind::Github => Authenticator::Github,
    }
}

/// Start: the IdP must exist (AUTHN-1002, naming it) and be of the endpoint's type (AUTHN-1003).
pub(crate) fn start(
    state: &AppState,
    body: &[u8],
    requested: FederatedKind,
) -> Result<IdpAuthStartResponse, MockError> {
    let body = decode(body, &["idpId"])?;
    let idp_id = body.string("idpId").map_err(|_| invalid_format())?;
    let mut rules = FieldRules::default();
    rules.text("idpId", &idp_id, true, None);
    rules.finish()?;
    let connection = state
        .stores()
        .connections
        .current()
        .idps
        .get(&idp_id)
        .cloned();
    let Some(connection) = connection else {
        let mut error = ApiErrorCode::AuthnErrorRetrievingIdp.to_error();
        error.description.default_value = Some(format!(
            "An error occurred while retrieving the identity provider with ID {idp_id}: {}",
            ApiErrorCode::IdpIDPNotFound.description_default()
        ));
        return Err(MockError::DirectAuth(error));
    };
    let kind = kind_of_vendor(connection.vendor).ok_or_else(|| {
        MockError::Internal(anyhow::anyhow!(
            "unsupported IdP type {}",
            connection.vendor
        ))
    })?;
    check_type(requested, idp_type(kind))?;
    let nonce = matches!(kind, FederatedKind::Oidc | FederatedKind::Google).then(ids::uuid_v4);
    let redirect_url = authorize_url(
        &state.config().base_url,
        &idp_id,
        kind,
        Some(&connection),
        &ids::uuid_v4(),
        nonce.as_deref(),
    );
    let mut auth_data = Map::new();
    auth_data.insert("idpId".into(), Value::from(idp_id));
    auth_data.insert("idpType".into(), Value::from(idp_type(kind)));
    if let Some(nonce) = nonce {
        auth_data.insert("nonce".into(), Value::from(nonce));
    }
    let mut claims = Map::new();
    claims.insert("auth_data".into(), Value::Object(auth_data));
    claims.insert("aud".into(), Value::from(SESSION_AUDIENCE));
    standard_claims(
        &mut claims,
        state.signer().issuer(),
        state.now(),
        Some(SESSION_AUDIENCE),
        SESSION_VALIDITY,
    );
    Ok(IdpAuthStartResponse {
        redirect_url,
        session_token: sign(state.signer(), &claims),
    })
}

/// What a start's session token carries (`AuthSessionData`).
struct IdpSession {
    idp_id: String,
    idp_type: String,
    nonce: String,
}

/// Finish: the session token (AUTHN-1006), the endpoint's type (AUTHN-1003), then the code at the
/// IdP: any federated failure is AUTHN-FED-1001. An IdP user with no local account is a server
/// error, as on the server (the entity reference cannot be resolved).
pub(crate) fn finish(
    state: &AppState,
    body: &[u8],
    requested: FederatedKind,
) -> Result<AuthenticationResponse, MockError> {
    let body = decode(
        body,
        &["sessionToken", "skipAssertion", "assertion", "code"],
    )?;
    let token = body.string("sessionToken").map_err(|_| invalid_format())?;
    let code = body.string("code").map_err(|_| invalid_format())?;
    let request = AssertionRequest::from_body(&body)?;
    let mut rules = FieldRules::default();
    rules.text("sessionToken", &token, true, None);
    rules.text("code", &code, true, Some(MAX_CODE));
    rules.finish()?;

    let now = state.now();
    let session = session(state, &token, now)
        .ok_or_else(|| client_error(ApiErrorCode::AuthnInvalidSessionToken))?;
    check_type(requested, &session.idp_type)?;
    let failed = || client_error(ApiErrorCode::AuthnFederatedAuthenticationFailed);
    let kind = kind_of_type(&session.idp_type).ok_or_else(failed)?;
    if session.idp_id.is_empty() {
        return Err(failed());
    }
    let still_configured = state
        .stores()
        .connections
        .current()
        .idps
        .get(&session.idp_id)
        .is_some();
    if !still_configured {
        return Err(failed());
    }
    let grant = state
        .stores()
        .executions
        .write(|e| e.redeem_idp_grant(&code, now))
        .filter(|g| g.idp == session.idp_id)
        .ok_or_else(failed)?;
    // OIDC and Google check the ID token's nonce against the one the start sent.
    if matches!(kind, FederatedKind::Oidc | FederatedKind::Google)
        && grant.nonce.as_deref().unwrap_or_default() != session.nonce
    {
        return Err(failed());
    }
    let user = state.stores().directory.read(|d| {
        d.users
            .find_by_attribute("email", &grant.email)
            .map(AuthenticatedUser::of)
    });
    let user = user.ok_or_else(|| {
        MockError::Internal(anyhow::anyhow!(
            "the IdP's user has no local account (the server cannot resolve the entity)"
        ))
    })?;
    respond(state, user, authenticator(kind), &request)
}

/// The token's `auth_data`, when the token verifies (signature, issuer, expiry, `aud` `auth-svc`)
/// and `auth_data` decodes as the server's struct.
fn session(state: &AppState, token: &str, now: u64) -> Option<IdpSession> {
    let verified = state.signer().verify(token, now, true).ok()?;
    if !audience_is(verified.claims.get("aud"), SESSION_AUDIENCE) {
        return None;
    }
    let data = verified.claims.get("auth_data")?.as_object()?;
    let text = |name: &str| match data.get(name) {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => None,
    };
    Some(IdpSession {
        idp_id: text("idpId")?,
        idp_type: text("idpType")?,
        nonce: text("nonce")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_and_oidc_stand_in_for_each_other_and_nothing_else_does() {
        assert!(check_type(FederatedKind::OAuth, "OIDC").is_ok());
        assert!(check_type(FederatedKind::OAuth, "OAUTH").is_ok());
        assert!(check_type(FederatedKind::Google, "GOOGLE").is_ok());
        assert!(check_type(FederatedKind::OAuth, "GOOGLE").is_err());
        assert!(check_type(FederatedKind::Github, "OAUTH").is_err());
        assert!(check_type(FederatedKind::Google, "OIDC").is_err());
    }
}
