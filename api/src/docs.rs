//! The OpenAPI document: every handler's declared paths plus the shared parts.

use crate::routes::{
    applications, assistance, audit_log, auth, health, me, plans, refunds, subscriptions, webhook,
};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        health::health, health::ready, health::metrics,
        auth::register, auth::login, auth::refresh, auth::logout,
        me::get_me, me::patch_me,
        plans::list_plans, plans::update_plan,
        subscriptions::create_subscription, subscriptions::list_subscriptions,
        subscriptions::get_subscription, subscriptions::cancel_subscription,
        subscriptions::join_waitlist, subscriptions::get_waitlist_entry, subscriptions::leave_waitlist,
        webhook::payment_webhook,
        refunds::refund_quote, refunds::create_refund_request, refunds::list_my_refund_requests,
        refunds::list_refund_requests, refunds::decide_refund_request,
        applications::submit_application, applications::my_applications,
        applications::withdraw_application, applications::list_applications,
        applications::decide_application,
        assistance::request_assistance, assistance::my_assistance_requests,
        assistance::list_assistance_requests, assistance::decide_assistance_request,
        audit_log::list_audit_log,
    ),
    components(schemas(praxis_openapi::Problem, praxis_openapi::FieldProblem)),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "me", description = "The caller's own profile"),
        (name = "plans", description = "The plan catalogue"),
        (name = "subscriptions", description = "Paid plans, limited places and the waitlist"),
        (name = "payments", description = "The payment provider's webhook"),
        (name = "refunds", description = "Refund quotes and requests"),
        (name = "applications", description = "PRO applications"),
        (name = "admin", description = "For hosts and admins"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
struct ApiDoc;

/// The complete document, as served at `/api-docs/openapi.json` and committed as `openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    praxis_openapi::finish(ApiDoc::openapi())
}

/// The document as pretty JSON with a final newline, as `make openapi` writes it.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}
