//! Outbound webhooks: admins register integrators' endpoints; use cases that change something an
//! integrator may care about [`emit`] an event in their own transaction, queuing one signed
//! delivery per subscribed endpoint; the API's worker sends them and reports each attempt with
//! [`record_attempt`], which retries on the documented schedule and, after the last failure,
//! disables the endpoint and mails the admins.
//!
//! Payloads carry ids and public facts only (`{type, timestamp, data}`), never a space's content.

use crate::error::{Error, Result};
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use praxis_domain::ids::{UserId, WebhookDeliveryId, WebhookEndpointId};
use praxis_domain::webhooks::{self, NewEndpoint, WebhookEvent};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::webhooks::{self as store, AttemptRow, DeliveryRow, EndpointRow};
use praxis_persistence::{audit, to_db_time, DbConnection};
use rand::RngCore;
use serde::Serialize;
use sha2::Sha256;

const SECRET_PREFIX: &str = "whsec_";

/// A fresh signing secret: `whsec_` and 24 random bytes in standard base64.
fn new_secret() -> String {
    let mut key = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

/// The `webhook-signature` header (Standard Webhooks): `v1,` and the base64 HMAC-SHA256 of
/// `<id>.<timestamp>.<body>`, keyed with the base64-decoded part of the secret after `whsec_`.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .map_err(Error::internal)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(Error::internal)?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    let digest = mac.finalize().into_bytes();
    Ok(format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    ))
}

/// What the audit log keeps of an endpoint (never its secret).
#[derive(Serialize)]
struct AuditView<'a> {
    url: &'a str,
    events: &'a str,
    description: &'a str,
}

impl<'a> From<&'a EndpointRow> for AuditView<'a> {
    fn from(row: &'a EndpointRow) -> Self {
        Self {
            url: &row.url,
            events: &row.events,
            description: &row.description,
        }
    }
}

fn audit_endpoint(
    conn: &mut DbConnection,
    actor: Option<&UserId>,
    action: &str,
    endpoint: &EndpointRow,
    now: DateTime<Utc>,
) -> Result<()> {
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            actor,
            action,
            "webhook_endpoint",
            &endpoint.id,
            None,
            Some(&AuditView::from(endpoint)),
            now,
        ),
    )?;
    Ok(())
}

/// An admin registers an endpoint; the answer holds its secret, shown this once. Audited.
pub fn register(
    conn: &mut DbConnection,
    admin: &UserId,
    draft: NewEndpoint,
    now: DateTime<Utc>,
) -> Result<EndpointRow> {
    let row = EndpointRow {
        id: WebhookEndpointId::new().to_string(),
        url: draft.url.as_str().to_owned(),
        description: draft.description,
        events: WebhookEvent::join_list(&draft.events),
        secret: new_secret(),
        created_at: to_db_time(now),
        disabled_at: None,
    };
    store::insert_endpoint(conn, &row)?;
    audit_endpoint(conn, Some(admin), "webhook_endpoint.created", &row, now)?;
    Ok(row)
}

/// A page of endpoints, newest first (`limit` rows after the keyset `after`).
pub fn list(
    conn: &mut DbConnection,
    after: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<EndpointRow>> {
    Ok(store::endpoints_page(conn, after, limit)?)
}

/// An admin removes an endpoint with its delivery log. Audited.
pub fn delete(
    conn: &mut DbConnection,
    admin: &UserId,
    id: &WebhookEndpointId,
    now: DateTime<Utc>,
) -> Result<()> {
    let endpoint =
        store::find_endpoint(conn, id.as_str())?.ok_or(Error::NotFound("webhook endpoint"))?;
    store::delete_endpoint(conn, id.as_str())?;
    audit_endpoint(
        conn,
        Some(admin),
        "webhook_endpoint.deleted",
        &endpoint,
        now,
    )
}

/// A delivery with its attempts, oldest first.
pub type DeliveryLog = (DeliveryRow, Vec<AttemptRow>);

/// A page of an endpoint's deliveries, newest first, each with its attempts (two queries).
pub fn deliveries(
    conn: &mut DbConnection,
    id: &WebhookEndpointId,
    after: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<DeliveryLog>> {
    store::find_endpoint(conn, id.as_str())?.ok_or(Error::NotFound("webhook endpoint"))?;
    let rows = store::deliveries_page(conn, id.as_str(), after, limit)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut attempts = store::attempts_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (mine, rest): (Vec<_>, Vec<_>) =
                attempts.drain(..).partition(|a| a.delivery_id == row.id);
            attempts = rest;
            (row, mine)
        })
        .collect())
}

