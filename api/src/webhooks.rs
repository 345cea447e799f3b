//! Sending queued webhook deliveries, a step of the job tick (so it runs on one node per tick,
//! and the development clock walks through retries). Each delivery is claimed with a lease, sent
//! by the blocking HTTP client on the blocking pool with a short timeout and no redirects, and
//! signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
//!
//! The endpoint's URL is checked again before every attempt, and its host resolved by a
//! resolver that refuses the connection when ANY address is internal (unless
//! `PRAXIS_WEBHOOKS_ALLOW_PRIVATE=on`): the address checked is the address connected to, so a
//! name that resolves to a public address at registration cannot later reach our network.

use crate::state::AppState;
use chrono::Duration;
use praxis_app::webhooks::Outcome;
use praxis_domain::webhooks::{refuse_internal, EndpointUrl, UrlPolicy};
use praxis_persistence::to_db_time;
use praxis_persistence::webhooks::{self as store, DeliveryRow, EndpointRow};
use std::net::{SocketAddr, ToSocketAddrs};

/// Deliveries claimed per batch.
pub const BATCH: i64 = 20;
/// How long a claimed delivery stays reserved for the node sending it.
pub const LEASE_SECONDS: i64 = 60;
/// The whole request, connection included, must finish within this.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Resolves a host and refuses it when any of its addresses is internal.
struct CheckedResolver(UrlPolicy);

impl ureq::Resolver for CheckedResolver {
    fn resolve(&self, netloc: &str) -> std::io::Result<Vec<SocketAddr>> {
        let addresses: Vec<SocketAddr> = netloc.to_socket_addrs()?.collect();
        let ips: Vec<_> = addresses.iter().map(SocketAddr::ip).collect();
        refuse_internal(&ips, self.0).map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::PermissionDenied, e.to_string())
        })?;
        Ok(addresses)
    }
}

/// Checks that `url` is acceptable and its host resolves to public addresses only (for
/// registration; delivery checks through [`CheckedResolver`]). Blocking: run on the pool.
pub fn check_url(url: &EndpointUrl, policy: UrlPolicy) -> praxis_domain::Result<()> {
    let ips: Vec<_> = (url.host().as_str(), url.port())
        .to_socket_addrs()
        .map(|found| found.map(|a| a.ip()).collect())
        .unwrap_or_default();
    refuse_internal(&ips, policy)
}

fn agent(policy: UrlPolicy) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(TIMEOUT)
        .timeout_connect(std::time::Duration::from_secs(5))
        .redirects(0)
        .resolver(CheckedResolver(policy))
        .user_agent("Praxis-Webhooks/1")
        .build()
}

/// Sends one delivery and says how it went. Blocking.
fn send(
    agent: &ureq::Agent,
    policy: UrlPolicy,
    delivery: &DeliveryRow,
    endpoint: &EndpointRow,
    timestamp: i64,
) -> Outcome {
    let failed = |error: String| Outcome {
        status_code: None,
        error: Some(error),
    };
    if let Err(e) = EndpointUrl::parse(&endpoint.url, policy) {
        return failed(format!("refused: {e}"));
    }
    let signature = match praxis_app::webhooks::signature(
        &endpoint.secret,
        &delivery.id,
        timestamp,
        &delivery.payload,
    ) {
        Ok(signature) => signature,
        Err(e) => return failed(format!("cannot sign: {e}")),
    };
    let answer = agent
        .post(&endpoint.url)
        .set("content-type", "application/json")
        .set("webhook-id", &delivery.id)
        .set("webhook-timestamp", &timestamp.to_string())
        .set("webhook-signature", &signature)
        .send_string(&delivery.payload);
    match answer {
        Ok(response) => {
            let status = response.status();
            Outcome {
                status_code: Some(status),
                error: (!(200..300).contains(&status)).then(|| format!("HTTP {status}")),
            }
        }
        Err(ureq::Error::Status(status, _)) => Outcome {
            status_code: Some(status),
            error: Some(format!("HTTP {status}")),
        },
        Err(ureq::Error::Transport(transport)) => failed(transport.to_string()),
    }
}

/// Sends every delivery due now, batch after batch; returns how many attempts were made.
/// The job tick runs it; tests reach it through the development clock.
pub async fn deliver_due(state: &AppState) -> usize {
    let mut attempted = 0;
    loop {
        let claimed = deliver_batch(state).await;
        attempted += claimed;
        if claimed < usize::try_from(BATCH).unwrap_or(0) {
            return attempted;
        }
    }
}

async fn deliver_batch(state: &AppState) -> usize {
    let now = state.now();
    let (at, lease_until) = (
        to_db_time(now),
        to_db_time(now + Duration::seconds(LEASE_SECONDS)),
    );
    let claimed = match state
        .db_write(move |c| Ok(store::claim_due(c, at, lease_until, BATCH)?))
        .await
    {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "cannot claim due webhook deliveries");
            return 0;
        }
    };
    if claimed.is_empty() {
        return 0;
    }
    let count = claimed.len();
    let policy = state.config.webhooks;
    let client = agent(policy);
    for (delivery, endpoint) in claimed {
        let timestamp = state.now().timestamp();
        let (client, sent) = (client.clone(), (delivery.clone(), endpoint.clone()));
        let outcome =
            actix_web::web::block(move || send(&client, policy, &sent.0, &sent.1, timestamp))
                .await
                .unwrap_or_else(|e| Outcome {
                    status_code: None,
                    error: Some(format!("sender: {e}")),
                });
        tracing::info!(delivery = %delivery.id, endpoint = %endpoint.id, status = ?outcome.status_code, error = ?outcome.error, "webhook attempt");
        let at = state.now();
        let recorded = state
            .write(move |c| {
                praxis_app::webhooks::record_attempt(c, &delivery, &endpoint, &outcome, at)
            })
            .await;
        if let Err(e) = recorded {
            // The lease runs out and the delivery is tried again: at least once, never lost.
            tracing::error!(error = %e, "cannot record a webhook attempt");
        }
    }
    count
}
