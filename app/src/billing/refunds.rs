//! Refund quotes, requests (the quote frozen at the time of asking) and host decisions.
//! Approving is idempotent: a request pays out at most once, however many approvals arrive.

use crate::billing::{mail_member, messages, LockedPayment, Subscription};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use praxis_domain::ids::{RefundId, RefundRequestId, SubscriptionId, UserId};
use praxis_domain::payments::{PaymentProvider, RefundOrder, RefundReceipt, RefundState};
use praxis_domain::refunds::{quote, PaidPeriod, RefundQuote};
use praxis_domain::subscriptions::SubscriptionStatus;
use praxis_domain::{Currency, Money};
use praxis_persistence::payments::{self, PaymentRow};
use praxis_persistence::refunds::{self as repo, RefundRequestRow, RefundRequestStatus, RefundRow};
use praxis_persistence::subscriptions::{self, SubscriptionRow};
use praxis_persistence::{from_db_time, plans, to_db_time, write_tx, Database, DbConnection};

/// The member's subscription and its latest payment, with the quote at `now`. The quote counts
/// what was refunded of the payment and what was credited from it to an upgrade.
pub fn quote_for(
    conn: &mut DbConnection,
    user: &UserId,
    subscription: &SubscriptionId,
    now: DateTime<Utc>,
) -> Result<(SubscriptionRow, PaymentRow, RefundQuote)> {
    let row = subscriptions::find(conn, subscription.as_str())?
        .filter(|r| r.user_id == user.as_str())
        .ok_or(Error::NotFound("subscription"))?;
    let payment =
        payments::latest_for_subscription(conn, &row.id)?.ok_or_else(|| Error::Conflict {
            kind: "nothing-paid",
            detail: "Nothing has been paid for this subscription, so there is nothing to refund."
                .into(),
        })?;
    let sub = Subscription::from_row(row, now)?;
    let plan = plans::find(conn, sub.plan)?;
    let credited = subscriptions::credited_from(conn, &payment.id)?;
    let period = paid_period(&sub, &payment, credited, plan.e_course_deduction.cents);
    let quoted = quote(&period, now);
    Ok((sub.row, payment, quoted))
}

/// A payment as the refund rules see it.
fn paid_period(
    sub: &Subscription,
    payment: &PaymentRow,
    credited_cents: i64,
    e_course_deduction_cents: i64,
) -> PaidPeriod {
    PaidPeriod {
        billing_period: sub.period,
        amount_paid: sub.money(payment.amount_cents),
        already_refunded: sub.money(payment.refunded_cents),
        credited: sub.money(credited_cents),
        paid_at: from_db_time(payment.paid_at),
        period_end: from_db_time(payment.period_end),
        e_course_deduction: sub.money(e_course_deduction_cents),
    }
}

/// Records a refund request with its quote frozen now. Run in a write transaction.
pub fn request(
    conn: &mut DbConnection,
    user: &UserId,
    subscription: &SubscriptionId,
    message: &str,
    now: DateTime<Utc>,
) -> Result<RefundRequestRow> {
    let (sub, payment, quoted) = quote_for(conn, user, subscription, now)?;
    if quoted.refundable.cents == 0 {
        return Err(Error::Conflict {
            kind: "nothing-refundable",
            detail: format!("Nothing is refundable now. {}", quoted.explanation),
        });
    }
    let row = RefundRequestRow {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user.as_str().to_owned(),
        subscription_id: sub.id.clone(),
        payment_id: payment.id,
        message: message.to_owned(),
        status: RefundRequestStatus::Pending,
        quote_cents: quoted.refundable.cents,
        currency: quoted.refundable.currency.to_string(),
        quote_rule: quoted.rule,
        quote_full_months: quoted.full_months.and_then(|m| i32::try_from(m).ok()),
        quote_deduction_cents: quoted.deduction.map(|d| d.cents),
        quote_explanation: quoted.explanation,
        requested_at: to_db_time(now),
        decided_at: None,
        decided_by: None,
        decision_note: None,
    };
    match repo::insert_request(conn, &row) {
        Err(praxis_persistence::Error::UniqueViolation(_)) => {
            return Err(Error::Conflict {
                kind: "refund-request-pending",
                detail: "A refund request for this payment is already waiting for a decision."
                    .into(),
            })
        }
        other => other?,
    }
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(user),
            "refund_request.created",
            "refund_request",
            &row.id,
            None,
            Some(
                &serde_json::json!({"quote": row.quote_cents, "rule": row.quote_rule.as_str(), "subscription_id": row.subscription_id}),
            ),
            now,
        ),
    )?;
    Ok(row)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    /// `approve` or `reject`.
    pub fn parse(raw: &str) -> praxis_domain::Result<Self> {
        match raw {
            "approve" => Ok(Self::Approve),
            "reject" => Ok(Self::Reject),
            _ => Err(praxis_domain::Error::field(
                "decision",
                "must be one of: approve, reject",
            )),
        }
    }

    fn status(self) -> RefundRequestStatus {
        match self {
            Self::Approve => RefundRequestStatus::Approved,
            Self::Reject => RefundRequestStatus::Rejected,
        }
    }
}

