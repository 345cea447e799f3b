//! Rate limits on the endpoints that guess passwords or mint tokens: per client IP, and for
//! those that name an address, per email address too (known or not, so a limit reveals
//! nothing), so a botnet cannot try one account from many addresses.

use crate::config::Config;
use crate::error::ApiError;
use actix_web::HttpRequest;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

/// The endpoints that share a limit; each has its own bucket per client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limited {
    Login,
    Register,
    Refresh,
    /// Asking for a password-reset link, and spending one.
    PasswordReset,
    /// Asking for a verification link, and spending one (also a new address's confirmation).
    Verification,
    /// Asking for the newsletter, and confirming or leaving it.
    Newsletter,
    /// The public contact form.
    Contact,
}

/// Requests per email address per hour on each limited endpoint.
pub const PER_EMAIL_PER_HOUR: u32 = 10;

type Keyed<K> = Option<Arc<DefaultKeyedRateLimiter<K>>>;

#[derive(Clone)]
pub struct AuthRateLimiter {
    limiter: Keyed<(Limited, IpAddr)>,
    per_email: Keyed<(Limited, String)>,
}

fn refusal(not_until: governor::NotUntil<governor::clock::QuantaInstant>) -> ApiError {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    ApiError::RateLimited {
        retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    }
}

impl AuthRateLimiter {
    /// `per_minute == 0` turns limits off (for load tests), the per-email ones too.
    pub fn new(per_minute: u32) -> Self {
        let on = NonZeroU32::new(per_minute);
        Self {
            limiter: on.map(|n| Arc::new(RateLimiter::keyed(Quota::per_minute(n)))),
            per_email: on.map(|_| {
                Arc::new(RateLimiter::keyed(Quota::per_hour(
                    NonZeroU32::new(PER_EMAIL_PER_HOUR).unwrap_or(NonZeroU32::MIN),
                )))
            }),
        }
    }

    pub fn check(&self, endpoint: Limited, client: IpAddr) -> Result<(), ApiError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter.check_key(&(endpoint, client)).map_err(refusal)
    }

    /// The per-IP limit, then the per-address one. `email` is the address as typed, normalised
    /// when it parses, so `Ana@x.org` and `ana@x.org ` share a bucket.
    pub fn check_with_email(
        &self,
        endpoint: Limited,
        client: IpAddr,
        email: &str,
    ) -> Result<(), ApiError> {
        self.check(endpoint, client)?;
        let Some(limiter) = &self.per_email else {
            return Ok(());
        };
        let key = praxis_domain::account::Email::parse(email)
            .map(|e| e.as_str().to_owned())
            .unwrap_or_else(|_| email.trim().to_lowercase());
        limiter.check_key(&(endpoint, key)).map_err(refusal)
    }

    /// Forgets clients whose buckets are full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        if let Some(limiter) = &self.per_email {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// The client's address: the socket peer, unless the peer is a trusted proxy, in which case the
/// right-most address in `X-Forwarded-For` that is not itself a trusted proxy. A client can put
/// anything in that header, so it is believed only when our own proxy appended to it.
pub fn client_ip(req: &HttpRequest, config: &Config) -> IpAddr {
    let peer = req
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    if !config.is_trusted_proxy(peer) {
        return peer;
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    forwarded
        .iter()
        .rev()
        .filter_map(|s| s.parse::<IpAddr>().ok())
        .find(|ip| !config.is_trusted_proxy(*ip))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn config(proxies: &str) -> Config {
        let proxies = proxies.to_owned();
        Config::from_lookup(move |k| (k == "PRAXIS_TRUSTED_PROXIES").then(|| proxies.clone()))
            .unwrap_or_else(|_| Config::defaults())
    }

    #[test]
    fn forwarded_for_is_ignored_from_an_untrusted_peer() {
        let req = TestRequest::default()
            .peer_addr(
                "203.0.113.7:5000"
                    .parse()
                    .unwrap_or_else(|_| unreachable!()),
            )
            .insert_header(("x-forwarded-for", "198.51.100.1"))
            .to_http_request();
        assert_eq!(
            client_ip(&req, &config("10.0.0.0/8")).to_string(),
            "203.0.113.7"
        );
    }

    #[test]
    fn forwarded_for_is_read_right_to_left_behind_a_trusted_proxy() {
        let req = TestRequest::default()
            .peer_addr("10.0.0.2:5000".parse().unwrap_or_else(|_| unreachable!()))
            .insert_header(("x-forwarded-for", "1.1.1.1, 198.51.100.9, 10.0.0.3"))
            .to_http_request();
        assert_eq!(
            client_ip(&req, &config("10.0.0.0/8")).to_string(),
            "198.51.100.9"
        );
    }

    #[test]
    fn rate_limit_allows_the_quota_then_answers_retry_after() {
        let limiter = AuthRateLimiter::new(2);
        let ip: IpAddr = [192, 0, 2, 1].into();
        assert!(limiter.check(Limited::Login, ip).is_ok());
        assert!(limiter.check(Limited::Login, ip).is_ok());
        match limiter.check(Limited::Login, ip) {
            Err(ApiError::RateLimited { retry_after_secs }) => assert!(retry_after_secs >= 1),
            other => panic!("expected a rate limit, got {other:?}"),
        }
        assert!(limiter.check(Limited::Login, [192, 0, 2, 2].into()).is_ok());
        assert!(AuthRateLimiter::new(0).check(Limited::Login, ip).is_ok());
    }

    #[test]
    fn login_reset_and_verification_are_limited_per_email_from_any_ip() {
        let limiter = AuthRateLimiter::new(1000);
        for endpoint in [
            Limited::Login,
            Limited::PasswordReset,
            Limited::Verification,
        ] {
            for n in 0..PER_EMAIL_PER_HOUR {
                let ip: IpAddr = [198, 51, 100, u8::try_from(n).unwrap_or(0)].into();
                assert!(limiter
                    .check_with_email(endpoint, ip, "Ana@Example.org")
                    .is_ok());
            }
            let fresh_ip: IpAddr = [203, 0, 113, 9].into();
            assert!(matches!(
                limiter.check_with_email(endpoint, fresh_ip, " ana@example.org"),
                Err(ApiError::RateLimited { retry_after_secs }) if retry_after_secs > 60
            ));
            assert!(limiter
                .check_with_email(endpoint, fresh_ip, "other@example.org")
                .is_ok());
        }
        assert!(AuthRateLimiter::new(0)
            .check_with_email(Limited::Login, [192, 0, 2, 1].into(), "ana@example.org")
            .is_ok());
    }
}
