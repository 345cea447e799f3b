//! Applying a verified `payment.succeeded` event: activation or renewal, the payment, its
//! invoice with the next gapless number, a receipt mail and the audit entries, all in one
//! transaction.

use crate::billing::{messages, Subscription};
use crate::error::{Error, Result};
use crate::mail_links::MailLinks;
use chrono::{DateTime, Utc};
use praxis_domain::ids::SubscriptionId;
use praxis_domain::subscriptions::{next_period, SubscriptionStatus};
use praxis_domain::webhooks::WebhookEvent;
use praxis_domain::FieldError;
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::payments::{self, PaymentRow};
use praxis_persistence::{
    course_orders, from_db_time, subscriptions, to_db_time, users, DbConnection,
};

pub struct PaymentSucceeded {
    pub event_id: String,
    pub checkout_id: String,
    pub amount_cents: i64,
    pub currency: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Applied { invoice_number: String },
    Replayed,
}

fn refuse(field: &str, message: impl Into<String>) -> Error {
    Error::invalid(vec![FieldError::new(field, message)])
}

/// Run in a write transaction. Any error leaves nothing changed, the event id included, so the
/// provider's retry of a corrected event is still applied.
pub fn apply(
    conn: &mut DbConnection,
    event: &PaymentSucceeded,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let at = to_db_time(now);
    if !payments::record_event(conn, &event.event_id, "payment.succeeded", at)? {
        return Ok(Outcome::Replayed);
    }
    // A course bought on its own is paid through a checkout of its own.
    if let Some(order) = course_orders::find_by_checkout(conn, &event.checkout_id)? {
        return crate::course_orders::paid(conn, order, event, links, now);
    }
    let row = subscriptions::find_by_checkout(conn, &event.checkout_id)?
        .ok_or_else(|| refuse("data.checkout_id", "no checkout with this id"))?;
    subscriptions::lock_plan(conn, row.plan_slug)?;
    let sub = Subscription::from_row(row, now)?;
    let expected = match sub.status {
        SubscriptionStatus::PendingPayment => sub.row.amount_due_cents,
        // A checkout is paid once: another payment event for it is the same money again.
        // Renewals are separate payments, charged by the renewal job (`renewals`).
        SubscriptionStatus::Active | SubscriptionStatus::PastDue => return Ok(Outcome::Replayed),
        _ => {
            return Err(Error::Conflict {
                kind: "checkout-closed",
                detail: "This subscription has ended; the payment cannot be applied.".into(),
            })
        }
    };
    if event.currency != sub.row.currency {
        return Err(refuse(
            "data.currency",
            format!("expected {}", sub.row.currency),
        ));
    }
    if event.amount_cents != expected {
        return Err(refuse("data.amount", format!("expected {expected}")));
    }

    let activating = sub.status == SubscriptionStatus::PendingPayment;
    if activating && sub.row.hold_expires_at <= at {
        // The checkout's hold ran out before the payment came: its seat may have gone to
        // someone else meanwhile. It is honoured only if a seat is still free.
        let free = crate::billing::seats::free_seats(conn, sub.plan, Some(&sub.owner()), now)?;
        if free == Some(0) {
            return Err(Error::Conflict {
                kind: "checkout-expired",
                detail: "The checkout's hold expired and the plan is now full; the payment cannot be applied.".into(),
            });
        }
    }
    let number = record_paid_period(
        conn,
        &sub,
        &PaidWith {
            event_id: &event.event_id,
            payment_reference: Some(&event.checkout_id),
        },
        event.amount_cents,
        links,
        now,
    )?;
    Ok(Outcome::Applied {
        invoice_number: number,
    })
}

/// The invoice's line: the plan and period, and the credit taken off when there is one.
fn invoice_description(
    sub: &Subscription,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    credit: i64,
) -> String {
    let line = format!(
        "{} plan, {} ({}), {} to {}",
        sub.plan.as_str(),
        sub.period.as_str(),
        sub.version.as_str(),
        start.format("%Y-%m-%d"),
        end.format("%Y-%m-%d")
    );
    if credit == 0 {
        return line;
    }
    format!(
        "{line}: {} less {} credited from the upgraded subscription",
        messages::amount(sub.money(sub.row.period_price_cents)),
        messages::amount(sub.money(credit))
    )
}

/// Where the money of a paid period came from.
pub(crate) struct PaidWith<'a> {
    /// The provider's event (or our own id for money that needed none), unique per payment.
    pub event_id: &'a str,
    /// The provider's id of the payment: what refunds are made on, and the key that records
    /// money received once. `None` only when nothing was paid (an upgrade's credit).
    pub payment_reference: Option<&'a str>,
}

