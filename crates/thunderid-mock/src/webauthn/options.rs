//! The options a ceremony starts with, as go-webauthn's structs marshal them (field order, omitted
//! empties): `PublicKeyCredentialCreationOptions` (`BeginRegistration`) and
//! `PublicKeyCredentialRequestOptions` (`BeginLogin`, `BeginDiscoverableLogin`).

use serde::{Deserialize, Serialize};

use super::{OFFERED_ALGORITHMS, Session, base64url, timeout_millis};

/// `PublicKeyCredentialCreationOptions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreationOptions {
    pub challenge: String,
    pub rp: RelyingPartyEntity,
    pub user: UserEntity,
    pub pub_key_cred_params: Vec<CredentialParameter>,
    /// A value struct on the server: `{}` when nothing was chosen, never omitted.
    #[serde(default)]
    pub authenticator_selection: AuthenticatorSelection,
    pub timeout: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub attestation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RelyingPartyEntity {
    pub name: String,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserEntity {
    pub name: String,
    pub display_name: String,
    /// base64url of the user handle.
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CredentialParameter {
    #[serde(rename = "type")]
    pub kind: String,
    pub alg: i64,
}

/// `AuthenticatorSelection` (its `requireResidentKey` is never written by the server).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuthenticatorSelection {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub authenticator_attachment: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resident_key: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user_verification: String,
}

/// `PublicKeyCredentialRequestOptions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RequestOptions {
    pub challenge: String,
    pub timeout: u64,
    #[serde(default)]
    pub rp_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_credentials: Vec<CredentialDescriptor>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub user_verification: String,
}

/// `PublicKeyCredentialDescriptor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CredentialDescriptor {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transports: Vec<String>,
}

/// Who registers: the handle and the names the browser shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RegisteringUser {
    pub handle: Vec<u8>,
    pub name: String,
    pub display_name: String,
}

/// Registration options and the session to keep (`BeginRegistration`). `selection` is `None` when
/// the node or request set none; when set, user verification defaults to `preferred`.
pub(crate) fn creation_options(
    challenge: &[u8],
    rp_id: &str,
    rp_name: &str,
    user: &RegisteringUser,
    selection: Option<AuthenticatorSelection>,
    attestation: &str,
) -> (CreationOptions, Session) {
    let selection = selection
        .map(|mut s| {
            if s.user_verification.is_empty() {
                "preferred".clone_into(&mut s.user_verification);
            }
            s
        })
        .unwrap_or_default();
    let challenge = base64url(challenge);
    let options = CreationOptions {
        challenge: challenge.clone(),
        rp: RelyingPartyEntity {
            name: rp_name.to_owned(),
            id: rp_id.to_owned(),
        },
        user: UserEntity {
            name: user.name.clone(),
            display_name: user.display_name.clone(),
            id: base64url(&user.handle),
        },
        pub_key_cred_params: OFFERED_ALGORITHMS
            .iter()
            .map(|alg| CredentialParameter {
                kind: "public-key".to_owned(),
                alg: *alg,
            })
            .collect(),
        timeout: timeout_millis(&selection.user_verification),
        authenticator_selection: selection.clone(),
        attestation: attestation.to_owned(),
    };
    let session = Session {
        challenge,
        rp_id: rp_id.to_owned(),
        user_id: user.handle.clone(),
        allowed_credentials: Vec::new(),
        user_verification: selection.user_verification,
        algorithms: OFFERED_ALGORITHMS.to_vec(),
    };
    (options, session)
}

/// A user's credentials as the options list them: id and transports.
pub(crate) type AllowedCredential = (Vec<u8>, Vec<String>);

/// Login options and the session to keep: `BeginLogin` for a known user (`user` with their
/// credentials as `(id, transports)`), `BeginDiscoverableLogin` without one.
pub(crate) fn request_options(
    challenge: &[u8],
    rp_id: &str,
    user: Option<(&[u8], &[AllowedCredential])>,
) -> (RequestOptions, Session) {
    let challenge = base64url(challenge);
    let user_verification = if user.is_none() { "preferred" } else { "" };
    let allow: Vec<CredentialDescriptor> = user
        .map(|(_, credentials)| {
            credentials
                .iter()
                .map(|(id, transports)| CredentialDescriptor {
                    kind: "public-key".to_owned(),
                    id: base64url(id),
                    transports: transports.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let options = RequestOptions {
        challenge: challenge.clone(),
        timeout: timeout_millis(user_verification),
        rp_id: rp_id.to_owned(),
        allow_credentials: allow,
        user_verification: user_verification.to_owned(),
    };
    let session = Session {
        challenge,
        rp_id: rp_id.to_owned(),
        user_id: user.map(|(handle, _)| handle.to_vec()).unwrap_or_default(),
        allowed_credentials: user
            .map(|(_, credentials)| credentials.iter().map(|(id, _)| id.clone()).collect())
            .unwrap_or_default(),
        user_verification: user_verification.to_owned(),
        algorithms: Vec::new(),
    };
    (options, session)
}

/// The options as the server's `json.Marshal` writes them (HTML characters escaped, no newline).
pub(crate) fn to_json(options: &impl Serialize) -> String {
    let bytes = crate::wire::encode(options);
    String::from_utf8_lossy(&bytes).trim_end().to_owned()
}
