Feature: Translations (/i18n)
  Stored texts by language, namespace and key. Each key resolves to the best language it is
  stored in, the system language (en-US) last; the server's own messages are the "system"
  namespace. What is stored shows at once in /flow/meta and on the sign-in pages. Reading is
  public; setting and clearing need system.

  Background:
    Given the caller is an administrator

  Scenario: A fresh server speaks the system language
    When the client sends GET "/i18n/languages"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"languages": ["en-US"]}
      """

  @stateful
  Scenario: A language's texts replace the ones it had, and other keys fall back to en-US
    When the caller sends POST "/i18n/languages/fr/translations" with the JSON body:
      """
      {"translations": {"signout": {"forms.confirm.title": "Se déconnecter ?"}}}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"language": "fr", "totalResults": 1,
       "translations": {"signout": {"forms.confirm.title": "Se déconnecter ?"}}}
      """
    When the client sends GET "/i18n/languages/fr-CA/translations/resolve?namespace=signout"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"language": "fr-CA", "totalResults": 4, "translations": {"signout": {
        "errors.failed.description": "Something went wrong. Please try again.",
        "forms.confirm.actions.submit.label": "Sign out",
        "forms.confirm.description": "You are about to sign out of your account. Do you want to continue?",
        "forms.confirm.title": "Se déconnecter ?"}}}
      """
    When the client sends GET "/i18n/languages"
    Then the response body is the JSON:
      """
      {"languages": ["en-US", "fr"]}
      """
    When the caller sends DELETE "/i18n/languages/fr/translations"
    Then the response status is 204
    When the client sends GET "/i18n/languages"
    Then the response body is the JSON:
      """
      {"languages": ["en-US"]}
      """

  @stateful
  Scenario: One text set shows in the flow metadata, and cleared it is gone
    When the caller sends POST "/i18n/languages/en-US/translations/ns/signin/keys/forms.credentials.title" with the JSON body:
      """
      {"value": "Welcome back"}
      """
    Then the response status is 200
    And the response body is the JSON:
      """
      {"language": "en-US", "namespace": "signin", "key": "forms.credentials.title", "value": "Welcome back"}
      """
    When the client sends GET "/flow/meta?type=APP&id=01900000-0000-7000-8000-0000000000a1&namespace=signin"
    Then the response body includes the JSON:
      """
      {"i18n": {"translations": {"signin": {"forms.credentials.title": "Welcome back"}}}}
      """
    When the caller sends DELETE "/i18n/languages/en-US/translations/ns/signin/keys/forms.credentials.title"
    Then the response status is 204
    When the client sends GET "/i18n/languages/en-US/translations/ns/signin/keys/forms.credentials.title/resolve"
    Then the response status is 404
    And the error code is "I18N-1006"

  Scenario: The server's own messages are the system namespace, in every language
    When the client sends GET "/i18n/languages/de/translations/ns/system/keys/error.i18nservice.invalid_key/resolve"
    Then the response status is 200
    And the response body is the JSON:
      """
      {"language": "de", "namespace": "system", "key": "error.i18nservice.invalid_key", "value": "Invalid key format"}
      """

  Scenario: Setting texts needs system
    Given the caller has no token
    When the caller sends POST "/i18n/languages/fr/translations" with the JSON body:
      """
      {"translations": {"signin": {"k": "v"}}}
      """
    Then the response status is 401
    And the error code is "AUTH-4010"

  Scenario Outline: Bad languages, namespaces, keys and bodies are refused in the server's order
    When the caller sends <method> "<path>" with the JSON body:
      """
      <body>
      """
    Then the response status is 400
    And the error code is "<code>"

    Examples:
      | method | path                                             | body                                     | code      |
      | POST   | /i18n/languages/en-us/translations               | {"translations": {"a": {"k": "v"}}}      | I18N-1001 |
      | POST   | /i18n/languages/fr/translations                  | {"translations": {"a.b": {"k": "v"}}}    | I18N-1002 |
      | POST   | /i18n/languages/fr/translations                  | {"translations": {"a": {"k k": "v"}}}    | I18N-1003 |
      | POST   | /i18n/languages/%20/translations                 | {"translations": {"a": {"k": "v"}}}      | I18N-1004 |
      | POST   | /i18n/languages/fr/translations/ns/a/keys/k      | {"value": "  "}                          | I18N-1005 |
      | POST   | /i18n/languages/fr/translations                  | {"translations": ["a"]}                  | I18N-1007 |
      | POST   | /i18n/languages/fr/translations                  | {"translations": {}}                     | I18N-1008 |

  @stateful
  Scenario: A translation document replaces its language through /import
    When the caller imports with the variables "{}":
      """
      resource_type: translation
      language: de
      translations:
        signin:
          forms.credentials.title: Anmelden
      """
    Then the response status is 200
    And the response body includes the JSON:
      """
      {"results": [{"resourceType": "translation", "resourceName": "de", "operation": "update", "status": "success"}]}
      """
    When the client sends GET "/i18n/languages/de/translations/ns/signin/keys/forms.credentials.title/resolve"
    Then the response body includes the JSON:
      """
      {"value": "Anmelden"}
      """
