//! The customer hub's own authentication: a person asks for a single-use link by email, and
//! exchanges it for a short-lived hub token. Hub tokens have their own audience, so they open
//! only hub endpoints, and API access tokens open none of them.

use crate::auth::extractor::bearer;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use praxis_domain::account::Email;
use std::future::{ready, Ready};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

pub const HUB_AUDIENCE: &str = "praxis-hub";
pub const HUB_TOKEN_SECONDS: i64 = 30 * 60;
/// Links one email address may ask for per hour, known or not.
pub const MAGIC_LINKS_PER_EMAIL_PER_HOUR: u32 = 5;

/// A person signed in to the customer hub through a magic link.
#[derive(Debug, Clone)]
pub struct HubCaller {
    pub user_id: String,
}

impl FromRequest for HubCaller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match bearer(req) {
            None => Err(ApiError::unauthorized(
                "hub-authentication-required",
                "This endpoint needs `Authorization: Bearer <hub token>` from /api/v1/hub/sessions.",
            )),
            Some(Err(e)) => Err(e),
            Some(Ok(token)) => req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::internal("application state missing"))
                .and_then(|state| {
                    state
                        .jwt
                        .verify_for(HUB_AUDIENCE, token, state.now())
                        .map(|user_id| HubCaller { user_id })
                        .ok_or_else(|| {
                            ApiError::unauthorized(
                                "invalid-hub-token",
                                "The hub token is invalid or has expired; ask for a new link.",
                            )
                        })
                }),
        })
    }
}

/// Limits on asking for magic links: per email address (known or not, so a limit reveals
/// nothing) and per client IP. Off when `PRAXIS_AUTH_RATE_PER_MINUTE` is 0.
#[derive(Clone)]
pub struct HubRateLimiter {
    limits: Option<Arc<Limits>>,
}

struct Limits {
    per_email: DefaultKeyedRateLimiter<String>,
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
}

fn rate_limited(not_until: governor::NotUntil<governor::clock::QuantaInstant>) -> ApiError {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    ApiError::RateLimited {
        retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    }
}

impl HubRateLimiter {
    /// `ip_per_minute` requests per client IP per minute, and a fixed hourly quota per email.
    pub fn new(ip_per_minute: u32) -> Self {
        Self {
            limits: NonZeroU32::new(ip_per_minute).map(|per_ip| {
                Arc::new(Limits {
                    per_email: RateLimiter::keyed(Quota::per_hour(
                        NonZeroU32::new(MAGIC_LINKS_PER_EMAIL_PER_HOUR).unwrap_or(NonZeroU32::MIN),
                    )),
                    per_ip: RateLimiter::keyed(Quota::per_minute(per_ip)),
                })
            }),
        }
    }

    pub fn check(&self, client: IpAddr, email: &Email) -> Result<(), ApiError> {
        let Some(limits) = &self.limits else {
            return Ok(());
        };
        limits.per_ip.check_key(&client).map_err(rate_limited)?;
        limits
            .per_email
            .check_key(&email.as_str().to_owned())
            .map_err(rate_limited)
    }

    /// Forgets keys whose buckets are full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        if let Some(limits) = &self.limits {
            limits.per_email.retain_recent();
            limits.per_email.shrink_to_fit();
            limits.per_ip.retain_recent();
            limits.per_ip.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_links_are_limited_per_email_whether_known_or_not() {
        let limiter = HubRateLimiter::new(1000);
        let email = Email::parse("nobody@example.org").unwrap_or_else(|e| panic!("{e}"));
        let ip: IpAddr = [192, 0, 2, 1].into();
        for _ in 0..MAGIC_LINKS_PER_EMAIL_PER_HOUR {
            assert!(limiter.check(ip, &email).is_ok());
        }
        assert!(matches!(
            limiter.check(ip, &email),
            Err(ApiError::RateLimited { retry_after_secs }) if retry_after_secs > 60
        ));
        let other = Email::parse("other@example.org").unwrap_or_else(|e| panic!("{e}"));
        assert!(limiter.check(ip, &other).is_ok());
        assert!(HubRateLimiter::new(0).check(ip, &email).is_ok());
    }
}
