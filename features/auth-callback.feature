Feature: Authorization callback
  When the flow completes, the sign-in page hands the assertion (or the error assertion) to
  POST /oauth2/auth/callback with the authId and sends the browser where the answer says: to the
  app with a code, to the app with an error, or to the server's error page. Only malformed
  requests are HTTP errors; every other outcome is 200 with a redirect_uri.

  Background:
    Given the application "sample-spa"
    And the user opens the sign-in page
    And the user submits the credentials of "thor"

  Scenario: An authId can be redeemed once
    When the sign-in page hands the assertion to the server
    And the sign-in page hands the assertion to the server
    Then the callback sends the browser to the error page with "invalid_request" and "Invalid authorization request"

  Scenario: A tampered assertion is refused
    When the sign-in page hands the server a tampered assertion
    Then the callback sends the browser to the error page with "invalid_request" and "Authorization request failed"

  Scenario: An assertion from another flow does not match the request
    When the sign-in page hands the server an app-native assertion for "thor"
    Then the app receives the error "access_denied" with the description "Assertion does not match the authorization request"

  Scenario: The authId is required
    When the client sends POST "/oauth2/auth/callback" with the JSON body:
      """
      {"assertion": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}
      """
    Then the response status is 400
    And the OAuth error is "invalid_request" with the description "authId is required"

  Scenario: The assertion is required
    When the client sends POST "/oauth2/auth/callback" with the JSON body:
      """
      {"authId": "01900000-0000-7000-8000-00000000beef"}
      """
    Then the response status is 400
    And the OAuth error is "invalid_request" with the description "assertion is required"

  Scenario: A body that is not JSON is refused
    When the client sends POST "/oauth2/auth/callback" with the JSON body:
      """
      authId=1
      """
    Then the response status is 400
    And the OAuth error is "invalid_request" with the description "Invalid request body"
