@sdk
Feature: SDK token exchange
  A confidential app exchanges the user's access token for another (RFC 8693) with its own client
  authentication; a refused exchange surfaces the server's code.

  Background:
    Given the SDK is configured for "sample-web"
    And the SDK signs "thor" in

  @should
  Scenario: The SDK exchanges its access token for a new one
    Source: RFC 8693 §2.1 and §2.2 (token exchange request and response)
    When the SDK exchanges its access token
    Then the exchanged token is a new access token the UserInfo endpoint accepts

  @should
  Scenario: A subject token the server did not sign is refused with the server's code
    Source: RFC 8693 §2.2.2 (error response); server rule: invalid_request "Invalid subject_token"
    When the SDK exchanges the token "not-a-token"
    Then the SDK fails with "server" "invalid_request"
