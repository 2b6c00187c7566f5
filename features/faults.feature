Feature: Fault rules prove the Rust client
  The mock forges the next ID token of a real redirect sign-in (POST /__mock/faults, a tamper
  rule): each forgery differs from the real token in one way only, and the Rust client refuses
  each with the check that failed. A failing token endpoint surfaces as the server's error; a read
  (the JWKS) answered 503 with a short Retry-After is fetched again, one without it surfaces.

  Background:
    Given the Rust client for "sample-spa"

  @mock-only
  Scenario Outline: A forged ID token is refused by the check it breaks (<tamper>)
    Given the mock forges the next id_token of "sample-spa" with <tamper>
    When the client starts a redirect sign-in and "thor" signs in on the sign-in page
    And the browser returns to the app
    Then the client refuses it with <error>

    Examples:
      | tamper                | error                   |
      | alg_none              | UnsupportedAlgorithm    |
      | hs256_public_key      | UnsupportedAlgorithm    |
      | bad_signature         | BadSignature            |
      | unknown_kid           | UnknownKey              |
      | missing_kid           | UnknownKey              |
      | wrong_iss             | WrongIssuer             |
      | wrong_aud             | WrongAudience           |
      | extra_aud_without_azp | WrongAuthorizedParty    |
      | expired               | Expired                 |
      | iat_future            | IssuedInFuture          |
      | nbf_ahead             | NotYetValid             |
      | missing_nonce         | NonceMismatch           |
      | wrong_nonce           | NonceMismatch           |
      | wrong_at_hash         | AccessTokenHashMismatch |
      | wrong_c_hash          | CodeHashMismatch        |
      | wrong_typ             | WrongType               |

  @mock-only
  Scenario: A 503 from the token endpoint surfaces as the server's error, and the next sign-in works
    Given the mock answers 503 to the next 1 call of "/oauth2/token"
    When the client starts a redirect sign-in and "thor" signs in on the sign-in page
    And the browser returns to the app
    Then the client refuses it with ServerError
    When the client starts a redirect sign-in and "thor" signs in on the sign-in page
    And the browser returns to the app
    Then the client holds a validated ID token for "thor"

  @mock-only
  Scenario: A JWKS answered 503 with Retry-After is fetched again, and the sign-in succeeds
    Given the mock answers 503 to the next 1 call of "/oauth2/jwks"
    When the client starts a redirect sign-in and "thor" signs in on the sign-in page
    And the browser returns to the app
    Then the client holds a validated ID token for "thor"
    And the mock recorded 2 requests to "/oauth2/jwks"

  @mock-only
  Scenario: A JWKS answered 503 without Retry-After surfaces as the client's JWKS error
    Given the mock answers 503 without Retry-After to the next 1 call of "/oauth2/jwks"
    When the client starts a redirect sign-in and "thor" signs in on the sign-in page
    And the browser returns to the app
    Then the client refuses it with Jwks
    And the mock recorded 1 request to "/oauth2/jwks"
