@sdk
Feature: SDK ID token validation
  The mock forges the ID token of the next token answer in one way only (a tamper fault rule);
  the SDK must refuse every forgery and stay signed out.

  Background:
    Given the SDK is configured for "sample-spa"

  @must
  Scenario Outline: A forged ID token is refused (<tamper>)
    Source: OIDC Core 1.0 §3.1.3.7 (ID token validation)
    Given the mock forges the next id_token of "sample-spa" with <tamper>
    When the SDK starts a redirect sign-in
    And "thor" signs in on the sign-in page
    And the browser comes back to the SDK
    Then the SDK fails with "id_token"
    And the SDK is signed out

    Examples:
      | tamper                |
      | alg_none              |
      | hs256_public_key      |
      | bad_signature         |
      | unknown_kid           |
      | wrong_iss             |
      | wrong_aud             |
      | expired               |
      | iat_future            |
      | missing_nonce         |
      | wrong_nonce           |

  @should
  Scenario Outline: A forged ID token is refused (<tamper>, a SHOULD check)
    Source: OIDC Core 1.0 §3.1.3.7 items 4-5 (azp), §3.1.3.8 (at_hash), §3.3.2.11 (c_hash); RFC 8725 §3.11 (typ)
    Given the mock forges the next id_token of "sample-spa" with <tamper>
    When the SDK starts a redirect sign-in
    And "thor" signs in on the sign-in page
    And the browser comes back to the SDK
    Then the SDK fails with "id_token"

    Examples:
      | tamper                |
      | missing_kid           |
      | extra_aud_without_azp |
      | nbf_ahead             |
      | wrong_at_hash         |

  @should
  Scenario: An unknown kid makes the SDK fetch the JWKS once more, then refuse
    Source: OIDC Core 1.0 §10.1.1 (key rotation: refetch the JWKS on an unknown kid)
    When the SDK signs "thor" in
    Given the mock forges the next id_token of "sample-spa" with unknown_kid
    When the SDK starts a redirect sign-in
    And "thor" signs in on the sign-in page
    And the browser comes back to the SDK
    Then the SDK fails with "id_token"
    And the SDK fetched the JWKS 1 time after its last token request

  @should
  Scenario: After a key rotation the SDK fetches the JWKS once more and accepts the new key's ID token
    Source: OIDC Core 1.0 §10.1.1 (rotation of asymmetric signing keys: a new kid in the JWKS)
    When the SDK signs "thor" in
    Given the mock rotates to a new RS256 key
    When the SDK starts a redirect sign-in
    And "thor" signs in on the sign-in page
    And the browser comes back to the SDK
    Then the SDK is signed in as "thor"
    And the SDK fetched the JWKS 1 time after its last token request
