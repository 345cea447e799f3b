//! The resource library: public resources for everybody, space-limited ones only for those who
//! may read the space; translations link to each other, one per language.

use crate::access::{all_spaces, readable_space, ViewerContext};
use crate::error::{Error, Result};
use crate::learning::{readable_content_space, signed_in};
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::ids::{ResourceId, SpaceId};
use praxis_domain::learning_drafts::ResourceQuery;
use praxis_domain::resources::{self as library, Language, Resource};
use praxis_persistence::learning::resources::{self as repo, ResourceFilter, ResourceRow};
use praxis_persistence::{audit, to_db_time, DbConnection};
use std::collections::{HashMap, HashSet};

/// A resource as one caller sees it: its space's slug and the translations they may see.
#[derive(Debug, Clone)]
pub struct ResourceView {
    pub row: ResourceRow,
    pub space_slug: Option<String>,
    pub translations: Vec<ResourceRow>,
}

/// Views of rows the caller may see, with their visible translations (one query for all) and
/// space slugs.
fn views(
    conn: &mut DbConnection,
    rows: Vec<ResourceRow>,
    readable: &HashSet<String>,
) -> Result<Vec<ResourceView>> {
    let spaces: HashMap<String, String> = all_spaces(conn)?
        .into_iter()
        .map(|s| (s.row.id, s.row.slug))
        .collect();
    let groups: Vec<String> = rows.iter().map(|r| r.translation_group.clone()).collect();
    let siblings = repo::in_groups(conn, &groups)?;
    let visible = |r: &ResourceRow| {
        r.space_id
            .as_ref()
            .is_none_or(|space| readable.contains(space))
    };
    Ok(rows
        .into_iter()
        .map(|row| ResourceView {
            translations: siblings
                .iter()
                .filter(|s| s.translation_group == row.translation_group && s.id != row.id)
                .filter(|s| visible(s))
                .cloned()
                .collect(),
            space_slug: row.space_id.as_ref().and_then(|id| spaces.get(id).cloned()),
            row,
        })
        .collect())
}

fn readable_ids(conn: &mut DbConnection, ctx: &ViewerContext) -> Result<HashSet<String>> {
    Ok(ctx
        .readable_space_ids(&all_spaces(conn)?)
        .into_iter()
        .collect())
}

fn one(conn: &mut DbConnection, ctx: &ViewerContext, row: ResourceRow) -> Result<ResourceView> {
    let readable = readable_ids(conn, ctx)?;
    views(conn, vec![row], &readable)?
        .pop()
        .ok_or(Error::NotFound("resource"))
}

/// Adds a resource, optionally as the translation of another (`translation_of`, 409
/// `translation-exists` when that language is taken). Hosts; audited.
pub fn add(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    resource: Resource,
    translation_of: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ResourceView> {
    let user = signed_in(ctx)?;
    let space = match &resource.space {
        Some(slug) => Some(readable_space(conn, ctx, slug)?),
        None => None,
    };
    let id = ResourceId::new().into_inner();
    let group = match translation_of {
        None => id.clone(),
        Some(original) => {
            let not_a_resource = || Error::field("translation_of", "is not a resource");
            let original = ResourceId::parse(original).map_err(|_| not_a_resource())?;
            let original = repo::find(conn, &original)?.ok_or_else(not_a_resource)?;
            let taken: Vec<Language> =
                repo::in_groups(conn, std::slice::from_ref(&original.translation_group))?
                    .iter()
                    .filter_map(|r| Language::parse(&r.language).ok())
                    .collect();
            let original_language = Language::parse(&original.language)
                .map_err(|_| Error::internal("stored language is invalid"))?;
            library::may_translate(original_language, &taken, resource.language)?;
            original.translation_group
        }
    };
    let row = ResourceRow {
        id,
        kind: resource.kind.as_str().to_owned(),
        title: resource.title,
        summary: resource.summary,
        body_or_url: resource.body_or_url,
        language: resource.language.as_str().to_owned(),
        visibility: resource.visibility.as_str().to_owned(),
        space_id: space.as_ref().map(|s| s.row.id.clone()),
        org_type: resource.org_type,
        translation_group: group,
        created_by: Some(user.as_str().to_owned()),
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
    };
    repo::insert(conn, &row)?;
    let entry = crate::audit::entry::<(), _>(
        Some(&user),
        "resource.created",
        "resource",
        &row.id,
        None,
        Some(&serde_json::json!({
            "kind": row.kind,
            "title": row.title,
            "language": row.language,
            "visibility": row.visibility,
        })),
        now,
    );
    let entry = match &row.space_id {
        Some(space) => entry.in_space(space),
        None => entry,
    };
    audit::record(conn, &entry)?;
    one(conn, ctx, row)
}

/// The library as the caller may see it, newest first: up to `limit + 1` after `after` (the
/// extra one tells that more follow).
pub fn list(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    query: ResourceQuery,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ResourceView>> {
    let filter = ResourceFilter {
        kind: query.kind.map(|k| k.as_str().to_owned()),
        language: query.language.map(|l| l.as_str().to_owned()),
        query: query.text,
    };
    let readable = ctx.readable_space_ids(&all_spaces(conn)?);
    let rows = repo::page(conn, &readable, &filter, after, limit + 1)?;
    let readable: HashSet<String> = readable.into_iter().collect();
    views(conn, rows, &readable)
}

/// One resource; a space-limited one answers 404 outside its space.
pub fn read(conn: &mut DbConnection, ctx: &ViewerContext, id: &ResourceId) -> Result<ResourceView> {
    let row = repo::find(conn, id)?.ok_or(Error::NotFound("resource"))?;
    if let Some(space_id) = &row.space_id {
        let space_id = SpaceId::from_trusted(space_id.clone());
        readable_content_space(conn, ctx, &space_id, "resource")?;
    }
    one(conn, ctx, row)
}
