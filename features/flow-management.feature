Feature: Flow management (/flows)
  Administrators build the flows users sign in, register and recover with over /flows: a graph of
  START, PROMPT, TASK_EXECUTION, CALL and END nodes. The server checks a definition in a fixed order
  (metadata, structure, the flow type's required executors, each node, interceptors) and answers
  the first failure with its code and a description naming the node. Every write keeps a version;
  an old version can be restored. What is stored is live at once: the next execution runs it.
  Every call needs system.

  Background:
    Given the caller is an administrator

  Scenario: The bootstrap flows are stored flows at version 1
    When the caller sends GET "/flows?flowType=AUTHENTICATION&limit=2"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"totalResults": 9, "startIndex": 1, "count": 2,
       "links": [{"href": "/flows?offset=2&limit=2", "rel": "next"}, {"href": "/flows?offset=8&limit=2", "rel": "last"}]}
      """
    When the caller sends GET "/flows/01900000-0000-7000-8000-000000000061"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"id": "01900000-0000-7000-8000-000000000061", "handle": "default-flow", "name": "Default Authentication Flow",
       "flowType": "AUTHENTICATION", "activeVersion": 1, "isReadOnly": false}
      """

  Scenario Outline: A bad page or flow type is refused
    When the caller sends GET "<path>"
    Then the response status is 400
    And the error code is "<code>"

    Examples:
      | path                    | code     |
      | /flows?limit=x          | FLM-1006 |
      | /flows?limit=-1         | FLM-1006 |
      | /flows?offset=-3        | FLM-1007 |
      | /flows?flowType=SIGN_IN | FLM-1004 |

  @stateful
  Scenario: A created flow signs users in, gets a new version on update, and an old one back on restore
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "  passwords-only ", "name": "Passwords only", "flowType": "AUTHENTICATION",
       "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"identifier": "username", "type": "TEXT_INPUT", "required": true},
            {"identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
            "action": {"ref": "submit", "nextNode": "check"}}]},
         {"id": "check", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
          "onSuccess": "assert", "onIncomplete": "ask"},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    Then the response status is 201
    And the response body includes the JSON:
      """
      {"id": "${var.created}", "handle": "passwords-only", "name": "Passwords only", "flowType": "AUTHENTICATION",
       "activeVersion": 1, "isReadOnly": false}
      """
    When the caller sends PUT "/flows/${var.created}" with the JSON body:
      """
      {"handle": "passwords-only", "name": "Passwords, renamed", "flowType": "AUTHENTICATION",
       "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"identifier": "username", "type": "TEXT_INPUT", "required": true},
            {"identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
            "action": {"ref": "go", "nextNode": "check"}}]},
         {"id": "check", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
          "onSuccess": "assert", "onIncomplete": "ask"},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"name": "Passwords, renamed", "activeVersion": 2}
      """
    When the caller sends GET "/flows/${var.created}/versions"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"totalVersions": 2}
      """
    When the caller sends GET "/flows/${var.created}/versions/1"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"id": "${var.created}", "name": "Passwords, renamed", "version": 1, "isActive": false}
      """
    When the caller sends POST "/flows/${var.created}/restore" with the JSON body:
      """
      {"version": 1}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"activeVersion": 3, "name": "Passwords, renamed"}
      """

  @stateful
  Scenario: The next execution runs the updated flow
    When the caller sends PUT "/flows/01900000-0000-7000-8000-000000000061" with the JSON body:
      """
      {"handle": "default-flow", "name": "Default Authentication Flow", "flowType": "AUTHENTICATION",
       "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"identifier": "username", "type": "TEXT_INPUT", "required": true},
            {"identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
            "action": {"ref": "go", "nextNode": "check"}}]},
         {"id": "check", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"},
          "onSuccess": "assert", "onIncomplete": "ask"},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    Then the response status is 200
    Given the application "sample-native"
    When the app starts an "AUTHENTICATION" flow
    Then the flow shows a "VIEW" step
    And the flow offers the actions "go"

  @stateful
  Scenario: The handle is unique per flow type, and neither it nor the type changes
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "default-flow", "name": "Another", "flowType": "AUTHENTICATION",
       "nodes": [{"id": "start", "type": "START", "onSuccess": "assert"},
                 {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
                 {"id": "end", "type": "END"}]}
      """
    Then the response status is 400
    And the error code is "FLM-1013"
    When the caller sends PUT "/flows/01900000-0000-7000-8000-000000000061" with the JSON body:
      """
      {"handle": "renamed-flow", "name": "Default", "flowType": "AUTHENTICATION",
       "nodes": [{"id": "start", "type": "START", "onSuccess": "assert"},
                 {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
                 {"id": "end", "type": "END"}]}
      """
    Then the response status is 400
    And the error code is "FLM-1014"
    When the caller sends PUT "/flows/01900000-0000-7000-8000-0000000000ff" with the JSON body:
      """
      {"handle": "renamed-flow", "name": "Default", "flowType": "AUTHENTICATION",
       "nodes": [{"id": "start", "type": "START", "onSuccess": "assert"},
                 {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
                 {"id": "end", "type": "END"}]}
      """
    Then the response status is 404
    And the error code is "FLM-1003"

  Scenario: A definition is checked in the server's order and the first failure names the node
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "broken", "name": "Broken", "flowType": "AUTHENTICATION",
       "nodes": [{"id": "start", "type": "START", "onSuccess": "assert"},
                 {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "nowhere"},
                 {"id": "end", "type": "END"}]}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "FLM-1022",
       "message": {"key": "error.flowmgtservice.invalid_node_reference", "defaultValue": "Invalid node reference"},
       "description": {"key": "error.flowmgtservice.node_references_nonexistent_description",
         "defaultValue": "Node 'assert' references non-existent node 'nowhere' in 'onSuccess'",
         "params": {"fieldName": "onSuccess", "sourceNodeID": "assert", "targetNodeID": "nowhere"}}}
      """

  Scenario Outline: Each rule of the validator has its code
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "<handle>", "name": "Checked", "flowType": "<type>", "nodes": <nodes>}
      """
    Then the response status is 400
    And the error code is "<code>"

    Examples:
      | handle  | type           | nodes                                                                                                                                                                                   | code     |
      |         | AUTHENTICATION | []                                                                                                                                                                                      | FLM-1010 |
      | Bad One | AUTHENTICATION | []                                                                                                                                                                                      | FLM-1015 |
      | ok      | SIGN_IN        | []                                                                                                                                                                                      | FLM-1004 |
      | ok      | AUTHENTICATION | [{"id": "start", "type": "START", "onSuccess": "end"}, {"id": "end", "type": "END"}]                                                                                                   | FLM-1005 |
      | ok      | AUTHENTICATION | [{"id": "a", "type": "START", "onSuccess": "a"}, {"id": "a", "type": "END"}, {"id": "c", "type": "END"}]                                                                              | FLM-1020 |
      | ok      | AUTHENTICATION | [{"id": "start", "type": "START", "onSuccess": "x"}, {"id": "x", "type": "LOOP"}, {"id": "end", "type": "END"}]                                                                       | FLM-1021 |
      | ok      | AUTHENTICATION | [{"id": "start", "type": "START", "onSuccess": "x"}, {"id": "x", "type": "TASK_EXECUTION", "executor": {"name": "CredentialsAuthExecutor"}, "onSuccess": "end"}, {"id": "end", "type": "END"}] | FLM-1023 |
      | ok      | AUTHENTICATION | [{"id": "start", "type": "START", "onSuccess": "x"}, {"id": "x", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"}, {"id": "lost", "type": "PROMPT", "next": "end"}, {"id": "end", "type": "END"}] | FLM-1020 |
      | ok      | AUTHENTICATION | [{"id": "start", "type": "START", "onSuccess": "p"}, {"id": "p", "type": "PROMPT", "prompts": [{"inputs": [{"identifier": "u", "type": "SLIDER"}], "action": {"ref": "a", "nextNode": "x"}}]}, {"id": "x", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"}, {"id": "end", "type": "END"}] | FLM-1024 |
      | ok      | AUTHENTICATION | [{"id": "start", "type": "START", "onSuccess": "x"}, {"id": "x", "type": "TASK_EXECUTION", "executor": {"name": "NoSuchExecutor"}, "onSuccess": "y"}, {"id": "y", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"}, {"id": "end", "type": "END"}] | FLM-1023 |

  Scenario: A body that is not a flow definition is refused
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "x", "name": "X", "flowType": "AUTHENTICATION", "nodes": "none"}
      """
    Then the response status is 400
    And the error code is "FLM-1001"

  Scenario Outline: Versions are positive integers, and unknown ones are 404
    When the caller sends GET "<path>"
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | path                                                         | status | code     |
      | /flows/01900000-0000-7000-8000-000000000061/versions/0       | 400    | FLM-1009 |
      | /flows/01900000-0000-7000-8000-000000000061/versions/two     | 400    | FLM-1009 |
      | /flows/01900000-0000-7000-8000-000000000061/versions/9       | 404    | FLM-1008 |
      | /flows/01900000-0000-7000-8000-0000000000ff                  | 404    | FLM-1003 |
      | /flows/01900000-0000-7000-8000-0000000000ff/versions         | 404    | FLM-1003 |
      | /flows/01900000-0000-7000-8000-0000000000ff/usages           | 404    | FLM-1003 |

  Scenario: Usages are the applications bound to the flow
    When the caller sends GET "/flows/01900000-0000-7000-8000-000000000068/usages"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"usages": [{"resourceType": "application", "id": "01900000-0000-7000-8000-000000000060",
                   "displayName": "Console", "behaviorOnDelete": "fallback"}]}
      """

  @stateful
  Scenario: Deleting is idempotent and applications fall back to the default flow
    When the caller sends DELETE "/flows/01900000-0000-7000-8000-000000000061"
    Then the response status is 204
    When the caller sends DELETE "/flows/01900000-0000-7000-8000-000000000061"
    Then the response status is 204
    When the caller sends GET "/flows/01900000-0000-7000-8000-000000000061"
    Then the response status is 404
    And the error code is "FLM-1003"
    When the caller sends POST "/applications" with the JSON body:
      """
      {"name": "Needs the default flow", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001",
       "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "needs-default",
         "redirectUris": ["http://localhost:4000/callback"], "tokenEndpointAuthMethod": "none",
         "publicClient": true, "pkceRequired": true}}]}
      """
    Then the response status is 400
    And the error code is "APP-1028"

  @stateful
  Scenario: An application must not end up calling another flow than its binding (FLM-1026)
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "quiet-sign-out", "name": "Quiet sign-out", "flowType": "SIGNOUT",
       "nodes": [{"id": "start", "type": "START", "onSuccess": "out"},
                 {"id": "out", "type": "TASK_EXECUTION", "executor": {"name": "SessionSignOutExecutor"}, "onSuccess": "end"},
                 {"id": "end", "type": "END"}]}
      """
    Then the response status is 201
    When the caller sends PUT "/flows/01900000-0000-7000-8000-000000000068" with the JSON body:
      """
      {"handle": "console-app-flow", "name": "Console", "flowType": "AUTHENTICATION",
       "nodes": [{"id": "start", "type": "START", "onSuccess": "assert"},
                 {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "out"},
                 {"id": "out", "type": "CALL", "flow": {"ref": "${var.created}"}, "onSuccess": "end"},
                 {"id": "end", "type": "END"}]}
      """
    Then the response status is 400
    And the error code is "FLM-1026"
    When the caller sends GET "/flows/01900000-0000-7000-8000-000000000068"
    Then the response body includes the JSON:
      """
      {"activeVersion": 1}
      """

  Scenario: A CALL node must name a flow that exists (FLM-1025)
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "calls-nothing", "name": "Calls nothing", "flowType": "AUTHENTICATION",
       "nodes": [{"id": "start", "type": "START", "onSuccess": "call"},
                 {"id": "call", "type": "CALL", "flow": {"ref": "01900000-0000-7000-8000-0000000000ff"}, "onSuccess": "assert"},
                 {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
                 {"id": "end", "type": "END"}]}
      """
    Then the response status is 400
    And the error code is "FLM-1025"

  Scenario: A name of only blanks and control characters is no name (FLM-1011)
    When the caller sends PUT "/flows/01900000-0000-7000-8000-000000000061" with the JSON body:
      """
      {"handle": "default-flow", "name": " \u0007\t ", "flowType": "REGISTRATION",
       "nodes": [{"id": "start", "type": "START", "onSuccess": "x"},
                 {"id": "x", "type": "TASK_EXECUTION", "executor": {"name": "UserTypeResolver"}, "onSuccess": "y"},
                 {"id": "y", "type": "TASK_EXECUTION", "executor": {"name": "ProvisioningExecutor"}, "onSuccess": "end"},
                 {"id": "end", "type": "END"}]}
      """
    Then the response status is 400
    And the error code is "FLM-1011"

  Scenario: The flow type cannot change (FLM-1012)
    When the caller sends PUT "/flows/01900000-0000-7000-8000-000000000061" with the JSON body:
      """
      {"handle": "default-flow", "name": "Renamed", "flowType": "REGISTRATION",
       "nodes": [{"id": "start", "type": "START", "onSuccess": "x"},
                 {"id": "x", "type": "TASK_EXECUTION", "executor": {"name": "UserTypeResolver"}, "onSuccess": "y"},
                 {"id": "y", "type": "TASK_EXECUTION", "executor": {"name": "ProvisioningExecutor"}, "onSuccess": "end"},
                 {"id": "end", "type": "END"}]}
      """
    Then the response status is 400
    And the error code is "FLM-1012"

  Scenario: Each executor's declared properties are checked: required ones, then unknown ones
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "needs-idp", "name": "Needs an IdP", "flowType": "AUTHENTICATION", "nodes": [
        {"id": "start", "type": "START", "onSuccess": "google"},
        {"id": "google", "type": "TASK_EXECUTION", "executor": {"name": "GoogleOIDCAuthExecutor"},
         "properties": {"idpId": ""}, "onSuccess": "assert"},
        {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
        {"id": "end", "type": "END"}]}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "FLM-1023",
       "message": {"key": "error.flowmgtservice.invalid_executor_config", "defaultValue": "Invalid executor configuration"},
       "description": {"key": "error.flowmgtservice.missing_required_executor_property_description",
                       "defaultValue": "Node 'google': executor 'GoogleOIDCAuthExecutor' requires property 'idpId'",
                       "params": {"executorName": "GoogleOIDCAuthExecutor", "nodeID": "google", "propertyKey": "idpId"}}}
      """
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "odd-property", "name": "Odd property", "flowType": "AUTHENTICATION", "nodes": [
        {"id": "start", "type": "START", "onSuccess": "assert"},
        {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"},
         "properties": {"colour": "blue"}, "onSuccess": "end"},
        {"id": "end", "type": "END"}]}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "FLM-1023",
       "message": {"key": "error.flowmgtservice.invalid_executor_config", "defaultValue": "Invalid executor configuration"},
       "description": {"key": "error.flowmgtservice.unsupported_executor_property_description",
                       "defaultValue": "Node 'assert': executor 'AuthAssertExecutor' does not support property 'colour'",
                       "params": {"executorName": "AuthAssertExecutor", "nodeID": "assert", "propertyKey": "colour"}}}
      """
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "otp-no-mode", "name": "OTP without a mode", "flowType": "AUTHENTICATION", "nodes": [
        {"id": "start", "type": "START", "onSuccess": "otp"},
        {"id": "otp", "type": "TASK_EXECUTION", "executor": {"name": "OTPExecutor"}, "onSuccess": "assert"},
        {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
        {"id": "end", "type": "END"}]}
      """
    Then the response status is 400
    And the response body includes the JSON:
      """
      {"code": "FLM-1023",
       "description": {"key": "error.flowmgtservice.executor_mode_required_description",
                       "defaultValue": "Node 'otp': executor 'OTPExecutor' requires a mode"}}
      """

  @custom-fixtures
  Scenario: A declarative flow cannot be changed or deleted and keeps no versions (FLM-1017)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000c9", "handle": "fixed-sign-in", "name": "Fixed",
       "flowType": "AUTHENTICATION", "isReadOnly": true, "nodes": [
         {"id": "start", "type": "START", "onSuccess": "assert"},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the caller is an administrator
    When the caller sends DELETE "/flows/01900000-0000-7000-8000-0000000000c9"
    Then the response status is 400
    And the error code is "FLM-1017"
    When the caller sends GET "/flows/01900000-0000-7000-8000-0000000000c9/versions"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalVersions": 0, "versions": []}
      """
    When the caller sends GET "/flows/01900000-0000-7000-8000-0000000000c9"
    Then the response body includes the JSON:
      """
      {"activeVersion": 1, "isReadOnly": true}
      """
    And the response body has no "createdAt"
