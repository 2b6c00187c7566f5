@custom-fixtures
Feature: Magic links
  A MagicLinkExecutor in generate mode finds the user the e-mail address names and mints a signed
  link to the gate's callback (applicationId, id = the execution, token, type), valid for the
  node's tokenExpiry seconds; an EmailExecutor sends it (template MAGIC_LINK). The link comes back
  without a challenge token: the verify node signs the user in. An unknown address gets no e-mail
  and the same page, so nobody can probe who has an account. A bad or expired link is refused with
  the authentication manager's AUTHN-MGR-1001; a link of another sign-in with FET-1010. (The
  server's MAGIC_LINK template routes a failed verify back to the address prompt, which the
  remembered address satisfies at once, so a fresh link is sent; this flow ends in ERROR instead
  to show the codes.)

  Background:
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000d6", "handle": "lab-magic", "name": "Magic link sign-in",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "prompt_email"},
         {"id": "prompt_email", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "input_001", "identifier": "email", "type": "EMAIL_INPUT", "required": true}],
            "action": {"ref": "magic_link_action", "nextNode": "generate_magic_link"}}]},
         {"id": "generate_magic_link", "type": "TASK_EXECUTION", "properties": {"tokenExpiry": "120"},
          "executor": {"name": "MagicLinkExecutor", "mode": "generate", "inputs": [
            {"ref": "input_001", "identifier": "email", "type": "EMAIL_INPUT", "required": true}]},
          "onSuccess": "send_email", "onIncomplete": "prompt_email", "onFailure": "prompt_email"},
         {"id": "send_email", "type": "TASK_EXECUTION", "properties": {"emailTemplate": "MAGIC_LINK"},
          "executor": {"name": "EmailExecutor", "mode": "send", "inputs": [
            {"identifier": "email", "type": "EMAIL_INPUT", "required": true}]},
          "onSuccess": "prompt_email_sent", "onIncomplete": "prompt_email", "onFailure": "prompt_email"},
         {"id": "prompt_email_sent", "type": "PROMPT", "message": "Check your e-mail", "next": "verify_magic_link"},
         {"id": "verify_magic_link", "type": "TASK_EXECUTION", "executor": {"name": "MagicLinkExecutor", "mode": "verify"},
          "onSuccess": "auth_assert"},
         {"id": "auth_assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000bb", "name": "magic-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "lab-magic"}
      """
    And the application "magic-app"

  @mock-only
  Scenario: The e-mailed link signs the user in, once
    When the app starts an "AUTHENTICATION" flow
    And the user submits:
      | email | thor@asgard.example |
    Then the flow status is "INCOMPLETE"
    When the user follows the magic link sent to "thor@asgard.example"
    Then the flow completes with an assertion for "thor"
    And the assertion records the authenticators "MagicLinkAuthenticator"
    When the user follows the magic link sent to "thor@asgard.example"
    Then the flow is refused with 400 and the error code "FES-1004"

  @mock-only
  Scenario: An unknown address gets the same page and no e-mail
    When the app starts an "AUTHENTICATION" flow
    And the user submits:
      | email | nobody@asgard.example |
    Then the flow status is "INCOMPLETE"
    And no e-mail was sent to "nobody@asgard.example"

  @mock-only
  Scenario: A link past its tokenExpiry (and the server's 30 s leeway) is refused (AUTHN-MGR-1001)
    When the app starts an "AUTHENTICATION" flow
    And the user submits:
      | email | thor@asgard.example |
    And 150 seconds pass
    And the user follows the magic link sent to "thor@asgard.example"
    Then the flow status is "ERROR" and the error code is "AUTHN-MGR-1001"

  @mock-only
  Scenario: A tampered token is refused (AUTHN-MGR-1001)
    When the app starts an "AUTHENTICATION" flow
    And the user submits:
      | email | thor@asgard.example |
    When the user opens the magic link sent to "thor@asgard.example" with the token "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"
    Then the flow status is "ERROR" and the error code is "AUTHN-MGR-1001"

  @mock-only
  Scenario: The link of another sign-in is refused (FET-1010)
    When the app starts an "AUTHENTICATION" flow
    And the user submits:
      | email | thor@asgard.example |
    And the user keeps the magic link sent to "thor@asgard.example" as "first"
    When the app starts an "AUTHENTICATION" flow
    And the user submits:
      | email | thor@asgard.example |
    And the user opens the magic link "first" in the current sign-in
    Then the flow status is "ERROR" and the error code is "FET-1010"
