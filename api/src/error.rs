//! One error type for every handler, rendered as RFC 9457 problem details. Causes of internal
//! errors go to the log; the response says only that something went wrong and the request id.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use praxis_domain::FieldError;
use praxis_openapi::{FieldProblem, Problem, PROBLEM_JSON};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{detail}")]
    Unauthorized { kind: &'static str, detail: String },
    #[error("{detail}")]
    Forbidden { kind: &'static str, detail: String },
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{detail}")]
    Conflict { kind: &'static str, detail: String },
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("request body too large")]
    PayloadTooLarge { limit: usize },
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn unauthorized(kind: &'static str, detail: impl Into<String>) -> Self {
        Self::Unauthorized {
            kind,
            detail: detail.into(),
        }
    }

    pub fn forbidden(kind: &'static str, detail: impl Into<String>) -> Self {
        Self::Forbidden {
            kind,
            detail: detail.into(),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    fn kind(&self) -> &str {
        match self {
            Self::BadRequest(_) => "malformed-request",
            Self::Unauthorized { kind, .. }
            | Self::Forbidden { kind, .. }
            | Self::Conflict { kind, .. } => kind,
            Self::NotFound(_) => "not-found",
            Self::Validation(_) => "validation-failed",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::PayloadTooLarge { .. } => "payload-too-large",
            Self::RateLimited { .. } => "rate-limited",
            Self::Unavailable(_) => "service-unavailable",
            Self::Internal(_) => "internal-error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::NotFound(what) => format!("No {what} here, or it is not visible to you."),
            Self::Validation(_) => "Some fields are invalid; see errors.".to_owned(),
            Self::PayloadTooLarge { limit } => {
                format!("The request body is larger than the limit of {limit} bytes.")
            }
            Self::RateLimited { retry_after_secs } => {
                format!("Too many requests; try again in {retry_after_secs} seconds.")
            }
            Self::Unavailable(_) => {
                "The service is briefly unavailable; please try again.".to_owned()
            }
            Self::Internal(_) => {
                "Something went wrong on our side. It has been logged; quote the request id \
                 if you contact us."
                    .to_owned()
            }
            other => other.to_string(),
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        Problem {
            problem_type: self.kind().to_owned(),
            title: title(status).to_owned(),
            status: status.as_u16(),
            detail: self.detail(),
            instance: None,
            errors: match self {
                Self::Validation(errors) => Some(
                    errors
                        .iter()
                        .map(|e| FieldProblem {
                            field: e.field.clone(),
                            message: e.message.clone(),
                        })
                        .collect(),
                ),
                _ => None,
            },
        }
    }
}

/// The title of a problem: the same for every problem of a status.
pub fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Malformed request",
        401 => "Not authenticated",
        403 => "Not allowed",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Request body too large",
        415 => "Unsupported media type",
        422 => "Invalid input",
        429 => "Too many requests",
        503 => "Service unavailable",
        _ => status.canonical_reason().unwrap_or("Error"),
    }
}

/// A problem response for a status actix produced itself (unknown route, wrong method…).
pub fn problem_for_status(status: StatusCode) -> Problem {
    let (kind, detail) = match status.as_u16() {
        404 => ("not-found", "No such resource."),
        405 => (
            "method-not-allowed",
            "This resource does not accept that method.",
        ),
        413 => ("payload-too-large", "The request body is too large."),
        400 => ("malformed-request", "The request could not be read."),
        _ if status.is_server_error() => ("internal-error", "Something went wrong on our side."),
        _ => ("error", "The request failed."),
    };
    Problem {
        problem_type: kind.to_owned(),
        title: title(status).to_owned(),
        status: status.as_u16(),
        detail: detail.to_owned(),
        instance: None,
        errors: None,
    }
}

pub fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .body(body)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(cause = %cause, "internal error"),
            Self::Unavailable(cause) => tracing::warn!(cause = %cause, "unavailable"),
            _ => {}
        }
        let mut response = problem_response(&self.problem());
        if let Self::RateLimited { retry_after_secs } = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(*retry_after_secs),
            );
        }
        if let Self::Unavailable(_) = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(1u32));
        }
        if let Self::Unauthorized { .. } = self {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

impl From<praxis_domain::Error> for ApiError {
    fn from(err: praxis_domain::Error) -> Self {
        use praxis_domain::Error as E;
        match err {
            E::Validation(errors) => Self::Validation(errors),
            E::NotFound(what) => Self::NotFound(what),
            E::Conflict { kind, detail } => Self::Conflict { kind, detail },
            E::Forbidden { kind, detail } => Self::Forbidden { kind, detail },
        }
    }
}

impl From<praxis_persistence::Error> for ApiError {
    fn from(err: praxis_persistence::Error) -> Self {
        use praxis_persistence::Error as E;
        match err {
            E::NotFound => Self::NotFound("resource"),
            E::UniqueViolation(_) => Self::Conflict {
                kind: "conflict",
                detail: "This conflicts with something that already exists.".to_owned(),
            },
            // Something the request refers to was removed meanwhile (an account deleted while
            // its token was still valid, say): the client's view is stale, not our failure.
            E::ForeignKey(_) => Self::Conflict {
                kind: "stale-reference",
                detail: "This refers to something that no longer exists.".to_owned(),
            },
            E::Busy(cause) | E::Pool(cause) => Self::Unavailable(cause),
            E::Domain(domain) => domain.into(),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::Internal(format!("blocking pool: {err}"))
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

impl From<praxis_persistence::DieselError> for ApiError {
    fn from(err: praxis_persistence::DieselError) -> Self {
        praxis_persistence::Error::from(err).into()
    }
}

impl From<praxis_app::Error> for ApiError {
    fn from(err: praxis_app::Error) -> Self {
        use praxis_app::Error as E;
        match err {
            E::Domain(domain) => domain.into(),
            E::Persistence(persistence) => persistence.into(),
            E::NotFound(what) => Self::NotFound(what),
            E::Forbidden { kind, detail } => Self::Forbidden { kind, detail },
            E::Conflict { kind, detail } => Self::Conflict { kind, detail },
            E::Unauthenticated { kind, detail } => Self::Unauthorized { kind, detail },
            E::RateLimited {
                retry_after_secs, ..
            } => Self::RateLimited { retry_after_secs },
            E::Internal(cause) => Self::Internal(cause),
        }
    }
}
