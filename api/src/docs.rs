//! The OpenAPI document: the shared parts declared here, and every operation collected from the
//! handlers as `routes::configure` registers them (a handler's path is written once, beside it).

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    components(schemas(praxis_openapi::Problem, praxis_openapi::FieldProblem)),
    modifiers(&HubTokenScheme),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "me", description = "The caller's own profile"),
        (name = "plans", description = "The plan catalogue"),
        (name = "terms", description = "Terms and Conditions, Member Guidelines and Confidentiality"),
        (name = "spaces", description = "Spaces and who may enter them"),
        (name = "messages", description = "Direct messages between members, and blocking"),
        (name = "moderation", description = "Reports of content, and the hosts' queue"),
        (name = "posts", description = "Posts, comments with replies, reactions and crossposts"),
        (name = "following", description = "Topics, following topics and spaces, and the feed"),
        (name = "notifications", description = "Replies, mentions and new posts in what you follow"),
        (name = "subscriptions", description = "Paid plans, limited places and the waitlist"),
        (name = "payments", description = "The payment provider's webhook"),
        (name = "refunds", description = "Refund quotes and requests"),
        (name = "applications", description = "PRO applications"),
        (name = "hub", description = "The customer hub: sign in by emailed link, billing address, invoices"),
        (name = "events", description = "Monthly themes, events, RSVPs and calendar feeds"),
        (name = "learning", description = "Q&A questions, recordings, assignments and the resource library"),
        (name = "admin", description = "For hosts and admins"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
struct ApiDoc;

/// The customer hub's own bearer token, which API endpoints refuse (and vice versa).
struct HubTokenScheme;

impl utoipa::Modify for HubTokenScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        doc.components.get_or_insert_with(Default::default).add_security_scheme(
            crate::routes::hub::HUB_SECURITY,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Hub token from POST /api/v1/hub/sessions (30 minutes); hub endpoints only.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The complete document, as served at `/api-docs/openapi.json` and committed as `openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    use utoipa_actix_web::AppExt;
    let (_, doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    praxis_openapi::finish(doc)
}

/// The document as pretty JSON with a final newline, as `make openapi` writes it.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}
