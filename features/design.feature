Feature: Design (/design)
  Themes and layouts, each a handle, a display name and a JSON document, and the design an
  application resolves to: the theme and layout it names. The resolved design is what /flow/meta
  and the sign-in pages use. Managing designs needs system; resolving is public.

  Background:
    Given the caller is an administrator
    When the caller sends POST "/design/themes" with the JSON body:
      """
      {"handle": "orange", "displayName": "Orange",
       "theme": {"defaultColorScheme": "light", "colorSchemes": {"light": {"palette": {"primary": {"main": "#fa7b3f"}}}}}}
      """
    And the response member "id" is kept as "theme"
    And the caller sends POST "/design/layouts" with the JSON body:
      """
      {"handle": "grid", "displayName": "Grid", "layout": {"columns": 2}}
      """
    And the response member "id" is kept as "layout"

  Scenario: A theme created comes back with its document, and the list counts it
    When the caller sends GET "/design/themes/${var.theme}"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"id": "${var.theme}", "handle": "orange", "displayName": "Orange", "description": "", "isReadOnly": false,
       "theme": {"defaultColorScheme": "light", "colorSchemes": {"light": {"palette": {"primary": {"main": "#fa7b3f"}}}}}}
      """
    When the caller sends GET "/design/themes"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"totalResults": 1, "startIndex": 1, "count": 1, "links": []}
      """

  Scenario: A layout is updated in place; its handle stays
    When the caller sends PUT "/design/layouts/${var.layout}" with the JSON body:
      """
      {"displayName": "Wide grid", "layout": {"columns": 3}}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"id": "${var.layout}", "handle": "grid", "displayName": "Wide grid", "layout": {"columns": 3},
       "createdAt": "", "updatedAt": "", "isReadOnly": false}
      """
    When the caller sends DELETE "/design/layouts/${var.layout}"
    Then the response status is 204
    When the caller sends GET "/design/layouts/${var.layout}/usages"
    Then the response status is 404
    And the error code is "LAY-1003"

  @stateful
  Scenario: An application naming a theme resolves to it, publicly, and a theme document updates it
    When the caller sends POST "/applications" with the JSON body:
      """
      {"name": "Kiosk", "type": "custom", "ouId": "01900000-0000-7000-8000-000000000001",
       "themeId": "${var.theme}"}
      """
    Then the response status is 201
    And the response member "id" is kept as "kiosk"
    When the client sends GET "/design/resolve?type=APP&id=${var.kiosk}"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"theme": {"defaultColorScheme": "light", "colorSchemes": {"light": {"palette": {"primary": {"main": "#fa7b3f"}}}}}}
      """
    When the caller sends GET "/design/themes/${var.theme}/usages"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 1, "count": 1, "summary": {"application": 1},
       "usages": [{"resourceType": "application", "id": "${var.kiosk}", "displayName": "Kiosk", "behaviorOnDelete": "fallback"}]}
      """
    When the caller imports with the variables "{}":
      """
      resource_type: theme
      id: ${var.theme}
      handle: orange
      displayName: Orange again
      theme:
        direction: rtl
      """
    Then the response body includes the JSON:
      """
      {"results": [{"resourceType": "theme", "resourceId": "${var.theme}", "resourceName": "Orange again",
                    "operation": "update", "status": "success"}]}
      """
    When the client sends GET "/flow/meta?type=APP&id=${var.kiosk}&namespace=none"
    Then the response body includes the JSON:
      """
      {"design": {"theme": {"direction": "rtl"}, "layout": {}}}
      """

  Scenario Outline: Bad theme and layout requests are refused in the server's order
    When the caller sends <method> "<path>" with the JSON body:
      """
      <body>
      """
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | method | path                           | body                                                     | status | code     |
      | POST   | /design/themes                 | [1]                                                      | 400    | THM-1001 |
      | GET    | /design/themes/nope            | {}                                                       | 404    | THM-1003 |
      | POST   | /design/themes                 | {"handle": "x"}                                          | 400    | THM-1005 |
      | POST   | /design/themes                 | {"displayName": "X", "handle": "x"}                      | 400    | THM-1006 |
      | POST   | /design/themes                 | {"displayName": "X", "handle": "x", "theme": "dark"}     | 400    | THM-1007 |
      | GET    | /design/themes?limit=500       | {}                                                       | 400    | THM-1008 |
      | GET    | /design/themes?offset=-2       | {}                                                       | 400    | THM-1009 |
      | GET    | /design/themes?limit=ten       | {}                                                       | 400    | THM-1010 |
      | GET    | /design/themes?offset=one      | {}                                                       | 400    | THM-1011 |
      | POST   | /design/themes                 | {"displayName": "X", "handle": "orange", "theme": {}}    | 400    | THM-1015 |
      | POST   | /design/themes                 | {"displayName": "X", "theme": {}}                        | 400    | THM-1016 |
      | PUT    | /design/themes/${var.theme}    | {"displayName": "X", "handle": "blue", "theme": {}}      | 400    | THM-1017 |
      | PUT    | /design/layouts/${var.layout}  | "grid"                                                   | 400    | LAY-1001 |
      | GET    | /design/layouts/nope           | {}                                                       | 404    | LAY-1003 |
      | PUT    | /design/layouts/${var.layout}  | {"layout": {}}                                           | 400    | LAY-1005 |
      | PUT    | /design/layouts/${var.layout}  | {"displayName": "X"}                                     | 400    | LAY-1006 |
      | POST   | /design/layouts                | {"displayName": "X", "handle": "y", "layout": 3}         | 400    | LAY-1007 |
      | GET    | /design/layouts?limit=0&offset=-1 | {}                                                    | 400    | LAY-1010 |
      | GET    | /design/layouts?limit=-5       | {}                                                       | 400    | LAY-1009 |
      | GET    | /design/layouts?limit=1e2      | {}                                                       | 400    | LAY-1011 |
      | GET    | /design/layouts?offset=x       | {}                                                       | 400    | LAY-1012 |
      | POST   | /design/layouts                | {"displayName": "X", "handle": "grid", "layout": {}}     | 400    | LAY-1016 |
      | POST   | /design/layouts                | {"displayName": "X", "layout": {}}                       | 400    | LAY-1017 |
      | PUT    | /design/layouts/${var.layout}  | {"displayName": "X", "handle": "rows", "layout": {}}     | 400    | LAY-1018 |

  Scenario Outline: Resolving checks the type, the id and the application
    When the client sends GET "/design/resolve?<query>"
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | query                                               | status | code     |
      | id=01900000-0000-7000-8000-0000000000a1             | 400    | DSR-1001 |
      | type=APP                                            | 400    | DSR-1002 |
      | type=OU&id=01900000-0000-7000-8000-000000000002     | 400    | DSR-1003 |
      | type=app&id=01900000-0000-7000-8000-0000000000ff    | 404    | DSR-1004 |
      | type=APP&id=01900000-0000-7000-8000-0000000000a1    | 404    | DSR-1005 |
