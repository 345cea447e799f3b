//! The plan catalogue: as anyone reads it (each plan with the seats taken now), and as an admin
//! changes it.

use crate::error::Result;
use chrono::{DateTime, Utc};
use praxis_domain::ids::UserId;
use praxis_domain::plans::{seats_left, Plan, PlanChanges, PlanSlug};
use praxis_domain::Money;
use praxis_persistence::{plans, subscriptions, to_db_time, DbConnection};
use serde::Serialize;

/// Every plan with how many of its limited seats are taken at `now` (0 when unlimited).
pub fn catalogue(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Vec<(Plan, u32)>> {
    let at = to_db_time(now);
    let mut catalogue = Vec::new();
    for plan in plans::all(conn)? {
        let taken = match plan.seat_limit {
            Some(_) => subscriptions::seats_taken(conn, plan.slug, at, None)?,
            None => 0,
        };
        catalogue.push((plan, u32::try_from(taken).unwrap_or(u32::MAX)));
    }
    Ok(catalogue)
}

/// An admin changes a plan's seat limit, prices or e-course deduction; audited. Run in a write
/// transaction.
pub fn update(
    conn: &mut DbConnection,
    admin: &UserId,
    slug: PlanSlug,
    changes: PlanChanges,
    now: DateTime<Utc>,
) -> Result<Plan> {
    let before = plans::find(conn, slug)?;
    let after = changes.apply_to(&before)?;
    plans::save(conn, &after, to_db_time(now))?;
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry(
            Some(admin),
            "plan.updated",
            "plan",
            slug.as_str(),
            Some(&AuditView::from(&before)),
            Some(&AuditView::from(&after)),
            now,
        ),
    )?;
    Ok(after)
}

/// An amount as the API shows it.
#[derive(Serialize)]
struct MoneyView {
    amount: i64,
    currency: String,
}

impl From<Money> for MoneyView {
    fn from(money: Money) -> Self {
        Self {
            amount: money.cents,
            currency: money.currency.to_string(),
        }
    }
}

#[derive(Serialize)]
struct PriceView {
    billing_period: &'static str,
    price_version: &'static str,
    amount: MoneyView,
}

/// A plan as the audit log keeps it (the shape the API shows, seats as if none were taken).
#[derive(Serialize)]
struct AuditView<'a> {
    slug: &'static str,
    name: &'a str,
    requires_application: bool,
    seat_limit: Option<u32>,
    seats_left: Option<u32>,
    e_course_deduction: MoneyView,
    prices: Vec<PriceView>,
}

impl<'a> From<&'a Plan> for AuditView<'a> {
    fn from(plan: &'a Plan) -> Self {
        Self {
            slug: plan.slug.as_str(),
            name: &plan.name,
            requires_application: plan.requires_application,
            seat_limit: plan.seat_limit,
            seats_left: seats_left(plan.seat_limit, 0),
            e_course_deduction: plan.e_course_deduction.into(),
            prices: plan
                .prices
                .iter()
                .map(|p| PriceView {
                    billing_period: p.billing_period.as_str(),
                    price_version: p.price_version.as_str(),
                    amount: p.amount.into(),
                })
                .collect(),
        }
    }
}