/// An admin sends a delivery again from its first attempt, under the same `webhook-id`; a
/// disabled endpoint is enabled again (the admin says it is fixed). Audited.
pub fn redeliver(
    conn: &mut DbConnection,
    admin: &UserId,
    id: &WebhookDeliveryId,
    now: DateTime<Utc>,
) -> Result<DeliveryRow> {
    let delivery =
        store::find_delivery(conn, id.as_str())?.ok_or(Error::NotFound("webhook delivery"))?;
    let endpoint = store::find_endpoint(conn, &delivery.endpoint_id)?
        .ok_or(Error::NotFound("webhook delivery"))?;
    store::requeue(conn, id.as_str(), to_db_time(now))?;
    store::enable_endpoint(conn, &endpoint.id)?;
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(admin),
            "webhook_delivery.redelivered",
            "webhook_delivery",
            id.as_str(),
            None,
            Some(&serde_json::json!({"endpoint_id": endpoint.id, "type": delivery.event_type})),
            now,
        ),
    )?;
    store::find_delivery(conn, id.as_str())?.ok_or(Error::NotFound("webhook delivery"))
}

/// Queues `event` with `data` (ids and public facts only) for every enabled endpoint subscribed
/// to it. Call it in the transaction of the change it reports.
pub fn emit(
    conn: &mut DbConnection,
    event: WebhookEvent,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<usize> {
    let subscribed: Vec<EndpointRow> = store::enabled_endpoints(conn)?
        .into_iter()
        .filter(|e| WebhookEvent::parse_list(&e.events).contains(&event))
        .collect();
    if subscribed.is_empty() {
        return Ok(0);
    }
    let at = to_db_time(now);
    let payload = serde_json::json!({
        "type": event.as_str(),
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": data,
    })
    .to_string();
    for endpoint in &subscribed {
        store::insert_delivery(
            conn,
            &DeliveryRow {
                id: WebhookDeliveryId::new().to_string(),
                endpoint_id: endpoint.id.clone(),
                event_type: event.as_str().to_owned(),
                payload: payload.clone(),
                created_at: at,
                attempts: 0,
                next_attempt_at: at,
                locked_until: None,
                delivered_at: None,
                given_up_at: None,
            },
        )?;
    }
    Ok(subscribed.len())
}

/// The data of a subscription event: ids, plan and period, nothing about the member but the id.
pub fn subscription_data(
    row: &praxis_persistence::subscriptions::SubscriptionRow,
) -> serde_json::Value {
    serde_json::json!({
        "subscription_id": row.id, "member_id": row.user_id,
        "plan": row.plan_slug.as_str(), "billing_period": row.billing_period.as_str(),
    })
}

/// How one attempt ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The receiver's status, when it answered.
    pub status_code: Option<u16>,
    /// Why it failed, when it did (for the log, at most 500 characters).
    pub error: Option<String>,
}

impl Outcome {
    /// A 2xx answer; anything else (including a redirect, not followed) is a failure.
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Records an attempt at `delivery`: delivered, retried later, or — after the last attempt —
/// given up, with its endpoint disabled and every admin mailed. Run in a write transaction.
pub fn record_attempt(
    conn: &mut DbConnection,
    delivery: &DeliveryRow,
    endpoint: &EndpointRow,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = to_db_time(now);
    let succeeded = outcome.succeeded();
    store::record_attempt(
        conn,
        &AttemptRow {
            id: uuid::Uuid::now_v7().to_string(),
            delivery_id: delivery.id.clone(),
            attempted_at: at,
            status_code: outcome.status_code.map(i32::from),
            succeeded,
            error: outcome
                .error
                .as_ref()
                .map(|e| e.chars().take(500).collect()),
        },
    )?;
    if succeeded {
        store::mark_delivered(conn, &delivery.id, at)?;
        return Ok(());
    }
    let failed = delivery.attempts + 1;
    let next = webhooks::retry_delay(failed).map(|wait| to_db_time(now + wait));
    store::mark_failed(conn, &delivery.id, failed, next, at)?;
    if next.is_none() && store::disable_endpoint(conn, &endpoint.id, at)? {
        audit_endpoint(conn, None, "webhook_endpoint.disabled", endpoint, now)?;
        for recipient in store::admin_addresses(conn)? {
            outbox::enqueue(conn, disabled_mail(recipient, endpoint), at)?;
        }
    }
    Ok(())
}

fn disabled_mail(recipient: String, endpoint: &EndpointRow) -> Mail {
    Mail {
        kind: "webhook_endpoint_disabled",
        recipient,
        subject: "A webhook endpoint was disabled".to_owned(),
        body: format!(
            "Every attempt to deliver an event to the webhook endpoint {url} (id {id}) failed \
             for more than a day, so it is disabled and receives nothing new.\n\n\
             When it answers again, redeliver a failed delivery (POST \
             /api/v1/admin/webhook-deliveries/{{id}}/redeliver): that turns it back on.\n",
            url = endpoint.url,
            id = endpoint.id,
        ),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        let signed = signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_fresh_secret_is_whsec_and_base64() {
        let secret = new_secret();
        let key = base64::engine::general_purpose::STANDARD
            .decode(secret.strip_prefix(SECRET_PREFIX).unwrap())
            .unwrap();
        assert_eq!(key.len(), 24);
    }
}
