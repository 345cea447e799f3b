//! Calendar feeds and reminder settings: a member's personal feed (what they may attend when it
//! is fetched, found by a secret token), the public Lobby feed, and the e-mail reminders.

use crate::access::{all_spaces, load_viewer};
use crate::error::{Error, Result};
use crate::events::{occurrences_between, Occurrence};
use chrono::{DateTime, Duration, Utc};
use praxis_domain::ids::UserId;
use praxis_persistence::events as repo;
use praxis_persistence::{to_db_time, DbConnection};

/// Feeds cover a month back and a year ahead: what calendar apps show.
const FEED_PAST_DAYS: i64 = 30;
const FEED_AHEAD_DAYS: i64 = 335;
const LOBBY_SLUG: &str = "lobby";

fn window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        now - Duration::days(FEED_PAST_DAYS),
        now + Duration::days(FEED_AHEAD_DAYS),
    )
}

/// The events of the member whose feed `token` names, exactly those they may attend now;
/// 404 for an unknown or revoked token.
pub fn member_feed(
    conn: &mut DbConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Occurrence>> {
    let user_id = repo::user_by_feed_token(conn, token)?.ok_or(Error::NotFound("calendar"))?;
    let ctx = load_viewer(conn, Some(&user_id), now)?;
    let readable = ctx.readable_space_ids(&all_spaces(conn)?);
    let (from, to) = window(now);
    occurrences_between(conn, &readable, None, from, to)
}

/// The events of the Lobby, as a visitor may see them.
pub fn lobby_feed(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Vec<Occurrence>> {
    let visitor = load_viewer(conn, None, now)?;
    let lobby: Vec<String> = all_spaces(conn)?
        .into_iter()
        .filter(|s| s.row.slug == LOBBY_SLUG && visitor.access(s).is_granted())
        .map(|s| s.row.id)
        .collect();
    let (from, to) = window(now);
    occurrences_between(conn, &lobby, None, from, to)
}

/// Replaces the member's feed token with `token`, revoking the old feed URL.
pub fn rotate_feed_token(
    conn: &mut DbConnection,
    user: &UserId,
    token: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    match repo::set_feed_token(conn, user.as_str(), token, to_db_time(now)) {
        Err(praxis_persistence::Error::NotFound) => Err(Error::unauthenticated(
            "invalid-token",
            "The account no longer exists.",
        )),
        other => Ok(other?),
    }
}

/// Whether the member gets event reminders by e-mail (yes unless turned off).
pub fn reminders_enabled(conn: &mut DbConnection, user: &UserId) -> Result<bool> {
    Ok(repo::reminders_enabled(conn, user.as_str())?)
}

/// Turns the member's event reminders on or off.
pub fn set_reminders(
    conn: &mut DbConnection,
    user: &UserId,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    Ok(repo::set_reminders(
        conn,
        user.as_str(),
        enabled,
        to_db_time(now),
    )?)
}
