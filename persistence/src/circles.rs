//! Circles and who is in them. A circle's members are also the named participants of its
//! sealed space (`space_members`), kept in step by the use cases.

use crate::error::Result;
use crate::schema::{circle_members, circles};
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::decisions::{CircleKind, MemberRole};
use praxis_domain::ids::{CircleId, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = circles)]
pub struct CircleRow {
    pub id: String,
    pub name: String,
    pub description: String,
    #[diesel(deserialize_as = DbEnum<CircleKind>, serialize_as = DbEnum<CircleKind>)]
    pub kind: CircleKind,
    pub space_id: String,
    pub linked_circle_id: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The keyset of circle lists: creation, then id.
pub type CircleKey = (NaiveDateTime, String);

pub fn insert(conn: &mut DbConnection, row: &CircleRow) -> Result<()> {
    diesel::insert_into(circles::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &CircleId) -> Result<Option<CircleRow>> {
    Ok(circles::table
        .filter(circles::id.eq(id.as_str()))
        .select(CircleRow::as_select())
        .first(conn)
        .optional()?)
}

/// The circles of one kind, oldest first.
pub fn of_kind(conn: &mut DbConnection, kind: CircleKind) -> Result<Vec<CircleRow>> {
    Ok(circles::table
        .filter(circles::kind.eq(DbEnum(kind)))
        .select(CircleRow::as_select())
        .order((circles::created_at.asc(), circles::id.asc()))
        .load(conn)?)
}

/// Links `circle` to `linked` (the superpod to the Academy circle).
pub fn link(conn: &mut DbConnection, circle: &CircleId, linked: &CircleId) -> Result<()> {
    diesel::update(circles::table.filter(circles::id.eq(circle.as_str())))
        .set(circles::linked_circle_id.eq(linked.as_str()))
        .execute(conn)?;
    Ok(())
}

/// The circles `user` is in (as a member or a mentor), oldest first, after `after`.
pub fn page_of_member(
    conn: &mut DbConnection,
    user: &UserId,
    kind: Option<CircleKind>,
    after: Option<CircleKey>,
    limit: i64,
) -> Result<Vec<CircleRow>> {
    let mut query = circles::table
        .inner_join(circle_members::table)
        .filter(circle_members::user_id.eq(user.as_str()))
        .select(CircleRow::as_select())
        .order((circles::created_at.asc(), circles::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(circles::kind.eq(DbEnum(kind)));
    }
    if let Some((at, id)) = after {
        query = query.filter(
            circles::created_at
                .gt(at)
                .or(circles::created_at.eq(at).and(circles::id.gt(id))),
        );
    }
    Ok(query.load(conn)?)
}

/// Everyone in the circle with their role, in the order they were added.
pub fn members(conn: &mut DbConnection, circle: &CircleId) -> Result<Vec<(String, MemberRole)>> {
    let rows: Vec<(String, DbEnum<MemberRole>)> = circle_members::table
        .filter(circle_members::circle_id.eq(circle.as_str()))
        .order((
            circle_members::added_at.asc(),
            circle_members::user_id.asc(),
        ))
        .select((circle_members::user_id, circle_members::role))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, role)| (id, role.0)).collect())
}

/// The role `user` has in the circle, if any.
pub fn role_of(
    conn: &mut DbConnection,
    circle: &CircleId,
    user: &UserId,
) -> Result<Option<MemberRole>> {
    let role: Option<DbEnum<MemberRole>> = circle_members::table
        .filter(circle_members::circle_id.eq(circle.as_str()))
        .filter(circle_members::user_id.eq(user.as_str()))
        .select(circle_members::role)
        .first(conn)
        .optional()?;
    Ok(role.map(|r| r.0))
}

/// Puts `user` in the circle with `role` (changing the role of someone already in it).
/// Whether anything changed.
pub fn put_member(
    conn: &mut DbConnection,
    circle: &CircleId,
    user: &UserId,
    role: MemberRole,
    at: NaiveDateTime,
) -> Result<bool> {
    match role_of(conn, circle, user)? {
        Some(current) if current == role => Ok(false),
        Some(_) => {
            diesel::update(
                circle_members::table
                    .filter(circle_members::circle_id.eq(circle.as_str()))
                    .filter(circle_members::user_id.eq(user.as_str())),
            )
            .set(circle_members::role.eq(DbEnum(role)))
            .execute(conn)?;
            Ok(true)
        }
        None => {
            diesel::insert_into(circle_members::table)
                .values((
                    circle_members::circle_id.eq(circle.as_str()),
                    circle_members::user_id.eq(user.as_str()),
                    circle_members::role.eq(DbEnum(role)),
                    circle_members::added_at.eq(at),
                ))
                .execute(conn)?;
            Ok(true)
        }
    }
}

/// Takes `user` out of the circle; whether they were in it.
pub fn remove_member(conn: &mut DbConnection, circle: &CircleId, user: &UserId) -> Result<bool> {
    let removed = diesel::delete(
        circle_members::table
            .filter(circle_members::circle_id.eq(circle.as_str()))
            .filter(circle_members::user_id.eq(user.as_str())),
    )
    .execute(conn)?;
    Ok(removed > 0)
}
