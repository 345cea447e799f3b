//! Spaces, the plans that open them, and the named participants of invite-only and sealed ones.

use crate::error::Result;
use crate::schema::{space_members, space_plans, spaces};
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::ids::{SpaceId, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = spaces)]
pub struct SpaceRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub visibility: String,
    pub built_in: bool,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A space with the plans that open it.
pub type SpaceWithPlans = (SpaceRow, Vec<String>);

fn with_plans(conn: &mut DbConnection, rows: Vec<SpaceRow>) -> Result<Vec<SpaceWithPlans>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let plans: Vec<(String, String)> = space_plans::table
        .filter(space_plans::space_id.eq_any(&ids))
        .select((space_plans::space_id, space_plans::plan_slug))
        .order(space_plans::plan_slug.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let listed = plans
                .iter()
                .filter(|(id, _)| *id == row.id)
                .map(|(_, p)| p.clone())
                .collect();
            (row, listed)
        })
        .collect())
}

/// Every space, built-in first then by name: two queries.
pub fn all(conn: &mut DbConnection) -> Result<Vec<SpaceWithPlans>> {
    let rows: Vec<SpaceRow> = spaces::table
        .select(SpaceRow::as_select())
        .order((
            spaces::built_in.desc(),
            spaces::created_at.asc(),
            spaces::slug.asc(),
        ))
        .load(conn)?;
    with_plans(conn, rows)
}

pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> Result<Option<SpaceWithPlans>> {
    let row: Option<SpaceRow> = spaces::table
        .filter(spaces::slug.eq(slug))
        .select(SpaceRow::as_select())
        .first(conn)
        .optional()?;
    Ok(match row {
        Some(row) => with_plans(conn, vec![row])?.pop(),
        None => None,
    })
}

pub fn find_by_ids(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<SpaceWithPlans>> {
    let rows: Vec<SpaceRow> = spaces::table
        .filter(spaces::id.eq_any(ids))
        .select(SpaceRow::as_select())
        .load(conn)?;
    with_plans(conn, rows)
}

/// Creates a space; a slug already taken is a `UniqueViolation`.
pub fn insert(conn: &mut DbConnection, row: &SpaceRow, plans: &[String]) -> Result<()> {
    diesel::insert_into(spaces::table)
        .values(row)
        .execute(conn)?;
    for plan in plans {
        diesel::insert_into(space_plans::table)
            .values((
                space_plans::space_id.eq(&row.id),
                space_plans::plan_slug.eq(plan),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The spaces `user_id` is a named participant of.
pub fn participant_space_ids(conn: &mut DbConnection, user_id: &str) -> Result<Vec<String>> {
    Ok(space_members::table
        .filter(space_members::user_id.eq(user_id))
        .select(space_members::space_id)
        .load(conn)?)
}

/// Adds a participant; adding one twice changes nothing.
pub fn add_member(
    conn: &mut DbConnection,
    space_id: &SpaceId,
    user_id: &UserId,
    by: &UserId,
    at: NaiveDateTime,
) -> Result<bool> {
    let exists: i64 = space_members::table
        .filter(space_members::space_id.eq(space_id.as_str()))
        .filter(space_members::user_id.eq(user_id.as_str()))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(space_members::table)
        .values((
            space_members::space_id.eq(space_id.as_str()),
            space_members::user_id.eq(user_id.as_str()),
            space_members::added_by.eq(by.as_str()),
            space_members::added_at.eq(at),
        ))
        .execute(conn)?;
    Ok(true)
}

pub fn remove_member(
    conn: &mut DbConnection,
    space_id: &SpaceId,
    user_id: &UserId,
) -> Result<bool> {
    let removed = diesel::delete(
        space_members::table
            .filter(space_members::space_id.eq(space_id.as_str()))
            .filter(space_members::user_id.eq(user_id.as_str())),
    )
    .execute(conn)?;
    Ok(removed > 0)
}

/// The participants of a space (ids), in the order they were added.
pub fn member_ids(conn: &mut DbConnection, space_id: &SpaceId) -> Result<Vec<String>> {
    Ok(space_members::table
        .filter(space_members::space_id.eq(space_id.as_str()))
        .order(space_members::added_at.asc())
        .select(space_members::user_id)
        .load(conn)?)
}
