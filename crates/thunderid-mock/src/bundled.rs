//! The bundled fixture set (`fixtures/default`), as constants: what tests sign in with.

/// An application of the bundled set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct App {
    /// The application id (`applicationId` in flow requests).
    pub id: &'static str,
    /// The OAuth `client_id`; `None` for the app-native app without an OAuth profile.
    pub client_id: Option<&'static str>,
    /// The client secret of a confidential client.
    pub client_secret: Option<&'static str>,
    /// The registered redirect URI of a browser or web client.
    pub redirect_uri: Option<&'static str>,
}

/// A user of the bundled set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct User {
    pub id: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    /// The mobile number SMS OTPs go to.
    pub mobile: Option<&'static str>,
}

/// The bootstrap `Console` application: a public client (PKCE) signing in with `console-app-flow`;
/// its redirect URIs are the console path under `https://localhost:8090`, `http://localhost:8090`
/// and `http://127.0.0.1:8090`.
pub const CONSOLE: App = App {
    id: "01900000-0000-7000-8000-000000000060",
    client_id: Some("CONSOLE"),
    client_secret: None,
    redirect_uri: Some("https://localhost:8090/console"),
};

/// A browser app: public client, PKCE required.
pub const SAMPLE_SPA: App = App {
    id: "01900000-0000-7000-8000-0000000000a1",
    client_id: Some("sample-spa"),
    client_secret: None,
    redirect_uri: Some("http://localhost:3000/callback"),
};

/// A confidential web app (`client_secret_basic`).
pub const SAMPLE_WEB: App = App {
    id: "01900000-0000-7000-8000-0000000000a2",
    client_id: Some("sample-web"),
    client_secret: Some("sample-web-secret"),
    redirect_uri: Some("http://localhost:3000/login"),
};

/// An app-native embedded app without an OAuth profile.
pub const SAMPLE_NATIVE: App = App {
    id: "01900000-0000-7000-8000-0000000000a3",
    client_id: None,
    client_secret: None,
    redirect_uri: None,
};

/// The `Flow-Secret` of [`SAMPLE_NATIVE`].
pub const SAMPLE_NATIVE_FLOW_SECRET: &str = "sample-native-flow-secret";

/// A machine-to-machine client (`client_credentials`).
pub const SAMPLE_M2M: App = App {
    id: "01900000-0000-7000-8000-0000000000a4",
    client_id: Some("sample-m2m"),
    client_secret: Some("sample-m2m-secret"),
    redirect_uri: None,
};

/// A browser app signing in with password + SMS OTP.
pub const SAMPLE_MFA: App = App {
    id: "01900000-0000-7000-8000-0000000000a5",
    client_id: Some("sample-mfa"),
    client_secret: None,
    redirect_uri: Some("http://localhost:3000/callback"),
};

/// A browser app signing in with password or "Google" through the fake upstream IdP.
pub const SAMPLE_SOCIAL: App = App {
    id: "01900000-0000-7000-8000-0000000000a6",
    client_id: Some("sample-social"),
    client_secret: None,
    redirect_uri: Some("http://localhost:3000/callback"),
};

/// A browser app on the single sign-on flow (`sso-flow`).
pub const SAMPLE_PORTAL: App = App {
    id: "01900000-0000-7000-8000-0000000000a7",
    client_id: Some("sample-portal"),
    client_secret: None,
    redirect_uri: Some("http://localhost:3000/callback"),
};

/// A second browser app on the single sign-on flow.
pub const SAMPLE_DASHBOARD: App = App {
    id: "01900000-0000-7000-8000-0000000000a8",
    client_id: Some("sample-dashboard"),
    client_secret: None,
    redirect_uri: Some("http://localhost:4000/callback"),
};

/// An app-native app on the single sign-on flow.
pub const SAMPLE_SSO_NATIVE: App = App {
    id: "01900000-0000-7000-8000-0000000000a9",
    client_id: None,
    client_secret: None,
    redirect_uri: None,
};

/// The `Flow-Secret` of [`SAMPLE_SSO_NATIVE`].
pub const SAMPLE_SSO_NATIVE_FLOW_SECRET: &str = "sample-sso-native-flow-secret";

/// A mobile app in attestation dev mode.
pub const SAMPLE_MOBILE: App = App {
    id: "01900000-0000-7000-8000-0000000000aa",
    client_id: None,
    client_secret: None,
    redirect_uri: None,
};

/// The single sign-on login flow; its cookie is `tid_sso_` + 16 hex chars of its id's SHA-256.
pub const SSO_FLOW_ID: &str = "01900000-0000-7000-8000-0000000000f3";

