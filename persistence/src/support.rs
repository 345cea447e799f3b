//! Support requests of PRO members and their private threads with the hosts.

use crate::error::Result;
use crate::keyset::{self, StatusQueue};
use crate::schema::{support_messages, support_requests, users};
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::support::{SupportStatus, Urgency};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = support_requests)]
pub struct SupportRequestRow {
    pub id: String,
    pub user_id: String,
    pub topic: String,
    pub body: String,
    #[diesel(deserialize_as = DbEnum<Urgency>, serialize_as = DbEnum<Urgency>)]
    pub urgency: Urgency,
    #[diesel(deserialize_as = DbEnum<SupportStatus>, serialize_as = DbEnum<SupportStatus>)]
    pub status: SupportStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub first_response_at: Option<NaiveDateTime>,
    pub first_response_seconds: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = support_messages)]
pub struct SupportMessageRow {
    pub id: String,
    pub request_id: String,
    pub author_id: String,
    pub from_host: bool,
    pub body: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_request(conn: &mut DbConnection, row: &SupportRequestRow) -> Result<()> {
    diesel::insert_into(support_requests::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_request(conn: &mut DbConnection, id: &str) -> Result<Option<SupportRequestRow>> {
    Ok(support_requests::table
        .find(id)
        .select(SupportRequestRow::as_select())
        .first(conn)
        .optional()?)
}

/// When the member opened each request since `since`, earliest first (the daily allowance).
pub fn opened_since(
    conn: &mut DbConnection,
    user_id: &str,
    since: NaiveDateTime,
) -> Result<Vec<NaiveDateTime>> {
    Ok(support_requests::table
        .filter(support_requests::user_id.eq(user_id))
        .filter(support_requests::created_at.ge(since))
        .order(support_requests::created_at.asc())
        .select(support_requests::created_at)
        .load(conn)?)
}

/// A page of requests, of one member and one status when given, newest first, after the
/// keyset cursor `(created_at, id)` (indexes `support_requests_user_idx`, `_status_idx`).
pub fn requests_page(
    conn: &mut DbConnection,
    user_id: Option<&str>,
    status: Option<SupportStatus>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<SupportRequestRow>> {
    let mut query = support_requests::table
        .select(SupportRequestRow::as_select())
        .into_boxed();
    if let Some(user_id) = user_id {
        query = query.filter(support_requests::user_id.eq(user_id.to_owned()));
    }
    let columns = StatusQueue {
        status: support_requests::status,
        key: support_requests::created_at,
        id: support_requests::id,
    };
    keyset::status_page(
        conn,
        query,
        columns,
        status.map(|s| s.as_str()),
        after,
        limit,
    )
}

/// Moves a request from `from` to `to`; `false` when it was no longer in `from` (a concurrent
/// change won).
pub fn set_status(
    conn: &mut DbConnection,
    id: &str,
    from: SupportStatus,
    to: SupportStatus,
    at: NaiveDateTime,
) -> Result<bool> {
    let changed = diesel::update(
        support_requests::table
            .find(id)
            .filter(support_requests::status.eq(DbEnum(from))),
    )
    .set((
        support_requests::status.eq(DbEnum(to)),
        support_requests::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Records the hosts' first response, once.
pub fn record_first_response(
    conn: &mut DbConnection,
    id: &str,
    at: NaiveDateTime,
    seconds: i64,
) -> Result<()> {
    diesel::update(
        support_requests::table
            .find(id)
            .filter(support_requests::first_response_at.is_null()),
    )
    .set((
        support_requests::first_response_at.eq(Some(at)),
        support_requests::first_response_seconds.eq(Some(seconds)),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn insert_message(conn: &mut DbConnection, row: &SupportMessageRow) -> Result<()> {
    diesel::insert_into(support_messages::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// A request's thread, oldest first, with each author's name (index
/// `support_messages_request_idx`).
pub fn thread(
    conn: &mut DbConnection,
    request_id: &str,
) -> Result<Vec<(SupportMessageRow, String)>> {
    Ok(support_messages::table
        .inner_join(users::table.on(users::id.eq(support_messages::author_id)))
        .filter(support_messages::request_id.eq(request_id))
        .order((
            support_messages::created_at.asc(),
            support_messages::id.asc(),
        ))
        .select((SupportMessageRow::as_select(), users::display_name))
        .load(conn)?)
}

/// The first-response times (seconds) of requests opened since `since`.
pub fn first_responses_since(conn: &mut DbConnection, since: NaiveDateTime) -> Result<Vec<i64>> {
    let found: Vec<Option<i64>> = support_requests::table
        .filter(support_requests::created_at.ge(since))
        .filter(support_requests::first_response_seconds.is_not_null())
        .select(support_requests::first_response_seconds)
        .load(conn)?;
    Ok(found.into_iter().flatten().collect())
}

/// How many requests are in each status (statuses with none are absent).
pub fn status_counts(conn: &mut DbConnection) -> Result<Vec<(String, i64)>> {
    Ok(support_requests::table
        .group_by(support_requests::status)
        .select((support_requests::status, diesel::dsl::count_star()))
        .load(conn)?)
}

/// The addresses of every host and admin, to tell them of a new request.
pub fn host_emails(conn: &mut DbConnection) -> Result<Vec<String>> {
    use crate::schema::user_roles;
    Ok(users::table
        .inner_join(user_roles::table.on(user_roles::user_id.eq(users::id)))
        .filter(user_roles::role.eq_any(["host", "admin"]))
        .select(users::email)
        .distinct()
        .load(conn)?)
}
