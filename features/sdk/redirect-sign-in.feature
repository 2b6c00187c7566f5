@sdk
Feature: SDK redirect sign-in
  The SDK sends the browser to /oauth2/authorize, takes the callback URL back and holds the
  session. The suite plays the browser on the sign-in page; what the SDK sent is read from the
  mock's journal.

  Background:
    Given the SDK is configured for "sample-spa"

  @must
  Scenario: A redirect sign-in ends with the user signed in
    Source: OIDC Core 1.0 §3.1 (authorization code flow)
    When the SDK signs "thor" in
    Then the SDK is signed in as "thor"
    And the SDK's access token is accepted by the UserInfo endpoint

  @must
  Scenario: Every sign-in uses PKCE S256 with a fresh state and nonce
    Source: RFC 7636 §4.2 and §4.5, RFC 6749 §10.12, OIDC Core 1.0 §3.1.2.1 (nonce)
    When the SDK signs "thor" in
    And the SDK signs "loki" in
    Then every authorization request used PKCE S256 with a fresh state and nonce

  @must
  Scenario: A callback whose state the SDK did not send is refused
    Source: RFC 6749 §10.12 (CSRF), OIDC Core 1.0 §3.1.2.7
    When the SDK starts a redirect sign-in
    And "thor" signs in on the sign-in page
    And the browser comes back to the SDK with the state parameter "forged-state"
    Then the SDK fails with "state"
    And the SDK is signed out

  @must
  Scenario: An error sent back to the redirect URI surfaces with its code
    Source: RFC 6749 §4.1.2.1 (error response)
    When the SDK starts a redirect sign-in
    And the browser comes back to the SDK with the error "access_denied"
    Then the SDK fails with "authorization" "access_denied"
    And the SDK is signed out

  @must
  Scenario: A 503 from the token endpoint surfaces as the server's error, and the next sign-in works
    Source: RFC 6749 §5.2; server rule: the token handler answers 5xx with server_error
    Given the mock answers 503 to the next 1 call of "/oauth2/token"
    When the SDK starts a redirect sign-in
    And "thor" signs in on the sign-in page
    And the browser comes back to the SDK
    Then the SDK fails with "server" and the status 503
    When the SDK signs "thor" in
    Then the SDK is signed in as "thor"

  @should
  Scenario: A 429 from the token endpoint surfaces with its status
    Source: RFC 6585 §4 (429 Too Many Requests)
    Given the mock answers 429 to the next 1 call of "/oauth2/token"
    When the SDK starts a redirect sign-in
    And "thor" signs in on the sign-in page
    And the browser comes back to the SDK
    Then the SDK fails with "server" and the status 429

  @should
  Scenario: A dropped connection at the token endpoint is a transport error
    Source: RFC 9110 §9.2.2 (a POST is not retried blindly); project rule: no half-signed-in state
    Given the mock drops the next 1 connection to "/oauth2/token"
    When the SDK starts a redirect sign-in
    And "thor" signs in on the sign-in page
    And the browser comes back to the SDK
    Then the SDK fails with "transport"
    And the SDK is signed out
