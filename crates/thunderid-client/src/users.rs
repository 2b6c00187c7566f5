//! The signed-in user: `/users/me` (GET, PUT, `/meta`) and the legacy SCIM2 `/scim2/Me` (GET,
//! PATCH).
//!
//! Any JWT the server signed works as the bearer token: an access token, or the flow assertion of an
//! app-native sign-in (contract §0.3). Like the SDK, the user's `attributes` are also flattened into
//! the user object ([`UserProfile::flattened`]).

use serde_json::{Map, Value};
use thunderid_protocol::scim::{CONTENT_TYPE as SCIM_CONTENT_TYPE, PatchOp, ScimUser};
use thunderid_protocol::secret::AccessToken;
use thunderid_protocol::users::{UpdateMeRequest, User, UserSchemaResponse};

use crate::Client;
use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse, Method};

/// A user as `/users/me` returns it, and the SDK's flattened view of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserProfile {
    /// The user as returned.
    pub user: User,
    /// `{...user, ...user.attributes}`: the user's members with its attributes merged on top, as the
    /// SDK's `getUsersMe` returns it.
    pub flattened: Map<String, Value>,
}

impl UserProfile {
    fn new(user: User) -> Result<Self, Error> {
        let Value::Object(mut flattened) =
            serde_json::to_value(&user).map_err(|e| Error::Encode(e.to_string()))?
        else {
            return Err(Error::Encode("a user serializes to an object".to_owned()));
        };
        if let Some(attributes) = &user.attributes {
            flattened.extend(attributes.clone());
        }
        Ok(Self { user, flattened })
    }
}

impl Client {
    /// `GET /users/me`.
    ///
    /// ```no_run
    /// # use thunderid_client::{Client, Error, TokenSet};
    /// # async fn demo(client: Client, tokens: TokenSet) -> Result<(), Error> {
    /// let me = client.get_me(&tokens.access_token).await?;
    /// println!("{:?}", me.flattened.get("email"));
    /// # Ok(()) }
    /// ```
    pub async fn get_me(&self, token: &AccessToken) -> Result<UserProfile, Error> {
        let response = self
            .users_call(Method::Get, "/users/me", token, None)
            .await?;
        UserProfile::new(expect_json(response)?)
    }

    /// `PUT /users/me {attributes}`: replaces **every** attribute (send the full, merged set).
    pub async fn update_me(
        &self,
        token: &AccessToken,
        attributes: Map<String, Value>,
    ) -> Result<UserProfile, Error> {
        let body = UpdateMeRequest { attributes };
        let response = self
            .users_call(Method::Put, "/users/me", token, Some(&body))
            .await?;
        UserProfile::new(expect_json(response)?)
    }

    /// `GET /users/me/meta`: the user type's schema.
    pub async fn get_me_meta(&self, token: &AccessToken) -> Result<UserSchemaResponse, Error> {
        let response = self
            .users_call(Method::Get, "/users/me/meta", token, None)
            .await?;
        expect_json(response)
    }

    /// `GET /scim2/Me` (the SDKs before `5cca57c`, and WSO2 Identity Server).
    pub async fn get_scim_me(&self, token: &AccessToken) -> Result<ScimUser, Error> {
        let request = self.scim_request(Method::Get, token);
        let response = self.http().send(request).await?;
        if response.is(200) {
            response.json()
        } else {
            Err(response.scim_failure())
        }
    }

    /// `PATCH /scim2/Me` with a PatchOp; the updated user, or `None` for a 204.
    pub async fn patch_scim_me(
        &self,
        token: &AccessToken,
        patch: &PatchOp,
    ) -> Result<Option<ScimUser>, Error> {
        let request = self
            .scim_request(Method::Patch, token)
            .json_as(SCIM_CONTENT_TYPE, patch)?;
        let response = self.http().send(request).await?;
        match response.status {
            200 => response.json().map(Some),
            204 => Ok(None),
            _ => Err(response.scim_failure()),
        }
    }

    async fn users_call(
        &self,
        method: Method,
        path: &str,
        token: &AccessToken,
        body: Option<&UpdateMeRequest>,
    ) -> Result<HttpResponse, Error> {
        let base = self.settings().config.base_url().to_owned();
        let mut request = HttpRequest::new(method, format!("{base}{path}")).bearer(token.secret());
        request = match body {
            Some(body) => request.json(body)?,
            None => request.header("Accept", "application/json"),
        };
        self.http().send(request).await
    }

    fn scim_request(&self, method: Method, token: &AccessToken) -> HttpRequest {
        let base = self.settings().config.base_url().to_owned();
        HttpRequest::new(method, format!("{base}/scim2/Me"))
            .header("Accept", SCIM_CONTENT_TYPE)
            .bearer(token.secret())
    }
}

fn expect_json<T: serde::de::DeserializeOwned>(response: HttpResponse) -> Result<T, Error> {
    if response.is(200) {
        response.json()
    } else {
        Err(response.api_failure())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use thunderid_protocol::ids::UserId;

    use super::*;

    #[test]
    fn attributes_are_flattened_over_the_user() -> Result<(), Error> {
        let mut user = User::new(UserId::new("u1"));
        user.user_type = Some("Person".to_owned());
        user.attributes = Some(Map::from_iter([
            ("email".to_owned(), json!("thor@asgard.example")),
            ("type".to_owned(), json!("overridden")),
        ]));
        let profile = UserProfile::new(user)?;
        assert_eq!(
            Value::Object(profile.flattened),
            json!({
                "id": "u1",
                "type": "overridden",
                "isReadOnly": false,
                "email": "thor@asgard.example",
                "attributes": {"email": "thor@asgard.example", "type": "overridden"},
            })
        );
        Ok(())
    }
}
