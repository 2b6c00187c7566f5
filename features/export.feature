Feature: Exporting the state as declarative documents (/export)
  POST /export writes the resources a request names (["*"]: every one of that kind) as the
  declarative documents /import reads: kinds in alphabetical order, each under a "# File:" line,
  client ids, client secrets and redirect URIs as template variables whose values come back as
  ".env" lines. What it writes re-imports to the same state. Every call needs system.

  Background:
    Given the caller is an administrator

  @stateful @mock-only
  Scenario: What an export writes re-imports after a reset, and its application signs users in
    When the caller imports with the variables '{}':
      """
      resource_type: flow
      id: 019a0000-0000-7000-8000-0000000000e2
      handle: exported-flow
      name: Exported flow
      flowType: AUTHENTICATION
      nodes:
        - {id: start, type: START, onSuccess: assert}
        - {id: assert, type: TASK_EXECUTION, executor: {name: AuthAssertExecutor}, onSuccess: end}
        - {id: end, type: END}
      ---
      resource_type: application
      id: 019a0000-0000-7000-8000-0000000000e1
      ouHandle: default
      name: Exported app
      type: browser
      authFlowId: 019a0000-0000-7000-8000-0000000000e2
      allowedUserTypes: [Person]
      inboundAuthConfig:
        - type: oauth2
          config:
            clientId: exported-app
            redirectUris: [http://localhost:5173/callback]
            tokenEndpointAuthMethod: none
            publicClient: true
            pkceRequired: true
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"summary": {"totalDocuments": 2, "imported": 2, "failed": 0}}
      """
    When the caller exports:
      """
      {"applications": ["019a0000-0000-7000-8000-0000000000e1"], "flows": ["019a0000-0000-7000-8000-0000000000e2"]}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"environment_variables": "EXPORTED_APP_CLIENT_ID=exported-app\nEXPORTED_APP_REDIRECT_URIS=[\"http://localhost:5173/callback\"]\n"}
      """
    When the mock is reset
    And the caller sends GET "/applications/019a0000-0000-7000-8000-0000000000e1"
    Then the response status is 404
    When the caller imports what it exported
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"summary": {"totalDocuments": 2, "imported": 2, "failed": 0},
       "results": [{"resourceType": "flow", "resourceId": "019a0000-0000-7000-8000-0000000000e2",
                    "resourceName": "Exported flow", "operation": "create", "status": "success"},
                   {"resourceType": "application", "resourceId": "019a0000-0000-7000-8000-0000000000e1",
                    "resourceName": "Exported app", "operation": "create", "status": "success"}]}
      """
    When the caller sends GET "/applications/019a0000-0000-7000-8000-0000000000e1"
    Then the response body includes the JSON:
      """
      {"clientId": "exported-app", "authFlowId": "019a0000-0000-7000-8000-0000000000e2"}
      """
    When the client sends GET "/oauth2/authorize?response_type=code&client_id=exported-app&redirect_uri=http%3A%2F%2Flocalhost%3A5173%2Fcallback&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    Then the response status is 302
    And the response header "location" starts with "${base_url}/gate/signin?applicationId=019a0000-0000-7000-8000-0000000000e1"

  Scenario: A group and a unit export as the server writes them, in kind order
    When the caller exports:
      """
      {"organizationUnits": ["01900000-0000-7000-8000-000000000003"],
       "groups": ["01900000-0000-7000-8000-000000000041", "01900000-0000-7000-8000-0000000000ff"],
       "options": {"format": "json", "folderStructure": {"fileNamingPattern": "${type}-${name}"}}}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"resources": "# File: group-Avengers.yaml\nresource_type: group\nid: 01900000-0000-7000-8000-000000000041\nname: Avengers\ndescription: Earth's mightiest heroes\nouId: 01900000-0000-7000-8000-000000000002\nmembers:\n  - id: 01900000-0000-7000-8000-000000000101\n    type: user\n\n---\n# File: organization_unit-Sales.yaml\nresource_type: organization_unit\nid: 01900000-0000-7000-8000-000000000003\nhandle: sales\nname: Sales\ndescription: Sells the products\nparent: 01900000-0000-7000-8000-000000000001\nisRegistrationFlowEnabled: false\nisRecoveryFlowEnabled: false\ncreatedAt:\nupdatedAt:\n",
       "environment_variables": ""}
      """

  Scenario Outline: A body Go cannot decode is refused (EXP-1001)
    When the caller sends POST "/export" with the JSON body:
      """
      <body>
      """
    Then the response status is 400
    And the error code is "EXP-1001"

    Examples:
      | body                                   |
      | {"applications": "*"}                  |
      | {"users": [1]}                         |
      | {"options": {"format": 1}}             |

  Scenario Outline: Nothing to export is refused (EXP-1002)
    When the caller sends POST "/export" with the JSON body:
      """
      <body>
      """
    Then the response status is 400
    And the error code is "EXP-1002"
    And the response body includes the JSON:
      """
      {"description": {"key": "error.exportservice.no_valid_resources_for_export_description",
                        "defaultValue": "No valid resources found for export"}}
      """

    Examples:
      | body                                              |
      | {}                                                |
      | {"applications": ["01900000-0000-7000-8000-0000000000ff"]} |
      | {"agents": ["*"], "agentTypes": ["01900000-0000-7000-8000-0000000000ff"]} |
