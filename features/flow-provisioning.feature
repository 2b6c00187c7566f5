@custom-fixtures
Feature: Provisioning assigns groups and roles
  A ProvisioningExecutor node may name groups (assignGroup) and roles (assignRole), each a
  comma-separated list of ids: the user it creates joins them at once, so the first sign-in already
  carries their permissions. An id that names nothing fails the step with FET-1022, and the user
  stays created, as on the server.

  Background:
    Given the server also has the user type:
      """
      {"id": "01900000-0000-7000-8000-000000000012", "name": "Guest", "allowSelfRegistration": true,
       "schema": {"nickname": {"type": "string", "required": true}}}
      """
    And the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000c7", "handle": "provision-assign", "name": "Provision and assign",
       "flowType": "REGISTRATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "provisioning"},
         {"id": "provisioning", "type": "TASK_EXECUTION", "executor": {"name": "ProvisioningExecutor"},
          "properties": {"assignGroup": "01900000-0000-7000-8000-000000000041",
                         "assignRole": " 01900000-0000-7000-8000-000000000051 "},
          "onSuccess": "assert"},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b6", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "isRegistrationFlowEnabled": true, "registrationFlow": "provision-assign",
       "allowedUserTypes": ["Guest"], "assertion": {"userAttributes": ["nickname", "groups", "roles"]}}
      """

  Scenario: The new user joins the node's groups and roles
    Given the application "lab-app"
    When the app starts a "REGISTRATION" flow with the inputs:
      | nickname | sif |
    Then the flow status is "COMPLETE"
    And the assertion carries the claims:
      | nickname | sif      |
      | groups   | Avengers |
      | roles    | viewer   |

  Scenario: A group that does not exist fails the step (FET-1022)
    Given the server's flow is replaced by:
      """
      {"id": "01900000-0000-7000-8000-0000000000c7", "handle": "provision-assign", "name": "Provision and assign",
       "flowType": "REGISTRATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "provisioning"},
         {"id": "provisioning", "type": "TASK_EXECUTION", "executor": {"name": "ProvisioningExecutor"},
          "properties": {"assignGroup": "01900000-0000-7000-8000-00000000ffff"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the application "lab-app"
    When the app starts a "REGISTRATION" flow with the inputs:
      | nickname | sif |
    Then the flow status is "ERROR" and the error code is "FET-1022"
