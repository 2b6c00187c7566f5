Feature: The release line: main and v1.0.x
  The mock follows the server's main branch; started with --server-version 1.0 it behaves as the
  v1.0.x release line (tag v1.0.0), which the SDKs' own end-to-end suites run. Where the two
  differ, a scenario for each line says how (README, "The server version switch").

  Background:
    Given the application "sample-spa"

  @server-main
  Scenario: main forwards ui_locales to the sign-in page
    When the app sends the user to sign in with:
      | ui_locales | de |
    Then the browser is sent to the sign-in page
    And the sign-in page URL carries "ui_locales" "de"

  @server-1.0
  Scenario: v1.0 does not read ui_locales
    When the app sends the user to sign in with:
      | ui_locales | de |
    Then the browser is sent to the sign-in page
    And the sign-in page URL has no "ui_locales"

  @server-main
  Scenario: main reports an ID token inactive at introspection
    Given the user "thor" has signed in
    When "sample-web" introspects the ID token
    Then the token is not active

  @server-1.0
  Scenario: v1.0 reports any live token of its own active, an ID token too
    Given the user "thor" has signed in
    When "sample-web" introspects the ID token
    Then the token is active

  @server-main
  Scenario: main refuses an access token as id_token_hint
    Given the user "thor" has signed in
    When the client sends GET "/oauth2/logout?id_token_hint=${access_token}"
    Then the response status is 400

  @server-1.0
  Scenario: v1.0 takes an access token as id_token_hint
    Given the user "thor" has signed in
    When the client sends GET "/oauth2/logout?id_token_hint=${access_token}"
    Then the response status is 302
    And the response header "location" starts with "${base_url}/gate/signout"

  @server-main @stateful
  Scenario: main keeps flow inputs as sent
    Given the application "sample-native"
    When the app starts a "REGISTRATION" flow
    And the user submits the username "o'brien" and the password "Brien@12345&"
    And the user submits:
      | email | ob@asgard.example |
    Then the flow completes without an assertion
    When the app starts an "AUTHENTICATION" flow
    And the user submits the username "o'brien" and the password "Brien@12345&"
    Then the flow status is "COMPLETE"
    And the assertion carries the claims:
      | username | o'brien |

  @server-1.0 @stateful
  Scenario: v1.0 HTML-escapes flow inputs, so the stored username is escaped
    Given the application "sample-native"
    When the app starts a "REGISTRATION" flow
    And the user submits the username "o'brien" and the password "Brien@12345&"
    And the user submits:
      | email | ob@asgard.example |
    Then the flow completes without an assertion
    When the app starts an "AUTHENTICATION" flow
    And the user submits the username "o'brien" and the password "Brien@12345&"
    Then the flow status is "COMPLETE"
    And the assertion carries the claims:
      | username | o&#39;brien |

  @server-main
  Scenario: main lists the algorithms a client assertion may be signed with
    When the client sends GET "/.well-known/openid-configuration"
    Then the document lists "RS256, ES256, EdDSA" among "token_endpoint_auth_signing_alg_values_supported"

  @server-1.0
  Scenario: v1.0 does not list the client assertion algorithms
    When the client sends GET "/.well-known/openid-configuration"
    Then the document has no "token_endpoint_auth_signing_alg_values_supported"