/// A host's note to the member: trimmed, empty as none, at most 4000 characters.
pub fn decision_note(raw: Option<&str>) -> praxis_domain::Result<Option<String>> {
    let note = raw.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 4000) {
        return Err(praxis_domain::Error::field(
            "note",
            "must be at most 4000 characters",
        ));
    }
    Ok(note.map(str::to_owned))
}

/// Which refund requests a list shows.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub status: Option<RefundRequestStatus>,
    /// One member's requests only.
    pub member: Option<UserId>,
}

/// A page of refund requests newest first, each with its refund once paid (`limit` rows after
/// the keyset `after`).
pub fn list_requests(
    conn: &mut DbConnection,
    filter: &RequestFilter,
    after: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<(RefundRequestRow, Option<RefundRow>)>> {
    let rows = repo::page_requests(conn, filter.status, filter.member.as_ref(), after, limit)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut refunds: std::collections::HashMap<String, RefundRow> =
        repo::refunds_for_requests(conn, &ids)?
            .into_iter()
            .filter_map(|r| r.refund_request_id.clone().map(|id| (id, r)))
            .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let refund = refunds.remove(&row.id);
            (row, refund)
        })
        .collect())
}

/// The refund paid for a request, if it was approved.
pub fn refund_of(conn: &mut DbConnection, request: &RefundRequestId) -> Result<Option<RefundRow>> {
    Ok(repo::refund_for_request(conn, request.as_str())?)
}

/// Decides a request. Run in a write transaction. Returns the request and, when this call
/// approved it, the refund to pay through the provider after commit. Deciding again the same way
/// returns the decision already made and pays nothing; deciding the other way is a conflict.
pub fn decide(
    conn: &mut DbConnection,
    request_id: &RefundRequestId,
    decision: Decision,
    host: &UserId,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(RefundRequestRow, Option<RefundRow>)> {
    let at = to_db_time(now);
    repo::lock_request(conn, request_id.as_str())?;
    let request =
        repo::find_request(conn, request_id.as_str())?.ok_or(Error::NotFound("refund request"))?;
    if request.status != RefundRequestStatus::Pending {
        return if request.status == decision.status() {
            Ok((request, None))
        } else {
            Err(Error::Conflict {
                kind: "already-decided",
                detail: format!(
                    "This refund request was already {}.",
                    request.status.as_str()
                ),
            })
        };
    }
    repo::decide(conn, request_id, decision.status(), host, note, at)?;
    let mut refund = None;
    if decision == Decision::Approve {
        // The payment is locked, so an upgrade drawing credit from it waits for this decision
        // (and then sees the subscription ended), or went first and its credit is counted here.
        let paid = LockedPayment::lock(conn, &request.payment_id)?;
        let sub = subscriptions::find(conn, &request.subscription_id)?
            .ok_or(Error::NotFound("subscription"))?;
        let sub = Subscription::from_row(sub, now)?;
        let amount = approved_amount(&request, &sub, &paid);
        if amount == 0 && paid.credited_cents > 0 {
            return Err(Error::Conflict {
                kind: "refund-credited",
                detail: "The unused part of this payment was credited to an upgrade after the \
                         request was made, so nothing remains to refund. Reject the request, or \
                         approve it once that upgrade's checkout has lapsed unpaid."
                    .into(),
            });
        }
        let payment = paid.row;
        payments::add_refunded(conn, &payment.id, amount)?;
        let row = RefundRow::pending(
            Some(request.id.clone()),
            &payment.id,
            amount,
            &request.currency,
            at,
        );
        repo::insert_refund(conn, &row)?;
        // A refunded subscription ends, if the member had not cancelled it already.
        if sub.status.is_live() {
            subscriptions::end(
                conn,
                &sub.row.id,
                SubscriptionStatus::Cancelled,
                "refunded",
                at,
            )?;
        }
        refund = Some(row);
    }
    let currency = stored_currency(&request.currency)?;
    let refunded = Money {
        cents: refund.as_ref().map(|r| r.amount_cents).unwrap_or(0),
        currency,
    };
    mail_member(conn, &request.user_id, "refund_decision", at, |name| {
        messages::refund_decision(name, decision == Decision::Approve, refunded, note)
    })?;
    let decided =
        repo::find_request(conn, request_id.as_str())?.ok_or(Error::NotFound("refund request"))?;
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry(
            Some(host),
            &format!("refund_request.{}", decision.status().as_str()),
            "refund_request",
            request_id.as_str(),
            Some(&serde_json::json!({"status": request.status.as_str()})),
            Some(&serde_json::json!({
                "status": decided.status.as_str(), "note": note,
                "refund": refund.as_ref().map(|r| serde_json::json!({"id": r.id, "amount": r.amount_cents})),
            })),
            now,
        ),
    )?;
    Ok((decided, refund))
}

