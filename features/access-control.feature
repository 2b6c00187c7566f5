Feature: Roles, groups and permissions in tokens
  What an app sees of access control: the user's groups and roles (names, through nested groups)
  as claims, and permission scopes bound to one resource server. A request's resource parameter
  names the resource server (its identifier becomes the access token's aud); its permission scopes
  are cut down to the permissions that server defines and then to those the user's roles grant.
  Without a resource, permission scopes need a default resource server, which a fresh server does
  not have: invalid_target.

  Background:
    Given the application "sample-spa"

  Scenario: Groups and roles ride in the access token
    Given the user "thor" has signed in
    Then the access token carries the claims:
      | groups | ["Avengers","staff"] |
      | roles  | ["editor"]           |
      | aud    | sample-spa           |

  Scenario: The roles scope releases roles into the ID token
    Given the user "thor" has signed in with:
      | scope | openid roles |
    Then the ID token carries the claims:
      | roles | ["editor"] |
    And the token response has the scope "openid roles"

  Scenario: Permission scopes are bound to the resource server and cut to what the user holds
    Given the user "loki" has signed in with:
      | scope    | openid booking:read booking:write orders:read |
      | resource | https://api.booking.example                   |
    Then the token response has the scope "openid booking:read"
    And the access token carries the claims:
      | aud   | https://api.booking.example |
      | scope | openid booking:read         |
      | roles | ["viewer"]                  |

  Scenario: An editor gets both booking permissions
    Given the user "thor" has signed in with:
      | scope    | openid booking:read booking:write |
      | resource | https://api.booking.example       |
    Then the token response has the scope "openid booking:read booking:write"

  Scenario: The administrator signs in for the System resource server, as the Console does
    Given the user "admin" has signed in with:
      | scope    | openid profile system      |
      | resource | https://localhost:8090/mcp |
    Then the access token carries the claims:
      | aud    | https://localhost:8090/mcp |
      | scope  | openid profile system      |
      | groups | ["Administrators"]         |
    Given the caller holds the access token
    When the caller sends GET "/users?limit=1"
    Then the response status is 200

  Scenario: Permission scopes without a resource need a default resource server
    When the app sends the user to sign in with:
      | scope | openid booking:read |
    Then the browser is sent back to the app with "invalid_target" and "No resource parameter supplied and no default resource server is configured"

  Scenario: A resource no resource server has is invalid_target
    When the app sends the user to sign in with:
      | scope    | openid                   |
      | resource | https://nowhere.example/ |
    Then the browser is sent back to the app with "invalid_target" and "The resource parameter does not match any registered resource server"

  @stateful
  Scenario: A refresh re-checks the roles: a revoked permission disappears
    Given the user "thor" has signed in with:
      | scope    | openid booking:read booking:write |
      | resource | https://api.booking.example       |
    And the caller is an administrator
    When the caller sends POST "/roles/01900000-0000-7000-8000-000000000052/assignments/remove" with the JSON body:
      """
      {"assignments": [{"id": "01900000-0000-7000-8000-000000000042", "type": "group"}]}
      """
    And the app refreshes the tokens
    Then the token response has the scope "openid"
    And the access token carries the claims:
      | aud | https://api.booking.example |

  Scenario: An app-native sign-in gets only the permissions its user holds on the named server
    Given the application "sample-native"
    And the caller is "thor" signed in to "sample-native" asking for "booking:read booking:write system" on "https://api.booking.example"
    Then the assertion carries the claims:
      | authorized_permissions | booking:read booking:write |

  Scenario: A switched organization session names the organization as user_org
    Given the application "sample-web"
    And the user "thor" has signed in
    When "sample-web" calls the token endpoint with:
      | grant_type             | organization_switch                  |
      | token                  | ${access_token}                      |
      | switching_organization | 01900000-0000-7000-8000-000000000004 |
    Then the app receives tokens
    And the ID token carries the claims:
      | user_org | 01900000-0000-7000-8000-000000000004 |
      | org_name | Platform                             |
    When the user fetches their organization profile at "/o/users/me" with the access token
    Then the response status is 200
    And the profile has "attributes.username" set to "thor"
