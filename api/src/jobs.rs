//! Periodic work: renewal charges, the billing sweep (lapsed periods, abandoned checkouts, unanswered offers,
//! offering freed seats), forgetting old idempotency keys, paying out approved refunds and
//! queuing event reminders, closing consent rounds and reminding circles of reviews, notification
//! mail and digests, sending webhook deliveries and building large data exports. Every node runs the loop; each step runs once per tick across all
//! nodes on one database (`praxis_persistence::job_claims`), and is a transaction that would
//! also be safe to run twice.

use crate::error::ApiResult;
use crate::state::AppState;
use chrono::Duration;
use praxis_app::billing::lifecycle::{self, Sweep};
use praxis_app::billing::renewals::RenewalRun;
use praxis_persistence::{idempotency, job_claims, to_db_time};

/// Which steps a pass runs: all of them, or those this node claims for a tick.
pub enum Claims {
    /// Every step (tests call [`run_once`] directly instead of waiting).
    Every,
    /// Only the steps this node wins for the tick, named by `node`.
    Tick { tick: i64, node: String },
}

impl Claims {
    /// Whether this pass runs the step `name`.
    async fn take(&self, state: &AppState, name: &'static str) -> ApiResult<bool> {
        match self {
            Self::Every => Ok(true),
            Self::Tick { tick, node } => {
                let (tick, node, at) = (*tick, node.clone(), to_db_time(state.now()));
                state
                    .db_write(move |c| Ok(job_claims::claim(c, name, tick, &node, at)?))
                    .await
            }
        }
    }
}

/// One pass of every step; tests call it directly instead of waiting.
pub async fn run_once(state: &AppState) -> ApiResult<Sweep> {
    run_pass(state, &Claims::Every).await
}

/// One pass of the steps `claims` lets this node run.
pub async fn run_pass(state: &AppState, claims: &Claims) -> ApiResult<Sweep> {
    let now = state.now();
    // Renewals before the sweep: a period ending now is charged (or its grace begins) before
    // the sweep would expire it. Their own step: a failure must not hold back the sweep.
    if claims.take(state, "renewals").await? {
        let (db, provider, rules) = (
            state.db.clone(),
            state.payments.clone(),
            state.config.renewals,
        );
        let links = state.config.mail_links();
        let renewals = actix_web::web::block(move || {
            praxis_app::billing::renewals::run(&db, provider.as_ref(), rules, &links, now)
        })
        .await;
        match renewals {
            Ok(Ok(run)) if run != RenewalRun::default() => {
                tracing::info!(?run, "renewals");
                state.wake_mailer();
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "renewals failed; will retry"),
            Err(e) => tracing::warn!(error = %e, "renewals did not run; will retry"),
        }
    }
    let mut sweep = Sweep::default();
    if claims.take(state, "billing-sweep").await? {
        let hold = state.config.holds.waitlist_offer;
        let links = state.config.mail_links();
        sweep = state
            .write(move |conn| lifecycle::sweep(conn, now, hold, &links))
            .await?;
    }
    if claims.take(state, "forget-idempotency-keys").await? {
        let cutoff = to_db_time(now - Duration::hours(crate::idempotency::RETENTION_HOURS));
        state
            .db_write(move |conn| Ok(idempotency::forget_before(conn, cutoff)?))
            .await?;
    }
    if claims.take(state, "refund-payouts").await? {
        let unconfirmed = state
            .db(|conn| Ok(praxis_persistence::refunds::unconfirmed(conn, 50)?))
            .await?;
        for refund in unconfirmed {
            state.pay_out(refund).await;
        }
    }
    // Reminders are their own step: a failure here must not hold back the billing sweep.
    if claims.take(state, "event-reminders").await? {
        let (db, links) = (state.db.clone(), state.config.mail_links());
        let reminders =
            actix_web::web::block(move || praxis_app::reminders::queue_due(&db, now, &links)).await;
        match reminders {
            Ok(Ok(queued)) if queued > 0 => state.wake_mailer(),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "event reminders failed; will retry"),
            Err(e) => tracing::warn!(error = %e, "event reminders did not run; will retry"),
        }
    }
    // Consent rounds past their deadline close, and circles are reminded of reviews due.
    if claims.take(state, "consent-decisions").await? {
        let done = state
            .write(move |conn| {
                let closed = praxis_app::decisions::rounds::close_due(conn, now)?;
                let reminded = praxis_app::decisions::agreements::remind_reviews(conn, now)?;
                Ok((closed, reminded))
            })
            .await;
        if let Err(e) = done {
            tracing::warn!(error = %e, "consent decisions failed; will retry");
        }
    }
    // Notification mail and digests: their own step, so a failure holds back nothing else.
    if claims.take(state, "notification-mail").await? {
        let (db, links) = (state.db.clone(), state.config.mail_links());
        let mailed = actix_web::web::block(move || {
            praxis_app::notification_mail::queue_due(&db, now, &links)
        })
        .await;
        match mailed {
            Ok(Ok(run)) if run != praxis_app::notification_mail::MailRun::default() => {
                state.wake_mailer();
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "notification mail failed; will retry"),
            Err(e) => tracing::warn!(error = %e, "notification mail did not run; will retry"),
        }
    }
    // Newsletter issues into the outbox, within the budget per minute: their own step.
    if claims.take(state, "newsletter").await? {
        let (links, per_minute) = (
            state.config.mail_links(),
            state.config.newsletter_per_minute,
        );
        let queued = state
            .write(move |conn| {
                praxis_app::newsletter_issues::queue_due(conn, now, &links, per_minute)
            })
            .await;
        match queued {
            Ok(0) => {}
            Ok(_) => state.wake_mailer(),
            Err(e) => tracing::warn!(error = %e, "newsletter failed; will retry"),
        }
    }
    // Webhook deliveries: their own step, so integrators' slow endpoints hold back nothing else.
    if claims.take(state, "webhook-deliveries").await? {
        crate::webhooks::deliver_due(state).await;
    }
    // Large personal-data exports: built, stored behind a single-use link, the link mailed.
    if claims.take(state, "data-exports").await? {
        let links = state.config.mail_links();
        let built = state
            .write(move |conn| praxis_app::exports::build_pending(conn, &links, now))
            .await;
        match built {
            Ok(0) => {}
            Ok(_) => state.wake_mailer(),
            Err(e) => tracing::warn!(error = %e, "data exports failed; will retry"),
        }
    }
    Ok(sweep)
}

/// The tick `now` falls in, for steps run every `period`.
pub fn tick_of(now: chrono::DateTime<chrono::Utc>, period: std::time::Duration) -> i64 {
    let secs = i64::try_from(period.as_secs()).unwrap_or(i64::MAX).max(1);
    now.timestamp().div_euclid(secs)
}

/// Runs a claimed pass every `period` until the process ends.
pub fn spawn(state: AppState, period: std::time::Duration) {
    let node = uuid::Uuid::new_v4().to_string();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(period);
        loop {
            interval.tick().await;
            let claims = Claims::Tick {
                tick: tick_of(state.now(), period),
                node: node.clone(),
            };
            match run_pass(&state, &claims).await {
                Ok(sweep) if sweep != Sweep::default() => tracing::info!(?sweep, "billing sweep"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "billing sweep failed; will retry"),
            }
        }
    });
}
