Feature: UserInfo endpoint
  /oauth2/userinfo returns the signed-in user's claims for an access token that was granted openid.
  Errors use the OAuth envelope and a WWW-Authenticate challenge.

  Background:
    Given the application "sample-spa"
    And the user "thor" has signed in

  Scenario: The access token buys the user's claims
    When the app asks for the user's info
    Then the response status is 200
    And the response body is the JSON:
      """
      {"sub": "${thor.id}", "given_name": "Thor", "family_name": "Odinson", "email": "thor@asgard.example"}
      """

  Scenario: POST works like GET
    When the app asks for the user's info with a POST
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"sub": "${thor.id}"}
      """

  Scenario: Without a token the answer is 401 with an empty body
    When the app asks for the user's info without a token
    Then the response status is 401
    And the response body is empty
    And the response header "www-authenticate" is "Bearer"

  Scenario: A Bearer header without a token is 400
    When the app asks for the user's info with the Authorization header "Bearer"
    Then the response status is 400
    And the OAuth error is "invalid_request" with the description "Invalid or malformed Bearer token"

  Scenario: Another authentication scheme counts as no token
    When the app asks for the user's info with the Authorization header "Basic dGhvcjpUaG9y"
    Then the response status is 401
    And the response body is empty
    And the response header "www-authenticate" is "Bearer"

  Scenario: An ID token is not an access token
    When the app asks for the user's info with the ID token
    Then the response status is 401
    And the OAuth error is "invalid_token" with the description "The access token is invalid, expired, or malformed"
    And the response header "www-authenticate" starts with 'Bearer error="invalid_token"'

  @mock-only @serial
  Scenario: An expired access token is refused
    When 3631 seconds pass
    And the app asks for the user's info
    Then the response status is 401
    And the OAuth error is "invalid_token"

  Scenario: An access token without openid is refused with 403
    When the user opens the sign-in page with:
      | scope | profile email |
    And the user submits the credentials of "thor"
    And the sign-in page hands the assertion to the server
    And the app exchanges the code for tokens
    And the app asks for the user's info
    Then the response status is 403
    And the OAuth error is "insufficient_scope" with the description "The 'openid' scope is required for this request"

  Scenario: A client credentials token has no user
    When "sample-m2m" asks for a token with the client credentials grant
    And the app asks for the user's info
    Then the response status is 401
    And the OAuth error is "invalid_token" with the description "UserInfo endpoint is not applicable for client_credentials grant type"
