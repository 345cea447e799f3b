//! Starting a subscription: checks who may subscribe, takes a seat race-free, and creates the
//! pending subscription whose checkout the provider then opens.

use crate::billing::{seats, Subscription};
use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use praxis_domain::ids::UserId;
use praxis_domain::plans::{BillingPeriod, PlanSlug, PriceVersion};
use praxis_domain::subscriptions::{first_payment, may_start, upgrade_credit, SubscriptionStatus};
use praxis_domain::Money;
use praxis_persistence::subscriptions::{self, SubscriptionRow};
use praxis_persistence::waitlist::{self, WaitlistStatus};
use praxis_persistence::{from_db_time, payments, plans, to_db_time, DbConnection};

pub struct StartSubscription {
    pub user_id: UserId,
    pub plan: PlanSlug,
    pub period: BillingPeriod,
    pub version: PriceVersion,
}

/// Creates a `pending_payment` subscription holding a seat for `hold`. Run in a write
/// transaction. The checkout id is a placeholder until [`attach_checkout`].
pub fn start(
    conn: &mut DbConnection,
    request: &StartSubscription,
    now: DateTime<Utc>,
    hold: Duration,
) -> Result<SubscriptionRow> {
    let at = to_db_time(now);
    let user = request.user_id.clone();
    subscriptions::lock_user(conn, &user)?;
    subscriptions::lock_plan(conn, request.plan)?;
    let plan = plans::find(conn, request.plan)?;
    if plan.requires_application
        && !praxis_persistence::applications::has_approved_application(
            conn,
            request.user_id.as_str(),
        )?
    {
        return Err(Error::forbidden(
            "application-required",
            "The PRO Lounge is by application: subscribe once your PRO application is approved.",
        ));
    }
    let listed = plan
        .price(request.period, request.version)
        .ok_or_else(|| {
            Error::invalid(vec![praxis_domain::FieldError::new(
                "billing_period",
                "this plan has no price for that period and version",
            )])
        })?
        .amount;
    // A host-granted assistance price replaces the Regular price; choosing Supporter is
    // choosing to pay more, so it keeps its listed price.
    let assistance = match request.version {
        PriceVersion::Regular => praxis_persistence::assistance::active_override(
            conn,
            request.user_id.as_str(),
            request.plan,
            request.period,
        )?,
        PriceVersion::Supporter => None,
    };
    let price = match &assistance {
        Some(granted) => Money {
            cents: granted.amount_cents,
            ..listed
        },
        None => listed,
    };

    // The member's live subscriptions: an abandoned checkout is let go; a live one blocks.
    let mut active = None;
    for row in subscriptions::live_for_user(conn, request.user_id.as_str())? {
        let sub = Subscription::from_row(row, now)?;
        match sub.status {
            SubscriptionStatus::PendingPayment if sub.row.hold_expires_at <= at => {
                subscriptions::end(
                    conn,
                    &sub.row.id,
                    SubscriptionStatus::Expired,
                    "checkout_abandoned",
                    at,
                )?;
            }
            SubscriptionStatus::PendingPayment => {
                return Err(Error::Conflict {
                    kind: "checkout-pending",
                    detail: format!(
                        "You have a checkout waiting for payment ({}); pay it or cancel it first.",
                        sub.row.id
                    ),
                })
            }
            SubscriptionStatus::Active => active = Some(sub),
            _ => {}
        }
    }
    let upgrading = may_start(active.as_ref().map(|s| s.plan), request.plan)?;

    let credit = match (&active, upgrading) {
        (Some(current), true) => match payments::latest_for_subscription(conn, &current.row.id)? {
            Some(paid) => upgrade_credit(
                current.money(paid.amount_cents),
                from_db_time(paid.period_start),
                from_db_time(paid.period_end),
                now,
            ),
            None => Money { cents: 0, ..price },
        },
        _ => Money { cents: 0, ..price },
    };

    let free = seats::free_seats(conn, request.plan, Some(&user), now)?;
    if free == Some(0) {
        return Err(Error::Conflict {
            kind: "plan-full",
            detail: format!(
                "All places in the {} plan are taken. Join the waitlist with POST \
                 /api/v1/plans/{}/waitlist and you will be offered the next free place.",
                plan.name,
                request.plan.as_str()
            ),
        });
    }
    if let Some(offer) = waitlist::open_entry(conn, &user, request.plan)? {
        waitlist::set_status(conn, &offer.id, WaitlistStatus::Accepted, None, at)?;
    }

    let (amount_due, credit_applied) = first_payment(price, credit);
    let id = uuid::Uuid::now_v7().to_string();
    let row = SubscriptionRow {
        checkout_id: format!("pending_{id}"),
        checkout_url: String::new(),
        id,
        user_id: request.user_id.as_str().to_owned(),
        plan_slug: request.plan,
        billing_period: request.period,
        price_version: request.version,
        status: SubscriptionStatus::PendingPayment,
        currency: price.currency.to_string(),
        period_price_cents: price.cents,
        credit_cents: credit_applied.cents,
        amount_due_cents: amount_due.cents,
        hold_expires_at: to_db_time(now + hold),
        replaces_subscription_id: active.filter(|_| upgrading).map(|s| s.row.id),
        price_override_id: assistance.map(|a| a.id),
        current_period_start: None,
        current_period_end: None,
        created_at: at,
        updated_at: at,
        ended_at: None,
        end_reason: None,
    };
    subscriptions::insert(conn, &row)?;
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(&request.user_id),
            "subscription.created",
            "subscription",
            &row.id,
            None,
            Some(&serde_json::json!({
                "plan": row.plan_slug, "billing_period": row.billing_period,
                "price_version": row.price_version, "amount_due": row.amount_due_cents,
                "credit": row.credit_cents, "status": row.status,
            })),
            now,
        ),
    )?;
    Ok(row)
}
