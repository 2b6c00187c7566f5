Feature: Token endpoint client authentication and grant selection
  Every call to /oauth2/token authenticates the client first: client_secret_basic, client_secret_post,
  private_key_jwt (a signed assertion, each jti used once) or, for public clients, just client_id. Then grant_type must be present, supported by the server
  and registered for the client.

  Scenario: A confidential client authenticates with HTTP Basic
    Given the application "sample-web"
    And the user "thor" has signed in
    Then the app receives tokens
    And the access token is a valid access token for "thor"

  Scenario: A wrong client secret is 401 with a Basic challenge
    When a client authenticating as "sample-web" with the secret "wrong-secret" calls the token endpoint with:
      | grant_type | client_credentials |
    Then the token request fails with 401 "invalid_client" and "Invalid client credentials"
    And the response header "www-authenticate" starts with "Basic"

  Scenario: An unknown client is 401
    When a client authenticating as "no-such-client" with the secret "x" calls the token endpoint with:
      | grant_type | client_credentials |
    Then the token request fails with 401 "invalid_client" and "Invalid client credentials"

  Scenario: A confidential client that sends no secret must authenticate
    When an unauthenticated client calls the token endpoint with:
      | grant_type | client_credentials |
      | client_id  | sample-m2m         |
    Then the token request fails with 401 "invalid_client" and "Client authentication is required"

  Scenario: A client registered for Basic may not post its secret
    When a client posting "sample-m2m" and the secret "sample-m2m-secret" calls the token endpoint with:
      | grant_type | client_credentials |
    Then the token request fails with 400 "unauthorized_client" and "Client is not allowed to use the specified authentication method"

  Scenario: Two authentication methods at once are refused
    When a client authenticating as "sample-m2m" with the secret "sample-m2m-secret" calls the token endpoint with:
      | grant_type    | client_credentials |
      | client_id     | sample-m2m         |
      | client_secret | sample-m2m-secret  |
    Then the token request fails with 400 "invalid_request" and "Multiple client authentication methods were provided"

  Scenario: The body's client_id must match the authenticated client
    When a client authenticating as "sample-m2m" with the secret "sample-m2m-secret" calls the token endpoint with:
      | grant_type | client_credentials |
      | client_id  | sample-web         |
    Then the token request fails with 400 "invalid_request" and "client_id in request body does not match client_id from authentication credentials"

  Scenario: Basic plus the same client_id in the body is accepted, as the JS SDK sends it
    When a client authenticating as "sample-m2m" with the secret "sample-m2m-secret" calls the token endpoint with:
      | grant_type | client_credentials |
      | client_id  | sample-m2m         |
    Then the response status is 200

  Scenario: A request without any client is refused
    When an unauthenticated client calls the token endpoint with:
      | grant_type | client_credentials |
    Then the token request fails with 400 "invalid_request" and "Missing client_id parameter"

  Scenario: grant_type is required
    When "sample-m2m" calls the token endpoint with:
      | scope | openid |
    Then the token request fails with 400 "invalid_request" and "Missing grant_type parameter"

  Scenario: The password grant is not supported
    When "sample-m2m" calls the token endpoint with:
      | grant_type | password   |
      | username   | thor       |
      | password   | Thor@12345 |
    Then the token request fails with 400 "unsupported_grant_type" and "Invalid grant_type parameter"

  Scenario: A grant the client is not registered for is refused
    When "sample-m2m" calls the token endpoint with:
      | grant_type | authorization_code |
      | code       | anything           |
    Then the token request fails with 400 "unauthorized_client" and "The client is not authorized to use this grant type"

  Scenario: A DPoP proof the server cannot verify is refused
    When "sample-m2m" calls the token endpoint with a DPoP proof and:
      | grant_type | client_credentials |
    Then the token request fails with 400 "invalid_dpop_proof" and "Invalid DPoP proof"

  @stateful
  Scenario: A private_key_jwt client authenticates with a signed assertion, each one once
    Given the caller is an administrator
    When the caller sends POST "/applications" with the JSON body:
      """
      {"name": "Signer", "type": "m2m", "ouId": "01900000-0000-7000-8000-000000000001",
       "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "signer",
         "grantTypes": ["client_credentials"], "tokenEndpointAuthMethod": "private_key_jwt",
         "certificate": {"type": "JWKS", "value": "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"conformance-es256\",\"crv\":\"P-256\",\"x\":\"4JS12M1IYgbqeGS5KiBaVFA0NIm8bOc9fywpPCOg1qI\",\"y\":\"sHFl1T0xR3zb0QdM2sEr6QORcXzdAIRzaSZsvhYxpNI\"}]}"}}}]}
      """
    Then the response status is 201
    When the client "signer" calls the token endpoint with a signed client assertion and:
      | grant_type | client_credentials |
    Then the app receives tokens
    When the same client assertion is sent to the token endpoint again with:
      | grant_type | client_credentials |
    Then the token request fails with 401 "invalid_client" and "Invalid client assertion"
