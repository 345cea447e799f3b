//! The integration suite: one binary, a module per resource. Every test gets its own app and
//! database, so tests run in parallel on SQLite (`make test`) and PostgreSQL (`make test-pg`).

mod applications;
mod assignments;
mod audit;
mod auth;
mod billing_helpers;
mod errors;
mod helpers;
mod http;
mod hub;
mod hub_billing;
mod mail;
mod mail_support;
mod openapi;
mod persistence;
mod plans;
mod price_assistance;
mod questions;
mod recordings;
mod refunds;
mod resources;
mod spaces;
mod subscriptions;
