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
}
