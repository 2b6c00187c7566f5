Feature: The Rust client's session facade
  Server-side apps keep one opaque session cookie per browser; the facade (the Next.js SDK's server
  actions) turns it into a signed-in user: redirect or app-native sign-in, refresh, the user's
  profile, sign-out. A tampered cookie reads as signed out.

  Scenario: A redirect sign-in opens a session
    Given the Rust client for "sample-web"
    When "thor" signs in by redirect through the session facade
    Then the session is signed in as "thor"
    And the session's user has "given_name" set to "Thor"

  Scenario: An app-native sign-in opens a session
    Given the Rust client for "sample-native"
    When "loki" signs in app-natively through the session facade
    Then the session is signed in as "loki"
    And the session's user has "email" set to "loki@asgard.example"

  Scenario: Refreshing keeps the user signed in
    Given the Rust client for "sample-web"
    And "thor" signs in by redirect through the session facade
    When the app refreshes the session
    Then the session is signed in as "thor"

  Scenario: An expired session reads as signed out, and a refresh brings it back
    Given the Rust client for "sample-web"
    And "thor" signs in by redirect through the session facade
    When the client's clock moves 3601 seconds forward
    Then the session is signed out
    When the app refreshes the session
    Then the session is signed in as "thor"

  Scenario: A tampered session cookie reads as signed out
    Given the Rust client for "sample-web"
    And "thor" signs in by redirect through the session facade
    When the session cookie is tampered with
    Then the session is signed out

  @stateful
  Scenario: Profile updates go through the session
    Given the Rust client for "sample-web"
    And "thor" signs in by redirect through the session facade
    When the app changes the session user's "given_name" to "Donar"
    Then the session's user has "given_name" set to "Donar"

  Scenario: Signing out ends the session and points the browser at the end-session endpoint
    Given the Rust client for "sample-web"
    And "thor" signs in by redirect through the session facade
    When the app signs the session out
    Then the session is signed out
    And the sign-out URL names the ID token and the post-logout redirect URI
