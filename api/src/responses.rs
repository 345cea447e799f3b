//! Error responses shared by many operations, listed in `#[utoipa::path(responses(...))]` by
//! name instead of one line per status on every handler. Each renders as an RFC 9457 problem
//! (`application/problem+json`) whose `type` tells the cases apart.

use praxis_openapi::Problem;
use utoipa::IntoResponses;

/// For endpoints that need a signed-in member.
#[derive(IntoResponses)]
pub enum AuthErrors {
    /// Not authenticated: no token, or an invalid or expired one (`authentication-required`,
    /// `invalid-token`).
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthenticated(Problem),
}

/// For endpoints open to visitors that still refuse a bad token.
#[derive(IntoResponses)]
pub enum BadToken {
    /// An invalid or expired token was sent (`invalid-token`), or the space needs signing in.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthenticated(Problem),
}

/// For what lives in a space: outsiders learn nothing, not even that it exists.
#[derive(IntoResponses)]
pub enum NotVisible {
    /// No such thing, or not visible to the caller (`not-found`).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
}

/// For host tools.
#[derive(IntoResponses)]
pub enum HostOnly {
    /// Not authenticated.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthenticated(Problem),
    /// Only hosts and admins may do this (`host-role-required`).
    #[response(status = 403, content_type = "application/problem+json")]
    NotHost(Problem),
}

/// For admin tools.
#[derive(IntoResponses)]
pub enum AdminOnly {
    /// Not authenticated.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthenticated(Problem),
    /// Only admins may do this (`admin-role-required`).
    #[response(status = 403, content_type = "application/problem+json")]
    NotAdmin(Problem),
}

/// For endpoints that read a body or query: fields that do not parse or break a rule.
#[derive(IntoResponses)]
pub enum Invalid {
    /// Invalid fields (`validation-failed`), each named in `errors` with its path.
    #[response(status = 422, content_type = "application/problem+json")]
    Validation(Problem),
}