/// Records a paid period of `sub`: activates a pending subscription (ending the one it
/// upgrades) or extends an active one, then writes the payment, its invoice with the next
/// gapless number, the receipt mail and the audit entry. A checkout whose credit covers its
/// price is recorded here at once with `amount_cents` 0. Returns the invoice number. Run in the
/// caller's write transaction.
pub(crate) fn record_paid_period(
    conn: &mut DbConnection,
    sub: &Subscription,
    paid: &PaidWith,
    amount_cents: i64,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<String> {
    let at = to_db_time(now);
    let activating = sub.status == SubscriptionStatus::PendingPayment;
    if activating {
        if let Some(replaced) = &sub.row.replaces_subscription_id {
            subscriptions::end(
                conn,
                replaced,
                SubscriptionStatus::Cancelled,
                "upgraded",
                at,
            )?;
        }
    }
    let (start, end) = next_period(
        sub.row.current_period_end.map(from_db_time),
        now,
        sub.period,
    );
    subscriptions::set_period(conn, &sub.row.id, to_db_time(start), to_db_time(end), at)?;

    let credit = if activating { sub.row.credit_cents } else { 0 };
    let payment = PaymentRow {
        id: uuid::Uuid::now_v7().to_string(),
        subscription_id: Some(sub.row.id.clone()),
        user_id: sub.row.user_id.clone(),
        provider_event_id: paid.event_id.to_owned(),
        amount_cents,
        credit_applied_cents: credit,
        currency: sub.row.currency.clone(),
        refunded_cents: 0,
        paid_at: at,
        period_start: to_db_time(start),
        period_end: to_db_time(end),
        provider_payment_id: paid.payment_reference.map(str::to_owned),
        course_order_id: None,
    };
    payments::insert(conn, &payment)?;
    if activating {
        // The first paid yearly subscription opens the e-course for good (DOMAIN.md "Learning").
        crate::entitlements::grant_for_activation(
            conn,
            &sub.owner(),
            sub.period,
            &payment.id,
            now,
        )?;
    }

    let user = users::find_by_id(conn, &sub.row.user_id)?.ok_or(Error::NotFound("member"))?;
    let number = crate::billing::issue_invoice(
        conn,
        &payment,
        invoice_description(sub, start, end, credit),
        now,
    )?;
    let (subject, body) = messages::receipt(
        &user.display_name,
        &number,
        sub.money(amount_cents),
        sub.money(credit),
        sub.plan.as_str(),
        &end.format("%Y-%m-%d %H:%M").to_string(),
        &links.hub(),
    );
    outbox::enqueue(
        conn,
        Mail {
            kind: "receipt",
            recipient: user.email,
            subject,
            body,
        },
        at,
    )?;
    let action = if activating {
        "subscription.activated"
    } else {
        "subscription.renewed"
    };
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry(
            None,
            action,
            "subscription",
            &sub.row.id,
            Some(
                &serde_json::json!({"status": sub.row.status, "current_period_end": sub.row.current_period_end}),
            ),
            Some(&serde_json::json!({
                "status": SubscriptionStatus::Active, "current_period_end": to_db_time(end), "payment_id": payment.id,
                "amount": amount_cents, "invoice": number,
            })),
            now,
        ),
    )?;
    emit_paid_period(conn, sub, &payment, activating, now)?;
    Ok(number)
}

/// Tells integrators of a paid period: the payment, and the activation when it starts one.
fn emit_paid_period(
    conn: &mut DbConnection,
    sub: &Subscription,
    payment: &PaymentRow,
    activating: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    if activating {
        crate::webhooks::emit(
            conn,
            WebhookEvent::SubscriptionActivated,
            crate::webhooks::subscription_data(&sub.row),
            now,
        )?;
    }
    if payment.amount_cents > 0 {
        crate::webhooks::emit(
            conn,
            WebhookEvent::PaymentReceived,
            serde_json::json!({
                "payment_id": payment.id, "subscription_id": payment.subscription_id,
                "member_id": payment.user_id,
                "amount": {"amount": payment.amount_cents, "currency": payment.currency},
            }),
            now,
        )?;
    }
    Ok(())
}

/// A checkout's payment failed at the provider (declined card, failed authentication): the
/// subscription stays pending, holding its seat while the member retries with another card;
/// the failure is audited. `false` for a replayed event. Run in a write transaction.
pub fn checkout_payment_failed(
    conn: &mut DbConnection,
    event_id: &str,
    checkout_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    if !payments::record_event(conn, event_id, "payment.failed", to_db_time(now))? {
        return Ok(false);
    }
    if let Some(order) = course_orders::find_by_checkout(conn, checkout_id)? {
        crate::course_orders::payment_failed(conn, &order, event_id, reason, now)?;
        return Ok(true);
    }
    let row = subscriptions::find_by_checkout(conn, checkout_id)?
        .ok_or_else(|| refuse("data.object.id", "no checkout with this id"))?;
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            None,
            "subscription.payment_failed",
            "subscription",
            &row.id,
            None,
            Some(
                &serde_json::json!({"checkout_id": checkout_id, "reason": reason, "event": event_id}),
            ),
            now,
        ),
    )?;
    Ok(true)
}

/// A renewal's payment succeeded at the provider, told by its webhook: applied once per event
/// id, then as the renewal job's own report would be (a payment recorded already is a replay).
/// Run in a write transaction.
pub fn renewal_event_paid(
    conn: &mut DbConnection,
    event: &PaymentSucceeded,
    subscription: &SubscriptionId,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    if !payments::record_event(conn, &event.event_id, "renewal.succeeded", to_db_time(now))? {
        return Ok(Outcome::Replayed);
    }
    crate::billing::renewals::renewal_paid(
        conn,
        subscription,
        &event.checkout_id,
        event.amount_cents,
        &event.currency,
        links,
        now,
    )
}

/// A renewal's payment failed at the provider, told by its webhook: applied once per event id,
/// as the renewal job's own report of the decline would be. `false` for a replayed event. Run
/// in a write transaction.
pub fn renewal_event_failed(
    conn: &mut DbConnection,
    event_id: &str,
    subscription: &SubscriptionId,
    payment_reference: &str,
    reason: &str,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<bool> {
    if !payments::record_event(conn, event_id, "renewal.failed", to_db_time(now))? {
        return Ok(false);
    }
    crate::billing::renewals::renewal_failed(
        conn,
        subscription,
        Some(payment_reference),
        reason,
        links,
        now,
    )?;
    Ok(true)
}
