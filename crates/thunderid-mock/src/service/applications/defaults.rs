//! The defaults the server fills in (`seedScopeClaims`, `pruneScopeClaims`,
//! `seedIDTokenUserAttributes`, `applyInboundDefaults`) and the flow secret.

use std::collections::BTreeSet;

use thunderid_protocol::applications::{
    AccessTokenConfig, Application, AssertionConfig, IdTokenConfig, OAuthTokenConfig,
    RefreshTokenConfig, TokenAttributesConfig, UserInfoConfig,
};

use super::{COMPUTED_ATTRIBUTES, Facts, Mode};

/// The standard scope → claims map the server seeds (`openid` left out).
const STANDARD_SCOPE_CLAIMS: &[(&str, &[&str])] = &[
    (
        "profile",
        &[
            "name",
            "family_name",
            "given_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "updated_at",
        ],
    ),
    ("email", &["email", "email_verified"]),
    ("phone", &["phone_number", "phone_number_verified"]),
    ("address", &["address"]),
    ("roles", &["roles"]),
];

/// §1.7: the assertion, consent, scope claims, token and userinfo settings the server fills in.
pub(super) fn apply(
    app: &mut Application,
    mode: Mode,
    facts: &Facts,
    (jwt_validity, refresh_validity): (u64, u64),
) {
    let assertion = app
        .profile
        .assertion
        .get_or_insert_with(AssertionConfig::default);
    if assertion.validity_period == 0 {
        assertion.validity_period = jwt_validity;
    }
    let assertion = assertion.clone();
    let declared: Option<BTreeSet<String>> =
        (!app.profile.allowed_user_types.is_empty()).then(|| {
            app.profile
                .allowed_user_types
                .iter()
                .filter_map(|t| facts.user_types.get(t))
                .flatten()
                .cloned()
                .chain(COMPUTED_ATTRIBUTES.iter().map(|a| (*a).to_owned()))
                .collect()
        });
    let Some(config) = app
        .profile
        .inbound_auth_config
        .first_mut()
        .and_then(|e| e.config.as_mut())
    else {
        return;
    };
    if mode == Mode::Create {
        let seeded = config.scope_claims.is_none();
        let mut claims = config.scope_claims.take().unwrap_or_else(|| {
            STANDARD_SCOPE_CLAIMS
                .iter()
                .map(|(scope, c)| {
                    (
                        (*scope).to_owned(),
                        c.iter().map(|s| (*s).to_owned()).collect(),
                    )
                })
                .collect()
        });
        match &declared {
            Some(declared) => claims
                .values_mut()
                .for_each(|c| c.retain(|claim| declared.contains(claim))),
            None if seeded => claims
                .values_mut()
                .for_each(|c| c.retain(|claim| COMPUTED_ATTRIBUTES.contains(&claim.as_str()))),
            None => {}
        }
        let union: BTreeSet<String> = claims.values().flatten().cloned().collect();
        config.scope_claims = Some(claims);
        if declared.is_some() {
            let token = config.token.get_or_insert_with(OAuthTokenConfig::default);
            let id = token.id_token.get_or_insert_with(IdTokenConfig::default);
            if id.user_attributes.is_empty() {
                id.user_attributes = union.into_iter().collect();
            }
        }
    }
    let token = config.token.get_or_insert_with(OAuthTokenConfig::default);
    let access = token
        .access_token
        .get_or_insert_with(AccessTokenConfig::default);
    let user = access
        .user_config
        .get_or_insert_with(|| TokenAttributesConfig {
            validity_period: assertion.validity_period,
            attributes: assertion.user_attributes.clone(),
        });
    if user.validity_period == 0 {
        user.validity_period = assertion.validity_period;
    }
    let id = token.id_token.get_or_insert_with(|| IdTokenConfig {
        validity_period: assertion.validity_period,
        user_attributes: assertion.user_attributes.clone(),
        ..IdTokenConfig::default()
    });
    if id.validity_period == 0 {
        id.validity_period = assertion.validity_period;
    }
    let id_attributes = id.user_attributes.clone();
    let refresh = token
        .refresh_token
        .get_or_insert_with(RefreshTokenConfig::default);
    if refresh.validity_period == 0 {
        refresh.validity_period = refresh_validity;
    }
    let info = config.user_info.get_or_insert_with(UserInfoConfig::default);
    if info.response_type.is_empty() {
        info.response_type = "JSON".to_owned();
    }
    if info.user_attributes.is_empty() {
        info.user_attributes = id_attributes;
    }
}

/// The flow secret: eligible apps (`fullstack`, `mcp`, `custom`, and not a redirect or SPA or pure
/// machine client) get the supplied one or a fresh one on create; on update a supplied one rotates.
pub(super) fn flow_secret(app: &mut Application, mode: Mode) -> Option<String> {
    let config = app
        .profile
        .inbound_auth_config
        .first()
        .and_then(|e| e.config.as_ref());
    let eligible = matches!(app.app_type.as_str(), "fullstack" | "mcp" | "custom")
        && config.is_none_or(|c| {
            !c.public_client
                && !c.grant_types.iter().any(|g| g == "authorization_code")
                && c.grant_types != ["client_credentials"]
        });
    let supplied = std::mem::take(&mut app.flow_secret);
    if !eligible {
        return None;
    }
    match (mode, supplied.is_empty()) {
        (Mode::Create, true) => Some(crate::ids::random_base64url(32)),
        (_, false) => Some(supplied),
        (Mode::Update, true) => None,
    }
}
