//! Learning: Q&A questions, recordings with chapters, assignments with submissions and feedback,
//! and the resource library.

pub mod assignments;
pub mod derivations;
pub mod questions;
pub mod recordings;
pub mod resources;

use crate::error::Result;
use crate::schema::events;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::expression::functions::declare_sql_function;
use diesel::prelude::*;
use diesel::sql_types::Text;

#[declare_sql_function]
extern "SQL" {
    /// `lower()` exists on both engines; LIKE over it is a case-insensitive search on both.
    fn lower(x: Text) -> Text;
}

/// A LIKE pattern matching `needle` anywhere, lower-cased, with `%`, `_` and `\` escaped (use
/// with `.escape('\\')`).
pub fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// What learning needs of an event: where it belongs and when it happens.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRef {
    pub id: String,
    pub title: String,
    pub space_id: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub status: String,
}

pub fn find_event(conn: &mut DbConnection, id: &str) -> Result<Option<EventRef>> {
    Ok(events::table
        .filter(events::id.eq(id))
        .select(EventRef::as_select())
        .first(conn)
        .optional()?)
}
