Feature: Groups (/groups)
  A group gathers users, apps and other groups inside an organization unit; the roles assigned to a
  group reach its members, and those of groups it belongs to. Reading needs system:group:view,
  writing system:group.

  Background:
    Given the caller is an administrator

  Scenario: Groups are listed by name
    When the caller sends GET "/groups?include=display"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 3, "startIndex": 1, "count": 3, "links": [],
       "groups": [
         {"id": "01900000-0000-7000-8000-000000000040", "name": "Administrators", "description": "System administrators group",
          "ouId": "01900000-0000-7000-8000-000000000001", "ouHandle": "default", "isReadOnly": false},
         {"id": "01900000-0000-7000-8000-000000000041", "name": "Avengers", "description": "Earth's mightiest heroes",
          "ouId": "01900000-0000-7000-8000-000000000002", "ouHandle": "engineering", "isReadOnly": false},
         {"id": "01900000-0000-7000-8000-000000000042", "name": "staff", "description": "Booking staff: may read and change bookings",
          "ouId": "01900000-0000-7000-8000-000000000002", "ouHandle": "engineering", "isReadOnly": false}]}
      """

  Scenario: A group without its members, and its members on their own
    When the caller sends GET "/groups/01900000-0000-7000-8000-000000000042"
    Then the response status is 200
    And the response body has no "members"
    When the caller sends GET "/groups/01900000-0000-7000-8000-000000000042/members?include=display"
    Then the response body is the JSON:
      """
      {"totalResults": 1, "startIndex": 1, "count": 1, "links": [],
       "members": [{"id": "${thor.id}", "type": "user", "display": "thor"}]}
      """

  @stateful
  Scenario: A group is created with members, which come back as sent
    When the caller sends POST "/groups" with the JSON body:
      """
      {"name": "Asgardians", "ouId": "01900000-0000-7000-8000-000000000001",
       "members": [{"id": "${loki.id}", "type": "user"}, {"id": "01900000-0000-7000-8000-000000000041", "type": "group"},
                   {"id": "${sample-m2m.id}", "type": "app"}]}
      """
    Then the response status is 201
    And the response body is the JSON:
      """
      {"id": "${var.created}", "name": "Asgardians", "ouId": "01900000-0000-7000-8000-000000000001",
       "members": [{"id": "${loki.id}", "type": "user"}, {"id": "01900000-0000-7000-8000-000000000041", "type": "group"},
                   {"id": "${sample-m2m.id}", "type": "app"}],
       "isReadOnly": false}
      """
    When the caller sends GET "/groups/${var.created}/members"
    Then the response body includes the JSON:
      """
      {"totalResults": 3}
      """

  @stateful
  Scenario: Members are added and removed; adding twice is harmless
    When the caller sends POST "/groups/01900000-0000-7000-8000-000000000041/members/add" with the JSON body:
      """
      {"members": [{"id": "${loki.id}", "type": "user"}, {"id": "${loki.id}", "type": "user"}]}
      """
    Then the response status is 200
    And the response body has no "members"
    When the caller sends POST "/groups/01900000-0000-7000-8000-000000000041/members/remove" with the JSON body:
      """
      {"members": [{"id": "${thor.id}", "type": "user"}]}
      """
    Then the response status is 200
    When the caller sends GET "/groups/01900000-0000-7000-8000-000000000041/members"
    Then the response body includes the JSON:
      """
      {"totalResults": 1, "members": [{"id": "${loki.id}", "type": "user"}]}
      """

  @stateful
  Scenario: A group is renamed and deleted, with its role assignments
    When the caller sends PUT "/groups/01900000-0000-7000-8000-000000000042" with the JSON body:
      """
      {"name": "crew", "ouId": "01900000-0000-7000-8000-000000000002"}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"id": "01900000-0000-7000-8000-000000000042", "name": "crew", "ouId": "01900000-0000-7000-8000-000000000002",
       "isReadOnly": false}
      """
    When the caller sends DELETE "/groups/01900000-0000-7000-8000-000000000042"
    Then the response status is 204
    When the caller sends GET "/roles/01900000-0000-7000-8000-000000000052/assignments"
    Then the response body includes the JSON:
      """
      {"totalResults": 0}
      """
    When the caller sends DELETE "/groups/01900000-0000-7000-8000-000000000042"
    Then the response status is 404
    And the error code is "GRP-1003"

  Scenario: The groups of a unit by its handle path
    When the caller sends GET "/groups/tree/default/engineering"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"totalResults": 2}
      """

  @stateful
  Scenario: A group is created in a unit named by its handle path
    When the caller sends POST "/groups/tree/default/sales" with the JSON body:
      """
      {"name": "Tricksters"}
      """
    Then the response status is 201
    And the response body includes the JSON:
      """
      {"name": "Tricksters", "ouId": "01900000-0000-7000-8000-000000000003"}
      """

  Scenario: A tree call without a path needs one
    When the caller sends GET "/groups/tree/"
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "GRP-1001",
       "message": {"key": "error.groupservice.invalid_request_format", "defaultValue": "Invalid request format"},
       "description": {"key": "error.groupservice.handle_path_required_description", "defaultValue": "Handle path is required"}}
      """

  Scenario Outline: Bad groups get the group service's codes
    When the caller sends <method> "<path>" with the JSON body:
      """
      <body>
      """
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | method | path                                                             | body                                                                                                          | status | code     |
      | POST   | /groups                                                          | {"name": 7}                                                                                                   | 400    | GRP-1001 |
      | POST   | /groups                                                          | {"name": "Avengers", "ouId": "01900000-0000-7000-8000-000000000002"}                                          | 409    | GRP-1004 |
      | POST   | /groups                                                          | {"name": "X", "ouId": "01900000-0000-7000-8000-0000000000ff"}                                                 | 400    | GRP-1005 |
      | POST   | /groups                                                          | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001", "members": [{"id": "${thor.id}", "type": "app"}]} | 400    | GRP-1007 |
      | POST   | /groups                                                          | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001", "members": [{"id": "nope", "type": "group"}]}    | 400    | GRP-1008 |
      | POST   | /groups                                                          | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001", "members": [{"id": "x", "type": "robot"}]}       | 400    | GRP-1014 |
      | POST   | /groups/01900000-0000-7000-8000-000000000041/members/add         | {"members": []}                                                                                               | 400    | GRP-1013 |
      | POST   | /groups/01900000-0000-7000-8000-0000000000ff/members/add         | {"members": [{"id": "${thor.id}", "type": "user"}]}                                                           | 404    | GRP-1003 |
      | PUT    | /groups/01900000-0000-7000-8000-0000000000ff                     | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001"}                                                 | 404    | GRP-1003 |

  Scenario Outline: Bad pages are refused
    When the caller sends GET "<path>"
    Then the response status is 400
    And the error code is "<code>"

    Examples:
      | path                 | code     |
      | /groups?limit=x      | GRP-1011 |
      | /groups?limit=101    | GRP-1011 |
      | /groups?offset=-1    | GRP-1012 |

  Scenario: A name that is too long is the struct-tag error body
    When the caller sends POST "/groups" with the JSON body:
      """
      {"name": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ouId": "x"}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "INVALID_INPUT_METADATA", "message": "Validation Failed",
       "description": "One or more inbound fields failed structural edge-boundary rules.",
       "errors": {"name": "The field 'name' exceeds its maximum allowed size of 100 characters."}}
      """

  @stateful @custom-fixtures
  Scenario: A member manager may not hand out permissions it does not hold (SAZ-4030)
    Given the server also has the application:
      """
      {"id": "01900000-0000-7000-8000-0000000000b7", "name": "ou-aware", "type": "custom",
       "flowSecret": "ou-aware-secret", "assertion": {"userAttributes": ["ouId"]}}
      """
    And the caller is an administrator
    When the caller sends POST "/groups" with the JSON body:
      """
      {"name": "Vault", "ouId": "01900000-0000-7000-8000-000000000002"}
      """
    And the response member "id" is kept as "vault"
    And the caller sends POST "/roles/01900000-0000-7000-8000-000000000050/assignments/add" with the JSON body:
      """
      {"assignments": [{"id": "${var.vault}", "type": "group"}]}
      """
    Then the response status is 204
    Given "thor" is given a role holding "system:group"
    And the caller is "thor" signed in to "ou-aware" asking for "system:group"
    When the caller sends POST "/groups/${var.vault}/members/add" with the JSON body:
      """
      {"members": [{"id": "${loki.id}", "type": "user"}]}
      """
    Then the response status is 403
    And the error code is "SAZ-4030"
    When the caller sends POST "/groups/01900000-0000-7000-8000-000000000041/members/add" with the JSON body:
      """
      {"members": [{"id": "${loki.id}", "type": "user"}]}
      """
    Then the response status is 403
    And the error code is "SSE-4030"
