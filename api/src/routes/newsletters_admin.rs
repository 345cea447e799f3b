//! Hosts write newsletter issues for a language and follow each one's delivery. Issues go to
//! confirmed subscribers through the mail outbox, a budget per minute (`PRAXIS_NEWSLETTER_PER_MINUTE`)
//! at a time, by the job tick. Audited.

use crate::auth::Host;
use crate::error::ApiResult;
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{HostOnly, Invalid};
use crate::state::AppState;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::newsletter_issues;
use praxis_domain::newsletter::IssueDraft;
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use praxis_persistence::newsletter_issues::{Counts, IssueRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(send_newsletter).service(list_newsletters);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subject": "News from the community", "body": "# Hello\n\nThis month…", "language": "en"}))]
pub struct NewsletterRequest {
    /// 1 to 200 characters.
    pub subject: String,
    /// Markdown, 1 to 50,000 characters, mailed as written.
    pub body: String,
    /// To the subscribers of `en` or `es`.
    pub language: String,
}

/// An issue queued, and to how many confirmed subscribers.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsletterQueued {
    pub id: String,
    pub recipients: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewsletterResponse {
    pub id: String,
    pub subject: String,
    pub language: String,
    pub created_at: DateTime<Utc>,
    pub recipients: i32,
    /// Not sent yet: waiting for the budget per minute, or in the outbox.
    pub queued: i64,
    pub sent: i64,
    /// The last attempt failed; the outbox tries again.
    pub failed: i64,
}

impl NewsletterResponse {
    fn new(row: IssueRow, counts: Counts) -> Self {
        Self {
            id: row.id,
            subject: row.subject,
            language: row.language,
            created_at: from_db_time(row.created_at),
            recipients: row.recipients,
            queued: counts.queued,
            sent: counts.sent,
            failed: counts.failed,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NewsletterPage {
    pub items: Vec<NewsletterResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Queues an issue to every confirmed subscriber of its language. Mail leaves at most
/// `PRAXIS_NEWSLETTER_PER_MINUTE` a minute, each with its recipient's unsubscribe link. Hosts
/// only; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])), request_body = NewsletterRequest,
    responses(
        (status = 202, description = "Queued", body = NewsletterQueued),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        HostOnly,
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[post("/admin/newsletters")]
pub async fn send_newsletter(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<NewsletterRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.0;
    let draft = IssueDraft::parse(&body.subject, &body.body, &body.language)?;
    let now = state.now();
    let row = state
        .write(move |c| newsletter_issues::send(c, &host.id, draft, now))
        .await?;
    Ok(HttpResponse::Accepted().json(NewsletterQueued {
        id: row.id,
        recipients: row.recipients,
    }))
}

/// Issues, newest first, with how many of each are queued, sent and failed. Hosts only.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(PageParams),
    responses(
        (status = 200, description = "A page of issues", body = NewsletterPage),
        HostOnly,
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/admin/newsletters")]
pub async fn list_newsletters(
    state: web::Data<AppState>,
    _host: Host,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let rows = state
        .read(move |c| newsletter_issues::list(c, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |(r, _)| (r.created_at, r.id.clone()),
        |(r, c)| NewsletterResponse::new(r, c),
    );
    Ok(HttpResponse::Ok().json(NewsletterPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}
