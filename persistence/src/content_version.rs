//! The counter that moves forward with every write to what a public list shows (kept by
//! triggers, see the `content_version` migration): nodes tag cached pages with it.

use crate::error::Result;
use crate::schema::content_versions;
use crate::DbConnection;
use diesel::prelude::*;

/// The current value; read it before the data a cached page is built from.
pub fn current(conn: &mut DbConnection) -> Result<i64> {
    Ok(content_versions::table
        .find("content")
        .select(content_versions::version)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}
