Feature: Discovery and JWKS
  SDKs configure themselves from /.well-known/openid-configuration and verify tokens with the keys
  at /oauth2/jwks: an RS256 key whose kid is the certificate's SHA-256 thumbprint.

  Scenario: The OpenID configuration names every endpoint an SDK needs
    When the client sends GET "/.well-known/openid-configuration"
    Then the response status is 200
    And the response header "content-type" is "application/json"
    And the document's issuer is the server
    And the document names "/oauth2/authorize" as "authorization_endpoint"
    And the document names "/oauth2/token" as "token_endpoint"
    And the document names "/oauth2/userinfo" as "userinfo_endpoint"
    And the document names "/oauth2/jwks" as "jwks_uri"
    And the document names "/oauth2/introspect" as "introspection_endpoint"
    And the document names "/oauth2/revoke" as "revocation_endpoint"
    And the document names "/oauth2/logout" as "end_session_endpoint"
    And the document names "/oauth2/par" as "pushed_authorization_request_endpoint"
    And the document names "/oauth2/dcr/register" as "registration_endpoint"
    And the document names "/oauth2/bc-authorize" as "backchannel_authentication_endpoint"
    And every endpoint in the document is on the server

  Scenario: The OpenID configuration states what the server supports
    When the client sends GET "/.well-known/openid-configuration"
    Then the document lists "code" under "response_types_supported"
    And the document lists "S256" under "code_challenge_methods_supported"
    And the document lists "client_secret_basic, client_secret_post, private_key_jwt, none" among "token_endpoint_auth_methods_supported"
    And the document lists "openid, profile, email, phone, address, roles" under "scopes_supported"
    And the document lists "public" under "subject_types_supported"
    And the document has "authorization_response_iss_parameter_supported" set to true
    And the document has "claims_parameter_supported" set to true

  Scenario: CIBA is advertised in poll mode, without user codes
    When the client sends GET "/.well-known/oauth-authorization-server"
    Then the document lists "poll" under "backchannel_token_delivery_modes_supported"
    And the document has "backchannel_user_code_parameter_supported" set to false
    And the document lists "urn:openid:params:grant-type:ciba" among "grant_types_supported"
    And the document has no "require_pushed_authorization_requests"

  @mock-only
  Scenario: The mock advertises nothing it does not serve
    When the client sends GET "/.well-known/openid-configuration"
    Then the document lists "client_secret_basic, client_secret_post, private_key_jwt, none" under "token_endpoint_auth_methods_supported"
    And the document lists "client_credentials, authorization_code, refresh_token, urn:ietf:params:oauth:grant-type:token-exchange, urn:openid:params:grant-type:ciba" under "grant_types_supported"
    And the document lists "RS256" under "id_token_signing_alg_values_supported"
    And the document has no "dpop_signing_alg_values_supported"
    And the document has no "authorization_grant_profiles_supported"
    And the document has no "userinfo_signing_alg_values_supported"
    And the document has no "userinfo_encryption_alg_values_supported"
    And the document has no "id_token_encryption_alg_values_supported"

  Scenario: The OAuth authorization server metadata has no scopes and no userinfo
    When the client sends GET "/.well-known/oauth-authorization-server"
    Then the response status is 200
    And the document's issuer is the server
    And the document names "/oauth2/token" as "token_endpoint"
    And the document has no "scopes_supported"
    And the document has no "userinfo_endpoint"
    And every endpoint in the document is on the server

  Scenario: The JWKS holds the key that signs every token
    When the client sends GET "/oauth2/jwks"
    Then the response status is 200
    And the JWKS holds the RSA key that signs the server's tokens

  Scenario: Paths outside the public ones need a token before anything else (AUTH-4010)
    When the client sends GET "/no/such/path"
    Then the response status is 401
    And the error code is "AUTH-4010"
    And the response header "www-authenticate" is "Bearer"
