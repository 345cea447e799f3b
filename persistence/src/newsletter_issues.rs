//! Newsletter issues and their deliveries: one row per confirmed subscriber of the issue's
//! language, put into the mail outbox a budget at a time, counted through the outbox's own
//! record of what was sent or failed.

use crate::error::Result;
use crate::schema::{
    newsletter_deliveries as deliveries, newsletter_issues as issues,
    newsletter_subscribers as subs, outbox,
};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = issues)]
pub struct IssueRow {
    pub id: String,
    pub subject: String,
    pub body: String,
    pub language: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub recipients: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = deliveries)]
struct DeliveryRow {
    id: String,
    issue_id: String,
    recipient: String,
    created_at: NaiveDateTime,
    queued_at: Option<NaiveDateTime>,
    outbox_id: Option<String>,
}

/// A delivery waiting for the outbox, with what its mail needs.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub id: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub unsubscribe_token: String,
}

/// How an issue's deliveries stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Not sent yet: waiting for the budget, or in the outbox.
    pub queued: i64,
    pub sent: i64,
    /// In the outbox, the last attempt failed (it is retried).
    pub failed: i64,
}

/// Saves the issue with one delivery per confirmed subscriber of its language; sets and
/// returns the number of recipients.
pub fn insert_with_deliveries(conn: &mut DbConnection, issue: &mut IssueRow) -> Result<i32> {
    let recipients: Vec<String> = subs::table
        .filter(subs::language.eq(&issue.language))
        .filter(subs::confirmed_at.is_not_null())
        .order(subs::id.asc())
        .select(subs::email)
        .load(conn)?;
    issue.recipients = i32::try_from(recipients.len()).unwrap_or(i32::MAX);
    diesel::insert_into(issues::table)
        .values(&*issue)
        .execute(conn)?;
    // One statement per recipient: batch inserts are not portable across both engines.
    for recipient in recipients {
        diesel::insert_into(deliveries::table)
            .values(&DeliveryRow {
                id: uuid::Uuid::now_v7().to_string(),
                issue_id: issue.id.clone(),
                recipient,
                created_at: issue.created_at,
                queued_at: None,
                outbox_id: None,
            })
            .execute(conn)?;
    }
    Ok(issue.recipients)
}

/// How many deliveries went into the outbox after `since`.
pub fn queued_since(conn: &mut DbConnection, since: NaiveDateTime) -> Result<i64> {
    Ok(deliveries::table
        .filter(deliveries::queued_at.gt(since))
        .count()
        .get_result(conn)?)
}

/// The oldest `limit` deliveries still waiting for the outbox.
pub fn waiting(conn: &mut DbConnection, limit: i64) -> Result<Vec<Waiting>> {
    let rows: Vec<(String, String, String, String, String)> = deliveries::table
        .inner_join(issues::table)
        .inner_join(subs::table.on(subs::email.eq(deliveries::recipient)))
        .filter(deliveries::queued_at.is_null())
        .order((deliveries::created_at.asc(), deliveries::id.asc()))
        .limit(limit)
        .select((
            deliveries::id,
            deliveries::recipient,
            issues::subject,
            issues::body,
            subs::unsubscribe_token,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, recipient, subject, body, unsubscribe_token)| Waiting {
                id,
                recipient,
                subject,
                body,
                unsubscribe_token,
            },
        )
        .collect())
}

pub fn mark_queued(
    conn: &mut DbConnection,
    id: &str,
    outbox_id: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(deliveries::table.filter(deliveries::id.eq(id)))
        .set((
            deliveries::queued_at.eq(Some(at)),
            deliveries::outbox_id.eq(Some(outbox_id)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Drops the deliveries to `recipient` not yet in the outbox (they left the list).
pub fn forget_waiting(conn: &mut DbConnection, recipient: &str) -> Result<usize> {
    Ok(diesel::delete(
        deliveries::table
            .filter(deliveries::recipient.eq(recipient))
            .filter(deliveries::queued_at.is_null()),
    )
    .execute(conn)?)
}

/// Newest first, strictly after `after` (`(created_at, id)` of the last item seen).
pub fn page(
    conn: &mut DbConnection,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<IssueRow>> {
    let mut query = issues::table
        .select(IssueRow::as_select())
        .order((issues::created_at.desc(), issues::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            issues::created_at
                .lt(at)
                .or(issues::created_at.eq(at).and(issues::id.lt(id))),
        );
    }
    Ok(query.load(conn)?)
}

/// The counts of each issue in `ids`, in three grouped queries whatever the number of issues.
pub fn counts(conn: &mut DbConnection, ids: &[String]) -> Result<HashMap<String, Counts>> {
    let totals: Vec<(String, i64)> = deliveries::table
        .filter(deliveries::issue_id.eq_any(ids))
        .group_by(deliveries::issue_id)
        .select((deliveries::issue_id, diesel::dsl::count_star()))
        .load(conn)?;
    let in_outbox = || {
        deliveries::table
            .inner_join(outbox::table.on(outbox::id.nullable().eq(deliveries::outbox_id)))
            .filter(deliveries::issue_id.eq_any(ids))
            .group_by(deliveries::issue_id)
    };
    let sent: HashMap<String, i64> = in_outbox()
        .filter(outbox::sent_at.is_not_null())
        .select((deliveries::issue_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let failed: HashMap<String, i64> = in_outbox()
        .filter(outbox::sent_at.is_null())
        .filter(outbox::last_error.is_not_null())
        .select((deliveries::issue_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(totals
        .into_iter()
        .map(|(id, total)| {
            let sent = sent.get(&id).copied().unwrap_or(0);
            let failed = failed.get(&id).copied().unwrap_or(0);
            let counts = Counts {
                queued: total - sent - failed,
                sent,
                failed,
            };
            (id, counts)
        })
        .collect())
}
