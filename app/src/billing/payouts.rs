//! Refunds as money that moves: the hosts' list of refunds by status, retrying one the provider
//! failed, and reconciling what the provider reports refunded (ours, confirmed; made outside
//! Praxis, e.g. from Stripe's dashboard, recorded) so a payment is never refunded past what
//! was paid, whatever order approvals and provider events arrive in.

use crate::billing::LockedPayment;
use crate::error::{Error, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::ids::{RefundId, UserId};
use praxis_domain::payments::{ProviderRefund, RefundReceipt, RefundState};
use praxis_persistence::refunds::{self as repo, ProviderRefundRow, RefundRow, RefundStatus};
use praxis_persistence::{payments, to_db_time, DbConnection};

/// A page of refunds newest first, optionally of one status (`limit` rows after `after`).
pub fn list(
    conn: &mut DbConnection,
    status: Option<RefundStatus>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<RefundRow>> {
    Ok(repo::page_refunds(conn, status, after, limit)?)
}

pub fn find(conn: &mut DbConnection, id: &RefundId) -> Result<RefundRow> {
    repo::find_refund(conn, id.as_str())?.ok_or(Error::NotFound("refund"))
}

/// Sends a failed refund again under a new idempotency key: it is `pending` again and counts
/// against its payment again, refused (409 `refund-exceeds-payment`) when the payment has no
/// room left for it (refunded meanwhile, e.g. from the provider's dashboard). Run in a write
/// transaction; the caller pays it out after commit.
pub fn retry(
    conn: &mut DbConnection,
    id: &RefundId,
    host: &UserId,
    now: DateTime<Utc>,
) -> Result<RefundRow> {
    let at = to_db_time(now);
    let refund = repo::find_refund(conn, id.as_str())?.ok_or(Error::NotFound("refund"))?;
    LockedPayment::lock(conn, &refund.payment_id)?;
    let refund = repo::find_refund(conn, id.as_str())?.ok_or(Error::NotFound("refund"))?;
    if refund.status != RefundStatus::Failed {
        return Err(Error::Conflict {
            kind: "refund-not-failed",
            detail: format!(
                "Only a failed refund can be retried; this one is {}.",
                refund.status.as_str()
            ),
        });
    }
    payments::add_refunded(conn, &refund.payment_id, refund.amount_cents)?;
    repo::retry(conn, id, at)?;
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry(
            Some(host),
            "refund.retried",
            "refund",
            &refund.id,
            Some(
                &serde_json::json!({"status": refund.status.as_str(), "failure_reason": refund.failure_reason}),
            ),
            Some(
                &serde_json::json!({"status": RefundStatus::Pending.as_str(), "attempt": refund.attempt + 1}),
            ),
            now,
        ),
    )?;
    repo::find_refund(conn, id.as_str())?.ok_or(Error::NotFound("refund"))
}

/// What reconciling a payment's refunds did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Our pending refunds the provider reported settled (or failed).
    pub settled: usize,
    /// Refunds made outside Praxis, now recorded against the payment.
    pub recorded_outside: usize,
    /// The event was seen before.
    pub replayed: bool,
    /// The event names no payment of ours.
    pub ignored: bool,
}

/// Reconciles what the provider lists refunded of the payment it knows as
/// `payment_reference`, once per provider event: our refunds (matched by our id in the
/// provider's metadata, or by their reference) take the provider's state; others are
/// recorded as refunds made outside Praxis and counted against the payment, never past what
/// remains of it. Run in a write transaction.
pub fn reconcile(
    conn: &mut DbConnection,
    event_id: &str,
    payment_reference: &str,
    reported: &[ProviderRefund],
    now: DateTime<Utc>,
) -> Result<Reconciled> {
    let at = to_db_time(now);
    if !payments::record_event(conn, event_id, "charge.refunded", at)? {
        return Ok(Reconciled {
            replayed: true,
            ..Reconciled::default()
        });
    }
    let Some(payment) = payments::find_by_provider_payment_id(conn, payment_reference)? else {
        return Ok(Reconciled {
            ignored: true,
            ..Reconciled::default()
        });
    };
    LockedPayment::lock(conn, &payment.id)?;
    let ours = repo::refunds_of_payment(conn, &payment.id)?;
    let mut done = Reconciled::default();
    for refund in reported {
        let mine = ours.iter().find(|r| {
            refund.refund_id.as_deref() == Some(r.id.as_str())
                || r.provider_reference.as_deref() == Some(refund.reference.as_str())
        });
        if let Some(mine) = mine {
            if mine.status == RefundStatus::Pending && refund.state != RefundState::Pending {
                let receipt = RefundReceipt {
                    reference: refund.reference.clone(),
                    state: refund.state.clone(),
                };
                crate::billing::refunds::settle(conn, mine, &receipt, now)?;
                done.settled += 1;
            }
            continue;
        }
        if refund.state != RefundState::Succeeded
            || repo::provider_refund_known(conn, &refund.reference)?
        {
            continue;
        }
        let paid = payments::find(conn, &payment.id)?.ok_or(Error::NotFound("payment"))?;
        if refund.amount.currency.to_string() != paid.currency {
            tracing::warn!(refund = %refund.reference, "a provider refund in another currency is not counted");
            continue;
        }
        // Never more than what remains: the provider cannot refund past its charge either, so
        // a shortfall here means our own pending refund is counted already.
        let amount = refund
            .amount
            .cents
            .min(paid.amount_cents - paid.refunded_cents)
            .max(0);
        repo::insert_provider_refund(
            conn,
            &ProviderRefundRow {
                reference: refund.reference.clone(),
                payment_id: payment.id.clone(),
                amount_cents: amount,
                currency: paid.currency.clone(),
                recorded_at: at,
            },
        )?;
        if amount > 0 {
            payments::add_refunded(conn, &payment.id, amount)?;
        }
        praxis_persistence::audit::record(
            conn,
            &crate::audit::entry::<(), _>(
                None,
                "payment.refunded_outside",
                "payment",
                &payment.id,
                None,
                Some(
                    &serde_json::json!({"provider_reference": refund.reference, "amount": amount, "reported_amount": refund.amount.cents}),
                ),
                now,
            ),
        )?;
        done.recorded_outside += 1;
    }
    Ok(done)
}
