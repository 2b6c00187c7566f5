Feature: Resource servers, resources and actions (/resource-servers)
  A resource server is an API an access token can be for: its identifier is what an OAuth
  resource parameter names and what the token's aud says. Its resources (a tree) and actions
  define permission strings: a top-level resource's handle, a nested one's parent permission, the
  delimiter and its handle, an action's resource permission, the delimiter and its handle. Roles
  grant those strings. Every call needs system; lists are newest first.

  Background:
    Given the caller is an administrator

  Scenario: The bundled resource servers
    When the caller sends GET "/resource-servers"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 2, "startIndex": 1, "count": 2, "links": [],
       "resourceServers": [
         {"id": "01900000-0000-7000-8000-000000000021", "name": "booking-api",
          "description": "A sample API: bookings that can be read and written",
          "identifier": "https://api.booking.example", "type": "API",
          "ouId": "01900000-0000-7000-8000-000000000001", "delimiter": ":", "isReadOnly": false},
         {"id": "01900000-0000-7000-8000-000000000020", "name": "System", "description": "System resource server",
          "identifier": "https://localhost:8090/mcp", "type": "CUSTOM",
          "ouId": "01900000-0000-7000-8000-000000000001", "delimiter": ":", "isReadOnly": false}]}
      """

  @stateful
  Scenario: A resource server with a nested resource and actions derives their permissions
    When the caller sends POST "/resource-servers" with the JSON body:
      """
      {"name": "orders", "identifier": "https://api.orders.example", "ouId": "01900000-0000-7000-8000-000000000001",
       "delimiter": "."}
      """
    Then the response status is 201
    And the response body is the JSON:
      """
      {"id": "${var.created}", "name": "orders", "identifier": "https://api.orders.example", "type": "CUSTOM",
       "ouId": "01900000-0000-7000-8000-000000000001", "delimiter": ".", "isReadOnly": false}
      """
    And the response member "id" is kept as "rs"
    When the caller sends POST "/resource-servers/${var.rs}/resources" with the JSON body:
      """
      {"name": "Orders", "handle": "orders"}
      """
    Then the response status is 201
    And the response member "id" is kept as "orders"
    When the caller sends POST "/resource-servers/${var.rs}/resources" with the JSON body:
      """
      {"name": "Lines", "handle": "lines", "parent": "${var.orders}"}
      """
    Then the response status is 201
    And the response body includes the JSON:
      """
      {"handle": "lines", "parent": "${var.orders}", "permission": "orders.lines"}
      """
    And the response member "id" is kept as "lines"
    When the caller sends POST "/resource-servers/${var.rs}/resources/${var.lines}/actions" with the JSON body:
      """
      {"name": "Cancel", "handle": "cancel", "description": "Cancel a line"}
      """
    Then the response status is 201
    And the response body is the JSON:
      """
      {"id": "${var.created}", "name": "Cancel", "handle": "cancel", "description": "Cancel a line",
       "permission": "orders.lines.cancel"}
      """
    When the caller sends POST "/resource-servers/${var.rs}/actions" with the JSON body:
      """
      {"name": "Export", "handle": "export"}
      """
    Then the response status is 201
    And the response body includes the JSON:
      """
      {"permission": "export"}
      """
    When the caller sends GET "/resource-servers/${var.rs}/resources?parentId=${var.orders}"
    Then the response body includes the JSON:
      """
      {"totalResults": 1}
      """

  @stateful
  Scenario: Deleting what a role grants drops it from the role
    When the caller sends GET "/resource-servers/01900000-0000-7000-8000-000000000021/resources"
    And the response member "resources.0.id" is kept as "booking"
    And the caller sends GET "/resource-servers/01900000-0000-7000-8000-000000000021/resources/${var.booking}/actions"
    Then the response body includes the JSON:
      """
      {"totalResults": 2}
      """
    And the response member "actions.0.id" is kept as "write"
    When the caller sends DELETE "/resource-servers/01900000-0000-7000-8000-000000000021/resources/${var.booking}/actions/${var.write}"
    Then the response status is 204
    When the caller sends GET "/roles/01900000-0000-7000-8000-000000000052"
    Then the response body includes the JSON:
      """
      {"permissions": [{"resourceServerId": "01900000-0000-7000-8000-000000000021", "permissions": ["booking:read"]}]}
      """

  Scenario: An updated resource answers with an empty permission, as the server does
    When the caller sends GET "/resource-servers/01900000-0000-7000-8000-000000000020/resources"
    And the response member "resources.0.id" is kept as "system"
    And the caller sends PUT "/resource-servers/01900000-0000-7000-8000-000000000020/resources/${var.system}" with the JSON body:
      """
      {"name": "System", "description": "Everything"}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"handle": "system", "description": "Everything", "permission": ""}
      """

  Scenario: A resource server with resources cannot be deleted (RES-1006)
    When the caller sends DELETE "/resource-servers/01900000-0000-7000-8000-000000000020"
    Then the response status is 400
    And the error code is "RES-1006"

  Scenario Outline: Bad requests get the resource service's codes
    When the caller sends <method> "<path>" with the JSON body:
      """
      <body>
      """
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | method | path                                                                        | body                                                                                                              | status | code     |
      | POST   | /resource-servers                                                           | {"name": 1}                                                                                                       | 400    | RES-1001 |
      | POST   | /resource-servers                                                           | {"name": "System", "identifier": "https://x.example", "ouId": "01900000-0000-7000-8000-000000000001"}             | 409    | RES-1004 |
      | POST   | /resource-servers                                                           | {"name": "X", "identifier": "https://api.booking.example", "ouId": "01900000-0000-7000-8000-000000000001"}        | 409    | RES-1013 |
      | POST   | /resource-servers                                                           | {"name": "X", "identifier": "https://x.example", "ouId": "01900000-0000-7000-8000-0000000000ff"}                  | 400    | RES-1010 |
      | POST   | /resource-servers                                                           | {"name": "X", "identifier": "https://x.example", "ouId": "01900000-0000-7000-8000-000000000001", "delimiter": "x"} | 400    | RES-1015 |
      | POST   | /resource-servers/01900000-0000-7000-8000-0000000000ff/resources             | {"name": "X", "handle": "x"}                                                                                      | 404    | RES-1003 |
      | POST   | /resource-servers/01900000-0000-7000-8000-000000000021/resources             | {"name": "X", "handle": "a b"}                                                                                    | 400    | RES-1016 |
      | POST   | /resource-servers/01900000-0000-7000-8000-000000000021/resources             | {"name": "X", "handle": "a:b"}                                                                                    | 400    | RES-1017 |
      | POST   | /resource-servers/01900000-0000-7000-8000-000000000021/resources             | {"name": "X", "handle": "booking"}                                                                                | 409    | RES-1014 |
      | POST   | /resource-servers/01900000-0000-7000-8000-000000000021/resources             | {"name": "X", "handle": "x", "parent": "nope"}                                                                    | 400    | RES-1005 |
      | PUT    | /resource-servers/01900000-0000-7000-8000-000000000021/resources/nope        | {"name": "X"}                                                                                                     | 404    | RES-1008 |
      | PUT    | /resource-servers/01900000-0000-7000-8000-000000000021/actions/nope          | {"name": "X"}                                                                                                     | 404    | RES-1009 |

  Scenario Outline: Bad pages are refused
    When the caller sends GET "<path>"
    Then the response status is 400
    And the error code is "<code>"

    Examples:
      | path                              | code     |
      | /resource-servers?limit=0         | RES-1011 |
      | /resource-servers?offset=x        | RES-1012 |
