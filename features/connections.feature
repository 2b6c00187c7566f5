Feature: Connections (/connections)
  Identity providers (google, github, oidc, oauth) and SMS notification senders (twilio, vonage,
  sms-gateway), managed per vendor. Secrets are write-only; a flow whose node names a connection
  (properties.idpId or properties.senderId) keeps it from being deleted. Managing them needs system.

  Background:
    Given the caller is an administrator

  @stateful
  Scenario: A Google connection gets the server's defaults and its secret is never shown
    When the caller sends POST "/connections/google" with the JSON body:
      """
      {"name": "Google", "clientId": "c", "clientSecret": "s", "redirectUri": "https://localhost:8090/gate/callback"}
      """
    Then the response status is 201
    And the response member "id" is kept as "google"
    And the response body is the JSON:
      """
      {"id": "${var.google}", "name": "Google", "type": "google", "clientId": "c", "clientSecret": "******",
       "redirectUri": "https://localhost:8090/gate/callback", "scopes": ["openid", "email", "profile"],
       "jwksEndpoint": "https://www.googleapis.com/oauth2/v3/certs",
       "attributeConfiguration": {"userTypeResolution": {"default": "Person"},
         "userTypeAttributeMappings": [{"userType": "Person", "attributes": [{"externalAttribute": "email", "localAttribute": "username"}]}],
         "accountLinking": {"attributes": ["email"]}}}
      """
    When the caller sends PUT "/connections/google/${var.google}" with the JSON body:
      """
      {"name": "Google", "description": "Workspace", "clientId": "c2", "redirectUri": "https://localhost:8090/gate/callback",
       "scopes": ["email"]}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"id": "${var.google}", "name": "Google", "description": "Workspace", "type": "google", "clientId": "c2",
       "clientSecret": "******", "redirectUri": "https://localhost:8090/gate/callback", "scopes": ["email", "openid"],
       "jwksEndpoint": "https://www.googleapis.com/oauth2/v3/certs"}
      """
    When the caller sends GET "/connections/google"
    Then the response status is 200
    And the response body is the JSON:
      """
      [{"id": "${var.google}", "name": "Google", "description": "Workspace"}]
      """
    When the caller sends GET "/connections/github/${var.google}"
    Then the response status is 404
    And the error code is "IDP-1001"
    When the caller sends DELETE "/connections/google/${var.google}"
    Then the response status is 204
    When the caller sends GET "/connections/google/${var.google}/usages"
    Then the response status is 404
    And the error code is "IDP-1001"

  @stateful
  Scenario: The list covers both kinds, sorted by type and name, paged with links
    When the caller sends POST "/connections/oidc" with the JSON body:
      """
      {"name": "Corporate", "clientId": "c", "clientSecret": "s", "redirectUri": "https://app/cb",
       "authorizationEndpoint": "https://idp/authorize", "tokenEndpoint": "https://idp/token", "idJagEnabled": true,
       "issuer": "https://idp", "jwksEndpoint": "https://idp/jwks"}
      """
    Then the response status is 201
    And the response member "id" is kept as "oidc"
    When the caller sends POST "/connections/vonage" with the JSON body:
      """
      {"name": "Vonage", "apiKey": "k", "apiSecret": "s", "senderId": "Acme"}
      """
    Then the response status is 201
    And the response member "id" is kept as "vonage"
    And the response body is the JSON:
      """
      {"id": "${var.vonage}", "name": "Vonage", "type": "vonage", "apiKey": "k", "apiSecret": "******", "senderId": "Acme"}
      """
    When the caller sends POST "/connections/github" with the JSON body:
      """
      {"name": "GitHub", "clientId": "c", "clientSecret": "s", "redirectUri": "https://app/cb"}
      """
    Then the response status is 201
    And the response member "id" is kept as "github"
    When the caller sends GET "/connections?limit=2"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 3, "startIndex": 1, "count": 2,
       "connections": [{"id": "${var.github}", "name": "GitHub", "type": "github", "categories": ["identity-provider"]},
                       {"id": "${var.oidc}", "name": "Corporate", "type": "oidc", "categories": ["identity-provider"], "idJagEnabled": true}],
       "links": [{"href": "/connections?offset=2&limit=2", "rel": "next"}, {"href": "/connections?offset=2&limit=2", "rel": "last"}]}
      """
    When the caller sends GET "/connections?category=sms-provider"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 1, "startIndex": 1, "count": 1,
       "connections": [{"id": "${var.vonage}", "name": "Vonage", "type": "vonage", "categories": ["sms-provider"]}],
       "links": []}
      """

  Scenario Outline: A bad category or page is refused
    When the caller sends GET "<path>"
    Then the response status is 400
    And the error code is "<code>"

    Examples:
      | path                            | code     |
      | /connections?category=email     | CON-1001 |
      | /connections?limit=x            | CON-1002 |
      | /connections?limit=0            | CON-1002 |
      | /connections?limit=101          | CON-1002 |
      | /connections?offset=x           | CON-1003 |
      | /connections?offset=-1          | CON-1003 |

  Scenario Outline: A create is checked in the server's order
    When the caller sends POST "/connections/<vendor>" with the JSON body:
      """
      <body>
      """
    Then the response status is 400
    And the error code is "<code>"
    And the response body includes the JSON:
      """
      {"description": {"defaultValue": "<description>"}}
      """

    Examples:
      | vendor      | body                                                                                       | code     | description                                                          |
      | oauth       | {"name": 7}                                                                                | IDP-1009 | The request body is malformed or contains invalid data               |
      | twilio      | not json                                                                                   | IDP-1009 | The request body is malformed or contains invalid data               |
      | github      | {"name": " ", "clientId": "c"}                                                             | IDP-1003 | The provided identity provider name is invalid or empty              |
      | oauth       | {"name": "O", "clientId": "c", "clientSecret": "s", "redirectUri": "https://a/cb"}        | IDP-1006 | required property 'authorization_endpoint' is missing for IDP type 'OAUTH' |
      | google      | {"name": "G", "tokenExchangeEnabled": true, "issuer": "https://accounts.google.com"}      | IDP-1006 | required property 'jwks_endpoint' is missing for IDP type 'GOOGLE'   |
      | twilio      | {"name": ""}                                                                               | MNS-1003 | The provided sender name is invalid                                  |
      | twilio      | {"name": "T", "accountSid": "AC1", "authToken": "t", "senderId": "s"}                     | MNS-1006 | invalid Twilio account SID format                                    |
      | vonage      | {"name": "V", "apiKey": "k", "senderId": "s"}                                              | MNS-1006 | required property missing for the provider: api_secret               |
      | sms-gateway | {"name": "S"}                                                                              | MNS-1006 | message notification sender properties cannot be empty               |
      | sms-gateway | {"name": "S", "httpMethod": "POST"}                                                        | MNS-1006 | custom provider must have a URL property                             |
      | sms-gateway | {"name": "S", "url": "https://sms", "httpMethod": "put"}                                   | MNS-1006 | custom provider must have a valid HTTP method                        |
      | sms-gateway | {"name": "S", "url": "https://sms", "contentType": "xml"}                                  | MNS-1006 | custom provider must have a valid content type (JSON or FORM)        |

  Scenario Outline: An attribute configuration is checked against the user types
    When the caller sends POST "/connections/oauth" with the JSON body:
      """
      {"name": "O", "clientId": "c", "clientSecret": "s", "redirectUri": "https://a/cb",
       "authorizationEndpoint": "https://a/authorize", "tokenEndpoint": "https://a/token",
       "attributeConfiguration": <config>}
      """
    Then the response status is 400
    And the error code is "IDP-1012"
    And the response body includes the JSON:
      """
      {"description": {"defaultValue": "<description>"}}
      """

    Examples:
      | config                                                                                                                                  | description                                                                     |
      | {"userTypeAttributeMappings": [{"userType": "Person"}]}                                                                                 | attribute configuration requires an user type                                   |
      | {"userTypeResolution": {"valueMapping": {"staff": "Person"}}}                                                                           | user type resolution value mapping requires an external attribute              |
      | {"userTypeResolution": {"externalAttribute": "kind"}}                                                                                   | claim-driven user type resolution requires a default user type as the fallback |
      | {"userTypeResolution": {"default": "Person", "externalAttribute": "kind", "valueMapping": {"staff": "Robot"}}}                         | user type resolution maps to invalid user type 'Robot'                          |
      | {"userTypeResolution": {"default": "Person"}, "userTypeAttributeMappings": [{"userType": ""}]}                                           | each user type attributes entry requires an user type                           |
      | {"userTypeResolution": {"default": "Person"}, "userTypeAttributeMappings": [{"userType": "Person"}, {"userType": "Person"}]}            | user type 'Person' is configured more than once                                 |
      | {"userTypeResolution": {"default": "Person"}, "userTypeAttributeMappings": [{"userType": "Person", "attributes": [{"externalAttribute": "", "localAttribute": "email"}]}]} | attribute mapping must not contain empty attribute names |
      | {"userTypeResolution": {"default": "Person"}, "userTypeAttributeMappings": [{"userType": "Person", "attributes": [{"externalAttribute": "a", "localAttribute": "email"}, {"externalAttribute": "b", "localAttribute": "email"}]}]} | local attribute name 'email' appears as a mapping target more than once |
      | {"userTypeResolution": {"default": "Person"}, "userTypeAttributeMappings": [{"userType": "Person", "attributes": [{"externalAttribute": "a", "localAttribute": "shoe_size"}]}]} | local claim 'shoe_size' is not an attribute of user type 'Person' |
      | {"userTypeResolution": {"default": "Person"}, "userTypeAttributeMappings": [{"userType": "Robot"}]}                                     | invalid user type 'Robot' for attribute configuration: The user type with the specified id does not exist |

  @stateful
  Scenario: Names are unique per kind, and an unknown sender is the sender's 404
    When the caller sends POST "/connections/sms-gateway" with the JSON body:
      """
      {"name": "Gateway", "url": "https://sms.example/send", "httpMethod": "post", "contentType": "json"}
      """
    Then the response status is 201
    And the response member "id" is kept as "gateway"
    When the caller sends POST "/connections/twilio" with the JSON body:
      """
      {"name": "Gateway", "accountSid": "AC0123456789abcdef0123456789abcdef", "authToken": "t", "senderId": "+1555"}
      """
    Then the response status is 409
    And the error code is "MNS-1005"
    When the caller sends POST "/connections/oauth" with the JSON body:
      """
      {"name": "Gateway", "clientId": "c", "clientSecret": "s", "redirectUri": "https://a/cb",
       "authorizationEndpoint": "https://a/authorize", "tokenEndpoint": "https://a/token"}
      """
    Then the response status is 201
    When the caller sends POST "/connections/oauth" with the JSON body:
      """
      {"name": "Gateway", "clientId": "c", "clientSecret": "s", "redirectUri": "https://a/cb",
       "authorizationEndpoint": "https://a/authorize", "tokenEndpoint": "https://a/token"}
      """
    Then the response status is 409
    And the error code is "IDP-1005"
    When the caller sends DELETE "/connections/twilio/${var.gateway}"
    Then the response status is 404
    And the error code is "MNS-1001"

  @stateful
  Scenario: A flow naming a connection shows in its usages and blocks its deletion
    When the caller sends POST "/connections/github" with the JSON body:
      """
      {"name": "GitHub", "clientId": "c", "clientSecret": "s", "redirectUri": "https://localhost:8090/gate/callback"}
      """
    Then the response member "id" is kept as "github"
    When the caller sends POST "/connections/twilio" with the JSON body:
      """
      {"name": "Twilio", "accountSid": "AC0123456789abcdef0123456789abcdef", "authToken": "t", "senderId": "+1555"}
      """
    Then the response member "id" is kept as "twilio"
    When the caller sends POST "/flows" with the JSON body:
      """
      {"handle": "github-or-sms", "name": "GitHub or SMS", "flowType": "AUTHENTICATION",
       "nodes": [
         {"id": "start", "type": "START", "onSuccess": "github"},
         {"id": "github", "type": "TASK_EXECUTION", "properties": {"idpId": "${var.github}"},
          "executor": {"name": "GithubOAuthExecutor"}, "onSuccess": "otp"},
         {"id": "otp", "type": "TASK_EXECUTION", "properties": {"senderId": "${var.twilio}", "smsTemplate": "otp"},
          "executor": {"name": "SMSExecutor"}, "onSuccess": "assert"},
         {"id": "assert", "type": "TASK_EXECUTION", "executor": {"name": "AuthAssertExecutor"}, "onSuccess": "end"},
         {"id": "end", "type": "END"}]}
      """
    Then the response status is 201
    And the response member "id" is kept as "flow"
    When the caller sends GET "/connections/github/${var.github}/usages"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 1, "count": 1, "summary": {"flow": 1},
       "usages": [{"resourceType": "flow", "id": "${var.flow}", "displayName": "GitHub or SMS", "behaviorOnDelete": "restrict"}]}
      """
    When the caller sends DELETE "/connections/github/${var.github}"
    Then the response status is 409
    And the error code is "IDP-1013"
    And the response body includes the JSON:
      """
      {"description": {"defaultValue": "The identity provider cannot be deleted because 1 flow(s) depend on it. Remove or reassign them first."}}
      """
    When the caller sends DELETE "/connections/twilio/${var.twilio}"
    Then the response status is 409
    And the error code is "MNS-1016"
    When the caller sends DELETE "/flows/${var.flow}"
    Then the response status is 204
    When the caller sends DELETE "/connections/twilio/${var.twilio}"
    Then the response status is 204

  @stateful
  Scenario: /import creates a connection with its id, then updates it
    When the caller sends POST "/import" with the JSON body:
      """
      {"content": "resource_type: connection\nid: 019a0000-0000-7000-8000-0000000000c1\ntype: oauth\nname: Partner\nclientId: p\nclientSecret: '{{.SECRET}}'\nredirectUri: https://app/cb\nauthorizationEndpoint: https://partner/authorize\ntokenEndpoint: https://partner/token\n",
       "variables": {"SECRET": "s"}}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"results": [{"resourceType": "connection", "resourceId": "019a0000-0000-7000-8000-0000000000c1",
                    "resourceName": "Partner", "operation": "create", "status": "success"}]}
      """
    When the caller sends POST "/import" with the JSON body:
      """
      {"content": "resource_type: connection\nid: 019a0000-0000-7000-8000-0000000000c1\ntype: oauth\nname: Partner\n---\nresource_type: connection\ntype: email\nname: Mail\n",
       "dryRun": true}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"results": [{"resourceType": "connection", "resourceId": "019a0000-0000-7000-8000-0000000000c1",
                    "resourceName": "Partner", "operation": "update", "status": "success"},
                   {"resourceType": "connection", "status": "failed", "code": "IMP-1002",
                    "message": "failed to decode connection document: unsupported connection vendor: email"}]}
      """
    When the caller sends POST "/import" with the JSON body:
      """
      {"content": "resource_type: connection\nid: 019a0000-0000-7000-8000-0000000000c1\ntype: oauth\nname: Partner\nclientId: p2\n"}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"results": [{"resourceType": "connection", "resourceId": "019a0000-0000-7000-8000-0000000000c1",
                    "resourceName": "Partner", "operation": "update", "status": "failed", "code": "IDP-1006",
                    "message": "Invalid identity provider property"}]}
      """
    When the caller sends GET "/connections/oauth/019a0000-0000-7000-8000-0000000000c1"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"name": "Partner", "clientId": "p", "clientSecret": "******"}
      """
