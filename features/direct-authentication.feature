Feature: Direct authentication API (/auth/*)
  A backend that owns its own sign-in screen authenticates a user without a flow: it posts the
  user's identifiers and credentials (or an OTP, or an identity provider's code) with the server's
  Direct-Auth-Secret, and gets back who the user is and a signed assertion. A second factor posts
  the first assertion back and gets one assertion over both steps. Browsers cannot call this API:
  the secret is not an allowed CORS header.

  Scenario: Without the Direct-Auth-Secret the API refuses to answer
    When a backend without the direct-auth secret calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"username": "thor"}, "credentials": {"password": "Thor@12345"}}
      """
    Then the response status is 401
    And the response header "WWW-Authenticate" is "Bearer"
    And the error code is "AUTH-4010"

  Scenario: A username and password answer the user and an assertion
    When the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"username": "thor"}, "credentials": {"password": "Thor@12345"}}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"id": "${thor.id}", "type": "Person"}
      """
    And the answered assertion has the claims:
      | sub      | ${thor.id}  |
      | aud      | application |
      | userType | Person      |
    And the answered assertion is at "AAL1" after the authenticators "CredentialsAuthenticator"

  Scenario: A backend that only needs the user skips the assertion
    When the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"username": "thor"}, "credentials": {"password": "Thor@12345"},
       "skipAssertion": true}
      """
    Then the response status is 200
    And the response body has no "assertion"

  Scenario: A wrong password is 401 and an unknown user 404
    When the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"username": "thor"}, "credentials": {"password": "wrong"}}
      """
    Then the response status is 401
    And the error code is "AUTH-CRED-1002"
    When the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"username": "nobody"}, "credentials": {"password": "wrong"}}
      """
    Then the response status is 404
    And the error code is "AUTHN-1008"

  Scenario: Credential types the server reserves for its own mechanisms are refused
    When the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"username": "thor"}, "credentials": {"otp": "123456"}}
      """
    Then the response status is 400
    And the error code is "AUTH-CRED-1005"

  Scenario: A user id that is not a string is an invalid request
    When the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"userID": 42}, "credentials": {"password": "Thor@12345"}}
      """
    Then the response status is 400
    And the error code is "AUTH-CRED-1001"

  Scenario: A body that is not the request is AUTHN-1000; empty maps fail the field checks
    When the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": "thor"}
      """
    Then the response status is 400
    And the error code is "AUTHN-1000"
    When the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {}, "credentials": {}}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "INVALID_INPUT_METADATA", "message": "Validation Failed",
       "description": "One or more inbound fields failed structural edge-boundary rules.",
       "errors": {"credentials": "The field 'credentials' is missing but is strictly required.",
                  "identifiers": "The field 'identifiers' is missing but is strictly required."}}
      """

  Scenario: A second factor steps up the first assertion
    When the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"username": "thor"}, "credentials": {"password": "Thor@12345"}}
      """
    And the response member "assertion" is kept as "first"
    And the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"username": "thor"}, "credentials": {"password": "Thor@12345"},
       "assertion": "${var.first}"}
      """
    Then the response status is 200
    And the answered assertion is at "AAL1" after the authenticators "CredentialsAuthenticator, CredentialsAuthenticator"

  Scenario: The first assertion must be the server's and name the same user
    When the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"username": "thor"}, "credentials": {"password": "Thor@12345"},
       "assertion": "not-a-jwt"}
      """
    Then the response status is 400
    And the error code is "AUTHN-1009"
    When the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"username": "thor"}, "credentials": {"password": "Thor@12345"}}
      """
    And the response member "assertion" is kept as "thors"
    And the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"username": "loki"}, "credentials": {"password": "Loki@12345"},
       "assertion": "${var.thors}"}
      """
    Then the response status is 400
    And the error code is "AUTHN-1010"

  @stateful @mock-only
  Scenario: An SMS code signs the user in, alone or as a second factor
    Given the caller is an administrator
    When the caller sends POST "/connections/vonage" with the JSON body:
      """
      {"name": "Vonage", "apiKey": "k", "apiSecret": "s", "senderId": "Acme"}
      """
    And the response member "id" is kept as "sender"
    And the backend calls "/auth/otp/sms/send" with:
      """
      {"senderId": "${var.sender}", "recipient": "+15550100001"}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"status": "SUCCESS"}
      """
    And the response member "sessionToken" is kept as "otp_session"
    When the user notes the code sent to "+15550100001"
    And the backend calls "/auth/otp/sms/verify" with:
      """
      {"sessionToken": "${var.otp_session}", "otp": "000000x"}
      """
    Then the response status is 401
    And the error code is "AUTHN-OTPAUTHN-1009"
    When the backend calls "/auth/credentials/authenticate" with:
      """
      {"identifiers": {"username": "thor"}, "credentials": {"password": "Thor@12345"}}
      """
    And the response member "assertion" is kept as "password_step"
    And the backend calls "/auth/otp/sms/verify" with:
      """
      {"sessionToken": "${var.otp_session}", "otp": "${var.noted_code}", "assertion": "${var.password_step}"}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"id": "${thor.id}", "type": "Person"}
      """
    And the answered assertion is at "AAL2" after the authenticators "CredentialsAuthenticator, OTPAuthenticator"

  Scenario: An unknown SMS sender and a session token that is not the server's are refused
    When the backend calls "/auth/otp/sms/send" with:
      """
      {"senderId": "no-such-sender", "recipient": "+15550100001"}
      """
    Then the response status is 400
    And the error code is "MNS-1001"
    When the backend calls "/auth/otp/sms/verify" with:
      """
      {"sessionToken": "not-a-session", "otp": "123456"}
      """
    Then the response status is 400
    And the error code is "AUTHN-MGR-1008"

  @stateful @mock-only
  Scenario: Google signs the user in through the identity provider's code
    Given the caller is an administrator
    When the caller sends POST "/connections/google" with the JSON body:
      """
      {"name": "Google", "clientId": "c", "clientSecret": "s", "redirectUri": "${base_url}/gate/callback"}
      """
    And the response member "id" is kept as "google"
    And the backend calls "/auth/oauth/google/start" with:
      """
      {"idpId": "${var.google}"}
      """
    Then the response status is 200
    And the response member "sessionToken" is kept as "idp_session"
    When the user signs in at the identity provider the backend was sent to as "thor@asgard.example"
    And the backend calls "/auth/oauth/google/finish" with:
      """
      {"sessionToken": "${var.idp_session}", "code": "${var.idp_code}"}
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"id": "${thor.id}", "type": "Person"}
      """
    And the answered assertion is at "AAL1" after the authenticators "GoogleOIDCAuthenticator"
    When the backend calls "/auth/oauth/google/finish" with:
      """
      {"sessionToken": "${var.idp_session}", "code": "${var.idp_code}"}
      """
    Then the response status is 400
    And the error code is "AUTHN-FED-1001"
    When the backend calls "/auth/oauth/github/start" with:
      """
      {"idpId": "${var.google}"}
      """
    Then the response status is 400
    And the error code is "AUTHN-1003"

  Scenario: An unknown identity provider and a session token that is not the server's are refused
    When the backend calls "/auth/oauth/standard/start" with:
      """
      {"idpId": "no-such-idp"}
      """
    Then the response status is 400
    And the response body is the JSON:
      """
      {"code": "AUTHN-1002",
       "message": {"key": "error.authnservice.error_retrieving_idp", "defaultValue": "Error retrieving identity provider"},
       "description": {"key": "error.authnservice.error_retrieving_idp_description",
                       "defaultValue": "An error occurred while retrieving the identity provider with ID no-such-idp: The requested identity provider could not be found"}}
      """
    When the backend calls "/auth/oauth/standard/finish" with:
      """
      {"sessionToken": "not-a-session", "code": "abc"}
      """
    Then the response status is 400
    And the error code is "AUTHN-1006"
