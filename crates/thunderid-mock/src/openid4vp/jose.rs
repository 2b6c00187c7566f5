//! The JOSE pieces OpenID4VP needs, on aws-lc-rs: compact JWS decoding (signing and verification
//! are `jws`), P-256 JWKs, RFC 7638 thumbprints, and the
//! `direct_post.jwt` response JWE (`ECDH-ES` direct key agreement with `A128GCM` / `A256GCM`, or
//! the CBC-HMAC encryptions `A128CBC-HS256` / `A256CBC-HS512` of RFC 7518 §5.2: every value the
//! server's request object advertises).

use aws_lc_rs::aead::{AES_128_GCM, AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::agreement::{self, ECDH_P256};
use aws_lc_rs::cipher::{
    AES_128, AES_256, DecryptionContext, EncryptionContext, PaddedBlockDecryptingKey,
    PaddedBlockEncryptingKey, UnboundCipherKey,
};
use aws_lc_rs::constant_time;
use aws_lc_rs::encoding::{AsBigEndian, EcPrivateKeyBin};
use aws_lc_rs::hmac;
use aws_lc_rs::iv::FixedLength;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Why a JOSE object was refused; the texts are the Go libraries' where the server shows them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum JoseError {
    #[error("invalid JWS format")]
    Format,
    #[error("unsupported JWS alg: {0}")]
    Algorithm(String),
    #[error("signature verification failed")]
    Signature,
    #[error("{0}")]
    Malformed(String),
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn unb64(text: &str) -> Result<Vec<u8>, JoseError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| JoseError::Malformed(format!("base64url decode: {e}")))
}

/// A P-256 point as a JWK (`kty`, `crv`, `x`, `y`).
pub(crate) fn point_jwk(point: &[u8]) -> Map<String, Value> {
    let (x, y) = point
        .get(1..)
        .unwrap_or_default()
        .split_at(point.len().saturating_sub(1) / 2);
    let mut jwk = Map::new();
    jwk.insert("kty".into(), "EC".into());
    jwk.insert("crv".into(), "P-256".into());
    jwk.insert("x".into(), b64(x).into());
    jwk.insert("y".into(), b64(y).into());
    jwk
}

/// The uncompressed point of a P-256 JWK (the JWE's `epk` and the recipient key).
pub(crate) fn jwk_point(jwk: &Map<String, Value>) -> Result<Vec<u8>, JoseError> {
    let text = |key: &str| jwk.get(key).and_then(Value::as_str).unwrap_or_default();
    if text("kty") != "EC" || text("crv") != "P-256" {
        return Err(JoseError::Malformed(
            "unsupported JWK: only EC P-256".into(),
        ));
    }
    let (x, y) = (unb64(text("x"))?, unb64(text("y"))?);
    if x.len() != 32 || y.len() != 32 {
        return Err(JoseError::Malformed("invalid EC coordinates".into()));
    }
    let mut point = vec![4u8];
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    Ok(point)
}

/// RFC 7638 thumbprint (`ComputeJKT`): the required members of an EC, OKP, RSA or AKP JWK in
/// lexical order; empty when one is missing or the key type is another (the server then has no
/// thumbprint).
pub(crate) fn jwk_thumbprint(jwk: &Map<String, Value>) -> String {
    let text = |key: &str| jwk.get(key).and_then(Value::as_str).unwrap_or_default();
    let members: &[&str] = match text("kty") {
        "EC" => &["crv", "kty", "x", "y"],
        "OKP" => &["crv", "kty", "x"],
        "RSA" => &["e", "kty", "n"],
        "AKP" => &["alg", "kty", "pub"],
        _ => return String::new(),
    };
    if members.iter().any(|m| text(m).is_empty()) {
        return String::new();
    }
    let canonical: Map<String, Value> = members
        .iter()
        .map(|m| ((*m).to_owned(), Value::from(text(m))))
        .collect();
    b64(&Sha256::digest(
        Value::Object(canonical).to_string().as_bytes(),
    ))
}

/// The three segments of a compact JWS.
fn segments(token: &str) -> Result<[&str; 3], JoseError> {
    let parts: Vec<&str> = token.split('.').collect();
    <[&str; 3]>::try_from(parts).map_err(|_| JoseError::Format)
}

fn decode_object(segment: &str) -> Result<Map<String, Value>, JoseError> {
    let bytes = unb64(segment)?;
    serde_json::from_slice(&bytes).map_err(|e| JoseError::Malformed(format!("json unmarshal: {e}")))
}

