//! Periodic work every node runs: renewal charges, the billing sweep (lapsed periods, abandoned checkouts,
//! unanswered offers, offering freed seats), forgetting old idempotency keys, and queuing event
//! reminders. Every step is a transaction that is safe to run on several nodes at once.

use crate::error::ApiResult;
use crate::state::AppState;
use chrono::Duration;
use praxis_app::billing::lifecycle::{self, Sweep};
use praxis_app::billing::renewals::RenewalRun;
use praxis_persistence::{idempotency, to_db_time};

/// One pass; tests call it directly instead of waiting.
pub async fn run_once(state: &AppState) -> ApiResult<Sweep> {
    let now = state.now();
    let hold = state.config.holds.waitlist_offer;
    let links = state.config.mail_links();
    // Renewals before the sweep: a period ending now is charged (or its grace begins) before
    // the sweep would expire it. Their own step: a failure must not hold back the sweep.
    let (db, provider, rules) = (
        state.db.clone(),
        state.payments.clone(),
        state.config.renewals,
    );
    let renewal_links = links.clone();
    let renewals = actix_web::web::block(move || {
        praxis_app::billing::renewals::run(&db, provider.as_ref(), rules, &renewal_links, now)
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
    let sweep = state
        .write(move |conn| lifecycle::sweep(conn, now, hold, &links))
        .await?;
    let cutoff = to_db_time(now - Duration::hours(crate::idempotency::RETENTION_HOURS));
    state
        .db_write(move |conn| Ok(idempotency::forget_before(conn, cutoff)?))
        .await?;
    let unconfirmed = state
        .db(|conn| Ok(praxis_persistence::refunds::unconfirmed(conn, 50)?))
        .await?;
    for refund in unconfirmed {
        state.pay_out(refund).await;
    }
    // Reminders are their own step: a failure here must not hold back the billing sweep.
    let (db, links) = (state.db.clone(), state.config.mail_links());
    let reminders =
        actix_web::web::block(move || praxis_app::reminders::queue_due(&db, now, &links)).await;
    match reminders {
        Ok(Ok(queued)) if queued > 0 => state.wake_mailer(),
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "event reminders failed; will retry"),
        Err(e) => tracing::warn!(error = %e, "event reminders did not run; will retry"),
    }
    Ok(sweep)
}

/// Runs [`run_once`] every `period` until the process ends.
pub fn spawn(state: AppState, period: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            match run_once(&state).await {
                Ok(sweep) if sweep != Sweep::default() => tracing::info!(?sweep, "billing sweep"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "billing sweep failed; will retry"),
            }
        }
    });
}
