//! COSE public keys (RFC 9052/9053) as authenticators send them, and signature verification with
//! AWS-LC: ES256 (EC2 P-256, ECDSA over SHA-256, DER signatures), RS256 (RSA PKCS#1 v1.5 with
//! SHA-256) and EdDSA (OKP Ed25519).

use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1, ED25519, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents,
    UnparsedPublicKey,
};
use ciborium::Value as Cbor;

use super::WebauthnError;

pub(crate) const ES256: i64 = -7;
pub(crate) const EDDSA: i64 = -8;
pub(crate) const RS256: i64 = -257;

/// A credential public key the mock can verify with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CoseKey {
    /// P-256 coordinates.
    Es256 { x: Vec<u8>, y: Vec<u8> },
    /// Modulus and exponent, big-endian.
    Rs256 { n: Vec<u8>, e: Vec<u8> },
    /// The Ed25519 public key.
    EdDsa { x: Vec<u8> },
}

impl CoseKey {
    /// Parse a COSE_Key (`kty` 1, `alg` 3, then the key type's parameters at negative labels).
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, WebauthnError> {
        let value: Cbor = ciborium::de::from_reader(bytes)
            .map_err(|_| WebauthnError::Malformed("credential public key"))?;
        let map = value
            .as_map()
            .ok_or(WebauthnError::Malformed("credential public key"))?;
        let get = |label: i64| {
            map.iter()
                .find(|(k, _)| k.as_integer().and_then(|i| i64::try_from(i).ok()) == Some(label))
                .map(|(_, v)| v)
        };
        let int = |label: i64| {
            get(label)
                .and_then(Cbor::as_integer)
                .and_then(|i| i64::try_from(i).ok())
        };
        let bytes_at = |label: i64| get(label).and_then(Cbor::as_bytes).cloned();
        let unsupported = |what: String| WebauthnError::UnsupportedKey(what);
        let (kty, alg) = (int(1), int(3));
        match (kty, alg) {
            (Some(2), Some(ES256)) => {
                if int(-1) != Some(1) {
                    return Err(unsupported("EC2 key not on P-256".into()));
                }
                match (bytes_at(-2), bytes_at(-3)) {
                    (Some(x), Some(y)) if x.len() == 32 && y.len() == 32 => {
                        Ok(Self::Es256 { x, y })
                    }
                    _ => Err(WebauthnError::Malformed("EC2 coordinates")),
                }
            }
            (Some(3), Some(RS256)) => match (bytes_at(-1), bytes_at(-2)) {
                (Some(n), Some(e)) if !n.is_empty() && !e.is_empty() => Ok(Self::Rs256 { n, e }),
                _ => Err(WebauthnError::Malformed("RSA key")),
            },
            (Some(1), Some(EDDSA)) => {
                if int(-1) != Some(6) {
                    return Err(unsupported("OKP key not on Ed25519".into()));
                }
                match bytes_at(-2) {
                    Some(x) if x.len() == 32 => Ok(Self::EdDsa { x }),
                    _ => Err(WebauthnError::Malformed("OKP key")),
                }
            }
            (kty, alg) => Err(unsupported(format!("kty {kty:?} alg {alg:?}"))),
        }
    }

    /// The COSE algorithm.
    pub(crate) fn algorithm(&self) -> i64 {
        match self {
            Self::Es256 { .. } => ES256,
            Self::Rs256 { .. } => RS256,
            Self::EdDsa { .. } => EDDSA,
        }
    }

    /// Verify `signature` over `message`.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), WebauthnError> {
        let verified = match self {
            Self::Es256 { x, y } => {
                let mut point = Vec::with_capacity(65);
                point.push(0x04);
                point.extend_from_slice(x);
                point.extend_from_slice(y);
                UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, point).verify(message, signature)
            }
            Self::Rs256 { n, e } => RsaPublicKeyComponents { n, e }.verify(
                &RSA_PKCS1_2048_8192_SHA256,
                message,
                signature,
            ),
            Self::EdDsa { x } => UnparsedPublicKey::new(&ED25519, x).verify(message, signature),
        };
        verified.map_err(|_| WebauthnError::Signature)
    }

    /// The COSE_Key bytes (the authenticator's side).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let int = |i: i64| Cbor::Integer(i.into());
        let entries = match self {
            Self::Es256 { x, y } => vec![
                (int(1), int(2)),
                (int(3), int(ES256)),
                (int(-1), int(1)),
                (int(-2), Cbor::Bytes(x.clone())),
                (int(-3), Cbor::Bytes(y.clone())),
            ],
            Self::Rs256 { n, e } => vec![
                (int(1), int(3)),
                (int(3), int(RS256)),
                (int(-1), Cbor::Bytes(n.clone())),
                (int(-2), Cbor::Bytes(e.clone())),
            ],
            Self::EdDsa { x } => vec![
                (int(1), int(1)),
                (int(3), int(EDDSA)),
                (int(-1), int(6)),
                (int(-2), Cbor::Bytes(x.clone())),
            ],
        };
        let mut out = Vec::new();
        // Writing CBOR to a Vec cannot fail.
        let _ = ciborium::ser::into_writer(&Cbor::Map(entries), &mut out);
        out
    }
}
