//! Access tokens: HS256 JWTs that live 15 minutes, with issuer, audience and expiry checked.

use chrono::{DateTime, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "praxis";
pub const AUDIENCE: &str = "praxis-api";
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    /// The account's session generation when issued; behind the account's, the token is dead.
    #[serde(default)]
    pub gen: i64,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn issue(
        &self,
        user_id: &str,
        generation: i64,
        now: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        self.sign(AUDIENCE, user_id, generation, now, ACCESS_TOKEN_SECONDS)
    }

    /// A token for another audience (the customer hub), which API endpoints refuse, and the
    /// other way round: the audience keeps each kind of token to its own endpoints.
    pub fn issue_for(
        &self,
        audience: &str,
        user_id: &str,
        now: DateTime<Utc>,
        lifetime_seconds: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        self.sign(audience, user_id, 0, now, lifetime_seconds)
    }

    fn sign(
        &self,
        audience: &str,
        user_id: &str,
        generation: i64,
        now: DateTime<Utc>,
        lifetime_seconds: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user_id.to_owned(),
            iss: ISSUER.to_owned(),
            aud: audience.to_owned(),
            iat: now.timestamp(),
            exp: now.timestamp() + lifetime_seconds,
            gen: generation,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The user id of a valid token. Only HS256 is accepted (so `alg: none` and other algorithms
    /// fail), and the signature, issuer, audience and expiry must all hold at `now`.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<String> {
        self.verify_for(AUDIENCE, token, now)
    }

    /// The user id and session generation of a valid access token (see [`JwtKeys::verify`]).
    pub fn verify_session(&self, token: &str, now: DateTime<Utc>) -> Option<(String, i64)> {
        self.claims_for(AUDIENCE, token, now)
            .map(|c| (c.sub, c.gen))
    }

    /// Like [`JwtKeys::verify`], for a token issued to `audience`.
    pub fn verify_for(&self, audience: &str, token: &str, now: DateTime<Utc>) -> Option<String> {
        self.claims_for(audience, token, now).map(|c| c.sub)
    }

    fn claims_for(&self, audience: &str, token: &str, now: DateTime<Utc>) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Expiry is checked below against the injected clock, not the system clock.
        validation.validate_exp = false;
        let data = decode::<Claims>(token, &self.decoding, &validation).ok()?;
        if data.claims.exp <= now.timestamp() {
            return None;
        }
        Some(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn keys() -> JwtKeys {
        JwtKeys::new(b"test-secret-test-secret-test-secret!")
    }

    #[test]
    fn access_token_round_trips_until_it_expires() {
        let now = Utc::now();
        let token = keys().issue("user-1", 0, now).unwrap_or_default();
        assert_eq!(keys().verify(&token, now).as_deref(), Some("user-1"));
        let later = now + chrono::Duration::seconds(ACCESS_TOKEN_SECONDS);
        assert_eq!(keys().verify(&token, later), None);
    }

    #[test]
    fn access_token_signed_with_another_secret_is_refused() {
        let now = Utc::now();
        let token = JwtKeys::new(b"another-secret-another-secret-another")
            .issue("user-1", 0, now)
            .unwrap_or_default();
        assert_eq!(keys().verify(&token, now), None);
    }

    #[test]
    fn access_token_with_alg_none_is_refused() {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = Utc::now().timestamp();
        let header = engine.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let claims = engine.encode(format!(
            r#"{{"sub":"user-1","iss":"praxis","aud":"praxis-api","iat":{now},"exp":{}}}"#,
            now + 600
        ));
        assert_eq!(
            keys().verify(&format!("{header}.{claims}."), Utc::now()),
            None
        );
    }
}
