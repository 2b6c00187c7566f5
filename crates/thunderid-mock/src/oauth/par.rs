//! Pushed authorization requests (`POST /oauth2/par`, RFC 9126; `O2/par/handler.go`,
//! `service.go`): a client authenticates as at the token endpoint and pushes its authorization
//! parameters in the body; they are validated as `/oauth2/authorize` validates them (as 400 JSON
//! errors instead of redirects) and kept under a `request_uri` for `oauth.par.expiresIn` seconds
//! (60). `/oauth2/authorize?client_id=…&request_uri=…` takes it ([`super::authorize`]).
//!
//! The server's order, first failure wins: the form must parse; any `DPoP` header fails (the mock
//! verifies no DPoP proofs: one it cannot verify reads "Invalid DPoP proof", as every DPoP failure
//! at this endpoint does); no body parameter but `resource` may repeat; no `request_uri`; the
//! redirect URI; the authorize parameter checks; each `resource`, then at most one; `claims`; the
//! binding to a resource server. Only the body counts: query parameters on the PAR URL are ignored.

use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::{AuthorizeRequest, PushedAuthorizationResponse};

use super::authorize::{REQUEST_URI_PREFIX, check_parameters, parameters, redirect_uri_is_valid};
use super::claims::ClaimsRequest;
use super::client_auth::AuthenticatedClient;
use super::{OAuthContext, OAuthError, check_resources, resource, text};

/// Bytes of randomness in a `request_uri` key: 43 base64url characters.
const KEY_BYTES: usize = 32;

/// What the client pushed.
#[derive(Debug)]
pub(crate) struct Push<'a> {
    /// The body's parameters (`r.PostForm`), in order.
    pub body: &'a [(String, String)],
    /// `r.ParseForm()` failed: the body or the query holds a malformed pair.
    pub malformed: bool,
    /// How many `DPoP` headers came.
    pub dpop_proofs: usize,
}

/// `HandlePushedAuthorizationRequest`: validate, keep, answer with the `request_uri`.
pub(crate) fn push(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    push: &Push<'_>,
) -> Result<PushedAuthorizationResponse, OAuthError> {
    if push.malformed {
        return Err(OAuthError::invalid_request("Failed to parse request body"));
    }
    if push.dpop_proofs > 0 {
        return Err(OAuthError::new(
            OAuthErrorCode::InvalidDpopProof,
            "Invalid DPoP proof",
        ));
    }
    if let Some(name) = repeated(push.body) {
        return Err(OAuthError::invalid_request(format!(
            "Parameter \"{name}\" must not be repeated"
        )));
    }
    let request = AuthorizeRequest::from_query_pairs(push.body.iter().cloned())
        .map_err(|_| OAuthError::invalid_request("Failed to parse request body"))?;
    let mut pushed = validate(ctx, client, &request)?;
    if ctx.version.is_v1_0() {
        // v1.0.0 stored neither (main b052370da and 2f871f914 added them).
        pushed.max_age.clear();
        pushed.ui_locales.clear();
    }
    let key = crate::ids::random_base64url(KEY_BYTES);
    let expires_in = ctx.settings.oauth.par.expires_in;
    let expires_at = match expires_in {
        // The runtime store keeps an entry without a TTL until it is taken.
        0 => u64::MAX,
        seconds => ctx.now.saturating_add(seconds),
    };
    let now = ctx.now;
    ctx.oauth
        .write(|o| o.add_pushed(key.clone(), pushed, expires_at, now));
    Ok(PushedAuthorizationResponse {
        request_uri: format!("{REQUEST_URI_PREFIX}{key}"),
        expires_in,
    })
}

/// Every check after the body is read, in the server's order.
fn validate(
    ctx: &OAuthContext<'_>,
    client: &AuthenticatedClient,
    request: &AuthorizeRequest,
) -> Result<crate::store::oauth::AuthorizationRequest, OAuthError> {
    let oauth = &client.oauth;
    if !text(&request.request_uri).is_empty() {
        return Err(OAuthError::invalid_request(
            "request_uri parameter must not be included in a pushed authorization request",
        ));
    }
    if !redirect_uri_is_valid(oauth, text(&request.redirect_uri)) {
        return Err(OAuthError::invalid_request("Invalid redirect URI"));
    }
    check_parameters(oauth, request, false)?;
    check_resources(&request.resource)?;
    if request.resource.len() > 1 {
        return Err(OAuthError::invalid_target(
            "Only a single resource parameter is supported",
        ));
    }
    let claims = text(&request.claims);
    if !claims.is_empty() && ClaimsRequest::parse(claims).is_err() {
        return Err(OAuthError::invalid_request(
            "The claims request parameter is malformed or contains invalid values",
        ));
    }
    let pushed = parameters(&client.app, oauth, request);
    // Only whether the request can bind: the binding itself happens when it is redeemed.
    ctx.directory
        .read(|d| resource::bind(d, &pushed.resources, &pushed.permission_scopes))?;
    Ok(pushed)
}

/// The first body parameter other than `resource` that came more than once.
fn repeated(body: &[(String, String)]) -> Option<&str> {
    body.iter().enumerate().find_map(|(i, (name, _))| {
        (name != "resource" && body[..i].iter().any(|(seen, _)| seen == name))
            .then_some(name.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn only_resource_may_repeat() {
        assert_eq!(
            repeated(&pairs(&[("resource", "a"), ("resource", "b")])),
            None
        );
        assert_eq!(
            repeated(&pairs(&[("scope", "a"), ("state", "s"), ("scope", "b")])),
            Some("scope")
        );
    }
}
