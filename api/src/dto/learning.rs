//! Pieces the learning resources (questions, recordings, assignments, submissions, resources)
//! answer alike: members as lists show them, and opaque cursors over several sort keys.

use crate::error::{ApiError, ApiResult};
use base64::Engine;
use chrono::{DateTime, Utc};
use praxis_app::resources::ResourceView;
use praxis_domain::FieldError;
use praxis_persistence::from_db_time;
use serde::Serialize;
use utoipa::ToSchema;

/// A member as lists show them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorResponse {
    pub id: String,
    pub display_name: String,
}

impl AuthorResponse {
    pub fn new(id: impl Into<String>, display_name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            display_name: display_name.into(),
        }
    }
}

/// An assignment, as its own routes and a theme's page answer it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentResponse {
    pub id: String,
    /// The slug of its space.
    pub space: String,
    pub theme_id: Option<String>,
    pub title: String,
    pub instructions: String,
    pub due_at: chrono::DateTime<chrono::Utc>,
    /// Whether submissions are still taken and edited.
    pub open: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<praxis_app::assignments::AssignmentView> for AssignmentResponse {
    fn from(view: praxis_app::assignments::AssignmentView) -> Self {
        let row = view.row;
        Self {
            id: row.id,
            space: view.space_slug,
            theme_id: row.theme_id,
            title: row.title,
            instructions: row.instructions,
            open: view.open,
            due_at: praxis_persistence::from_db_time(row.due_at),
            created_at: praxis_persistence::from_db_time(row.created_at),
        }
    }
}

/// Opaque cursors over several sort keys (votes, instants, ids…), for lists whose order is not
/// just `(instant, id)`.
pub mod cursor {
    use super::*;

    const SEP: char = '\u{1f}';

    pub fn encode(parts: &[String]) -> String {
        let raw = parts.join(&SEP.to_string());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    }

    pub fn invalid() -> ApiError {
        ApiError::Validation(vec![FieldError::new(
            "cursor",
            "is not a cursor this API returned",
        )])
    }

    pub fn decode(cursor: &str, parts: usize) -> ApiResult<Vec<String>> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(cursor)
            .map_err(|_| invalid())?;
        let raw = String::from_utf8(bytes).map_err(|_| invalid())?;
        let split: Vec<String> = raw.split(SEP).map(str::to_owned).collect();
        if split.len() == parts {
            Ok(split)
        } else {
            Err(invalid())
        }
    }

    pub fn micros(at: chrono::NaiveDateTime) -> String {
        at.and_utc().timestamp_micros().to_string()
    }

    pub fn instant(raw: &str) -> ApiResult<chrono::NaiveDateTime> {
        let micros: i64 = raw.parse().map_err(|_| invalid())?;
        chrono::DateTime::from_timestamp_micros(micros)
            .map(|t| t.naive_utc())
            .ok_or_else(invalid)
    }

    pub fn int(raw: &str) -> ApiResult<i32> {
        raw.parse().map_err(|_| invalid())
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TranslationLink {
    pub id: String,
    pub language: String,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
/// A library resource, as its own routes and a theme's page answer it.
pub struct ResourceResponse {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub body_or_url: String,
    pub language: String,
    pub visibility: String,
    /// The slug of the space a `space` resource is limited to.
    pub space: Option<String>,
    pub org_type: Option<String>,
    /// The monthly theme it belongs to.
    pub theme_id: Option<String>,
    /// The same resource in other languages, those the caller may see.
    pub translations: Vec<TranslationLink>,
    pub created_at: DateTime<Utc>,
}

impl From<ResourceView> for ResourceResponse {
    fn from(view: ResourceView) -> Self {
        let row = view.row;
        Self {
            translations: view
                .translations
                .into_iter()
                .map(|s| TranslationLink {
                    id: s.id,
                    language: s.language,
                    title: s.title,
                })
                .collect(),
            space: view.space_slug,
            id: row.id,
            kind: row.kind,
            title: row.title,
            summary: row.summary,
            body_or_url: row.body_or_url,
            language: row.language,
            visibility: row.visibility,
            org_type: row.org_type,
            theme_id: row.theme_id,
            created_at: from_db_time(row.created_at),
        }
    }
}
