@custom-fixtures
Feature: Passkeys
  PasskeyAuthExecutor signs users in with WebAuthn and registers their passkeys. The bundled
  passkey-flow asks who is signing in, challenges their passkeys (the request options arrive as
  the JSON string additionalData.passkeyChallenge, next to the credentialId, clientDataJSON,
  authenticatorData, signature and userHandle inputs), and, for a user with none, answers
  FET-1019, asks for the password and registers one (the creation options arrive as
  additionalData.passkeyCreationOptions). The mock verifies what the browser posts: the challenge,
  the origin, the relying party's hash, user presence and verification, the signature with the
  stored key and the attestation. A forged, replayed or foreign response is FET-1015 and the step is
  asked again; a registration that does not verify is FET-1018. The browser here is the mock's
  software authenticator on the control plane.

  Background:
    Given the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000bc", "name": "passkey-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "passkey-flow", "registrationFlow": "passkey-flow",
       "isRegistrationFlowEnabled": true}
      """
    And the application "passkey-app"

  @mock-only
  Scenario: A passkey registered in one sign-in signs the user in the next (FET-1019 first)
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_passkey"
    And the user submits:
      | username | thor |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1019"
    When the user submits:
      | password | Thor@12345 |
    Then the step offers passkey creation options for the relying party "localhost" and the user "thor"
    When the browser creates a passkey with the step's creation options
    Then the flow completes with an assertion for "thor"
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_passkey"
    And the user submits:
      | username | thor |
    Then the step carries a passkey challenge for the relying party "localhost" allowing 1 credential
    When the browser signs the step's passkey challenge
    Then the flow completes with an assertion for "thor"

  @mock-only
  Scenario Outline: A passkey attested with a certificate (<format>) registers and signs in; a forged statement is FET-1018
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_passkey"
    And the user submits:
      | username | thor |
    And the user submits:
      | password | Thor@12345 |
    And the browser creates a passkey with "<format>" attestation and a forged statement
    Then the flow status is "INCOMPLETE" and the error code is "FET-1018"
    When the browser creates a passkey with "<format>" attestation
    Then the flow completes with an assertion for "thor"
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_passkey"
    And the user submits:
      | username | thor |
    And the browser signs the step's passkey challenge
    Then the flow completes with an assertion for "thor"

    Examples:
      | format     |
      | packed-x5c |
      | fido-u2f   |

  @mock-only
  Scenario: Forged, foreign and replayed assertions are refused and the step is asked again (FET-1015)
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_passkey"
    And the user submits:
      | username | thor |
    And the user submits:
      | password | Thor@12345 |
    And the browser creates a passkey with the step's creation options
    And the app starts an "AUTHENTICATION" flow
    And the user chooses "action_passkey"
    And the user submits:
      | username | thor |
    And the browser signs the step's passkey challenge with a forged signature
    Then the flow status is "INCOMPLETE" and the error code is "FET-1015"
    And the flow asks for "credentialId, clientDataJSON, authenticatorData, signature, userHandle"
    When the browser signs the step's passkey challenge on the origin "https://evil.example"
    Then the flow status is "INCOMPLETE" and the error code is "FET-1015"
    When the browser signs the step's passkey challenge for the relying party "evil.example"
    Then the flow status is "INCOMPLETE" and the error code is "FET-1015"
    When the browser signs the step's passkey challenge
    Then the flow completes with an assertion for "thor"

  @mock-only
  Scenario: A registration from another origin is refused (FET-1018)
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_passkey"
    And the user submits:
      | username | thor |
    And the user submits:
      | password | Thor@12345 |
    And the browser creates a passkey with the step's creation options on the origin "https://evil.example"
    Then the flow status is "INCOMPLETE" and the error code is "FET-1018"
    And the flow asks for "credentialId, clientDataJSON, attestationObject"
    When the browser creates a passkey with the step's creation options
    Then the flow completes with an assertion for "thor"

  @mock-only
  Scenario: Sign-up registers a passkey that requires user verification
    When the app starts a "REGISTRATION" flow
    And the user submits:
      | userType | Person |
    And the user submits:
      | username | sif                |
      | email    | sif@asgard.example |
    Then the step offers passkey creation options for the relying party "localhost" and the user "sif"
    When the browser creates a passkey without verifying the user
    Then the flow status is "INCOMPLETE" and the error code is "FET-1018"
    When the browser creates a passkey with the step's creation options
    Then the flow completes without an assertion

  @mock-only
  Scenario: Registering a passkey needs a user (FET-1017)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000d7", "handle": "lab-passkey-nobody", "name": "Passkey without a user",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "register_start"},
         {"id": "register_start", "type": "TASK_EXECUTION", "properties": {"relyingPartyId": "localhost"},
          "executor": {"name": "PasskeyAuthExecutor", "mode": "register_start"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000bd", "name": "nobody-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "lab-passkey-nobody"}
      """
    And the application "nobody-app"
    When the app starts an "AUTHENTICATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1017"

  @mock-only
  Scenario: A backend registers a passkey and signs in with it over the passkey API
    When the backend calls "/register/passkey/start" with:
      """
      {"userId": "${thor.id}", "relyingPartyId": "localhost", "relyingPartyName": "ThunderID"}
      """
    Then the response status is 200
    When the backend finishes the passkey registration with the browser's new passkey
    Then the response status is 200
    And the answered assertion is at "AAL2" after the authenticators "Passkey"
    When the backend calls "/auth/passkey/start" with:
      """
      {"userId": "${thor.id}", "relyingPartyId": "localhost"}
      """
    Then the response status is 200
    When the backend finishes the passkey sign-in with the browser's assertion
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"id": "${thor.id}", "type": "Person"}
      """

  @mock-only
  Scenario: The passkey API refuses what does not verify (AUTHN-PSK-1001, AUTHN-PSK-1002)
    When the backend calls "/auth/passkey/start" with:
      """
      {"userId": "${thor.id}", "relyingPartyId": "localhost"}
      """
    Then the response status is 400
    And the error code is "AUTHN-PSK-1001"
    When the backend calls "/register/passkey/start" with:
      """
      {"userId": "${thor.id}", "relyingPartyId": "localhost"}
      """
    And the backend finishes the passkey registration with a passkey made on the origin "https://evil.example"
    Then the response status is 400
    And the error code is "AUTHN-PSK-1002"
    When the backend calls "/register/passkey/start" with:
      """
      {"userId": "${thor.id}", "relyingPartyId": "localhost"}
      """
    And the backend finishes the passkey registration with the browser's new passkey
    And the backend calls "/auth/passkey/start" with:
      """
      {"userId": "${thor.id}", "relyingPartyId": "localhost"}
      """
    And the backend finishes the passkey sign-in with a forged assertion
    Then the response status is 400
    And the error code is "AUTHN-PSK-1001"
