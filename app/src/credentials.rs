//! Open Badges 3.0 credentials: an award exported as an `OpenBadgeCredential` (W3C Verifiable
//! Credentials data model 2.0), secured as a JWT (`typ: vc+jwt`, `alg: EdDSA`) with the
//! community's Ed25519 key; the issuer's public profile with that key as a JWK; and
//! verification of a presented credential (signature, issuer, validity window, revocation).
//!
//! The key's seed is SHA-256 of a secret the server keeps (`PRAXIS_CREDENTIAL_KEY`, or one
//! generated at first start and stored in the database), so every node signs with one key.

use crate::error::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use praxis_domain::credentials::{check_claims, Claims, InvalidCredential};
use praxis_domain::ids::{BadgeAwardId, UserId};
use praxis_persistence::badges::{self, AwardRow, BadgeClassRow};
use praxis_persistence::{from_db_time, users, DbConnection};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The JOSE header type of a VC secured as a JWT.
pub const TYP: &str = "vc+jwt";
pub const ALG: &str = "EdDSA";

/// The community as an issuer: its identity and signing key.
pub struct Issuer {
    public_url: String,
    name: String,
    key: SigningKey,
}

impl std::fmt::Debug for Issuer {
    // The signing key never appears in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("id", &self.id())
            .field("key", &"***")
            .finish()
    }
}

impl Issuer {
    /// The issuer at `public_url` (the API's base URL), with the key derived from `secret`.
    pub fn new(public_url: &str, name: &str, secret: &[u8]) -> Self {
        let seed: [u8; 32] = Sha256::digest(secret).into();
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            name: name.to_owned(),
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// The issuer's id: the URL of its public profile.
    pub fn id(&self) -> String {
        format!("{}/api/v1/credentials/issuer", self.public_url)
    }

    /// The key id in every header: the issuer's verification method.
    pub fn kid(&self) -> String {
        format!("{}#key-1", self.id())
    }

    fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// The public key as a JWK (RFC 8037: `kty: OKP`, `crv: Ed25519`).
    pub fn jwk(&self) -> Value {
        json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": URL_SAFE_NO_PAD.encode(self.verifying_key().as_bytes()),
            "kid": self.kid(),
            "alg": ALG,
            "use": "sig",
        })
    }

    /// The public issuer profile (an Open Badges `Profile`) with its verification key.
    pub fn profile(&self) -> Value {
        json!({
            "@context": CONTEXT,
            "id": self.id(),
            "type": ["Profile"],
            "name": self.name,
            "url": self.public_url,
            "verificationMethod": [{
                "id": self.kid(),
                "type": "JsonWebKey",
                "controller": self.id(),
                "publicKeyJwk": self.jwk(),
            }],
        })
    }

    fn sign(&self, payload: &Value) -> String {
        let header = json!({"alg": ALG, "typ": TYP, "kid": self.kid()});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string())
        );
        let signature = self.key.sign(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    }
}

const CONTEXT: [&str; 2] = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
];

/// The holder's credential for their award, signed. A revoked award has none.
pub fn export(
    conn: &mut DbConnection,
    issuer: &Issuer,
    holder: &UserId,
    id: &BadgeAwardId,
    now: DateTime<Utc>,
) -> Result<String> {
    let (award, class) = crate::badges::own_award(conn, holder, id)?;
    if award.revoked_at.is_some() {
        return Err(Error::conflict(
            "badge-award-revoked",
            "This award was revoked; it has no credential.",
        ));
    }
    let user = users::find_by_id(conn, holder.as_str())?.ok_or(Error::NotFound("member"))?;
    Ok(issuer.sign(&credential(issuer, &award, &class, &user.email, now)))
}

/// An email as an Open Badges identity: salted SHA-256, never the address itself.
fn identity_hash(email: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{}{salt}", email.trim().to_lowercase()).as_bytes());
    format!("sha256${}", hex::encode(digest))
}

fn credential(
    issuer: &Issuer,
    award: &AwardRow,
    class: &BadgeClassRow,
    email: &str,
    now: DateTime<Utc>,
) -> Value {
    let awarded = from_db_time(award.awarded_at);
    let credential_id = format!("urn:uuid:{}", award.id);
    json!({
        "@context": CONTEXT,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.id(), "type": ["Profile"], "name": issuer.name, "url": issuer.public_url},
        "validFrom": awarded.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "name": class.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": identity_hash(email, &award.id),
                "identityType": "emailAddress",
                "hashed": true,
                "salt": award.id,
            }],
            "achievement": {
                "id": format!("{}/api/v1/badges/{}", issuer.public_url, class.id),
                "type": ["Achievement"],
                "name": class.name,
                "description": class.criteria,
                "criteria": {"narrative": class.criteria},
                "tag": class.skill_list(),
            },
        },
        "iss": issuer.id(),
        "jti": credential_id,
        "nbf": awarded.timestamp(),
        "iat": now.timestamp(),
    })
}

