//! Ending subscriptions: a member's cancellation, and the periodic sweep that expires lapsed
//! periods, abandoned checkouts and unanswered waitlist offers, then offers freed seats.

use crate::billing::{mail_member, messages, seats};
use crate::error::{Error, Result};
use crate::mail_links::MailLinks;
use chrono::{DateTime, Duration, Utc};
use praxis_domain::ids::{SubscriptionId, UserId};
use praxis_domain::plans::PlanSlug;
use praxis_domain::subscriptions::SubscriptionStatus;
use praxis_domain::webhooks::WebhookEvent;
use praxis_persistence::subscriptions::{self, SubscriptionRow};
use praxis_persistence::waitlist::{self, WaitlistStatus};
use praxis_persistence::{to_db_time, DbConnection};

/// Cancels the member's subscription at once: access ends with this transaction. Cancelling a
/// PRO subscription closes both lounges, since access is derived from the one subscription.
/// Run in a write transaction.
pub fn cancel(
    conn: &mut DbConnection,
    user: &UserId,
    id: &SubscriptionId,
    actor: &UserId,
    now: DateTime<Utc>,
    offer_hold: Duration,
    links: &MailLinks,
) -> Result<SubscriptionRow> {
    let at = to_db_time(now);
    let plan = crate::billing::owned(conn, user, id, now)?.plan;
    subscriptions::lock_plan(conn, plan)?;
    let sub = crate::billing::owned(conn, user, id, now)?;
    if !sub.status.is_live() {
        return Err(Error::Conflict {
            kind: "subscription-not-live",
            detail: format!("This subscription is already {}.", sub.status.as_str()),
        });
    }
    subscriptions::end(
        conn,
        &sub.row.id,
        SubscriptionStatus::Cancelled,
        "cancelled_by_member",
        at,
    )?;
    mail_member(conn, user.as_str(), "cancellation", at, |name| {
        messages::cancellation(name, sub.plan.as_str())
    })?;
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry(
            Some(actor),
            "subscription.cancelled",
            "subscription",
            &sub.row.id,
            Some(&serde_json::json!({"status": sub.row.status})),
            Some(&serde_json::json!({"status": SubscriptionStatus::Cancelled})),
            now,
        ),
    )?;
    crate::webhooks::emit(
        conn,
        WebhookEvent::SubscriptionCancelled,
        crate::webhooks::subscription_data(&sub.row),
        now,
    )?;
    seats::offer_free_seats(conn, sub.plan, now, offer_hold, links)?;
    subscriptions::find(conn, id.as_str())?.ok_or(Error::NotFound("subscription"))
}

/// What one sweep changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    pub expired: usize,
    pub abandoned: usize,
    pub offers_lapsed: usize,
    pub offers_made: usize,
}

/// Writes down what time has already decided. Run in a write transaction.
pub fn sweep(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    offer_hold: Duration,
    links: &MailLinks,
) -> Result<Sweep> {
    let at = to_db_time(now);
    let mut result = Sweep::default();
    for plan in [PlanSlug::Practitioner, PlanSlug::Pro] {
        subscriptions::lock_plan(conn, plan)?;
    }
    for row in subscriptions::lapsed(conn, at, 500)? {
        // A failed renewal ends when its grace period does; the seat frees below.
        let reason = if row.past_due_since.is_some() {
            "renewal_failed"
        } else {
            "period_ended"
        };
        if subscriptions::end(conn, &row.id, SubscriptionStatus::Expired, reason, at)? {
            result.expired += 1;
            if row.past_due_since.is_some() {
                let (plan, page) = (row.plan_slug.as_str(), links.plan(row.plan_slug));
                mail_member(conn, &row.user_id, "renewal_ended", at, |name| {
                    messages::renewal_ended(name, plan, &page)
                })?;
            }
            praxis_persistence::audit::record(
                conn,
                &crate::audit::entry(
                    None,
                    "subscription.expired",
                    "subscription",
                    &row.id,
                    Some(&serde_json::json!({"status": SubscriptionStatus::Active})),
                    Some(
                        &serde_json::json!({"status": SubscriptionStatus::Expired, "reason": reason}),
                    ),
                    now,
                ),
            )?;
            crate::webhooks::emit(
                conn,
                WebhookEvent::SubscriptionExpired,
                crate::webhooks::subscription_data(&row),
                now,
            )?;
        }
    }
    for row in subscriptions::abandoned(conn, at, 500)? {
        if subscriptions::end(
            conn,
            &row.id,
            SubscriptionStatus::Expired,
            "checkout_abandoned",
            at,
        )? {
            result.abandoned += 1;
        }
    }
    for offer in waitlist::lapsed_offers(conn, at)? {
        waitlist::set_status(conn, &offer.id, WaitlistStatus::Expired, None, at)?;
        result.offers_lapsed += 1;
    }
    for plan in [PlanSlug::Practitioner, PlanSlug::Pro] {
        result.offers_made += seats::offer_free_seats(conn, plan, now, offer_hold, links)?;
    }
    Ok(result)
}
