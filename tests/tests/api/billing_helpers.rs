//! Helpers for billing tests: subscribing, paying through signed webhooks, reading the outbox.

use crate::dto::{self, Access, HubSession, Invoice, Me, Page, SpaceAccessEntry, Subscription};
use crate::helpers::{Session, TestApp, WEBHOOK_SECRET};
use diesel::prelude::*;
use praxis_api::payments::signature;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

impl TestApp {
    pub async fn subscribe(
        &self,
        session: &Session,
        plan: &str,
        period: &str,
        version: &str,
    ) -> Response {
        self.post(
            "/api/v1/subscriptions",
            Some(&session.access_token),
            &json!({"plan": plan, "billing_period": period, "price_version": version}),
        )
        .await
    }

    /// Subscribes and asserts it worked; returns the pending subscription.
    pub async fn checkout(&self, session: &Session, plan: &str, period: &str) -> Subscription {
        let response = self.subscribe(session, plan, period, "regular").await;
        let pending: Subscription = dto::json_with(response, StatusCode::CREATED).await;
        assert_eq!(pending.plan, plan, "subscribe to {plan}");
        assert_eq!(pending.status, "pending_payment", "subscribe to {plan}");
        pending
    }

    /// Sends a webhook body signed at `timestamp` with `secret`.
    pub async fn webhook_signed(&self, body: &Value, timestamp: i64, secret: &str) -> Response {
        let raw = body.to_string();
        let header = signature::sign(secret.as_bytes(), timestamp, raw.as_bytes());
        self.client
            .post(self.url("/api/v1/payments/webhook"))
            .header("content-type", "application/json")
            .header("Praxis-Signature", header)
            .body(raw)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub async fn webhook(&self, body: &Value) -> Response {
        self.webhook_signed(body, self.clock_now(), WEBHOOK_SECRET)
            .await
    }

    /// Pays a checkout with a fresh event id, as the provider would.
    pub async fn pay(&self, checkout_id: &str, amount: i64) -> Response {
        self.webhook(&payment_event(
            &format!("evt_{}", uuid::Uuid::new_v4().simple()),
            checkout_id,
            amount,
        ))
        .await
    }

    /// Pays a checkout in `currency` with a fresh event id.
    pub async fn pay_in(&self, checkout_id: &str, amount: i64, currency: &str) -> Response {
        let mut event = payment_event(
            &format!("evt_{}", uuid::Uuid::new_v4().simple()),
            checkout_id,
            amount,
        );
        event["data"]["currency"] = json!(currency);
        self.webhook(&event).await
    }

    /// The member's subscription as the API shows it now.
    pub async fn subscription(&self, session: &Session, id: &str) -> Subscription {
        dto::json_with(
            self.get(
                &format!("/api/v1/subscriptions/{id}"),
                Some(&session.access_token),
            )
            .await,
            StatusCode::OK,
        )
        .await
    }

    /// The member's invoices, read through the customer hub as the member would.
    pub async fn invoices(&self, session: &Session) -> Vec<Invoice> {
        self.deliver_mail().await;
        let token = crate::hub::emailed_token(self, &session.email).await;
        let hub: HubSession =
            dto::json_with(crate::hub::open_session(self, &token).await, StatusCode::OK).await;
        let page: Page<Invoice> = dto::json_with(
            self.get("/api/v1/hub/invoices", Some(&hub.hub_token)).await,
            StatusCode::OK,
        )
        .await;
        page.items
    }

    /// The bodies of the queued mails of `kind`, oldest first.
    pub async fn mail_bodies(&self, kind: &'static str) -> Vec<String> {
        let db = self.state.db.clone();
        tokio::task::spawn_blocking(move || {
            use praxis_persistence::schema::outbox as o;
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            o::table
                .filter(o::kind.eq(kind))
                .order((o::created_at.asc(), o::id.asc()))
                .select(o::body)
                .load::<String>(&mut *conn)
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Sets a plan's currency directly in the database (no endpoint changes it).
    pub async fn set_plan_currency(&self, plan: &'static str, currency: &'static str) {
        let db = self.state.db.clone();
        tokio::task::spawn_blocking(move || {
            use praxis_persistence::schema::plans as p;
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            let changed = diesel::update(p::table.filter(p::slug.eq(plan)))
                .set(p::currency.eq(currency))
                .execute(&mut *conn)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(changed, 1, "plan {plan}");
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Subscribes and pays in the plan's currency; returns the active subscription.
    pub async fn subscribed(&self, session: &Session, plan: &str, period: &str) -> Subscription {
        let pending = self.checkout(session, plan, period).await;
        let due = &pending.amount_due;
        let paid = self
            .pay_in(&pending.checkout_id, due.amount, &due.currency)
            .await;
        assert_eq!(paid.status(), StatusCode::OK, "pay {plan}");
        let active: Subscription = dto::json_with(
            self.get(
                &format!("/api/v1/subscriptions/{}", pending.id),
                Some(&session.access_token),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(active.status, "active", "pay {plan}");
        active
    }

    /// The spaces of `/me` with the member's access to each. Fails the test when `/me` does not
    /// answer 200 with a well-formed body, so an error never reads as "no access".
    pub async fn access(&self, session: &Session) -> Vec<SpaceAccessEntry> {
        let me: Me = dto::json_with(
            self.get("/api/v1/me", Some(&session.access_token)).await,
            StatusCode::OK,
        )
        .await;
        me.spaces
    }

    /// Whether `/me` says the member may enter `space` now; fails the test when the space is not
    /// listed at all (a misspelt or missing space must not read as "denied").
    pub async fn granted(&self, session: &Session, space: &str) -> bool {
        let spaces = self.access(session).await;
        let entry = spaces
            .iter()
            .find(|s| s.slug == space)
            .unwrap_or_else(|| panic!("{space} is not in /me: {spaces:?}"));
        match entry.access {
            Access::Granted => {
                assert!(entry.reason.is_none(), "granted with a reason: {entry:?}");
                true
            }
            Access::Denied => {
                assert!(
                    entry.reason.as_deref().is_some_and(|r| !r.is_empty()),
                    "denied without a reason: {entry:?}"
                );
                false
            }
        }
    }

    /// Runs a SQL count on the app's database.
    pub async fn count(&self, sql: &'static str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let db = self.state.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            let row: Count = diesel::sql_query(sql)
                .get_result(&mut *conn)
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            row.n
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Marks a member's PRO application approved, directly in the database.
    pub async fn approve_pro_application(&self, user_id: &str) {
        let db = self.state.db.clone();
        let user_id = user_id.to_owned();
        tokio::task::spawn_blocking(move || {
            use praxis_persistence::schema::pro_applications as p;
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            let now = praxis_persistence::to_db_time(chrono::Utc::now());
            diesel::insert_into(p::table)
                .values((
                    p::id.eq(uuid::Uuid::new_v4().to_string()),
                    p::user_id.eq(user_id),
                    p::training.eq("S3 facilitator course"),
                    p::experience.eq("Three years of consent decision making"),
                    p::helping_others.eq("I coach two teams"),
                    p::commitment.eq(true),
                    p::status.eq("approved"),
                    p::submitted_at.eq(now),
                    p::decided_at.eq(now),
                ))
                .execute(&mut *conn)
                .unwrap_or_else(|e| panic!("{e}"));
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }

    pub async fn set_seat_limit(&self, admin: &Session, plan: &str, limit: i64) {
        let response = self
            .patch(
                &format!("/api/v1/admin/plans/{plan}"),
                Some(&admin.access_token),
                &json!({"seat_limit": limit}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    /// Cancels the member's subscription.
    pub async fn cancel(&self, session: &Session, subscription_id: &str) -> Response {
        self.post(
            &format!("/api/v1/subscriptions/{subscription_id}/cancel"),
            Some(&session.access_token),
            &json!({}),
        )
        .await
    }

    /// Puts the member on the plan's waitlist.
    pub async fn join_waitlist(&self, session: &Session, plan: &str) -> Response {
        self.post(
            &format!("/api/v1/plans/{plan}/waitlist"),
            Some(&session.access_token),
            &json!({}),
        )
        .await
    }

    pub async fn run_jobs(&self) {
        praxis_api::jobs::run_once(&self.state)
            .await
            .unwrap_or_else(|e| panic!("jobs: {e}"));
    }
}

pub fn payment_event(event_id: &str, checkout_id: &str, amount: i64) -> Value {
    json!({"id": event_id, "type": "payment.succeeded", "data": {"checkout_id": checkout_id, "amount": amount, "currency": "EUR"}})
}