/// The user onboarding flow (`USER_ONBOARDING`, started with a Bearer token holding `system:user`).
pub const USER_ONBOARDING_FLOW_ID: &str = "01900000-0000-7000-8000-000000000066";

/// The user deletion flow (`ADMINISTRATION`, started by `flowId` with a `system` token).
pub const USER_DELETION_FLOW_ID: &str = "01900000-0000-7000-8000-000000000077";

/// A backend app signing users in by backchannel (CIBA), with the e-mailed approval link of the
/// `ciba-email-notification-flow`.
pub const SAMPLE_CIBA: App = App {
    id: "01900000-0000-7000-8000-0000000000ab",
    client_id: Some("sample-ciba"),
    client_secret: Some("sample-ciba-secret"),
    redirect_uri: None,
};

/// A browser app whose sign-in offers a password or a passkey (`passkey-flow`: after a password
/// sign-in it offers to add a passkey) and whose sign-up registers one.
pub const SAMPLE_PASSKEY: App = App {
    id: "01900000-0000-7000-8000-0000000000ac",
    client_id: Some("sample-passkey"),
    client_secret: None,
    redirect_uri: Some("http://localhost:3000/callback"),
};

/// A browser app whose sign-in (`consent-flow`) asks, after the password, which of its attributes
/// the user shares.
pub const SAMPLE_CONSENT: App = App {
    id: "01900000-0000-7000-8000-0000000000ae",
    client_id: Some("sample-consent"),
    client_secret: None,
    redirect_uri: Some("http://localhost:3000/callback"),
};

pub const THOR: User = User {
    id: "01900000-0000-7000-8000-000000000101",
    username: "thor",
    password: "Thor@12345",
    mobile: Some("+15550100001"),
};

pub const LOKI: User = User {
    id: "01900000-0000-7000-8000-000000000102",
    username: "loki",
    password: "Loki@12345",
    mobile: Some("+15550100002"),
};

/// Holds the `system` permission.
pub const ADMIN: User = User {
    id: "01900000-0000-7000-8000-000000000100",
    username: "admin",
    password: "admin",
    mobile: None,
};

/// The root organization unit.
pub const DEFAULT_OU_ID: &str = crate::fixtures::DEFAULT_OU_ID;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::Fixtures;

    #[test]
    fn the_constants_are_the_bundled_fixtures() {
        let fixtures = Fixtures::bundled();
        for app in [
            CONSOLE,
            SAMPLE_SPA,
            SAMPLE_WEB,
            SAMPLE_NATIVE,
            SAMPLE_M2M,
            SAMPLE_MFA,
            SAMPLE_SOCIAL,
            SAMPLE_PORTAL,
            SAMPLE_DASHBOARD,
            SAMPLE_SSO_NATIVE,
            SAMPLE_MOBILE,
            SAMPLE_CIBA,
            SAMPLE_PASSKEY,
            SAMPLE_CONSENT,
        ] {
            let fixture = fixtures
                .applications
                .iter()
                .find(|a| a.id == app.id)
                .unwrap_or_else(|| panic!("{} is bundled", app.id));
            let oauth = fixture.oauth.as_ref();
            assert_eq!(app.client_id, oauth.map(|o| o.client_id.as_str()));
            assert_eq!(
                app.client_secret,
                oauth.and_then(|o| o.client_secret.as_deref())
            );
            assert_eq!(
                app.redirect_uri,
                oauth.and_then(|o| o.redirect_uris.first().map(String::as_str))
            );
        }
        let native = fixtures
            .applications
            .iter()
            .find(|a| a.id == SAMPLE_NATIVE.id)
            .and_then(|a| a.flow_secret.as_deref());
        assert_eq!(native, Some(SAMPLE_NATIVE_FLOW_SECRET));
        for user in [THOR, LOKI, ADMIN] {
            let fixture = fixtures
                .users
                .iter()
                .find(|u| u.id == user.id)
                .unwrap_or_else(|| panic!("{} is bundled", user.id));
            assert_eq!(fixture.attributes["username"], user.username);
            let matches = match (&fixture.password, &fixture.password_hash) {
                (Some(plain), _) => plain == user.password,
                (None, Some(hash)) => crate::password::PasswordHash::parse(hash)
                    .is_ok_and(|hash| hash.verify(user.password)),
                (None, None) => false,
            };
            assert!(matches, "{}'s password", user.username);
            assert_eq!(
                fixture
                    .attributes
                    .get("mobile_number")
                    .and_then(|v| v.as_str()),
                user.mobile
            );
        }
    }
}
