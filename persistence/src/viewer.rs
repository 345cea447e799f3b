//! What access depends on, for one member, in one round trip: whether the account exists, its
//! roles, the plan of its active subscription, the current terms version and whether it was
//! accepted, and the invite-only or sealed spaces it participates in. Every request that names
//! a member needs these facts, so they come from one statement (a `UNION ALL` of tagged rows)
//! instead of six.

use crate::error::{Error, Result};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Text, Timestamp};
use praxis_domain::account::Role;

/// The facts about one member as stored now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewerFacts {
    pub roles: Vec<Role>,
    /// The plan slug of an active subscription whose period has not ended.
    pub active_plan: Option<String>,
    /// `true` when no terms were published yet, or the current version was accepted.
    pub accepted_current_terms: bool,
    /// Whether the member proved they own their email address.
    pub email_verified: bool,
    pub participant_of: Vec<String>,
    /// Moves on at "sign out everywhere" and password changes; access tokens carry the one they
    /// were issued under.
    pub session_generation: i64,
}

#[derive(QueryableByName)]
struct Fact {
    #[diesel(sql_type = Text)]
    tag: String,
    #[diesel(sql_type = Text)]
    value: String,
}

/// The same statement on both engines but for placeholders: `?1` on SQLite, `$1` on PostgreSQL.
const FACTS: &str = "
SELECT 'user' AS tag, u.id AS value FROM users u WHERE u.id = {user}
UNION ALL
SELECT 'verified', u.id FROM users u WHERE u.id = {user} AND u.email_verified_at IS NOT NULL
UNION ALL
SELECT 'generation', CAST(u.session_generation AS TEXT) FROM users u WHERE u.id = {user}
UNION ALL
SELECT 'role', r.role FROM user_roles r WHERE r.user_id = {user}
UNION ALL
SELECT 'plan', a.plan_slug FROM (
    SELECT s.plan_slug FROM subscriptions s
    WHERE s.user_id = {user} AND s.status = 'active'
      AND (s.current_period_end > {now} OR s.grace_until > {now})
    LIMIT 1
) a
UNION ALL
SELECT 'terms', t.version FROM (
    SELECT v.version FROM terms_versions v ORDER BY v.published_at DESC, v.version DESC LIMIT 1
) t
UNION ALL
SELECT 'accepted', c.version FROM terms_acceptances c
WHERE c.user_id = {user} AND c.version = (
    SELECT v.version FROM terms_versions v ORDER BY v.published_at DESC, v.version DESC LIMIT 1
)
UNION ALL
SELECT 'space', m.space_id FROM space_members m WHERE m.user_id = {user}";

/// The facts about `user_id` at `now`, or `None` when the account does not exist.
pub fn facts(
    conn: &mut DbConnection,
    user_id: &str,
    now: NaiveDateTime,
) -> Result<Option<ViewerFacts>> {
    let rows: Vec<Fact> = match conn {
        DbConnection::Sqlite(sqlite) => {
            let sql = FACTS.replace("{user}", "?1").replace("{now}", "?2");
            diesel::sql_query(sql)
                .bind::<Text, _>(user_id)
                .bind::<Timestamp, _>(now)
                .load(sqlite)?
        }
        DbConnection::Pg(pg) => {
            let sql = FACTS.replace("{user}", "$1").replace("{now}", "$2");
            diesel::sql_query(sql)
                .bind::<Text, _>(user_id)
                .bind::<Timestamp, _>(now)
                .load(pg)?
        }
    };
    if !rows.iter().any(|f| f.tag == "user") {
        return Ok(None);
    }
    let mut facts = ViewerFacts::default();
    let (mut current_terms, mut accepted) = (None, false);
    for Fact { tag, value } in rows {
        match tag.as_str() {
            "role" => facts.roles.push(
                Role::parse(&value)
                    .map_err(|_| Error::Corrupt(format!("unknown role {value:?}")))?,
            ),
            "plan" => facts.active_plan = Some(value),
            "terms" => current_terms = Some(value),
            "accepted" => accepted = true,
            "verified" => facts.email_verified = true,
            "space" => facts.participant_of.push(value),
            "generation" => {
                facts.session_generation = value.trim().parse().map_err(|_| {
                    Error::Corrupt(format!("session generation {value:?} is not a number"))
                })?
            }
            _ => {}
        }
    }
    facts.roles.sort_by_key(|r| r.as_str());
    facts.accepted_current_terms = current_terms.is_none() || accepted;
    Ok(Some(facts))
}
