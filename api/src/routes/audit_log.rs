//! The audit log, for admins: who changed what money, seat or decision, before and after. An
//! entry about something in a space shows its `before`/`after` only to an admin who may read that
//! space (see `praxis_app::audit`).

use crate::auth::viewer::Admin;
use crate::error::ApiResult;
use crate::extract::Query;
use crate::pagination::{Page, PageParams};
use crate::responses::AdminOnly;
use crate::state::AppState;
use actix_web::get;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::audit::AuditEntry;
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_log);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01938a2b-7c4e-7cc3-a1a6-0c1b5f7d2e10", "at": "2026-11-23T09:30:00Z",
    "actor_id": "01938a2a-0000-7000-8000-000000000002", "action": "pro_application.approved",
    "subject_type": "pro_application", "subject_id": "01938a2b-0000-7000-8000-000000000003",
    "before": {"status": "submitted"}, "after": {"status": "approved", "note": "Welcome!"},
    "withheld": false
}))]
pub struct AuditEntryResponse {
    pub id: String,
    pub at: DateTime<Utc>,
    /// Who acted; `null` for the system (webhooks, expiry).
    pub actor_id: Option<String>,
    /// `<subject>.<what happened>`, such as `refund_request.approved`.
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    /// The space the subject lives in, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_id: Option<String>,
    /// The subject before the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<serde_json::Value>,
    /// The subject after the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<serde_json::Value>,
    /// `true` when `before` and `after` are left out because the subject lives in a space the
    /// reader may not read (a sealed room they are not in, say): the log tells that it happened,
    /// never what it says.
    pub withheld: bool,
}

/// Stored JSON that no longer parses is shown as the text it is, rather than hidden.
fn json_value(text: Option<String>) -> Option<serde_json::Value> {
    text.map(|t| serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t)))
}

impl From<AuditEntry> for AuditEntryResponse {
    fn from(AuditEntry { row, withheld }: AuditEntry) -> Self {
        Self {
            id: row.id,
            at: from_db_time(row.at),
            actor_id: row.actor_id,
            action: row.action,
            subject_type: row.subject_type,
            subject_id: row.subject_id,
            space_id: row.space_id,
            before: json_value(row.before_json),
            after: json_value(row.after_json),
            withheld,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntryResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The audit log, newest first. Admins only. Every entry is listed; `before` and `after` of an
/// entry in a space the admin may not read are withheld (`withheld: true`).
#[utoipa::path(tag = "admin",
    security(("bearer" = [])), params(PageParams),
    responses(
        (status = 200, description = "A page of audit entries", body = AuditPage),
        AdminOnly,
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/admin/audit-log")]
pub async fn list_audit_log(
    state: web::Data<AppState>,
    admin: Admin,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (limit, after) = (query.0.limit()?, query.0.after()?);
    let rows = state
        .read(move |c| praxis_app::audit::page(c, &admin.0.ctx, after, limit + 1))
        .await?;
    let page = Page::from_rows(
        rows,
        limit,
        |e| (e.row.at, e.row.id.clone()),
        AuditEntryResponse::from,
    );
    Ok(HttpResponse::Ok().json(AuditPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}
