Feature: Applications (/applications)
  Administrators register applications over /applications: the OAuth client, the flows it signs
  users in with, and what its tokens carry. The server checks the request in a fixed order and
  fills in its defaults; what it stores is live at once: a created application signs users in on
  the next request. Every call needs system.

  Background:
    Given the caller is an administrator

  Scenario: The bootstrap Console application
    When the caller sends GET "/applications/01900000-0000-7000-8000-000000000060"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"id": "01900000-0000-7000-8000-000000000060", "name": "Console", "clientId": "CONSOLE", "type": "browser",
       "authFlowId": "01900000-0000-7000-8000-000000000068", "signOutFlowId": "01900000-0000-7000-8000-00000000006a",
       "isRegistrationFlowEnabled": false, "isRecoveryFlowEnabled": false}
      """
    And the response body has no "flowSecret"

  @stateful
  Scenario: A public browser client gets the server's defaults and no secret
    When the caller sends POST "/applications" with the JSON body:
      """
      {"name": "Storefront", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001",
       "allowedUserTypes": ["Person"],
       "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "storefront",
         "redirectUris": ["http://localhost:4000/callback"], "tokenEndpointAuthMethod": "none",
         "publicClient": true, "pkceRequired": true}}]}
      """
    Then the response status is 201
    And the response body is the JSON:
      """
      {"id": "${var.created}", "ouId": "01900000-0000-7000-8000-000000000001", "name": "Storefront",
       "clientId": "storefront", "type": "browser",
       "authFlowId": "01900000-0000-7000-8000-000000000061", "isRegistrationFlowEnabled": false,
       "isRecoveryFlowEnabled": false, "signOutFlowId": "01900000-0000-7000-8000-00000000006a",
       "assertion": {"validityPeriod": 3600}, "loginConsent": {"validityPeriod": 0},
       "allowedUserTypes": ["Person"],
       "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "storefront",
         "redirectUris": ["http://localhost:4000/callback"], "grantTypes": ["authorization_code"],
         "responseTypes": ["code"], "tokenEndpointAuthMethod": "none", "pkceRequired": true,
         "publicClient": true, "requirePushedAuthorizationRequests": false, "dpopBoundAccessTokens": false,
         "includeActClaim": false,
         "token": {"accessToken": {"userConfig": {"validityPeriod": 3600}},
                   "idToken": {"validityPeriod": 3600, "userAttributes": ["email", "family_name", "given_name", "name", "picture", "roles"]},
                   "refreshToken": {"validityPeriod": 86400}},
         "userInfo": {"responseType": "JSON", "userAttributes": ["email", "family_name", "given_name", "name", "picture", "roles"]},
         "scopeClaims": {"address": [], "email": ["email"], "phone": [], "profile": ["name", "family_name", "given_name", "picture"], "roles": ["roles"]}}}]}
      """
    When the client sends GET "/oauth2/authorize?response_type=code&client_id=storefront&redirect_uri=http%3A%2F%2Flocalhost%3A4000%2Fcallback&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    Then the response status is 302
    And the response header "location" starts with "${base_url}/gate/signin?applicationId=${var.created}"

  @stateful
  Scenario: A confidential client gets a generated secret once
    When the caller sends POST "/applications" with the JSON body:
      """
      {"name": "Backend", "type": "fullstack", "ouId": "01900000-0000-7000-8000-000000000001",
       "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "backend",
         "grantTypes": ["client_credentials"]}}]}
      """
    Then the response status is 201
    And the response member "inboundAuthConfig.0.config.clientSecret" is kept as "secret"
    When the caller sends GET "/applications/${var.created}"
    Then the response body has no "flowSecret"
    When the machine client "backend" with the secret "${var.secret}" asks for a token
    Then the app receives tokens

  @stateful
  Scenario: An app-native custom application gets a flow secret
    When the caller sends POST "/applications" with the JSON body:
      """
      {"name": "Kiosk", "type": "custom", "ouId": "01900000-0000-7000-8000-000000000001"}
      """
    Then the response status is 201
    And the response member "flowSecret" is kept as "flow_secret"

  @stateful
  Scenario: An application is replaced, keeping its type, then deleted
    When the caller sends PUT "/applications/01900000-0000-7000-8000-0000000000a4" with the JSON body:
      """
      {"name": "sample-m2m", "ouId": "01900000-0000-7000-8000-000000000001",
       "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "sample-m2m",
         "grantTypes": ["client_credentials"]}}]}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"type": "m2m", "clientId": "sample-m2m"}
      """
    When the caller sends DELETE "/applications/01900000-0000-7000-8000-0000000000a4"
    Then the response status is 204
    When the caller sends DELETE "/applications/01900000-0000-7000-8000-0000000000a4"
    Then the response status is 204
    When the caller sends GET "/applications/01900000-0000-7000-8000-0000000000a4"
    Then the response status is 404
    And the error code is "APP-1001"

  Scenario: Applications are listed by id
    When the caller sends GET "/applications"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"totalResults": 15, "count": 15}
      """

  Scenario Outline: Bad applications get the application service's codes
    When the caller sends <method> "<path>" with the JSON body:
      """
      <body>
      """
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | method | path                                                  | body | status | code |
      | POST   | /applications | [1]                                                                                                                                           | 400 | APP-1018 |
      | POST   | /applications | {"name": "sample-spa", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001"}                                                    | 400 | APP-1020 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {}}, {"type": "oauth2", "config": {}}]} | 400 | APP-1009 |
      | POST   | /applications | {"name": "X", "type": "m2m", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"grantTypes": ["client_credentials"], "publicClient": true}}]} | 400 | APP-1037 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"acrValues": ["gold"]}}]} | 400 | APP-1033 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "sample-web"}}]} | 400 | APP-1021 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-0000000000ff"}                                                             | 400 | APP-1018 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "url": "not a url"}                                        | 400 | APP-1005 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "logoUrl": "ftp://x"}                                      | 400 | APP-1006 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "tosUri": "tos"}                                           | 400 | APP-1043 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "policyUri": "policy"}                                     | 400 | APP-1044 |
      | POST   | /applications | {"name": "X", "type": "desktop", "ouId": "01900000-0000-7000-8000-000000000001"}                                                            | 400 | APP-1040 |
      | POST   | /applications | {"name": "X", "type": "mobile", "ouId": "01900000-0000-7000-8000-000000000001", "attestation": {"android": {}, "apple": {}}}                | 400 | APP-1038 |
      | POST   | /applications | {"name": "X", "ouId": "01900000-0000-7000-8000-000000000001"}                                                                               | 400 | APP-1042 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "authFlowId": "01900000-0000-7000-8000-000000000064"}      | 400 | APP-1007 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "isRegistrationFlowEnabled": true, "registrationFlowId": "01900000-0000-7000-8000-000000000061"} | 400 | APP-1008 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "isRecoveryFlowEnabled": true, "recoveryFlowId": "01900000-0000-7000-8000-000000000061"} | 400 | APP-1036 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "themeId": "nope"}                                         | 400 | APP-1026 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "layoutId": "nope"}                                        | 400 | APP-1027 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "allowedUserTypes": ["Robot"]}                             | 400 | APP-1025 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "allowedUserTypes": ["Person"], "assertion": {"userAttributes": ["password"]}} | 400 | APP-1035 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"redirectUris": ["http://a/cb#x"]}}]} | 400 | APP-1012 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"grantTypes": ["password"], "redirectUris": ["http://a/cb"]}}]} | 400 | APP-1010 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"responseTypes": ["token"], "redirectUris": ["http://a/cb"]}}]} | 400 | APP-1011 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"tokenEndpointAuthMethod": "tls", "redirectUris": ["http://a/cb"]}}]} | 400 | APP-1013 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"publicClient": true, "tokenEndpointAuthMethod": "none", "redirectUris": ["http://a/cb"]}}]} | 400 | APP-1023 |
      | POST   | /applications | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {}}]} | 400 | APP-1024 |
      | PUT    | /applications/01900000-0000-7000-8000-0000000000a1 | {"name": "sample-spa", "type": "fullstack", "ouId": "01900000-0000-7000-8000-000000000001"}                        | 400 | APP-1041 |
      | PUT    | /applications/01900000-0000-7000-8000-0000000000a1 | {"name": "sample-spa", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {}}, {"type": "oauth2", "config": {}}]} | 400 | APP-1034 |
      | PUT    | /applications/01900000-0000-7000-8000-0000000000ff | {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001"}                                  | 404 | APP-1001 |

  Scenario: A redirect URI with a fragment has its own description
    When the caller sends POST "/applications" with the JSON body:
      """
      {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001",
       "inboundAuthConfig": [{"type": "oauth2", "config": {"redirectUris": ["http://a/cb#x"]}}]}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "APP-1012",
       "message": {"key": "error.applicationservice.invalid_redirect_uri", "defaultValue": "Invalid redirect URI"},
       "description": {"key": "error.applicationservice.redirect_uri_fragment_not_allowed_description",
                       "defaultValue": "Redirect URIs must not contain a fragment component"}}
      """

  @custom-fixtures
  Scenario: A registration flow other than the one the sign-in flow calls is refused (APP-1039)
    Given the server also has the flow:
      """
      {"id": "01900000-0000-7000-8000-0000000000c9", "handle": "other-signup", "name": "Other sign-up",
       "flowType": "REGISTRATION", "nodes": [
         {"id": "start", "type": "START", "onSuccess": "types"},
         {"id": "types", "type": "TASK_EXECUTION", "executor": {"name": "UserTypeResolver"}, "onSuccess": "provision"},
         {"id": "provision", "type": "TASK_EXECUTION", "executor": {"name": "ProvisioningExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    And the caller is an administrator
    When the caller sends POST "/applications" with the JSON body:
      """
      {"name": "X", "type": "browser", "ouId": "01900000-0000-7000-8000-000000000001",
       "isRegistrationFlowEnabled": true, "registrationFlowId": "01900000-0000-7000-8000-0000000000c9"}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "APP-1039",
       "message": {"key": "error.applicationservice.application_flow_mismatch", "defaultValue": "Conflicting flow references",
                   "params": {"flowType": "registration", "sourceFlowType": "authentication"}},
       "description": {"key": "error.applicationservice.application_flow_mismatch_description",
                       "defaultValue": "The authentication flow references a different registration flow than the one configured on the application. Both must point to the same registration flow.",
                       "params": {"flowType": "registration", "sourceFlowType": "authentication"}}}
      """

  Scenario: Applications need system
    Given the caller is "thor" without any permission
    When the caller sends GET "/applications"
    Then the response status is 403
    And the error code is "AUTH-4030"
