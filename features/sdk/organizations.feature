@sdk
Feature: SDK organization switch
  A signed-in app moves its session into another organization of the user (the legacy SDKs'
  switchOrganization, the mock's organization_switch grant); a refused switch surfaces the server's
  code and keeps the session where it was.

  Background:
    Given the SDK is configured for "sample-spa"
    And the SDK signs "thor" in

  @should
  Scenario: The SDK switches its session to an organization the user belongs to
    Source: sdk-http-calls §5.4 (switchOrganization: grant_type=organization_switch with token and switching_organization); mock rule: a user belongs to its unit and every unit below it
    When the SDK switches to the organization "01900000-0000-7000-8000-000000000004"
    Then the SDK's access token names the organization "01900000-0000-7000-8000-000000000004"
    And the SDK's access token is accepted by the UserInfo endpoint

  @should
  Scenario: A switch to an organization the user is not a member of surfaces the server's invalid_grant
    Source: sdk-http-calls §5.4; mock rule: invalid_grant "User is not a member of the organization" for a sibling unit
    When the SDK switches to the organization "01900000-0000-7000-8000-000000000003"
    Then the SDK fails with "server" "invalid_grant"
    And the SDK's access token names no switched organization
    And the SDK's access token is accepted by the UserInfo endpoint
