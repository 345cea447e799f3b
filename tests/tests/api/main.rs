//! The integration suite: one binary, a module per resource. Every test gets its own app and
//! database, so tests run in parallel on SQLite (`make test`) and PostgreSQL (`make test-pg`).
// A test that cannot read what it expects should fail loudly, so tests may `expect` and `unwrap`.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod applications;
mod architecture;
mod assignments;
mod audit;
mod auth;
mod billing_helpers;
mod calendar;
mod crash_recovery;
mod currency;
mod discussion_helpers;
mod dto;
mod errors;
mod events;
mod events_confidentiality;
mod feed;
mod helpers;
mod http;
mod hub;
mod hub_billing;
mod list_pages;
mod mail;
mod mail_links;
mod mail_support;
mod messages;
mod moderation;
mod notifications;
mod openapi;
mod persistence;
mod plans;
mod posts;
mod price_assistance;
mod questions;
mod recordings;
mod refunds;
mod reports;
mod resources;
mod routing;
mod search;
mod seats;
mod social_helpers;
mod spaces;
mod subscriptions;
mod upgrade_credit;
