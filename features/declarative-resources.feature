@custom-fixtures
Feature: Declarative resources are read-only (--resources)
  A team that keeps its configuration as the server's declarative YAML files starts the server
  with them, and the server's default composite store mode makes what the files define read-only:
  the lists say "isReadOnly": true, and a change or delete over the management APIs answers the
  kind's "cannot modify declarative" error, leaving the resource as the file defines it. What the
  APIs create beside them stays changeable, and a reset brings the files back as they were.

  Scenario: A declarative application and its flow cannot be changed or deleted
    Given the server loads the declarative resource files:
      """
      resource_type: flow
      id: 019a0000-0000-7000-8000-0000000000e2
      handle: declared-flow
      name: Declared flow
      flowType: AUTHENTICATION
      nodes:
        - {id: start, type: START, onSuccess: assert}
        - {id: assert, type: TASK_EXECUTION, executor: {name: AuthAssertExecutor}, onSuccess: end}
        - {id: end, type: END}
      ---
      resource_type: application
      id: 019a0000-0000-7000-8000-0000000000e1
      ouHandle: default
      name: Declared app
      type: browser
      authFlowHandle: declared-flow
      """
    And the caller is an administrator
    When the caller sends PUT "/applications/019a0000-0000-7000-8000-0000000000e1" with the JSON body:
      """
      {"name": "Renamed", "ouId": "01900000-0000-7000-8000-000000000001", "type": "browser"}
      """
    Then the response status is 400
    And the error code is "APP-1030"
    When the caller sends DELETE "/applications/019a0000-0000-7000-8000-0000000000e1"
    Then the response status is 400
    And the error code is "APP-1030"
    When the caller sends GET "/flows/019a0000-0000-7000-8000-0000000000e2"
    Then the response body includes the JSON:
      """
      {"name": "Declared flow", "isReadOnly": true}
      """
    When the caller sends DELETE "/flows/019a0000-0000-7000-8000-0000000000e2"
    Then the response status is 400
    And the error code is "FLM-1017"

  Scenario: Declarative groups, roles and user types refuse changes; API-created ones do not
    Given the server loads the declarative resource files:
      """
      resource_type: organization_unit
      id: 019a0000-0000-7000-8000-0000000000f1
      handle: declared-unit
      name: Declared unit
      ---
      resource_type: group
      id: 019a0000-0000-7000-8000-0000000000f2
      name: Declared group
      ouHandle: declared-unit
      ---
      resource_type: role
      id: 019a0000-0000-7000-8000-0000000000f3
      name: Declared role
      ouHandle: default
      ---
      resource_type: user_type
      id: 019a0000-0000-7000-8000-0000000000f7
      name: Contractor
      ouHandle: default
      schema: '{"username": {"type": "string", "required": true}}'
      ---
      resource_type: user
      id: 019a0000-0000-7000-8000-0000000000f8
      type: Contractor
      ouHandle: default
      attributes: {username: declared-user}
      """
    And the caller is an administrator
    When the caller sends PUT "/groups/019a0000-0000-7000-8000-0000000000f2" with the JSON body:
      """
      {"name": "Renamed", "ouId": "019a0000-0000-7000-8000-0000000000f1"}
      """
    Then the response status is 400
    And the error code is "GRP-1015"
    When the caller sends DELETE "/roles/019a0000-0000-7000-8000-0000000000f3"
    Then the response status is 400
    And the error code is "ROL-1013"
    When the caller sends DELETE "/user-types/019a0000-0000-7000-8000-0000000000f7"
    Then the response status is 403
    And the error code is "USRS-1008"
    When the caller sends DELETE "/users/019a0000-0000-7000-8000-0000000000f8"
    Then the response status is 400
    And the error code is "USR-1025"
    # PreDeleteExecutor asks the user service the same (`ValidateDeleteUser`).
    Given the administrator "admin" is signed in
    When the administrator deletes the user "declared-user" with the user deletion flow
    Then the flow status is "ERROR" and the error code is "FET-1084"
    When the caller sends GET "/groups/tree/declared-unit"
    Then the response body includes the JSON:
      """
      {"totalResults": 1,
       "groups": [{"id": "019a0000-0000-7000-8000-0000000000f2", "name": "Declared group",
                   "ouId": "019a0000-0000-7000-8000-0000000000f1", "isReadOnly": true}]}
      """
    When the caller sends POST "/groups" with the JSON body:
      """
      {"name": "Made over the API", "ouId": "01900000-0000-7000-8000-000000000001"}
      """
    Then the response status is 201
    And the response body includes the JSON:
      """
      {"name": "Made over the API", "isReadOnly": false}
      """

  Scenario: A declarative unit, theme, layout and identity provider cannot be changed
    Given the server loads the declarative resource files:
      """
      resource_type: organization_unit
      id: 019a0000-0000-7000-8000-0000000000f1
      handle: declared-unit
      name: Declared unit
      ---
      resource_type: theme
      id: 019a0000-0000-7000-8000-0000000000f4
      handle: declared-theme
      displayName: Declared theme
      theme: {direction: ltr}
      ---
      resource_type: layout
      id: 019a0000-0000-7000-8000-0000000000f5
      handle: declared-layout
      displayName: Declared layout
      layout: {direction: ltr}
      ---
      resource_type: connection
      id: 019a0000-0000-7000-8000-0000000000f9
      type: oauth
      name: Partner
      clientId: p
      clientSecret: s
      redirectUri: https://app.example/cb
      authorizationEndpoint: https://partner.example/authorize
      tokenEndpoint: https://partner.example/token
      """
    And the caller is an administrator
    When the caller sends DELETE "/organization-units/019a0000-0000-7000-8000-0000000000f1"
    Then the response status is 400
    And the error code is "OU-1012"
    When the caller sends PUT "/design/themes/019a0000-0000-7000-8000-0000000000f4" with the JSON body:
      """
      {"displayName": "Renamed", "theme": {"direction": "rtl"}}
      """
    Then the response status is 400
    And the error code is "THM-1014"
    When the caller sends DELETE "/design/layouts/019a0000-0000-7000-8000-0000000000f5"
    Then the response status is 400
    And the error code is "LAY-1015"
    When the caller sends DELETE "/connections/oauth/019a0000-0000-7000-8000-0000000000f9"
    Then the response status is 400
    And the error code is "IDP-1010"

  Scenario: A declarative resource server keeps its resources and actions
    Given the server loads the declarative resource files:
      """
      resource_type: resource_server
      id: 019a0000-0000-7000-8000-0000000000f6
      name: Declared API
      identifier: https://declared.example/api
      ouHandle: default
      resources:
        - name: Orders
          handle: orders
          actions:
            - {name: Read, handle: read}
      """
    And the caller is an administrator
    When the caller sends DELETE "/resource-servers/019a0000-0000-7000-8000-0000000000f6"
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "RES-1018",
       "message": {"key": "error.resourceservice.cannot_modify_declarative_resource_server",
                   "defaultValue": "Cannot modify declarative resource server"},
       "description": {"key": "error.resourceservice.cannot_modify_declarative_resource_server_description",
                       "defaultValue": "Resource server 019a0000-0000-7000-8000-0000000000f6 is defined in declarative configuration and cannot be modified",
                       "params": {"id": "019a0000-0000-7000-8000-0000000000f6"}}}
      """
    When the caller sends DELETE "/resource-servers/019a0000-0000-7000-8000-0000000000f6/resources/any-resource"
    Then the response status is 400
    And the error code is "RES-1019"
    When the caller sends DELETE "/resource-servers/019a0000-0000-7000-8000-0000000000f6/actions/any-action"
    Then the response status is 400
    And the error code is "RES-1020"

  Scenario: A declarative agent cannot be changed, and a reset brings the files back read-only
    Given the server loads the declarative resource files:
      """
      resource_type: agent
      id: 019a0000-0000-7000-8000-0000000000fa
      ouHandle: default
      type: default
      name: Declared agent
      """
    And the caller is an administrator
    When the caller sends PUT "/agents/019a0000-0000-7000-8000-0000000000fa" with the JSON body:
      """
      {"name": "Renamed", "type": "default"}
      """
    Then the response status is 403
    And the error code is "AGT-1027"
    When the mock is reset
    And the caller sends DELETE "/agents/019a0000-0000-7000-8000-0000000000fa"
    Then the response status is 403
    And the error code is "AGT-1027"

  Scenario: Past a thousand identity providers the connection lists fail, as the composite store's
    Given the server loads 1001 declarative copies of the resource:
      """
      resource_type: connection
      id: 019a0000-0000-7000-8000-{n}
      type: oauth
      name: Partner {n}
      clientId: partner
      clientSecret: secret
      redirectUri: https://app.example/cb
      authorizationEndpoint: https://partner.example/authorize
      tokenEndpoint: https://partner.example/token
      """
    And the caller is an administrator
    When the caller sends GET "/connections"
    Then the response status is 400
    And the error code is "IDP-1011"
    When the caller sends GET "/connections/oauth"
    Then the response status is 400
    And the error code is "IDP-1011"
    When the caller sends GET "/connections?category=sms-provider"
    Then the response status is 200

  Scenario: The application list stops at a thousand inbound clients, agents' included
    # The bundled set has 15 applications: with these, 1000.
    Given the server loads 985 declarative copies of the resource:
      """
      resource_type: application
      id: 019a0000-0000-7000-8000-{n}
      ouHandle: default
      name: Declared app {n}
      type: browser
      """
    And the caller is an administrator
    When the caller sends GET "/applications"
    Then the response body includes the JSON:
      """
      {"totalResults": 1000, "count": 1000}
      """
    When the caller sends POST "/agents" with the JSON body:
      """
      {"name": "Planner", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001",
       "inboundAuthConfig": [{"type": "oauth2", "config": {}}]}
      """
    Then the response status is 201
    When the caller sends GET "/applications"
    Then the response status is 400
    And the error code is "APP-1029"

  Scenario: Deleting a declarative application takes its stored memberships before it is refused
    Given the server loads the declarative resource files:
      """
      resource_type: application
      id: 019a0000-0000-7000-8000-0000000000e1
      ouHandle: default
      name: Declared app
      type: browser
      """
    And the caller is an administrator
    When the caller sends POST "/groups" with the JSON body:
      """
      {"name": "Partners", "ouId": "01900000-0000-7000-8000-000000000001",
       "members": [{"id": "019a0000-0000-7000-8000-0000000000e1", "type": "app"}]}
      """
    Then the response status is 201
    And the response member "id" is kept as "partners"
    When the caller sends DELETE "/applications/019a0000-0000-7000-8000-0000000000e1"
    Then the response status is 400
    And the error code is "APP-1030"
    When the caller sends GET "/groups/${var.partners}/members"
    Then the response body includes the JSON:
      """
      {"totalResults": 0, "members": []}
      """
    When the caller sends GET "/applications/019a0000-0000-7000-8000-0000000000e1"
    Then the response status is 200

  Scenario: A translation file lies under the texts the i18n API stores
    Given the server loads the declarative resource files:
      """
      resource_type: translation
      language: fr
      translations:
        layers:
          heading: Depuis le fichier
      """
    And the caller is an administrator
    When the caller sends POST "/i18n/languages/fr/translations/ns/layers/keys/heading" with the JSON body:
      """
      {"value": "Enregistré"}
      """
    Then the response status is 200
    When the caller sends GET "/i18n/languages/fr/translations/ns/layers/keys/heading/resolve"
    Then the response body includes the JSON:
      """
      {"value": "Enregistré"}
      """
    When the caller sends DELETE "/i18n/languages/fr/translations/ns/layers/keys/heading"
    Then the response status is 204
    When the caller sends GET "/i18n/languages/fr/translations/ns/layers/keys/heading/resolve"
    Then the response body includes the JSON:
      """
      {"language": "fr", "namespace": "layers", "key": "heading", "value": "Depuis le fichier"}
      """

  Scenario: A declarative presentation definition and credential configuration cannot be changed or deleted
    Given the server loads the declarative resource files:
      """
      resource_type: presentation_definition
      id: 019a0000-0000-7000-8000-0000000000d1
      handle: age-check
      vct: urn:example:age
      mandatoryClaims: [age_over_18]
      ---
      resource_type: credential_configuration
      id: 019a0000-0000-7000-8000-0000000000d2
      handle: pid
      vct: urn:example:pid
      """
    And the caller is an administrator
    When the caller sends PUT "/openid4vp/presentation-definitions/019a0000-0000-7000-8000-0000000000d1" with the JSON body:
      """
      {"handle": "age-check", "ouId": "01900000-0000-7000-8000-000000000001", "vct": "urn:example:age"}
      """
    Then the response status is 409
    And the error code is "VP-2005"
    When the caller sends DELETE "/openid4vci/credential-configurations/019a0000-0000-7000-8000-0000000000d2"
    Then the response status is 409
    And the error code is "VCI-2005"
    When the caller sends GET "/openid4vp/presentation-definitions/019a0000-0000-7000-8000-0000000000d1"
    Then the response body includes the JSON:
      """
      {"handle": "age-check", "ouId": "", "vct": "urn:example:age", "mandatoryClaims": ["age_over_18"]}
      """

  Scenario: A deleted user or group stays in the declarative groups and roles whose files list it
    Given the server loads the declarative resource files:
      """
      resource_type: group
      id: 019a0000-0000-7000-8000-0000000000c1
      name: Declared crew
      ouHandle: default
      members: [{id: 01900000-0000-7000-8000-000000000101, type: user},
                {id: 01900000-0000-7000-8000-000000000042, type: group}]
      ---
      resource_type: role
      id: 019a0000-0000-7000-8000-0000000000c2
      name: Declared crew role
      ouHandle: default
      assignments: [{id: 01900000-0000-7000-8000-000000000101, type: user}]
      """
    And the caller is an administrator
    When the caller sends DELETE "/users/01900000-0000-7000-8000-000000000101"
    Then the response status is 204
    When the caller sends DELETE "/groups/01900000-0000-7000-8000-000000000042"
    Then the response status is 204
    # Counted still, but a user that no longer exists is left off the page.
    When the caller sends GET "/groups/019a0000-0000-7000-8000-0000000000c1/members"
    Then the response body is the JSON:
      """
      {"totalResults": 2, "startIndex": 1, "count": 1, "links": [],
       "members": [{"id": "01900000-0000-7000-8000-000000000042", "type": "group"}]}
      """
    When the caller sends GET "/roles/019a0000-0000-7000-8000-0000000000c2/assignments"
    Then the response body includes the JSON:
      """
      {"totalResults": 1, "count": 0, "assignments": []}
      """

  Scenario: The API changes a declarative group's and role's stored members, never its file's
    Given the server loads the declarative resource files:
      """
      resource_type: group
      id: 019a0000-0000-7000-8000-0000000000c1
      name: Declared crew
      ouHandle: default
      members: [{id: 01900000-0000-7000-8000-000000000101, type: user}]
      ---
      resource_type: role
      id: 019a0000-0000-7000-8000-0000000000c2
      name: Declared crew role
      ouHandle: default
      assignments: [{id: 01900000-0000-7000-8000-000000000101, type: user}]
      """
    And the caller is an administrator
    # The answer is the group as the file store reads it: the file's members, read-only.
    When the caller sends POST "/groups/019a0000-0000-7000-8000-0000000000c1/members/add" with the JSON body:
      """
      {"members": [{"id": "01900000-0000-7000-8000-000000000102", "type": "user"}]}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"isReadOnly": true, "members": [{"id": "01900000-0000-7000-8000-000000000101", "type": "user"}]}
      """
    # The database's members come first, then the file's.
    When the caller sends GET "/groups/019a0000-0000-7000-8000-0000000000c1/members"
    Then the response body includes the JSON:
      """
      {"totalResults": 2, "members": [{"id": "01900000-0000-7000-8000-000000000102", "type": "user"},
                                      {"id": "01900000-0000-7000-8000-000000000101", "type": "user"}]}
      """
    When the caller sends POST "/groups/019a0000-0000-7000-8000-0000000000c1/members/remove" with the JSON body:
      """
      {"members": [{"id": "01900000-0000-7000-8000-000000000102", "type": "user"},
                   {"id": "01900000-0000-7000-8000-000000000101", "type": "user"}]}
      """
    Then the response status is 200
    When the caller sends GET "/groups/019a0000-0000-7000-8000-0000000000c1/members"
    Then the response body includes the JSON:
      """
      {"totalResults": 1, "members": [{"id": "01900000-0000-7000-8000-000000000101", "type": "user"}]}
      """
    When the caller sends POST "/roles/019a0000-0000-7000-8000-0000000000c2/assignments/remove" with the JSON body:
      """
      {"assignments": [{"id": "01900000-0000-7000-8000-000000000101", "type": "user"}]}
      """
    Then the response status is 204
    When the caller sends GET "/roles/019a0000-0000-7000-8000-0000000000c2/assignments"
    Then the response body includes the JSON:
      """
      {"totalResults": 1, "assignments": [{"id": "01900000-0000-7000-8000-000000000101", "type": "user"}]}
      """

  Scenario: Past a thousand members or assignments in the database and a file, their lists fail
    Given the server loads 1000 declarative copies of the resource, then once:
      """
      resource_type: user
      id: 019a0000-0000-7000-8000-{n}
      type: Person
      ouHandle: default
      attributes: {username: crowd-{n}, email: crowd-{n}@example.com}
      # once
      resource_type: group
      id: 019a0001-0000-7000-8000-000000000001
      name: Crowd
      ouHandle: default
      members:
        - {id: 019a0000-0000-7000-8000-{n}, type: user}
      ---
      resource_type: role
      id: 019a0002-0000-7000-8000-000000000001
      name: Crowd role
      ouHandle: default
      assignments:
        - {id: 019a0000-0000-7000-8000-{n}, type: user}
      """
    And the caller is an administrator
    # A thousand in the file are within the limit: each store's count is capped at it.
    When the caller sends GET "/groups/019a0001-0000-7000-8000-000000000001/members"
    Then the response body includes the JSON:
      """
      {"totalResults": 1000}
      """
    When the caller sends POST "/groups/019a0001-0000-7000-8000-000000000001/members/add" with the JSON body:
      """
      {"members": [{"id": "01900000-0000-7000-8000-000000000102", "type": "user"}]}
      """
    And the caller sends POST "/roles/019a0002-0000-7000-8000-000000000001/assignments/add" with the JSON body:
      """
      {"assignments": [{"id": "01900000-0000-7000-8000-000000000102", "type": "user"}]}
      """
    And the caller sends GET "/groups/019a0001-0000-7000-8000-000000000001/members"
    Then the response status is 500
    And the error code is "SSE-5000"
    When the caller sends GET "/roles/019a0002-0000-7000-8000-000000000001/assignments?type=user"
    Then the response status is 400
    And the error code is "ROL-1017"
    When the caller sends GET "/roles/019a0002-0000-7000-8000-000000000001/assignments?type=group"
    Then the response status is 200
    # The unit's users are read from the entity store, composite in every mode.
    When the caller sends GET "/organization-units/01900000-0000-7000-8000-000000000001/users"
    Then the response status is 500
    And the error code is "SSE-5000"

  Scenario: Past a thousand child units a unit's child list is OU-1013
    Given the server loads 1001 declarative copies of the resource:
      """
      resource_type: organization_unit
      id: 019a0000-0000-7000-8000-{n}
      handle: child-{n}
      name: Child unit {n}
      parent: 01900000-0000-7000-8000-000000000001
      """
    And the caller is an administrator
    When the caller sends GET "/organization-units/01900000-0000-7000-8000-000000000001/ous"
    Then the response status is 400
    And the error code is "OU-1013"
    When the caller sends GET "/organization-units/tree/default/ous"
    Then the response status is 400
    And the error code is "OU-1013"
    When the caller sends GET "/organization-units/01900000-0000-7000-8000-000000000001/ous?filter=handle%20eq%20%22child-000000000007%22"
    Then the response body includes the JSON:
      """
      {"totalResults": 1}
      """

  Scenario: Past a thousand roles or groups in the database and the files, their lists fail
    # The bundled set has three roles and three groups in the database.
    Given the server loads 998 declarative copies of the resource:
      """
      resource_type: role
      id: 019a0000-0000-7000-8000-{n}
      name: Bulk role {n}
      ouHandle: default
      ---
      resource_type: group
      id: 019a0001-0000-7000-8000-{n}
      name: Bulk group {n}
      ouHandle: default
      """
    And the caller is an administrator
    When the caller sends GET "/roles"
    Then the response status is 400
    And the error code is "ROL-1017"
    When the caller sends GET "/groups"
    Then the response status is 500
    And the error code is "SSE-5000"

  Scenario: Past a thousand root organization units the unit list is OU-1013
    Given the server loads 1000 declarative copies of the resource:
      """
      resource_type: organization_unit
      id: 019a0000-0000-7000-8000-{n}
      handle: bulk-{n}
      name: Bulk unit {n}
      """
    And the caller is an administrator
    When the caller sends GET "/organization-units"
    Then the response status is 400
    And the error code is "OU-1013"
