Feature: Presentation definitions and credential configurations (/openid4vp, /openid4vci)
  A presentation definition says which verifiable credential an OpenID4VPVerifyExecutor asks a
  wallet for (its vct, the claims it must and may disclose, the values they may take); a
  credential configuration describes a credential the server could issue. Both are managed by an
  administrator (system), each with a unique handle in an organization unit, and both are
  declarative resources: /import applies them, /export writes them back. The list is every
  summary, unpaged; deleting an unknown one is no error.

  Background:
    Given the caller is an administrator

  Scenario: A definition is created, read through its unit's handle, changed and deleted
    When the caller sends POST "/openid4vp/presentation-definitions" with the JSON body:
      """
      {"handle": "age-check", "ouHandle": "default", "name": "Age check", "vct": "urn:example:age",
       "mandatoryClaims": ["age_over_18"], "claimValues": {"age_over_18": ["true"]}}
      """
    Then the response status is 201
    And the response body includes the JSON:
      """
      {"handle": "age-check", "ouId": "01900000-0000-7000-8000-000000000001", "ouHandle": "default",
       "format": "dc+sd-jwt", "vct": "urn:example:age", "mandatoryClaims": ["age_over_18"]}
      """
    And the response member "id" is kept as "definition"
    When the caller sends PUT "/openid4vp/presentation-definitions/${var.definition}" with the JSON body:
      """
      {"handle": "age-check", "ouId": "01900000-0000-7000-8000-000000000001", "vct": "urn:example:age",
       "mandatoryClaims": ["age_over_21"]}
      """
    Then the response status is 200
    When the caller sends GET "/openid4vp/presentation-definitions/${var.definition}"
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"id": "${var.definition}", "ouHandle": "default", "mandatoryClaims": ["age_over_21"]}
      """
    When the caller sends DELETE "/openid4vp/presentation-definitions/${var.definition}"
    Then the response status is 204
    When the caller sends DELETE "/openid4vp/presentation-definitions/${var.definition}"
    Then the response status is 204
    When the caller sends GET "/openid4vp/presentation-definitions/${var.definition}"
    Then the response status is 404
    And the error code is "VP-2002"

  Scenario Outline: A definition the verifier could not use is refused (<code>)
    When the caller sends POST "/openid4vp/presentation-definitions" with the JSON body:
      """
      <body>
      """
    Then the response status is <status>
    And the error code is "<code>"

    Examples:
      | body                                                                                                     | status | code    |
      | {"handle": "h", "ouHandle": "default"}                                                                   | 400    | VP-2001 |
      | {"handle": "h", "vct": "urn:x", "format": "jwt_vc_json"}                                                 | 400    | VP-2004 |
      | {"handle": "h", "vct": "urn:x"}                                                                          | 400    | VP-2007 |
      | {"handle": "h", "vct": "urn:x", "mandatoryClaims": [" "]}                                                | 400    | VP-2008 |
      | {"handle": "h", "vct": "urn:x", "mandatoryClaims": ["email"], "optionalClaims": ["email"]}               | 400    | VP-2009 |
      | {"handle": "mock-pid", "vct": "urn:x", "ouHandle": "default"}                                            | 409    | VP-2003 |

  Scenario: A credential configuration keeps its handle unique, and is gone once deleted
    When the caller sends POST "/openid4vci/credential-configurations" with the JSON body:
      """
      {"handle": "pid", "ouHandle": "default", "name": "PID", "vct": "urn:example:pid",
       "claims": [{"name": "email", "displayName": "E-mail"}], "validitySeconds": 86400}
      """
    Then the response status is 201
    And the response member "id" is kept as "configuration"
    When the caller sends POST "/openid4vci/credential-configurations" with the JSON body:
      """
      {"handle": "pid", "ouHandle": "default", "vct": "urn:example:other"}
      """
    Then the response status is 409
    And the error code is "VCI-2003"
    When the caller sends DELETE "/openid4vci/credential-configurations/${var.configuration}"
    Then the response status is 204
    When the caller sends GET "/openid4vci/credential-configurations/${var.configuration}"
    Then the response status is 404
    And the error code is "VCI-2002"

  Scenario Outline: A credential configuration the server could not issue is refused (<code>)
    When the caller sends POST "/openid4vci/credential-configurations" with the JSON body:
      """
      <body>
      """
    Then the response status is 400
    And the error code is "<code>"

    Examples:
      | body                                                                               | code     |
      | {"handle": "h", "vct": "urn:x", "validitySeconds": 0}                              | VCI-2001 |
      | {"handle": "h", "vct": "urn:x", "format": "mso_mdoc"}                              | VCI-2004 |
      | {"handle": "h", "vct": "urn:x"}                                                    | VCI-2007 |
      | {"handle": "h", "vct": "urn:x", "claims": [{"name": ""}]}                          | VCI-2008 |
      | {"handle": "h", "vct": "urn:x", "claims": [{"name": "a"}, {"name": "a"}]}          | VCI-2009 |
      | {"handle": "h", "vct": "urn:x", "claims": [{"name": "iat"}]}                       | VCI-2010 |

  Scenario: Both kinds are imported as documents, and a definition in the wrong unit fails alone
    # With upsert and an id the importer updates first; the unit is checked before the id is
    # looked up, so the failure is reported as an update.
    When the caller imports with the variables '{}':
      """
      resource_type: credential_configuration
      id: 019a0000-0000-7000-8000-0000000000c2
      handle: pid
      ouHandle: default
      vct: urn:example:pid
      claims: [{name: email, displayName: E-mail}]
      ---
      resource_type: presentation_definition
      id: 019a0000-0000-7000-8000-0000000000c1
      handle: age
      ouHandle: nowhere
      vct: urn:example:age
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"summary": {"totalDocuments": 2, "imported": 1, "failed": 1},
       "results": [{"resourceType": "presentation_definition", "resourceId": "019a0000-0000-7000-8000-0000000000c1",
                    "resourceName": "age", "operation": "update", "status": "failed", "code": "VP-2007",
                    "message": "Invalid organization unit"},
                   {"resourceType": "credential_configuration", "resourceId": "019a0000-0000-7000-8000-0000000000c2",
                    "resourceName": "pid", "operation": "create", "status": "success"}]}
      """
    When the caller sends GET "/openid4vci/credential-configurations"
    Then the response status is 200
    And the response body includes the JSON:
      """
      [{"id": "019a0000-0000-7000-8000-0000000000c2", "handle": "pid", "ouId": "01900000-0000-7000-8000-000000000001",
        "ouHandle": "default", "format": "dc+sd-jwt", "vct": "urn:example:pid"}]
      """

  Scenario: Past a thousand presentation definitions the list fails, as the composite store's
    # The bundled mock-pid definition makes 1001.
    Given the server loads 1000 declarative copies of the resource:
      """
      resource_type: presentation_definition
      id: 019a0000-0000-7000-8000-{n}
      handle: definition-{n}
      vct: urn:example:age
      """
    And the caller is an administrator
    When the caller sends GET "/openid4vp/presentation-definitions"
    Then the response status is 400
    And the error code is "VP-2006"

  Scenario: Past a thousand credential configurations the list fails, as the composite store's
    Given the server loads 1001 declarative copies of the resource:
      """
      resource_type: credential_configuration
      id: 019a0000-0000-7000-8000-{n}
      handle: configuration-{n}
      vct: urn:example:pid
      """
    And the caller is an administrator
    When the caller sends GET "/openid4vci/credential-configurations"
    Then the response status is 400
    And the error code is "VCI-2006"
