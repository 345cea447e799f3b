//! Per-client-IP rate limits on the endpoints that guess passwords or mint tokens.

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
}

#[derive(Clone)]
pub struct AuthRateLimiter {
    limiter: Option<Arc<DefaultKeyedRateLimiter<(Limited, IpAddr)>>>,
}

impl AuthRateLimiter {
    /// `per_minute == 0` turns limits off (for load tests).
    pub fn new(per_minute: u32) -> Self {
        Self {
            limiter: NonZeroU32::new(per_minute)
                .map(|n| Arc::new(RateLimiter::keyed(Quota::per_minute(n)))),
        }
    }

    pub fn check(&self, endpoint: Limited, client: IpAddr) -> Result<(), ApiError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter.check_key(&(endpoint, client)).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::RateLimited {
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })
    }

    /// Forgets clients whose buckets are full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        if let Some(limiter) = &self.limiter {
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
}
