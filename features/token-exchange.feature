Feature: Token exchange (RFC 8693)
  A client trades a token the server issued (the subject token) for a new access token, for
  example to call a downstream API on the user's behalf. The result is an independent access
  token for the same subject; an actor token adds an act claim.

  Background:
    Given the application "sample-web"
    And the user "thor" has signed in

  Scenario: An access token is exchanged for a new access token for the same user
    When "sample-web" calls the token endpoint with:
      | grant_type         | urn:ietf:params:oauth:grant-type:token-exchange |
      | subject_token      | ${access_token}                                 |
      | subject_token_type | urn:ietf:params:oauth:token-type:access_token   |
    Then the app receives tokens
    And the token response has no "refresh_token, id_token"
    And the response body includes the JSON:
      """
      {"issued_token_type": "urn:ietf:params:oauth:token-type:access_token", "token_type": "Bearer"}
      """
    And the access token is a valid access token for "thor"
    And the access token carries the claims:
      | grant_type | urn:ietf:params:oauth:grant-type:token-exchange |
      | client_id  | sample-web                                      |

  Scenario: The exchanged token can be bound to a resource server
    When "sample-web" calls the token endpoint with:
      | grant_type         | urn:ietf:params:oauth:grant-type:token-exchange |
      | subject_token      | ${access_token}                                 |
      | subject_token_type | urn:ietf:params:oauth:token-type:access_token   |
      | resource           | https://api.booking.example                      |
    Then the app receives tokens
    And the access token carries the claims:
      | aud | https://api.booking.example |

  Scenario: An actor token puts the actor into the act claim
    Given the app keeps the access token as "user_token"
    When "sample-m2m" asks for a token with the client credentials grant
    And the app keeps the access token as "actor_token"
    And "sample-m2m" calls the token endpoint with:
      | grant_type         | urn:ietf:params:oauth:grant-type:token-exchange |
      | subject_token      | ${var.user_token}                               |
      | subject_token_type | urn:ietf:params:oauth:token-type:access_token   |
      | actor_token        | ${var.actor_token}                              |
      | actor_token_type   | urn:ietf:params:oauth:token-type:access_token   |
    Then the response status is 200
    And the access token carries the claims:
      | sub | ${thor.id}                       |
      | act | {"sub": "${sample-m2m.id}", "iss": "${issuer}"} |

  Scenario: The subject token is required
    When "sample-web" calls the token endpoint with:
      | grant_type         | urn:ietf:params:oauth:grant-type:token-exchange |
      | subject_token_type | urn:ietf:params:oauth:token-type:access_token   |
    Then the token request fails with 400 "invalid_request" and "Missing required parameter: subject_token"

  Scenario: The subject token type is required
    When "sample-web" calls the token endpoint with:
      | grant_type    | urn:ietf:params:oauth:grant-type:token-exchange |
      | subject_token | ${access_token}                                 |
    Then the token request fails with 400 "invalid_request" and "Missing required parameter: subject_token_type"

  Scenario: An unknown subject token type is refused
    When "sample-web" calls the token endpoint with:
      | grant_type         | urn:ietf:params:oauth:grant-type:token-exchange |
      | subject_token      | ${access_token}                                 |
      | subject_token_type | urn:example:token-type:opaque                   |
    Then the token request fails with 400 "invalid_request" and "Unsupported subject_token_type"

  Scenario: A subject token the server did not sign is refused
    When "sample-web" calls the token endpoint with:
      | grant_type         | urn:ietf:params:oauth:grant-type:token-exchange |
      | subject_token      | not.a.token                                     |
      | subject_token_type | urn:ietf:params:oauth:token-type:access_token   |
    Then the token request fails with 400 "invalid_request" and "Invalid subject_token"

  Scenario: An ID token declared as an access token is refused
    When "sample-web" calls the token endpoint with:
      | grant_type         | urn:ietf:params:oauth:grant-type:token-exchange |
      | subject_token      | ${id_token}                                     |
      | subject_token_type | urn:ietf:params:oauth:token-type:access_token   |
    Then the token request fails with 400 "invalid_request" and "The subject_token is not an access token (missing at+jwt typ header)"

  @mock-only @serial
  Scenario: An expired subject token is refused
    When 3631 seconds pass
    And "sample-web" calls the token endpoint with:
      | grant_type         | urn:ietf:params:oauth:grant-type:token-exchange |
      | subject_token      | ${access_token}                                 |
      | subject_token_type | urn:ietf:params:oauth:token-type:access_token   |
    Then the token request fails with 400 "invalid_request" and "The subject_token has expired"

  Scenario: A refresh token cannot be requested
    When "sample-web" calls the token endpoint with:
      | grant_type           | urn:ietf:params:oauth:grant-type:token-exchange |
      | subject_token        | ${access_token}                                 |
      | subject_token_type   | urn:ietf:params:oauth:token-type:access_token   |
      | requested_token_type | urn:ietf:params:oauth:token-type:refresh_token  |
    Then the token request fails with 400 "invalid_request" and "Unsupported requested_token_type. Only access tokens, JWT tokens, and ID-JAGs are supported"

  Scenario: An actor token needs its type
    When "sample-web" calls the token endpoint with:
      | grant_type         | urn:ietf:params:oauth:grant-type:token-exchange |
      | subject_token      | ${access_token}                                 |
      | subject_token_type | urn:ietf:params:oauth:token-type:access_token   |
      | actor_token        | ${access_token}                                 |
    Then the token request fails with 400 "invalid_request" and "actor_token_type is required when actor_token is provided"
