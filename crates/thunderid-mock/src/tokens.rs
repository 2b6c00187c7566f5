//! Token signing and verification. `tokens/signer.rs` encodes and parses the compact JWS;
//! `tokens/rsa.rs` ([`rsa::RsaSigningKey`], [`rsa::RsaVerifyingKey`]) is the one place RSA signs
//! or verifies.
//!
//! * [`SigningKey`]: the RSA key and certificate, with the `kid` the real server derives
//!   (base64url of the SHA-256 of the certificate DER, also the JWKS `x5t#S256`).
//! * `ring`: the server's keys (the fixture key and keys added at run time), each active,
//!   published or retired; `algorithm`: the key types (RS256, ES256/384/512, EdDSA,
//!   ML-DSA-44/65/87) on `aws-lc-rs`.
//! * [`TokenSigner`]: signs claims with the ring's active key and verifies the mock's own tokens
//!   by `kid` against the mock clock (never `alg: none`, never an HMAC).

//! * `forge`: tokens tampered with for fault rules (alg none, a wrong `aud`, …).

mod algorithm;
mod forge;
mod keys;
mod ring;
pub(crate) mod rsa;
mod signer;

pub use algorithm::KeyAlgorithm;
pub use forge::Tamper;
pub(crate) use forge::{TAMPERS, forge};
#[cfg(feature = "cli")]
pub use keys::generate_signing_key;
pub use keys::{KeyError, SigningKey};
pub use ring::{Activation, KeyRingError, KeyState, KeyView};
pub use signer::{TokenSigner, TokenType, VerifiedToken, VerifyError};
