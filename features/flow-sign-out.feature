Feature: Sign-out flow
  Apps that start flows directly (embedded apps with a flow secret) sign users out with the
  SIGNOUT flow: it ends the SSO session, clears its cookie and completes without an assertion.
  Browser apps must use the end-session endpoint instead (see "RP-initiated logout").

  Scenario: An embedded app signs out in one call
    Given the application "sample-native"
    When the app starts a "SIGNOUT" flow
    Then the flow completes without an assertion
    And the flow has no error

  Scenario: Signing out clears the SSO cookie
    Given the application "sample-native"
    When the app starts a "SIGNOUT" flow
    Then the response clears the SSO cookie

  Scenario: Signing out twice is harmless
    Given the application "sample-native"
    When the app starts a "SIGNOUT" flow
    And the app starts a "SIGNOUT" flow
    Then the flow completes without an assertion

  Scenario: A sign-out needs the flow secret (FES-1011)
    Given the application "sample-native"
    When the app starts a "SIGNOUT" flow without a flow secret
    Then the flow is refused with 401 and the error code "FES-1011"

  Scenario: A browser app may not start a sign-out flow (FES-1010)
    Given the application "sample-spa"
    When the app starts a "SIGNOUT" flow
    Then the flow is refused with 403 and the error code "FES-1010"
