Feature: SMS one-time password as a second factor
  "sample-mfa" signs users in with their password, then with a code sent by SMS to the phone
  number on their profile. The mock delivers SMS into its outbox (GET /__mock/outbox), which is
  how these scenarios read the code.

  Background:
    Given the application "sample-mfa"
    And the user opens the sign-in page

  Scenario: The sign-in page's first step asks for the password
    Then the flow shows a "VIEW" step
    And the flow asks for "username, password"
    And the flow offers the actions "action_001"
    And the flow data carries UI components

  @mock-only @serial
  Scenario: After the password the flow asks for the code it sent by SMS
    When the user submits the credentials of "thor"
    Then the flow shows a "VIEW" step
    And the flow asks for "otp"
    And the flow offers the actions "action_verify_otp, action_resend_otp"
    And the flow data has "otpLength" set to "6"
    And the flow data has "smsSent" set to "true"
    And an SMS with a 6-digit code was sent to "+15550100001"

  @mock-only @serial
  Scenario: The right code completes the sign-in with both factors recorded
    When the user submits the credentials of "thor"
    And the user enters the code sent to "+15550100001"
    Then the flow completes with an assertion for "thor"
    And the assertion records the authenticators "CredentialsAuthenticator, OTPAuthenticator"
    When the sign-in page hands the assertion to the server
    Then the app receives an authorization code

  Scenario: A wrong code asks again with FET-1008
    When the user submits the credentials of "thor"
    And the user chooses "action_verify_otp" with:
      | otp | 000000 |
    Then the flow status is "INCOMPLETE" and the error code is "FET-1008"
    And the flow asks for "otp"

  @mock-only @serial
  Scenario: A code is refused once it has expired (FET-1008)
    When the user submits the credentials of "thor"
    And 121 seconds pass
    And the user enters the code sent to "+15550100001"
    Then the flow status is "INCOMPLETE" and the error code is "FET-1008"

  @mock-only @serial
  Scenario: Asking for a new code sends another SMS
    When the user submits the credentials of "thor"
    And the user notes the code sent to "+15550100001"
    And the user chooses "action_resend_otp"
    Then the flow asks for "otp"
    And a new code was sent to "+15550100001"
    When the user enters the code sent to "+15550100001"
    Then the flow completes with an assertion for "thor"

  Scenario: Asking for too many codes ends the flow with FET-1009
    When the user submits the credentials of "thor"
    And the user chooses "action_resend_otp"
    And the user chooses "action_resend_otp"
    And the user chooses "action_resend_otp"
    Then the flow status is "ERROR" and the error code is "FET-1009"
    And the response carries an error assertion of type "end_user_error"

  Scenario: The app learns of the failed sign-in as access_denied
    When the user submits the credentials of "thor"
    And the user chooses "action_resend_otp"
    And the user chooses "action_resend_otp"
    And the user chooses "action_resend_otp"
    And the sign-in page hands the error assertion to the server
    Then the app receives the error "access_denied" with the description "The maximum number of OTP verification attempts (3) has been reached"

  Scenario: A user without a phone number cannot get a code (FET-1039)
    When the user submits the credentials of "admin"
    Then the flow status is "ERROR" and the error code is "FET-1039"

  Scenario: A malformed phone number is refused (FET-1040)
    When the user submits:
      | username      | thor       |
      | password      | Thor@12345 |
      | mobile_number | call-me    |
    Then the flow status is "ERROR" and the error code is "FET-1040"
