@custom-fixtures
Feature: The composite store's lists stop at a thousand records
  In the server's default composite store mode (declarative files beside the database) a list
  reads every record of both stores, so past a thousand records it refuses the list instead of
  paging it: the resource servers answer RES-1021, the design and entity-type stores' error
  reaches the handler as an internal error (and an onboarding flow that lists the user types
  fails), and the entity store is composite in every mode, so the agent list fails the same way.

  Scenario: Past a thousand resource servers their list is RES-1021
    Given the server loads 1001 declarative copies of the resource:
      """
      resource_type: resource_server
      id: 019a0000-0000-7000-8000-{n}
      name: Bulk API {n}
      identifier: https://bulk.example/{n}
      ouHandle: default
      """
    And the caller is an administrator
    When the caller sends GET "/resource-servers?limit=x"
    Then the response status is 400
    And the error code is "RES-1011"
    When the caller sends GET "/resource-servers?limit=1"
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "RES-1021",
       "message": {"key": "error.resourceservice.result_limit_exceeded_in_composite_mode",
                   "defaultValue": "Result limit exceeded in composite mode"},
       "description": {"key": "error.resourceservice.result_limit_exceeded_in_composite_mode_description",
                       "defaultValue": "The total number of records exceeds the maximum limit in composite mode"}}
      """

  Scenario: Past a thousand themes or layouts their lists fail with the server's 500
    Given the server loads 1001 declarative copies of the resource:
      """
      resource_type: theme
      id: 019a0000-0000-7000-8000-{n}
      handle: theme-{n}
      displayName: Theme {n}
      theme:
        direction: ltr
      ---
      resource_type: layout
      id: 019a0001-0000-7000-8000-{n}
      handle: layout-{n}
      displayName: Layout {n}
      layout:
        direction: ltr
      """
    And the caller is an administrator
    When the caller sends GET "/design/themes?offset=5000"
    Then the response status is 500
    And the error code is "SSE-5000"
    When the caller sends GET "/design/layouts"
    Then the response status is 500
    And the error code is "SSE-5000"

  Scenario: Past a thousand user types their list fails with the server's 500
    Given the server loads 1001 declarative copies of the resource:
      """
      resource_type: user_type
      id: 019a0000-0000-7000-8000-{n}
      name: Bulk {n}
      ouHandle: default
      schema: '{"username": {"type": "string"}}'
      """
    And the caller is an administrator
    When the caller sends GET "/user-types"
    Then the response status is 500
    And the error code is "SSE-5000"

  Scenario: Past a thousand user types an onboarding flow cannot list them (FET-1057)
    Given the server loads 1000 declarative copies of the resource:
      """
      resource_type: user_type
      id: 019a0000-0000-7000-8000-{n}
      name: Bulk {n}
      ouHandle: default
      schema: '{"username": {"type": "string"}}'
      """
    And the administrator "admin" is signed in
    When the administrator starts a "USER_ONBOARDING" flow
    Then the flow status is "ERROR" and the error code is "FET-1057"

  Scenario: Past a thousand agents their list fails with the server's 500
    Given the server loads 1001 declarative copies of the resource:
      """
      resource_type: agent
      id: 019a0000-0000-7000-8000-{n}
      name: Bulk agent {n}
      type: default
      ouHandle: default
      """
    And the caller is an administrator
    When the caller sends GET "/agents"
    Then the response status is 500
    And the error code is "SSE-5000"
    When the caller sends GET "/agents?filter=model%20eq%20%22none%22"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"totalResults": 0, "count": 0}
      """
