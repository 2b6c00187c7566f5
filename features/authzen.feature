Feature: AuthZEN access evaluation (/access/v1/*)
  A policy enforcement point asks "may this subject do this action on this resource server?". The
  subject is a user's or app's id, the resource's type a resource server's identifier, the action's
  name a permission string. The answer comes from the roles assigned to the subject and to its
  groups, matched exactly. Every evaluation call carries the server's Direct-Auth-Secret; errors
  are {"error": "…"}.

  Scenario: The discovery document names the three endpoints
    When the client sends GET "/.well-known/authzen-configuration"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"policy_decision_point": "${base_url}",
       "access_evaluation_endpoint": "${base_url}/access/v1/evaluation",
       "access_evaluations_endpoint": "${base_url}/access/v1/evaluations",
       "search_action_endpoint": "${base_url}/access/v1/search/action"}
      """

  Scenario: A user holds a permission through a group's role
    When the policy enforcement point asks "/access/v1/evaluation" with:
      """
      {"subject": {"type": "user", "id": "${thor.id}"},
       "resource": {"type": "https://api.booking.example", "id": "any"},
       "action": {"name": "booking:write"}}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"decision": true}
      """

  Scenario: A user without the permission is denied with a reason
    When the policy enforcement point asks "/access/v1/evaluation" with:
      """
      {"subject": {"type": "user", "id": "${loki.id}"},
       "resource": {"type": "https://api.booking.example"},
       "action": {"name": "booking:write"}}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"decision": false, "context": {"reason": "Subject is not authorized to perform the requested action"}}
      """

  Scenario: Permissions match exactly: system does not cover system:user
    When the policy enforcement point asks "/access/v1/evaluation" with:
      """
      {"subject": {"id": "01900000-0000-7000-8000-000000000100"},
       "resource": {"type": "https://localhost:8090/mcp"}, "action": {"name": "system:user"}}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"decision": false, "context": {"error": {"message": "Action system:user is not registered on the resource server"}}}
      """

  Scenario: An unknown resource server is a negative decision
    When the policy enforcement point asks "/access/v1/evaluation" with:
      """
      {"subject": {"id": "${thor.id}"}, "resource": {"type": "https://nowhere.example"}, "action": {"name": "read"}}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"decision": false, "context": {"error": {"message": "Resource not found"}}}
      """

  Scenario Outline: Incomplete evaluations are refused
    When the policy enforcement point asks "/access/v1/evaluation" with:
      """
      <body>
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"error": "<error>"}
      """

    Examples:
      | body                                                                                                   | error                  |
      | {"resource": {"type": "https://api.booking.example"}, "action": {"name": "booking:read"}}              | Missing subject        |
      | {"subject": {"id": "x"}, "action": {"name": "booking:read"}}                                           | Missing resource       |
      | {"subject": {"id": "x"}, "resource": {"type": "https://api.booking.example"}}                          | Missing action         |
      | {"subject": {"type": "app", "id": "${thor.id}"}, "resource": {"type": "https://api.booking.example"}, "action": {"name": "booking:read"}} | Invalid subject |
      | not json                                                                                               | Invalid request format |

  Scenario: A batch answers each evaluation in order, problems in band
    When the policy enforcement point asks "/access/v1/evaluations" with:
      """
      {"evaluations": [
        {"subject": {"type": "app", "id": "${sample-m2m.id}"}, "resource": {"type": "https://api.booking.example"}, "action": {"name": "booking:read"}},
        {"subject": {"id": "${sample-m2m.id}"}, "resource": {"type": "https://api.booking.example"}, "action": {"name": "booking:write"}},
        {"resource": {"type": "https://api.booking.example"}, "action": {"name": "booking:read"}}]}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"evaluations": [
        {"decision": true},
        {"decision": false, "context": {"reason": "Subject is not authorized to perform the requested action"}},
        {"decision": false, "context": {"error": {"message": "Missing subject"}}}]}
      """

  Scenario: An empty batch is refused
    When the policy enforcement point asks "/access/v1/evaluations" with:
      """
      {"evaluations": []}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"error": "Missing evaluations"}
      """

  Scenario: The actions a subject may take on a resource server
    When the policy enforcement point asks "/access/v1/search/action" with:
      """
      {"subject": {"type": "user", "id": "${thor.id}"}, "resource": {"type": "https://api.booking.example"}}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"results": [{"name": "booking:write"}, {"name": "booking:read"}]}
      """

  Scenario: Searching an unknown resource server is refused
    When the policy enforcement point asks "/access/v1/search/action" with:
      """
      {"subject": {"id": "${thor.id}"}, "resource": {"type": "https://nowhere.example"}}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"error": "Invalid resource"}
      """

  Scenario: Without the direct-auth secret every evaluation is 401
    When a caller without the direct-auth secret asks "/access/v1/evaluation" with:
      """
      {"subject": {"id": "${thor.id}"}, "resource": {"type": "https://api.booking.example"}, "action": {"name": "booking:read"}}
      """
    Then the response status is 401
    And the error code is "AUTH-4010"
    And the response header "www-authenticate" is "Bearer"

  Scenario: A wrong direct-auth secret is 401 too
    When a caller with the wrong direct-auth secret asks "/access/v1/search/action" with:
      """
      {"subject": {"id": "${thor.id}"}, "resource": {"type": "https://api.booking.example"}}
      """
    Then the response status is 401
    And the error code is "AUTH-4010"
