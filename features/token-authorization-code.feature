Feature: Authorization code grant
  The app exchanges the code from the callback at /oauth2/token with its PKCE verifier and redirect
  URI. Tokens are RS256 JWTs verified against /oauth2/jwks; the ID token is issued only when openid
  was granted. Codes are single use and live 600 seconds.

  Background:
    Given the application "sample-spa"
    And the user "thor" has an authorization code

  Scenario: The code buys an access token, a refresh token and an ID token
    When the app exchanges the code for tokens
    Then the app receives tokens
    And the token response has "access_token, refresh_token, id_token, expires_in"
    And the token response has the scope "openid profile email"
    And the access token is a valid access token for "thor"
    And the ID token is a valid ID token for "thor"

  Scenario: The access token names the client, the grant and the granted scopes
    When the app exchanges the code for tokens
    Then the access token carries the claims:
      | aud        | sample-spa           |
      | client_id  | sample-spa           |
      | grant_type | authorization_code   |
      | scope      | openid profile email |
      | email      | thor@asgard.example  |
    And the access token has the header typ "at+jwt"

  Scenario: The ID token carries the profile the scopes allow
    When the app exchanges the code for tokens
    Then the ID token carries the claims:
      | aud         | sample-spa          |
      | given_name  | Thor                |
      | family_name | Odinson             |
      | email       | thor@asgard.example |
    And the ID token has the header typ "JWT"

  Scenario: The refresh token is a JWT for the server that clients treat as opaque
    When the app exchanges the code for tokens
    Then the refresh token carries the claims:
      | sub              | sample-spa |
      | aud              | ${issuer}  |
      | access_token_sub | ${thor.id} |
    And the refresh token has the header typ "JWT"

  Scenario: A code can be exchanged once
    When the app exchanges the code for tokens
    And the app exchanges the code for tokens
    Then the token request fails with 400 "invalid_grant" and "Invalid authorization code"

  Scenario: A wrong code verifier is refused
    When the app exchanges the code for tokens with:
      | code_verifier | dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk |
    Then the token request fails with 400 "invalid_grant" and "Invalid code verifier"

  Scenario: The code verifier is required when the code has a challenge
    When the app exchanges the code for tokens with:
      | code_verifier | (absent) |
    Then the token request fails with 400 "invalid_grant" and "code_verifier is required"

  Scenario: The redirect URI must be the one sent to the authorization endpoint
    When the app exchanges the code for tokens with:
      | redirect_uri | http://localhost:3000/other |
    Then the token request fails with 400 "invalid_grant" and "Invalid redirect URI"

  Scenario: The code is required
    When the app exchanges the code for tokens with:
      | code | (absent) |
    Then the token request fails with 400 "invalid_request" and "Authorization code is required"

  Scenario: A code issued to another client is refused
    When "sample-social" exchanges the code for tokens
    Then the token request fails with 400 "invalid_grant" and "Invalid authorization code"

  @mock-only @serial
  Scenario: A code expires after 600 seconds
    # The server keeps codes in a store with a TTL: once expired the code is simply gone, so the
    # answer is "Invalid authorization code" ("Expired authorization code" is only a race).
    When 601 seconds pass
    And the app exchanges the code for tokens
    Then the token request fails with 400 "invalid_grant" and "Invalid authorization code"

  @mock-only @serial
  Scenario: A code is still good just before its 600 seconds are up
    When 590 seconds pass
    And the app exchanges the code for tokens
    Then the app receives tokens

  Scenario: Without openid there is no ID token
    When the user opens the sign-in page with:
      | scope | profile email |
    And the user submits the credentials of "thor"
    And the sign-in page hands the assertion to the server
    And the app exchanges the code for tokens
    Then the app receives tokens
    And the token response has no "id_token"