/// A compact JWS's header, unverified.
pub(crate) fn header(token: &str) -> Result<Map<String, Value>, JoseError> {
    decode_object(segments(token)?[0])
}

/// A compact JWS's claims, unverified.
pub(crate) fn claims(token: &str) -> Result<Map<String, Value>, JoseError> {
    decode_object(segments(token)?[1])
}

/// The verifier's ephemeral response-decryption key (P-256 ECDH), kept as its private scalar.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct EncKey([u8; 32]);

impl std::fmt::Debug for EncKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncKey([redacted])")
    }
}

impl EncKey {
    pub(crate) fn generate() -> Self {
        let key = agreement::PrivateKey::generate(&ECDH_P256).expect("ECDH key generation");
        let scalar: EcPrivateKeyBin<'_> = key.as_be_bytes().expect("a P-256 scalar");
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(scalar.as_ref());
        Self(bytes)
    }

    fn private(&self) -> agreement::PrivateKey {
        agreement::PrivateKey::from_private_key(&ECDH_P256, &self.0).expect("a stored scalar")
    }

    /// The public half as the request object's `client_metadata.jwks` carries it.
    pub(crate) fn public_jwk(&self, kid: &str) -> Map<String, Value> {
        let public = self.private().compute_public_key().expect("a public key");
        let mut jwk = point_jwk(public.as_ref());
        jwk.insert("use".into(), "enc".into());
        jwk.insert("alg".into(), "ECDH-ES".into());
        if !kid.is_empty() {
            jwk.insert("kid".into(), kid.into());
        }
        jwk
    }
}

/// The content encryptions the mock decrypts, with their key length.
fn content_key_len(enc: &str) -> Option<usize> {
    match enc {
        "A128GCM" => Some(16),
        "A256GCM" => Some(32),
        "A128CBC-HS256" => Some(32),
        "A256CBC-HS512" => Some(64),
        _ => None,
    }
}

/// RFC 7518 §4.6.2 Concat KDF (SHA-256) for `ECDH-ES` direct agreement: the algorithm id is `enc`.
fn concat_kdf(secret: &[u8], enc: &str, apu: &[u8], apv: &[u8], len: usize) -> Vec<u8> {
    let field = |data: &[u8]| {
        let mut out = u32::try_from(data.len())
            .unwrap_or(0)
            .to_be_bytes()
            .to_vec();
        out.extend_from_slice(data);
        out
    };
    let mut other = field(enc.as_bytes());
    other.extend(field(apu));
    other.extend(field(apv));
    other.extend_from_slice(&u32::try_from(len * 8).unwrap_or(0).to_be_bytes());
    let mut out = Vec::with_capacity(len + 32);
    let mut counter = 1u32;
    while out.len() < len {
        let mut hash = Sha256::new();
        hash.update(counter.to_be_bytes());
        hash.update(secret);
        hash.update(&other);
        out.extend_from_slice(&hash.finalize());
        counter += 1;
    }
    out.truncate(len);
    out
}

fn gcm(enc: &str, key: &[u8]) -> Result<LessSafeKey, JoseError> {
    let algorithm = if enc == "A256GCM" {
        &AES_256_GCM
    } else {
        &AES_128_GCM
    };
    UnboundKey::new(algorithm, key)
        .map(LessSafeKey::new)
        .map_err(|_| JoseError::Malformed("invalid content key".into()))
}

fn derive(
    private: &agreement::PrivateKey,
    peer: &[u8],
    enc: &str,
    header: &Map<String, Value>,
) -> Result<Vec<u8>, JoseError> {
    let len = content_key_len(enc)
        .ok_or_else(|| JoseError::Malformed(format!("unsupported content encryption: {enc}")))?;
    let party = |key: &str| match header.get(key).and_then(Value::as_str) {
        Some(text) => unb64(text),
        None => Ok(Vec::new()),
    };
    let (apu, apv) = (party("apu")?, party("apv")?);
    agreement::agree(
        private,
        agreement::UnparsedPublicKey::new(&ECDH_P256, peer),
        JoseError::Malformed("ECDH key agreement failed".into()),
        |secret| Ok(concat_kdf(secret, enc, &apu, &apv, len)),
    )
}

