//! A member's notification settings as one document: how notifications are mailed (at once, or
//! a daily or weekly digest in their time zone) and how much they hear from each space they may
//! read. Members opt in: until they save a delivery, nothing is mailed.

use crate::access::{all_spaces, readable_space_among, ViewerContext};
use crate::content::acting_member;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use praxis_domain::discussion::NotificationLevel;
use praxis_domain::notification_mail::{next_digest_at, parse_level, MailDelivery};
use praxis_persistence::notification_mail::{self as repo, MailSettingsRow};
use praxis_persistence::{notifications as levels, to_db_time, users, DbConnection};
use std::collections::BTreeMap;

/// The settings as a member reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationSettings {
    pub delivery: MailDelivery,
    /// Whether notification mail is sent at all (off until the member saves a delivery, and
    /// after a one-click unsubscribe).
    pub mail: bool,
    /// Every space the member may read now, by slug, with its level.
    pub spaces: BTreeMap<String, NotificationLevel>,
    /// When the next digest is built; `None` with immediate delivery or mail off.
    pub next_digest_at: Option<DateTime<Utc>>,
}

/// What a member sends to change them: levels are as the document spells them
/// (`all`, `mentions`, `none`), checked here against what the member may read.
#[derive(Debug, Clone)]
pub struct SettingsChange {
    pub delivery: MailDelivery,
    /// `None` keeps mail on (saving a delivery is asking for mail).
    pub mail: Option<bool>,
    pub spaces: BTreeMap<String, String>,
}

/// The caller's settings.
pub fn get(conn: &mut DbConnection, ctx: &ViewerContext) -> Result<NotificationSettings> {
    let member = acting_member(ctx)?;
    let saved = repo::find(conn, member.as_str())?;
    let chosen: BTreeMap<String, String> = repo::levels_of(conn, member.as_str())?
        .into_iter()
        .collect();
    let spaces = all_spaces(conn)?
        .into_iter()
        .filter(|s| ctx.access(s).is_granted())
        .map(|s| {
            let level = chosen
                .get(&s.row.id)
                .and_then(|l| NotificationLevel::parse(l).ok())
                .unwrap_or_default();
            (s.row.slug, level)
        })
        .collect();
    Ok(NotificationSettings {
        delivery: saved.as_ref().map(|s| s.delivery).unwrap_or_default(),
        mail: saved.as_ref().is_some_and(|s| s.mail_enabled),
        next_digest_at: saved
            .filter(|s| s.mail_enabled)
            .and_then(|s| s.next_digest_at)
            .map(praxis_persistence::from_db_time),
        spaces,
    })
}

/// Saves the caller's delivery and the levels of the spaces named (others keep theirs). A slug
/// that names no space, or one the caller may not read, is refused naming `spaces.<slug>`, and
/// nothing changes.
pub fn update(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    change: SettingsChange,
    now: DateTime<Utc>,
) -> Result<NotificationSettings> {
    let member = acting_member(ctx)?;
    let spaces = all_spaces(conn)?;
    let mut errors = Vec::new();
    let mut chosen = Vec::new();
    for (slug, raw) in &change.spaces {
        let field = format!("spaces.{slug}");
        let level = parse_level(&field, raw);
        let space = readable_space_among(ctx, &spaces, slug);
        match (space, level) {
            (Ok(space), Ok(level)) => chosen.push((space, level)),
            (Err(_), _) => errors.push(praxis_domain::FieldError::new(
                field,
                "names no space you may read",
            )),
            (_, Err(praxis_domain::Error::Validation(mut e))) => errors.append(&mut e),
            (_, Err(e)) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        return Err(praxis_domain::Error::Validation(errors).into());
    }
    for (space, level) in chosen {
        levels::set_level(conn, &member, &space.id(), level.as_str())?;
    }
    let user = users::find_by_id(conn, member.as_str())?.ok_or(Error::NotFound("member"))?;
    let zone = user.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let saved = repo::find(conn, member.as_str())?;
    let mail = change.mail.unwrap_or(true);
    // Turning mail on starts from now: no backlog of old notifications arrives.
    let mail_since = match &saved {
        Some(s) if s.mail_enabled => s.mail_since,
        _ => to_db_time(now),
    };
    repo::save(
        conn,
        MailSettingsRow {
            user_id: member.as_str().to_owned(),
            delivery: change.delivery,
            mail_enabled: mail,
            mail_since,
            next_digest_at: next_digest_at(change.delivery, zone, now).map(to_db_time),
            updated_at: to_db_time(now),
        },
    )?;
    get(conn, ctx)
}
