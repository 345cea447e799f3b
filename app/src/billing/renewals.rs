//! Renewals: the periodic charge of each auto-renewing subscription shortly before its period
//! ends, off-session with the member's saved card; and what a charge's outcome does, whether it
//! comes back at once or later through the provider's webhook.
//!
//! A period is never charged twice: each charge is first claimed by inserting its
//! `renewal_attempts` row (unique per subscription, period and attempt) in a transaction that
//! commits before the provider is called, so of several nodes running the job at once exactly
//! one charges; the provider's idempotency key is made of the same three values, so re-driving a
//! claim whose answer was lost asks the provider the same question again rather than charging
//! anew; and the money received is recorded once per provider payment id
//! (`payments.provider_payment_id`), whichever of the job and the webhook reports it first.

use crate::billing::webhook::{record_paid_period, Outcome, PaidWith};
use crate::billing::{mail_member, messages, Subscription};
use crate::error::{Error, Result};
use crate::mail_links::MailLinks;
use chrono::{DateTime, Duration, Utc};
use praxis_domain::ids::{SubscriptionId, UserId};
use praxis_domain::payments::{ChargeOutcome, OffSessionCharge, PaymentProvider};
use praxis_domain::subscriptions::{
    attempt_due, next_retry, RenewalAttemptStatus, RenewalRules, SubscriptionStatus,
    DEFAULT_GRACE_DAYS,
};
use praxis_domain::FieldError;
use praxis_persistence::renewals::{self as attempts, RenewalAttemptRow};
use praxis_persistence::subscriptions::{self, SubscriptionRow};
use praxis_persistence::{from_db_time, payments, to_db_time, write_tx, Database, DbConnection};

/// How long a claim may stay `charging` before another run re-drives it (its node died or lost
/// the provider's answer); longer than any provider call takes.
const STALE_CLAIM: i64 = 10;

/// Candidates read per query.
const CANDIDATE_PAGE: i64 = 200;

fn refuse(field: &str, message: impl Into<String>) -> Error {
    Error::invalid(vec![FieldError::new(field, message)])
}

/// The provider's idempotency key of a renewal charge: one per subscription, period and attempt.
pub fn idempotency_key(subscription: &str, period_end: DateTime<Utc>, attempt: u8) -> String {
    format!("renew-{subscription}-{}-{attempt}", period_end.timestamp())
}

/// A renewal's money arrived (the charge succeeded, told by the job or the provider's webhook):
/// the period is extended from the end of the current one, with the payment, its invoice with
/// the next gapless number, the receipt mail and the audit entry. A payment id recorded before
/// is a replay and changes nothing. An amount or currency other than the subscription's stored
/// price is refused (422); money for a subscription that has ended is refused too (409: the
/// provider must give it back). Run in a write transaction.
pub fn renewal_paid(
    conn: &mut DbConnection,
    subscription: &SubscriptionId,
    payment_reference: &str,
    amount_cents: i64,
    currency: &str,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let plan = subscriptions::find(conn, subscription.as_str())?
        .ok_or_else(|| refuse("subscription_id", "no subscription with this id"))?
        .plan_slug;
    subscriptions::lock_plan(conn, plan)?;
    if payments::find_by_provider_payment_id(conn, payment_reference)?.is_some() {
        return Ok(Outcome::Replayed);
    }
    let row =
        subscriptions::find(conn, subscription.as_str())?.ok_or(Error::NotFound("subscription"))?;
    let sub = Subscription::from_row(row, now)?;
    if !matches!(
        sub.status,
        SubscriptionStatus::Active | SubscriptionStatus::PastDue
    ) {
        return Err(Error::Conflict {
            kind: "subscription-ended",
            detail: format!(
                "This subscription is {}; the renewal payment cannot be applied.",
                sub.status.as_str()
            ),
        });
    }
    if currency != sub.row.currency {
        return Err(refuse("currency", format!("expected {}", sub.row.currency)));
    }
    if amount_cents != sub.row.period_price_cents {
        return Err(refuse(
            "amount",
            format!("expected {}", sub.row.period_price_cents),
        ));
    }
    let attempt = match attempts::find_by_reference(conn, payment_reference)? {
        Some(attempt) => Some(attempt),
        None => attempts::open_for(conn, &sub.row.id)?,
    };
    let event_id = format!("renewal_{payment_reference}");
    let paid = PaidWith {
        event_id: &event_id,
        payment_reference: Some(payment_reference),
    };
    let number = record_paid_period(conn, &sub, &paid, amount_cents, links, now)?;
    if let Some(attempt) = attempt.filter(|a| a.subscription_id == sub.row.id) {
        attempts::finish(
            conn,
            &attempt.id,
            RenewalAttemptStatus::Succeeded,
            Some(payment_reference),
            None,
            to_db_time(now),
        )?;
    }
    Ok(Outcome::Applied {
        invoice_number: number,
    })
}

