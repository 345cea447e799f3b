//! Diesel over SQLite and PostgreSQL: one portable schema, rows, repositories and migrations.
//!
//! Every function here is synchronous and must run on the blocking pool.

pub mod academy;
pub mod account_tokens;
pub mod applications;
pub mod assistance;
pub mod audit;
pub mod badges;
pub mod billing_addresses;
pub mod bulk;
pub mod circles;
pub mod comments;
pub mod connection;
pub mod contact;
pub mod content_version;
pub mod course_members;
pub mod course_orders;
pub mod courses;
pub mod decisions;
pub mod directory;
pub mod error;
pub mod events;
pub mod export_files;
pub mod giveback;
pub mod idempotency;
pub mod invoices;
pub mod job_claims;
pub mod keyset;
pub mod learning;
pub mod local_provider;
pub mod magic_links;
pub mod mentoring;
pub mod messages;
pub mod migrations;
pub mod newsletter;
pub mod newsletter_issues;
pub mod notification_mail;
pub mod notifications;
pub mod outbox;
pub mod payments;
pub mod personal_data;
pub mod plans;
pub mod pods;
pub mod posts;
#[cfg(test)]
mod query_plans;
pub mod refunds;
pub mod renewals;
pub mod reports;
pub mod schema;
pub mod search;
pub mod settings;
pub mod spaces;
pub mod subscriptions;
pub mod support;
pub mod terms;
pub mod text_enum;
pub mod tokens;
pub mod users;
pub mod viewer;
pub mod waitlist;
pub mod webhooks;

pub use connection::{savepoint, write_tx, Database, DbConnection, Engine, PoolState};
pub use diesel::result::Error as DieselError;
pub use error::{Error, Result};

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// Instants are stored as UTC without zone, truncated to microseconds: PostgreSQL keeps
/// microseconds and SQLite would keep nanoseconds, and both engines must return the same instant.
pub fn to_db_time(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc().trunc_subsecs(6)
}

pub fn from_db_time(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}
