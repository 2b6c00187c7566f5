Feature: Authorization endpoint
  A browser app sends the user to /oauth2/authorize (code flow, PKCE S256, state, nonce). A valid
  request lands on the hosted sign-in page with a pre-created flow execution; problems with the
  client or its redirect URI go to the server's error page, every other problem goes back to the
  app's redirect URI with error, error_description, iss and state.

  Background:
    Given the application "sample-spa"

  Scenario: A valid request lands on the sign-in page with an execution to continue
    When the app sends the user to sign in
    Then the browser is sent to the sign-in page
    And the response header "location" starts with "http"
    And the response has no header "access-control-allow-origin"

  Scenario: The sign-in page's first call needs no challenge token and is verbose
    When the app sends the user to sign in
    And the sign-in page loads the flow
    Then the flow shows a "VIEW" step
    And the flow asks for "username, password"
    And the flow data carries UI components
    And the response carries a fresh challenge token

  Scenario: Signing in on the sign-in page gives the app an authorization code
    When the user opens the sign-in page
    And the user submits the credentials of "thor"
    Then the flow completes with an assertion for "thor"
    And the assertion carries the claims:
      | aud                      | ${sample-spa.id} |
      | authorization_request_id | ${auth_id}       |
    When the sign-in page hands the assertion to the server
    Then the app receives an authorization code

  Scenario: The redirect URI may be left out when only one is registered
    When the app sends the user to sign in with:
      | redirect_uri | (absent) |
    Then the browser is sent to the sign-in page

  Scenario: A request without client_id goes to the error page
    When the app sends the user to sign in with:
      | client_id | (absent) |
    Then the browser is sent to the error page with "invalid_request" and "Missing client_id parameter"

  Scenario: An unknown client goes to the error page
    When the app sends the user to sign in with:
      | client_id | no-such-client |
    Then the browser is sent to the error page with "invalid_request" and "Invalid client_id"

  Scenario: An unregistered redirect URI goes to the error page, never to that URI
    When the app sends the user to sign in with:
      | redirect_uri | https://evil.example/callback |
    Then the browser is sent to the error page with "invalid_request" and "Invalid redirect URI"

  Scenario: A public client must send a PKCE challenge
    When the app sends the user to sign in with:
      | code_challenge        | (absent) |
      | code_challenge_method | (absent) |
    Then the browser is sent back to the app with "invalid_request" and "code_challenge is required for this application"

  Scenario: Only the S256 challenge method is accepted
    When the app sends the user to sign in with:
      | code_challenge_method | plain |
    Then the browser is sent back to the app with "invalid_request" and "Invalid code_challenge or code_challenge_method parameter"

  Scenario: Only the code response type is supported
    When the app sends the user to sign in with:
      | response_type | token |
    Then the browser is sent back to the app with "unsupported_response_type" and "Unsupported response type"

  Scenario: The response type is required
    When the app sends the user to sign in with:
      | response_type | (absent) |
    Then the browser is sent back to the app with "invalid_request" and "Missing response_type parameter"

  Scenario: Only the query response mode is supported
    When the app sends the user to sign in with:
      | response_mode | fragment |
    Then the browser is sent back to the app with "invalid_request" and "Unsupported response_mode parameter"

  Scenario: prompt=none is always refused: the server keeps no session to reuse
    When the app sends the user to sign in with:
      | prompt | none |
    Then the browser is sent back to the app with "login_required" and "User authentication is required"

  Scenario: prompt=select_account is not supported
    When the app sends the user to sign in with:
      | prompt | select_account |
    Then the browser is sent back to the app with "account_selection_required" and "Account selection is not supported"

  Scenario: A nonce longer than 64 characters is refused
    When the app sends the user to sign in with:
      | nonce | 0123456789012345678901234567890123456789012345678901234567890123456789 |
    Then the browser is sent back to the app with "invalid_request" and "nonce exceeds maximum allowed length"

  Scenario: A resource with a fragment is refused
    When the app sends the user to sign in with:
      | resource | https://api.example/orders#all |
    Then the browser is sent back to the app with "invalid_target" and "Invalid resource parameter: must not contain a fragment component"

  Scenario: Without a redirect URI, parameter errors go to the error page
    When the app sends the user to sign in with:
      | redirect_uri   | (absent) |
      | code_challenge | (absent) |
    Then the browser is sent to the error page with "invalid_request" and "code_challenge is required for this application"

  Scenario: A repeated parameter is a 400, not a redirect
    When the client sends GET "/oauth2/authorize?client_id=sample-spa&client_id=sample-web&response_type=code"
    Then the response status is 400
    And the OAuth error is "invalid_request" with the description "Invalid authorization request"

  Scenario: Claims asked for by name reach the ID token and UserInfo
    Given the user "thor" has signed in with:
      | scope  | openid                                                          |
      | claims | {"id_token":{"given_name":null},"userinfo":{"family_name":null}} |
    Then the ID token carries the claims:
      | given_name | Thor |
    And the ID token has no claim "family_name"
    When the app asks for the user's info
    Then the response status is 200
    And the response body is the JSON:
      """
      {"sub": "${thor.id}", "family_name": "Odinson"}
      """

  Scenario: A claim whose requested value the user does not have is left out
    Given the user "thor" has signed in with:
      | scope  | openid email                                           |
      | claims | {"id_token":{"email":{"value":"loki@asgard.example"}}} |
    Then the ID token has no claim "email"

  Scenario: Malformed claims go to the error page
    When the app sends the user to sign in with:
      | claims | {"id_token":{"email":{"value":"a","values":["b"]}}} |
    Then the browser is sent to the error page with "invalid_request" and "The claims request parameter is malformed or contains invalid values"

  Scenario: max_age does not stop a fresh sign-in
    Given the user "thor" has signed in with:
      | max_age | 0 |
    Then the app receives tokens

  Scenario: ui_locales travels to the sign-in page; login_hint and request objects are ignored
    When the app sends the user to sign in with:
      | ui_locales | fr-CA                    |
      | login_hint | loki                     |
      | request    | eyJhbGciOiJub25lIn0.e30. |
    Then the browser is sent to the sign-in page
    And the response header "location" starts with "http"

  @custom-fixtures
  Scenario: acr_values the flow cannot meet end the sign-in with FET-1082 and access_denied
    Given the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b8", "name": "acr-app", "type": "browser",
       "oauth": {"clientId": "acr-app", "publicClient": true, "pkceRequired": true,
                 "tokenEndpointAuthMethod": "none", "grantTypes": ["authorization_code"],
                 "redirectUris": ["http://localhost:3000/callback"],
                 "acrValues": ["urn:thunder:acr:mfa"]}}
      """
    And the application "acr-app"
    When the user opens the sign-in page with:
      | acr_values | urn:thunder:acr:mfa |
    And the user submits the credentials of "thor"
    Then the flow status is "ERROR" and the error code is "FET-1082"
    When the sign-in page hands the error assertion to the server
    Then the app receives the error "access_denied" with the description "The accumulated authentication assurance does not satisfy the requested acr_values or max_age"