/// A renewal charge failed (declined, or no card on file): the subscription is `past_due`,
/// keeping its access and seat until the grace period ends, and the member gets a mail with the
/// reason, the next retry and the link to the customer hub to put another card on file. Told
/// twice (the job and the webhook), or told after the money arrived, it changes nothing. Run in
/// a write transaction.
pub fn renewal_failed(
    conn: &mut DbConnection,
    subscription: &SubscriptionId,
    payment_reference: Option<&str>,
    reason: &str,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = to_db_time(now);
    let plan = subscriptions::find(conn, subscription.as_str())?
        .ok_or_else(|| refuse("subscription_id", "no subscription with this id"))?
        .plan_slug;
    subscriptions::lock_plan(conn, plan)?;
    if let Some(reference) = payment_reference {
        if payments::find_by_provider_payment_id(conn, reference)?.is_some() {
            return Ok(());
        }
    }
    let by_reference = match payment_reference {
        Some(reference) => attempts::find_by_reference(conn, reference)?,
        None => None,
    };
    let attempt = match by_reference {
        Some(attempt) => Some(attempt),
        None => attempts::open_for(conn, subscription.as_str())?,
    };
    // Only a charge we made and have no outcome for can fail: anything else was told already.
    let Some(attempt) = attempt.filter(|a| {
        a.subscription_id == subscription.as_str()
            && matches!(
                a.status,
                RenewalAttemptStatus::Charging | RenewalAttemptStatus::Pending
            )
    }) else {
        return Ok(());
    };
    attempts::finish(
        conn,
        &attempt.id,
        RenewalAttemptStatus::Declined,
        payment_reference,
        Some(reason),
        at,
    )?;
    let row =
        subscriptions::find(conn, subscription.as_str())?.ok_or(Error::NotFound("subscription"))?;
    let sub = Subscription::from_row(row, now)?;
    let Some(period_end) = sub.row.current_period_end.map(from_db_time) else {
        return Ok(());
    };
    if !matches!(
        sub.status,
        SubscriptionStatus::Active | SubscriptionStatus::PastDue
    ) || from_db_time(attempt.period_end) != period_end
    {
        return Ok(());
    }
    if sub.row.auto_renew && sub.row.grace_until.is_none() {
        let grace = period_end + Duration::days(DEFAULT_GRACE_DAYS);
        subscriptions::start_grace(conn, &sub.row.id, to_db_time(grace))?;
    }
    subscriptions::mark_past_due(conn, &sub.row.id, at)?;
    let row =
        subscriptions::find(conn, subscription.as_str())?.ok_or(Error::NotFound("subscription"))?;
    let grace_until = row.grace_until.map(from_db_time);
    let access_until = grace_until.map_or(period_end, |g| g.max(period_end));
    let next = grace_until.filter(|_| row.auto_renew).and_then(|grace| {
        let done = u8::try_from(attempt.attempt).unwrap_or(u8::MAX);
        next_retry(period_end, grace, done, now)
    });
    let (price, plan) = (sub.money(row.period_price_cents), sub.plan.as_str());
    let format = |at: DateTime<Utc>| at.format("%Y-%m-%d %H:%M").to_string();
    let next_text = next.map(format);
    mail_member(conn, &row.user_id, "renewal_failed", at, |name| {
        messages::renewal_failed(
            name,
            plan,
            price,
            reason,
            next_text.as_deref(),
            &format(access_until),
            &links.hub(),
        )
    })?;
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry(
            None,
            "subscription.renewal_failed",
            "subscription",
            &row.id,
            Some(&serde_json::json!({"status": sub.status})),
            Some(&serde_json::json!({
                "status": SubscriptionStatus::PastDue, "attempt": attempt.attempt,
                "reason": reason, "access_until": access_until, "next_retry": next,
            })),
            now,
        ),
    )?;
    Ok(())
}

