Feature: Pushed authorization requests (RFC 9126)
  An app pushes its authorization parameters to /oauth2/par, authenticating as at the token
  endpoint, and gets a request_uri valid for 60 seconds. The browser then goes to
  /oauth2/authorize with only the client_id and the request_uri: every other parameter comes from
  the pushed request. A request_uri is single use and bound to the client that pushed it.

  Background:
    Given the application "sample-spa"

  Scenario: A pushed request answers a request_uri valid for 60 seconds
    When the app pushes the authorization request
    Then the server answers with a request_uri valid for 60 seconds
    And the response has no header "cache-control"

  Scenario: Signing in through a pushed request gives the app a code and tokens
    Given the app pushes the authorization request
    When the app sends the user to sign in with the request_uri
    Then the browser is sent to the sign-in page
    When the sign-in page loads the flow
    And the user submits the credentials of "thor"
    And the sign-in page hands the assertion to the server
    Then the app receives an authorization code
    When the app exchanges the code for tokens
    Then the app receives tokens
    And the ID token is a valid ID token for "thor"

  Scenario: Parameters next to the request_uri are ignored
    Given the app pushes the authorization request
    When the app sends the user to sign in with the request_uri and:
      | redirect_uri | https://evil.example/callback |
      | prompt       | none                          |
    Then the browser is sent to the sign-in page

  Scenario: A request_uri is single use
    Given the app pushes the authorization request
    And the app sends the user to sign in with the request_uri
    When the app sends the user to sign in with the request_uri
    Then the browser is sent to the error page with "invalid_request" and "Invalid, expired, or already used request_uri"

  @mock-only @serial
  Scenario: A request_uri expires after 60 seconds
    Given the app pushes the authorization request
    When 61 seconds pass
    And the app sends the user to sign in with the request_uri
    Then the browser is sent to the error page with "invalid_request" and "Invalid, expired, or already used request_uri"

  Scenario: Another client cannot use the request_uri, and its attempt burns it
    Given the app pushes the authorization request
    When "sample-web" sends the user to sign in with the request_uri
    Then the browser is sent to the error page with "invalid_request" and "Invalid, expired, or already used request_uri"
    When the app sends the user to sign in with the request_uri
    Then the browser is sent to the error page with "invalid_request" and "Invalid, expired, or already used request_uri"

  Scenario: Any request_uri the server did not hand out is refused
    When the app sends the user to sign in with:
      | request_uri | urn:ietf:params:oauth:request_uri:made-up |
    Then the browser is sent to the error page with "invalid_request" and "Invalid, expired, or already used request_uri"

  Scenario: A pushed request may not carry a request_uri
    When the app pushes the authorization request with:
      | request_uri | urn:ietf:params:oauth:request_uri:x |
    Then the response status is 400
    And the OAuth error is "invalid_request" with the description "request_uri parameter must not be included in a pushed authorization request"

  Scenario: A pushed request is validated as the authorization endpoint validates it, as JSON
    When the app pushes the authorization request with:
      | redirect_uri | https://evil.example/callback |
    Then the response status is 400
    And the OAuth error is "invalid_request" with the description "Invalid redirect URI"
    When the app pushes the authorization request with:
      | code_challenge_method | plain |
    Then the response status is 400
    And the OAuth error is "invalid_request" with the description "Invalid code_challenge or code_challenge_method parameter"

  Scenario: A pushed parameter may not repeat
    When the client sends POST "/oauth2/par" with the form "client_id=sample-spa&response_type=code&scope=openid&scope=profile"
    Then the response status is 400
    And the response body is the JSON:
      """
      {"error": "invalid_request", "error_description": "Parameter \"scope\" must not be repeated"}
      """

  Scenario: A confidential client must authenticate to push
    Given the application "sample-web"
    When a client authenticating as "sample-web" with the secret "wrong" calls the PAR endpoint
    Then the response status is 401
    And the OAuth error is "invalid_client" with the description "Invalid client credentials"

  @custom-fixtures
  Scenario: A client that must push cannot send the browser directly
    Given the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b7", "name": "par-only", "type": "browser",
       "oauth": {"clientId": "par-only", "publicClient": true, "pkceRequired": true,
                 "tokenEndpointAuthMethod": "none", "grantTypes": ["authorization_code"],
                 "redirectUris": ["http://localhost:3000/callback"],
                 "requirePushedAuthorizationRequests": true}}
      """
    And the application "par-only"
    When the app sends the user to sign in
    Then the browser is sent to the error page with "invalid_request" and "Pushed authorization request is required for this client"
    When the app pushes the authorization request
    And the app sends the user to sign in with the request_uri
    Then the browser is sent to the sign-in page
