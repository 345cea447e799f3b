//! Circles: named groups that decide by consent, each with a sealed space of its own. Nobody
//! outside a circle learns anything of it: every read answers 404 to them, hosts included
//! (hosts manage who is inside without reading what is inside, as for sealed rooms).
//!
//! Members answer consent rounds; a mentor (the Academy's coach of an implementation circle)
//! reads the circle and its space without answering. Membership is kept in `circle_members`
//! and mirrored in the space's participants, so the space's posts, search and feeds follow it.
//!
//! For other modules: [`create`] makes a circle of any kind, [`members_of`] names the members
//! who answer rounds, [`readable`] is the access check every circle path goes through, and
//! [`put_member`]/[`remove_member`] change who is inside.

use crate::error::{Error, Result};
use crate::page::{PageRequest, Paged};
use chrono::{DateTime, Utc};
use praxis_domain::decisions::{CircleKind, MemberRole, LONG_TEXT_MAX, SHORT_TEXT_MAX};
use praxis_domain::ids::{CircleId, SpaceId, UserId};
use praxis_domain::learning::{optional_text, text};
use praxis_persistence::circles::{self as repo, CircleRow};
use praxis_persistence::spaces::{self, SpaceRow};
use praxis_persistence::{audit, to_db_time, users, DbConnection};

/// A new circle as a host describes it.
#[derive(Debug, Clone)]
pub struct NewCircle {
    pub name: String,
    pub description: String,
    pub kind: CircleKind,
    pub member_ids: Vec<UserId>,
}

impl NewCircle {
    /// Parses a circle's name (1–200 characters), description (up to 10 000) and members.
    pub fn parse(
        name: &str,
        description: &str,
        kind: CircleKind,
        member_ids: Vec<UserId>,
    ) -> praxis_domain::Result<Self> {
        let mut errors = praxis_domain::error::Errors::new();
        let name = errors.take(text("name", name, SHORT_TEXT_MAX));
        let description = errors.take(optional_text("description", description, LONG_TEXT_MAX));
        errors.finish()?;
        let mut unique = member_ids;
        unique.sort();
        unique.dedup();
        Ok(Self {
            name: name.unwrap_or_default(),
            description: description.unwrap_or_default(),
            kind,
            member_ids: unique,
        })
    }
}

/// Someone in a circle, with their role.
#[derive(Debug, Clone)]
pub struct CircleMember {
    pub user_id: UserId,
    pub display_name: String,
    pub role: MemberRole,
}

/// A circle with everyone in it, and the caller's role.
#[derive(Debug, Clone)]
pub struct Circle {
    pub row: CircleRow,
    /// The slug of the circle's sealed space (its posts are at `/spaces/{slug}/posts`).
    pub space_slug: String,
    pub members: Vec<CircleMember>,
    pub my_role: Option<MemberRole>,
}

/// The circle if `user` is in it (as a member or a mentor), with their role; 404 otherwise.
pub fn readable(
    conn: &mut DbConnection,
    user: &UserId,
    circle: &CircleId,
) -> Result<(CircleRow, MemberRole)> {
    let row = repo::find(conn, circle)?.ok_or(Error::NotFound("circle"))?;
    let role = repo::role_of(conn, circle, user)?.ok_or(Error::NotFound("circle"))?;
    Ok((row, role))
}

/// The members who answer the circle's rounds (mentors excluded), in the order they joined.
pub fn members_of(conn: &mut DbConnection, circle: &CircleId) -> Result<Vec<UserId>> {
    Ok(repo::members(conn, circle)?
        .into_iter()
        .filter(|(_, role)| *role == MemberRole::Member)
        .map(|(id, _)| UserId::from_trusted(id))
        .collect())
}

fn with_members(conn: &mut DbConnection, row: CircleRow, me: Option<MemberRole>) -> Result<Circle> {
    let ids = repo::members(conn, &CircleId::from_trusted(row.id.clone()))?;
    let keys: Vec<String> = ids.iter().map(|(id, _)| id.clone()).collect();
    let names = users::display_names(conn, &keys)?;
    let space_slug = spaces::find_by_ids(conn, std::slice::from_ref(&row.space_id))?
        .pop()
        .map(|(space, _)| space.slug)
        .unwrap_or_default();
    Ok(Circle {
        space_slug,
        members: ids
            .into_iter()
            .map(|(id, role)| CircleMember {
                display_name: names.get(&id).cloned().unwrap_or_default(),
                user_id: UserId::from_trusted(id),
                role,
            })
            .collect(),
        my_role: me,
        row,
    })
}

/// A circle as one of its members or mentors sees it; 404 to anyone else.
pub fn show(conn: &mut DbConnection, user: &UserId, circle: &CircleId) -> Result<Circle> {
    let (row, role) = readable(conn, user, circle)?;
    with_members(conn, row, Some(role))
}

/// A circle by id for use cases that already checked access (jobs, the Academy).
pub fn find(conn: &mut DbConnection, circle: &CircleId) -> Result<Circle> {
    let row = repo::find(conn, circle)?.ok_or(Error::NotFound("circle"))?;
    with_members(conn, row, None)
}

