//! Authenticator data (WebAuthn §6.1): `rpIdHash ‖ flags ‖ signCount`, then the attested credential
//! data when AT is set, then extensions when ED is set.

use super::WebauthnError;

const UP: u8 = 0x01;
const UV: u8 = 0x04;
const BE: u8 = 0x08;
const BS: u8 = 0x10;
const AT: u8 = 0x40;
const ED: u8 = 0x80;

/// Parsed authenticator data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthenticatorData {
    pub rp_id_hash: [u8; 32],
    pub flags: u8,
    pub sign_count: u32,
    pub attested: Option<AttestedCredential>,
}

/// The attested credential data of a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttestedCredential {
    pub aaguid: [u8; 16],
    pub credential_id: Vec<u8>,
    /// The COSE key's CBOR bytes.
    pub public_key: Vec<u8>,
}

impl AuthenticatorData {
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, WebauthnError> {
        let malformed = || WebauthnError::Malformed("authenticator data");
        if bytes.len() < 37 {
            return Err(malformed());
        }
        let mut rp_id_hash = [0u8; 32];
        rp_id_hash.copy_from_slice(&bytes[..32]);
        let flags = bytes[32];
        let sign_count = u32::from_be_bytes([bytes[33], bytes[34], bytes[35], bytes[36]]);
        let mut rest = &bytes[37..];
        let attested = if flags & AT != 0 {
            if rest.len() < 18 {
                return Err(malformed());
            }
            let mut aaguid = [0u8; 16];
            aaguid.copy_from_slice(&rest[..16]);
            let id_len = usize::from(u16::from_be_bytes([rest[16], rest[17]]));
            rest = &rest[18..];
            if rest.len() < id_len || id_len > 1023 {
                return Err(malformed());
            }
            let credential_id = rest[..id_len].to_vec();
            rest = &rest[id_len..];
            let before = rest.len();
            let mut reader = rest;
            let _: ciborium::Value =
                ciborium::de::from_reader(&mut reader).map_err(|_| malformed())?;
            let used = before - reader.len();
            let public_key = rest[..used].to_vec();
            rest = &rest[used..];
            Some(AttestedCredential {
                aaguid,
                credential_id,
                public_key,
            })
        } else {
            None
        };
        if flags & ED != 0 {
            let mut reader = rest;
            let _: ciborium::Value =
                ciborium::de::from_reader(&mut reader).map_err(|_| malformed())?;
            rest = reader;
        }
        // go-webauthn: "Leftover bytes decoding AuthenticatorData".
        if !rest.is_empty() {
            return Err(malformed());
        }
        Ok(Self {
            rp_id_hash,
            flags,
            sign_count,
            attested,
        })
    }

    pub(crate) fn user_present(&self) -> bool {
        self.flags & UP != 0
    }

    pub(crate) fn user_verified(&self) -> bool {
        self.flags & UV != 0
    }

    pub(crate) fn backup_eligible(&self) -> bool {
        self.flags & BE != 0
    }

    pub(crate) fn backup_state(&self) -> bool {
        self.flags & BS != 0
    }

    /// The bytes an authenticator writes (the software authenticator's side).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(37);
        out.extend_from_slice(&self.rp_id_hash);
        let mut flags = self.flags & !(AT | ED);
        if self.attested.is_some() {
            flags |= AT;
        }
        out.push(flags);
        out.extend_from_slice(&self.sign_count.to_be_bytes());
        if let Some(attested) = &self.attested {
            out.extend_from_slice(&attested.aaguid);
            let len = u16::try_from(attested.credential_id.len()).unwrap_or(u16::MAX);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(&attested.credential_id);
            out.extend_from_slice(&attested.public_key);
        }
        out
    }
}

/// Flag bits, for the authenticator.
pub(crate) mod flags {
    pub(crate) const USER_PRESENT: u8 = super::UP;
    pub(crate) const USER_VERIFIED: u8 = super::UV;
}
