//! OpenID4VP, free of HTTP (`authn/openid4vp` on the server): the verifier's keys and certificates,
//! the request state a presentation goes through, the request object, and the verification of a
//! wallet's encrypted SD-JWT VC response; plus the fake wallet the control plane answers with.
//!
//! * `jose`: JWS decoding, P-256 JWKs, thumbprints, the `ECDH-ES` response JWE.
//! * `jws`: JWS signing (ES256, EdDSA) and verification as the server's `verifyJWS` does it.
//! * `sdjwt`: SD-JWT parsing, disclosures and holder binding.
//! * `pki`: the certificates and the `x5c` chain check against the trust anchors.
//! * `verifier`: presentation definitions, DCQL, the request object, the response checks.
//! * `wallet`: the fake wallet.

pub(crate) mod jose;
pub(crate) mod jws;
pub(crate) mod pki;
pub(crate) mod sdjwt;
#[cfg(test)]
mod tests;
pub(crate) mod verifier;
pub(crate) mod wallet;

use std::collections::BTreeMap;

pub use verifier::PresentationDefinition;

use jose::EncKey;
use jws::Alg;
use pki::{Anchor, Certified, Validity};
use serde_json::{Map, Value};
use verifier::VerifiedPresentation;

/// The DNS name of the verifier's certificate: the client id is `x509_san_dns:localhost`.
pub(crate) const VERIFIER_DNS: &str = "localhost";
/// The trust anchor's name (`openid4vp.trusted_anchors[].name`).
pub(crate) const ISSUER_CA_NAME: &str = "thunderid-mock-pid-issuer-ca";
const ISSUER_CA_CN: &str = "ThunderID Mock PID Issuer CA";
pub(crate) const ISSUER_NAME: &str = "ThunderID Mock PID Issuer";
/// `default.json` `openid4vp`: the state lives 300 s, the request object 300 s.
pub(crate) const STATE_TTL: u64 = 300;
pub(crate) const REQUEST_VALIDITY: u64 = 300;
/// The mock issuer's identifier (the credentials' `iss`).
const ISSUER_URL: &str = "https://pid-issuer.thunderid-mock.invalid";
/// `ephemeral_key_id`.
pub(crate) const EPHEMERAL_KEY_ID: &str = "vp-enc";

/// One server's OpenID4VP keys: the request-signing certificate, and the mock issuer (a CA, the
/// verifier's one trust anchor, and the certificate it issued to sign credentials).
#[derive(Debug)]
pub(crate) struct Keys {
    pub verifier: Certified,
    pub issuer_ca: Certified,
    pub issuer: Certified,
    /// The issuer's Ed25519 key, certified by the same CA: credentials signed `EdDSA`.
    pub issuer_ed25519: Certified,
    pub anchors: Vec<Anchor>,
    /// The credentials' `iss`.
    pub issuer_url: String,
}

impl Keys {
    pub(crate) fn generate() -> Self {
        let verifier = pki::self_signed("ThunderID Mock Verifier", &[VERIFIER_DNS], false);
        let issuer_ca = pki::self_signed(ISSUER_CA_CN, &[], true);
        let issue = |alg| pki::issue(&issuer_ca, ISSUER_CA_CN, ISSUER_NAME, alg, Validity::LONG);
        let issuer = issue(Alg::Es256);
        let issuer_ed25519 = issue(Alg::EdDsa);
        let anchors = vec![Anchor {
            name: ISSUER_CA_NAME.to_owned(),
            der: issuer_ca.der.clone(),
        }];
        Self {
            verifier,
            issuer_ca,
            issuer,
            issuer_ed25519,
            anchors,
            issuer_url: ISSUER_URL.to_owned(),
        }
    }

    /// The verifier's `client_id` (`x509_san_dns` scheme, the default).
    pub(crate) fn client_id(&self) -> String {
        format!("x509_san_dns:{VERIFIER_DNS}")
    }

    /// The issuer certificate and key that sign credentials under `alg`.
    pub(crate) fn issuer_for(&self, alg: Alg) -> &Certified {
        match alg {
            Alg::Es256 => &self.issuer,
            Alg::EdDsa => &self.issuer_ed25519,
        }
    }

    /// The signed request object (`signRequestObject`: `alg`, `typ`, `x5c`, no `kid`).
    pub(crate) fn sign_request(&self, claims: &Value) -> String {
        let mut header = Map::new();
        header.insert("typ".into(), "oauth-authz-req+jwt".into());
        header.insert(
            "x5c".into(),
            Value::from(vec![base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                &self.verifier.der,
            )]),
        );
        self.verifier.key.sign_jws(&header, claims)
    }
}

/// One server's verifier keys (the presentation definitions are a store: `store::vc`).
#[derive(Debug, Default)]
pub(crate) struct Verifier {
    /// Made on first use: generating keys seeds AWS-LC's random generator from CPU jitter, some
    /// 20 ms that a server which never verifies a presentation should not spend starting.
    keys: std::sync::OnceLock<Keys>,
}

impl Verifier {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The server's keys, generated the first time they are needed.
    pub(crate) fn keys(&self) -> &Keys {
        self.keys.get_or_init(Keys::generate)
    }
}

/// Where a presentation request stands (`Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Pending,
    Completed,
    Failed,
    Expired,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
            Self::Expired => "EXPIRED",
        }
    }
}

/// The short-lived state of one request, by its `state` (`RequestState`).
#[derive(Debug, Clone)]
pub(crate) struct RequestState {
    pub state: String,
    pub definition_id: String,
    pub nonce: String,
    pub enc_key: EncKey,
    pub client_id: String,
    pub request_uri: String,
    pub status: Status,
    pub result: Option<VerifiedPresentation>,
    pub failure_reason: String,
    pub expires_at: u64,
}

impl RequestState {
    /// The bytes this entry holds, for the store's budget.
    pub(crate) fn approximate_size(&self) -> usize {
        let claims: usize = self.result.as_ref().map_or(0, |r| {
            r.subject.len()
                + r.claims
                    .iter()
                    .map(|(k, v)| k.len() + v.to_string().len())
                    .sum::<usize>()
        });
        256 + self.state.len()
            + self.definition_id.len()
            + self.nonce.len()
            + self.client_id.len()
            + self.request_uri.len()
            + self.failure_reason.len()
            + claims
    }
}

/// `withState`: `base?state=…` (or `&state=…` when `base` has a query).
pub(crate) fn with_state(base: &str, state: &str) -> String {
    let separator = if base.contains('?') { '&' } else { '?' };
    let encoded: String = url::form_urlencoded::byte_serialize(state.as_bytes()).collect();
    format!("{base}{separator}state={encoded}")
}

/// `WalletAuthorizationURI`: the `openid4vp://` deep link, its query keys sorted as Go encodes them.
pub(crate) fn wallet_uri(client_id: &str, request_uri: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", client_id)
        .append_pair("request_uri", request_uri)
        .append_pair("request_uri_method", "get")
        .finish();
    format!("openid4vp://?{query}")
}

/// The verified claims as flow runtime values (`ConvertInterfaceValueToString`).
pub(crate) fn claim_strings(result: &VerifiedPresentation) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = result
        .claims
        .iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect();
    if !result.subject.is_empty() {
        out.insert("sub".into(), result.subject.clone());
    }
    out
}

/// A fresh `state` or `nonce`: 32 random bytes, base64url.
pub(crate) fn random_token(rng: &mut dyn rand::RngCore) -> String {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    jose::b64(&bytes)
}
