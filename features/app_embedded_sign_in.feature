@app
Feature: App embedded sign-in
  A web app signs users in with its own form (seed 001): its page posts JSON to the app's
  POST /flow/sign-in, which advances the server's flow and answers the components to render; when
  the flow completes the page navigates to the returned /login?code=…&state=…, where the app
  exchanges the code and sets its session cookie; GET /logout signs out through the server's
  end-session endpoint. These scenarios talk HTTP to the app, not to the server: by default to the
  bundled example app (examples/axum-embedded), or to any app with `--app URL`.

  Background:
    Given the web app is running

  Scenario: Starting the embedded sign-in answers the form with the ids to send back
    When the browser starts the embedded sign-in
    Then the response status is 200
    And the web app shows the sign-in form

  Scenario: A wrong password is passed through to the page with FET-1005
    When the browser starts the embedded sign-in
    And the browser submits the username "thor" and the password "not-his-password" to the web app
    Then the web app passes the flow error "FET-1005" through with a fresh challenge token

  Scenario: The user can retry with the fresh challenge token after a wrong password
    When the browser starts the embedded sign-in
    And the browser submits the username "thor" and the password "not-his-password" to the web app
    And the browser signs in to the web app as "thor"
    Then the web app answers done with a redirect to its login path

  @custom-fixtures
  Scenario: Field errors of a validation rule are passed through to the page
    Given the server's sign-in flow requires usernames of at least 3 characters
    When the browser starts the embedded sign-in
    And the browser submits the username "th" and the password "Thor@12345" to the web app
    Then the response status is 200
    And the web app reports a field error for "username"

  Scenario: The right password completes with a redirect to the app's login path
    When the browser starts the embedded sign-in
    And the browser signs in to the web app as "thor"
    Then the web app answers done with a redirect to its login path

  Scenario: The login path exchanges the code and sets the session cookie
    When the browser starts the embedded sign-in
    And the browser signs in to the web app as "thor"
    And the browser navigates to the redirect
    Then the web app sets an HttpOnly SameSite=Lax session cookie
    When the browser opens "/account" on the web app
    Then the response status is 200

  Scenario: A protected page refuses a browser that is not signed in
    When the browser opens "/account" on the web app
    Then the web app answers 401 with a JSON error

  Scenario: Signing out clears the session and returns through the server's end-session endpoint
    When the browser starts the embedded sign-in
    And the browser signs in to the web app as "thor"
    And the browser navigates to the redirect
    And the browser signs out of the web app
    Then the web app clears the session cookie and sends the browser to the server's end-session endpoint
    When the browser opens "/account" on the web app
    Then the response status is 401
    When the server's sign-out page sends the browser back to the web app
    Then the browser lands on the web app
