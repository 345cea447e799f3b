//! What every handler shares: the database, configuration, keys, clock and limits.

use crate::auth::jwt::JwtKeys;
use crate::auth::rate_limit::AuthRateLimiter;
use crate::clock::Clock;
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::metrics::Metrics;
use chrono::{DateTime, Utc};
use praxis_domain::payments::PaymentProvider;
use praxis_persistence::{Database, DbConnection};
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub config: Arc<Config>,
    pub jwt: JwtKeys,
    pub clock: Arc<dyn Clock>,
    pub auth_limiter: AuthRateLimiter,
    /// A real argon2id hash of a random password: login verifies against it when the email is
    /// unknown, so both failures take the same time.
    pub dummy_hash: Arc<str>,
    pub metrics: Metrics,
    pub payments: Arc<dyn PaymentProvider>,
    /// Verifies `Praxis-Signature` on payment webhooks.
    pub webhook_secret: Arc<[u8]>,
}

impl AppState {
    /// Now, to the microsecond: the precision both databases keep, so an instant computed here
    /// equals the same instant read back.
    pub fn now(&self) -> DateTime<Utc> {
        use chrono::SubsecRound;
        self.clock.now().trunc_subsecs(6)
    }

    /// Runs diesel work on the blocking pool with a pooled connection; never on a worker thread.
    pub async fn db<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        actix_web::web::block(move || {
            let mut conn = db.conn()?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs `f` in a write transaction (immediate on SQLite) on the blocking pool.
    pub async fn write<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.db(move |conn| praxis_persistence::write_tx(conn, f))
            .await
    }
}

/// Runs CPU-heavy work (password hashing) on the blocking pool.
pub async fn blocking<T, F>(f: F) -> ApiResult<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    actix_web::web::block(f).await.map_err(ApiError::from)
}
