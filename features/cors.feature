Feature: CORS
  Browser apps on an allowed origin (the bundled server allows http://localhost:3000) may read the
  server's answers: the origin is echoed with credentials and Vary: Origin. Preflights allow only
  Content-Type and Authorization. The authorization endpoint has no CORS at all.

  Scenario: An allowed origin may call the flow API
    When the browser at "http://localhost:3000" asks before sending POST "/flow/execute"
    Then the browser may read the response as "http://localhost:3000"
    And the response header "access-control-allow-credentials" is "true"
    And the response header "access-control-max-age" is "600"
    And the response header "access-control-allow-headers" is "Content-Type, Authorization"

  Scenario: An allowed origin may read the discovery document
    When the browser at "http://localhost:3000" sends GET "/.well-known/openid-configuration"
    Then the response status is 200
    And the browser may read the response as "http://localhost:3000"

  Scenario: An origin that is not allowed gets no CORS headers
    When the browser at "https://evil.example" sends GET "/.well-known/openid-configuration"
    Then the response status is 200
    And the browser may not read the response

  Scenario: A preflight from an origin that is not allowed gets no CORS headers
    When the browser at "https://evil.example" asks before sending POST "/oauth2/token"
    Then the browser may not read the response

  Scenario: The authorization endpoint has no CORS
    When the browser at "http://localhost:3000" sends GET "/oauth2/authorize?client_id=sample-spa"
    Then the browser may not read the response

  Scenario: The token endpoint answers the allowed origin's POST
    When the browser at "http://localhost:3000" sends POST "/oauth2/token"
    Then the browser may read the response as "http://localhost:3000"
    And the response header "access-control-allow-credentials" is "true"

  Scenario: The token endpoint routes only POST, so a preflight gets no CORS answer
    # The server registers "POST /oauth2/token" only; a form POST without an Authorization header
    # is a simple request and needs no preflight.
    When the browser at "http://localhost:3000" asks before sending POST "/oauth2/token"
    Then the response status is 405
    And the browser may not read the response
