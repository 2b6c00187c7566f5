Feature: Deleting users through the administration flow
  A console deletes a user by running the server's user deletion flow by id, with a token that
  holds the system permission: it checks the user may go, revokes their tokens, ends their
  single sign-on sessions and deletes them, in one call.

  Scenario: An administrator deletes a user, who can then no longer sign in
    Given the administrator "admin" is signed in
    When the administrator deletes the user "loki" with the user deletion flow
    Then the flow status is "COMPLETE"
    And the server has no user "loki"
    Given the application "sample-native"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "loki"
    Then the flow status is "INCOMPLETE" and the error code is "FET-1001"

  Scenario: The deletion flow asks for the user when none is given, and refuses an unknown one (FET-1084)
    Given the administrator "admin" is signed in
    When the administrator starts the flow "01900000-0000-7000-8000-000000000077"
    Then the flow status is "INCOMPLETE"
    And the flow asks for "subject"
    When the user submits:
      | subject | 01900000-0000-7000-8000-00000000dead |
    Then the flow status is "ERROR" and the error code is "FET-1084"

  @stateful
  Scenario: A user who owns an agent cannot be deleted, over the API (USR-1027) or by the flow (FET-1084)
    Given the caller is an administrator
    When the caller sends POST "/agents" with the JSON body:
      """
      {"name": "Loki's helper", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001",
       "owner": "01900000-0000-7000-8000-000000000102"}
      """
    Then the response status is 201
    And the response member "id" is kept as "agent"
    When the caller sends GET "/users/01900000-0000-7000-8000-000000000102/usages"
    Then the response body includes the JSON:
      """
      {"totalResults": 1, "summary": {"agent": 1}}
      """
    When the caller sends DELETE "/users/01900000-0000-7000-8000-000000000102"
    Then the response status is 409
    And the response body is the JSON:
      """
      {"code": "USR-1027",
       "message": {"key": "error.userservice.user_has_blocking_dependencies", "defaultValue": "User cannot be deleted"},
       "description": {"key": "error.userservice.user_has_blocking_dependencies_description",
                       "defaultValue": "The user cannot be deleted because 1 agent(s) depend on it. Remove or reassign them first.",
                       "params": {"dependencies": "1 agent(s)"}}}
      """
    Given the administrator "admin" is signed in
    When the administrator deletes the user "loki" with the user deletion flow
    Then the flow status is "ERROR" and the error code is "FET-1084"
    When the caller sends DELETE "/agents/${var.agent}"
    Then the response status is 204
    When the administrator deletes the user "loki" with the user deletion flow
    Then the flow status is "COMPLETE"
    And the server has no user "loki"

  Scenario: A flow id the server does not know is refused (FLM-1003)
    Given the administrator "admin" is signed in
    When the administrator starts the flow "01900000-0000-7000-8000-00000000beef"
    # /flow/execute answers 400 where the flows API answers 404 for the same code.
    Then the response status is 400
    And the error code is "FLM-1003"

  @custom-fixtures
  Scenario: Every step of an administration flow needs the administrator's token (FES-1017)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000d2", "handle": "careful-deletion", "name": "Careful deletion",
       "flowType": "ADMINISTRATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "pre_delete"},
         {"id": "pre_delete", "type": "TASK_EXECUTION", "executor": {"name": "PreDeleteExecutor", "mode": "revoke_all"}, "onSuccess": "confirm"},
         {"id": "confirm", "type": "PROMPT", "prompts": [{"action": {"ref": "action_confirm", "nextNode": "delete_user"}}]},
         {"id": "delete_user", "type": "TASK_EXECUTION", "executor": {"name": "UserDeleteExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the administrator "admin" is signed in
    When the administrator starts the flow "01900000-0000-7000-8000-0000000000d2" for the user "loki"
    Then the flow offers the actions "action_confirm"
    When the administrator's token is no longer sent
    And the user chooses "action_confirm"
    Then the flow is refused with 401 and the error code "FES-1017"

  @custom-fixtures
  Scenario: A user deleted while the flow waited cannot be deleted again (FET-1085)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000d2", "handle": "careful-deletion", "name": "Careful deletion",
       "flowType": "ADMINISTRATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "pre_delete"},
         {"id": "pre_delete", "type": "TASK_EXECUTION", "executor": {"name": "PreDeleteExecutor", "mode": "revoke_all"}, "onSuccess": "confirm"},
         {"id": "confirm", "type": "PROMPT", "prompts": [{"action": {"ref": "action_confirm", "nextNode": "delete_user"}}]},
         {"id": "delete_user", "type": "TASK_EXECUTION", "executor": {"name": "UserDeleteExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the administrator "admin" is signed in
    When the administrator starts the flow "01900000-0000-7000-8000-0000000000d2" for the user "loki"
    And the administrator deletes the user "loki" through the users API
    And the user chooses "action_confirm"
    Then the flow status is "ERROR" and the error code is "FET-1085"
