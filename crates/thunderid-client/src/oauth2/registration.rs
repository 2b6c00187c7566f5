//! Dynamic client registration (RFC 7591, as ThunderID implements it): an administrator's token
//! (holding `system`) registers a client; the answer carries its `client_id` and, for
//! confidential clients, a secret that never expires.

use thunderid_protocol::oauth2::{ClientRegistrationRequest, ClientRegistrationResponse};
use thunderid_protocol::secret::AccessToken;

use crate::Client;
use crate::error::Error;
use crate::http::{HttpRequest, Method};
use crate::oidc::ProviderMetadata;

impl Client {
    /// `POST /oauth2/dcr/register` with `access_token` as the Bearer (none for a server that
    /// registers without one). The new client can sign in at once: build a [`crate::Config`] from
    /// the answer's `client_id` and `client_secret`.
    ///
    /// ```no_run
    /// use thunderid_client::protocol::oauth2::ClientRegistrationRequest;
    /// # use thunderid_client::protocol::secret::AccessToken;
    ///
    /// # async fn demo(client: thunderid_client::Client, admin: AccessToken) -> Result<(), thunderid_client::Error> {
    /// let request = ClientRegistrationRequest {
    ///     client_name: Some("robot".to_owned()),
    ///     grant_types: vec!["client_credentials".to_owned()],
    ///     ..ClientRegistrationRequest::default()
    /// };
    /// let registered = client.register_client(Some(&admin), &request).await?;
    /// println!("client_id {}", registered.client_id);
    /// # Ok(()) }
    /// ```
    pub async fn register_client(
        &self,
        access_token: Option<&AccessToken>,
        request: &ClientRegistrationRequest,
    ) -> Result<ClientRegistrationResponse, Error> {
        let settings = self.settings();
        let metadata = self.metadata_for(&settings).await?;
        let endpoint =
            ProviderMetadata::require(&metadata.registration_endpoint, "registration_endpoint")?;
        let mut http = HttpRequest::new(Method::Post, endpoint).json(request)?;
        if let Some(token) = access_token {
            http = http.bearer(token.secret());
        }
        let response = self.http().send(http).await?;
        if response.is(201) {
            response.json()
        } else if response.is_success() {
            Err(response.unexpected())
        } else {
            Err(response.oauth_failure())
        }
    }
}
