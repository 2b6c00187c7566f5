Feature: Onboarding users: create them now or invite them (USER_ONBOARDING)
  An administration console adds users through the server's onboarding flow, started with the
  administrator's own token and no application. The flow picks the user type and the
  organization unit, then either creates the user at once or hands out an invite link (shown to
  copy, or e-mailed) that the invitee follows to finish registering.

  Scenario: A caller without the system:user permission cannot onboard users (FET-1027)
    Given the administrator "thor" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    Then the flow status is "ERROR" and the error code is "FET-1027"

  Scenario: The flow asks for an organization unit under the user type's unit
    Given the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    Then the flow status is "INCOMPLETE"
    And the flow asks for "ouId"
    And the flow data has "rootOuId" set to "01900000-0000-7000-8000-000000000001"

  Scenario: An unknown organization unit is asked for again (FET-1029)
    Given the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    And the user submits:
      | ouId | 01900000-0000-7000-8000-00000000ffff |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1029"
    And the flow asks for "ouId"

  @custom-fixtures
  Scenario: A unit outside the chosen user type's unit is refused (FET-1075)
    Given the server also has the user type:
      """
      {"id": "01900000-0000-7000-8000-000000000c21", "name": "Contractor",
       "ouId": "01900000-0000-7000-8000-000000000002", "allowSelfRegistration": false,
       "schema": {"username": {"type": "string", "required": true, "unique": true},
                  "email": {"type": "string", "unique": true},
                  "password": {"type": "string", "credential": true}}}
      """
    And the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    Then the flow asks for "userType"
    When the user submits:
      | userType | Contractor |
    Then the flow asks for "ouId"
    And the flow data has "rootOuId" set to "01900000-0000-7000-8000-000000000002"
    When the user submits:
      | ouId | 01900000-0000-7000-8000-000000000003 |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1075"

  Scenario: An administrator creates a user at once
    Given the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    And the user submits:
      | ouId | 01900000-0000-7000-8000-000000000002 |
    And the user chooses "action_create_user_now"
    Then the flow status is "INCOMPLETE"
    When the user submits:
      | username | sif                |
      | email    | sif@asgard.example |
      | password | Sif@12345          |
    Then the flow status is "COMPLETE"
    And the flow data has "message" set to "User added successfully"
    And the server has a user "sif"

  Scenario: An administrator shares an invite link and the invitee finishes registering
    Given the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    And the user submits:
      | ouId | 01900000-0000-7000-8000-000000000001 |
    And the user chooses "action_invite_user"
    And the user submits:
      | email | sif@asgard.example |
    And the user chooses "action_share_manually"
    Then the flow status is "INCOMPLETE"
    And the flow data has "message" set to "The invite link is ready to share"
    And the flow hands out an invite link
    When the invitee follows the invite link
    Then the flow status is "INCOMPLETE"
    When the user submits:
      | username | sif       |
      | password | Sif@12345 |
    Then the flow status is "COMPLETE"
    And the flow data has "message" set to "Registration complete"
    And the server has a user "sif"

  Scenario: An invite link with a forged token fails the invitee's flow (FET-1073)
    Given the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    And the user submits:
      | ouId | 01900000-0000-7000-8000-000000000001 |
    And the user chooses "action_invite_user"
    And the user submits:
      | email | sif@asgard.example |
    And the user chooses "action_share_manually"
    And the invitee opens the invite link with the token "not-the-token"
    Then the flow status is "ERROR" and the error code is "FET-1073"

  Scenario: An e-mailed invite reaches the invitee, who follows it
    Given the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    And the user submits:
      | ouId | 01900000-0000-7000-8000-000000000001 |
    And the user chooses "action_invite_user"
    And the user submits:
      | email | sif@asgard.example |
    And the user chooses "action_send_email_invite"
    Then the flow data has "message" set to "Invitation sent"
    And the flow data has "emailSent" set to "true"
    When the user follows the recovery link sent to "sif@asgard.example"
    Then the flow status is "INCOMPLETE"

  @custom-fixtures
  Scenario: Without an e-mail service the invite falls back to sharing the link
    Given the server's "notifications.email" setting is "unconfigured"
    And the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    And the user submits:
      | ouId | 01900000-0000-7000-8000-000000000001 |
    And the user chooses "action_invite_user"
    And the user submits:
      | email | sif@asgard.example |
    And the user chooses "action_send_email_invite"
    Then the flow data has "message" set to "Email delivery failed"
    And the flow data has "emailSent" set to "false"
    And the flow hands out an invite link

  Scenario: A taken e-mail is asked for again (FET-1061)
    Given the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    And the user submits:
      | ouId | 01900000-0000-7000-8000-000000000001 |
    And the user chooses "action_invite_user"
    And the user submits:
      | email | thor@asgard.example |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1061"

  Scenario: An unknown user type given up front fails the flow (FET-1055)
    Given the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow with the inputs:
      | userType | Robot |
    Then the flow status is "ERROR" and the error code is "FET-1055"

  @custom-fixtures
  Scenario: A server without user types has nothing to onboard (FET-1056)
    Given the user type "Person" is deleted while still in use
    And the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    Then the flow status is "ERROR" and the error code is "FET-1056"

  @custom-fixtures
  Scenario: The node's allowed user types decide what may be onboarded (FET-1053, FET-1054)
    Given the server's flow is replaced by:
      """
      {"id": "01900000-0000-7000-8000-0000000000d1", "handle": "default-flow", "name": "Onboarding",
       "flowType": "USER_ONBOARDING", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "types"},
         {"id": "types", "type": "TASK_EXECUTION", "executor": {"name": "UserTypeResolver"},
          "properties": {"allowedUserTypes": ["Robot"]}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    Then the flow status is "ERROR" and the error code is "FET-1053"
    When the administrator starts a "USER_ONBOARDING" flow with the inputs:
      | userType | Person |
    Then the flow status is "ERROR" and the error code is "FET-1054"

  @custom-fixtures
  Scenario: A user type whose unit does not contain the chosen unit is refused (FET-1058)
    Given the server also has the user type:
      """
      {"id": "01900000-0000-7000-8000-000000000c21", "name": "Contractor",
       "ouId": "01900000-0000-7000-8000-000000000002",
       "schema": {"username": {"type": "string", "required": true, "unique": true}}}
      """
    And the server's flow is replaced by:
      """
      {"id": "01900000-0000-7000-8000-0000000000d1", "handle": "default-flow", "name": "Onboarding",
       "flowType": "USER_ONBOARDING", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "unit"},
         {"id": "unit", "type": "TASK_EXECUTION", "executor": {"name": "OUResolverExecutor"},
          "properties": {"resolveFrom": "promptAll"}, "onSuccess": "types"},
         {"id": "types", "type": "TASK_EXECUTION", "executor": {"name": "UserTypeResolver"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow with the inputs:
      | ouId     | 01900000-0000-7000-8000-000000000003 |
      | userType | Contractor                           |
    Then the flow status is "ERROR" and the error code is "FET-1058"

  @custom-fixtures
  Scenario: An SMS provider that refuses messages fails an onboarding flow in band (FET-1042)
    Given the server's "notifications.sms" setting is "failing"
    And the server's flow is replaced by:
      """
      {"id": "01900000-0000-7000-8000-0000000000d1", "handle": "default-flow", "name": "Onboarding",
       "flowType": "USER_ONBOARDING", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "sms"},
         {"id": "sms", "type": "TASK_EXECUTION", "executor": {"name": "SMSExecutor"},
          "properties": {"senderId": "sms-sender", "smsTemplate": "OTP"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow with the inputs:
      | mobile_number | +15550100009 |
    Then the flow status is "ERROR" and the error code is "FET-1042"
