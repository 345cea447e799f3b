//! The resource library: public resources for everybody, space-limited ones only for those who
//! may read the space; translations link to each other, one per language.

use crate::access::{all_spaces, readable_space, ViewerContext};
use crate::derived_resources;
use crate::error::{Error, Result};
use crate::learning::{readable_content_space, signed_in};
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::ids::{PostId, ResourceId, SpaceId, ThemeId};
use praxis_domain::learning_drafts::ResourceQuery;
use praxis_domain::resources::{
    self as library, Language, Resource, ResourceChange, ResourceInput,
};
use praxis_persistence::audit::AuditRow;
use praxis_persistence::learning::assignments as assignments_repo;
use praxis_persistence::learning::derivations::{self, DerivationRow};
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

/// What a host adds to the library besides the resource itself.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// The id of the resource this one translates.
    pub translation_of: Option<String>,
    /// The monthly theme it belongs to.
    pub theme_id: Option<ThemeId>,
    /// The discussion it is derived from (its text must be new: `derived_resources`).
    pub derived_from_post_id: Option<PostId>,
}

/// A theme a resource may belong to: any monthly theme (422 naming `theme_id` otherwise).
/// A resource limited to another space may sit on a theme (a Lobby theme with reading for the
/// Lounge): a theme's page shows each resource only to those who may read it.
fn check_theme(conn: &mut DbConnection, theme: &ThemeId) -> Result<()> {
    assignments_repo::theme_space(conn, theme.as_str())?
        .ok_or_else(|| Error::field("theme_id", "is not a monthly theme"))?;
    Ok(())
}

fn audited(entry: AuditRow, space: Option<&String>) -> AuditRow {
    match space {
        Some(space) => entry.in_space(space),
        None => entry,
    }
}

/// Adds a resource, optionally as the translation of another (`translation_of`, 409
/// `translation-exists` when that language is taken), on a theme, or derived from a
/// discussion as new text. Hosts; audited (a derivation names the post and its space, never
/// its text).
pub fn add(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    resource: Resource,
    placement: Placement,
    now: DateTime<Utc>,
) -> Result<ResourceView> {
    let user = signed_in(ctx)?;
    let space = match &resource.space {
        Some(slug) => Some(readable_space(conn, ctx, slug)?),
        None => None,
    };
    let source = match &placement.derived_from_post_id {
        Some(post) => {
            let source = derived_resources::source(conn, ctx, post)?;
            derived_resources::check_new_text(conn, &source.post_id, &resource)?;
            Some(source)
        }
        None => None,
    };
    if let Some(theme) = &placement.theme_id {
        check_theme(conn, theme)?;
    }
    let id = ResourceId::new().into_inner();
    let group = match placement.translation_of.as_deref() {
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
        theme_id: placement.theme_id.map(ThemeId::into_inner),
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
            "theme_id": row.theme_id,
        })),
        now,
    );
    audit::record(conn, &audited(entry, row.space_id.as_ref()))?;
    if let Some(source) = source {
        derivations::insert(
            conn,
            &DerivationRow {
                resource_id: row.id.clone(),
                post_id: source.post_id.clone(),
                post_space_id: source.space.row.id.clone(),
                derived_by: Some(user.as_str().to_owned()),
                created_at: to_db_time(now),
            },
        )?;
        // That it was derived, from which post of which space: ids only, never the text.
        audit::record(
            conn,
            &crate::audit::entry::<(), _>(
                Some(&user),
                "resource.derived",
                "resource",
                &row.id,
                None,
                Some(&serde_json::json!({
                    "post_id": source.post_id,
                    "space": source.space.row.slug,
                })),
                now,
            ),
        )?;
    }
    one(conn, ctx, row)
}

