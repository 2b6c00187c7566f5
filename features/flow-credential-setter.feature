@custom-fixtures
Feature: Setting a password in a flow (CredentialSetter)
  CredentialSetter sets a password for the user the flow has resolved: the one an earlier step
  identified, or the signed-in user. Its prerequisite only asks that a userID be present, but it
  never takes a user id the client posts, and it needs the node's credential input to have a name.

  Scenario: A user id the client posts names nobody (FET-1044), and no password is set
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000e4", "handle": "setter-lab", "name": "Setter lab",
       "flowType": "RECOVERY",
       "nodes": [{"id": "start", "type": "START", "onSuccess": "set"},
                 {"id": "set", "type": "TASK_EXECUTION", "executor": {"name": "CredentialSetter"}, "onSuccess": "end"},
                 {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000e3", "name": "setter-lab", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "default-flow", "recoveryFlow": "setter-lab",
       "isRecoveryFlowEnabled": true}
      """
    And the application "setter-lab"
    When the app starts a "RECOVERY" flow with the inputs:
      | password | N3w-Secret!  |
      | userID   | ${thor.id}   |
    Then the flow status is "ERROR" and the error code is "FET-1044"
    When the app starts a "RECOVERY" flow with the inputs:
      | password | N3w-Secret!  |
    Then the flow status is "ERROR" and the error code is "FLC-1001"

  Scenario: A credential input without an identifier fails when the password is set (FET-1046)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000e4", "handle": "setter-lab", "name": "Setter lab",
       "flowType": "RECOVERY",
       "nodes": [{"id": "start", "type": "START", "onSuccess": "find"},
                 {"id": "find", "type": "TASK_EXECUTION", "onSuccess": "set",
                  "executor": {"name": "IdentifyingExecutor",
                               "inputs": [{"identifier": "username", "type": "TEXT_INPUT", "required": true}]}},
                 {"id": "set", "type": "TASK_EXECUTION", "onSuccess": "end",
                  "executor": {"name": "CredentialSetter",
                               "inputs": [{"identifier": "", "type": "PASSWORD_INPUT", "required": true}]}},
                 {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000e3", "name": "setter-lab", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "default-flow", "recoveryFlow": "setter-lab",
       "isRecoveryFlowEnabled": true}
      """
    And the application "setter-lab"
    When the app starts a "RECOVERY" flow with the inputs:
      | username | thor |
    Then the flow status is "INCOMPLETE"
    When the user submits without choosing an action:
      |  | N3w-Secret! |
    Then the flow status is "ERROR" and the error code is "FET-1046"
