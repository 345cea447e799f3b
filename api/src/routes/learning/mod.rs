//! Learning: Q&A questions on events, recordings with chapters, assignments with submissions
//! and feedback, and the resource library. Everything here belongs to a space and is read
//! through `praxis_app::access`: outside the space it answers 404.

pub mod assignments;
pub mod questions;
pub mod recordings;
pub mod resources;
pub mod submissions;

use crate::error::{ApiError, ApiResult};
use base64::Engine;
use praxis_app::access::{content_denied, Space, ViewerContext};
use praxis_domain::access::Access;
use praxis_domain::FieldError;
use praxis_persistence::learning::{find_event, EventRef};
use praxis_persistence::{spaces, DbConnection};
use serde::Serialize;
use utoipa::ToSchema;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    questions::configure(cfg);
    recordings::configure(cfg);
    assignments::configure(cfg);
    submissions::configure(cfg);
    resources::configure(cfg);
}

/// A member as lists show them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorResponse {
    pub id: String,
    pub display_name: String,
}

pub(crate) fn author(
    names: &std::collections::HashMap<String, String>,
    id: &str,
) -> AuthorResponse {
    AuthorResponse {
        id: id.to_owned(),
        display_name: names.get(id).cloned().unwrap_or_default(),
    }
}

/// A space by id (content rows name their space by id).
pub(crate) fn space_by_id(conn: &mut DbConnection, id: &str) -> ApiResult<Space> {
    spaces::find_by_ids(conn, &[id.to_owned()])?
        .pop()
        .map(Space::from_row)
        .transpose()?
        .ok_or(ApiError::NotFound("space"))
}

/// The space of some content, if the caller may read it; 404 otherwise.
pub(crate) fn readable_content_space(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    space_id: &str,
) -> ApiResult<Space> {
    let space = space_by_id(conn, space_id)?;
    match ctx.access(&space) {
        Access::Granted => Ok(space),
        denied => Err(content_denied(denied).into()),
    }
}

/// The caller must be able to take part in the space (members who accepted the terms).
pub(crate) fn require_write(ctx: &ViewerContext, space: &Space) -> ApiResult<()> {
    match ctx.write_access(space) {
        Access::Granted => Ok(()),
        Access::Denied {
            denial: praxis_domain::access::Denial::SignInRequired,
            reason,
        } => Err(ApiError::unauthorized("authentication-required", reason)),
        denied => Err(content_denied(denied).into()),
    }
}

/// An event the caller may read, with its space; 404 for an unknown event or one outside.
pub(crate) fn readable_event(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    event_id: &str,
) -> ApiResult<(EventRef, Space)> {
    let not_found = |e: ApiError| match e {
        ApiError::NotFound(_) => ApiError::NotFound("event"),
        other => other,
    };
    if let Some(event) = find_event(conn, event_id)? {
        let space = readable_content_space(conn, ctx, &event.space_id).map_err(not_found)?;
        return Ok((event, space));
    }
    // An occurrence of a series (`<series id>@<start>`): questions and recordings hang on its own
    // row, made the first time a reader who may see it asks for it. The space is checked before
    // anything is written, so outsiders never create rows.
    let occurrence_id = praxis_domain::events::EventRef::parse(event_id)
        .map_err(|_| ApiError::NotFound("event"))?;
    let praxis_domain::events::EventRef::Occurrence {
        series_id,
        original_start,
    } = &occurrence_id
    else {
        return Err(ApiError::NotFound("event"));
    };
    let occurrence = praxis_app::events::find_occurrence(conn, &occurrence_id)?
        .ok_or(ApiError::NotFound("event"))?;
    let space = readable_content_space(conn, ctx, &occurrence.space_id).map_err(not_found)?;
    let start = praxis_persistence::to_db_time(*original_start);
    let row_id = match praxis_persistence::events::find_override(conn, series_id, start)? {
        Some(row) => row.id,
        None => match praxis_app::events::materialize(conn, &occurrence, chrono::Utc::now()) {
            Ok(id) => id,
            // Another request made the row at the same moment: use theirs.
            Err(e) if e.is_conflict() => {
                praxis_persistence::events::find_override(conn, series_id, start)?
                    .map(|row| row.id)
                    .ok_or(ApiError::NotFound("event"))?
            }
            Err(other) => return Err(other.into()),
        },
    };
    let event = find_event(conn, &row_id)?.ok_or(ApiError::NotFound("event"))?;
    Ok((event, space))
}

/// Opaque cursors over several sort keys (votes, instants, ids…), for lists whose order is not
/// just `(instant, id)`.
pub(crate) mod cursor {
    use super::*;

    const SEP: char = '\u{1f}';

    pub fn encode(parts: &[String]) -> String {
        let raw = parts.join(&SEP.to_string());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    }

    fn invalid() -> ApiError {
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
