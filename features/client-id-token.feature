Feature: Client-side ID token validation
  An SDK must not trust what comes back from the browser. The Rust client checks the callback
  (state, RFC 9207 iss, error) and validates the ID token against the server's JWKS: algorithm
  allow-list, signature, kid, issuer, audience, expiry with leeway and nonce. Each check fails on
  its own, named.

  Background:
    Given the Rust client for "sample-spa"
    And "thor" has signed in through the Rust client

  Scenario: A redirect sign-in yields a validated ID token
    Then the client holds a validated ID token for "thor"
    When the client validates the ID token again
    Then the client accepts it

  Scenario: A tampered signature is refused
    When the client validates the ID token with its signature tampered with
    Then the client refuses it with BadSignature

  Scenario: A nonce other than the one sent is refused
    When the client validates the ID token expecting the nonce "another-nonce"
    Then the client refuses it with NonceMismatch

  Scenario: An ID token issued to another client is refused
    When a Rust client for "sample-social" validates that ID token
    Then the client refuses it with WrongAudience

  Scenario: An expired ID token is refused once the leeway is over
    When the client's clock moves 3700 seconds forward
    And the client validates the ID token again
    Then the client refuses it with Expired

  Scenario: An ID token is still good within the leeway
    When the client's clock moves 3600 seconds forward
    And the client validates the ID token again
    Then the client accepts it

  Scenario: alg none is refused before any key is looked at
    When the client validates the ID token re-signed with the algorithm "none"
    Then the client refuses it with UnsupportedAlgorithm

  Scenario: An HMAC algorithm is refused
    When the client validates the ID token re-signed with the algorithm "HS256"
    Then the client refuses it with UnsupportedAlgorithm

  Scenario: A key id the server does not publish is refused
    When the client validates the ID token under the key id "not-a-server-key"
    Then the client refuses it with UnknownKey

  Scenario: A callback with another state is refused
    When the client starts a redirect sign-in and "thor" signs in on the sign-in page
    And the browser returns to the app with the state parameter "forged"
    Then the client refuses it with StateMismatch

  Scenario: A callback without iss is refused: the server advertises RFC 9207
    When the client starts a redirect sign-in and "thor" signs in on the sign-in page
    And the browser returns to the app with the iss parameter "(absent)"
    Then the client refuses it with MissingIssuer

  Scenario: A callback from another issuer is refused
    When the client starts a redirect sign-in and "thor" signs in on the sign-in page
    And the browser returns to the app with the iss parameter "https://evil.example"
    Then the client refuses it with IssuerMismatch

  Scenario: An app-native assertion verifies against the application id
    Given the application "sample-native"
    And the Rust client for "sample-native"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    And the client verifies the app-native assertion
    Then the client accepts it
