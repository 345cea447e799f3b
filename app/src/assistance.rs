//! Price assistance: a member asks for a price within their means; a host grants a reduced
//! price (an audited price override the checkout then charges) or declines.

use crate::error::{Error, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::assistance::{
    check_reduced_price, ensure_pending, AssistanceDecision, AssistanceRequest, AssistanceStatus,
};
use praxis_domain::ids::{AssistanceRequestId, PriceOverrideId, UserId};
use praxis_domain::plans::{BillingPeriod, PlanSlug};
use praxis_domain::Money;
use praxis_persistence::assistance::{self, AssistanceRow, Decision, PriceOverrideRow};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{audit, from_db_time, plans, to_db_time, users, DbConnection};
use serde::Serialize;

/// Records a member's request. One request per plan and period waits at a time
/// (`assistance-request-open`). Run in a write transaction.
pub fn ask(
    conn: &mut DbConnection,
    member: &UserId,
    request: AssistanceRequest,
    now: DateTime<Utc>,
) -> Result<AssistanceRow> {
    request.check_against(&plans::find(conn, request.plan)?)?;
    let (plan, period) = (request.plan, request.billing_period);
    if assistance::has_pending(conn, member.as_str(), plan, period)? {
        return Err(Error::conflict(
            "assistance-request-open",
            "You already asked about this plan and period; the hosts will answer.",
        ));
    }
    let row = AssistanceRow {
        id: AssistanceRequestId::new().into_inner(),
        user_id: member.as_str().to_owned(),
        plan_slug: plan.as_str().to_owned(),
        billing_period: period.as_str().to_owned(),
        message: request.message,
        proposed_cents: request.proposed_amount.cents,
        currency: request.proposed_amount.currency.to_string(),
        status: AssistanceStatus::Pending.as_str().to_owned(),
        granted_cents: None,
        note: None,
        requested_at: to_db_time(now),
        decided_at: None,
        decided_by: None,
    };
    assistance::insert(conn, &row)?;
    Ok(row)
}

/// A page of the member's requests, newest first, after the keyset cursor.
pub fn mine(
    conn: &mut DbConnection,
    member: &UserId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<AssistanceRow>> {
    Ok(assistance::page_for_user(
        conn,
        member.as_str(),
        after,
        limit,
    )?)
}

/// A page of requests for hosts, optionally of one status, newest first.
pub fn list(
    conn: &mut DbConnection,
    status: Option<AssistanceStatus>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<AssistanceRow>> {
    Ok(assistance::page(conn, status, after, limit)?)
}

/// A host grants or declines a pending request. Granting writes a price override replacing the
/// member's earlier ones; the member is mailed and the decision audited. Run in a write
/// transaction.
pub fn decide(
    conn: &mut DbConnection,
    host: &UserId,
    id: &AssistanceRequestId,
    decision: &AssistanceDecision,
    now: DateTime<Utc>,
) -> Result<AssistanceRow> {
    let before = assistance::find(conn, id.as_str())?.ok_or(Error::NotFound("request"))?;
    ensure_pending(stored_status(&before)?)?;
    let (plan, period) = stored_plan(&before)?;
    let (granted, note) = match decision {
        AssistanceDecision::Grant { amount, note } => {
            check_reduced_price("amount", period, *amount, &plans::find(conn, plan)?)?;
            (Some(*amount), note.clone())
        }
        AssistanceDecision::Decline { note } => (None, note.clone()),
    };
    let changed = assistance::decide(
        conn,
        id,
        &Decision {
            status: decision.status(),
            granted_cents: granted.map(|m| m.cents),
            note: note.as_deref(),
            at: to_db_time(now),
            by: host,
        },
    )?;
    if !changed {
        return Err(Error::conflict(
            "assistance-request-decided",
            "This request was decided a moment ago.",
        ));
    }
    let after = assistance::find(conn, id.as_str())?.ok_or(Error::NotFound("request"))?;
    let mut audit_after = serde_json::to_value(AuditView::from(&after)).map_err(Error::internal)?;
    if let Some(amount) = granted {
        let override_row = override_for(&after, amount, host, now);
        let revoked = assistance::grant_override(conn, &override_row)?;
        audit_after["price_override_id"] = override_row.id.into();
        audit_after["revoked_override_ids"] = revoked.into();
    }
    let member = users::find_by_id(conn, &after.user_id)?.ok_or(Error::NotFound("member"))?;
    outbox::enqueue(conn, decision_mail(&member.email, &after), to_db_time(now))?;
    audit::record(
        conn,
        &crate::audit::entry(
            Some(host),
            &format!("price_assistance.{}", after.status),
            "price_assistance_request",
            &after.id,
            Some(&AuditView::from(&before)),
            Some(&audit_after),
            now,
        ),
    )?;
    Ok(after)
}

fn stored_status(row: &AssistanceRow) -> Result<AssistanceStatus> {
    AssistanceStatus::parse("status", &row.status)
        .map_err(|_| Error::internal(format!("request {} has a bad status", row.id)))
}

fn stored_plan(row: &AssistanceRow) -> Result<(PlanSlug, BillingPeriod)> {
    let plan = PlanSlug::parse(&row.plan_slug);
    let period = BillingPeriod::parse("billing_period", &row.billing_period);
    match (plan, period) {
        (Ok(plan), Ok(period)) => Ok((plan, period)),
        _ => Err(Error::internal(format!(
            "assistance request {} has a bad plan or period",
            row.id
        ))),
    }
}

fn override_for(
    request: &AssistanceRow,
    amount: Money,
    host: &UserId,
    now: DateTime<Utc>,
) -> PriceOverrideRow {
    PriceOverrideRow {
        id: PriceOverrideId::new().into_inner(),
        user_id: request.user_id.clone(),
        plan_slug: request.plan_slug.clone(),
        billing_period: request.billing_period.clone(),
        amount_cents: amount.cents,
        currency: amount.currency.to_string(),
        granted_by: host.as_str().to_owned(),
        request_id: Some(request.id.clone()),
        created_at: to_db_time(now),
        revoked_at: None,
    }
}

/// An amount as the API shows it.
#[derive(Serialize)]
struct MoneyView<'a> {
    amount: i64,
    currency: &'a str,
}

/// A request as the audit log keeps it (the shape the API shows).
#[derive(Serialize)]
struct AuditView<'a> {
    id: &'a str,
    user_id: &'a str,
    plan: &'a str,
    billing_period: &'a str,
    message: &'a str,
    proposed_amount: MoneyView<'a>,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    granted_amount: Option<MoneyView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    requested_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decided_at: Option<DateTime<Utc>>,
}

impl<'a> From<&'a AssistanceRow> for AuditView<'a> {
    fn from(row: &'a AssistanceRow) -> Self {
        let money = |amount: i64| MoneyView {
            amount,
            currency: &row.currency,
        };
        Self {
            id: &row.id,
            user_id: &row.user_id,
            plan: &row.plan_slug,
            billing_period: &row.billing_period,
            message: &row.message,
            proposed_amount: money(row.proposed_cents),
            status: &row.status,
            granted_amount: row.granted_cents.map(money),
            note: row.note.as_deref(),
            requested_at: from_db_time(row.requested_at),
            decided_at: row.decided_at.map(from_db_time),
        }
    }
}

