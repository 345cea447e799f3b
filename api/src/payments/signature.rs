//! `Praxis-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
//! Several `v1` values are accepted so a secret can be rotated without downtime.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a signature's timestamp may be from now: older ones are replays or stale retries.
pub const TOLERANCE_SECONDS: i64 = 5 * 60;

#[derive(Debug, PartialEq, Eq)]
pub enum SignatureError {
    Missing,
    Malformed,
    Stale,
    Mismatch,
}

/// Signs a payload as the provider does (for the local provider and tests).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac(secret, timestamp, body))
    )
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this branch cannot be reached.
        Err(_) => return Vec::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

/// Checks the header against the raw body at `now` (Unix seconds), in constant time.
pub fn verify(
    secret: &[u8],
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => {
                candidates.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?)
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    for candidate in candidates {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
            return Err(SignatureError::Mismatch);
        };
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        if mac.verify_slice(&candidate).is_ok() {
            return Ok(());
        }
    }
    Err(SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";

    #[test]
    fn webhook_signature_round_trips() {
        let header = sign(SECRET, 1_800_000_000, b"{}");
        assert_eq!(verify(SECRET, Some(&header), b"{}", 1_800_000_000), Ok(()));
    }

    #[test]
    fn webhook_signature_over_another_body_or_secret_is_refused() {
        let header = sign(SECRET, 1_800_000_000, b"{}");
        assert_eq!(
            verify(SECRET, Some(&header), b"{ }", 1_800_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"other", Some(&header), b"{}", 1_800_000_000),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn webhook_timestamp_tolerance_is_five_minutes() {
        let header = sign(SECRET, 1_800_000_000, b"{}");
        assert_eq!(verify(SECRET, Some(&header), b"{}", 1_800_000_300), Ok(()));
        assert_eq!(
            verify(SECRET, Some(&header), b"{}", 1_800_000_301),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn webhook_signature_header_must_be_well_formed() {
        assert_eq!(verify(SECRET, None, b"{}", 0), Err(SignatureError::Missing));
        assert_eq!(
            verify(SECRET, Some("v1=00"), b"{}", 0),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(SECRET, Some("t=0,v1=zz"), b"{}", 0),
            Err(SignatureError::Malformed)
        );
    }

    // Stripe's scheme (`Stripe-Signature`) is this one. The payload, secret and timestamp are
    // those of Stripe's own library tests and documentation (`t=1492774577`, `v0` ignored);
    // the expected HMAC was computed independently (Python's hmac), not with this module.
    const STRIPE_SECRET: &[u8] = b"whsec_test_secret";
    const STRIPE_PAYLOAD: &[u8] = b"{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}";
    const STRIPE_T: i64 = 1_492_774_577;
    const STRIPE_V1: &str = "c2f890decbc5ede7c5060bb9a6d31e0626a4342bacb9aeae2adb1bcea72f9812";

    #[test]
    fn stripe_signature_with_several_v1_values_passes_when_one_matches() {
        let header = format!(
            "t={STRIPE_T},v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v1={STRIPE_V1},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"
        );
        assert_eq!(
            verify(STRIPE_SECRET, Some(&header), STRIPE_PAYLOAD, STRIPE_T + 10),
            Ok(())
        );
        let none_matching = format!(
            "t={STRIPE_T},v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"
        );
        assert_eq!(
            verify(
                STRIPE_SECRET,
                Some(&none_matching),
                STRIPE_PAYLOAD,
                STRIPE_T
            ),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn stripe_signature_older_than_five_minutes_is_stale() {
        let header = format!("t={STRIPE_T},v1={STRIPE_V1}");
        assert_eq!(
            verify(STRIPE_SECRET, Some(&header), STRIPE_PAYLOAD, STRIPE_T + 301),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn stripe_signature_under_another_secret_is_refused() {
        let header = format!("t={STRIPE_T},v1={STRIPE_V1}");
        assert_eq!(
            verify(
                b"whsec_wrong_secret",
                Some(&header),
                STRIPE_PAYLOAD,
                STRIPE_T
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(sign(STRIPE_SECRET, STRIPE_T, STRIPE_PAYLOAD), header);
    }

    #[test]
    fn stripe_signature_v0_alone_is_not_accepted() {
        let header = format!("t={STRIPE_T},v0={STRIPE_V1}");
        assert_eq!(
            verify(STRIPE_SECRET, Some(&header), STRIPE_PAYLOAD, STRIPE_T),
            Err(SignatureError::Malformed)
        );
    }
}
