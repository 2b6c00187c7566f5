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
                   {"resourceType": "presentation_definition", "status": "failed", "code": "IMP-1004", "message": "Adapter not configured", "operation": "create"}]}
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
