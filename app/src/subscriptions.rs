//! What a member does with their subscriptions: start one (a pending checkout holding a seat),
//! look at them, cancel one. The provider's checkout is opened between [`start`] and
//! [`attach_checkout`], outside any transaction, since it may do network I/O.

use crate::billing::{checkout, lifecycle};
use crate::error::{Error, Result};
use crate::mail_links::MailLinks;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use praxis_domain::ids::{CheckoutId, SubscriptionId, UserId};
use praxis_domain::payments::{Checkout, CheckoutRequest, ProviderKind, Purchase};
use praxis_domain::subscriptions::SubscriptionStatus;
use praxis_persistence::subscriptions::{self, SubscriptionRow};
use praxis_persistence::{to_db_time, DbConnection};

pub use crate::billing::checkout::StartSubscription;

/// A started subscription, and the order to open its checkout with; no order when an upgrade's
/// credit covered the whole price and the subscription is active already.
pub struct Started {
    pub subscription: SubscriptionRow,
    pub order: Option<CheckoutRequest>,
}

/// Starts a subscription: a `pending_payment` subscription holding a seat for `hold`, and the
/// order for the provider's checkout. Run in a write transaction.
pub fn start(
    conn: &mut DbConnection,
    request: &StartSubscription,
    provider: ProviderKind,
    links: &crate::mail_links::MailLinks,
    now: DateTime<Utc>,
    hold: Duration,
) -> Result<Started> {
    let row = checkout::start(conn, request, links, now, hold)?;
    if row.status != SubscriptionStatus::PendingPayment {
        return Ok(Started {
            subscription: row,
            order: None,
        });
    }
    started(conn, row, provider, now)
}

/// The provider order for a subscription waiting for payment: the amount due in its currency,
/// paid by the member's customer at `provider` when they have one.
fn started(
    conn: &mut DbConnection,
    row: SubscriptionRow,
    provider: ProviderKind,
    now: DateTime<Utc>,
) -> Result<Started> {
    let due = crate::billing::Subscription::from_row(row.clone(), now)?.money(row.amount_due_cents);
    let order = CheckoutRequest {
        purchase: Purchase::Subscription(row.id.clone()),
        idempotency_key: format!("checkout-{}", row.id),
        payer: crate::billing::payer(conn, &row.user_id, provider)?,
        description: format!("{} plan, {}", row.plan_slug, row.billing_period),
        amount: due,
    };
    Ok(Started {
        subscription: row,
        order: Some(order),
    })
}

/// Where a start cut off midway (by a crash, after [`start`] committed) stands.
pub enum Resumed {
    /// Still holding its seat without a checkout: open the checkout with this order.
    Checkout(Started),
    /// Its checkout was attached already.
    Attached(SubscriptionRow),
}

/// Picks up the member's subscription `id` that an interrupted start left behind: `None` when it
/// is no longer waiting for payment (its hold lapsed, it was cancelled or paid), and the start
/// is to be made afresh.
pub fn resume(
    conn: &mut DbConnection,
    member: &UserId,
    id: &SubscriptionId,
    provider: ProviderKind,
    now: DateTime<Utc>,
) -> Result<Option<Resumed>> {
    let Some(row) = subscriptions::find(conn, id.as_str())? else {
        return Ok(None);
    };
    if row.user_id != member.as_str()
        || row.status != SubscriptionStatus::PendingPayment
        || row.hold_expires_at <= to_db_time(now)
    {
        return Ok(None);
    }
    if row
        .checkout_id
        .starts_with(crate::billing::checkout::UNATTACHED_CHECKOUT)
    {
        Ok(Some(Resumed::Checkout(started(conn, row, provider, now)?)))
    } else {
        Ok(Some(Resumed::Attached(row)))
    }
}

/// Records the provider's checkout on the pending subscription, and keeps the provider's
/// customer for the member so later payments reuse it.
pub fn attach_checkout(
    conn: &mut DbConnection,
    id: &SubscriptionId,
    provider: ProviderKind,
    checkout: &Checkout,
    now: DateTime<Utc>,
) -> Result<SubscriptionRow> {
    subscriptions::set_checkout(
        conn,
        id,
        &CheckoutId::from_trusted(checkout.checkout_id.clone()),
        checkout.url.as_deref().unwrap_or_default(),
    )?;
    if let Some(secret) = &checkout.client_secret {
        praxis_persistence::payments::keep_client_secret(
            conn,
            &checkout.checkout_id,
            secret,
            to_db_time(now),
        )?;
    }
    if let Some(customer) = &checkout.customer_reference {
        let row = subscriptions::find(conn, id.as_str())?.ok_or(Error::NotFound("subscription"))?;
        praxis_persistence::payments::keep_customer_reference(
            conn,
            &row.user_id,
            provider.as_str(),
            customer,
            to_db_time(now),
        )?;
    }
    subscriptions::find(conn, id.as_str())?.ok_or(Error::NotFound("subscription"))
}

/// The provider could not open a checkout: the pending subscription ends and frees its seat.
pub fn checkout_failed(
    conn: &mut DbConnection,
    id: &SubscriptionId,
    now: DateTime<Utc>,
) -> Result<()> {
    subscriptions::end(
        conn,
        id.as_str(),
        SubscriptionStatus::Expired,
        "checkout_failed",
        to_db_time(now),
    )?;
    Ok(())
}

/// A page of the member's subscriptions, newest first (`limit` rows after the keyset `after`).
pub fn list(
    conn: &mut DbConnection,
    member: &UserId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<SubscriptionRow>> {
    Ok(subscriptions::page_for_user(
        conn,
        member.as_str(),
        after,
        limit,
    )?)
}

/// One of the member's subscriptions; someone else's reads as unknown.
pub fn find(
    conn: &mut DbConnection,
    member: &UserId,
    id: &SubscriptionId,
) -> Result<SubscriptionRow> {
    subscriptions::find(conn, id.as_str())?
        .filter(|row| row.user_id == member.as_str())
        .ok_or(Error::NotFound("subscription"))
}

/// Where a cancellation sends freed seats: the hold of an offer and the link in its mail.
#[derive(Debug, Clone)]
pub struct Offers {
    pub hold: Duration,
    /// Where the offer mail's link goes.
    pub links: MailLinks,
}

/// Cancels the member's subscription at once, on behalf of `actor` (the member, or the hub
/// acting for them). Run in a write transaction.
pub fn cancel(
    conn: &mut DbConnection,
    member: &UserId,
    id: &SubscriptionId,
    actor: &UserId,
    now: DateTime<Utc>,
    offers: &Offers,
) -> Result<SubscriptionRow> {
    lifecycle::cancel(conn, member, id, actor, now, offers.hold, &offers.links)
}

/// The client secrets of the given subscriptions' checkouts, by checkout id (one query).
pub fn client_secrets(
    conn: &mut DbConnection,
    rows: &[SubscriptionRow],
) -> Result<std::collections::HashMap<String, String>> {
    let ids: Vec<String> = rows
        .iter()
        .filter(|r| r.status == SubscriptionStatus::PendingPayment)
        .map(|r| r.checkout_id.clone())
        .collect();
    Ok(praxis_persistence::payments::client_secrets(conn, &ids)?
        .into_iter()
        .collect())
}

/// The member's customer at `provider`, once a checkout created one.
pub fn customer_reference(
    conn: &mut DbConnection,
    member: &UserId,
    provider: ProviderKind,
) -> Result<Option<String>> {
    Ok(praxis_persistence::payments::customer_reference(
        conn,
        member.as_str(),
        provider.as_str(),
    )?)
}
