//! What every handler shares: the database, configuration, keys, clock and limits.

use crate::auth::hub::HubRateLimiter;
use crate::auth::jwt::JwtKeys;
use crate::auth::rate_limit::AuthRateLimiter;
use crate::clock::Clock;
use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::mail::Mailer;
use crate::metrics::Metrics;
use chrono::{DateTime, Utc};
use praxis_domain::payments::PaymentProvider;
use praxis_persistence::{Database, DbConnection};
use std::sync::Arc;
use tokio::sync::Notify;

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
    /// Limits on asking for customer-hub links.
    pub hub_limiter: HubRateLimiter,
    /// Where queued mail goes (SMTP or `.eml` files).
    pub mailer: Mailer,
    /// Wakes this node's mail worker; see [`AppState::wake_mailer`].
    pub mail_wakeup: Arc<Notify>,
    /// Rendered pages of post lists, checked against the content version.
    pub pages: crate::page_cache::Pages,
    /// One permit per pooled connection (and a few more): database work waits here, on the
    /// async side, instead of as a parked blocking thread per request (hundreds of threads and
    /// their memory at 200 connections, all waiting for ten connections).
    pub db_slots: Arc<tokio::sync::Semaphore>,
    /// On SQLite, one writer at a time per node, queued here in arrival order. SQLite takes one
    /// writer anyway; without this queue the others wait inside its busy handler, which sleeps
    /// in growing steps (up to 100 ms) and polls, so a burst of comments had a p99 of 680 ms
    /// while the writer itself was idle between the sleeps. `None` on PostgreSQL, where writers
    /// run side by side and lock only the rows they race for.
    pub write_gate: Option<Arc<tokio::sync::Semaphore>>,
    /// The community as the issuer of Open Badges credentials, with its signing key.
    pub issuer: Arc<praxis_app::credentials::Issuer>,
}

impl AppState {
    /// Now, to the microsecond: the precision both databases keep, so an instant computed here
    /// equals the same instant read back.
    pub fn now(&self) -> DateTime<Utc> {
        use chrono::SubsecRound;
        self.clock.now().trunc_subsecs(6)
    }

    /// Tells the mail worker that mail was queued, so it goes out now rather than at the next
    /// tick. Call it after the transaction that queued the mail has committed.
    pub fn wake_mailer(&self) {
        self.mail_wakeup.notify_one();
    }

    /// How long a freed seat is held for a waitlisted member, and where their mail links to.
    pub fn offers(&self) -> praxis_app::subscriptions::Offers {
        praxis_app::subscriptions::Offers {
            hold: self.config.holds.waitlist_offer,
            links: self.config.mail_links(),
        }
    }

    /// Pays an approved refund through the payment provider on the blocking pool (see
    /// `praxis_app::billing::refunds::pay_out`); a failure is logged and retried by the jobs.
    pub async fn pay_out(&self, refund: praxis_persistence::refunds::RefundRow) {
        let (db, provider, now) = (self.db.clone(), self.payments.clone(), self.now());
        let paid = actix_web::web::block(move || {
            praxis_app::billing::refunds::pay_out(&db, provider.as_ref(), refund, now)
        })
        .await;
        if let Err(e) = paid {
            tracing::warn!(error = %e, "refund payout did not run; will retry");
        }
    }

    /// What subscription answers say about payment, with the client secrets of `rows`'
    /// pending checkouts.
    pub async fn payment_view(
        &self,
        rows: &[praxis_persistence::subscriptions::SubscriptionRow],
    ) -> ApiResult<crate::dto::billing::PaymentView> {
        let rows = rows.to_vec();
        let client_secrets = self
            .read(move |c| praxis_app::subscriptions::client_secrets(c, &rows))
            .await?;
        Ok(crate::dto::billing::PaymentView {
            provider: self.payments.kind(),
            publishable_key: self.payments.publishable_key(),
            client_secrets,
        })
    }

    /// A page of subscriptions, each with how it is paid.
    pub async fn subscription_page(
        &self,
        rows: Vec<praxis_persistence::subscriptions::SubscriptionRow>,
        limit: i64,
    ) -> ApiResult<crate::pagination::Page<crate::dto::billing::SubscriptionResponse>> {
        let view = self.payment_view(&rows).await?;
        let mut page = crate::dto::billing::subscription_page(rows, limit, self.now())?;
        page.items.iter_mut().for_each(|item| view.apply(item));
        Ok(page)
    }

    /// The answer for one subscription, with how it is paid (a pending one's checkout).
    pub async fn subscription_answer(
        &self,
        row: praxis_persistence::subscriptions::SubscriptionRow,
        now: DateTime<Utc>,
    ) -> ApiResult<crate::dto::billing::SubscriptionResponse> {
        let view = self.payment_view(std::slice::from_ref(&row)).await?;
        let mut response = crate::dto::billing::respond(row, now)?;
        view.apply(&mut response);
        Ok(response)
    }

    /// The answer for a course order, with how a pending one's checkout is paid.
    pub async fn course_order_answer(
        &self,
        row: praxis_persistence::course_orders::CourseOrderRow,
    ) -> ApiResult<crate::dto::course_orders::CourseOrderResponse> {
        let order = row.clone();
        let secret = self
            .read(move |c| praxis_app::course_orders::client_secret(c, &order))
            .await?;
        Ok(crate::dto::course_orders::CourseOrderResponse::new(
            row,
            self.payments.kind(),
            self.payments.publishable_key(),
            secret,
        ))
    }

    /// Runs a read on the blocking pool with a pooled connection; never on a worker thread.
    /// The closure is a use case (`|c| app::x::y(c, …)`), so its errors are `app::Error`.
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> praxis_app::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.db(move |conn| f(conn).map_err(ApiError::from)).await
    }

    /// Runs a use case in a write transaction (immediate on SQLite) on the blocking pool.
    ///
    /// Many writes queue mail in their transaction (the outbox), so after each commit the mail
    /// worker is woken: a no-op check when nothing was queued, and no forgotten wake-up when
    /// something was.
    pub async fn write<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> praxis_app::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.db_write(move |conn| f(conn).map_err(ApiError::from))
            .await
    }

    /// Runs diesel work on the blocking pool with a pooled connection; never on a worker thread.
    pub async fn db<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        let _slot = self
            .db_slots
            .acquire()
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?;
        actix_web::web::block(move || {
            let mut conn = db.conn()?;
            f(&mut conn)
        })
        .await?
    }

    /// Like [`AppState::write`] for work that still answers `ApiError` itself.
    pub async fn db_write<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let _turn = match &self.write_gate {
            Some(gate) => Some(
                gate.acquire()
                    .await
                    .map_err(|e| ApiError::internal(e.to_string()))?,
            ),
            None => None,
        };
        let result = self
            .db(move |conn| praxis_persistence::write_tx(conn, f))
            .await;
        if result.is_ok() {
            self.wake_mailer();
        }
        result
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