/// Turns a subscription's auto-renewal on or off, for the member or the hub acting for them.
/// Off is a cancellation at the period's end: no renewal is charged, any grace period ends, and
/// access ends with the paid period. On again is allowed while the subscription is live (its
/// period still runs, or a failed renewal's grace does). Run in a write transaction.
pub fn set_auto_renew(
    conn: &mut DbConnection,
    member: &UserId,
    id: &SubscriptionId,
    on: bool,
    actor: &UserId,
    now: DateTime<Utc>,
) -> Result<SubscriptionRow> {
    subscriptions::lock_user(conn, member)?;
    let sub = crate::billing::owned(conn, member, id, now)?;
    if !sub.status.is_live() {
        return Err(Error::Conflict {
            kind: "subscription-not-live",
            detail: format!(
                "This subscription is {}: there is no period left to renew.",
                sub.status.as_str()
            ),
        });
    }
    if sub.row.auto_renew != on {
        subscriptions::set_auto_renew(conn, id.as_str(), on, to_db_time(now))?;
        praxis_persistence::audit::record(
            conn,
            &crate::audit::entry(
                Some(actor),
                "subscription.auto_renew_changed",
                "subscription",
                id.as_str(),
                Some(&serde_json::json!({"auto_renew": sub.row.auto_renew})),
                Some(&serde_json::json!({"auto_renew": on})),
                now,
            ),
        )?;
    }
    subscriptions::find(conn, id.as_str())?.ok_or(Error::NotFound("subscription"))
}

/// What one renewal run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RenewalRun {
    /// Charges asked of the provider (claims this node won, and stale claims it re-drove).
    pub charged: usize,
    pub renewed: usize,
    pub pending: usize,
    pub declined: usize,
}

/// A charge this node has claimed and is to make.
struct Claimed {
    attempt: RenewalAttemptRow,
    subscription: SubscriptionId,
    customer: Option<String>,
    charge: OffSessionCharge,
}

/// Charges every renewal due at `now`: first charges of auto-renewing subscriptions whose period
/// ends within `rules.window`, retries of failed ones on their grace days, and claims left
/// without an answer. Runs on a blocking thread; the provider is called outside transactions.
pub fn run(
    db: &Database,
    provider: &dyn PaymentProvider,
    rules: RenewalRules,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<RenewalRun> {
    let mut run = RenewalRun::default();
    let (due, stale) = {
        let conn = &mut *db.conn()?;
        let due = due_attempts(conn, rules, now)?;
        let stale = attempts::stale(conn, to_db_time(now - Duration::minutes(STALE_CLAIM)), 50)?;
        (due, stale)
    };
    let kind = provider.kind();
    for (row, attempt, grace_until) in due {
        let claimed = write_tx(&mut *db.conn()?, |conn| {
            claim(conn, &row, attempt, grace_until, kind.as_str(), now)
        });
        match claimed {
            Ok(Some(claimed)) => charge(db, provider, claimed, links, now, &mut run),
            Ok(None) => {}
            // Another node claimed it between our read and our insert.
            Err(Error::Persistence(praxis_persistence::Error::UniqueViolation(_))) => {}
            Err(e) => {
                tracing::warn!(subscription = %row.id, error = %e, "renewal not claimed; will retry")
            }
        }
    }
    for attempt in stale {
        let retaken = write_tx(&mut *db.conn()?, |conn| {
            retake(conn, attempt, kind.as_str(), now)
        });
        match retaken {
            Ok(Some(claimed)) => charge(db, provider, claimed, links, now, &mut run),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "stale renewal claim not re-driven; will retry"),
        }
    }
    Ok(run)
}

