//! Liveness, readiness and metrics, for load balancers and Prometheus.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use praxis_openapi::Problem;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct HealthResponse {
    #[schema(example = "ok")]
    pub status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct ReadyResponse {
    #[schema(example = "ready")]
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    pub database: &'static str,
}

/// The process is up.
#[utoipa::path(tag = "operations",
    responses((status = 200, description = "The process is up", body = HealthResponse)))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse { status: "ok" })
}

/// The database is reachable: take this node out of the load balancer while it is not.
#[utoipa::path(tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = ReadyResponse),
        (status = 503, description = "The database is not reachable", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let engine = state.db.engine().as_str();
    state
        .db(|conn| Ok(praxis_persistence::connection::ping(conn)?))
        .await
        .map_err(|e| ApiError::Unavailable(format!("readiness: {e}")))?;
    Ok(HttpResponse::Ok().json(ReadyResponse {
        status: "ready",
        database: engine,
    }))
}

/// Prometheus metrics: `praxis_http_requests_total{method,route,status}`,
/// `praxis_http_request_duration_seconds`, `praxis_db_pool_connections{state}`.
#[utoipa::path(tag = "operations",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render(state.db.state()))
}
