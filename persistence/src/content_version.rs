//! Counters that move forward with every write to what a list of posts shows, kept by triggers
//! in the writing transaction (see the `content_versions_per_space` migration): one per space
//! (`space:<id>`: its posts, their topics, comments and reactions), `shared` (authors' names,
//! spaces and the plans that open them) and `follows` (what members follow). Nodes tag cached
//! pages with the version of what the page depends on, so a write in one space leaves the
//! other spaces' pages current, and a write on any node makes the affected pages stale on all.

use crate::error::Result;
use crate::schema::{content_versions, spaces};
use crate::DbConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

/// What a cached page depends on.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// A list of one space's posts, by the space's slug.
    Space(&'a str),
    /// Lists across spaces and follows (a member's feed).
    Everything,
}

/// The version a page of `scope` is current at (counters only grow, so their sum moves with
/// each write that counts); read it before the data the page is built from.
pub fn current(conn: &mut DbConnection, scope: Scope<'_>) -> Result<i64> {
    let versions: Vec<i64> = match scope {
        Scope::Space(slug) => {
            // Built from typed parts (no SQL literal) so the statement stays in the prepared
            // statement cache: this runs on every cached page served.
            let space_counter = spaces::table
                .filter(spaces::slug.eq(slug))
                .select("space:".into_sql::<Text>().concat(spaces::id));
            content_versions::table
                .filter(
                    content_versions::name
                        .eq("shared")
                        .or(content_versions::name.eq_any(space_counter)),
                )
                .select(content_versions::version)
                .load(conn)?
        }
        Scope::Everything => content_versions::table
            .select(content_versions::version)
            .load(conn)?,
    };
    Ok(versions.into_iter().sum())
}
