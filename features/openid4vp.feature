@custom-fixtures
Feature: Sign-in with a verifiable credential (OpenID4VP)
  OpenID4VPVerifyExecutor asks the user's wallet for a credential. Its first step is INCOMPLETE
  with no inputs: the app shows additionalData.openid4vpWalletUri (an openid4vp:// link, usually
  as a QR code) and polls the flow. The wallet fetches the signed request object from
  openid4vpRequestUri and posts an encrypted SD-JWT VC to the server; the next poll signs the
  holder in (the user whose sub attribute is the credential's subject). The wallet here is the
  mock's fake wallet on the control plane, which presents a credential for a fixture user, or a
  flawed one the server must refuse.

  Background:
    Given the server also has the user:
      """
      {"id": "01900000-0000-7000-8000-0000000001c1", "password": "Sif@12345",
       "attributes": {"username": "sif", "email": "sif@asgard.example", "given_name": "Sif",
                      "sub": "urn:pid:sif"}}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000bd", "name": "wallet-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "wallet-flow"}
      """
    And the application "wallet-app"

  @mock-only
  Scenario: The wallet presents the user's credential and the next poll signs them in
    When the app starts an "AUTHENTICATION" flow
    Then the flow status is "INCOMPLETE"
    And the step links to the wallet with the client id "x509_san_dns:localhost"
    When the user chooses "action_poll"
    Then the flow status is "INCOMPLETE"
    When the user's wallet presents the credential of "sif"
    And the user chooses "action_poll"
    Then the flow completes with an assertion for "sif"

  @mock-only
  Scenario Outline: A credential signed with <credential> and bound to a <holder> holder key signs the user in
    The request object lists ES256 and EdDSA in vp_formats_supported (sd-jwt_alg_values for the
    issuer's signature, kb-jwt_alg_values for the key-binding JWT), so a wallet may use either:
    an Ed25519 issuer certificate under the trusted CA, and an OKP cnf.jwk for the holder.
    When the app starts an "AUTHENTICATION" flow
    And the user's wallet presents the credential of "sif" signed with "<credential>" and a "<holder>" holder key
    And the user chooses "action_poll"
    Then the flow completes with an assertion for "sif"

    Examples:
      | credential | holder |
      | EdDSA      | ES256  |
      | ES256      | EdDSA  |
      | EdDSA      | EdDSA  |

  @mock-only
  Scenario: A definition the administrator creates serves the next sign-in
    Given the caller is an administrator
    When the caller sends DELETE "/openid4vp/presentation-definitions/01900000-0000-7000-8000-000000000501"
    Then the response status is 204
    When the app starts an "AUTHENTICATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1077"
    When the caller sends POST "/openid4vp/presentation-definitions" with the JSON body:
      """
      {"handle": "mock-pid", "ouHandle": "default", "vct": "urn:thunderid-mock:pid:1",
       "mandatoryClaims": ["username"], "optionalClaims": ["email"]}
      """
    Then the response status is 201
    When the app starts an "AUTHENTICATION" flow
    And the user's wallet presents the credential of "sif"
    And the user chooses "action_poll"
    Then the flow completes with an assertion for "sif"

  @mock-only
  Scenario: A presentation the server cannot verify ends the flow with the reason (FET-1079)
    When the app starts an "AUTHENTICATION" flow
    And the user's wallet presents the credential of "sif" with the defect "wrong_nonce"
    Then the response status is 400
    And the error code is "EUDI-1003"
    When the user chooses "action_poll"
    Then the flow status is "ERROR" and the error code is "FET-1079"
    And the error description is "OpenID4VP presentation verification failed: openid4vp: invalid presentation: sdjwt: key binding claim validation failed: nonce mismatch"

  @mock-only
  Scenario: A credential signed by another key, or under an expired issuer certificate, is refused (FET-1079)
    When the app starts an "AUTHENTICATION" flow
    And the user's wallet presents the credential of "sif" with the defect "wrong_issuer_key"
    Then the error code is "EUDI-1003"
    When the user chooses "action_poll"
    Then the flow status is "ERROR" and the error code is "FET-1079"
    When the app starts an "AUTHENTICATION" flow
    And the user's wallet presents the credential of "sif" with the defect "expired"
    Then the error code is "EUDI-1003"
    When the user chooses "action_poll"
    Then the flow status is "ERROR" and the error code is "FET-1079"

  @mock-only
  Scenario: A request the wallet never answers expires (FET-1078), and its link is then unknown (EUDI-1002)
    When the app starts an "AUTHENTICATION" flow
    And 301 seconds pass
    And the user's wallet presents the credential of "sif" with the defect "wrong_nonce"
    Then the response status is 404
    And the error code is "EUDI-1002"
    When the user chooses "action_poll"
    Then the flow status is "ERROR" and the error code is "FET-1078"

  @mock-only
  Scenario: A wallet cannot present twice: the result is delivered once (EUDI-1002)
    When the app starts an "AUTHENTICATION" flow
    And the user's wallet presents the credential of "sif"
    And the user chooses "action_poll"
    Then the flow completes with an assertion for "sif"
    When the user's wallet presents the credential of "sif" with the defect "wrong_nonce"
    Then the response status is 404
    And the error code is "EUDI-1002"

  Scenario: The wallet endpoints refuse what they cannot use (EUDI-1001, EUDI-1002, EUDI-1004)
    When the client sends GET "/openid4vp/request"
    Then the response status is 400
    And the error code is "EUDI-1001"
    When the client sends GET "/openid4vp/status/no-such-request"
    Then the response status is 404
    And the error code is "EUDI-1002"
    When the client sends POST "/openid4vp/initiate" with the JSON body:
      """
      {"definition_id": "no-such-definition"}
      """
    Then the response status is 400
    And the error code is "EUDI-1004"

  Scenario Outline: A verify node without a usable presentation definition fails at once (<code>)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000fa", "handle": "broken-wallet-flow", "name": "Broken wallet",
       "flowType": "AUTHENTICATION", "nodes": [
        {"id": "start", "type": "START", "onSuccess": "vp_verify"},
        {"id": "vp_verify", "type": "TASK_EXECUTION", "executor": {"name": "OpenID4VPVerifyExecutor"},
         "properties": <properties>, "onSuccess": "auth_assert", "onIncomplete": "wait"},
        {"id": "wait", "type": "PROMPT", "prompts": [{"action": {"ref": "poll", "nextNode": "vp_verify"}}]},
        {"id": "auth_assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
        {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000be", "name": "broken-wallet-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "broken-wallet-flow"}
      """
    And the application "broken-wallet-app"
    When the app starts an "AUTHENTICATION" flow
    Then the flow status is "ERROR" and the error code is "<code>"

    Examples:
      | properties                                            | code     |
      | {}                                                    | FET-1076 |
      | {"presentation_definition_id": "no-such-definition"}  | FET-1077 |
