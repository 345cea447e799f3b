//! The public contact form (no sign-in), and the hosts' list of what came in. A filled honeypot
//! (`website`) answers like a real message but stores and sends nothing.

use crate::auth::rate_limit::{client_ip, Limited};
use crate::auth::Host;
use crate::error::ApiResult;
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{HostOnly, Invalid};
use crate::state::AppState;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::contact;
use praxis_domain::contact::{is_robot, ContactDraft};
use praxis_openapi::Problem;
use praxis_persistence::contact::ContactMessageRow;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(send_contact_message)
        .service(list_contact_messages);
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Ana", "email": "ana@example.org", "subject": "Workshops", "body": "Do you run workshops in Spanish?", "website": ""}))]
pub struct ContactRequest {
    /// 1 to 100 characters, one line.
    pub name: String,
    /// Where the answer goes.
    pub email: String,
    /// 1 to 200 characters, one line.
    pub subject: String,
    /// 1 to 5,000 characters.
    pub body: String,
    /// Leave empty: a hidden field only robots fill.
    #[serde(default)]
    pub website: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactAccepted {
    pub message: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactMessageResponse {
    pub id: String,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<ContactMessageRow> for ContactMessageResponse {
    fn from(row: ContactMessageRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            email: row.email,
            subject: row.subject,
            body: row.body,
            created_at: from_db_time(row.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ContactMessagePage {
    pub items: Vec<ContactMessageResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Sends a message to the community: stored for the hosts and mailed to `PRAXIS_CONTACT_TO`
/// (when set) with the sender as `Reply-To`. Rate limited per client IP.
#[utoipa::path(tag = "newsletter", request_body = ContactRequest,
    responses(
        (status = 202, description = "Received", body = ContactAccepted),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        Invalid,
        (status = 429, description = "Rate limited per client IP; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/contact")]
pub async fn send_contact_message(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<ContactRequest>,
) -> ApiResult<HttpResponse> {
    state
        .auth_limiter
        .check(Limited::Contact, client_ip(&req, &state.config))?;
    let body = body.0;
    let answer = HttpResponse::Accepted().json(ContactAccepted {
        message: "Thank you: your message reached the community; we answer by mail.",
    });
    if is_robot(body.website.as_deref()) {
        return Ok(answer);
    }
    let draft = ContactDraft::parse(&body.name, &body.email, &body.subject, &body.body)?;
    let (to, now) = (state.config.contact_to.clone(), state.now());
    state
        .write(move |c| contact::send(c, draft, to.as_deref(), now))
        .await?;
    state.wake_mailer();
    Ok(answer)
}

/// Messages from the contact form, newest first. Hosts only.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(PageParams),
    responses(
        (status = 200, description = "A page of messages", body = ContactMessagePage),
        HostOnly,
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/admin/contact-messages")]
pub async fn list_contact_messages(
    state: web::Data<AppState>,
    _host: Host,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let rows = state
        .read(move |c| contact::list(c, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |r| (r.created_at, r.id.clone()),
        ContactMessageResponse::from,
    );
    Ok(HttpResponse::Ok().json(ContactMessagePage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}
