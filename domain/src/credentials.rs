//! Open Badges 3.0 credentials: what makes a presented credential valid, once its signature has
//! been checked. The signing and the JSON live in `app::credentials`; the rules here are the
//! ones a verifier applies: our issuer, inside its validity window, not revoked.

use chrono::{DateTime, Utc};

crate::string_enum! {
    /// Why a credential does not verify.
    pub enum InvalidCredential {
        /// Not a compact JWS with a JSON header and payload.
        Malformed => "malformed",
        /// Not `typ: vc+jwt`, `alg: EdDSA` with our key id.
        UnsupportedHeader => "unsupported_header",
        /// The signature does not match the header and payload (tampered, or another key).
        BadSignature => "bad_signature",
        /// Issued by someone else.
        WrongIssuer => "wrong_issuer",
        NotYetValid => "not_yet_valid",
        Expired => "expired",
        /// No award of ours has this credential's id.
        UnknownAward => "unknown_award",
        /// The award was revoked.
        Revoked => "revoked",
    }
    field = "reason";
}

/// The claims a verifier checks after the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub issuer: String,
    pub not_before: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
}

/// Checks issuer and validity window at `now`.
pub fn check_claims(
    claims: &Claims,
    our_issuer: &str,
    now: DateTime<Utc>,
) -> Result<(), InvalidCredential> {
    if claims.issuer != our_issuer {
        return Err(InvalidCredential::WrongIssuer);
    }
    if claims.not_before.is_some_and(|at| now < at) {
        return Err(InvalidCredential::NotYetValid);
    }
    if claims.expires.is_some_and(|at| now >= at) {
        return Err(InvalidCredential::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_credential_verifies_only_for_our_issuer_inside_its_validity_window() {
        let now = Utc::now();
        let claims = Claims {
            issuer: "https://praxis.example/issuer".into(),
            not_before: Some(now - Duration::days(1)),
            expires: Some(now + Duration::days(1)),
        };
        assert_eq!(
            check_claims(&claims, "https://praxis.example/issuer", now),
            Ok(())
        );
        assert_eq!(
            check_claims(&claims, "https://other.example/issuer", now),
            Err(InvalidCredential::WrongIssuer)
        );
        assert_eq!(
            check_claims(
                &claims,
                "https://praxis.example/issuer",
                now + Duration::days(2)
            ),
            Err(InvalidCredential::Expired)
        );
        assert_eq!(
            check_claims(
                &claims,
                "https://praxis.example/issuer",
                now - Duration::days(2)
            ),
            Err(InvalidCredential::NotYetValid)
        );
        let open_ended = Claims {
            expires: None,
            ..claims
        };
        assert_eq!(
            check_claims(
                &open_ended,
                "https://praxis.example/issuer",
                now + Duration::days(3650)
            ),
            Ok(())
        );
    }
}