/// The renewals due now, with the attempt due and until when a failure keeps access.
fn due_attempts(
    conn: &mut DbConnection,
    rules: RenewalRules,
    now: DateTime<Utc>,
) -> Result<Vec<(SubscriptionRow, u8, DateTime<Utc>)>> {
    // Every candidate, a page at a time: failed renewals waiting for their retry day stay
    // candidates, and must not crowd out the periods ending now.
    let horizon = to_db_time(now + rules.window);
    let mut candidates = Vec::new();
    let mut after = None;
    loop {
        let page = subscriptions::renewal_candidates(conn, horizon, after, CANDIDATE_PAGE)?;
        let full = page.len() as i64 == CANDIDATE_PAGE;
        after = page
            .last()
            .and_then(|r| r.current_period_end.map(|end| (end, r.id.clone())));
        candidates.extend(page);
        if !full || after.is_none() {
            break;
        }
    }
    let mut made = Vec::new();
    for ids in candidates.chunks(CANDIDATE_PAGE as usize) {
        let ids: Vec<String> = ids.iter().map(|r| r.id.clone()).collect();
        made.extend(attempts::for_subscriptions(conn, &ids)?);
    }
    let mut due = Vec::new();
    for row in candidates {
        let Some(end) = row.current_period_end else {
            continue;
        };
        let of_period: Vec<&RenewalAttemptRow> = made
            .iter()
            .filter(|a| a.subscription_id == row.id && a.period_end == end)
            .collect();
        // In flight, waiting for the webhook, or paid: nothing to charge.
        if of_period
            .iter()
            .any(|a| a.status != RenewalAttemptStatus::Declined)
        {
            continue;
        }
        let last = of_period
            .iter()
            .map(|a| u8::try_from(a.attempt).unwrap_or(u8::MAX))
            .max();
        let end = from_db_time(end);
        let grace_until = row.grace_until.map_or(end + rules.grace, from_db_time);
        if let Some(attempt) = attempt_due(end, rules.window, grace_until, last, now) {
            due.push((row, attempt, grace_until));
        }
    }
    Ok(due)
}

/// Claims `attempt` of `row`'s renewal, if it is still due once this transaction holds the
/// member's lock (another node may have claimed or the member changed it since the read).
fn claim(
    conn: &mut DbConnection,
    row: &SubscriptionRow,
    attempt: u8,
    grace_until: DateTime<Utc>,
    provider: &str,
    now: DateTime<Utc>,
) -> Result<Option<Claimed>> {
    subscriptions::lock_user(conn, &UserId::from_trusted(row.user_id.clone()))?;
    let Some(current) = subscriptions::find(conn, &row.id)? else {
        return Ok(None);
    };
    let Some(end) = current.current_period_end else {
        return Ok(None);
    };
    if current.status != SubscriptionStatus::Active
        || !current.auto_renew
        || Some(end) != row.current_period_end
    {
        return Ok(None);
    }
    let made = attempts::for_period(conn, &row.id, end)?;
    let last = made.iter().map(|a| a.attempt).max();
    if made
        .iter()
        .any(|a| a.status != RenewalAttemptStatus::Declined)
        || last.is_some_and(|last| last >= i32::from(attempt))
    {
        return Ok(None);
    }
    let at = to_db_time(now);
    let record = RenewalAttemptRow {
        id: uuid::Uuid::now_v7().to_string(),
        subscription_id: row.id.clone(),
        period_end: end,
        attempt: i32::from(attempt),
        idempotency_key: idempotency_key(&row.id, from_db_time(end), attempt),
        status: RenewalAttemptStatus::Charging,
        payment_reference: None,
        failure_reason: None,
        claimed_at: at,
        finished_at: None,
    };
    attempts::claim(conn, &record)?;
    subscriptions::start_grace(conn, &row.id, to_db_time(grace_until))?;
    claimed(conn, record, current, provider).map(Some)
}

