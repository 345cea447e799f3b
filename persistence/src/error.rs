//! What can go wrong below the domain: the API maps these to problems without leaking SQL.

use crate::text_enum::UnknownStoredValue;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("row not found")]
    NotFound,
    #[error("unique constraint violated: {0}")]
    UniqueViolation(String),
    #[error("foreign key violated: {0}")]
    ForeignKey(String),
    /// The database is busy or a serialisation conflict happened; the caller may retry.
    #[error("database busy: {0}")]
    Busy(String),
    #[error("database pool: {0}")]
    Pool(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Other(String),
    /// A rule refused the change inside a transaction; carried out unchanged.
    #[error(transparent)]
    Domain(#[from] praxis_domain::Error),
}

impl From<DieselError> for Error {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(kind, info) => {
                let message = info.message().to_owned();
                match kind {
                    DatabaseErrorKind::UniqueViolation => Self::UniqueViolation(message),
                    DatabaseErrorKind::ForeignKeyViolation => Self::ForeignKey(message),
                    DatabaseErrorKind::SerializationFailure => Self::Busy(message),
                    _ if message.contains("database is locked") || message.contains("busy") => {
                        Self::Busy(message)
                    }
                    _ => Self::Other(message),
                }
            }
            // A text column holding no variant of the enum its row expects.
            DieselError::DeserializationError(cause)
                if UnknownStoredValue::find(&*cause).is_some() =>
            {
                Self::Corrupt(UnknownStoredValue::describe(&*cause))
            }
            other => Self::Other(other.to_string()),
        }
    }
}

impl From<r2d2::Error> for Error {
    fn from(err: r2d2::Error) -> Self {
        Self::Pool(err.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