/// The outcome of verifying a presented credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub valid: bool,
    pub reason: Option<InvalidCredential>,
    /// The credential's id (`urn:uuid:<award>`), once the signature held.
    pub credential_id: Option<String>,
}

/// Verifies a compact JWS credential: our header and key, an intact signature, our issuer,
/// inside its validity window, and an award that exists and is not revoked.
pub fn verify(
    conn: &mut DbConnection,
    issuer: &Issuer,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Verification> {
    let payload = match checked_payload(issuer, token, now) {
        Ok(payload) => payload,
        Err(reason) => return Ok(invalid(reason, None)),
    };
    let credential_id = payload["jti"].as_str().map(str::to_owned);
    let award_id = credential_id
        .as_deref()
        .and_then(|id| id.strip_prefix("urn:uuid:"))
        .unwrap_or_default();
    let Some(award) = badges::find_award(conn, award_id)? else {
        return Ok(invalid(InvalidCredential::UnknownAward, credential_id));
    };
    if award.revoked_at.is_some() {
        return Ok(invalid(InvalidCredential::Revoked, credential_id));
    }
    Ok(Verification {
        valid: true,
        reason: None,
        credential_id,
    })
}

fn invalid(reason: InvalidCredential, credential_id: Option<String>) -> Verification {
    Verification {
        valid: false,
        reason: Some(reason),
        credential_id,
    }
}

/// The payload of a token whose header, signature and claims hold.
fn checked_payload(
    issuer: &Issuer,
    token: &str,
    now: DateTime<Utc>,
) -> std::result::Result<Value, InvalidCredential> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Err(InvalidCredential::Malformed);
    };
    let header = decode_json(header)?;
    let payload_json = decode_json(payload)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or(InvalidCredential::Malformed)?;
    if header["alg"] != ALG || header["typ"] != TYP || header["kid"] != issuer.kid().as_str() {
        return Err(InvalidCredential::UnsupportedHeader);
    }
    let signing_input = &token.trim()[..token.trim().rfind('.').unwrap_or(0)];
    issuer
        .verifying_key()
        .verify_strict(signing_input.as_bytes(), &signature)
        .map_err(|_| InvalidCredential::BadSignature)?;
    let time = |claim: &str| {
        payload_json[claim]
            .as_i64()
            .and_then(|secs| DateTime::<Utc>::from_timestamp(secs, 0))
    };
    let claims = Claims {
        issuer: payload_json["iss"].as_str().unwrap_or_default().to_owned(),
        not_before: time("nbf"),
        expires: time("exp"),
    };
    check_claims(&claims, &issuer.id(), now)?;
    Ok(payload_json)
}

fn decode_json(part: &str) -> std::result::Result<Value, InvalidCredential> {
    URL_SAFE_NO_PAD
        .decode(part)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .filter(Value::is_object)
        .ok_or(InvalidCredential::Malformed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_same_secret_gives_the_same_key_and_the_jwk_is_okp_ed25519() {
        let a = Issuer::new("https://praxis.example/", "Praxis", b"secret");
        let b = Issuer::new("https://praxis.example", "Praxis", b"secret");
        assert_eq!(a.jwk(), b.jwk());
        assert_eq!(a.jwk()["kty"], "OKP");
        assert_eq!(a.jwk()["crv"], "Ed25519");
        assert_eq!(a.id(), "https://praxis.example/api/v1/credentials/issuer");
        assert!(!format!("{a:?}").contains("secret"));
    }

    #[test]
    fn a_tampered_payload_fails_the_signature() {
        let issuer = Issuer::new("https://praxis.example", "Praxis", b"secret");
        let now = Utc::now();
        let token = issuer.sign(&json!({"iss": issuer.id(), "jti": "urn:uuid:x"}));
        assert!(checked_payload(&issuer, &token, now).is_ok());
        let parts: Vec<&str> = token.split('.').collect();
        let forged =
            URL_SAFE_NO_PAD.encode(json!({"iss": issuer.id(), "jti": "urn:uuid:y"}).to_string());
        let tampered = format!("{}.{forged}.{}", parts[0], parts[2]);
        assert_eq!(
            checked_payload(&issuer, &tampered, now),
            Err(InvalidCredential::BadSignature)
        );
        let other = Issuer::new("https://praxis.example", "Praxis", b"other");
        assert_eq!(
            checked_payload(&other, &token, now),
            Err(InvalidCredential::BadSignature)
        );
        assert_eq!(
            checked_payload(&issuer, "not.a-token", now),
            Err(InvalidCredential::Malformed)
        );
    }
}
