Feature: Flow metadata for sign-in UIs
  GET /flow/meta gives a sign-in page what it needs to render: the application's branding, whether
  registration and recovery are on, the organization unit, and the translations. It is public.

  Scenario: An application's metadata tells the UI which links to show
    When the client sends GET "/flow/meta?type=APP&id=01900000-0000-7000-8000-0000000000a3"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"isRegistrationFlowEnabled": true, "isRecoveryFlowEnabled": true,
       "application": {"id": "${sample-native.id}", "name": "sample-native"},
       "ou": {"id": "01900000-0000-7000-8000-000000000001", "handle": "default"},
       "design": {"theme": {}, "layout": {}}}
      """

  Scenario: A browser app without registration says so
    When the client sends GET "/flow/meta?type=APP&id=01900000-0000-7000-8000-0000000000a1"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"isRegistrationFlowEnabled": false, "isRecoveryFlowEnabled": false}
      """

  Scenario: An organization unit's metadata
    When the client sends GET "/flow/meta?type=OU&id=01900000-0000-7000-8000-000000000002"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"ou": {"id": "01900000-0000-7000-8000-000000000002", "handle": "engineering", "name": "Engineering"}}
      """

  Scenario: Without a type only the translations come back
    When the client sends GET "/flow/meta?namespace=signout"
    Then the response status is 200
    And the response body has no "application"
    And the response body includes the JSON:
      """
      {"i18n": {"language": "en-US", "totalResults": 4}}
      """

  Scenario: An unknown type is refused (FM-1001)
    When the client sends GET "/flow/meta?type=USER&id=01900000-0000-7000-8000-000000000101"
    Then the response status is 400
    And the error code is "FM-1001"

  Scenario: An unknown application is not found (FM-1002)
    When the client sends GET "/flow/meta?type=APP&id=01900000-0000-7000-8000-0000000000ff"
    Then the response status is 404
    And the error code is "FM-1002"

  Scenario: An unknown organization unit is not found (FM-1003)
    When the client sends GET "/flow/meta?type=OU&id=01900000-0000-7000-8000-0000000000ff"
    Then the response status is 404
    And the error code is "FM-1003"

  Scenario: An id needs a type (FM-1004)
    When the client sends GET "/flow/meta?id=01900000-0000-7000-8000-0000000000a1"
    Then the response status is 400
    And the error code is "FM-1004"

  Scenario: A type needs an id (FM-1005)
    When the client sends GET "/flow/meta?type=APP"
    Then the response status is 400
    And the error code is "FM-1005"