/// The circles `user` is in, oldest first, optionally of one kind.
pub fn mine(
    conn: &mut DbConnection,
    user: &UserId,
    kind: Option<CircleKind>,
    page: &PageRequest,
) -> Result<Paged<Circle>> {
    let rows = repo::page_of_member(conn, user, kind, page.after.clone(), page.fetch())?;
    page.cut(rows, |r| (r.created_at, r.id.clone()))
        .try_map(|rows| {
            rows.into_iter()
                .map(|row| {
                    let role = repo::role_of(conn, &CircleId::from_trusted(row.id.clone()), user)?;
                    with_members(conn, row, role)
                })
                .collect()
        })
}

/// Checks that every id names an account: 422 naming `field` otherwise.
pub fn existing_users(conn: &mut DbConnection, field: &str, ids: &[UserId]) -> Result<()> {
    let keys: Vec<String> = ids.iter().map(|id| id.as_str().to_owned()).collect();
    let names = users::display_names(conn, &keys)?;
    match keys.iter().find(|id| !names.contains_key(*id)) {
        Some(missing) => Err(Error::field(
            field,
            format!("no member has the id {missing}"),
        )),
        None => Ok(()),
    }
}

/// Creates a circle with its sealed space and its members. `by` is the host (audited) or
/// `None` when the Academy makes it on its own.
pub fn create(
    conn: &mut DbConnection,
    by: Option<&UserId>,
    circle: NewCircle,
    now: DateTime<Utc>,
) -> Result<Circle> {
    existing_users(conn, "member_ids", &circle.member_ids)?;
    let id = CircleId::new();
    let space_id = SpaceId::new();
    let tail: String = id.as_str().replace('-', "").chars().skip(20).collect();
    let slug = format!("circle-{tail}");
    let at = to_db_time(now);
    spaces::insert(
        conn,
        &SpaceRow {
            id: space_id.as_str().to_owned(),
            slug,
            name: circle.name.clone(),
            description: format!("The space of the circle \"{}\".", circle.name),
            visibility: praxis_domain::access::Visibility::Sealed
                .as_str()
                .to_owned(),
            built_in: false,
            created_by: by.map(|u| u.as_str().to_owned()),
            created_at: at,
            updated_at: at,
        },
        &[],
    )?;
    let row = CircleRow {
        id: id.as_str().to_owned(),
        name: circle.name,
        description: circle.description,
        kind: circle.kind,
        space_id: space_id.into_inner(),
        linked_circle_id: None,
        created_by: by.map(|u| u.as_str().to_owned()),
        created_at: at,
    };
    repo::insert(conn, &row)?;
    for member in &circle.member_ids {
        place(conn, &row, member, MemberRole::Member, by, now)?;
    }
    if let Some(host) = by {
        audit::record(
            conn,
            &crate::audit::entry::<(), _>(
                Some(host),
                "circle.created",
                "circle",
                &row.id,
                None,
                Some(
                    &serde_json::json!({"name": row.name, "kind": row.kind.as_str(),
                    "member_ids": circle.member_ids}),
                ),
                now,
            ),
        )?;
    }
    find(conn, &id)
}

/// Puts someone in the circle and in its space; whether anything changed.
fn place(
    conn: &mut DbConnection,
    circle: &CircleRow,
    user: &UserId,
    role: MemberRole,
    by: Option<&UserId>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let id = CircleId::from_trusted(circle.id.clone());
    let changed = repo::put_member(conn, &id, user, role, to_db_time(now))?;
    let space = SpaceId::from_trusted(circle.space_id.clone());
    spaces::add_member(conn, &space, user, by.unwrap_or(user), to_db_time(now))?;
    Ok(changed)
}

/// Puts `user` in the circle with `role` (hosts, or the Academy when `by` is `None`); audited
/// when a host changed something.
pub fn put_member(
    conn: &mut DbConnection,
    by: Option<&UserId>,
    circle: &CircleId,
    user: &UserId,
    role: MemberRole,
    now: DateTime<Utc>,
) -> Result<Circle> {
    let row = repo::find(conn, circle)?.ok_or(Error::NotFound("circle"))?;
    if users::find_by_id(conn, user.as_str())?.is_none() {
        return Err(Error::NotFound("member"));
    }
    if place(conn, &row, user, role, by, now)? {
        if let Some(host) = by {
            let after = serde_json::json!({"user_id": user, "role": role.as_str()});
            audit::record(
                conn,
                &crate::audit::entry::<(), _>(
                    Some(host),
                    "circle.member_put",
                    "circle",
                    circle.as_str(),
                    None,
                    Some(&after),
                    now,
                ),
            )?;
        }
    }
    find(conn, circle)
}

/// Takes `user` out of the circle and its space (hosts); audited when it changed something.
pub fn remove_member(
    conn: &mut DbConnection,
    host: &UserId,
    circle: &CircleId,
    user: &UserId,
    now: DateTime<Utc>,
) -> Result<Circle> {
    let row = repo::find(conn, circle)?.ok_or(Error::NotFound("circle"))?;
    if repo::remove_member(conn, circle, user)? {
        spaces::remove_member(conn, &SpaceId::from_trusted(row.space_id), user)?;
        audit::record(
            conn,
            &crate::audit::entry::<(), _>(
                Some(host),
                "circle.member_removed",
                "circle",
                circle.as_str(),
                None,
                Some(&serde_json::json!({"user_id": user})),
                now,
            ),
        )?;
    }
    find(conn, circle)
}