/// What approving `request` pays: its frozen quote, unless the payment has been consumed since
/// (another refund, or credit drawn by an upgrade): then the same rule at the same request time,
/// counting what is consumed now. Never more than the frozen quote, never more than what remains.
fn approved_amount(request: &RefundRequestRow, sub: &Subscription, paid: &LockedPayment) -> i64 {
    let period = paid_period(
        sub,
        &paid.row,
        paid.credited_cents,
        request.quote_deduction_cents.unwrap_or(0),
    );
    let now_allowed = quote(&period, from_db_time(request.requested_at)).refundable;
    request
        .quote_cents
        .min(now_allowed.cents)
        .min(paid.row.amount_cents - paid.row.refunded_cents)
        .max(0)
}

/// A currency stored with a request or refund; it was written from a parsed one.
fn stored_currency(code: &str) -> Result<Currency> {
    Currency::parse("currency", code)
        .map_err(|_| Error::internal(format!("a stored currency is invalid: {code:?}")))
}

/// Pays an approved refund through the provider, then records what the provider says: paid
/// (`succeeded`), accepted but not settled (`pending`, with its reference, asked about again by
/// the periodic job), or refused (`failed` with the provider's reason, what it counted against
/// the payment given back, for a host to retry). Safe to repeat: the provider pays an idempotency
/// key at most once. Runs on a blocking thread (the provider may do network I/O), taking
/// connections from `db` only around the provider call, never across it.
pub fn pay_out(
    db: &Database,
    provider: &dyn PaymentProvider,
    refund: RefundRow,
    now: DateTime<Utc>,
) {
    // The payment's own id at the provider; payments recorded before it was kept were paid
    // through their subscription's checkout.
    let reference = (|| -> Result<String> {
        let conn = &mut *db.conn()?;
        let payment =
            payments::find(conn, &refund.payment_id)?.ok_or(Error::NotFound("payment"))?;
        if let Some(reference) = payment.provider_payment_id {
            return Ok(reference);
        }
        let sub =
            subscriptions::find(conn, payment.subscription_id.as_deref().unwrap_or_default())?
                .ok_or(Error::NotFound("subscription"))?;
        Ok(sub.checkout_id)
    })();
    let Ok(payment_reference) = reference else {
        tracing::error!(refund = %refund.id, "refund's payment not found");
        return;
    };
    let currency = match stored_currency(&refund.currency) {
        Ok(currency) => currency,
        Err(e) => {
            tracing::error!(refund = %refund.id, error = %e, "refund not paid");
            return;
        }
    };
    let answer = match &refund.provider_reference {
        // Sent already and not settled: ask where it stands rather than sending it again.
        Some(sent) => provider.refund_status(sent),
        None => provider.refund(&RefundOrder {
            refund_id: refund.id.clone(),
            idempotency_key: refund.idempotency_key(),
            payment_reference,
            amount: Money {
                cents: refund.amount_cents,
                currency,
            },
        }),
    };
    match answer {
        Ok(receipt) => {
            let recorded = db.conn().map_err(Error::from).and_then(|mut conn| {
                write_tx(&mut conn, |conn| settle(conn, &refund, &receipt, now))
            });
            if let Err(e) = recorded {
                tracing::warn!(error = %e, "refund sent but its outcome not recorded yet; the retry will");
            }
        }
        Err(e) => {
            tracing::warn!(refund = %refund.id, error = %e, "refund not paid yet; will retry")
        }
    }
}

/// Records what the provider said of a pending refund. Run in a write transaction.
pub fn settle(
    conn: &mut DbConnection,
    refund: &RefundRow,
    receipt: &RefundReceipt,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = to_db_time(now);
    let id = RefundId::from_trusted(refund.id.clone());
    let reference = Some(receipt.reference.as_str()).filter(|r| !r.is_empty());
    match (&receipt.state, reference) {
        (RefundState::Succeeded, Some(reference)) => {
            repo::confirm(conn, &id, reference, at)?;
            crate::webhooks::emit(
                conn,
                praxis_domain::webhooks::WebhookEvent::RefundPaid,
                serde_json::json!({
                    "refund_id": refund.id, "payment_id": refund.payment_id,
                    "amount": {"amount": refund.amount_cents, "currency": refund.currency},
                }),
                now,
            )?;
        }
        (RefundState::Pending, Some(reference)) => repo::mark_sent(conn, &id, reference, at)?,
        (RefundState::Failed { reason }, reference) => {
            payments::lock(conn, &refund.payment_id)?;
            if repo::fail(conn, &id, reference, reason, at)? {
                // The money did not move: what the approval counted against the payment is
                // free again, for the retry or for another refund.
                payments::remove_refunded(conn, &refund.payment_id, refund.amount_cents)?;
                praxis_persistence::audit::record(
                    conn,
                    &crate::audit::entry::<(), _>(
                        None,
                        "refund.failed",
                        "refund",
                        &refund.id,
                        None,
                        Some(
                            &serde_json::json!({"reason": reason, "provider_reference": reference}),
                        ),
                        now,
                    ),
                )?;
            }
        }
        (_, None) => {
            return Err(Error::internal(format!(
                "the provider answered refund {} without a reference",
                refund.id
            )))
        }
    }
    Ok(())
}
