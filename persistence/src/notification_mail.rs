//! Notification mail: each member's delivery choice, and which notifications a mail covered
//! (`notification_mailings`, one row per notification, so none is mailed twice).

use crate::error::Result;
use crate::notifications::NotificationRow;
use crate::schema::{comments, notification_mail_settings as settings, notification_mailings};
use crate::schema::{notifications, posts};
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use praxis_domain::discussion::ContentStatus;
use praxis_domain::notification_mail::MailDelivery;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = settings)]
pub struct MailSettingsRow {
    pub user_id: String,
    #[diesel(deserialize_as = DbEnum<MailDelivery>, serialize_as = DbEnum<MailDelivery>)]
    pub delivery: MailDelivery,
    pub mail_enabled: bool,
    /// Only notifications created from here on are mailed.
    pub mail_since: NaiveDateTime,
    pub next_digest_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, user_id: &str) -> Result<Option<MailSettingsRow>> {
    Ok(settings::table
        .find(user_id)
        .select(MailSettingsRow::as_select())
        .first(conn)
        .optional()?)
}

/// Writes a member's settings, replacing any earlier ones.
pub fn save(conn: &mut DbConnection, row: MailSettingsRow) -> Result<()> {
    let updated = diesel::update(settings::table.find(row.user_id.clone()))
        .set(row.clone())
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Turns notification mail off for a member (the one-click opt-out); their delivery choice stays.
pub fn disable(conn: &mut DbConnection, user_id: &str, at: NaiveDateTime) -> Result<()> {
    diesel::update(settings::table.find(user_id))
        .set((
            settings::mail_enabled.eq(false),
            settings::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Members whose digest is due at `now`, soonest first.
pub fn digests_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<MailSettingsRow>> {
    Ok(settings::table
        .filter(
            settings::delivery
                .eq_any([MailDelivery::Daily.as_str(), MailDelivery::Weekly.as_str()]),
        )
        .filter(settings::next_digest_at.le(now))
        .filter(settings::mail_enabled.eq(true))
        .order((settings::next_digest_at.asc(), settings::user_id.asc()))
        .limit(limit)
        .select(MailSettingsRow::as_select())
        .load(conn)?)
}

/// Moves a member's next digest from `due` to `next`; false if another pass already moved it,
/// so of two passes only one builds the digest.
pub fn advance_digest(
    conn: &mut DbConnection,
    user_id: &str,
    due: NaiveDateTime,
    next: Option<NaiveDateTime>,
) -> Result<bool> {
    let moved = diesel::update(
        settings::table
            .find(user_id)
            .filter(settings::next_digest_at.eq(due)),
    )
    .set(settings::next_digest_at.eq(next))
    .execute(conn)?;
    Ok(moved == 1)
}

/// Unread notifications not mailed yet about published content, created since `since`: of one
/// member (`Some`), or of every member who chose immediate delivery (`None`). Oldest first.
/// Whether the member may read each one is decided by the caller, at the time it mails.
pub fn unmailed(
    conn: &mut DbConnection,
    user_id: Option<&str>,
    since: NaiveDateTime,
    limit: i64,
) -> Result<Vec<NotificationRow>> {
    let mut query = notifications::table
        .inner_join(settings::table.on(settings::user_id.eq(notifications::user_id)))
        .inner_join(posts::table.on(posts::id.nullable().eq(notifications::post_id)))
        .left_join(comments::table.on(comments::id.nullable().eq(notifications::comment_id)))
        .filter(settings::mail_enabled.eq(true))
        .filter(notifications::created_at.ge(settings::mail_since))
        .filter(notifications::created_at.ge(since))
        .filter(notifications::read_at.is_null())
        .filter(posts::status.eq(ContentStatus::Published.as_str()))
        .filter(
            notifications::comment_id.is_null().or(comments::status
                .nullable()
                .eq(ContentStatus::Published.as_str())),
        )
        .filter(not(exists(notification_mailings::table.filter(
            notification_mailings::notification_id.eq(notifications::id),
        ))))
        .select(NotificationRow::as_select())
        .order((notifications::created_at.asc(), notifications::id.asc()))
        .limit(limit)
        .into_boxed();
    query = match user_id {
        Some(user) => query.filter(notifications::user_id.eq(user.to_owned())),
        None => query.filter(settings::delivery.eq(MailDelivery::Immediate.as_str())),
    };
    Ok(query.load(conn)?)
}

/// Records that `outbox_id` covered these notifications of `user_id` (`None`: withheld, never
/// to be mailed).
pub fn record(
    conn: &mut DbConnection,
    user_id: &str,
    notification_ids: &[String],
    outbox_id: Option<&str>,
    at: NaiveDateTime,
) -> Result<()> {
    for id in notification_ids {
        diesel::insert_into(notification_mailings::table)
            .values((
                notification_mailings::notification_id.eq(id),
                notification_mailings::user_id.eq(user_id),
                notification_mailings::outbox_id.eq(outbox_id),
                notification_mailings::mailed_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether any of these notifications was mailed already.
pub fn any_mailed(conn: &mut DbConnection, notification_ids: &[String]) -> Result<bool> {
    let n: i64 = notification_mailings::table
        .filter(notification_mailings::notification_id.eq_any(notification_ids))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The levels a member chose per space (`space_id → level`); spaces without one are absent.
pub fn levels_of(conn: &mut DbConnection, user_id: &str) -> Result<Vec<(String, String)>> {
    use crate::schema::notification_settings as levels;
    Ok(levels::table
        .filter(levels::user_id.eq(user_id))
        .select((levels::space_id, levels::level))
        .load(conn)?)
}