/// Decrypt a compact JWE made for `key` (`alg: ECDH-ES`, `epk` in the protected header).
pub(crate) fn decrypt(jwe: &str, key: &EncKey) -> Result<Vec<u8>, JoseError> {
    let parts: Vec<&str> = jwe.split('.').collect();
    let [protected, encrypted_key, iv, ciphertext, tag] = <[&str; 5]>::try_from(parts)
        .map_err(|_| JoseError::Malformed("invalid JWE format".into()))?;
    let header = decode_object(protected)?;
    let text = |name: &str| header.get(name).and_then(Value::as_str).unwrap_or_default();
    if text("alg") != "ECDH-ES" {
        return Err(JoseError::Malformed(format!(
            "unsupported key algorithm: {}",
            text("alg")
        )));
    }
    if !encrypted_key.is_empty() {
        return Err(JoseError::Malformed(
            "ECDH-ES carries no encrypted key".into(),
        ));
    }
    let epk = header
        .get("epk")
        .and_then(Value::as_object)
        .ok_or_else(|| JoseError::Malformed("missing epk".into()))?;
    let cek = derive(&key.private(), &jwk_point(epk)?, text("enc"), &header)?;
    if text("enc").contains("CBC") {
        let (iv, ciphertext, tag) = (unb64(iv)?, unb64(ciphertext)?, unb64(tag)?);
        return cbc_hmac_open(&cek, &iv, ciphertext, &tag, protected.as_bytes());
    }
    let iv: [u8; 12] = unb64(iv)?
        .try_into()
        .map_err(|_| JoseError::Malformed("invalid IV".into()))?;
    let mut sealed = unb64(ciphertext)?;
    sealed.extend(unb64(tag)?);
    let plaintext = gcm(text("enc"), &cek)?
        .open_in_place(
            Nonce::assume_unique_for_key(iv),
            Aad::from(protected.as_bytes()),
            &mut sealed,
        )
        .map_err(|_| JoseError::Malformed("message authentication failed".into()))?;
    Ok(plaintext.to_vec())
}

/// Encrypt `plaintext` to a verifier's P-256 JWK (`ECDH-ES` with `enc`), as a wallet does.
pub(crate) fn encrypt(
    plaintext: &[u8],
    recipient: &Map<String, Value>,
    enc: &str,
) -> Result<String, JoseError> {
    let ephemeral = agreement::PrivateKey::generate(&ECDH_P256)
        .map_err(|_| JoseError::Malformed("ECDH key generation failed".into()))?;
    let public = ephemeral
        .compute_public_key()
        .map_err(|_| JoseError::Malformed("ECDH key generation failed".into()))?;
    let mut header = Map::new();
    header.insert("alg".into(), "ECDH-ES".into());
    header.insert("enc".into(), enc.into());
    header.insert("epk".into(), Value::Object(point_jwk(public.as_ref())));
    if let Some(kid) = recipient.get("kid") {
        header.insert("kid".into(), kid.clone());
    }
    let cek = derive(&ephemeral, &jwk_point(recipient)?, enc, &header)?;
    let protected = b64(Value::Object(header).to_string().as_bytes());
    if enc.contains("CBC") {
        let mut iv = [0u8; 16];
        SystemRandom::new()
            .fill(&mut iv)
            .map_err(|_| JoseError::Malformed("no randomness".into()))?;
        let (ciphertext, tag) = cbc_hmac_seal(&cek, iv, plaintext, protected.as_bytes())?;
        return Ok(format!(
            "{protected}..{}.{}.{}",
            b64(&iv),
            b64(&ciphertext),
            b64(&tag)
        ));
    }
    let mut iv = [0u8; 12];
    SystemRandom::new()
        .fill(&mut iv)
        .map_err(|_| JoseError::Malformed("no randomness".into()))?;
    let mut sealed = plaintext.to_vec();
    let tag = gcm(enc, &cek)?
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(iv),
            Aad::from(protected.as_bytes()),
            &mut sealed,
        )
        .map_err(|_| JoseError::Malformed("encryption failed".into()))?;
    Ok(format!(
        "{protected}..{}.{}.{}",
        b64(&iv),
        b64(&sealed),
        b64(tag.as_ref())
    ))
}

