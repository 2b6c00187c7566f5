@app
Feature: App embedded sign-in failures
  The app's POST /flow/sign-in answers 500 with a JSON body {"error": "<message>"} when the SDK is
  not initialised (its middleware is not mounted), when the base URL is missing from its
  configuration, and when the flow fails at run time (seed 001). An app under test with `--app URL`
  exposes deliberately misconfigured copies of its endpoints under /misconfigured/no-layer and
  /misconfigured/no-base-url for the first two (tagged @app-misconfigured).

  Background:
    Given the web app is running

  @app-misconfigured
  Scenario: Without the SDK's middleware the endpoint answers 500
    When the browser starts the embedded sign-in at "/misconfigured/no-layer/flow/sign-in"
    Then the web app answers 500 with a JSON error

  @app-misconfigured
  Scenario: Without a base URL the endpoint answers 500
    When the browser starts the embedded sign-in at "/misconfigured/no-base-url/flow/sign-in"
    Then the web app answers 500 with a JSON error

  Scenario: A flow that fails at run time answers 500
    When the browser starts the embedded sign-in
    And the browser continues an execution the server does not know
    Then the web app answers 500 with a JSON error

  Scenario: A flow failure names the server's error code
    When the browser starts the embedded sign-in
    And the browser continues an execution the server does not know
    Then the web app answers 500 with a JSON error
    And the web app names the server's error code "FES-1004"

  Scenario: A body that is not a flow request is refused with a JSON error
    When the browser posts to the embedded sign-in:
      """
      {"inputs": "not an object"}
      """
    Then the web app answers 400 with a JSON error
