Feature: Backchannel authentication (CIBA, poll mode)
  A client names a user (login_hint) and asks the server to authenticate them. The server runs the
  app's sign-in flow at once: the bundled ciba-email-notification-flow e-mails the user a link;
  following it, the user signs in and the gate hands the assertion to the CIBA callback. Meanwhile
  the client polls the token endpoint every 5 seconds: authorization_pending, slow_down when it
  polls too fast, access_denied when the user declines, tokens once approved, and after that the
  request is used up.

  Scenario: A backchannel request answers an auth_req_id, its lifetime and the poll interval
    When "sample-ciba" asks to authenticate "thor" in the background
    Then the backchannel request is accepted
    And the response body includes the JSON:
      """
      {"expires_in": 120, "interval": 5}
      """

  Scenario: Until the user decides, a poll is authorization_pending
    Given "sample-ciba" asks to authenticate "thor" in the background
    When the client polls for the tokens
    Then the token request fails with 400 "authorization_pending" and "The user has not yet completed authentication"

  @mock-only @serial
  Scenario: Polling again within 5 seconds is slow_down, and the interval does not grow
    Given "sample-ciba" asks to authenticate "thor" in the background
    And the client polls for the tokens
    When 4 seconds pass
    And the client polls for the tokens
    Then the token request fails with 400 "slow_down" and "The client is polling too frequently"
    When 5 seconds pass
    And the client polls for the tokens
    Then the token request fails with 400 "authorization_pending" and "The user has not yet completed authentication"

  @mock-only
  Scenario: The user approves from the e-mailed link and the client gets tokens, once
    Given "sample-ciba" asks to authenticate "thor" in the background
    When "thor" approves the request from the e-mailed link
    And the client polls for the tokens
    Then the app receives tokens
    And the ID token is a valid ID token for "thor"
    And the token response has "refresh_token"
    And the access token carries the claims:
      | grant_type | urn:openid:params:grant-type:ciba |
    When the client polls for the tokens
    Then the token request fails with 400 "invalid_grant" and "The authentication request has already been used"

  @mock-only
  Scenario: A declined request is access_denied
    Given "sample-ciba" asks to authenticate "thor" in the background
    When the mock answers the backchannel request for the user with denial
    Then the response status is 204
    When the client polls for the tokens
    Then the token request fails with 400 "access_denied" and "The user denied the authentication request"

  @mock-only
  Scenario: The control plane approves for the user the flow identified
    Given "sample-ciba" asks to authenticate "thor" in the background
    When the mock answers the backchannel request for the user with approval
    And the client polls for the tokens
    Then the app receives tokens

  @mock-only @serial
  Scenario: After its lifetime the request is gone: the server's store drops it a second early
    Given "sample-ciba" asks to authenticate "thor" in the background
    When 120 seconds pass
    And the client polls for the tokens
    Then the token request fails with 400 "invalid_grant" and "Invalid auth_req_id"

  @mock-only @serial
  Scenario: A one-second request is kept past its expiry and polls as expired_token
    Given "sample-ciba" asks to authenticate in the background with:
      | login_hint       | thor   |
      | scope            | openid |
      | requested_expiry | 1      |
    When 2 seconds pass
    And the client polls for the tokens
    Then the token request fails with 400 "expired_token" and "The authentication request has expired"

  Scenario: An unknown user is unknown_user_id
    When "sample-ciba" asks to authenticate "nobody" in the background
    Then the response status is 400
    And the OAuth error is "unknown_user_id" with the description "Unable to resolve the user for the provided login_hint"

  Scenario: A binding message must be printable
    When "sample-ciba" asks to authenticate in the background with:
      | login_hint      | thor          |
      | scope           | openid        |
      | binding_message | line\nbreak |
    Then the response status is 400
    And the OAuth error is "invalid_binding_message" with the description "binding_message contains unsupported characters"

  Scenario: The scope must include openid
    When "sample-ciba" asks to authenticate in the background with:
      | login_hint | thor    |
      | scope      | profile |
    Then the response status is 400
    And the OAuth error is "invalid_scope" with the description "scope must include openid"

  Scenario: Exactly one hint names the user
    When "sample-ciba" asks to authenticate in the background with:
      | scope | openid |
    Then the response status is 400
    And the OAuth error is "invalid_request" with the description "One of login_hint, id_token_hint, or login_hint_token is required"

  Scenario: A client without the CIBA grant may not ask
    When "sample-web" asks to authenticate "thor" in the background
    Then the response status is 400
    And the OAuth error is "unauthorized_client" with the description "The client is not authorized to use the CIBA grant type"

  Scenario: An unknown auth_req_id is invalid_grant
    When "sample-ciba" calls the token endpoint with:
      | grant_type  | urn:openid:params:grant-type:ciba |
      | auth_req_id | 019a0000-0000-7000-8000-000000000000 |
    Then the token request fails with 400 "invalid_grant" and "Invalid auth_req_id"