/// Takes over a claim left `charging`, to ask the provider again with the same key.
fn retake(
    conn: &mut DbConnection,
    attempt: RenewalAttemptRow,
    provider: &str,
    now: DateTime<Utc>,
) -> Result<Option<Claimed>> {
    if !attempts::retake(conn, &attempt.id, attempt.claimed_at, to_db_time(now))? {
        return Ok(None);
    }
    let Some(sub) = subscriptions::find(conn, &attempt.subscription_id)? else {
        return Ok(None);
    };
    if sub.status != SubscriptionStatus::Active
        || sub.current_period_end != Some(attempt.period_end)
    {
        attempts::finish(
            conn,
            &attempt.id,
            RenewalAttemptStatus::Declined,
            None,
            Some("the subscription changed before the charge was confirmed"),
            to_db_time(now),
        )?;
        return Ok(None);
    }
    claimed(conn, attempt, sub, provider).map(Some)
}

fn claimed(
    conn: &mut DbConnection,
    attempt: RenewalAttemptRow,
    sub: SubscriptionRow,
    provider: &str,
) -> Result<Claimed> {
    let customer = payments::customer_reference(conn, &sub.user_id, provider)?;
    let amount = Subscription::from_row(sub.clone(), from_db_time(attempt.claimed_at))?
        .money(sub.period_price_cents);
    Ok(Claimed {
        charge: OffSessionCharge {
            idempotency_key: attempt.idempotency_key.clone(),
            subscription_id: sub.id.clone(),
            customer_reference: customer.clone().unwrap_or_default(),
            description: format!(
                "{} plan, {} renewal",
                sub.plan_slug.as_str(),
                sub.billing_period.as_str()
            ),
            amount,
        },
        subscription: SubscriptionId::from_trusted(sub.id),
        customer,
        attempt,
    })
}

/// Makes a claimed charge and records its outcome.
fn charge(
    db: &Database,
    provider: &dyn PaymentProvider,
    claimed: Claimed,
    links: &MailLinks,
    now: DateTime<Utc>,
    run: &mut RenewalRun,
) {
    let outcome = match claimed.customer {
        None => ChargeOutcome::Declined {
            payment_reference: None,
            reason: "there is no card on file to charge".to_owned(),
        },
        Some(_) => {
            run.charged += 1;
            match provider.charge_off_session(&claimed.charge) {
                Ok(outcome) => outcome,
                Err(e) => {
                    // The claim stays `charging`: a later run asks again with the same key.
                    tracing::warn!(subscription = %claimed.subscription, error = %e, "renewal charge not answered; will ask again");
                    return;
                }
            }
        }
    };
    let sub = &claimed.subscription;
    let amount = &claimed.charge.amount;
    let recorded = db.conn().map_err(Error::from).and_then(|mut conn| {
        write_tx(&mut conn, |conn| -> Result<()> {
            match &outcome {
                ChargeOutcome::Succeeded { payment_reference } => {
                    let currency = amount.currency.to_string();
                    let applied = renewal_paid(
                        conn,
                        sub,
                        payment_reference,
                        amount.cents,
                        &currency,
                        links,
                        now,
                    );
                    if let Err(e) = applied {
                        // Charged, but the subscription ended meanwhile: keep the reference on
                        // the attempt so it is never charged again, and say what to refund.
                        tracing::error!(subscription = %sub, payment = %payment_reference, error = %e, "renewal charged but not applied; refund it");
                        attempts::finish(
                            conn,
                            &claimed.attempt.id,
                            RenewalAttemptStatus::Succeeded,
                            Some(payment_reference),
                            Some(&e.to_string()),
                            to_db_time(now),
                        )?;
                    } else {
                        run.renewed += 1;
                    }
                }
                ChargeOutcome::Pending { payment_reference } => {
                    attempts::finish(
                        conn,
                        &claimed.attempt.id,
                        RenewalAttemptStatus::Pending,
                        Some(payment_reference),
                        None,
                        to_db_time(now),
                    )?;
                    run.pending += 1;
                }
                ChargeOutcome::Declined {
                    payment_reference,
                    reason,
                } => {
                    renewal_failed(conn, sub, payment_reference.as_deref(), reason, links, now)?;
                    run.declined += 1;
                }
            }
            Ok(())
        })
    });
    if let Err(e) = recorded {
        tracing::warn!(subscription = %sub, error = %e, "renewal outcome not recorded; the claim is re-driven later");
    }
}
