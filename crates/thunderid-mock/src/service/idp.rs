//! The mock's fake upstream IdP ("Google", "GitHub", …) for federated sign-in flows. It signs nobody
//! in interactively: it picks a user and sends the browser straight back to `redirect_uri` with
//! `code` and `state`, as a real IdP does after a successful login.
//!
//! The user is chosen by `login_hint` (or `username`): a local username or e-mail, or any other
//! e-mail (a user the mock does not know). Without a hint it is `thor`. The code is single use and
//! valid 600 seconds; the federated executor redeems it and maps the IdP user to the local user
//! with the same e-mail.
//!
//! It is part of the control API (not served with `--no-control`), sends the browser back only to
//! the mock's own gate callback (`{base}/gate/callback`) or a redirect URI an application
//! registered (where the V1 API sends it), as a real IdP only to a registered redirect URI, and signs in no administrator (a user holding a `system` permission), so a
//! `login_hint` cannot turn a federated sign-in into an administrator's session.

use serde_json::Value;

use super::ServiceResult;
use crate::error::MockError;
use crate::fixtures::MemberKind;
use crate::ids;
use crate::security::ROOT;
use crate::state::AppState;
use crate::store::executions::IdpGrant;
use crate::store::groups::MemberRef;

/// How long a fake-IdP code can be redeemed.
const CODE_VALIDITY: u64 = 600;
/// The user a hint-less sign-in picks.
const DEFAULT_USER: &str = "thor";

/// An authorization request to the fake IdP `idp`.
#[derive(Debug, Default)]
pub(crate) struct IdpAuthorize {
    pub redirect_uri: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub login_hint: Option<String>,
}

/// Where the browser goes back to: `redirect_uri` with `code` and `state`.
pub(crate) fn authorize(
    state: &AppState,
    idp: &str,
    request: &IdpAuthorize,
) -> ServiceResult<String> {
    let mut location = request
        .redirect_uri
        .as_deref()
        .filter(|uri| registered(state, uri))
        .and_then(|uri| url::Url::parse(uri).ok())
        .ok_or(MockError::PlainText("invalid redirect_uri"))?;
    let hint = request.login_hint.as_deref().unwrap_or(DEFAULT_USER);
    let now = state.now();
    let (user, administrator) = state.stores().directory.read(|d| {
        let user = d
            .users
            .find_by_username(hint)
            .or_else(|| d.users.find_by_attribute("email", hint))
            .cloned();
        let administrator = user.as_ref().is_some_and(|u| {
            d.effective_permissions(&MemberRef::new(MemberKind::User, &u.id))
                .iter()
                .any(|(_, p)| p == ROOT || p.starts_with("system:"))
        });
        (user, administrator)
    });
    if administrator {
        return Err(MockError::PlainText(
            "the fake IdP signs in no administrator",
        ));
    }
    let text = |name: &str| {
        user.as_ref()
            .and_then(|u| u.attributes.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let email = text("email").unwrap_or_else(|| hint.to_owned());
    if !email.contains('@') {
        return Err(MockError::PlainText("unknown user"));
    }
    let grant = IdpGrant {
        idp: idp.to_owned(),
        subject: format!("{idp}-{}", &ids::sha256_hex(email.as_bytes())[..20]),
        given_name: text("given_name"),
        family_name: text("family_name"),
        email,
        nonce: request.nonce.clone(),
        expires_at: now + CODE_VALIDITY,
    };
    let code = ids::random_hex(32);
    let stored = code.clone();
    state
        .stores()
        .executions
        .write(|e| e.insert_idp_grant(stored, grant, now));
    location
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", request.state.as_deref().unwrap_or(""));
    Ok(location.into())
}

/// The gate's callback, or a redirect URI of an application (exactly, as the authorize endpoint
/// matches them).
fn registered(state: &AppState, uri: &str) -> bool {
    let gate = state.url("/gate/callback");
    uri == gate
        || state
            .registry()
            .applications()
            .filter_map(|app| app.oauth.as_ref())
            .any(|oauth| oauth.redirect_uris.iter().any(|r| r == uri))
}
