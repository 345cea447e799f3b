//! Membership and billing flows: each combines the rules in `praxis-domain` with the
//! repositories in `praxis-persistence` inside one transaction. Handlers call these; these never
//! see HTTP.

pub mod address;
pub mod checkout;
pub mod lifecycle;
pub mod local;
pub mod messages;
pub mod payouts;
pub mod refunds;
pub mod renewals;
pub mod seats;
pub mod webhook;

use crate::error::Error;
use chrono::{DateTime, Utc};
use praxis_domain::ids::UserId;
use praxis_domain::plans::{BillingPeriod, PlanSlug, PriceVersion};
use praxis_domain::subscriptions::SubscriptionStatus;
use praxis_domain::{Currency, Money};
use praxis_persistence::from_db_time;
use praxis_persistence::payments::{self, PaymentRow};
use praxis_persistence::subscriptions::SubscriptionRow;

/// A subscription row with its currency and its status at a given instant.
pub struct Subscription {
    pub row: SubscriptionRow,
    pub plan: PlanSlug,
    pub period: BillingPeriod,
    pub version: PriceVersion,
    pub currency: Currency,
    /// The status at `now` (an active subscription past its period reads as expired).
    pub status: SubscriptionStatus,
}

impl Subscription {
    pub fn from_row(row: SubscriptionRow, now: DateTime<Utc>) -> Result<Self, Error> {
        Ok(Self {
            plan: row.plan_slug,
            period: row.billing_period,
            version: row.price_version,
            currency: Currency::parse("", &row.currency).map_err(|_| {
                Error::internal(format!("subscription {} has an invalid currency", row.id))
            })?,
            status: praxis_domain::subscriptions::effective_status(
                row.status,
                row.current_period_end.map(from_db_time),
                row.renewal_state(),
                now,
            ),
            row,
        })
    }

    /// The member it belongs to.
    pub fn owner(&self) -> UserId {
        UserId::from_trusted(self.row.user_id.clone())
    }

    pub fn money(&self, cents: i64) -> Money {
        Money {
            cents,
            currency: self.currency,
        }
    }
}

/// The member's subscription `id` at `now`; someone else's reads as unknown.
pub fn owned(
    conn: &mut praxis_persistence::DbConnection,
    member: &UserId,
    id: &praxis_domain::ids::SubscriptionId,
    now: DateTime<Utc>,
) -> Result<Subscription, Error> {
    let row = praxis_persistence::subscriptions::find(conn, id.as_str())?
        .filter(|r| r.user_id == member.as_str())
        .ok_or(Error::NotFound("subscription"))?;
    Subscription::from_row(row, now)
}

/// A payment locked for the rest of the transaction, with what has been credited from it to
/// upgrades. Upgrades and refund approvals both read it this way, so neither counts days the
/// other has just taken (on SQLite the immediate transaction is serial already).
pub struct LockedPayment {
    pub row: PaymentRow,
    pub credited_cents: i64,
}

impl LockedPayment {
    pub fn lock(conn: &mut praxis_persistence::DbConnection, id: &str) -> Result<Self, Error> {
        payments::lock(conn, id)?;
        let row = payments::find(conn, id)?.ok_or(Error::NotFound("payment"))?;
        let credited_cents = praxis_persistence::subscriptions::credited_from(conn, id)?;
        Ok(Self {
            row,
            credited_cents,
        })
    }

    /// Refunded or credited so far: what no later refund or credit may give back again.
    pub fn consumed_cents(&self) -> i64 {
        self.row.refunded_cents.saturating_add(self.credited_cents)
    }
}

/// Queues a mail to a member, written by `compose` from their display name; in the caller's
/// transaction, so the mail exists exactly when the change it reports does.
pub fn mail_member(
    conn: &mut praxis_persistence::DbConnection,
    user_id: &str,
    kind: &'static str,
    at: chrono::NaiveDateTime,
    compose: impl FnOnce(&str) -> (String, String),
) -> Result<(), Error> {
    if let Some(user) = praxis_persistence::users::find_by_id(conn, user_id)? {
        let (subject, body) = compose(&user.display_name);
        praxis_persistence::outbox::enqueue(
            conn,
            praxis_persistence::outbox::Mail {
                kind,
                recipient: user.email,
                subject,
                body,
            },
            at,
        )?;
    }
    Ok(())
}

/// Who pays a checkout: the member, with their customer at `provider` once one exists.
pub fn payer(
    conn: &mut praxis_persistence::DbConnection,
    user_id: &str,
    provider: praxis_domain::payments::ProviderKind,
) -> Result<praxis_domain::payments::Payer, Error> {
    let user =
        praxis_persistence::users::find_by_id(conn, user_id)?.ok_or(Error::NotFound("member"))?;
    Ok(praxis_domain::payments::Payer {
        customer_reference: payments::customer_reference(conn, user_id, provider.as_str())?,
        user_id: user.id,
        email: user.email,
        name: user.display_name,
    })
}

/// Issues the invoice of `payment` with the next number of the year's gapless sequence (shared
/// by every kind of payment) and the member's billing address as it is now; answers the number.
/// Run in the payment's write transaction, so a rolled-back payment gives its number back.
pub fn issue_invoice(
    conn: &mut praxis_persistence::DbConnection,
    payment: &PaymentRow,
    description: String,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    use chrono::Datelike;
    let address = praxis_persistence::billing_addresses::find(conn, &payment.user_id)?
        .map(|row| address::snapshot(&row));
    let number = payments::next_invoice_number(conn, now.year())?;
    praxis_persistence::invoices::insert(
        conn,
        &praxis_persistence::invoices::InvoiceRow {
            id: uuid::Uuid::now_v7().to_string(),
            number: number.clone(),
            user_id: payment.user_id.clone(),
            payment_id: payment.id.clone(),
            issued_at: payment.paid_at,
            description,
            amount_cents: payment.amount_cents,
            credit_applied_cents: payment.credit_applied_cents,
            currency: payment.currency.clone(),
            billing_address_json: address,
        },
    )?;
    Ok(number)
}
