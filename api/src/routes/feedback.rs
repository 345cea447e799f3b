//! Feedback on sessions: attendees who RSVP'd give it once after the event; its facilitator
//! and the hosts read the aggregate.

use crate::auth::Member;
use crate::error::ApiResult;
use crate::extract::{Json, PathId};
use crate::responses::{AuthErrors, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use praxis_app::feedback::{self, Summary};
use praxis_domain::feedback::{Feedback, FeedbackDraft};
use praxis_domain::ids::EventId;
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

const PROBLEM: &str = "application/problem+json";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(give_feedback).service(read_feedback);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingsRequest {
    /// 1–5.
    pub clarity: Option<i64>,
    /// 1–5.
    pub engagement: Option<i64>,
    /// 1–5.
    pub usefulness: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "ratings": {"clarity": 5, "engagement": 4, "usefulness": 5},
    "worked": "Practising in threes on real cases.", "try_next": "A little more time per round.",
    "anonymous": true
}))]
pub struct FeedbackRequest {
    pub ratings: RatingsRequest,
    /// What worked (at most 2000 characters).
    #[serde(default)]
    pub worked: Option<String>,
    /// What to try next time (at most 2000 characters).
    #[serde(default)]
    pub try_next: Option<String>,
    /// When true, the facilitator and hosts read the comment without the giver's name.
    #[serde(default)]
    pub anonymous: bool,
}

/// The mean rating of each criterion, to two decimals.
#[derive(Debug, Serialize, ToSchema)]
pub struct AveragesResponse {
    pub clarity: f64,
    pub engagement: f64,
    pub usefulness: f64,
}

/// One comment; an anonymous one carries no author.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackComment {
    pub worked: String,
    pub try_next: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "count": 2, "averages": {"clarity": 4.5, "engagement": 4.0, "usefulness": 5.0},
    "comments": [
        {"worked": "Real cases.", "try_next": "More time.", "author_id": "01938a2a-0000-7000-8000-000000000001", "author_name": "Ana"},
        {"worked": "The pairs.", "try_next": ""}
    ]
}))]
pub struct FeedbackSummaryResponse {
    pub count: usize,
    /// `null` until someone gave feedback.
    pub averages: Option<AveragesResponse>,
    pub comments: Vec<FeedbackComment>,
}

impl From<Summary> for FeedbackSummaryResponse {
    fn from(s: Summary) -> Self {
        Self {
            count: s.count,
            averages: s.averages.map(|a| AveragesResponse {
                clarity: a.clarity,
                engagement: a.engagement,
                usefulness: a.usefulness,
            }),
            comments: s
                .comments
                .into_iter()
                .map(|c| {
                    let (author_id, author_name) = c.author.unzip();
                    FeedbackComment {
                        worked: c.worked,
                        try_next: c.try_next,
                        author_id,
                        author_name,
                    }
                })
                .collect(),
        }
    }
}

/// Gives feedback on an event once, after it ended. Only members who RSVP'd (403
/// `rsvp-required`); 409 `event-not-ended` before its end, `feedback-given` the second time;
/// 422 naming `ratings.<criterion>` for a rating outside 1–5.
#[utoipa::path(tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event or occurrence id")),
    request_body = FeedbackRequest,
    responses(
        (status = 204, description = "Feedback given"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        AuthErrors,
        (status = 403, description = "The caller did not RSVP (`rsvp-required`), or must accept the current terms", body = Problem, content_type = PROBLEM),
        NotVisible,
        (status = 409, description = "The event has not ended (`event-not-ended`), or feedback was given already (`feedback-given`)", body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[post("/events/{id}/feedback")]
pub async fn give_feedback(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<EventId>,
    body: Json<FeedbackRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let given = Feedback::parse(FeedbackDraft {
        clarity: body.ratings.clarity,
        engagement: body.ratings.engagement,
        usefulness: body.ratings.usefulness,
        worked: body.worked,
        try_next: body.try_next,
        anonymous: body.anonymous,
    })?;
    let now = state.now();
    state
        .write(move |c| feedback::give(c, &member.ctx, &id, given, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The feedback on an event: count, averages per criterion and the comments (anonymous ones
/// without author). Its facilitator and the hosts only; 404 for everyone else, attendees
/// included.
#[utoipa::path(tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event or occurrence id")),
    responses(
        (status = 200, description = "The aggregate", body = FeedbackSummaryResponse),
        AuthErrors,
        NotVisible,
    ))]
#[get("/events/{id}/feedback")]
pub async fn read_feedback(
    state: web::Data<AppState>,
    member: Member,
    PathId(id): PathId<EventId>,
) -> ApiResult<HttpResponse> {
    let summary = state
        .read(move |c| feedback::summary(c, &member.ctx, &id))
        .await?;
    Ok(HttpResponse::Ok().json(FeedbackSummaryResponse::from(summary)))
}
