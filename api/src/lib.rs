//! The HTTP API of Praxis: configuration, startup, telemetry, extractors and one module per
//! resource. Rules live in `praxis-domain`, SQL in `praxis-persistence`.

pub mod auth;
pub mod bench_seed;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod docs;
pub mod dto;
pub mod error;
pub mod etag;
pub mod extract;
pub mod idempotency;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod middleware;
pub mod page_cache;
pub mod pagination;
pub mod payments;
pub mod responses;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod webhooks;

pub use config::Config;
pub use startup::Application;