/// A host's change to a resource: its fields, its space, its organisation type and its theme
/// (`Some(None)` takes it off its theme). Checked as a new resource is; a new language must
/// be free in its translation group (409 `translation-exists`), and a derived resource stays
/// new text. Hosts who may read its space (404 otherwise); audited.
pub fn change(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &ResourceId,
    change: ResourceChange,
    theme: Option<Option<ThemeId>>,
    now: DateTime<Utc>,
) -> Result<ResourceView> {
    let user = signed_in(ctx)?;
    if change.is_empty() && theme.is_none() {
        return Err(Error::field(
            "body",
            "send at least one of: title, summary, body_or_url, language, visibility, space, \
             org_type, theme_id",
        ));
    }
    let before = repo::find(conn, id)?.ok_or(Error::NotFound("resource"))?;
    let current_space = match &before.space_id {
        Some(space_id) => {
            let space_id = SpaceId::from_trusted(space_id.clone());
            Some(readable_content_space(conn, ctx, &space_id, "resource")?)
        }
        None => None,
    };
    let resource = change.apply(&ResourceInput {
        kind: &before.kind,
        title: &before.title,
        summary: &before.summary,
        body_or_url: &before.body_or_url,
        language: &before.language,
        visibility: &before.visibility,
        space: current_space.as_ref().map(|s| s.row.slug.as_str()),
        org_type: before.org_type.as_deref(),
    })?;
    let space = match &resource.space {
        Some(slug) => Some(readable_space(conn, ctx, slug)?),
        None => None,
    };
    let space_id = space.as_ref().map(|s| s.row.id.clone());
    let theme_id = match theme {
        Some(theme) => theme.map(ThemeId::into_inner),
        None => before.theme_id.clone(),
    };
    if let Some(theme) = &theme_id {
        check_theme(conn, &ThemeId::from_trusted(theme.clone()))?;
    }
    if resource.language.as_str() != before.language {
        let taken: Vec<Language> =
            repo::in_groups(conn, std::slice::from_ref(&before.translation_group))?
                .iter()
                .filter(|r| r.id != before.id)
                .filter_map(|r| Language::parse(&r.language).ok())
                .collect();
        if taken.contains(&resource.language) {
            return Err(translation_exists(resource.language));
        }
    }
    if let Some(derivation) = derivations::find(conn, &before.id)? {
        derived_resources::check_new_text(conn, &derivation.post_id, &resource)?;
    }
    let row = ResourceRow {
        title: resource.title,
        summary: resource.summary,
        body_or_url: resource.body_or_url,
        language: resource.language.as_str().to_owned(),
        visibility: resource.visibility.as_str().to_owned(),
        space_id,
        org_type: resource.org_type,
        theme_id,
        updated_at: to_db_time(now),
        ..before.clone()
    };
    match repo::update(conn, &row) {
        // A concurrent translation took the language between the check and the write.
        Err(praxis_persistence::Error::UniqueViolation(_)) => {
            return Err(translation_exists(resource.language))
        }
        other => other?,
    }
    let summary = |r: &ResourceRow| {
        serde_json::json!({
            "title": r.title,
            "language": r.language,
            "visibility": r.visibility,
            "space_id": r.space_id,
            "org_type": r.org_type,
            "theme_id": r.theme_id,
        })
    };
    // The text itself stays out of the log; that it changed goes in.
    let mut after = summary(&row);
    after["text_changed"] = serde_json::Value::Bool(
        row.body_or_url != before.body_or_url || row.summary != before.summary,
    );
    // Tied to the space it was in (or, for a public one, the space it moved to).
    let tied = before.space_id.as_ref().or(row.space_id.as_ref());
    crate::audit::record_change(
        conn,
        &user,
        ("resource.changed", "resource", &row.id),
        tied.map(String::as_str),
        (&summary(&before), &after),
        now,
    )?;
    one(conn, ctx, row)
}

fn translation_exists(language: Language) -> Error {
    Error::conflict(
        "translation-exists",
        format!(
            "This resource already exists in `{}`; translations are one per language.",
            language.as_str()
        ),
    )
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
        theme_id: query.theme_id.map(ThemeId::into_inner),
        org_type: query.org_type,
    };
    visible_page(conn, ctx, &filter, after, limit + 1)
}

/// Up to `limit` resources matching `filter` that the caller may see, after `after`.
fn visible_page(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    filter: &ResourceFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ResourceView>> {
    let readable = ctx.readable_space_ids(&all_spaces(conn)?);
    let rows = repo::page(conn, &readable, filter, after, limit)?;
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

/// The resources on a monthly theme the caller may read, newest first (up to `limit`), with
/// their visible translations: a fixed number of queries.
pub fn of_theme(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    theme: &ThemeId,
    limit: i64,
) -> Result<Vec<ResourceView>> {
    let filter = ResourceFilter {
        theme_id: Some(theme.as_str().to_owned()),
        ..ResourceFilter::default()
    };
    visible_page(conn, ctx, &filter, None, limit)
}
