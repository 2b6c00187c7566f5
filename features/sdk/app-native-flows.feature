@sdk
Feature: SDK app-native flows
  The SDK drives POST /flow/execute and shows what the server asks for: the flow status, the
  step type, the inputs, the error code. Challenge tokens must be threaded from each answer to
  the next request.

  @must
  Scenario: The first step is a VIEW asking for username and password
    Source: server rule: /flow/execute answers INCOMPLETE with a VIEW step (flow execution API)
    Given the SDK is configured for "sample-native"
    When the SDK starts an "AUTHENTICATION" flow
    Then the SDK shows a "VIEW" step asking for "username, password"

  @must
  Scenario: Credentials complete the flow, with every challenge token threaded
    Source: server rule: each continuation carries the challengeToken of the last answer (ICS-1002 otherwise)
    Given the SDK is configured for "sample-native"
    When the SDK starts an "AUTHENTICATION" flow
    And the user enters the credentials of "thor" in the SDK
    Then the SDK's flow completes with an assertion for "thor"
    And every flow step the SDK sent carried the challenge token of the step before, none twice

  @must
  Scenario: A wrong password is shown again with the server's code
    Source: server rule: FET-1005 re-prompts in band (INCOMPLETE)
    Given the SDK is configured for "sample-native"
    When the SDK starts an "AUTHENTICATION" flow
    And the user enters "thor" with the password "not-the-password" in the SDK
    Then the SDK shows the flow status "INCOMPLETE" with the error code "FET-1005"
    When the user enters the credentials of "thor" in the SDK
    Then the SDK's flow completes with an assertion for "thor"

  @must @serial
  Scenario: An expired execution surfaces the server's FES-1004
    Source: server rule: an unknown or expired executionId is 400 FES-1004
    Given the SDK is configured for "sample-native"
    When the SDK starts an "AUTHENTICATION" flow
    And 3601 seconds pass
    And the user enters the credentials of "thor" in the SDK
    Then the SDK fails with "server" "FES-1004"

  @should
  Scenario: A 503 mid-flow surfaces with its status, and the flow goes on
    Source: RFC 9110 §15.6.4 (503 is temporary); server rule: a failed request leaves the execution as it was
    Given the SDK is configured for "sample-native"
    When the SDK starts an "AUTHENTICATION" flow
    Given the mock answers 503 to the next 1 call of "/flow/execute"
    When the user enters the credentials of "thor" in the SDK
    Then the SDK fails with "server" and the status 503
    When the user enters the credentials of "thor" in the SDK
    Then the SDK's flow completes with an assertion for "thor"

  @should
  Scenario: A dropped connection mid-flow is a transport error
    Source: project rule: a dropped connection is surfaced, never a crash
    Given the SDK is configured for "sample-native"
    When the SDK starts an "AUTHENTICATION" flow
    Given the mock drops the next 1 connection to "/flow/execute"
    When the user enters the credentials of "thor" in the SDK
    Then the SDK fails with "transport"

  @must
  Scenario: Sign-in through the authorization endpoint relays the assertion with the authId
    Source: server rule: POST /oauth2/auth/callback {authId, assertion} turns a completed flow into a code
    Given the SDK is configured for "sample-spa"
    When the SDK starts sign-in through the authorization endpoint
    Then the SDK shows a "VIEW" step asking for "username, password"
    When the user enters the credentials of "thor" in the SDK
    Then the SDK's flow completes and the SDK is signed in
    And the SDK relayed the flow's assertion to the authorization callback with its authId
    And the SDK is signed in as "thor"

  @must
  Scenario: A REDIRECTION step is shown, and the flow resumes with the identity provider's answer
    Source: server rule: a REDIRECTION step carries redirectURL; the code and state go back to the flow
    Given the SDK is configured for "sample-social"
    When the SDK starts sign-in through the authorization endpoint
    And the user chooses "action_google" in the SDK
    Then the SDK shows a "REDIRECTION" step asking for "code"
    When the user signs in at the identity provider as "thor@asgard.example" and comes back to the SDK
    Then the SDK's flow completes and the SDK is signed in
    And the SDK is signed in as "thor"

  @must
  Scenario: An ERROR status is shown with the server's code
    Source: server rule: a state the identity provider did not send back ends the flow in band (ERROR, FET-1012)
    Given the SDK is configured for "sample-social"
    When the SDK starts sign-in through the authorization endpoint
    And the user chooses "action_google" in the SDK
    And the user signs in at the identity provider as "thor" and comes back to the SDK with the state "forged-state"
    Then the SDK shows the flow status "ERROR" with the error code "FET-1012"
    And the SDK is signed out
