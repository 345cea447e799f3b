//! The parts of the OpenAPI document every resource shares (problem details, security scheme,
//! document info) and the Swagger UI, served from assets vendored at build time.

use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi};
use utoipa::ToSchema;
use utoipa_swagger_ui::SwaggerUi;

pub use utoipa;

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/api-docs/openapi.json";
/// Name of the bearer security scheme handlers refer to.
pub const BEARER: &str = "bearer";
/// The media type of every error response.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Swagger UI's page loads its own script, styles and inline SVG images; nothing else.
pub const SWAGGER_CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
base-uri 'none'; form-action 'none'";

/// An error, as RFC 9457 problem details.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "validation-failed",
    "title": "Invalid input",
    "status": 422,
    "detail": "Some fields are invalid.",
    "errors": [{"field": "password", "message": "must be between 10 and 256 characters"}]
}))]
pub struct Problem {
    /// Stable identifier of this kind of error, such as `plan-full` or `invalid-credentials`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the kind of error.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened in this case, for a person to read.
    pub detail: String,
    /// The request's id, also in the `x-request-id` header; quote it when asking for help.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// For validation failures: each invalid field and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
}

/// One invalid field.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name, as in the request (`prices[0].amount`).
    pub field: String,
    pub message: String,
}

/// Adds the document's info and the bearer security scheme to what the handlers declared.
pub fn finish(mut doc: OpenApi) -> OpenApi {
    doc.info = InfoBuilder::new()
        .title("Praxis API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "The backend of Praxis, an online learning community for practitioners of \
             Sociocracy 3.0. Errors are RFC 9457 problem details (`application/problem+json`). \
             Authenticate with `Authorization: Bearer <access token>` from `POST /api/v1/auth/login`.",
        ))
        .build();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "Access token from POST /api/v1/auth/login (15 minutes).",
                ))
                .build(),
        ),
    );
    doc
}

/// The Swagger UI at `/swagger-ui/`, and the document at [`DOCUMENT_PATH`].
pub fn swagger_ui(doc: OpenApi) -> SwaggerUi {
    SwaggerUi::new("/swagger-ui/{_:.*}").url(DOCUMENT_PATH, doc)
}
