//! The integration suite: one binary, a module per resource. Every test gets its own app and
//! database, so tests run in parallel on SQLite (`make test`) and PostgreSQL (`make test-pg`).

mod applications;
mod audit;
mod auth;
mod billing_helpers;
mod discussion_helpers;
mod errors;
mod feed;
mod helpers;
mod http;
mod hub;
mod hub_billing;
mod mail;
mod mail_support;
mod moderation;
mod notifications;
mod openapi;
mod persistence;
mod plans;
mod posts;
mod price_assistance;
mod refunds;
mod spaces;
mod subscriptions;
