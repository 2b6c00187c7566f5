@sdk
Feature: SDK tokens and sign-out
  Refresh rotation, refresh failures and RP-initiated sign-out.

  Background:
    Given the SDK is configured for "sample-spa"
    And the SDK signs "thor" in

  @must
  Scenario: Refresh rotation is followed and a refresh token is never sent twice
    Source: RFC 9700 §4.14.2 (refresh token rotation), RFC 6749 §6
    When the SDK refreshes the tokens
    Then the refresh succeeds
    When the SDK refreshes the tokens
    Then the refresh succeeds
    And the SDK never sent a refresh token twice, and each refresh was answered
    And the SDK's access token is accepted by the UserInfo endpoint

  @must @serial
  Scenario: An expired refresh token surfaces the server's invalid_grant
    Source: RFC 6749 §5.2 (invalid_grant); server rule: refresh tokens live 86400 s, verified with 30 s of leeway
    When 86431 seconds pass
    And the SDK refreshes the tokens
    Then the SDK fails with "server" "invalid_grant"

  @should
  Scenario: A 503 on refresh surfaces with its status and keeps the session
    Source: RFC 6749 §5.2; project rule: a failed refresh is not a sign-out
    Given the mock answers 503 to the next 1 call of "/oauth2/token"
    When the SDK refreshes the tokens
    Then the SDK fails with "server" and the status 503
    When the SDK refreshes the tokens
    Then the refresh succeeds

  @must
  Scenario: Sign-out returns the end-session URL and clears the session
    Source: OIDC RP-Initiated Logout 1.0 §2 and §3
    When the SDK signs out
    Then the sign-out URL ends the session and returns to "http://localhost:3000/"
    And the SDK is signed out
