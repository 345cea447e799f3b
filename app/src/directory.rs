//! The member directory: members who chose to be listed, with what they chose to show (name,
//! bio, languages, time zone, the topics they follow) and nothing about plans, spaces or
//! activity.

use crate::error::Result;
use crate::page::{PageRequest, Paged};
use praxis_domain::account::Languages;
use praxis_persistence::directory;
use praxis_persistence::DbConnection;

/// A listed member as the directory shows them.
#[derive(Debug, Clone)]
pub struct Listing {
    pub id: String,
    pub display_name: String,
    pub bio: Option<String>,
    pub languages: Languages,
    pub time_zone: String,
    pub topics: Vec<String>,
}

/// What to look for: part of a name, a followed topic (by slug).
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub name: Option<String>,
    pub topic: Option<String>,
}

/// A page of listed members, newest first: two queries for any page size.
pub fn list(
    conn: &mut DbConnection,
    search: &Search,
    page: &PageRequest,
) -> Result<Paged<Listing>> {
    let rows = directory::page(
        conn,
        search.name.as_deref(),
        search.topic.as_deref(),
        page.after.clone(),
        page.fetch(),
    )?;
    page.cut(rows, |r| (r.created_at, r.id.clone()))
        .try_map(|rows| {
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            let mut topics = directory::topics_followed(conn, &ids)?;
            Ok(rows
                .into_iter()
                .map(|r| Listing {
                    topics: topics.remove(&r.id).unwrap_or_default(),
                    languages: Languages::from_stored(&r.languages),
                    id: r.id,
                    display_name: r.display_name,
                    bio: r.bio,
                    time_zone: r.time_zone,
                })
                .collect())
        })
}
