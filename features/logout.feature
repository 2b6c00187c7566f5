Feature: RP-initiated logout
  A browser app signs the user out by sending the browser to the end-session endpoint
  (/oauth2/logout) with the ID token as a hint (or its client_id), a post-logout redirect URI and
  a state. The server runs the app's sign-out flow on its sign-out page, then sends the browser back
  to the app with the state. Refusals are 400 text/plain.

  Background:
    Given the application "sample-spa"
    And the user "thor" has signed in

  Scenario: Logout with the ID token as hint returns the user to the app with the state
    When the app sends the user to sign out with:
      | id_token_hint            | ${id_token}            |
      | post_logout_redirect_uri | http://localhost:3000/ |
      | state                    | sign_out_success       |
    Then the browser is sent to the sign-out page
    When the sign-out page runs the flow
    Then the flow completes without an assertion
    When the sign-out page finishes the logout
    Then the response status is 200
    And the browser is sent to "http://localhost:3000/?state=sign_out_success"

  Scenario: Logout with only the client_id works too
    When the app sends the user to sign out with:
      | client_id                | sample-spa             |
      | post_logout_redirect_uri | http://localhost:3000/ |
    Then the browser is sent to the sign-out page
    When the sign-out page runs the flow
    Then the flow completes without an assertion
    When the sign-out page finishes the logout
    Then the browser is sent to "http://localhost:3000/"

  @mock-only @serial
  Scenario: An expired ID token is still a valid hint
    When 7200 seconds pass
    And the app sends the user to sign out with:
      | id_token_hint            | ${id_token}            |
      | post_logout_redirect_uri | http://localhost:3000/ |
    Then the browser is sent to the sign-out page

  Scenario: A logout id can be used once
    When the app sends the user to sign out with:
      | id_token_hint            | ${id_token}            |
      | post_logout_redirect_uri | http://localhost:3000/ |
      | state                    | s1                     |
    And the sign-out page runs the flow
    And the sign-out page finishes the logout
    And the sign-out page finishes the logout
    Then the response status is 200
    And the browser is sent to ""

  Scenario: Without a post-logout redirect URI there is nowhere to go back to
    When the app sends the user to sign out with:
      | id_token_hint | ${id_token} |
    And the sign-out page runs the flow
    And the sign-out page finishes the logout
    Then the browser is sent to ""

  Scenario: An unknown logout id has nowhere to go either
    When the sign-out page finishes the logout "01900000-0000-7000-8000-00000000dead"
    Then the response status is 200
    And the browser is sent to ""

  Scenario: Logout needs a hint or a client_id
    When the app sends the user to sign out with:
      | post_logout_redirect_uri | http://localhost:3000/ |
    Then the sign-out is refused with "id_token_hint or client_id is required"

  Scenario: A post-logout redirect URI must be registered
    When the app sends the user to sign out with:
      | id_token_hint            | ${id_token}                |
      | post_logout_redirect_uri | https://evil.example/bye |
    Then the sign-out is refused with "invalid post_logout_redirect_uri"

  @server-main
  Scenario: A hint that is not the server's ID token is refused
    When the app sends the user to sign out with:
      | id_token_hint | ${access_token} |
    Then the sign-out is refused with "invalid id_token_hint"

  Scenario: The client_id must match the hint
    When the app sends the user to sign out with:
      | id_token_hint | ${id_token} |
      | client_id     | sample-web  |
    Then the sign-out is refused with "client_id does not match id_token_hint"

  Scenario: An unknown client is refused
    When the app sends the user to sign out with:
      | client_id | no-such-client |
    Then the sign-out is refused with "invalid client"
