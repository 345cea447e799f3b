//! The integration suite: one binary, a module per resource. Every test gets its own app and
//! database, so tests run in parallel on SQLite (`make test`) and PostgreSQL (`make test-pg`).

mod auth;
mod errors;
mod helpers;
mod http;
mod hub;
mod mail;
mod mail_support;
mod openapi;
mod persistence;
mod plans;
