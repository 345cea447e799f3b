//! Hosts define the topics members follow and tag posts with.

use crate::auth::Caller;
use crate::dto::content::TopicResponse;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::state::AppState;
use actix_web::post;
use actix_web::{web, HttpResponse};
use praxis_domain::error::Errors;
use praxis_openapi::Problem;
use praxis_persistence::posts::{self, TopicRow};
use praxis_persistence::to_db_time;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_topic);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slug": "retrospectives", "name": "Retrospectives", "description": "Learning from what happened."}))]
pub struct CreateTopicRequest {
    /// Lower-case letters, digits and dashes, 2–60 characters.
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
}

/// Defines a topic. Hosts and admins; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    request_body = CreateTopicRequest,
    responses(
        (status = 201, description = "Created", body = TopicResponse),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a host or admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug taken (`topic-exists`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/topics")]
pub async fn create_topic(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateTopicRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_host(&state).await?;
    let body = body.0;
    let mut errors = Errors::new();
    let slug_ok = (2..=60).contains(&body.slug.len())
        && body
            .slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug_ok {
        errors.push("slug", "must be 2–60 lower-case letters, digits and dashes");
    }
    let name = body.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 80 {
        errors.push("name", "must be between 1 and 80 characters");
    }
    let description = body.description.unwrap_or_default().trim().to_owned();
    if description.chars().count() > 1000 {
        errors.push("description", "must be at most 1000 characters");
    }
    errors.finish()?;
    let now = state.now();
    let row = TopicRow {
        slug: body.slug,
        name,
        description,
        created_at: to_db_time(now),
    };
    let actor = caller.user_id;
    let row = state
        .db_write(move |conn| {
            match posts::insert_topic(conn, &row) {
                Err(praxis_persistence::Error::UniqueViolation(_)) => {
                    return Err(ApiError::Conflict {
                        kind: "topic-exists",
                        detail: "A topic with this slug exists.".into(),
                    })
                }
                other => other?,
            }
            praxis_persistence::audit::record(
                conn,
                &praxis_app::audit::entry::<(), _>(
                    Some(&actor),
                    "topic.created",
                    "topic",
                    &row.slug,
                    None,
                    Some(&serde_json::json!({"name": row.name})),
                    now,
                ),
            )?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(TopicResponse {
        slug: row.slug,
        name: row.name,
        description: row.description,
        following: false,
    }))
}
