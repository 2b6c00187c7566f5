//! Token signing and verification. `tokens/signer.rs` is the only caller of `jsonwebtoken`.
//!
//! * [`SigningKey`]: the RSA key and certificate, with the `kid` the real server derives
//!   (base64url of the SHA-256 of the certificate DER, also the JWKS `x5t#S256`).
//! * [`TokenSigner`]: signs claims as RS256 JWS and verifies the mock's own tokens against the mock
//!   clock (never `alg: none`, never an HMAC).

//! * `forge`: tokens tampered with for fault rules (alg none, a wrong `aud`, …).

mod forge;
mod keys;
mod signer;

pub use forge::Tamper;
pub(crate) use forge::{TAMPERS, forge};
pub use keys::{KeyError, SigningKey, generate_signing_key};
pub use signer::{TokenSigner, TokenType, VerifiedToken, VerifyError};
