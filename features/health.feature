Feature: Health checks
  Load balancers and test harnesses wait for the server with the health endpoints.

  Scenario: Liveness answers 200 with an empty body
    When the client sends GET "/health/liveness"
    Then the response status is 200
    And the response body is empty

  Scenario: Readiness reports every backing service up
    When the client sends GET "/health/readiness"
    Then the response status is 200
    And the response header "content-type" is "application/json"
    And the response body is the JSON:
      """
      {"status": "UP", "serviceStatus": [
        {"serviceName": "ConfigDB", "status": "UP"},
        {"serviceName": "RuntimeTransientDB", "status": "UP"},
        {"serviceName": "EntityDB", "status": "UP"}
      ]}
      """
