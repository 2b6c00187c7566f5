Feature: Single sign-on: a second sign-in skips the credentials
  A login flow with an SSO check and a session step keeps a server-side session after the first
  sign-in and hands the browser its handle in the tid_sso_* cookie (named after the login flow).
  The next sign-in with that cookie, from any app on the same flow, completes without asking for
  credentials; sign-out ends the session and clears the cookie.

  Scenario: The first sign-in asks for credentials, reporting no live session (FET-1081), then sets the cookie
    Given the application "sample-sso-native"
    When the app starts an "AUTHENTICATION" flow
    Then the flow status is "INCOMPLETE" and the error code is "FET-1081"
    And the flow asks for "username,password"
    When the user submits the credentials of "thor"
    Then the flow completes with an assertion for "thor"
    And the browser holds the SSO cookie "tid_sso_8aa96c48e4b43307"
    And the response sets the cookie "tid_sso_8aa96c48e4b43307" with "Path=/; Max-Age=28800; HttpOnly; SameSite=Lax"

  Scenario: A second sign-in with the cookie completes at once, without credentials or assurance
    Given the application "sample-sso-native"
    And the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    When the app starts an "AUTHENTICATION" flow
    Then the flow completes with an assertion for "thor"
    And the assertion has no claim "assurance"

  Scenario: A browser without the cookie signs in with credentials again
    Given the application "sample-sso-native"
    And the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    When the browser forgets its cookies
    And the app starts an "AUTHENTICATION" flow
    Then the flow status is "INCOMPLETE" and the error code is "FET-1081"

  @mock-only
  Scenario: A session left idle for 30 minutes is gone
    Given the application "sample-sso-native"
    And the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    When 1800 seconds pass
    And the app starts an "AUTHENTICATION" flow
    Then the flow status is "INCOMPLETE" and the error code is "FET-1081"

  Scenario: Signing out ends the session and clears the cookie
    Given the application "sample-sso-native"
    And the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    When the app starts a "SIGNOUT" flow
    Then the flow status is "COMPLETE"
    And the browser holds no SSO cookie
    When the app starts an "AUTHENTICATION" flow
    Then the flow status is "INCOMPLETE" and the error code is "FET-1081"
