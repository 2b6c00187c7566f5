Feature: V1 app-native sign-in (response_mode=direct)
  SDKs released before the V2 flow API sign in app-natively with POST /oauth2/authorize and
  response_mode=direct, then POST /oauth2/authn per step. The mock serves that protocol from the
  same flows; SUCCESS_COMPLETED hands back an authorization code for the usual token exchange.

  Background:
    Given the application "sample-spa"
    And the app starts a V1 app-native sign-in

  Scenario: The first step offers the username and password authenticator
    Then the V1 flow status is "INCOMPLETE"
    And the V1 step offers the authenticator "Username & Password"

  Scenario: The right credentials complete the flow with a code for the token endpoint
    When the user signs in with the V1 username and password authenticator as "thor"
    Then the V1 flow status is "SUCCESS_COMPLETED"
    And the V1 flow hands back an authorization code and the app's state
    When the app exchanges the code for tokens
    Then the app receives tokens
    And the access token is a valid access token for "thor"

  Scenario: A wrong password fails the step but the flow goes on
    When the user sends the V1 password "wrong" for "thor"
    Then the V1 flow status is "FAIL_INCOMPLETE"
    When the user signs in with the V1 username and password authenticator as "thor"
    Then the V1 flow status is "SUCCESS_COMPLETED"

  Scenario: An authenticator the step does not offer is refused (FLC-1002)
    When the user picks the V1 authenticator "dG90cDpMT0NBTA"
    Then the response status is 400
    And the error code is "FLC-1002"

  Scenario: An unknown flow id is refused (FES-1004)
    When the app continues the V1 flow "01900000-0000-7000-8000-00000000dead"
    Then the response status is 400
    And the error code is "FES-1004"

  Scenario: A body that is not JSON is refused (FES-1001)
    When the client sends POST "/oauth2/authn" with the JSON body:
      """
      flowId=1
      """
    Then the response status is 400
    And the error code is "FES-1001"
