Feature: Signing keys: every algorithm, rotation with overlap, retirement, a stale JWKS
  The server signs every token with one key (its preferred key) and publishes every configured key
  in its JWKS; a token verifies with the key its kid names. The mock's key ring
  (POST /__mock/keys) adds keys of each algorithm the server signs with, rotates at once or after
  n tokens, retires keys and answers a stale JWKS, so the Rust client is proven against each:
  it verifies every algorithm, fetches the JWKS again exactly once for an unknown kid, keeps
  working through a rotation and refuses what a retired key signed.

  Background:
    Given the Rust client for "sample-spa"

  @mock-only
  Scenario Outline: An ID token signed with <alg> is verified by the client
    Given the mock rotates to a new <alg> key
    When "thor" has signed in through the Rust client
    Then the client holds a validated ID token for "thor"
    And the client's ID token is signed with <alg> by the new key
    And the mock counted 1 JWKS fetch

    Examples:
      | alg       |
      | RS256     |
      | ES256     |
      | ES384     |
      | ES512     |
      | EdDSA     |
      | ML-DSA-44 |
      | ML-DSA-65 |
      | ML-DSA-87 |

  @mock-only
  Scenario: A rotation keeps the previous key published, and the client refetches the JWKS once
    Given "thor" has signed in through the Rust client
    When the mock rotates to a new ES256 key
    Then the mock's userinfo answers 200 to the client's access token
    And the mock's introspection says the client's access token is active
    When the client refreshes its tokens
    Then the client accepts it
    And the client's ID token is signed with ES256 by the new key
    And the mock recorded 2 requests to "/oauth2/jwks"
    And the mock counted 2 JWKS fetches
    And the mock refuses to retire the new key, which is active

  @mock-only
  Scenario: Tokens of a retired key are refused by the mock and by the client
    Given "thor" has signed in through the Rust client
    When the mock rotates to a new ES384 key
    And the mock retires the original key
    Then the mock's userinfo answers 401 to the client's access token
    And the mock's introspection says the client's access token is inactive
    When a Rust client for "sample-spa" validates that ID token
    Then the client refuses it with UnknownKey
    When the client refreshes its tokens
    Then the client refuses it with OAuth

  @mock-only
  Scenario: A stale JWKS makes the client refetch once, then refuse the unknown kid
    Given "thor" has signed in through the Rust client
    And the mock rotates to a new EdDSA key
    And the mock serves the JWKS from before the last key change for the next 1 fetch
    When the client starts a redirect sign-in and "thor" signs in on the sign-in page
    And the browser returns to the app
    Then the client refuses it with UnknownKey
    And the mock recorded 2 requests to "/oauth2/jwks"
    And the mock counted 2 JWKS fetches

  @mock-only
  Scenario: A key armed for rotation after n tokens signs from the next one on
    Given the mock adds a new ES256 key that signs after 2 more tokens
    When "sample-m2m" asks for a token with the client credentials grant
    Then the access token is signed by the original key
    When "sample-m2m" asks for a token with the client credentials grant
    Then the access token is signed by the original key
    When "sample-m2m" asks for a token with the client credentials grant
    Then the access token is signed by the new key

  @mock-only
  Scenario: A reset restores the original key as the only, active key
    Given the mock rotates to a new ES512 key
    When the mock is reset
    Then the mock lists only the original key, active
