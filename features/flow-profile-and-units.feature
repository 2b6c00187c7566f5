@custom-fixtures
Feature: Organization units, profile completion, notifications and mobile attestation in flows
  Small graphs an administrator builds from the server's executors: creating or choosing an
  organization unit during registration, completing a signed-in user's profile, e-mail delivery
  problems, and how mobile apps prove themselves when starting a sign-in.

  Scenario: Registration creates an organization unit; taken names and handles are asked again (FET-1031, FET-1032, FET-1035)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000d3", "handle": "lab-signup", "name": "Create a unit",
       "flowType": "REGISTRATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "create_ou"},
         {"id": "create_ou", "type": "TASK_EXECUTION", "executor": {"name": "OUExecutor"},
          "properties": {"parentOuId": "01900000-0000-7000-8000-000000000001"},
          "onSuccess": "end", "onIncomplete": "ask_unit"},
         {"id": "ask_unit", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i1", "identifier": "ouName", "type": "TEXT_INPUT", "required": true},
            {"ref": "i2", "identifier": "ouHandle", "type": "TEXT_INPUT", "required": true}],
            "action": {"ref": "action_001", "nextNode": "create_ou"}}]},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b9", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "registrationFlow": "lab-signup", "isRegistrationFlowEnabled": true}
      """
    And the application "lab-app"
    When the app starts a "REGISTRATION" flow
    Then the flow asks for "ouName,ouHandle"
    When the user submits:
      | ouName   | Engineering |
      | ouHandle | eng-2       |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1031"
    When the user submits:
      | ouName   | Research    |
      | ouHandle | engineering |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1032"
    When the user submits:
      | ouName   |          |
      | ouHandle | research |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1035"
    When the user submits:
      | ouName   | Research |
      | ouHandle | research |
    Then the flow status is "COMPLETE"

  Scenario: Choosing from every unit refuses one that does not exist (FET-1030)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000d3", "handle": "lab-signup", "name": "Pick a unit",
       "flowType": "REGISTRATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "unit"},
         {"id": "unit", "type": "TASK_EXECUTION", "executor": {"name": "OUResolverExecutor"},
          "properties": {"resolveFrom": "promptAll"}, "onSuccess": "end", "onIncomplete": "ask_unit"},
         {"id": "ask_unit", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "ou_selection_input", "identifier": "ouId", "type": "OU_SELECT", "required": true}],
            "action": {"ref": "action_001", "nextNode": "unit"}}]},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b9", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "registrationFlow": "lab-signup", "isRegistrationFlowEnabled": true}
      """
    And the application "lab-app"
    When the app starts a "REGISTRATION" flow
    Then the flow asks for "ouId"
    When the user submits:
      | ouId | 01900000-0000-7000-8000-00000000ffff |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1030"
    When the user submits:
      | ouId | 01900000-0000-7000-8000-000000000004 |
    Then the flow status is "COMPLETE"

  Scenario: Taking the caller's unit needs a caller with one (FET-1034)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000d3", "handle": "lab-signup", "name": "Caller's unit",
       "flowType": "REGISTRATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "unit"},
         {"id": "unit", "type": "TASK_EXECUTION", "executor": {"name": "OUResolverExecutor"},
          "properties": {"resolveFrom": "caller"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b9", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "registrationFlow": "lab-signup", "isRegistrationFlowEnabled": true}
      """
    And the application "lab-app"
    When the app starts a "REGISTRATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1034"

  Scenario: A signed-in user is asked only for the profile attributes they lack, and they are kept
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000d4", "handle": "lab-login", "name": "Complete the profile",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i1", "identifier": "username", "type": "TEXT_INPUT", "required": true},
            {"ref": "i2", "identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
            "action": {"ref": "action_001", "nextNode": "check"}}]},
         {"id": "check", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
          "onSuccess": "collect", "onIncomplete": "ask"},
         {"id": "collect", "type": "TASK_EXECUTION", "onSuccess": "assert", "onIncomplete": "ask_picture",
          "executor": {"name": "AttributeCollector", "inputs": [
            {"identifier": "email", "type": "EMAIL_INPUT", "required": true},
            {"identifier": "picture", "type": "TEXT_INPUT", "required": true}]}},
         {"id": "ask_picture", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i3", "identifier": "picture", "type": "TEXT_INPUT", "required": true}],
            "action": {"ref": "action_002", "nextNode": "collect"}}]},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b9", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "lab-login", "assertion": {"userAttributes": ["picture"]}}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    Then the flow asks for "picture"
    When the user submits:
      | picture | https://asgard.example/thor.png |
    Then the flow completes with an assertion for "thor"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    Then the flow completes with an assertion for "thor"

  Scenario: A profile that can no longer be stored fails the flow (FET-1049)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000d4", "handle": "lab-login", "name": "Complete the profile",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i1", "identifier": "username", "type": "TEXT_INPUT", "required": true},
            {"ref": "i2", "identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
            "action": {"ref": "action_001", "nextNode": "check"}}]},
         {"id": "check", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
          "onSuccess": "collect", "onIncomplete": "ask"},
         {"id": "collect", "type": "TASK_EXECUTION", "onSuccess": "end", "onIncomplete": "ask_picture",
          "executor": {"name": "AttributeCollector", "inputs": [
            {"identifier": "picture", "type": "TEXT_INPUT", "required": true}]}},
         {"id": "ask_picture", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i3", "identifier": "picture", "type": "TEXT_INPUT", "required": true}],
            "action": {"ref": "action_002", "nextNode": "collect"}}]},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b9", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "lab-login", "assertion": {"userAttributes": ["picture"]}}
      """
    And the administrator "admin" is signed in
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "thor"
    And the administrator deletes the user "thor" through the users API
    And the user submits:
      | picture | https://asgard.example/thor.png |
    Then the flow status is "ERROR" and the error code is "FET-1049"

  Scenario: E-mail without an e-mail service, or with one that refuses it (FET-1038, FET-1036)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000d3", "handle": "lab-signup", "name": "Mail",
       "flowType": "REGISTRATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "send"},
         {"id": "send", "type": "TASK_EXECUTION", "properties": {"emailTemplate": "SELF_REGISTRATION"},
          "executor": {"name": "EmailExecutor", "mode": "send", "inputs": [
            {"identifier": "email", "type": "EMAIL_INPUT", "required": true}]}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b9", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "registrationFlow": "lab-signup", "isRegistrationFlowEnabled": true}
      """
    And the server's "notifications.email" setting is "unconfigured"
    And the application "lab-app"
    When the app starts a "REGISTRATION" flow with the inputs:
      | email | sif@asgard.example |
    Then the flow status is "ERROR" and the error code is "FET-1038"
    Given the server's "notifications.email" setting is "failing"
    When the app starts a "REGISTRATION" flow with the inputs:
      | email | sif@asgard.example |
    Then the flow status is "ERROR" and the error code is "FET-1036"

  Scenario: A mobile app in attestation dev mode starts a sign-in without a token
    Given the application "sample-mobile"
    When the app starts an "AUTHENTICATION" flow with the attestation token ""
    Then the flow status is "INCOMPLETE"

  Scenario: A mobile app with platform attestation needs a valid token (FES-1014, FES-1015)
    Given the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000ba", "name": "lab-android", "type": "mobile",
       "attestation": {"android": {"packageName": "com.example.lab",
                                   "certificateSha256Digests": ["q3WzV0cN6QZB7BvN3X1kJq3r0v8W2Jx0mB3E5YpA1aQ"]},
                       "testTokens": ["integrity-token-ok"]}}
      """
    And the application "lab-android"
    When the app starts an "AUTHENTICATION" flow with the attestation token ""
    Then the flow is refused with 401 and the error code "FES-1014"
    When the app starts an "AUTHENTICATION" flow with the attestation token "forged"
    Then the flow is refused with 401 and the error code "FES-1015"
    When the app starts an "AUTHENTICATION" flow with the attestation token "integrity-token-ok"
    Then the flow status is "INCOMPLETE"