/// RFC 7518 §5.2.2.1: the CEK's first half keys the MAC, the second the AES-CBC cipher; the tag is
/// the first half of HMAC(AAD || IV || ciphertext || AAD bit length).
fn cbc_hmac_tag(mac_key: &[u8], aad: &[u8], iv: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    let algorithm = if mac_key.len() == 32 {
        hmac::HMAC_SHA512
    } else {
        hmac::HMAC_SHA256
    };
    let mut context = hmac::Context::with_key(&hmac::Key::new(algorithm, mac_key));
    context.update(aad);
    context.update(iv);
    context.update(ciphertext);
    context.update(&(u64::try_from(aad.len()).unwrap_or(0) * 8).to_be_bytes());
    let full = context.sign();
    full.as_ref()[..mac_key.len()].to_vec()
}

fn cbc_cipher(key: &[u8]) -> Result<UnboundCipherKey, JoseError> {
    let algorithm = if key.len() == 32 { &AES_256 } else { &AES_128 };
    UnboundCipherKey::new(algorithm, key)
        .map_err(|_| JoseError::Malformed("invalid content key".into()))
}

fn cbc_hmac_seal(
    cek: &[u8],
    iv: [u8; 16],
    plaintext: &[u8],
    aad: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), JoseError> {
    let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
    let key = PaddedBlockEncryptingKey::cbc_pkcs7(cbc_cipher(enc_key)?)
        .map_err(|_| JoseError::Malformed("invalid content key".into()))?;
    let mut sealed = plaintext.to_vec();
    key.less_safe_encrypt(&mut sealed, EncryptionContext::Iv128(FixedLength::from(iv)))
        .map_err(|_| JoseError::Malformed("encryption failed".into()))?;
    let tag = cbc_hmac_tag(mac_key, aad, &iv, &sealed);
    Ok((sealed, tag))
}

fn cbc_hmac_open(
    cek: &[u8],
    iv: &[u8],
    mut ciphertext: Vec<u8>,
    tag: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, JoseError> {
    let (mac_key, enc_key) = cek.split_at(cek.len() / 2);
    let iv: [u8; 16] = iv
        .try_into()
        .map_err(|_| JoseError::Malformed("invalid IV".into()))?;
    let expected = cbc_hmac_tag(mac_key, aad, &iv, &ciphertext);
    constant_time::verify_slices_are_equal(&expected, tag)
        .map_err(|_| JoseError::Malformed("message authentication failed".into()))?;
    let key = PaddedBlockDecryptingKey::cbc_pkcs7(cbc_cipher(enc_key)?)
        .map_err(|_| JoseError::Malformed("invalid content key".into()))?;
    let plaintext = key
        .decrypt(
            &mut ciphertext,
            DecryptionContext::Iv128(FixedLength::from(iv)),
        )
        .map_err(|_| JoseError::Malformed("message authentication failed".into()))?;
    Ok(plaintext.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7518 Appendix B.1 (AES_128_CBC_HMAC_SHA_256): the ciphertext and tag, and a tag off by
    /// one bit refused.
    #[test]
    fn cbc_hmac_matches_rfc_7518_b1() {
        let cek: Vec<u8> = (0u8..32).collect();
        let iv: [u8; 16] = [
            0x1a, 0xf3, 0x8c, 0x2d, 0xc2, 0xb9, 0x6f, 0xfd, 0xd8, 0x66, 0x94, 0x09, 0x23, 0x41,
            0xbc, 0x04,
        ];
        let plaintext = b"A cipher system must not be required to be secret, and it must be able to fall into the hands of the enemy without inconvenience";
        let aad = b"The second principle of Auguste Kerckhoffs";
        let (ciphertext, tag) = cbc_hmac_seal(&cek, iv, plaintext, aad).unwrap();
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(&ciphertext),
            "c80edfa32ddf39d5ef00c0b468834279a2e46a1b8049f792f76bfe54b903a9c9a94ac9b47ad2655c5f10f9aef71427e2fc6f9b3f399a221489f16362c703233609d45ac69864e3321cf82935ac4096c86e133314c54019e8ca7980dfa4b9cf1b384c486f3a54c51078158ee5d79de59fbd34d848b3d69550a67646344427ade54b8851ffb598f7f80074b9473c82e2db"
        );
        assert_eq!(hex(&tag), "652c3fa36b0a7c5b3219fab3a30bc1c4");
        let opened = cbc_hmac_open(&cek, &iv, ciphertext.clone(), &tag, aad).unwrap();
        assert_eq!(opened, plaintext);
        let mut forged = tag;
        forged[15] ^= 1;
        assert!(cbc_hmac_open(&cek, &iv, ciphertext, &forged, aad).is_err());
    }
}
