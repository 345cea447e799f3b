//! What the local payment provider's development routes do: pay a checkout through the same
//! path the provider's webhook takes, and put a paying or a declining card on file so renewals
//! and grace periods can be walked through without a real provider.

use crate::billing::webhook::{self, Outcome, PaymentSucceeded};
use crate::billing::Subscription;
use crate::error::{Error, Result};
use crate::mail_links::MailLinks;
use chrono::{DateTime, Utc};
use praxis_domain::ids::UserId;
use praxis_domain::payments::ProviderKind;
use praxis_domain::subscriptions::SubscriptionStatus;
use praxis_persistence::course_orders::{self, CourseOrderRow};
use praxis_persistence::subscriptions::{self, SubscriptionRow};
use praxis_persistence::{local_provider, payments, to_db_time, DbConnection};

/// The local provider's customer for a member: the one kept for them, or a new one kept now.
fn customer(conn: &mut DbConnection, user: &str, now: DateTime<Utc>) -> Result<String> {
    let local = ProviderKind::Local.as_str();
    if let Some(reference) = payments::customer_reference(conn, user, local)? {
        return Ok(reference);
    }
    let reference = format!("cus_local_{user}");
    payments::keep_customer_reference(conn, user, local, &reference, to_db_time(now))?;
    Ok(payments::customer_reference(conn, user, local)?.unwrap_or(reference))
}

/// Puts a card on file for the member at the local provider: the one later renewals charge.
/// Run in a write transaction.
pub fn set_card(
    conn: &mut DbConnection,
    member: &UserId,
    declining: bool,
    now: DateTime<Utc>,
) -> Result<String> {
    let reference = customer(conn, member.as_str(), now)?;
    local_provider::set_card(conn, &reference, declining, to_db_time(now))?;
    Ok(reference)
}

/// What a paid local checkout paid for, as it stands after the payment.
pub enum PaidCheckout {
    Subscription(SubscriptionRow),
    Course(CourseOrderRow),
}

/// Pays a checkout as the member would on the provider's page, saving `card` (declining or not)
/// for renewals when given. The payment goes through [`webhook::apply`] under an event id of its
/// own, so paying twice is a replay. Run in a write transaction.
pub fn pay_checkout(
    conn: &mut DbConnection,
    checkout_id: &str,
    declining_card: Option<bool>,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<(Outcome, PaidCheckout)> {
    if let Some(order) = course_orders::find_by_checkout(conn, checkout_id)? {
        if let Some(declining) = declining_card {
            set_card(
                conn,
                &UserId::from_trusted(order.user_id.clone()),
                declining,
                now,
            )?;
        }
        let event = PaymentSucceeded {
            event_id: format!("dev_pay_{checkout_id}"),
            checkout_id: checkout_id.to_owned(),
            amount_cents: order.amount_cents,
            currency: order.currency.clone(),
        };
        let outcome = webhook::apply(conn, &event, links, now)?;
        let order = course_orders::find(conn, &order.id)?.ok_or(Error::NotFound("checkout"))?;
        return Ok((outcome, PaidCheckout::Course(order)));
    }
    let row =
        subscriptions::find_by_checkout(conn, checkout_id)?.ok_or(Error::NotFound("checkout"))?;
    let sub = Subscription::from_row(row, now)?;
    let amount_cents = match sub.status {
        SubscriptionStatus::PendingPayment => sub.row.amount_due_cents,
        SubscriptionStatus::Active | SubscriptionStatus::PastDue => sub.row.period_price_cents,
        _ => {
            return Err(Error::Conflict {
                kind: "checkout-closed",
                detail: format!(
                    "This subscription is {}; its checkout cannot be paid.",
                    sub.status.as_str()
                ),
            })
        }
    };
    if let Some(declining) = declining_card {
        set_card(conn, &sub.owner(), declining, now)?;
    }
    let event = PaymentSucceeded {
        event_id: format!("dev_pay_{checkout_id}"),
        checkout_id: checkout_id.to_owned(),
        amount_cents,
        currency: sub.row.currency.clone(),
    };
    let outcome = webhook::apply(conn, &event, links, now)?;
    let row = subscriptions::find(conn, &sub.row.id)?.ok_or(Error::NotFound("subscription"))?;
    Ok((outcome, PaidCheckout::Subscription(row)))
}
