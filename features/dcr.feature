Feature: Dynamic client registration (RFC 7591)
  An administrator (a token holding the system permission) registers an OAuth client at
  /oauth2/dcr/register. The answer lists the client's metadata in alphabetical order, with a
  generated client_id and, for confidential clients, a secret that never expires. The client is an
  application of type custom and signs in at once. Metadata the server refuses is
  invalid_client_metadata or invalid_redirect_uri, and nothing is registered.

  @stateful
  Scenario: A registered client gets tokens at once
    When an administrator registers a client with:
      """
      {"client_name": "conformance-robot", "grant_types": ["client_credentials"]}
      """
    Then the client is registered
    And the response body includes the JSON:
      """
      {"client_name": "conformance-robot", "grant_types": ["client_credentials"],
       "token_endpoint_auth_method": "client_secret_basic", "client_secret_expires_at": 0}
      """
    When a client authenticating as "${var.client_id}" with the secret "${var.client_secret}" calls the token endpoint with:
      | grant_type | client_credentials |
    Then the app receives tokens

  @stateful
  Scenario: A public client registers without a secret and must use PKCE
    When an administrator registers a client with:
      """
      {"client_name": "conformance-spa", "redirect_uris": ["http://localhost:4000/cb"], "token_endpoint_auth_method": "none"}
      """
    Then the client is registered
    And the response body has no "client_secret"
    And the response body includes the JSON:
      """
      {"grant_types": ["authorization_code"], "response_types": ["code"], "token_endpoint_auth_method": "none"}
      """

  Scenario: Registration needs a token holding system
    When an anonymous caller registers a client with:
      """
      {"grant_types": ["client_credentials"]}
      """
    Then the response status is 401
    And the OAuth error is "unauthorized_client" with the description "Authentication with sufficient permissions is required to register a client"
    And the response has no header "www-authenticate"

  Scenario: A redirect URI with a fragment is invalid_redirect_uri
    When an administrator registers a client with:
      """
      {"redirect_uris": ["https://app.example/cb#fragment"]}
      """
    Then the response status is 400
    And the OAuth error is "invalid_redirect_uri" with the description "Redirect URIs must not contain a fragment component"

  Scenario: A grant type the server does not allow is invalid_client_metadata
    When an administrator registers a client with:
      """
      {"grant_types": ["password"]}
      """
    Then the response status is 400
    And the OAuth error is "invalid_client_metadata" with the description "One or more provided grant types are invalid"

  Scenario: An unknown authentication method is invalid_client_metadata
    When an administrator registers a client with:
      """
      {"grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_jwt"}
      """
    Then the response status is 400
    And the OAuth error is "invalid_client_metadata" with the description "The provided token endpoint authentication method is invalid"

  Scenario: The authorization code grant needs redirect URIs
    When an administrator registers a client with:
      """
      {"client_name": "no-redirects"}
      """
    Then the response status is 400
    And the OAuth error is "invalid_client_metadata" with the description "authorization_code grant type requires redirect URIs"

  Scenario: A name already taken is refused
    When an administrator registers a client with:
      """
      {"client_name": "sample-spa", "grant_types": ["client_credentials"]}
      """
    Then the response status is 400
    And the OAuth error is "invalid_client_metadata" with the description "An application with the same name already exists"

  Scenario: A body that is not the metadata object is refused
    When an administrator registers a client with:
      """
      {"redirect_uris": "https://app.example/cb"}
      """
    Then the response status is 400
    And the OAuth error is "invalid_client_metadata" with the description "The request body is missing or has an invalid format"
