//! Hosts define the topics members follow and tag posts with.

use crate::auth::Host;
use crate::dto::content::TopicResponse;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::responses::{HostOnly, Invalid};
use crate::state::AppState;
use actix_web::post;
use actix_web::{web, HttpResponse};
use praxis_app::topics::{self, NewTopic};
use praxis_openapi::Problem;
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

impl TryFrom<CreateTopicRequest> for NewTopic {
    type Error = praxis_domain::Error;

    fn try_from(body: CreateTopicRequest) -> Result<Self, Self::Error> {
        NewTopic::parse(&body.slug, &body.name, body.description.as_deref())
    }
}

/// Defines a topic. Hosts and admins; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    request_body = CreateTopicRequest,
    responses(
        (status = 201, description = "Created", body = TopicResponse),
        HostOnly,
        (status = 409, description = "Slug taken (`topic-exists`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/admin/topics")]
pub async fn create_topic(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<CreateTopicRequest>,
) -> ApiResult<HttpResponse> {
    let topic = NewTopic::try_from(body.0)?;
    let now = state.now();
    let topic = state
        .write(move |c| topics::define(c, &host.ctx, topic, now))
        .await?;
    Ok(HttpResponse::Created().json(TopicResponse::from(topic)))
}
