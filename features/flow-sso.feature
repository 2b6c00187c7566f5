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

  Scenario: prompt=login does not force a new sign-in: the server reuses the SSO session
    Given the application "sample-portal"
    And the user opens the sign-in page
    And the user submits the credentials of "thor"
    When the user opens the sign-in page with:
      | prompt | login |
    Then the flow completes with an assertion for "thor"

  Scenario: prompt=none is login_required even with a live SSO session
    Given the application "sample-portal"
    And the user opens the sign-in page
    And the user submits the credentials of "thor"
    When the app sends the user to sign in with:
      | prompt | none |
    Then the browser is sent back to the app with "login_required" and "User authentication is required"

  @mock-only
  Scenario: max_age older than the session's sign-in ends with access_denied (FET-1082)
    Given the application "sample-portal"
    And the user opens the sign-in page
    And the user submits the credentials of "thor"
    When 120 seconds pass
    And the user opens the sign-in page with:
      | max_age | 60 |
    Then the flow status is "ERROR" and the error code is "FET-1082"
    When the sign-in page hands the error assertion to the server
    Then the app receives the error "access_denied" with the description "The accumulated authentication assurance does not satisfy the requested acr_values or max_age"
