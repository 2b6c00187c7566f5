Feature: Self-registration
  An app with registration enabled ("sample-native") lets new users sign up through the
  REGISTRATION flow: credentials first, then the attributes the user type's schema requires. The
  bundled registration flow completes without an assertion; started from the sign-in page's
  "sign up" action, it signs the new user in.

  Background:
    Given the application "sample-native"

  Scenario: Registration starts by asking for a username and a password
    When the app starts a "REGISTRATION" flow
    Then the flow shows a "VIEW" step
    And the flow asks for "username, password"
    And the flow offers the actions "action_credentials, action_signin"

  Scenario: After the credentials the flow asks for the required profile attributes
    When the app starts a "REGISTRATION" flow
    And the user submits the username "sif" and the password "Sif@12345"
    Then the flow shows a "VIEW" step
    And the flow asks for the inputs:
      | identifier | type       | required |
      | email      | TEXT_INPUT | true     |
    And the flow offers the actions "action_schema_attrs"

  @stateful
  Scenario: A completed registration creates a user who can sign in
    When the app starts a "REGISTRATION" flow
    And the user submits the username "sif" and the password "Sif@12345"
    And the user submits:
      | email | sif@asgard.example |
    Then the flow completes without an assertion
    When the app starts an "AUTHENTICATION" flow
    And the user submits the username "sif" and the password "Sif@12345"
    Then the flow status is "COMPLETE"
    And the assertion carries the claims:
      | email    | sif@asgard.example |
      | username | sif                |

  @stateful
  Scenario: Signing up from the sign-in page signs the new user in
    When the app starts an "AUTHENTICATION" flow
    And the user chooses "action_signup"
    Then the flow asks for "username, password"
    When the user submits the username "heimdall" and the password "Bifrost@1"
    And the user submits:
      | email | heimdall@asgard.example |
    Then the flow status is "COMPLETE"
    And the assertion carries the claims:
      | username | heimdall |

  Scenario: A username that is taken asks again with FET-1007
    When the app starts a "REGISTRATION" flow
    And the user submits the username "thor" and the password "Another@1"
    Then the flow status is "INCOMPLETE" and the error code is "FET-1007"
    And the flow asks for "username, password"

  Scenario: An e-mail address that is taken asks again with FET-1061
    When the app starts a "REGISTRATION" flow
    And the user submits the username "sif" and the password "Sif@12345"
    And the user submits:
      | email | thor@asgard.example |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1061"
    And the flow error names its parameter:
      | attribute | email |

  Scenario: A taken e-mail address sent together with the credentials fails provisioning (FET-1080)
    When the app starts a "REGISTRATION" flow
    And the user submits:
      | username | sif                 |
      | password | Sif@12345           |
      | email    | loki@asgard.example |
    Then the flow status is "ERROR" and the error code is "FET-1080"

  Scenario: An e-mail address the schema rejects fails provisioning (FET-1021)
    When the app starts a "REGISTRATION" flow
    And the user submits the username "sif" and the password "Sif@12345"
    And the user submits:
      | email | not-an-email |
    Then the flow status is "ERROR" and the error code is "FET-1021"

  Scenario: A user type the app does not allow is refused (FET-1054)
    When the client sends POST "/flow/execute" with the JSON body:
      """
      {"applicationId": "01900000-0000-7000-8000-0000000000a3", "flowType": "REGISTRATION",
       "inputs": {"userType": "Administrator"}}
      """
    Then the response status is 200
    And the error code is "FET-1054"

  Scenario: Registration is refused when the app has it disabled (FES-1006)
    Given the application "sample-spa"
    When the app starts a "REGISTRATION" flow
    Then the flow is refused with 400 and the error code "FES-1006"

  Scenario: Registration for an unknown application is refused (FES-1003)
    When the app starts a "REGISTRATION" flow for the application id ""
    Then the flow is refused with 400 and the error code "FES-1003"
