//! One module per resource; each exposes its handlers, and `configure` mounts them all.

pub mod auth;
pub mod billing_address;
pub mod health;
pub mod hub;
pub mod invoices;
pub mod me;
pub mod plans;

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
                .configure(plans::configure)
                .configure(hub::configure),
        );
}

/// Any path no resource matches.
pub async fn not_found() -> HttpResponse {
    problem_response(&problem_for_status(StatusCode::NOT_FOUND))
}
