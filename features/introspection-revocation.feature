Feature: Introspection and revocation
  Confidential clients ask /oauth2/introspect whether a token is live (RFC 7662) and retire
  tokens at /oauth2/revoke (RFC 7009). Only access tokens and refresh tokens can be active;
  revocation answers 200 with an empty body, even for tokens it does not know.

  Background:
    Given the application "sample-web"
    And the user "thor" has signed in

  Scenario: A fresh access token is active
    When "sample-web" introspects the access token
    Then the token is active
    And the introspection says:
      | client_id  | sample-web           |
      | sub        | ${thor.id}           |
      | scope      | openid profile email |
      | token_type | Bearer               |
      | iss        | ${issuer}            |

  Scenario: A refresh token is active too
    When "sample-web" introspects the refresh token
    Then the token is active

  @server-main
  Scenario: An ID token is never active
    When "sample-web" introspects the ID token
    Then the token is not active

  Scenario: Garbage is not active
    When "sample-web" introspects the token "not-a-token"
    Then the token is not active

  Scenario: Introspection needs a token
    When "sample-web" introspects without a token
    Then the token request fails with 400 "invalid_request" and "Token parameter is required"

  Scenario: Introspection needs client authentication
    When a client authenticating as "sample-web" with the secret "wrong" calls the token endpoint with:
      | grant_type | client_credentials |
    Then the token request fails with 401 "invalid_client" and "Invalid client credentials"

  @mock-only @serial
  Scenario: An expired access token is not active
    When 3631 seconds pass
    And "sample-web" introspects the access token
    Then the token is not active

  Scenario: A revoked access token is no longer active
    When "sample-web" revokes the access token
    Then the revocation succeeds
    When "sample-web" introspects the access token
    Then the token is not active

  Scenario: A revoked refresh token can no longer refresh
    When "sample-web" revokes the refresh token
    Then the revocation succeeds
    When the app refreshes the tokens
    Then the token request fails with 400 "invalid_grant" and "Invalid refresh token"

  Scenario: Revoking a token the server does not know still succeeds
    When "sample-web" revokes the token "not-a-token"
    Then the revocation succeeds

  Scenario: A client cannot revoke another client's token
    When "sample-m2m" revokes the access token
    Then the token request fails with 400 "invalid_grant" and "The token was not issued to the authenticated client"

  Scenario: A revoked access token is refused by the profile API
    When "sample-web" revokes the access token
    And the user fetches their profile with the access token
    Then the response status is 401
    And the error code is "AUTH-4010"

  Scenario: Replaying the authorization code revokes the tokens it bought
    When the app exchanges the code for tokens
    Then the token request fails with 400 "invalid_grant" and "Invalid authorization code"
    When "sample-web" introspects the refresh token
    Then the token is not active
