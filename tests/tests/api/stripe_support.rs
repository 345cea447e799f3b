//! Stripe in tests: localstripe, a stateful fake of Stripe's API (PyPI), started per test by
//! `tests/localstripe_launcher.py`, which closes the gaps between it and Stripe that Praxis
//! meets (see the launcher's docstring and the README), and an app pointed at it with its
//! signed webhooks registered.

use crate::dto::{self, HubSession, Subscription};
use crate::helpers::{spawn_app_with, Session, TestApp};
use crate::mail_support::free_port;
use praxis_api::config::StripeConfig;
use praxis_domain::payments::ProviderKind;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::Value;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const STRIPE_WEBHOOK_SECRET: &str = "whsec_praxis_tests";
const SECRET_KEY: &str = "sk_test_praxis";

/// A localstripe server, stopped when dropped.
pub struct LocalStripe {
    pub port: u16,
    child: Child,
    client: reqwest::Client,
}

impl LocalStripe {
    pub fn start() -> Self {
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("localstripe_launcher.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start python3 {}: {e}", script.display()));
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "localstripe exited ({status}); is it installed? bash tests/install-deps.sh"
                );
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("localstripe did not listen on port {port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            port,
            child,
            client: reqwest::Client::new(),
        }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A form POST to Stripe's API with the secret key, as a client (or the SPA's Stripe.js)
    /// would; answers the status and the JSON.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base()))
            .bearer_auth(SECRET_KEY)
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("localstripe: {e}"));
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> Value {
        self.client
            .get(format!("{}{path}", self.base()))
            .bearer_auth(SECRET_KEY)
            .send()
            .await
            .unwrap_or_else(|e| panic!("localstripe: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("localstripe: {e}"))
    }

    /// The renewal PaymentIntents localstripe holds for a subscription, oldest first.
    pub async fn renewals_of(&self, subscription: &str) -> Vec<Value> {
        let listed = self.get("/v1/payment_intents?limit=100").await;
        let mut renewals: Vec<Value> = listed["data"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|pi| {
                pi["metadata"]["praxis_purpose"] == "renewal"
                    && pi["metadata"]["praxis_subscription_id"] == subscription
            })
            .collect();
        renewals.sort_by_key(|pi| pi["created"].as_i64().unwrap_or_default());
        renewals
    }

    /// The refunds localstripe made of a PaymentIntent.
    pub async fn refunds_of(&self, payment_intent: &str) -> Vec<Value> {
        let listed = self
            .get(&format!(
                "/v1/refunds?payment_intent={payment_intent}&limit=100"
            ))
            .await;
        listed["data"].as_array().cloned().unwrap_or_default()
    }

    /// The latest event of `kind` localstripe made, as it sends it.
    pub async fn latest_event(&self, kind: &str) -> Value {
        let listed = self.get(&format!("/v1/events?type={kind}&limit=100")).await;
        let events = listed["data"].as_array().cloned().unwrap_or_default();
        events
            .into_iter()
            .max_by_key(|e| e["created"].as_i64().unwrap_or_default())
            .unwrap_or(Value::Null)
    }

    /// Sends every event to `url`, signed with the test webhook secret.
    pub async fn register_webhook(&self, url: &str) {
        let response = self
            .client
            .post(format!("{}/_config/webhooks/praxis", self.base()))
            .form(&[("url", url), ("secret", STRIPE_WEBHOOK_SECRET)])
            .send()
            .await
            .unwrap_or_else(|e| panic!("localstripe: {e}"));
        assert!(response.status().is_success(), "{response:?}");
    }
}

impl Drop for LocalStripe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An app with `PRAXIS_PAYMENT_PROVIDER=stripe` pointed at a fresh localstripe, whose webhooks
/// reach the app.
pub async fn spawn_stripe_app() -> (TestApp, LocalStripe) {
    spawn_stripe_app_with(|_| {}).await
}

/// [`spawn_stripe_app`] with the configuration changed by `customize` too.
pub async fn spawn_stripe_app_with(
    customize: impl FnOnce(&mut praxis_api::Config),
) -> (TestApp, LocalStripe) {
    let stripe = LocalStripe::start();
    let base = stripe.base();
    let app = spawn_app_with(|config| {
        customize(config);
        config.payment_provider = ProviderKind::Stripe;
        config.stripe = Some(StripeConfig {
            secret_key: SecretString::from(SECRET_KEY),
            webhook_secret: SecretString::from(STRIPE_WEBHOOK_SECRET),
            api_base: base,
            publishable_key: Some("pk_test_praxis".to_owned()),
        });
    })
    .await;
    stripe
        .register_webhook(&app.url("/api/v1/payments/stripe/webhook"))
        .await;
    (app, stripe)
}

impl TestApp {
    /// Posts a Stripe event signed with the test webhook secret now (Stripe's real clock).
    pub async fn stripe_event(&self, event: &Value) -> reqwest::Response {
        self.stripe_event_at(event, chrono::Utc::now().timestamp())
            .await
    }

    /// Posts a Stripe event signed at `timestamp` (Unix seconds).
    pub async fn stripe_event_at(&self, event: &Value, timestamp: i64) -> reqwest::Response {
        let raw = event.to_string();
        let header = praxis_api::payments::signature::sign(
            STRIPE_WEBHOOK_SECRET.as_bytes(),
            timestamp,
            raw.as_bytes(),
        );
        self.client
            .post(self.url("/api/v1/payments/stripe/webhook"))
            .header("content-type", "application/json")
            .header("Stripe-Signature", header)
            .body(raw)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Moves the server's clock to `at` through `POST /api/v1/dev/clock`, which runs the
    /// periodic jobs (renewals) at the new time.
    pub async fn dev_clock_to(&self, at: chrono::DateTime<chrono::Utc>) {
        use praxis_api::clock::Clock;
        let by = (at - self.clock.now()).num_seconds();
        let moved = self
            .post(
                "/api/v1/dev/clock",
                None,
                &serde_json::json!({"advance_seconds": by}),
            )
            .await;
        assert_eq!(moved.status(), reqwest::StatusCode::OK, "dev clock");
    }

    /// Waits (10 s at most) until `ready` holds of the app's state, polling.
    pub async fn eventually<F, Fut>(&self, what: &str, mut ready: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !ready().await {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Subscribes to the monthly Practitioner plan and answers the pending subscription, its
/// PaymentIntent's id and the raw answer.
pub async fn stripe_checkout(app: &TestApp, member: &Session) -> (Subscription, String) {
    let pending = app.checkout(member, "practitioner", "monthly").await;
    let intent = pending.checkout_id.clone();
    (pending, intent)
}

/// What the SPA does with Stripe Elements: confirms the PaymentIntent with a card.
pub async fn confirm(stripe: &LocalStripe, intent: &str, card: &str) -> (u16, Value) {
    stripe
        .post(
            &format!("/v1/payment_intents/{intent}/confirm"),
            &[("payment_method", card)],
        )
        .await
}

pub async fn subscription(app: &TestApp, member: &Session, id: &str) -> Subscription {
    dto::json_with(
        app.get(
            &format!("/api/v1/subscriptions/{id}"),
            Some(&member.access_token),
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// Subscribes, pays with `pm_card_visa` in localstripe and waits for Stripe's webhook to
/// activate the subscription.
pub async fn paid_with_stripe(
    app: &TestApp,
    stripe: &LocalStripe,
    member: &Session,
) -> (Subscription, String) {
    let (pending, intent) = stripe_checkout(app, member).await;
    let (status, confirmed) = confirm(stripe, &intent, "pm_card_visa").await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["status"], "succeeded", "{confirmed}");
    let id = pending.id.clone();
    app.eventually("the payment_intent.succeeded webhook", || async {
        subscription(app, member, &id).await.status == "active"
    })
    .await;
    (subscription(app, member, &pending.id).await, intent)
}

pub async fn hub_token(app: &TestApp, member: &Session) -> String {
    app.deliver_mail().await;
    let token = crate::hub::emailed_token(app, &member.email).await;
    let hub: HubSession =
        dto::json_with(crate::hub::open_session(app, &token).await, StatusCode::OK).await;
    hub.hub_token
}
