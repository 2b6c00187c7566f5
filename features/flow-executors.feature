@custom-fixtures
Feature: Flows that look users up and call other services
  A flow can find a user by any attribute and ask the user to tell apart several matches
  (IdentifyingExecutor in resolve mode), check whether an account exists before choosing a path
  (check_state mode), and call a web service, keeping parts of its answer for later nodes
  (HTTPRequestExecutor). The mock calls services on loopback only unless it is started with
  --http-executor-allow. Against --server these scenarios are skipped: they give the embedded mock
  flows of their own.

  Background:
    Given the server also has the user:
      """
      {"id": "01900000-0000-7000-8000-0000000001a1", "password": "Twin@12345",
       "attributes": {"username": "castor", "email": "castor@gemini.example", "given_name": "Twin"}}
      """
    And the server also has the user:
      """
      {"id": "01900000-0000-7000-8000-0000000001a2", "password": "Twin@12345",
       "attributes": {"username": "pollux", "email": "pollux@gemini.example", "given_name": "Twin"}}
      """
    And the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-000000000e01", "handle": "find-by-first-name", "name": "Find by first name",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i1", "identifier": "given_name", "type": "TEXT_INPUT", "required": true}],
            "action": {"ref": "action_find", "nextNode": "resolve"}}]},
         {"id": "resolve", "type": "TASK_EXECUTION", "onSuccess": "password", "onIncomplete": "pick",
          "executor": {"name": "IdentifyingExecutor", "mode": "resolve", "inputs": [
            {"identifier": "given_name", "type": "TEXT_INPUT", "required": true}]}},
         {"id": "pick", "type": "PROMPT", "prompts": [{"inputs": [],
            "action": {"ref": "action_pick", "nextNode": "resolve"}}]},
         {"id": "password", "type": "TASK_EXECUTION", "onSuccess": "assert",
          "executor": {"name": "CredentialsAuthExecutor", "inputs": [
            {"identifier": "password", "type": "PASSWORD_INPUT", "required": true}]}},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-000000000e02", "handle": "check-first", "name": "Check first",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i1", "identifier": "username", "type": "TEXT_INPUT", "required": true}],
            "action": {"ref": "action_next", "nextNode": "check"}}]},
         {"id": "check", "type": "TASK_EXECUTION", "onSuccess": "welcome_back",
          "executor": {"name": "IdentifyingExecutor", "mode": "check_state"}},
         {"id": "welcome_back", "type": "PROMPT",
          "condition": {"key": "{{ctx(entityState)}}", "value": "exists", "onSkip": "sign_up"},
          "prompts": [{"inputs": [{"ref": "i2", "identifier": "password", "type": "PASSWORD_INPUT", "required": true}],
            "action": {"ref": "action_sign_in", "nextNode": "end"}}]},
         {"id": "sign_up", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i3", "identifier": "email", "type": "EMAIL_INPUT", "required": true}],
            "action": {"ref": "action_sign_up", "nextNode": "end"}}]},
         {"id": "end", "type": "END"}]}
      """

  Scenario: Two users share the first name, so the flow asks which one is meant
    Given the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-000000000e11", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "find-by-first-name"}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_find" with:
      | given_name | Twin |
    Then the flow shows a "VIEW" step
    And the flow has no error
    And the flow asks for the inputs:
      | identifier | type   | required | options                                          |
      | email      | SELECT | false    | ["castor@gemini.example","pollux@gemini.example"] |
      | username   | SELECT | false    | ["castor","pollux"]                              |
    When the user chooses "action_pick" with:
      | username | pollux |
    Then the flow asks for "password"
    When the user submits:
      | password | Twin@12345 |
    Then the flow completes with an assertion for "pollux"

  Scenario: Two accounts that nothing tells apart: the flow cannot ask which one and fails (FET-1002)
    Given the server also has the user type:
      """
      {"id": "01900000-0000-7000-8000-000000000018", "name": "Clone", "allowSelfRegistration": false,
       "schema": {"username": {"type": "string"}, "given_name": {"type": "string"}}}
      """
    And the server also has the user:
      """
      {"id": "01900000-0000-7000-8000-0000000001c1", "type": "Clone", "attributes": {"username": "echo", "given_name": "Echo"}}
      """
    And the server also has the user:
      """
      {"id": "01900000-0000-7000-8000-0000000001c2", "type": "Clone", "attributes": {"username": "echo", "given_name": "Echo"}}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-000000000e11", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "find-by-first-name"}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_find" with:
      | given_name | Echo |
    Then the flow status is "ERROR" and the error code is "FET-1002"

  Scenario: Nobody has the first name: the flow's next prompt shows FET-1001
    Given the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-000000000e11", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "find-by-first-name"}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_find" with:
      | given_name | Nobody |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1001"
    And the flow offers the actions "action_pick"

  Scenario Outline: The flow checks whether the account exists before choosing its next step
    Given the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-000000000e12", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "check-first"}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_next" with:
      | username | <username> |
    Then the flow has no error
    And the flow asks for "<next>"

    Examples:
      | username | next     |
      | castor   | password |
      | nobody   | email    |

  Scenario: A flow keeps parts of a web service's answer for later nodes
    Given a web service answers "GET /profile/thor" with 200 and the body:
      """
      {"user": {"name": "Thor", "score": 1000000, "team": {"id": 7}}}
      """
    And the server also has the flow that calls the web service:
      """
      {"id": "01900000-0000-7000-8000-000000000e03", "handle": "http-lab", "name": "HTTP lab",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "ask"},
         {"id": "ask", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i1", "identifier": "who", "type": "TEXT_INPUT", "required": true}],
            "action": {"ref": "action_go", "nextNode": "lookup"}}]},
         {"id": "lookup", "type": "TASK_EXECUTION", "onSuccess": "notify",
          "executor": {"name": "HTTPRequestExecutor"},
          "properties": {"url": "{web-service}/profile/{{ ctx(who) }}",
            "responseMapping": {"name": "response.data.user.name", "score": "response.data.user.score",
                                "team": "response.data.user.team", "status": "response.status"}}},
         {"id": "notify", "type": "TASK_EXECUTION", "onSuccess": "done",
          "executor": {"name": "HTTPRequestExecutor"},
          "properties": {"url": "{web-service}/welcome", "method": "POST",
            "body": {"name": "{{ctx(name)}}", "score": "{{ctx(score)}}", "team": "{{ctx(team)}}",
                     "status": "{{ctx(status)}}", "unknown": "{{ctx(unknown)}}"}}},
         {"id": "done", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i2", "identifier": "more", "type": "TEXT_INPUT", "required": true}],
            "action": {"ref": "action_done", "nextNode": "end"}}]},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-000000000e13", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "http-lab"}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_go" with:
      | who | thor |
    Then the flow asks for "more"
    And the web service received "POST /welcome" with the JSON body:
      """
      {"name": "Thor", "score": "1e+06", "team": "map[id:7]", "status": "200", "unknown": "{{ctx(unknown)}}"}
      """

  Scenario Outline: A web service's error fails the flow only when the node says so (FET-1072)
    Given a web service answers "GET /profile/thor" with 503 and the body:
      """
      down
      """
    And the server also has the flow that calls the web service:
      """
      {"id": "01900000-0000-7000-8000-000000000e04", "handle": "http-fail", "name": "HTTP failure",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "lookup"},
         {"id": "lookup", "type": "TASK_EXECUTION", "onSuccess": "done",
          "executor": {"name": "HTTPRequestExecutor"},
          "properties": {"url": "<url>", "errorHandling": {"failOnError": <fail>, "retryCount": 2}}},
         {"id": "done", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i2", "identifier": "more", "type": "TEXT_INPUT", "required": true}],
            "action": {"ref": "action_done", "nextNode": "end"}}]},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-000000000e14", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "http-fail"}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1072"
    And the flow error says '<says>'

    Examples:
      | url                            | fail | says                                                                                                                                                                    |
      | {web-service}/profile/thor     | true | HTTP request failed with status 503: down                                                                                                                               |
      | http://192.0.2.1/profile/thor  | true | failed after 3 attempts: failed to execute HTTP request: Get "http://192.0.2.1/profile/thor": dial tcp 192.0.2.1:80: the mock calls loopback hosts only (allow this one with --http-executor-allow 192.0.2.1) |

  Scenario: Without failOnError a web service's error is ignored and the flow goes on
    Given a web service answers "GET /profile/thor" with 503 and the body:
      """
      down
      """
    And the server also has the flow that calls the web service:
      """
      {"id": "01900000-0000-7000-8000-000000000e05", "handle": "http-lenient", "name": "HTTP lenient",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "lookup"},
         {"id": "lookup", "type": "TASK_EXECUTION", "onSuccess": "done",
          "executor": {"name": "HTTPRequestExecutor"},
          "properties": {"url": "{web-service}/profile/thor", "errorHandling": "{\"retryCount\": 3}"}},
         {"id": "done", "type": "PROMPT", "prompts": [{"inputs": [
            {"ref": "i2", "identifier": "more", "type": "TEXT_INPUT", "required": true}],
            "action": {"ref": "action_done", "nextNode": "end"}}]},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-000000000e15", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "http-lenient"}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    Then the flow has no error
    And the flow asks for "more"
    And the web service received 1 request

  Scenario: An HTTP node with a method the server does not send fails with FET-1050
    Given the server also has the flow that calls the web service:
      """
      {"id": "01900000-0000-7000-8000-000000000e06", "handle": "http-bad", "name": "HTTP bad",
       "flowType": "AUTHENTICATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "lookup"},
         {"id": "lookup", "type": "TASK_EXECUTION", "onSuccess": "end",
          "executor": {"name": "HTTPRequestExecutor"},
          "properties": {"url": "{web-service}/profile/thor", "method": "TRACE"}},
         {"id": "end", "type": "END"}]}
      """
    And the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-000000000e16", "name": "lab-app", "type": "custom",
       "flowSecret": "lab-secret", "authFlow": "http-bad"}
      """
    And the application "lab-app"
    When the app starts an "AUTHENTICATION" flow
    Then the flow status is "ERROR" and the error code is "FET-1050"
    And the web service received 0 requests
