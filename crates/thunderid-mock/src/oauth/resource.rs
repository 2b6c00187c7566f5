//! Binding a token to a resource server (`O2/resourceindicators/resourceindicators.go`): the one
//! resource server a request's `resource` (RFC 8707) names, or the configured default one; its
//! `identifier` becomes the access token's `aud`, and the permission scopes are cut down to the
//! permissions it defines (exactly, in request order, unknown ones dropped without an error).
//!
//! A request with neither a `resource` nor a permission scope binds to nothing: its token's
//! audience is the client.

use super::OAuthError;
use super::check_resources;
use crate::fixtures::MemberKind;
use crate::store::directory::Directory;
use crate::store::groups::MemberRef;

/// The resource server a token is bound to, and the permissions it keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Binding {
    pub server_id: String,
    /// The token's `aud`.
    pub identifier: String,
    /// The permission scopes the server defines, in request order.
    pub permissions: Vec<String>,
}

/// `ResolveTargetResourceServer`: the one resource (by identifier), else the default resource
/// server; `invalid_target` when neither resolves.
pub(crate) fn resolve<'d>(
    d: &'d Directory,
    resources: &[String],
) -> Result<&'d crate::store::resource_servers::ServerRecord, OAuthError> {
    check_resources(resources)?;
    match resources {
        [] => d
            .default_resource_server
            .as_deref()
            .and_then(|id| d.resource_servers.get(id))
            .ok_or_else(|| {
                OAuthError::invalid_target(
                    "No resource parameter supplied and no default resource server is configured",
                )
            }),
        [resource] => d.resource_servers.by_identifier(resource).ok_or_else(|| {
            OAuthError::invalid_target(
                "The resource parameter does not match any registered resource server",
            )
        }),
        _ => Err(OAuthError::invalid_target(
            "Only a single resource parameter is supported",
        )),
    }
}

/// `ResolveAudienceBinding` then `DownscopeToResourceServer`: `None` when there is nothing to bind
/// (no resource, no permission scope).
pub(crate) fn bind(
    d: &Directory,
    resources: &[String],
    permission_scopes: &[String],
) -> Result<Option<Binding>, OAuthError> {
    if resources.is_empty() && permission_scopes.is_empty() {
        return Ok(None);
    }
    let server = resolve(d, resources)?;
    let mut permissions: Vec<String> = Vec::new();
    for scope in permission_scopes {
        if d.resource_servers.is_permission(&server.id, scope) && !permissions.contains(scope) {
            permissions.push(scope.clone());
        }
    }
    Ok(Some(Binding {
        server_id: server.id.clone(),
        identifier: server.identifier.clone(),
        permissions,
    }))
}

impl Binding {
    /// Keep the permissions `entity` holds now through its roles (re-authorization on refresh,
    /// client credentials).
    pub(crate) fn authorized_for(mut self, d: &Directory, kind: MemberKind, id: &str) -> Self {
        let entity = MemberRef::new(kind, id);
        self.permissions
            .retain(|p| d.is_authorized(&entity, &self.server_id, p));
        self
    }
}
