Feature: User management (/users)
  Administrators create, read, change and delete users over /users; the JS SDKs' own end-to-end
  suite seeds its test user this way (GET /user-types, POST /users) and removes it afterwards
  (GET /users?filter=username eq "…", DELETE /users/{id}). Attributes follow the user type's
  schema; credentials (the schema's credential attributes, such as password) are stored apart and
  never returned. Reading needs system:user:view, writing system:user (system covers both).

  Background:
    Given the caller is an administrator

  @stateful
  Scenario: The SDK suite's seeding call creates a user (201) without returning the password
    When the caller sends POST "/users" with the JSON body:
      """
      {"attributes": {"email": "e2e-test-user@example.com", "family_name": "E2E", "given_name": "Test",
                      "password": "E2ePassword@123", "username": "e2e-test-user"},
       "ouId": "01900000-0000-7000-8000-000000000001", "type": "Person"}
      """
    Then the response status is 201
    And the response body is the JSON:
      """
      {"id": "${var.created}", "ouId": "01900000-0000-7000-8000-000000000001", "type": "Person",
       "attributes": {"email": "e2e-test-user@example.com", "family_name": "E2E", "given_name": "Test",
                      "username": "e2e-test-user"},
       "isReadOnly": false}
      """

  @stateful
  Scenario: The new user signs in with the password it was created with
    When the caller sends POST "/users" with the JSON body:
      """
      {"attributes": {"email": "sif@asgard.example", "password": "Sif@12345", "username": "sif"},
       "ouId": "01900000-0000-7000-8000-000000000002", "type": "Person"}
      """
    Then the response status is 201
    Given the application "sample-native"
    And the user "sif" has the password "Sif@12345"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "sif"
    Then the flow status is "COMPLETE"

  Scenario: The SDK suite's teardown finds its user by username
    When the caller sends GET "/users?filter=username%20eq%20%22thor%22"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 1, "startIndex": 1, "count": 1, "links": [],
       "users": [{"id": "${thor.id}", "ouId": "01900000-0000-7000-8000-000000000002", "type": "Person",
                  "attributes": {"username": "thor", "email": "thor@asgard.example", "given_name": "Thor",
                                 "family_name": "Odinson", "mobile_number": "+15550100001"},
                  "isReadOnly": false}]}
      """

  Scenario: The list is paged with links, in id order
    When the caller sends GET "/users?limit=1&offset=1"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"totalResults": 4, "startIndex": 2, "count": 1,
       "links": [{"href": "/users?offset=0&limit=1", "rel": "first"},
                 {"href": "/users?offset=0&limit=1", "rel": "prev"},
                 {"href": "/users?offset=2&limit=1", "rel": "next"},
                 {"href": "/users?offset=3&limit=1", "rel": "last"}],
       "users": [{"id": "${thor.id}", "ouId": "01900000-0000-7000-8000-000000000002", "type": "Person",
                  "attributes": {"username": "thor", "email": "thor@asgard.example", "given_name": "Thor",
                                 "family_name": "Odinson", "mobile_number": "+15550100001"},
                  "isReadOnly": false}]}
      """

  Scenario: include=display adds each user's display name and unit handle
    When the caller sends GET "/users/${loki.id}?include=display"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"display": "loki", "ouHandle": "sales"}
      """

  @stateful
  Scenario: A user is replaced with PUT, keeping its password
    When the caller sends PUT "/users/${loki.id}" with the JSON body:
      """
      {"ouId": "01900000-0000-7000-8000-000000000003", "type": "Person",
       "attributes": {"username": "loki", "email": "loki@jotunheim.example", "nickname": "dropped"}}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"id": "${loki.id}", "ouId": "01900000-0000-7000-8000-000000000003", "type": "Person",
       "attributes": {"username": "loki", "email": "loki@jotunheim.example"}, "isReadOnly": false}
      """
    Given the application "sample-native"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "loki"
    Then the flow status is "COMPLETE"

  @stateful
  Scenario: A deleted user is gone, with its group memberships
    When the caller sends DELETE "/users/${thor.id}"
    Then the response status is 204
    When the caller sends GET "/users/${thor.id}"
    Then the response status is 404
    And the error code is "USR-1003"
    When the caller sends GET "/groups/01900000-0000-7000-8000-000000000042/members"
    Then the response body includes the JSON:
      """
      {"totalResults": 0, "members": []}
      """

  Scenario: A user's direct groups, by name
    When the caller sends GET "/users/${thor.id}/groups"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 2, "startIndex": 1, "count": 2, "links": [],
       "groups": [{"id": "01900000-0000-7000-8000-000000000041", "name": "Avengers", "ouId": "01900000-0000-7000-8000-000000000002"},
                  {"id": "01900000-0000-7000-8000-000000000042", "name": "staff", "ouId": "01900000-0000-7000-8000-000000000002"}]}
      """

  Scenario: What depends on a user
    When the caller sends GET "/users/${thor.id}/usages"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 0, "count": 0, "summary": {}, "usages": []}
      """

  Scenario: The users of a unit by its handle path carry only their ids
    When the caller sends GET "/users/tree/default/engineering"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 1, "startIndex": 1, "count": 1, "links": [],
       "users": [{"id": "${thor.id}", "isReadOnly": false}]}
      """

  @stateful
  Scenario: A user is created in a unit named by its handle path
    When the caller sends POST "/users/tree/default/sales" with the JSON body:
      """
      {"type": "Person", "attributes": {"username": "hela", "email": "hela@hel.example"}}
      """
    Then the response status is 201
    And the response body includes the JSON:
      """
      {"ouId": "01900000-0000-7000-8000-000000000003", "type": "Person"}
      """

  @stateful
  Scenario: An administrator sets a user's password
    When the caller sends POST "/users/${loki.id}/update-credentials" with the JSON body:
      """
      {"credentials": {"password": "Loki@67890"}}
      """
    Then the response status is 204
    Given the application "sample-native"
    And the user "loki" has the password "Loki@67890"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "loki"
    Then the flow status is "COMPLETE"

  Scenario Outline: Bad requests get the user service's codes
    When the caller sends <method> "<path>" with the JSON body:
      """
      <body>
      """
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | method | path                                            | body                                                                                                          | status | code     |
      | POST   | /users                                          | not json                                                                                                      | 400    | USR-1001 |
      | POST   | /users                                          | {"ouId": "01900000-0000-7000-8000-0000000000ff", "type": "Person", "attributes": {}}                          | 404    | USR-1005 |
      | POST   | /users                                          | {"ouId": "01900000-0000-7000-8000-000000000001", "type": "Robot", "attributes": {}}                           | 400    | USR-1021 |
      | POST   | /users                                          | {"ouId": "01900000-0000-7000-8000-000000000001", "type": "Person", "attributes": {"username": "x"}}            | 400    | USR-1019 |
      | POST   | /users                                          | {"ouId": "01900000-0000-7000-8000-000000000001", "type": "Person", "attributes": {"username": "thor", "email": "t@x.example"}} | 409    | USR-1014 |
      | PUT    | /users/${thor.id}                               | {"ouId": "", "type": "Person", "attributes": {}}                                                             | 400    | USR-1022 |
      | PUT    | /users/${thor.id}                               | {"ouId": "01900000-0000-7000-8000-000000000002", "type": "Person", "attributes": {"password": "x"}}           | 400    | USR-1028 |
      | PUT    | /users/01900000-0000-7000-8000-0000000000ff     | {"ouId": "01900000-0000-7000-8000-000000000002", "type": "Person"}                                           | 404    | USR-1003 |
      | POST   | /users/${thor.id}/update-credentials            | {"credentials": {}}                                                                                           | 400    | USR-1017 |
      | POST   | /users/${thor.id}/update-credentials            | {"credentials": {"passkey": "x"}}                                                                             | 400    | USR-1024 |
      | POST   | /users/${thor.id}/update-credentials            | {"credentials": {"email": "x"}}                                                                               | 400    | USR-1024 |
      | POST   | /users/tree/default//sales                      | {"type": "Person"}                                                                                            | 400    | USR-1009 |

  Scenario Outline: Bad queries get the user service's codes
    When the caller sends GET "<path>"
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | path                                        | status | code     |
      | /users?limit=0                              | 400    | USR-1011 |
      | /users?limit=101                            | 400    | USR-1011 |
      | /users?offset=-1                            | 400    | USR-1012 |
      | /users?filter=username%20ne%20%22thor%22    | 400    | USR-1020 |
      | /users/                                     | 400    | USR-1002 |
      | /users/tree/                                | 400    | USR-1008 |
      | /users/tree/default/nowhere                 | 404    | USR-1005 |

  Scenario: A missing type or unit is the struct-tag error body
    When the caller sends POST "/users" with the JSON body:
      """
      {"attributes": {"username": "x"}}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "INVALID_INPUT_METADATA", "message": "Validation Failed",
       "description": "One or more inbound fields failed structural edge-boundary rules.",
       "errors": {"ouId": "The field 'ouId' is missing but is strictly required.",
                  "type": "The field 'type' is missing but is strictly required."}}
      """

  @stateful
  Scenario: A user type of a sub-unit cannot hold users above it (USR-1023)
    When the caller sends POST "/user-types" with the JSON body:
      """
      {"name": "Engineer", "ouId": "01900000-0000-7000-8000-000000000002",
       "schema": {"username": {"type": "string", "required": true}}}
      """
    Then the response status is 201
    When the caller sends POST "/users" with the JSON body:
      """
      {"ouId": "01900000-0000-7000-8000-000000000003", "type": "Engineer", "attributes": {"username": "x"}}
      """
    Then the response status is 400
    And the error code is "USR-1023"

  Scenario: A user without system:user is forbidden (AUTH-4030)
    Given the caller is "thor" without any permission
    When the caller sends GET "/users"
    Then the response status is 403
    And the error code is "AUTH-4030"

  @stateful
  Scenario: A caller with system:user:view sees only its own unit's users
    Given the caller is a machine client holding "system:user:view"
    When the caller sends GET "/users"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"totalResults": 0}
      """
    When the caller sends GET "/users/${thor.id}"
    Then the response status is 403
    And the error code is "SSE-4030"
