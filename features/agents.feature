Feature: Agents (/agents) and agent types (/agent-types)
  Agents are identities of their own: an agent type's attributes, an owner, and optionally an
  inbound client as applications have, whose OAuth client gets tokens with client_credentials by
  default. Agent names are unique among agents; client IDs across applications and agents. Agent
  types sit beside user types: only the bootstrap `default` exists, may be edited, never deleted.
  /agents needs system; /agent-types needs system:agenttype (system:agenttype:view to read).

  Background:
    Given the caller is an administrator

  Scenario: The bootstrap default agent type, and only it
    When the caller sends GET "/agent-types"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"totalResults": 1, "startIndex": 1, "count": 1,
       "types": [{"id": "01900000-0000-7000-8000-000000000011", "name": "default",
                  "ouId": "01900000-0000-7000-8000-000000000001", "allowSelfRegistration": false,
                  "isReadOnly": false}],
       "links": []}
      """
    When the caller sends GET "/user-types/01900000-0000-7000-8000-000000000011"
    Then the response status is 404
    And the error code is "USRS-1002"
    When the caller sends GET "/agent-types/01900000-0000-7000-8000-000000000010"
    Then the response status is 404
    And the response body includes the JSON:
      """
      {"code": "USRS-1002", "message": {"key": "error.entitytypeservice.agent_type_not_found", "defaultValue": "Agent type not found"}}
      """

  Scenario Outline: Agent types are restricted to default
    When the caller sends <method> "<path>" with the JSON body:
      """
      <body>
      """
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | method | path                                                  | body                                                                                 | status | code                   |
      | POST   | /agent-types                                          | {"name": "robot", "ouId": "01900000-0000-7000-8000-000000000001", "schema": {}}     | 400    | USRS-1014              |
      | POST   | /agent-types                                          | {"name": "default", "ouId": "01900000-0000-7000-8000-000000000001", "schema": {"model": {"type": "string"}}} | 409 | USRS-1003 |
      | POST   | /agent-types                                          | {"name": "default", "ouId": "01900000-0000-7000-8000-000000000001"}                 | 400    | INVALID_INPUT_METADATA |
      | PUT    | /agent-types/01900000-0000-7000-8000-000000000011     | {"name": "robot", "ouId": "01900000-0000-7000-8000-000000000001", "schema": {}}     | 400    | USRS-1014              |
      | PUT    | /agent-types/01900000-0000-7000-8000-000000000011     | {"name": "default", "ouId": "01900000-0000-7000-8000-0000000000ff", "schema": {"model": {"type": "string"}}} | 400 | USRS-1004 |
      | DELETE | /agent-types/01900000-0000-7000-8000-000000000011     | {}                                                                                   | 400    | USRS-1015              |

  @stateful
  Scenario: The default agent type's schema is edited
    When the caller sends PUT "/agent-types/01900000-0000-7000-8000-000000000011" with the JSON body:
      """
      {"name": "default", "ouId": "01900000-0000-7000-8000-000000000001",
       "schema": {"model": {"type": "string", "unique": true}}}
      """
    Then the response status is 200
    When the caller sends POST "/agents" with the JSON body:
      """
      {"name": "One", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "attributes": {"model": "m1"}}
      """
    Then the response status is 201
    When the caller sends POST "/agents" with the JSON body:
      """
      {"name": "Two", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "attributes": {"model": "m1"}}
      """
    Then the response status is 409
    And the error code is "AGT-1014"

  @stateful
  Scenario: An agent gets tokens with its generated secret until it is deleted
    When the caller sends POST "/agents" with the JSON body:
      """
      {"name": "Travel Assistant", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001",
       "attributes": {"modelProvider": "openai", "function": "assistant"},
       "inboundAuthConfig": [{"type": "oauth2", "config": {}}]}
      """
    Then the response status is 201
    And the response body includes the JSON:
      """
      {"ouHandle": "default", "type": "default", "name": "Travel Assistant",
       "owner": "01900000-0000-7000-8000-000000000100",
       "authFlowId": "01900000-0000-7000-8000-000000000061", "isRegistrationFlowEnabled": false,
       "isRecoveryFlowEnabled": false, "assertion": {"validityPeriod": 3600}, "loginConsent": {"validityPeriod": 0}}
      """
    And the response member "inboundAuthConfig.0.config.clientId" is kept as "client"
    And the response member "inboundAuthConfig.0.config.clientSecret" is kept as "secret"
    When the machine client "${var.client}" with the secret "${var.secret}" asks for a token
    Then the response status is 200
    And the access token verifies with the subject "${var.created}"
    When the caller sends POST "/agents" with the JSON body:
      """
      {"name": "Travel Assistant", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001"}
      """
    Then the response status is 409
    And the error code is "AGT-1013"
    When the caller sends POST "/applications" with the JSON body:
      """
      {"name": "Travel Assistant", "type": "m2m", "ouId": "01900000-0000-7000-8000-000000000001"}
      """
    Then the response status is 400
    And the error code is "APP-1020"
    When the caller sends DELETE "/agents/${var.created}"
    Then the response status is 204
    When the machine client "${var.client}" with the secret "${var.secret}" asks for a token
    Then the response status is 401

  @stateful
  Scenario: An agent holds the roles of its groups, and its token carries their permissions
    When the caller sends POST "/agents" with the JSON body:
      """
      {"name": "Booking Bot", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001",
       "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "booking-bot", "clientSecret": "bot-secret"}}]}
      """
    Then the response status is 201
    And the response member "id" is kept as "agent"
    When the caller sends POST "/groups" with the JSON body:
      """
      {"name": "Bots", "ouId": "01900000-0000-7000-8000-000000000001", "members": [{"id": "${var.agent}", "type": "agent"}]}
      """
    Then the response status is 201
    And the response member "id" is kept as "bots"
    When the caller sends POST "/roles" with the JSON body:
      """
      {"name": "bot-reader", "ouId": "01900000-0000-7000-8000-000000000001",
       "permissions": [{"resourceServerId": "01900000-0000-7000-8000-000000000021", "permissions": ["booking:read"]}],
       "assignments": [{"id": "${var.bots}", "type": "group"}]}
      """
    Then the response status is 201
    When the caller sends GET "/agents/${var.agent}/groups"
    Then the response body is the JSON:
      """
      {"totalResults": 1, "startIndex": 1, "count": 1,
       "groups": [{"id": "${var.bots}", "name": "Bots", "ouId": "01900000-0000-7000-8000-000000000001"}], "links": []}
      """
    When the caller sends GET "/agents/${var.agent}/roles"
    Then the response body is the JSON:
      """
      {"totalResults": 1, "startIndex": 1, "count": 1, "roles": ["bot-reader"], "links": []}
      """
    When the machine client "booking-bot" with the secret "bot-secret" asks for a token with the scope "booking:read booking:write" on "https://api.booking.example"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"scope": "booking:read"}
      """
    When the caller sends GET "/groups/${var.bots}/members?include=display"
    Then the response body includes the JSON:
      """
      {"members": [{"id": "${var.agent}", "type": "agent", "display": "Booking Bot"}]}
      """
    When the caller sends POST "/applications" with the JSON body:
      """
      {"name": "X", "type": "m2m", "ouId": "01900000-0000-7000-8000-000000000001",
       "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "booking-bot", "grantTypes": ["client_credentials"]}}]}
      """
    Then the response status is 400
    And the error code is "APP-1021"
    When the caller sends DELETE "/agents/${var.agent}"
    Then the response status is 204
    When the caller sends GET "/groups/${var.bots}/members"
    Then the response body includes the JSON:
      """
      {"totalResults": 0, "members": []}
      """

  @stateful
  Scenario: An agent without a profile field loses its inbound client on update
    When the caller sends POST "/agents" with the JSON body:
      """
      {"name": "Helper", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "logoUrl": "https://logo.example/a.png",
       "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "helper"}}]}
      """
    Then the response status is 201
    When the caller sends GET "/agents?filter=function%20eq%20%22assistant%22"
    Then the response body includes the JSON:
      """
      {"totalResults": 0, "count": 0, "agents": []}
      """
    When the caller sends GET "/agents?include=display"
    Then the response body includes the JSON:
      """
      {"totalResults": 1, "agents": [{"id": "${var.created}", "ouId": "01900000-0000-7000-8000-000000000001", "ouHandle": "default",
        "type": "default", "name": "Helper", "logoUrl": "https://logo.example/a.png", "clientId": "helper",
        "owner": "01900000-0000-7000-8000-000000000100", "isReadOnly": false}]}
      """
    When the caller sends PUT "/agents/${var.created}" with the JSON body:
      """
      {"name": "Helper", "type": "default", "description": "No client"}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"id": "${var.created}", "ouId": "01900000-0000-7000-8000-000000000001", "ouHandle": "default", "type": "default",
       "name": "Helper", "description": "No client", "owner": "01900000-0000-7000-8000-000000000100",
       "isRegistrationFlowEnabled": false, "isRecoveryFlowEnabled": false}
      """
    When the machine client "helper" with the secret "x" asks for a token
    Then the response status is 401

  @stateful
  Scenario: Without the default flow an inbound client cannot be bound
    When the caller sends DELETE "/flows/01900000-0000-7000-8000-000000000061"
    Then the response status is 204
    When the caller sends POST "/agents" with the JSON body:
      """
      {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "assertion": {}}
      """
    Then the response status is 400
    And the error code is "AGT-1030"

  Scenario Outline: Bad agents get the agent service's codes
    When the caller sends <method> "<path>" with the JSON body:
      """
      <body>
      """
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | method | path          | body | status | code |
      | POST   | /agents       | [1]  | 400    | AGT-1001 |
      | POST   | /agents       | {"name": "X"} | 400 | INVALID_INPUT_METADATA |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "logoUrl": "ftp://x"} | 400 | AGT-1041 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-0000000000ff"} | 400 | AGT-1005 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {}}, {"type": "oauth2"}]} | 400 | AGT-1038 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"clientId": "sample-web"}}]} | 409 | AGT-1037 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"grantTypes": ["authorization_code"], "responseTypes": ["code"], "redirectUris": ["not a uri"]}}]} | 400 | AGT-1002 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"grantTypes": ["password"]}}]} | 400 | AGT-1003 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"grantTypes": ["authorization_code"], "redirectUris": ["https://a.example/cb"], "responseTypes": ["token"]}}]} | 400 | AGT-1034 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"tokenEndpointAuthMethod": "tls_client_auth"}}]} | 400 | AGT-1022 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"publicClient": true, "pkceRequired": true, "grantTypes": ["authorization_code"], "responseTypes": ["code"], "redirectUris": ["https://a.example/cb"], "tokenEndpointAuthMethod": "client_secret_post"}}]} | 400 | AGT-1023 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "inboundAuthConfig": [{"type": "oauth2", "config": {"grantTypes": ["authorization_code"]}}]} | 400 | AGT-1021 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "authFlowId": "01900000-0000-7000-8000-000000000064"} | 400 | AGT-1028 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "isRegistrationFlowEnabled": true, "registrationFlowId": "01900000-0000-7000-8000-000000000061"} | 400 | AGT-1029 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "allowedUserTypes": ["Robot"]} | 400 | AGT-1031 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "themeId": "01900000-0000-7000-8000-0000000000ff"} | 400 | AGT-1032 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "layoutId": "01900000-0000-7000-8000-0000000000ff"} | 400 | AGT-1033 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "allowedUserTypes": ["Person"], "assertion": {"userAttributes": ["shoe_size"]}} | 400 | AGT-1040 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "owner": "01900000-0000-7000-8000-0000000000ff"} | 400 | AGT-1039 |
      | POST   | /agents       | {"name": "X", "type": "default", "ouId": "01900000-0000-7000-8000-000000000001", "attributes": {"model": 7}} | 400 | AGT-1015 |
      | POST   | /agents       | {"name": "X", "type": "robot", "ouId": "01900000-0000-7000-8000-000000000001"} | 400 | AGT-1015 |
      | PUT    | /agents/01900000-0000-7000-8000-0000000000ff | {"type": "default"} | 400 | AGT-1009 |
      | PUT    | /agents/01900000-0000-7000-8000-0000000000ff | {"name": "X"} | 400 | AGT-1010 |
      | PUT    | /agents/01900000-0000-7000-8000-0000000000ff | {"name": "X", "type": "default"} | 404 | AGT-1004 |

  Scenario Outline: Bad agent queries get the agent handler's codes
    When the caller sends GET "<path>"
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | path                                                   | status | code     |
      | /agents?limit=0                                        | 400    | AGT-1011 |
      | /agents?limit=101                                      | 400    | AGT-1011 |
      | /agents?offset=-1                                      | 400    | AGT-1012 |
      | /agents?filter=model                                   | 400    | AGT-1020 |
      | /agents/01900000-0000-7000-8000-0000000000ff           | 404    | AGT-1004 |
      | /agents/01900000-0000-7000-8000-0000000000ff/groups    | 404    | AGT-1004 |
      | /agents/01900000-0000-7000-8000-0000000000ff/roles?limit=x | 400 | AGT-1011 |

  Scenario: Reading agent types needs system:agenttype:view, not system
    Given the caller is "thor" without any permission
    When the caller sends GET "/agent-types"
    Then the response status is 403
    When the caller sends GET "/agents"
    Then the response status is 403
