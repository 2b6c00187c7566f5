Feature: Roles (/roles)
  A role holds permissions on resource servers and is assigned to users, apps and groups. Every
  role call needs system. Lists are newest first.

  Background:
    Given the caller is an administrator

  Scenario: The bundled roles, newest first
    When the caller sends GET "/roles"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 3, "startIndex": 1, "count": 3, "links": [],
       "roles": [
         {"id": "01900000-0000-7000-8000-000000000052", "name": "editor", "description": "Reads and changes bookings",
          "ouId": "01900000-0000-7000-8000-000000000001", "ouHandle": "default", "isReadOnly": false},
         {"id": "01900000-0000-7000-8000-000000000051", "name": "viewer", "description": "Reads bookings",
          "ouId": "01900000-0000-7000-8000-000000000001", "ouHandle": "default", "isReadOnly": false},
         {"id": "01900000-0000-7000-8000-000000000050", "name": "Administrator",
          "description": "System administrator role with full permissions",
          "ouId": "01900000-0000-7000-8000-000000000001", "ouHandle": "default", "isReadOnly": false}]}
      """

  Scenario: A role's permissions, by resource server
    When the caller sends GET "/roles/01900000-0000-7000-8000-000000000052"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"id": "01900000-0000-7000-8000-000000000052", "name": "editor", "description": "Reads and changes bookings",
       "ouId": "01900000-0000-7000-8000-000000000001", "ouHandle": "default",
       "permissions": [{"resourceServerId": "01900000-0000-7000-8000-000000000021", "permissions": ["booking:read", "booking:write"]}]}
      """

  Scenario: Who holds a role, filtered by type
    When the caller sends GET "/roles/01900000-0000-7000-8000-000000000051/assignments?include=display&type=app"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 1, "startIndex": 1, "count": 1, "links": [],
       "assignments": [{"id": "${sample-m2m.id}", "type": "app", "display": "sample-m2m"}]}
      """

  @stateful
  Scenario: A role is created with assignments, changed, and deleted
    When the caller sends POST "/roles" with the JSON body:
      """
      {"name": "auditor", "ouId": "01900000-0000-7000-8000-000000000001",
       "permissions": [{"resourceServerId": "01900000-0000-7000-8000-000000000021", "permissions": ["booking:read"]}],
       "assignments": [{"id": "${loki.id}", "type": "user"}]}
      """
    Then the response status is 201
    And the response body is the JSON:
      """
      {"id": "${var.created}", "name": "auditor", "ouId": "01900000-0000-7000-8000-000000000001", "ouHandle": "default",
       "permissions": [{"resourceServerId": "01900000-0000-7000-8000-000000000021", "permissions": ["booking:read"]}],
       "assignments": [{"id": "${loki.id}", "type": "user"}]}
      """
    When the caller sends PUT "/roles/${var.created}" with the JSON body:
      """
      {"name": "auditor", "ouId": "01900000-0000-7000-8000-000000000001"}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"permissions": null}
      """
    When the caller sends GET "/roles/${var.created}"
    Then the response body includes the JSON:
      """
      {"permissions": []}
      """
    When the caller sends DELETE "/roles/${var.created}"
    Then the response status is 204
    When the caller sends DELETE "/roles/${var.created}"
    Then the response status is 204

  @stateful
  Scenario: Assignments are added and removed
    When the caller sends POST "/roles/01900000-0000-7000-8000-000000000051/assignments/add" with the JSON body:
      """
      {"assignments": [{"id": "01900000-0000-7000-8000-000000000041", "type": "group"}]}
      """
    Then the response status is 204
    When the caller sends POST "/roles/01900000-0000-7000-8000-000000000051/assignments/remove" with the JSON body:
      """
      {"assignments": [{"id": "${loki.id}", "type": "user"}]}
      """
    Then the response status is 204
    When the caller sends GET "/roles/01900000-0000-7000-8000-000000000051/assignments"
    Then the response body is the JSON:
      """
      {"totalResults": 2, "startIndex": 1, "count": 2, "links": [],
       "assignments": [{"id": "${sample-m2m.id}", "type": "app"},
                       {"id": "01900000-0000-7000-8000-000000000041", "type": "group"}]}
      """

  Scenario Outline: Bad roles get the role service's codes
    When the caller sends <method> "<path>" with the JSON body:
      """
      <body>
      """
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | method | path                                                           | body                                                                                                                                  | status | code     |
      | POST   | /roles                                                         | []                                                                                                                                    | 400    | ROL-1001 |
      | POST   | /roles                                                         | {"name": "viewer", "ouId": "01900000-0000-7000-8000-000000000001"}                                                                    | 409    | ROL-1004 |
      | POST   | /roles                                                         | {"name": "X", "ouId": "01900000-0000-7000-8000-0000000000ff"}                                                                         | 400    | ROL-1005 |
      | POST   | /roles                                                         | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001", "assignments": [{"id": "nobody", "type": "user"}]}                      | 400    | ROL-1007 |
      | POST   | /roles                                                         | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001", "permissions": [{"resourceServerId": "01900000-0000-7000-8000-000000000021", "permissions": ["booking:delete"]}]} | 400    | ROL-1012 |
      | POST   | /roles                                                         | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001", "assignments": [{"id": "x", "type": "robot"}]}                          | 400    | ROL-1016 |
      | PUT    | /roles/01900000-0000-7000-8000-0000000000ff                    | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001"}                                                                         | 404    | ROL-1003 |
      | POST   | /roles/01900000-0000-7000-8000-000000000051/assignments/add   | {"assignments": []}                                                                                                                   | 400    | ROL-1001 |

  Scenario Outline: Bad pages and filters are refused
    When the caller sends GET "<path>"
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | path                                                                 | status | code     |
      | /roles?limit=x                                                       | 400    | ROL-1008 |
      | /roles?offset=-1                                                     | 400    | ROL-1009 |
      | /roles/01900000-0000-7000-8000-000000000051/assignments?type=robot   | 400    | ROL-1016 |
      | /roles/01900000-0000-7000-8000-0000000000ff                          | 404    | ROL-1003 |

  Scenario: Roles need system, not a finer permission
    Given the caller is "thor" without any permission
    When the caller sends GET "/roles"
    Then the response status is 403
    And the error code is "AUTH-4030"
