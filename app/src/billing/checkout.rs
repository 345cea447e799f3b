//! Starting a subscription: checks who may subscribe, takes a seat race-free, and creates the
//! pending subscription whose checkout the provider then opens.

use crate::billing::{seats, webhook, LockedPayment, Subscription};
use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use praxis_domain::ids::UserId;
use praxis_domain::plans::{BillingPeriod, PlanSlug, PriceVersion};
use praxis_domain::subscriptions::{first_payment, may_start, upgrade_credit, SubscriptionStatus};
use praxis_domain::Money;
use praxis_persistence::subscriptions::{self, SubscriptionRow};
use praxis_persistence::waitlist::{self, WaitlistStatus};
use praxis_persistence::{from_db_time, payments, plans, to_db_time, DbConnection};

/// The checkout id of a pending subscription whose provider checkout is not open yet.
pub const UNATTACHED_CHECKOUT: &str = "pending_";

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
    links: &crate::mail_links::MailLinks,
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
            SubscriptionStatus::PastDue => {
                return Err(Error::Conflict {
                    kind: "subscription-past-due",
                    detail: format!(
                        "The renewal payment of your {} subscription failed. Update your card in \
                         the customer hub (it is charged again on the next retry) or cancel the \
                         subscription first.",
                        sub.plan.as_str()
                    ),
                })
            }
            _ => {}
        }
    }
    let upgrading = may_start(active.as_ref().map(|s| s.plan), request.plan)?;

    let mut credit = Money { cents: 0, ..price };
    let mut credit_payment_id = None;
    if let (Some(current), true) = (&active, upgrading) {
        match draw_credit(conn, current, &plan.name, price, now)? {
            Drawn::Credit(amount, payment) => {
                credit = amount;
                credit_payment_id = Some(payment);
            }
            Drawn::NothingPaid => {}
            Drawn::Ended => active = None,
        }
    }

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
    // Nothing due: no provider checkout and no webhook will come; it activates below, at once.
    let checkout_id = if amount_due.cents == 0 {
        format!("credit_{id}")
    } else {
        format!("{UNATTACHED_CHECKOUT}{id}")
    };
    let row = SubscriptionRow {
        checkout_id,
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
        credit_payment_id: credit_payment_id.filter(|_| credit_applied.cents > 0),
        auto_renew: true,
        grace_until: None,
        past_due_since: None,
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
    if amount_due.cents == 0 {
        // The credit covers the whole first period: activate now, with an invoice showing the
        // price, the credit applied and nothing to pay.
        let pending = Subscription::from_row(row, now)?;
        let event = format!("credit_{}", pending.row.id);
        let paid = webhook::PaidWith {
            event_id: &event,
            payment_reference: None,
        };
        webhook::record_paid_period(conn, &pending, &paid, 0, links, now)?;
        return subscriptions::find(conn, &pending.row.id)?.ok_or(Error::NotFound("subscription"));
    }
    Ok(row)
}

enum Drawn {
    /// The credit and the payment it is drawn from.
    Credit(Money, String),
    /// The subscription has no payment to credit.
    NothingPaid,
    /// The subscription ended while this waited for its payment's lock (a refund was approved):
    /// nothing to credit, nothing to upgrade from.
    Ended,
}

/// The upgrade credit from `current`'s latest payment, locked so a concurrent refund approval
/// of that payment either waits and then sees the credit as consumed, or went first and is seen
/// here. Priced in another currency than the new plan, the credit cannot be applied.
fn draw_credit(
    conn: &mut DbConnection,
    current: &Subscription,
    plan_name: &str,
    price: Money,
    now: DateTime<Utc>,
) -> Result<Drawn> {
    let Some(latest) = payments::latest_for_subscription(conn, &current.row.id)? else {
        return Ok(Drawn::NothingPaid);
    };
    let paid = LockedPayment::lock(conn, &latest.id)?;
    let still_active = subscriptions::find(conn, &current.row.id)?
        .map(|row| Subscription::from_row(row, now))
        .transpose()?
        .is_some_and(|s| s.status == SubscriptionStatus::Active);
    if !still_active {
        return Ok(Drawn::Ended);
    }
    if current.currency != price.currency {
        return Err(Error::Conflict {
            kind: "upgrade-currency-mismatch",
            detail: format!(
                "Your {} subscription was paid in {} and the {plan_name} plan is priced in {}, so \
                 its unused days cannot be credited. Cancel it and ask for a refund first.",
                current.plan.as_str(),
                current.currency,
                price.currency
            ),
        });
    }
    let credit = upgrade_credit(
        current.money(paid.row.amount_cents),
        current.money(paid.consumed_cents()),
        from_db_time(paid.row.period_start),
        from_db_time(paid.row.period_end),
        now,
    );
    Ok(Drawn::Credit(credit, paid.row.id))
}
