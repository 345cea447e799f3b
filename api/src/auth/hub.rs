//! The customer hub's own authentication: a person asks for a single-use link by email, and
//! exchanges it for a short-lived hub token. Hub tokens have their own audience, so they open
//! only hub endpoints, and API access tokens open none of them.

use crate::auth::extractor::bearer;
use crate::auth::tokens;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use chrono::{DateTime, Duration, Utc};
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use praxis_domain::account::Email;
use praxis_persistence::magic_links::{self, MagicLinkRow};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{to_db_time, users, DbConnection};
use std::future::{ready, Ready};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

pub const HUB_AUDIENCE: &str = "praxis-hub";
pub const HUB_TOKEN_SECONDS: i64 = 30 * 60;
pub const MAGIC_LINK_MINUTES: i64 = 15;
/// Links one email address may ask for per hour, known or not.
pub const MAGIC_LINKS_PER_EMAIL_PER_HOUR: u32 = 5;

/// Creates a magic link for the account of `email`, if there is one, and queues the mail that
/// carries it, in the caller's transaction. Returns whether a mail was queued; the HTTP answer
/// must not depend on it.
pub fn request_magic_link(
    conn: &mut DbConnection,
    email: &Email,
    public_url: &str,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let Some(user) = users::find_by_email(conn, email.as_str())? else {
        return Ok(false);
    };
    let token = tokens::generate();
    magic_links::insert(
        conn,
        &MagicLinkRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user.id,
            token_hash: tokens::hash(&token),
            created_at: to_db_time(now),
            expires_at: to_db_time(now + Duration::minutes(MAGIC_LINK_MINUTES)),
            used_at: None,
        },
    )?;
    outbox::enqueue(
        conn,
        magic_link_mail(&user.email, public_url, &token),
        to_db_time(now),
    )?;
    Ok(true)
}

fn magic_link_mail(recipient: &str, public_url: &str, token: &str) -> Mail {
    // The link and the token each stand on a line of their own, so mail clients make the link
    // clickable and an API user can copy the token.
    Mail {
        kind: "magic_link",
        recipient: recipient.to_owned(),
        subject: "Your link to the Praxis customer hub".to_owned(),
        body: format!(
            "Hello,\n\n\
             here is your link to the Praxis customer hub, where you can update your billing\n\
             address and see your invoices. It works once, within {MAGIC_LINK_MINUTES} minutes:\n\n\
             {public_url}/hub?token={token}\n\n\
             Using the API directly? Send this token to POST /api/v1/hub/sessions:\n\n\
             {token}\n\n\
             If you did not ask for this link, ignore this message; nothing changes.\n"
        ),
    }
}

fn invalid_link() -> ApiError {
    ApiError::unauthorized(
        "invalid-magic-link",
        "This link is invalid, expired or already used; ask for a new one.",
    )
}

/// Spends a magic link: returns its account if the link is known, unused and unexpired, and marks
/// it used in the same step, so it never works twice. Run in a write transaction.
pub fn redeem_magic_link(
    conn: &mut DbConnection,
    presented: &str,
    now: DateTime<Utc>,
) -> ApiResult<String> {
    let at = to_db_time(now);
    let row =
        magic_links::find_by_hash(conn, &tokens::hash(presented))?.ok_or_else(invalid_link)?;
    if !magic_links::claim(conn, &row.id, at)? {
        return Err(invalid_link());
    }
    Ok(row.user_id)
}

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

    #[test]
    fn magic_link_mail_carries_the_link_and_the_token_on_lines_of_their_own() {
        let mail = magic_link_mail("ana@example.org", "https://praxis.example", "tok_123");
        assert!(mail
            .body
            .lines()
            .any(|l| l == "https://praxis.example/hub?token=tok_123"));
        assert!(mail.body.lines().any(|l| l == "tok_123"));
        assert!(mail.body.is_ascii());
    }
}
