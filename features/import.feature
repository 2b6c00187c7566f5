Feature: Declarative resources over /import
  A deployment keeps its applications, flows and settings as YAML documents (one
  `resource_type: <kind>` mapping per document) and posts them to /import, filled in from
  `variables` as a Go template. Each document has its own outcome; the answer is 200 even when some
  fail. The JS SDKs' own end-to-end suite seeds its server this way.

  Background:
    Given the caller is an administrator

  @stateful
  Scenario: Applications and a CORS section are imported, then updated on a second run
    When the caller imports with the variables '{"CLIENT_ID": "e2e-browser", "URIS": ["http://localhost:5173"]}':
      """
      # Note: comment-only preambles are skipped.
      ---
      resource_type: application
      id: 019a0000-0000-7000-8000-0000000000b1
      ouHandle: default
      name: E2E browser
      type: browser
      authFlowHandle: default-flow
      allowedUserTypes: [Person]
      inboundAuthConfig:
        - type: oauth2
          config:
            clientId: "{{.CLIENT_ID}}"
            redirectUris:
              {{- range .URIS}}
              - {{.}}
              {{- end}}
            tokenEndpointAuthMethod: none
            publicClient: true
            pkceRequired: true
      ---
      resource_type: server_config
      name: cors
      value:
        allowedOrigins:
          {{- range .URIS}}
          - {{.}}
          {{- end}}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"summary": {"totalDocuments": 2, "imported": 2, "failed": 0},
       "results": [{"resourceType": "application", "resourceId": "019a0000-0000-7000-8000-0000000000b1",
                    "resourceName": "E2E browser", "operation": "create", "status": "success"},
                   {"resourceType": "server_config", "resourceId": "cors", "resourceName": "cors",
                    "operation": "update", "status": "success"}]}
      """
    When the caller sends GET "/applications/019a0000-0000-7000-8000-0000000000b1"
    Then the response body includes the JSON:
      """
      {"clientId": "e2e-browser", "authFlowId": "01900000-0000-7000-8000-000000000061"}
      """

  @stateful
  Scenario: A flow whose handle is taken updates that flow, and later documents follow its id
    When the caller imports with the variables '{}':
      """
      resource_type: application
      id: 019a0000-0000-7000-8000-0000000000b2
      ouHandle: default
      name: Follows the flow
      type: browser
      authFlowId: 019a0000-0000-7000-8000-0000000000f1
      inboundAuthConfig:
        - type: oauth2
          config:
            clientId: follows-the-flow
            redirectUris: [http://localhost:5173]
            tokenEndpointAuthMethod: none
            publicClient: true
            pkceRequired: true
      ---
      resource_type: flow
      id: 019a0000-0000-7000-8000-0000000000f1
      handle: default-flow
      name: Default, imported
      flowType: AUTHENTICATION
      interceptors: [{name: Ignored, mode: PRE_NODE}]
      nodes:
        - {id: start, type: START, onSuccess: assert}
        - {id: assert, type: TASK_EXECUTION, executor: {name: AuthAssertExecutor}, onSuccess: end}
        - {id: end, type: END}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"summary": {"totalDocuments": 2, "imported": 2, "failed": 0},
       "results": [{"resourceType": "flow", "resourceId": "01900000-0000-7000-8000-000000000061",
                    "resourceName": "Default, imported", "operation": "update", "status": "success"},
                   {"resourceType": "application", "resourceId": "019a0000-0000-7000-8000-0000000000b2",
                    "resourceName": "Follows the flow", "operation": "create", "status": "success"}]}
      """
    When the caller sends GET "/flows/01900000-0000-7000-8000-000000000061"
    Then the response body includes the JSON:
      """
      {"name": "Default, imported", "activeVersion": 2}
      """
    And the response body has no "interceptors"
    When the caller sends GET "/applications/019a0000-0000-7000-8000-0000000000b2"
    Then the response body includes the JSON:
      """
      {"authFlowId": "01900000-0000-7000-8000-000000000061"}
      """

  @stateful
  Scenario: Without upsert a flow id must be a new UUID (FLM-1018, FLM-1019)
    When the caller imports with the options '{"upsert": false}':
      """
      resource_type: flow
      id: not-a-uuid
      handle: imported-one
      name: Imported one
      flowType: AUTHENTICATION
      nodes:
        - {id: start, type: START, onSuccess: assert}
        - {id: assert, type: TASK_EXECUTION, executor: {name: AuthAssertExecutor}, onSuccess: end}
        - {id: end, type: END}
      ---
      resource_type: flow
      id: 01900000-0000-7000-8000-000000000061
      handle: imported-two
      name: Imported two
      flowType: AUTHENTICATION
      nodes:
        - {id: start, type: START, onSuccess: assert}
        - {id: assert, type: TASK_EXECUTION, executor: {name: AuthAssertExecutor}, onSuccess: end}
        - {id: end, type: END}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"summary": {"totalDocuments": 2, "imported": 0, "failed": 2},
       "results": [{"resourceType": "flow", "resourceId": "not-a-uuid", "resourceName": "Imported one",
                    "operation": "create", "status": "failed", "code": "FLM-1018", "message": "Invalid flow ID format"},
                   {"resourceType": "flow", "resourceId": "01900000-0000-7000-8000-000000000061",
                    "resourceName": "Imported two", "operation": "create", "status": "failed",
                    "code": "FLM-1019", "message": "Duplicate flow ID"}]}
      """

  @stateful
  Scenario: Identity resources are imported through their own services, ids kept
    When the caller imports with the variables '{"PASSWORD": "Imported@123"}':
      """
      resource_type: role
      id: 019a0000-0000-7000-8000-0000000000d4
      name: Imported readers
      ouHandle: imported
      permissions:
        - resourceServerId: 019a0000-0000-7000-8000-0000000000d3
          permissions: ["reports:read"]
      assignments:
        - {id: 019a0000-0000-7000-8000-0000000000d6, type: user}
      ---
      resource_type: group
      id: 019a0000-0000-7000-8000-0000000000d5
      name: Imported team
      ouHandle: imported
      members:
        - {id: 019a0000-0000-7000-8000-0000000000d6, type: user}
      ---
      resource_type: user
      id: 019a0000-0000-7000-8000-0000000000d6
      type: Contractor
      ouHandle: imported
      attributes: {username: imported-user}
      credentials: {password: "{{.PASSWORD}}"}
      ---
      resource_type: resource_server
      id: 019a0000-0000-7000-8000-0000000000d3
      name: Reports
      identifier: https://reports.example
      ouHandle: imported
      resources:
        - name: Reports
          handle: reports
          actions:
            - {name: Read, handle: read}
      ---
      resource_type: user_type
      id: 019a0000-0000-7000-8000-0000000000d2
      name: Contractor
      ouHandle: imported
      schema: '{"username": {"type": "string", "required": true, "unique": true}, "password": {"type": "string", "credential": true}}'
      ---
      resource_type: organization_unit
      id: 019a0000-0000-7000-8000-0000000000d1
      handle: imported
      name: Imported unit
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"summary": {"totalDocuments": 6, "imported": 6, "failed": 0},
       "results": [
         {"resourceType": "organization_unit", "resourceId": "019a0000-0000-7000-8000-0000000000d1", "resourceName": "Imported unit", "operation": "create", "status": "success"},
         {"resourceType": "user_type", "resourceId": "019a0000-0000-7000-8000-0000000000d2", "resourceName": "Contractor", "operation": "create", "status": "success"},
         {"resourceType": "resource_server", "resourceId": "019a0000-0000-7000-8000-0000000000d3", "resourceName": "Reports", "operation": "create", "status": "success"},
         {"resourceType": "user", "resourceId": "019a0000-0000-7000-8000-0000000000d6", "operation": "create", "status": "success"},
         {"resourceType": "group", "resourceId": "019a0000-0000-7000-8000-0000000000d5", "resourceName": "Imported team", "operation": "create", "status": "success"},
         {"resourceType": "role", "resourceId": "019a0000-0000-7000-8000-0000000000d4", "resourceName": "Imported readers", "operation": "create", "status": "success"}]}
      """
    When the caller sends GET "/roles/019a0000-0000-7000-8000-0000000000d4"
    Then the response body includes the JSON:
      """
      {"ouId": "019a0000-0000-7000-8000-0000000000d1",
       "permissions": [{"resourceServerId": "019a0000-0000-7000-8000-0000000000d3", "permissions": ["reports:read"]}]}
      """
    When the caller sends GET "/users/019a0000-0000-7000-8000-0000000000d6/groups"
    Then the response body includes the JSON:
      """
      {"totalResults": 1}
      """

  Scenario: A failed document is reported with its code, the others still apply
    When the caller imports with the variables '{}':
      """
      resource_type: application
      name: sample-spa
      type: browser
      ouHandle: default
      ---
      resource_type: presentation_definition
      handle: dark
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"summary": {"totalDocuments": 2, "imported": 0, "failed": 2},
       "results": [{"resourceType": "application", "resourceName": "sample-spa", "operation": "create",
                    "status": "failed", "code": "APP-1020", "message": "Application already exists"},
                   {"resourceType": "presentation_definition", "resourceName": "dark", "status": "failed", "code": "VP-2001", "message": "Invalid request", "operation": "create"}]}
      """

  Scenario: A template variable without a value refuses the whole request (IMP-1003)
    When the caller imports with the variables '{}':
      """
      resource_type: application
      name: "{{.NAME}}"
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "IMP-1003",
       "message": {"key": "error.import.templateResolutionFailed", "defaultValue": "Template resolution failed"},
       "description": {"key": "error.import.dynamic",
                       "defaultValue": "failed to resolve import template variables: template: import_content:2:9: executing \"import_content\" at <.NAME>: map has no entry for key \"NAME\""}}
      """

  Scenario Outline: Documents the server cannot read refuse the request (IMP-1002)
    When the caller imports with the variables '{}':
      """
      <content>
      """
    Then the response status is 400
    And the error code is "IMP-1002"
    And the response body includes the JSON:
      """
      {"description": {"key": "error.import.dynamic", "defaultValue": "<reason>"}}
      """

    Examples:
      | content                  | reason                                            |
      | name: x                  | unable to determine resource type for document 1  |
      | - resource_type: flow    | document 1 root must be a YAML mapping            |
      | resource_type: planet    | unable to determine resource type for document 1  |

  Scenario Outline: Bad requests are refused (IMP-1001)
    When the caller sends POST "<path>" with the JSON body:
      """
      <body>
      """
    Then the response status is 400
    And the response body includes the JSON:
      """
      {"code": "IMP-1001", "description": {"defaultValue": "<reason>"}}
      """

    Examples:
      | path           | body                                                            | reason                                             |
      | /import        | {"content": "  "}                                               | import content cannot be empty                     |
      | /import        | {"content": "a: b", "options": {"target": "file"}}              | file target is not supported; use runtime target   |
      | /import        | not json                                                        | The provided import request is invalid or malformed |
      | /import/delete | {"resourceType": "application"}                                 | resourceType and resourceKey are required          |
      | /import/delete | {"resourceType": "agent", "resourceKey": "x"}                   | unsupported resource type for declarative file management |
      | /import/delete | {"resourceType": "application", "resourceKey": "x"}             | resource directory not found                       |

  Scenario: A dry run reports what would happen and changes nothing
    When the caller imports as a dry run with the variables '{}':
      """
      resource_type: application
      id: 01900000-0000-7000-8000-0000000000a1
      name: renamed
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"results": [{"resourceType": "application", "resourceId": "01900000-0000-7000-8000-0000000000a1",
                    "resourceName": "renamed", "operation": "update", "status": "success"}]}
      """
    When the caller sends GET "/applications/01900000-0000-7000-8000-0000000000a1"
    Then the response body includes the JSON:
      """
      {"name": "sample-spa"}
      """
