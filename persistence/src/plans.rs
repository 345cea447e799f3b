//! The plan catalogue: plans and their prices.

use crate::error::{Error, Result};
use crate::schema::{plan_prices, plans};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::plans::{BillingPeriod, Plan, PlanSlug, Price, PriceVersion};
use praxis_domain::{Currency, Money};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plans)]
pub struct PlanRow {
    pub slug: String,
    pub name: String,
    pub requires_application: bool,
    pub seat_limit: Option<i32>,
    pub currency: String,
    pub e_course_deduction_cents: i64,
    pub position: i32,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = plan_prices)]
pub struct PlanPriceRow {
    pub plan_slug: String,
    pub billing_period: String,
    pub price_version: String,
    pub amount_cents: i64,
}

fn corrupt(what: &str) -> Error {
    Error::Corrupt(format!("plan catalogue: {what}"))
}

fn to_domain(row: PlanRow, prices: &[PlanPriceRow]) -> Result<Plan> {
    let slug = PlanSlug::parse(&row.slug).map_err(|_| corrupt("unknown plan slug"))?;
    let currency = Currency::parse("currency", &row.currency).map_err(|_| corrupt("currency"))?;
    let prices = prices
        .iter()
        .filter(|p| p.plan_slug == row.slug)
        .map(|p| {
            Ok(Price {
                billing_period: BillingPeriod::parse("billing_period", &p.billing_period)
                    .map_err(|_| corrupt("billing period"))?,
                price_version: PriceVersion::parse("price_version", &p.price_version)
                    .map_err(|_| corrupt("price version"))?,
                amount: Money {
                    cents: p.amount_cents,
                    currency,
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Plan {
        slug,
        name: row.name,
        requires_application: row.requires_application,
        seat_limit: row
            .seat_limit
            .map(|l| u32::try_from(l).map_err(|_| corrupt("negative seat limit")))
            .transpose()?,
        currency,
        e_course_deduction: Money {
            cents: row.e_course_deduction_cents,
            currency,
        },
        prices,
    })
}

/// Every plan in catalogue order, with its prices: two queries whatever the number of plans.
pub fn all(conn: &mut DbConnection) -> Result<Vec<Plan>> {
    let rows: Vec<PlanRow> = plans::table
        .select(PlanRow::as_select())
        .order(plans::position.asc())
        .load(conn)?;
    let prices: Vec<PlanPriceRow> = plan_prices::table
        .select(PlanPriceRow::as_select())
        .order((
            plan_prices::billing_period.asc(),
            plan_prices::price_version.asc(),
        ))
        .load(conn)?;
    rows.into_iter().map(|r| to_domain(r, &prices)).collect()
}

pub fn find(conn: &mut DbConnection, slug: PlanSlug) -> Result<Plan> {
    let row: PlanRow = plans::table
        .find(slug.as_str())
        .select(PlanRow::as_select())
        .first(conn)?;
    let prices: Vec<PlanPriceRow> = plan_prices::table
        .filter(plan_prices::plan_slug.eq(slug.as_str()))
        .select(PlanPriceRow::as_select())
        .load(conn)?;
    to_domain(row, &prices)
}

/// Writes a plan as the domain changed it. Call inside a write transaction.
pub fn save(conn: &mut DbConnection, plan: &Plan, at: NaiveDateTime) -> Result<()> {
    let slug = plan.slug.as_str();
    let seat_limit = plan
        .seat_limit
        .map(|l| i32::try_from(l).map_err(|_| Error::Other("seat limit too large".into())))
        .transpose()?;
    diesel::update(plans::table.find(slug))
        .set((
            plans::seat_limit.eq(seat_limit),
            plans::e_course_deduction_cents.eq(plan.e_course_deduction.cents),
            plans::updated_at.eq(at),
        ))
        .execute(conn)?;
    diesel::delete(plan_prices::table.filter(plan_prices::plan_slug.eq(slug))).execute(conn)?;
    let rows: Vec<PlanPriceRow> = plan
        .prices
        .iter()
        .map(|p| PlanPriceRow {
            plan_slug: slug.to_owned(),
            billing_period: p.billing_period.as_str().to_owned(),
            price_version: p.price_version.as_str().to_owned(),
            amount_cents: p.amount.cents,
        })
        .collect();
    for row in &rows {
        diesel::insert_into(plan_prices::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// When the catalogue last changed: part of the catalogue's ETag.
pub fn last_changed(conn: &mut DbConnection) -> Result<Option<NaiveDateTime>> {
    Ok(plans::table
        .select(diesel::dsl::max(plans::updated_at))
        .first(conn)?)
}
