Feature: User types (/user-types)
  A user type names a schema: each attribute's type (string, number, boolean, object, array),
  whether it is required, unique or a credential, its display name, allowed values and pattern.
  Users name their type by name. The SDK end-to-end suite pages through GET /user-types to find
  "Person" and its unit before it creates its test user.

  Background:
    Given the caller is an administrator

  Scenario: The SDK suite finds Person and its unit
    When the caller sends GET "/user-types?limit=100&offset=0"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 1, "startIndex": 1, "count": 1, "links": [],
       "types": [{"id": "01900000-0000-7000-8000-000000000010", "name": "Person",
                  "ouId": "01900000-0000-7000-8000-000000000001", "allowSelfRegistration": true,
                  "systemAttributes": {"display": "username"}, "isReadOnly": false}]}
      """

  Scenario: A user type carries its schema as given
    When the caller sends GET "/user-types/01900000-0000-7000-8000-000000000010?include=display"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"name": "Person", "ouHandle": "default",
       "schema": {"password": {"type": "string", "displayName": "Password", "credential": true},
                  "username": {"type": "string", "displayName": "Username", "required": true, "unique": true}}}
      """

  @stateful
  Scenario: A user type is created, changed and deleted
    When the caller sends POST "/user-types" with the JSON body:
      """
      {"name": "Contractor", "ouId": "01900000-0000-7000-8000-000000000002",
       "systemAttributes": {"display": "badge"},
       "schema": {"badge": {"type": "number", "required": true, "unique": true},
                  "address": {"type": "object", "properties": {"city": {"type": "string"}}},
                  "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}}}
      """
    Then the response status is 201
    And the response body is the JSON:
      """
      {"id": "${var.created}", "name": "Contractor", "ouId": "01900000-0000-7000-8000-000000000002",
       "allowSelfRegistration": false, "systemAttributes": {"display": "badge"},
       "schema": {"badge": {"type": "number", "required": true, "unique": true},
                  "address": {"type": "object", "properties": {"city": {"type": "string"}}},
                  "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}}}
      """
    And the response member "id" is kept as "type"
    When the caller sends POST "/users" with the JSON body:
      """
      {"ouId": "01900000-0000-7000-8000-000000000002", "type": "Contractor",
       "attributes": {"badge": 7, "address": {"city": "Oslo"}, "tags": ["a"]}}
      """
    Then the response status is 201
    When the caller sends PUT "/user-types/${var.type}" with the JSON body:
      """
      {"name": "Consultant", "ouId": "01900000-0000-7000-8000-000000000002",
       "schema": {"badge": {"type": "number"}}}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"name": "Consultant", "allowSelfRegistration": false}
      """
    When the caller sends DELETE "/user-types/${var.type}"
    Then the response status is 204
    When the caller sends DELETE "/user-types/${var.type}"
    Then the response status is 204
    When the caller sends GET "/user-types/${var.type}"
    Then the response status is 404
    And the error code is "USRS-1002"

  Scenario: An invalid schema is refused with the compiler's reason (USRS-1004)
    When the caller sends POST "/user-types" with the JSON body:
      """
      {"name": "Broken", "ouId": "01900000-0000-7000-8000-000000000001",
       "schema": {"age": {"type": "integer"}}}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "USRS-1004",
       "message": {"key": "error.entitytypeservice.invalid_user_type_request", "defaultValue": "Invalid user type request"},
       "description": {"key": "error.entitytypeservice.invalid_user_type_request_description",
                       "defaultValue": "The user type request contains invalid or missing required fields: invalid property 'age': invalid type 'integer', must be one of: string, number, boolean, object, array"}}
      """

  Scenario: A body that is not JSON is refused (USRS-1001)
    When the caller sends POST "/user-types" with the JSON body:
      """
      {"name":
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "USRS-1001",
       "message": {"key": "error.entitytypeservice.invalid_request_format", "defaultValue": "Invalid request format"},
       "description": {"key": "error.entitytypeservice.create_schema_request_parse_failed_description",
                       "defaultValue": "Failed to parse request body"}}
      """

  Scenario Outline: Bad user types get the entity-type service's codes
    When the caller sends <method> "<path>" with the JSON body:
      """
      <body>
      """
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | method | path                                               | body                                                                                                                                 | status | code      |
      | POST   | /user-types                                        | {"name": "Person", "ouId": "01900000-0000-7000-8000-000000000001", "schema": {"a": {"type": "string"}}}                              | 409    | USRS-1003 |
      | POST   | /user-types                                        | {"name": "X", "ouId": "01900000-0000-7000-8000-0000000000ff", "schema": {"a": {"type": "string"}}}                                   | 400    | USRS-1004 |
      | POST   | /user-types                                        | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001", "systemAttributes": {"display": "b"}, "schema": {"a": {"type": "string"}}} | 400    | USRS-1011 |
      | POST   | /user-types                                        | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001", "systemAttributes": {"display": "a"}, "schema": {"a": {"type": "boolean"}}} | 400    | USRS-1012 |
      | POST   | /user-types                                        | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001", "systemAttributes": {"display": "a"}, "schema": {"a": {"type": "string", "credential": true}}} | 400    | USRS-1013 |
      | PUT    | /user-types/01900000-0000-7000-8000-0000000000ff   | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001", "schema": {"a": {"type": "string"}}}                                   | 404    | USRS-1002 |

  Scenario Outline: Bad pages are refused
    When the caller sends GET "<path>"
    Then the response status is 400
    And the error code is "<code>"

    Examples:
      | path                   | code      |
      | /user-types?limit=0    | USRS-1005 |
      | /user-types?limit=101  | USRS-1005 |
      | /user-types?offset=-1  | USRS-1006 |
