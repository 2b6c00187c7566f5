@custom-fixtures
Feature: Registering a user who already exists in another organization unit
  A ProvisioningExecutor normally refuses to register someone whose attributes already belong to
  a user (FET-1007). With its allowCrossOUProvisioning property the same person may be provisioned
  again into the organization unit the flow registers into (the unit the flow chose, else the one
  of the application's only self-registration user type): there is then a copy in each unit. The
  server refuses when the flow has no target unit (FET-1023) and when the person is already in it
  (FET-1024), also when several units already hold the person and one of them is the target.

  Background:
    Given the server also has the user type:
      """
      {"id": "01900000-0000-7000-8000-000000000016", "name": "Member", "allowSelfRegistration": true,
       "ouId": "01900000-0000-7000-8000-000000000003",
       "schema": {"username": {"type": "string", "required": true},
                  "password": {"type": "string", "credential": true}}}
      """
    And the server also has the user:
      """
      {"id": "01900000-0000-7000-8000-0000000001b1", "type": "Member", "ouId": "01900000-0000-7000-8000-000000000002",
       "password": "Nova@12345", "attributes": {"username": "nova"}}
      """
    And the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000d8", "handle": "join-unit", "name": "Join a unit",
       "flowType": "REGISTRATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "provisioning"},
         {"id": "provisioning", "type": "TASK_EXECUTION", "executor": {"name": "ProvisioningExecutor"},
          "properties": {"allowCrossOUProvisioning": true}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """

  Scenario: A member of Engineering registers with the Sales application, then cannot register there twice
    Given the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000c8", "name": "sales-app", "type": "custom",
       "isRegistrationFlowEnabled": true, "registrationFlow": "join-unit", "allowedUserTypes": ["Member"]}
      """
    And the application "sales-app"
    When the app starts a "REGISTRATION" flow with the inputs:
      | username | nova       |
      | password | Nova@12345 |
    Then the flow status is "COMPLETE"
    When the app starts a "REGISTRATION" flow with the inputs:
      | username | nova       |
      | password | Nova@12345 |
    Then the flow status is "ERROR" and the error code is "FET-1024"

  Scenario: Without a unit to register into, an existing user is refused (FET-1023)
    Given the server also has the user type:
      """
      {"id": "01900000-0000-7000-8000-000000000017", "name": "Visitor", "allowSelfRegistration": true,
       "schema": {"username": {"type": "string", "required": true}}}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000c9", "name": "two-types-app", "type": "custom",
       "isRegistrationFlowEnabled": true, "registrationFlow": "join-unit", "allowedUserTypes": ["Member", "Visitor"]}
      """
    And the application "two-types-app"
    When the app starts a "REGISTRATION" flow with the inputs:
      | username | nova       |
      | password | Nova@12345 |
    Then the flow status is "ERROR" and the error code is "FET-1023"
