Feature: Federated sign-in
  "sample-social" offers username and password or "Google". Choosing Google is a REDIRECTION step:
  the app sends the browser to data.redirectURL and, when the identity provider returns, hands its
  code and state back to the flow. The mock plays Google at /__mock/idp/google/authorize, which
  signs the user named by login_hint in without asking.

  Background:
    Given the application "sample-social"
    And the user opens the sign-in page

  Scenario: The first step offers both ways to sign in
    Then the flow shows a "VIEW" step
    And the flow asks for "username, password"
    And the flow offers the actions "action_001, action_google"

  Scenario: Choosing Google is a REDIRECTION step to the identity provider
    When the user chooses "action_google"
    Then the flow shows a "REDIRECTION" step
    And the flow asks for "code"
    And the flow data has "idpName" set to "Google"
    And the response carries a fresh challenge token

  @mock-only
  Scenario: Coming back from Google completes the sign-in as the matching local user
    When the user chooses "action_google"
    And the user signs in at the identity provider as "thor@asgard.example"
    And the app hands the identity provider's answer to the flow
    Then the flow completes with an assertion for "thor"
    And the assertion records the authenticators "GoogleOIDCAuthenticator"
    When the sign-in page hands the assertion to the server
    Then the app receives an authorization code

  @mock-only
  Scenario: A state that differs from the one sent is refused (FET-1012)
    When the user chooses "action_google"
    And the user signs in at the identity provider as "thor"
    And the app hands the identity provider's answer to the flow with the state "forged-state"
    Then the flow status is "ERROR" and the error code is "FET-1012"
    And the response carries an error assertion of type "end_user_error"

  @mock-only
  Scenario: A code the identity provider never issued is refused (FET-1013)
    When the user chooses "action_google"
    And the user signs in at the identity provider as "thor"
    And the app hands the flow the identity provider code "not-a-real-code"
    Then the flow status is "ERROR" and the error code is "FET-1013"

  @mock-only
  Scenario: A Google account with no local user is refused (FET-1014)
    When the user chooses "action_google"
    And the user signs in at the identity provider as "stranger@elsewhere.example"
    And the app hands the identity provider's answer to the flow
    Then the flow status is "ERROR" and the error code is "FET-1014"

  Scenario: The password remains an option on the same page
    When the user submits the credentials of "loki"
    Then the flow completes with an assertion for "loki"
    And the assertion records the authenticators "CredentialsAuthenticator"
