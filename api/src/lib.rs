//! The HTTP API of Praxis: configuration, startup, telemetry, extractors and one module per
//! resource. Rules live in `praxis-domain`, SQL in `praxis-persistence`.

pub mod access;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod demo;
pub mod docs;
pub mod error;
pub mod etag;
pub mod events;
pub mod extract;
pub mod idempotency;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod middleware;
pub mod pagination;
pub mod payments;
pub mod reminders;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;

pub use config::Config;
pub use startup::Application;
