//! One module per resource; each exposes its handlers, and `configure` mounts them all.

pub mod applications;
pub mod assistance;
pub mod audit_log;
pub mod auth;
pub mod calendar;
pub mod comments;
pub mod events;
pub mod events_admin;
pub mod follows;
pub mod health;
pub mod hub;
pub mod hub_billing;
pub mod learning;
pub mod me;
pub mod messages;
pub mod moderation;
pub mod notifications;
pub mod plans;
pub mod posts;
pub mod refunds;
pub mod reports;
pub mod search;
pub mod spaces;
pub mod subscriptions;
pub mod terms;
pub mod topics_admin;
pub mod webhook;

use crate::error::{problem_for_status, problem_response};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/health").route(web::get().to(health::health)))
        .service(web::resource("/ready").route(web::get().to(health::ready)))
        .service(web::resource("/metrics").route(web::get().to(health::metrics)))
        .service(
            web::scope("/api/v1")
                .configure(auth::configure)
                .configure(me::configure)
                .configure(terms::configure)
                .configure(spaces::configure)
                .configure(search::configure)
                .configure(messages::configure)
                .configure(reports::configure)
                .configure(posts::configure)
                .configure(comments::configure)
                .configure(moderation::configure)
                .configure(follows::configure)
                .configure(topics_admin::configure)
                .configure(notifications::configure)
                .configure(plans::configure)
                .configure(subscriptions::configure)
                .configure(refunds::configure)
                .configure(webhook::configure)
                .configure(applications::configure)
                .configure(assistance::configure)
                .configure(audit_log::configure)
                .configure(hub::configure)
                .configure(hub_billing::configure)
                .configure(events::configure)
                .configure(events_admin::configure)
                .configure(calendar::configure)
                .configure(learning::configure),
        );
}

/// Any path no resource matches.
pub async fn not_found() -> HttpResponse {
    problem_response(&problem_for_status(StatusCode::NOT_FOUND))
}
