//! Membership and billing flows: each combines the rules in `praxis-domain` with the
//! repositories in `praxis-persistence` inside one transaction. Handlers call these; these never
//! see HTTP.

pub mod address;
pub mod checkout;
pub mod lifecycle;
pub mod messages;
pub mod refunds;
pub mod seats;
pub mod webhook;

use crate::error::Error;
use chrono::{DateTime, Utc};
use praxis_domain::plans::{BillingPeriod, PlanSlug, PriceVersion};
use praxis_domain::subscriptions::SubscriptionStatus;
use praxis_domain::{Currency, Money};
use praxis_persistence::from_db_time;
use praxis_persistence::subscriptions::SubscriptionRow;

fn corrupt(what: &str) -> Error {
    Error::internal(format!("stored subscription has an invalid {what}"))
}

/// A subscription row read back into domain values.
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
        let stored = SubscriptionStatus::parse(&row.status).map_err(|_| corrupt("status"))?;
        Ok(Self {
            plan: PlanSlug::parse(&row.plan_slug).map_err(|_| corrupt("plan"))?,
            period: BillingPeriod::parse("", &row.billing_period).map_err(|_| corrupt("period"))?,
            version: PriceVersion::parse("", &row.price_version).map_err(|_| corrupt("version"))?,
            currency: Currency::parse("", &row.currency).map_err(|_| corrupt("currency"))?,
            status: praxis_domain::subscriptions::effective_status(
                stored,
                row.current_period_end.map(from_db_time),
                now,
            ),
            row,
        })
    }

    pub fn money(&self, cents: i64) -> Money {
        Money {
            cents,
            currency: self.currency,
        }
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

/// A page of a member's subscriptions, newest first (`limit` rows after the keyset `after`).
pub fn subscriptions_of(
    conn: &mut praxis_persistence::DbConnection,
    user_id: &str,
    after: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<SubscriptionRow>, Error> {
    Ok(praxis_persistence::subscriptions::page_for_user(
        conn, user_id, after, limit,
    )?)
}
