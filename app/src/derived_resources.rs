//! Resources a host derives from a discussion (DOMAIN.md: hosts may publish new, generic
//! resources based on what they learned, never by copying private content). The source must
//! be a discussion the host may read; the resource's title, summary and text may neither copy
//! it nor link to anything of a space that is not public, whatever the host's own access (the
//! rule and its thresholds are in `praxis_domain::derivation`). The rule holds on every edit.

use crate::access::{all_spaces, Space, ViewerContext};
use crate::error::{Error, Result};
use crate::learning::readable_content_space;
use praxis_domain::access::Visibility;
use praxis_domain::derivation::{copies, linked_content, Linked, LinkedKind};
use praxis_domain::error::Errors;
use praxis_domain::ids::{PostId, SpaceId};
use praxis_domain::resources::Resource;
use praxis_persistence::learning::derivations as repo;
use praxis_persistence::{posts, DbConnection};
use std::collections::HashSet;

/// The discussion a resource is derived from: the post and its space.
#[derive(Debug, Clone)]
pub struct Source {
    pub post_id: String,
    pub space: Space,
}

/// The post a host derives from, if they may read it; anything else (no such post, or one
/// they may not read) is the same field error, so it tells nothing about hidden posts.
pub fn source(conn: &mut DbConnection, ctx: &ViewerContext, post: &PostId) -> Result<Source> {
    let refused = || Error::field("derived_from_post_id", "is not a discussion you may read");
    let row = posts::find(conn, post.as_str())?.ok_or_else(refused)?;
    let space_id = SpaceId::from_trusted(row.space_id.clone());
    let space = readable_content_space(conn, ctx, &space_id, "post").map_err(|_| refused())?;
    Ok(Source {
        post_id: row.id,
        space,
    })
}

/// Refuses (422, naming each field) a resource whose text copies the discussion of `post_id`
/// or links to content of a space that is not public.
pub fn check_new_text(conn: &mut DbConnection, post_id: &str, resource: &Resource) -> Result<()> {
    let sources = repo::discussion_texts(conn, post_id)?;
    let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
    let fields = [
        ("title", resource.title.as_str()),
        ("summary", resource.summary.as_str()),
        ("body_or_url", resource.body_or_url.as_str()),
    ];
    let private = private_links(conn, &fields)?;
    let mut errors = Errors::new();
    for (field, text) in fields {
        if copies(text, &sources) {
            errors.push(
                field,
                format!(
                    "copies the discussion it is derived from (a run of {} or more words, or a \
                     whole short comment): write what you learned as new text",
                    praxis_domain::derivation::COPIED_RUN_WORDS
                ),
            );
        }
        if let Some(link) = private.iter().find(|(f, _)| *f == field) {
            errors.push(
                field,
                format!(
                    "links to content of a space that is not public (`{}/{}`): a derived \
                     resource may not point to private content",
                    link.1.kind.as_str(),
                    link.1.key
                ),
            );
        }
    }
    errors.finish()?;
    Ok(())
}

/// The first link of each field to content of a non-public space: every linked kind is looked
/// up once for all fields (a fixed number of queries).
fn private_links<'f>(
    conn: &mut DbConnection,
    fields: &[(&'f str, &str)],
) -> Result<Vec<(&'f str, Linked)>> {
    let links: Vec<(&'f str, Linked)> = fields
        .iter()
        .flat_map(|(field, text)| linked_content(text).into_iter().map(move |l| (*field, l)))
        .collect();
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let keys = |kinds: &[LinkedKind]| -> Vec<String> {
        links
            .iter()
            .filter(|(_, l)| kinds.contains(&l.kind))
            .map(|(_, l)| l.key.clone())
            .collect()
    };
    // An occurrence of a series is `<series id>@<start>`: it lives in the series' space.
    let event_keys: Vec<String> = keys(&[LinkedKind::Event, LinkedKind::Recording])
        .into_iter()
        .flat_map(|k| {
            let series = k.split('@').next().unwrap_or_default().to_owned();
            [k, series]
        })
        .collect();
    let tagged = |kind: LinkedKind, rows: Vec<(String, String)>| {
        rows.into_iter()
            .map(move |(id, space)| (kind, id, space))
            .collect::<Vec<_>>()
    };
    let mut located = tagged(
        LinkedKind::Post,
        repo::post_spaces(conn, &keys(&[LinkedKind::Post]))?,
    );
    located.extend(tagged(
        LinkedKind::Comment,
        repo::comment_spaces(conn, &keys(&[LinkedKind::Comment]))?,
    ));
    located.extend(tagged(
        LinkedKind::Resource,
        repo::resource_spaces(conn, &keys(&[LinkedKind::Resource]))?,
    ));
    let event_spaces = repo::event_spaces(conn, &event_keys)?;
    let spaces = all_spaces(conn)?;
    let public: HashSet<&str> = spaces
        .iter()
        .filter(|s| s.visibility == Visibility::Public)
        .map(|s| s.row.id.as_str())
        .collect();
    let is_private = |link: &Linked| -> bool {
        match link.kind {
            LinkedKind::Space => spaces
                .iter()
                .any(|s| s.row.slug == link.key && s.visibility != Visibility::Public),
            LinkedKind::Event | LinkedKind::Recording => {
                let series = link.key.split('@').next().unwrap_or_default();
                event_spaces
                    .iter()
                    .filter(|(id, _)| *id == link.key || id == series)
                    .any(|(_, space)| !public.contains(space.as_str()))
            }
            kind => located
                .iter()
                .filter(|(k, id, _)| *k == kind && *id == link.key)
                .any(|(_, _, space)| !public.contains(space.as_str())),
        }
    };
    let mut first: Vec<(&'f str, Linked)> = Vec::new();
    for (field, link) in links {
        if is_private(&link) && !first.iter().any(|(f, _)| *f == field) {
            first.push((field, link));
        }
    }
    Ok(first)
}