/// The granted price as people read it, in the request's currency (the plan's, checked when it
/// was asked; a stored code that no longer parses is written as it is).
fn granted_price(cents: i64, currency: &str) -> String {
    match praxis_domain::Currency::parse("currency", currency) {
        Ok(currency) => praxis_domain::Money { cents, currency }.to_string(),
        Err(_) => format!("{cents} (minor units) {currency}"),
    }
}

fn decision_mail(recipient: &str, request: &AssistanceRow) -> Mail {
    // The request's currency is the plan's, checked when it was asked.
    let (subject, outcome) = match request.granted_cents {
        Some(cents) => (
            "Your price assistance is granted",
            format!(
                "The hosts granted you a price of {} per {} period for the {} plan. \
                 It applies when you subscribe.",
                granted_price(cents, &request.currency),
                request.billing_period,
                request.plan_slug
            ),
        ),
        None => (
            "About your price assistance request",
            format!(
                "The hosts could not grant a reduced price for the {} plan this time.",
                request.plan_slug
            ),
        ),
    };
    let note = request
        .note
        .as_deref()
        .map(|n| format!("\n\nA note from the hosts:\n{n}"))
        .unwrap_or_default();
    Mail {
        kind: "assistance_decision",
        recipient: recipient.to_owned(),
        subject: subject.to_owned(),
        body: format!("{outcome}{note}\n"),
    }
}
