Feature: Refresh token grant
  Refresh tokens rotate: each refresh returns a new refresh token, the presented one stops working,
  and the new one keeps the original expiry (86400 seconds from sign-in).

  Background:
    Given the application "sample-spa"
    And the user "thor" has signed in

  Scenario: Refreshing returns new tokens and rotates the refresh token
    When the app refreshes the tokens
    Then the app receives tokens
    And the token response has "access_token, refresh_token"
    And the access token is a valid access token for "thor"
    And the refresh token has rotated

  Scenario: A rotated-out refresh token no longer works
    When the app refreshes the tokens
    And the app refreshes with the previous refresh token
    Then the token request fails with 400 "invalid_grant" and "Invalid refresh token"

  Scenario: The app may ask for fewer scopes
    When the app refreshes the tokens with the scope "openid"
    Then the app receives tokens
    And the token response has the scope "openid"

  Scenario: The app may not ask for more scopes than were granted
    When the app refreshes the tokens with the scope "openid phone"
    Then the token request fails with 400 "invalid_scope" and "Requested scope exceeds the scope granted by the resource owner"

  Scenario: Another client cannot use the refresh token
    When "sample-social" refreshes the tokens
    Then the token request fails with 400 "invalid_grant" and "Invalid refresh token"

  Scenario: The refresh token is required
    When "sample-spa" calls the token endpoint with:
      | grant_type | refresh_token |
    Then the token request fails with 400 "invalid_request" and "Refresh token is required"

  Scenario: A garbage refresh token is refused
    When "sample-spa" calls the token endpoint with:
      | grant_type    | refresh_token |
      | refresh_token | not-a-token   |
    Then the token request fails with 400 "invalid_grant" and "Invalid refresh token"

  @mock-only @serial
  Scenario: A refresh token expires after a day
    When 86431 seconds pass
    And the app refreshes the tokens
    Then the token request fails with 400 "invalid_grant" and "Invalid refresh token"

  @mock-only @serial
  Scenario: A refresh token inside the verification leeway cannot be renewed
    # It still verifies (30 s leeway), but a rotated token would be born expired.
    When 86410 seconds pass
    And the app refreshes the tokens
    Then the token request fails with 500 "server_error" and "Failed to process token request"
