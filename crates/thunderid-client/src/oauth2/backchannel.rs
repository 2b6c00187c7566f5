//! Client-initiated backchannel authentication (CIBA, poll mode): ask the server to authenticate a
//! user it names, then poll the token endpoint with the `auth_req_id` every `interval` seconds
//! until the user decides. The client never sleeps itself: the caller waits between polls (with its
//! own timer, or a test's clock).

use thunderid_protocol::OAuthErrorCode;
use thunderid_protocol::oauth2::{
    BackchannelAuthenticationRequest, BackchannelAuthenticationResponse, CibaGrant,
};

use crate::Client;
use crate::error::Error;
use crate::oauth2::{TokenSet, owned};
use crate::oidc::ProviderMetadata;

/// What one poll learned.
#[derive(Debug)]
#[non_exhaustive]
pub enum BackchannelPoll {
    /// The user approved: the tokens (the ID token validated).
    Tokens(Box<TokenSet>),
    /// Not decided yet (`authorization_pending`): poll again after the interval.
    Pending,
    /// Polled too soon (`slow_down`): wait the full interval before the next poll.
    SlowDown,
}

impl Client {
    /// `POST /oauth2/bc-authorize` with the client's authentication: the server starts the user's
    /// sign-in (the bundled flow e-mails an approval link) and answers the `auth_req_id`, its
    /// lifetime and the poll interval.
    ///
    /// ```no_run
    /// use thunderid_client::protocol::oauth2::BackchannelAuthenticationRequest;
    /// use thunderid_client::oauth2::BackchannelPoll;
    ///
    /// # async fn demo(client: thunderid_client::Client) -> Result<(), thunderid_client::Error> {
    /// let request = BackchannelAuthenticationRequest::for_login_hint("thor", "openid email");
    /// let started = client.backchannel_authorize(&request).await?;
    /// loop {
    ///     // wait `started.interval` seconds here
    ///     if let BackchannelPoll::Tokens(tokens) = client.poll_backchannel(&started.auth_req_id).await? {
    ///         println!("signed in: {:?}", tokens.id_token_claims);
    ///         break;
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn backchannel_authorize(
        &self,
        request: &BackchannelAuthenticationRequest,
    ) -> Result<BackchannelAuthenticationResponse, Error> {
        let settings = self.settings();
        let metadata = self.metadata_for(&settings).await?;
        let endpoint = ProviderMetadata::require(
            &metadata.backchannel_authentication_endpoint,
            "backchannel_authentication_endpoint",
        )?;
        let pairs = owned(request.to_pairs());
        let response = self
            .send_authenticated(&settings.config, &endpoint, pairs)
            .await?;
        if response.is(200) {
            response.json()
        } else if response.is_success() {
            Err(response.unexpected())
        } else {
            Err(response.oauth_failure())
        }
    }

    /// One poll of the token endpoint with the CIBA grant. `authorization_pending` and `slow_down`
    /// are answers, not errors; `access_denied`, `expired_token` and `invalid_grant` (an unknown,
    /// expired or used request) are [`Error::OAuth`].
    pub async fn poll_backchannel(&self, auth_req_id: &str) -> Result<BackchannelPoll, Error> {
        let settings = self.settings();
        let grant = CibaGrant::new(auth_req_id);
        let response = match self.request_token(&settings, grant.into()).await {
            Ok(response) => response,
            Err(Error::OAuth { body, .. })
                if body.error == OAuthErrorCode::AuthorizationPending =>
            {
                return Ok(BackchannelPoll::Pending);
            }
            Err(Error::OAuth { body, .. }) if body.error == OAuthErrorCode::SlowDown => {
                return Ok(BackchannelPoll::SlowDown);
            }
            Err(error) => return Err(error),
        };
        let claims = match &response.id_token {
            Some(token) => Some(self.validate_id_token_with(&settings, token, None).await?),
            None => None,
        };
        Ok(BackchannelPoll::Tokens(Box::new(TokenSet::from_response(
            response,
            self.now(),
            claims,
        ))))
    }
}
