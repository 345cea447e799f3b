//! Spaces: what a caller may know of, and hosts creating spaces and naming the participants of
//! invite-only and sealed ones. Hosts and admins manage participants even of a sealed room they
//! cannot read: managing who is inside never shows what is inside. In a sealed room they name
//! other people only, never themselves, and every participant is mailed about each change.

use crate::access::{Space, ViewerContext};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use praxis_domain::access::Visibility;
use praxis_domain::ids::{SpaceId, UserId};
use praxis_domain::spaces::NewSpace;
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::spaces::{self as repo, SpaceRow};
use praxis_persistence::{audit, to_db_time, users, DbConnection};

/// Where a space sits in the list: built-in spaces first, then by creation, then by slug.
pub type SpaceKey = (bool, chrono::NaiveDateTime, String);

/// A space's place in the list.
pub fn list_key(space: &Space) -> SpaceKey {
    (
        !space.row.built_in,
        space.row.created_at,
        space.row.slug.clone(),
    )
}

/// At most `take` of the spaces the caller may know of (invite-only and sealed ones only to
/// those inside them), after the cursor `after`. Every space is loaded for the access rules
/// anyway, so the page is cut from that list.
pub fn visible(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    after: Option<SpaceKey>,
    take: i64,
) -> Result<Vec<Space>> {
    let mut known: Vec<Space> = crate::access::all_spaces(conn)?
        .into_iter()
        .filter(|s| ctx.may_know(s))
        .collect();
    known.sort_by_key(list_key);
    Ok(crate::page::after_key(
        known,
        list_key,
        after.as_ref(),
        take,
    ))
}

/// Creates a space (409 `space-exists` when the slug is taken); audited.
pub fn create(
    conn: &mut DbConnection,
    host: &UserId,
    space: NewSpace,
    now: DateTime<Utc>,
) -> Result<Space> {
    let plans: Vec<String> = space
        .plans()
        .iter()
        .map(|p| p.as_str().to_owned())
        .collect();
    let row = SpaceRow {
        id: SpaceId::new().into_inner(),
        slug: space.slug,
        name: space.name,
        description: space.description,
        visibility: space.visibility.as_str().to_owned(),
        built_in: false,
        created_by: Some(host.as_str().to_owned()),
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
    };
    match repo::insert(conn, &row, &plans) {
        Err(praxis_persistence::Error::UniqueViolation(_)) => {
            return Err(Error::conflict(
                "space-exists",
                "A space with this slug exists.",
            ))
        }
        other => other?,
    }
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(host),
            "space.created",
            "space",
            &row.id,
            None,
            Some(
                &serde_json::json!({"slug": row.slug, "visibility": row.visibility, "plans": plans}),
            ),
            now,
        ),
    )?;
    Space::from_row((row, plans))
}

/// An invite-only or sealed space by slug, for managing its participants: 404 when there is no
/// such space, 409 `space-not-invite-only` when everyone it is open to may enter anyway.
fn managed(conn: &mut DbConnection, slug: &str) -> Result<Space> {
    let space = repo::find_by_slug(conn, slug)?
        .map(Space::from_row)
        .transpose()?
        .ok_or(Error::NotFound("space"))?;
    if space.visibility.is_listed() {
        return Err(Error::conflict(
            "space-not-invite-only",
            "Only invite-only and sealed spaces have named participants.",
        ));
    }
    Ok(space)
}

/// A named participant of a space.
#[derive(Debug, Clone)]
pub struct Participant {
    pub user_id: UserId,
    pub display_name: String,
}

/// The named participants of an invite-only or sealed space, in the order they were added.
pub fn participants(conn: &mut DbConnection, slug: &str) -> Result<Vec<Participant>> {
    let space = managed(conn, slug)?;
    let ids = repo::member_ids(conn, &SpaceId::from_trusted(space.row.id))?;
    let names = users::display_names(conn, &ids)?;
    Ok(ids
        .into_iter()
        .map(|id| Participant {
            display_name: names.get(&id).cloned().unwrap_or_default(),
            user_id: UserId::from_trusted(id),
        })
        .collect())
}

/// Names `member` a participant of an invite-only or sealed space; adding twice changes
/// nothing. Audited when it changes something.
pub fn add_participant(
    conn: &mut DbConnection,
    host: &UserId,
    slug: &str,
    member: &UserId,
    now: DateTime<Utc>,
) -> Result<()> {
    change_participant(conn, host, slug, member, true, now)
}

/// Removes a participant: their access ends with this request. Audited when it changes
/// something.
pub fn remove_participant(
    conn: &mut DbConnection,
    host: &UserId,
    slug: &str,
    member: &UserId,
    now: DateTime<Utc>,
) -> Result<()> {
    change_participant(conn, host, slug, member, false, now)
}

fn change_participant(
    conn: &mut DbConnection,
    host: &UserId,
    slug: &str,
    member: &UserId,
    add: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let space = managed(conn, slug)?;
    let Some(member_row) = users::find_by_id(conn, member.as_str())? else {
        return Err(Error::NotFound("member"));
    };
    praxis_domain::spaces::may_change_participant(&space.visibility, host, member)?;
    let space_id = space.id();
    let (changed, action) = if add {
        let added = repo::add_member(conn, &space_id, member, host, to_db_time(now))?;
        (added, "space.member_added")
    } else {
        let removed = repo::remove_member(conn, &space_id, member)?;
        (removed, "space.member_removed")
    };
    if changed {
        audit::record(
            conn,
            &crate::audit::entry::<(), _>(
                Some(host),
                action,
                "space",
                space_id.as_str(),
                None,
                Some(&serde_json::json!({"user_id": member})),
                now,
            ),
        )?;
        if space.visibility == Visibility::Sealed {
            tell_participants(conn, &space, &member_row.display_name, add, now)?;
        }
    }
    Ok(())
}

/// Tells everyone now inside a sealed room (the one just added included, the one just removed
/// not) who came in or left, so a change of readers never goes unnoticed. The mail names the
/// room and the person, nothing of what the room holds.
fn tell_participants(
    conn: &mut DbConnection,
    space: &Space,
    who: &str,
    added: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let ids = repo::member_ids(conn, &space.id())?;
    let (subject, verb) = if added {
        ("joined", "was added to")
    } else {
        ("left", "was removed from")
    };
    for id in ids {
        let Some(participant) = users::find_by_id(conn, &id)? else {
            continue;
        };
        let mail = Mail {
            kind: "sealed_participants_changed",
            recipient: participant.email,
            subject: format!("Someone {subject} {}", space.row.name),
            body: format!(
                "{who} {verb} the sealed room \"{}\" by its managers.\n",
                space.row.name
            ),
        };
        outbox::enqueue(conn, mail, to_db_time(now))?;
    }
    Ok(())
}
