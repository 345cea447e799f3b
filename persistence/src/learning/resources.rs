//! The resource library: articles, case studies, interviews, courses and coaching packages,
//! public or limited to a space, with translations grouped together.

use super::{contains_pattern, lower};
use crate::error::Result;
use crate::keyset::{self, Order};
use crate::schema::resources;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::ids::ResourceId;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = resources)]
pub struct ResourceRow {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body_or_url: String,
    pub language: String,
    pub visibility: String,
    pub space_id: Option<String>,
    pub org_type: Option<String>,
    pub translation_group: String,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The monthly theme it belongs to.
    pub theme_id: Option<String>,
}

/// Filters of the library list. `theme_id` and `org_type` each lead an index of their own
/// (`resources_theme_idx`, `resources_org_type_idx`) ending in the keyset's columns.
#[derive(Debug, Clone, Default)]
pub struct ResourceFilter {
    pub kind: Option<String>,
    pub language: Option<String>,
    pub query: Option<String>,
    pub theme_id: Option<String>,
    pub org_type: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &ResourceRow) -> Result<()> {
    diesel::insert_into(resources::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &ResourceId) -> Result<Option<ResourceRow>> {
    Ok(resources::table
        .filter(resources::id.eq(id.as_str()))
        .select(ResourceRow::as_select())
        .first(conn)
        .optional()?)
}

/// Replaces a resource's editable fields (all but its kind, translation group and author).
/// Another resource of its group in the new language is a `UniqueViolation`.
pub fn update(conn: &mut DbConnection, row: &ResourceRow) -> Result<()> {
    diesel::update(resources::table.filter(resources::id.eq(&row.id)))
        .set((
            resources::title.eq(&row.title),
            resources::summary.eq(&row.summary),
            resources::body_or_url.eq(&row.body_or_url),
            resources::language.eq(&row.language),
            resources::visibility.eq(&row.visibility),
            resources::space_id.eq(&row.space_id),
            resources::org_type.eq(&row.org_type),
            resources::theme_id.eq(&row.theme_id),
            resources::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Resources the reader may see (public ones, and those of `space_ids`), newest first.
pub fn page(
    conn: &mut DbConnection,
    space_ids: &[String],
    filter: &ResourceFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ResourceRow>> {
    let mut query = resources::table
        .filter(
            resources::visibility
                .eq("public")
                .or(resources::space_id.eq_any(space_ids.to_vec())),
        )
        .select(ResourceRow::as_select())
        .order((resources::created_at.desc(), resources::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(resources::kind.eq(kind.clone()));
    }
    if let Some(language) = &filter.language {
        query = query.filter(resources::language.eq(language.clone()));
    }
    if let Some(theme) = &filter.theme_id {
        query = query.filter(resources::theme_id.eq(theme.clone()));
    }
    if let Some(org_type) = &filter.org_type {
        query = query.filter(resources::org_type.eq(org_type.clone()));
    }
    if let Some(q) = &filter.query {
        let pattern = contains_pattern(q);
        query = query.filter(
            lower(resources::title)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(resources::summary).like(pattern).escape('\\')),
        );
    }
    if let Some(cursor) = after {
        query = query.filter(keyset::after(
            Order::Desc,
            resources::created_at,
            resources::id,
            cursor,
        ));
    }
    Ok(query.load(conn)?)
}

/// Every resource of the given translation groups, in one query.
pub fn in_groups(conn: &mut DbConnection, groups: &[String]) -> Result<Vec<ResourceRow>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    Ok(resources::table
        .filter(resources::translation_group.eq_any(groups))
        .order((resources::language.asc(), resources::id.asc()))
        .select(ResourceRow::as_select())
        .load(conn)?)
}
