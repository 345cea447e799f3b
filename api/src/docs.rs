//! The OpenAPI document: the shared parts declared here, and every operation collected from the
//! handlers as `routes::configure` registers them (a handler's path is written once, beside it).

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    components(schemas(praxis_openapi::Problem, praxis_openapi::FieldProblem)),
    modifiers(&HubTokenScheme),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "me", description = "The caller's own profile, address, password, sessions and personal data"),
        (name = "members", description = "The member directory (opt-in)"),
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
        (name = "circles", description = "Circles: named groups deciding by consent, each with a sealed space"),
        (name = "decisions", description = "Consent decisions: proposals, versions, rounds, objections and agreements"),
        (name = "badges", description = "Badges awarded by peer consent, and their Open Badges 3.0 credentials"),
        (name = "academy", description = "The Sociocracy Academy: enrolments, cohorts, implementation circles, mentor matching, pods and the superpod"),
        (name = "newsletter", description = "The mailing list: double opt-in, confirm and unsubscribe links"),
        (name = "admin", description = "For hosts and admins"),
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "development", description = "For development only, each behind its setting: the development clock and paying with the local provider"),
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
    let mut doc = praxis_openapi::finish(doc);
    document_extractor_answers(&mut doc);
    doc
}

/// What the shared extractors answer before a handler runs, added to every operation that uses
/// them so no handler has to list them: a JSON body ([`crate::extract::Json`]) can be malformed
/// (400), too large (413), of another media type (415) or of the wrong shape (422); a query
/// ([`crate::extract::Query`]) can break its rules (422); a path id that cannot be an id is a
/// 404; a bearer-protected operation refuses a missing or bad token (401). An operation that
/// already documents one of these keeps its own, more precise, description.
fn document_extractor_answers(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let parameters = operation.parameters.as_deref().unwrap_or_default();
            let has_query = parameters
                .iter()
                .any(|p| p.parameter_in == ParameterIn::Query);
            let has_path = parameters
                .iter()
                .any(|p| p.parameter_in == ParameterIn::Path);
            let has_bearer = operation.security.as_ref().is_some_and(|requirements| {
                serde_json::to_value(requirements).is_ok_and(|v| {
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .any(|requirement| requirement.get(praxis_openapi::BEARER).is_some())
                })
            });
            let mut answers: Vec<(&str, &str)> = Vec::new();
            if operation.request_body.is_some() {
                answers.extend([
                    ("400", "The body is not valid JSON (`malformed-request`)."),
                    (
                        "413",
                        "The body is larger than `PRAXIS_BODY_LIMIT_BYTES` (`payload-too-large`).",
                    ),
                    (
                        "415",
                        "The body is not sent as `application/json` (`unsupported-media-type`).",
                    ),
                    (
                        "422",
                        "Invalid fields (`validation-failed`), each named in `errors` with its path.",
                    ),
                ]);
            }
            if has_query {
                answers.push((
                    "422",
                    "Invalid query parameters (`validation-failed`), each named in `errors`.",
                ));
            }
            if has_path {
                answers.push((
                    "404",
                    "No such thing, or not visible to the caller (`not-found`).",
                ));
            }
            if has_bearer {
                answers.push((
                    "401",
                    "Not authenticated: no token, or an invalid or expired one.",
                ));
            }
            for (status, description) in answers {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem_response(description));
            }
        }
    }
}

fn problem_response(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

/// The document as pretty JSON with a final newline, as `make openapi` writes it.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}
