Feature: Server configuration (/server-config)
  Sections of server configuration, each a read-only layer (the server's files), a writable layer
  (set over this API or by /import) and their merged value. A new value takes effect at once.
  Every call needs system.

  Background:
    Given the caller is an administrator

  Scenario: The sections
    When the caller sends GET "/server-config"
    Then the response status is 200
    And the response body is the JSON:
      """
      ["cors", "defaultResourceServer", "session", "flow", "csp"]
      """

  Scenario: The default flows a bootstrapped server uses
    When the caller sends GET "/server-config/flow"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"merged": {"authFlow": {"defaultHandle": "default-flow", "expirySeconds": 3600},
                  "signOutFlow": {"defaultHandle": "default-flow", "expirySeconds": 1800},
                  "userDeletionFlow": {"defaultHandle": "default-user-deletion-flow"}}}
      """

  @stateful
  Scenario: A new CORS origin is allowed at once
    When the caller sends PUT "/server-config/cors" with the JSON body:
      """
      {"allowedOrigins": ["https://shop.example", {"regex": "^https://.*\\.preview\\.example$"}]}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"readOnly": {"allowedOrigins": ["http://localhost:3000"]},
       "writable": {"allowedOrigins": ["https://shop.example", {"regex": "^https://.*\\.preview\\.example$"}]},
       "merged": {"allowedOrigins": ["http://localhost:3000", "https://shop.example", {"regex": "^https://.*\\.preview\\.example$"}]}}
      """
    When the browser at "https://pr-7.preview.example" sends GET "/.well-known/openid-configuration"
    Then the browser may read the response as "https://pr-7.preview.example"
    When the browser at "https://shop.example" sends GET "/.well-known/openid-configuration"
    Then the browser may read the response as "https://shop.example"

  @stateful
  Scenario: A default resource server binds permission scopes without a resource
    When the caller sends PUT "/server-config/defaultResourceServer" with the JSON body:
      """
      {"resourceServerId": "01900000-0000-7000-8000-000000000021"}
      """
    Then the response status is 200
    When "sample-m2m" asks for a token with the client credentials grant and the scope "booking:read"
    Then the app receives tokens
    And the access token carries the claims:
      | aud   | https://api.booking.example |
      | scope | booking:read                |

  Scenario Outline: Bad sections and values are refused
    When the caller sends PUT "<path>" with the JSON body:
      """
      <body>
      """
    Then the response status is 400
    And the error code is "<code>"

    Examples:
      | path                                 | body                                         | code     |
      | /server-config/theme                 | {}                                           | SCF-1001 |
      | /server-config/cors                  | {"allowedOrigins": ["not an origin"]}        | SCF-1003 |
      | /server-config/flow                  | {"authFlow": {"defaultHandle": "missing"}}   | SCF-1003 |
      | /server-config/defaultResourceServer | {"resourceServerId": "nope"}                 | SCF-1003 |
      | /server-config/cors                  | not json                                     | SCF-1004 |
