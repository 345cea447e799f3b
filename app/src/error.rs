//! What a use case can answer: a broken rule (`domain::Error`), a storage failure
//! (`persistence::Error`), or one of the outcomes only a use case knows about — the thing is not
//! visible to this caller, the caller may not do this and why, the state conflicts. The API
//! renders each as an RFC 9457 problem; jobs and the CLI log them.

use praxis_domain::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule of the community was broken (invalid input, a conflict or a refusal the rule
    /// itself decides).
    #[error(transparent)]
    Domain(#[from] praxis_domain::Error),
    /// The database failed, or refused a write (unique or foreign-key violation).
    #[error(transparent)]
    Persistence(#[from] praxis_persistence::Error),
    /// It does not exist, or the caller may not learn that it does: both answer the same.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The caller is known but may not do this, for the reason given.
    #[error("{detail}")]
    Forbidden { kind: &'static str, detail: String },
    /// The request conflicts with the current state.
    #[error("{detail}")]
    Conflict { kind: &'static str, detail: String },
    /// The caller's identity no longer holds (the account was deleted meanwhile).
    #[error("{detail}")]
    Unauthenticated { kind: &'static str, detail: String },
    /// The caller did this too often; they may try again after this many seconds.
    #[error("rate limited: {detail}")]
    RateLimited {
        detail: String,
        retry_after_secs: u64,
    },
    /// Our own data or code broke an invariant; the cause is for the log, not the caller.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn forbidden(kind: &'static str, detail: impl Into<String>) -> Self {
        Self::Forbidden {
            kind,
            detail: detail.into(),
        }
    }

    pub fn conflict(kind: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            kind,
            detail: detail.into(),
        }
    }

    pub fn unauthenticated(kind: &'static str, detail: impl Into<String>) -> Self {
        Self::Unauthenticated {
            kind,
            detail: detail.into(),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    /// Invalid fields, each with its path and a message a person can act on.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Self::Domain(praxis_domain::Error::Validation(errors))
    }

    /// One invalid field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Domain(praxis_domain::Error::field(field, message))
    }

    /// Whether this is a conflict, from the use case or from a rule or a unique constraint.
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            Self::Conflict { .. }
                | Self::Domain(praxis_domain::Error::Conflict { .. })
                | Self::Persistence(praxis_persistence::Error::UniqueViolation(_))
        )
    }

    /// Whether this says "not found" (from the use case, a rule or the database).
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Self::NotFound(_)
                | Self::Domain(praxis_domain::Error::NotFound(_))
                | Self::Persistence(praxis_persistence::Error::NotFound)
        )
    }
}

impl From<praxis_persistence::DieselError> for Error {
    fn from(err: praxis_persistence::DieselError) -> Self {
        Self::Persistence(err.into())
    }
}
