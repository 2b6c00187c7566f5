Feature: Client credentials grant
  A machine-to-machine client gets an access token for itself: its subject is the application, and
  there is neither a refresh token nor an ID token. Its scopes are permissions of one resource
  server (the resource parameter's, else the default one), bounded by the roles the application
  holds: asking is not enough.

  Background:
    Given the application "sample-m2m"

  Scenario: A machine client gets an access token for itself
    When "sample-m2m" asks for a token with the client credentials grant
    Then the app receives tokens
    And the token response has no "refresh_token, id_token"
    And the access token is a valid access token for "sample-m2m"
    And the access token carries the claims:
      | sub        | ${sample-m2m.id}   |
      | client_id  | sample-m2m         |
      | grant_type | client_credentials |
      | aud        | sample-m2m         |

  Scenario: Only the permissions the application's roles grant are issued
    When "sample-m2m" calls the token endpoint with:
      | grant_type | client_credentials                |
      | scope      | booking:read booking:write system |
      | resource   | https://api.booking.example       |
    Then the app receives tokens
    And the token response has the scope "booking:read"
    And the access token carries the claims:
      | scope | booking:read                |
      | aud   | https://api.booking.example |

  Scenario: The administrator's permission is not for the asking
    When "sample-m2m" calls the token endpoint with:
      | grant_type | client_credentials         |
      | scope      | system                     |
      | resource   | https://localhost:8090/mcp |
    Then the app receives tokens
    And the token response has no "scope"
    And the access token has no claim "scope"

  Scenario: A scope without a resource needs a default resource server
    When "sample-m2m" asks for a token with the client credentials grant and the scope "booking:read"
    Then the token request fails with 400 "invalid_target" and "No resource parameter supplied and no default resource server is configured"

  Scenario: An unregistered resource is refused
    When "sample-m2m" calls the token endpoint with:
      | grant_type | client_credentials         |
      | resource   | https://api.example/orders |
    Then the token request fails with 400 "invalid_target" and "The resource parameter does not match any registered resource server"

  Scenario: A resource with a fragment is refused
    When "sample-m2m" calls the token endpoint with:
      | grant_type | client_credentials             |
      | resource   | https://api.example/orders#all |
    Then the token request fails with 400 "invalid_target" and "Invalid resource parameter: must not contain a fragment component"

  Scenario: A relative resource is refused
    When "sample-m2m" calls the token endpoint with:
      | grant_type | client_credentials |
      | resource   | /orders            |
    Then the token request fails with 400 "invalid_target" and "Invalid resource parameter: must be an absolute URI"

  Scenario: A client registered only for other grants may not use it
    When "sample-web" asks for a token with the client credentials grant
    Then the token request fails with 400 "unauthorized_client" and "The client is not authorized to use this grant type"
