Feature: Password recovery
  An app with recovery enabled ("sample-native") runs the RECOVERY flow: the user names their
  account, the server e-mails a link, the link brings the user back to set a new password. The
  flow never reveals whether the account exists, and completes without an assertion. The mock
  delivers e-mail into its outbox (GET /__mock/outbox).

  Background:
    Given the application "sample-native"
    And the app starts a "RECOVERY" flow

  Scenario: Recovery starts by asking for the username
    Then the flow shows a "VIEW" step
    And the flow asks for "username"
    And the flow offers the actions "action_submit_username, action_signin"

  Scenario: Naming the account shows the "check your e-mail" screen
    When the user submits:
      | username | thor |
    Then the flow shows a "VIEW" step
    And the flow data has "message" set to "Check Your Email"
    And the flow asks for ""
    And the flow offers no actions

  Scenario: An unknown account is asked for again with FET-1001
    # The server's IdentifyingExecutor promotes "user not found" to a re-prompt (identify mode
    # without loginHintAttribute), so the node's onFailure screen is not reached.
    When the user submits:
      | username | nobody |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1001"
    And the flow asks for "username"

  @mock-only @serial
  Scenario: The e-mailed link leads to the new-password form
    When the user submits:
      | username | thor |
    And the user follows the recovery link sent to "thor@asgard.example"
    Then the flow shows a "VIEW" step
    And the flow asks for "password"
    And the flow offers the actions "action_submit_password"

  @mock-only @serial @stateful
  Scenario: Setting a new password completes the recovery and changes the password
    When the user submits:
      | username | thor |
    And the user follows the recovery link sent to "thor@asgard.example"
    And the user submits:
      | password | Mjolnir@2026 |
    Then the flow completes without an assertion
    And the flow data has "message" set to "Password Reset Successful"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the username "thor" and the password "Thor@12345"
    Then the flow status is "INCOMPLETE" and the error code is "FET-1005"
    When the user submits the username "thor" and the password "Mjolnir@2026"
    Then the flow completes with an assertion for "thor"

  @mock-only @serial
  Scenario: An empty new password is refused (FET-1047)
    When the user submits:
      | username | thor |
    And the user follows the recovery link sent to "thor@asgard.example"
    And the user submits:
      | password |  |
    Then the flow status is "ERROR" and the error code is "FET-1047"

  Scenario: A forged recovery token is refused (FET-1073)
    When the user submits:
      | username | thor |
    And the user submits without choosing an action:
      | inviteToken | 01900000-0000-7000-8000-00000000beef |
    Then the flow status is "ERROR" and the error code is "FET-1073"

  @mock-only @serial
  Scenario: A recovery link stops working after 30 minutes (FES-1004)
    When the user submits:
      | username | thor |
    And 1801 seconds pass
    And the user follows the recovery link sent to "thor@asgard.example"
    Then the flow is refused with 400 and the error code "FES-1004"

  Scenario: Recovery is refused when the app has it disabled (FES-1009)
    Given the application "sample-spa"
    When the app starts a "RECOVERY" flow
    Then the flow is refused with 400 and the error code "FES-1009"

  @mock-only @serial
  Scenario: An account deleted while the new-password form was open cannot take the password (FET-1048)
    Given the administrator "admin" is signed in
    When the user submits:
      | username | thor |
    And the user follows the recovery link sent to "thor@asgard.example"
    And the administrator deletes the user "thor" through the users API
    And the user submits:
      | password | Thor@67890 |
    Then the flow status is "ERROR" and the error code is "FET-1048"
