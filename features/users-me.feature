Feature: The signed-in user's profile (/users/me) and SCIM2 /scim2/Me
  Any JWT the server signed is accepted as the Bearer token: an access token, an ID token or a flow
  assertion (app-native SDKs use the assertion). The user is the token's subject. PUT replaces the
  whole attribute set and is validated against the user type's schema. SCIM2 /scim2/Me is what
  older SDKs and WSO2 clients call; the mock serves it.

  Background:
    Given the application "sample-spa"
    And the user "thor" has signed in

  Scenario: The access token fetches the user's profile
    When the user fetches their profile with the access token
    Then the response status is 200
    And the response body is the JSON:
      """
      {"id": "${thor.id}", "ouId": "01900000-0000-7000-8000-000000000002", "type": "Person",
       "isReadOnly": false,
       "attributes": {"username": "thor", "email": "thor@asgard.example", "given_name": "Thor",
                      "family_name": "Odinson", "mobile_number": "+15550100001"}}
      """

  Scenario: The ID token works as the Bearer token too
    When the user fetches their profile with the ID token
    Then the profile has "id" set to "${thor.id}"

  Scenario: An app-native assertion works as the Bearer token
    Given the application "sample-native"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "loki"
    And the user fetches their profile with the assertion
    Then the profile has "attributes.username" set to "loki"

  Scenario: include=display adds the display name and the OU handle
    When the user fetches their profile with display details with the access token
    Then the profile has "display" set to "thor"
    And the profile has "ouHandle" set to "engineering"

  Scenario: The schema of the user's type
    When the user fetches their profile schema with the access token
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"schema": {"email": {"type": "string", "displayName": "Email", "required": true, "unique": true},
                  "password": {"type": "string", "credential": true}}}
      """

  Scenario: Without a token the profile is 401 AUTH-4010
    When the user fetches their profile with no token
    Then the response status is 401
    And the error code is "AUTH-4010"
    And the response header "www-authenticate" is "Bearer"

  Scenario: A tampered token is 401 with the invalid_token challenge
    When the user fetches their profile with a tampered access token
    Then the response status is 401
    And the error code is "AUTH-4010"
    And the response header "www-authenticate" is 'Bearer error="invalid_token", error_description="The access token is invalid, expired, or malformed"'

  @mock-only @serial
  Scenario: An expired token is refused once the 30-second leeway is over
    When 3631 seconds pass
    And the user fetches their profile with the access token
    Then the response status is 401
    And the error code is "AUTH-4010"

  Scenario: A token without a subject is refused (USR-1018)
    Given the application "sample-mfa"
    And the user opens the sign-in page
    And the user submits the credentials of "thor"
    And the user chooses "action_resend_otp"
    And the user chooses "action_resend_otp"
    And the user chooses "action_resend_otp"
    When the user fetches their profile with the error assertion
    Then the response status is 401
    And the error code is "USR-1018"

  Scenario: A client credentials token has no user behind it (USR-1003)
    When "sample-m2m" asks for a token with the client credentials grant
    And the user fetches their profile with the access token
    Then the response status is 404
    And the error code is "USR-1003"

  @stateful
  Scenario: PUT replaces the attributes
    When the user updates their profile with the access token:
      """
      {"attributes": {"username": "thor", "email": "donar@asgard.example", "given_name": "Donar"}}
      """
    Then the profile has "attributes.given_name" set to "Donar"
    When the user fetches their profile with the access token
    Then the profile has "attributes.email" set to "donar@asgard.example"
    And the profile has no "attributes.family_name"

  Scenario: A value the schema rejects is refused (USR-1019)
    When the user updates their profile with the access token:
      """
      {"attributes": {"username": "thor", "email": "not-an-email"}}
      """
    Then the response status is 400
    And the error code is "USR-1019"

  Scenario: Another user's e-mail address is a conflict (USR-1014)
    When the user updates their profile with the access token:
      """
      {"attributes": {"username": "thor", "email": "loki@asgard.example"}}
      """
    Then the response status is 409
    And the error code is "USR-1014"

  Scenario: A body that is not JSON is refused (USR-1001)
    When the user updates their profile with the access token:
      """
      attributes=none
      """
    Then the response status is 400
    And the error code is "USR-1001"

  @stateful
  Scenario: A password change answers 204 and takes effect
    When the user changes their credentials with the access token:
      """
      {"attributes": {"password": "Mjolnir@2026"}}
      """
    Then the response status is 204
    Given the application "sample-native"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the username "thor" and the password "Mjolnir@2026"
    Then the flow completes with an assertion for "thor"

  Scenario: A password change needs the credentials (USR-1017)
    When the user changes their credentials with the access token:
      """
      {"attributes": {}}
      """
    Then the response status is 400
    And the error code is "USR-1017"

  Scenario: Only credential attributes can be changed that way (USR-1024)
    When the user changes their credentials with the access token:
      """
      {"attributes": {"email": "donar@asgard.example"}}
      """
    Then the response status is 400
    And the error code is "USR-1024"

  Scenario: SCIM2 /scim2/Me shows the user as a SCIM resource
    When the user fetches their SCIM profile with the access token
    Then the response status is 200
    And the response header "content-type" is "application/scim+json"
    And the response body includes the JSON:
      """
      {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "${thor.id}",
       "userName": "thor", "name": {"givenName": "Thor", "familyName": "Odinson"},
       "emails": [{"value": "thor@asgard.example", "primary": true}],
       "phoneNumbers": [{"value": "+15550100001", "type": "mobile"}]}
      """

  @stateful
  Scenario: A SCIM PATCH updates the profile
    When the user patches their SCIM profile with the access token:
      """
      {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
       "Operations": [{"op": "replace", "value": {"name": {"givenName": "Donar"}}}]}
      """
    Then the response status is 200
    And the profile has "name.givenName" set to "Donar"
    When the user fetches their profile with the access token
    Then the profile has "attributes.given_name" set to "Donar"

  Scenario: SCIM answers 401 with a SCIM error without a token
    When the user fetches their SCIM profile with no token
    Then the SCIM error is 401 "Authentication failed for this resource."

  Scenario: SCIM schemas describe the mapped user attributes
    When the client fetches the SCIM schemas with the access token
    Then the response status is 200
    And the response header "content-type" is "application/scim+json"

  @custom-fixtures
  Scenario: A user whose type no longer exists has no schema (USRS-1002)
    Given the server also has the user type:
      """
      {"id": "01900000-0000-7000-8000-000000000014", "name": "Contractor",
       "schema": {"username": {"type": "string", "required": true, "unique": true}}}
      """
    And the server also has the user:
      """
      {"id": "01900000-0000-7000-8000-0000000001b1", "type": "Contractor", "password": "Temp@12345",
       "attributes": {"username": "sigyn"}}
      """
    And the user type "Contractor" is deleted while still in use
    And the application "sample-native"
    When the app starts an "AUTHENTICATION" flow
    And the user submits the credentials of "sigyn"
    And the user fetches their profile schema with the assertion
    Then the response status is 400
    And the error code is "USRS-1002"
