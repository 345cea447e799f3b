//! The integration suite: one binary, a module per resource. Every test gets its own app and
//! database, so tests run in parallel on SQLite (`make test`) and PostgreSQL (`make test-pg`).

mod auth;
mod billing_helpers;
mod errors;
mod helpers;
mod http;
mod openapi;
mod persistence;
mod plans;
mod refunds;
mod subscriptions;
