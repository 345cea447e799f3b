//! Renewals (DOMAIN.md "Subscriptions, payments, invoices"; issue 10): an auto-renewing
//! subscription is charged off-session shortly before its period ends, once per period whatever
//! number of job runs; a declined renewal is `past_due` with access and seat kept through the
//! grace period and retried on days 1, 3 and 5 with a mail each time; after the grace period it
//! expires and its seat goes to the waitlist. Time moves with the development clock over HTTP.

use crate::dto::{self, HubSession, Subscription};
use crate::helpers::{problem, spawn_app, spawn_app_with, Session, TestApp};
use chrono::{DateTime, Duration, Utc};
use praxis_app::billing::renewals::{renewal_failed, renewal_paid};
use praxis_app::billing::webhook::Outcome;
use praxis_domain::ids::SubscriptionId;
use reqwest::StatusCode;
use serde_json::json;

async fn dev_app() -> TestApp {
    spawn_app_with(|c| c.dev_clock = true).await
}

impl TestApp {
    /// Moves the server's clock through `POST /api/v1/dev/clock` (running the jobs).
    pub(crate) async fn advance(&self, by: Duration) -> DateTime<Utc> {
        #[derive(serde::Deserialize)]
        struct Now {
            now: DateTime<Utc>,
        }
        let response = self
            .post(
                "/api/v1/dev/clock",
                None,
                &json!({"advance_seconds": by.num_seconds()}),
            )
            .await;
        let answer: Now = dto::json_with(response, StatusCode::OK).await;
        answer.now
    }

    /// Moves the clock to `at` through the development clock.
    async fn advance_to(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let now = self.clock.now_utc();
        self.advance(at - now).await
    }

    /// Subscribes and pays at the local checkout, saving `card` for renewals.
    async fn subscribed_with_card(
        &self,
        member: &Session,
        period: &str,
        card: &str,
    ) -> Subscription {
        let pending = self.checkout(member, "practitioner", period).await;
        assert!(
            pending.checkout_url.contains(&format!(
                "/api/v1/dev/checkouts/{}/pay?",
                pending.checkout_id
            )),
            "{pending:?}"
        );
        let paid = self
            .post(
                &format!("/api/v1/dev/checkouts/{}/pay", pending.checkout_id),
                None,
                &json!({"card": card}),
            )
            .await;
        let active: Subscription = dto::json_with(paid, StatusCode::OK).await;
        assert_eq!(active.status, "active");
        active
    }

    async fn payments_of(&self, subscription: &str) -> i64 {
        let sql =
            format!("SELECT COUNT(*) AS n FROM payments WHERE subscription_id = '{subscription}'");
        self.count(Box::leak(sql.into_boxed_str())).await
    }

    /// The subscription as its member reads it now (logged in again: time may have moved).
    async fn fresh(&self, member: &Session, id: &str) -> Subscription {
        let member = self.relogin(member).await;
        self.subscription(&member, id).await
    }

    async fn set_auto_renew(&self, member: &Session, id: &str, on: bool) -> reqwest::Response {
        let member = self.relogin(member).await;
        self.patch(
            &format!("/api/v1/subscriptions/{id}"),
            Some(&member.access_token),
            &json!({"auto_renew": on}),
        )
        .await
    }
}

trait NowUtc {
    fn now_utc(&self) -> DateTime<Utc>;
}

impl NowUtc for praxis_api::clock::ManualClock {
    fn now_utc(&self) -> DateTime<Utc> {
        praxis_api::clock::Clock::now(self)
    }
}

#[tokio::test]
async fn renewal_within_the_window_extends_the_period_with_one_invoice_and_one_charge() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "monthly").await;
    let end = sub.period_end();
    // Two days before the end: outside the 24-hour window, nothing is charged.
    app.clock.set(end - Duration::days(2));
    app.run_jobs().await;
    assert_eq!(app.payments.charges_made(), 0);
    app.clock.set(end - Duration::hours(23));
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(app.payments.charges_made(), 1);
    let renewed = app.fresh(&member, &sub.id).await;
    assert_eq!(renewed.status, "active");
    assert_eq!(renewed.current_period_start, Some(end));
    assert_eq!(
        renewed.current_period_end,
        Some(praxis_domain::calendar::add_months(end, 1))
    );
    assert_eq!(app.payments_of(&sub.id).await, 2);
    let invoices = app.invoices(&member).await;
    assert_eq!(invoices.len(), 2, "{invoices:?}");
    assert_eq!(app.mail_bodies("receipt").await.len(), 2);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM payments WHERE provider_payment_id LIKE 'pay_%'")
            .await,
        1,
        "the renewal keeps the provider's payment id"
    );
}

#[tokio::test]
async fn yearly_plan_renews_for_twelve_months_at_the_subscriptions_stored_price() {
    let app = spawn_app().await;
    let admin = app.as_admin().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "yearly").await;
    // A later price change does not reach a running subscription's renewals.
    let changed = app
        .patch(
            "/api/v1/admin/plans/practitioner",
            Some(&admin.access_token),
            &json!({"prices": [{"billing_period": "yearly", "price_version": "regular",
                "amount": {"amount": 30000, "currency": "EUR"}}]}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let end = sub.period_end();
    app.clock.set(end - Duration::hours(1));
    app.run_jobs().await;
    let renewed = app.fresh(&member, &sub.id).await;
    assert_eq!(
        renewed.current_period_end,
        Some(praxis_domain::calendar::add_months(end, 12))
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) AS n FROM payments WHERE amount_cents = 25000 AND provider_payment_id LIKE 'pay_%'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_period_is_never_charged_twice_by_concurrent_job_runs() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "monthly").await;
    app.clock.set(sub.period_end() - Duration::hours(1));
    let runs = (0..8).map(|_| praxis_api::jobs::run_once(&app.state));
    for result in futures_util::future::join_all(runs).await {
        assert!(result.is_ok(), "{:?}", result.err().map(|e| e.to_string()));
    }
    assert_eq!(app.payments.charges_made(), 1);
    assert_eq!(app.payments_of(&sub.id).await, 2);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM renewal_attempts")
            .await,
        1
    );
}

#[tokio::test]
async fn renewal_paid_twice_with_one_payment_id_records_it_once() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "monthly").await;
    let (links, now) = (app.config.mail_links(), app.state.now());
    let db = app.state.db.clone();
    let id = SubscriptionId::from_trusted(sub.id.clone());
    let outcomes = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        let mut pay = || {
            praxis_persistence::write_tx(&mut conn, |c| {
                renewal_paid(c, &id, "pi_renewal_1", 2500, "EUR", &links, now)
            })
        };
        let first = pay().unwrap_or_else(|e| panic!("{e}"));
        let second = pay().unwrap_or_else(|e| panic!("{e}"));
        (first, second)
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        matches!(outcomes.0, Outcome::Applied { .. }),
        "{outcomes:?}"
    );
    assert_eq!(outcomes.1, Outcome::Replayed);
    assert_eq!(app.payments_of(&sub.id).await, 2);
    let extended = app.fresh(&member, &sub.id).await;
    assert_eq!(
        extended.current_period_end,
        Some(praxis_domain::calendar::add_months(sub.period_end(), 1))
    );
}

#[tokio::test]
async fn renewal_paid_with_another_amount_or_currency_changes_nothing() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "monthly").await;
    let (links, now) = (app.config.mail_links(), app.state.now());
    let db = app.state.db.clone();
    let id = SubscriptionId::from_trusted(sub.id.clone());
    let refused = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        [(2400, "EUR"), (2500, "CHF")].map(|(amount, currency)| {
            praxis_persistence::write_tx(&mut conn, |c| {
                renewal_paid(c, &id, "pi_x", amount, currency, &links, now)
            })
            .is_err()
        })
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(refused, [true, true]);
    assert_eq!(app.payments_of(&sub.id).await, 1);
}

#[tokio::test]
async fn declined_renewal_is_past_due_retried_on_days_one_three_and_five_then_expires_and_frees_the_seat(
) {
    let app = dev_app().await;
    let admin = app.as_admin().await;
    app.set_seat_limit(&admin, "practitioner", 1).await;
    let member = app.member().await;
    let sub = app
        .subscribed_with_card(&member, "monthly", "declining")
        .await;
    let waiting = app.member().await;
    assert_eq!(
        app.join_waitlist(&waiting, "practitioner").await.status(),
        StatusCode::CREATED
    );
    let end = sub.period_end();

    app.advance_to(end - Duration::hours(2)).await;
    let past_due = app.fresh(&member, &sub.id).await;
    assert_eq!(past_due.status, "past_due");
    assert_eq!(past_due.grace_until, Some(end + Duration::days(7)));
    let mails = app.mail_bodies("renewal_failed").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("/hub"), "{}", mails[0]);
    assert!(mails[0].contains("declined"), "{}", mails[0]);

    // Past the period's end, the grace period keeps the lounge open and the seat held.
    app.advance_to(end + Duration::hours(12)).await;
    let member = app.relogin(&member).await;
    assert!(app.granted(&member, "practitioner-lounge").await);
    assert_eq!(
        app.mail_bodies("renewal_failed").await.len(),
        1,
        "no retry before day 1"
    );
    let waiting = app.relogin(&waiting).await;
    let full = app
        .subscribe(&waiting, "practitioner", "monthly", "regular")
        .await;
    assert_eq!(problem(full, StatusCode::CONFLICT).await.kind, "plan-full");

    for (day, mails) in [(1, 2), (2, 2), (3, 3), (4, 3), (5, 4), (6, 4)] {
        app.advance_to(end + Duration::days(day) + Duration::minutes(1))
            .await;
        assert_eq!(
            app.mail_bodies("renewal_failed").await.len(),
            mails,
            "mails by day {day}"
        );
        assert_eq!(app.fresh(&member, &sub.id).await.status, "past_due");
    }
    assert_eq!(
        app.payments.charges_made(),
        4,
        "the first charge and three retries"
    );
    let last = app.mail_bodies("renewal_failed").await;
    assert!(last[3].contains("last try"), "{}", last[3]);

    app.advance_to(end + Duration::days(7) + Duration::minutes(1))
        .await;
    let expired = app.fresh(&member, &sub.id).await;
    assert_eq!(expired.status, "expired");
    let member = app.relogin(&member).await;
    assert!(!app.granted(&member, "practitioner-lounge").await);
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM subscriptions WHERE status = 'expired' AND end_reason = 'renewal_failed'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'waitlist_offer'")
            .await,
        1,
        "the freed seat is offered to the waitlist"
    );
    assert_eq!(app.payments.charges_made(), 4);
    assert_eq!(app.payments_of(&sub.id).await, 1);
    let ended = app.mail_bodies("renewal_ended").await;
    assert_eq!(ended.len(), 1, "the member is told it ended");
    assert!(ended[0].contains("/plans/practitioner"), "{}", ended[0]);
}

/// A member whose card declined the renewal, an hour before the period's end.
async fn past_due_member(app: &TestApp) -> (Session, Subscription) {
    let member = app.member().await;
    let sub = app
        .subscribed_with_card(&member, "monthly", "declining")
        .await;
    app.advance_to(sub.period_end() - Duration::hours(1)).await;
    assert_eq!(app.fresh(&member, &sub.id).await.status, "past_due");
    assert_eq!(app.mail_bodies("renewal_failed").await.len(), 1);
    (member, sub)
}

#[tokio::test]
async fn a_member_who_puts_another_card_on_file_is_renewed_by_the_next_retry() {
    let app = dev_app().await;
    let (member, sub) = past_due_member(&app).await;
    let end = sub.period_end();
    let member = app.relogin(&member).await;
    let card = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/dev/payment-method",
            Some(&member.access_token),
            Some(&json!({"card": "visa"})),
        )
        .await;
    assert_eq!(card.status(), StatusCode::OK);
    app.advance_to(end + Duration::days(1) + Duration::minutes(1))
        .await;
    let renewed = app.fresh(&member, &sub.id).await;
    assert_eq!(renewed.status, "active");
    assert_eq!(renewed.grace_until, None);
    // The grace days were used: the new period starts where the paid one ended.
    assert_eq!(renewed.current_period_start, Some(end));
    assert_eq!(app.payments.charges_made(), 2);
    assert_eq!(app.payments_of(&sub.id).await, 2);
}

#[tokio::test]
async fn a_failure_told_twice_or_after_the_money_arrived_mails_once() {
    let app = dev_app().await;
    let (_, sub) = past_due_member(&app).await;
    let (links, now) = (app.config.mail_links(), app.state.now());
    let db = app.state.db.clone();
    let id = SubscriptionId::from_trusted(sub.id.clone());
    tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
        praxis_persistence::write_tx(&mut conn, |c| {
            renewal_failed(c, &id, None, "Your card was declined.", &links, now)
        })
        .unwrap_or_else(|e| panic!("{e}"));
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(app.mail_bodies("renewal_failed").await.len(), 1);
}

#[tokio::test]
async fn auto_renew_off_charges_nothing_and_the_subscription_ends_with_its_period() {
    let app = dev_app().await;
    let member = app.member().await;
    let sub = app.subscribed_with_card(&member, "monthly", "visa").await;
    assert!(sub.auto_renew);
    let off: Subscription = dto::json_with(
        app.set_auto_renew(&member, &sub.id, false).await,
        StatusCode::OK,
    )
    .await;
    assert!(!off.auto_renew);
    assert_eq!(off.status, "active");
    app.advance_to(sub.period_end() - Duration::hours(1)).await;
    assert_eq!(app.payments.charges_made(), 0);
    // Back on while the period runs, then off again.
    let on: Subscription = dto::json_with(
        app.set_auto_renew(&member, &sub.id, true).await,
        StatusCode::OK,
    )
    .await;
    assert!(on.auto_renew);
    assert_eq!(
        app.set_auto_renew(&member, &sub.id, false).await.status(),
        StatusCode::OK
    );
    app.advance(Duration::hours(2)).await;
    assert_eq!(app.payments.charges_made(), 0);
    let ended = app.fresh(&member, &sub.id).await;
    assert_eq!(ended.status, "expired");
    let late = app.set_auto_renew(&member, &sub.id, true).await;
    assert_eq!(
        problem(late, StatusCode::CONFLICT).await.kind,
        "subscription-not-live"
    );
    let other = app.member().await;
    let hidden = app.set_auto_renew(&other, &sub.id, false).await;
    problem(hidden, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_customer_hub_switches_auto_renewal() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "monthly").await;
    app.deliver_mail().await;
    let token = crate::hub::emailed_token(&app, &member.email).await;
    let hub: HubSession =
        dto::json_with(crate::hub::open_session(&app, &token).await, StatusCode::OK).await;
    // The hub shows when the next renewal is charged and how much.
    let next = sub
        .next_renewal
        .clone()
        .expect("an auto-renewing subscription renews");
    assert_eq!(Some(next.at), sub.current_period_end);
    assert_eq!(next.amount, sub.period_price);
    let path = format!("/api/v1/hub/subscriptions/{}", sub.id);
    let off: Subscription = dto::json_with(
        app.patch(&path, Some(&hub.hub_token), &json!({"auto_renew": false}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(!off.auto_renew);
    assert!(off.next_renewal.is_none(), "it ends with its period");
    let bad = app
        .patch(&path, Some(&hub.hub_token), &json!({"auto_renew": "no"}))
        .await;
    problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    // The member's own token is not a hub token.
    let refused = app
        .patch(
            &path,
            Some(&member.access_token),
            &json!({"auto_renew": true}),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn dev_clock_answers_404_when_off_and_422_for_a_bad_advance() {
    let app = spawn_app().await;
    let before = app.state.now();
    let off = app
        .post("/api/v1/dev/clock", None, &json!({"advance_seconds": 60}))
        .await;
    problem(off, StatusCode::NOT_FOUND).await;
    assert_eq!(app.state.now(), before, "the clock did not move");
    let app = dev_app().await;
    for bad in [
        json!({"advance_seconds": 0}),
        json!({"advance_seconds": -5}),
        json!({"advance_seconds": 40_000_000}),
        json!({"advance_seconds": "soon"}),
        json!({}),
    ] {
        let refused = app.post("/api/v1/dev/clock", None, &bad).await;
        problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let before = app.state.now();
    let now = app.advance(Duration::hours(5)).await;
    assert_eq!(now, before + Duration::hours(5));
}

#[tokio::test]
async fn local_checkout_pays_through_the_webhook_path_once() {
    let app = spawn_app().await;
    let member = app.member().await;
    let pending = app.checkout(&member, "practitioner", "monthly").await;
    let pay = format!("/api/v1/dev/checkouts/{}/pay", pending.checkout_id);
    let paid: Subscription =
        dto::json_with(app.post(&pay, None, &json!({})).await, StatusCode::OK).await;
    assert_eq!(paid.status, "active");
    let again: Subscription =
        dto::json_with(app.post(&pay, None, &json!({})).await, StatusCode::OK).await;
    assert_eq!(again.current_period_end, paid.current_period_end);
    assert_eq!(app.payments_of(&pending.id).await, 1);
    assert_eq!(app.mail_bodies("receipt").await.len(), 1);
    let member = app.relogin(&member).await;
    assert!(app.granted(&member, "practitioner-lounge").await);
    let unknown = app
        .post("/api/v1/dev/checkouts/chk_nope/pay", None, &json!({}))
        .await;
    problem(unknown, StatusCode::NOT_FOUND).await;
    let bad_card = app.post(&pay, None, &json!({"card": "amex"})).await;
    problem(bad_card, StatusCode::UNPROCESSABLE_ENTITY).await;
}

/// The local provider, whose answer to a renewal charge is lost after the money moved (a
/// timeout, a node dying mid-call).
struct AnswerLost(praxis_api::payments::LocalPaymentProvider);

impl praxis_domain::payments::PaymentProvider for AnswerLost {
    fn kind(&self) -> praxis_domain::payments::ProviderKind {
        self.0.kind()
    }
    fn create_checkout(
        &self,
        request: &praxis_domain::payments::CheckoutRequest,
    ) -> Result<praxis_domain::payments::Checkout, praxis_domain::payments::ProviderError> {
        self.0.create_checkout(request)
    }
    fn charge_off_session(
        &self,
        charge: &praxis_domain::payments::OffSessionCharge,
    ) -> Result<praxis_domain::payments::ChargeOutcome, praxis_domain::payments::ProviderError>
    {
        self.0.charge_off_session(charge)?;
        Err(praxis_domain::payments::ProviderError("timed out".into()))
    }
    fn refund(
        &self,
        order: &praxis_domain::payments::RefundOrder,
    ) -> Result<praxis_domain::payments::RefundReceipt, praxis_domain::payments::ProviderError>
    {
        self.0.refund(order)
    }
    fn payment_method(
        &self,
        customer: &str,
    ) -> Result<Option<praxis_domain::payments::CardSummary>, praxis_domain::payments::ProviderError>
    {
        self.0.payment_method(customer)
    }
    fn setup_payment_method(
        &self,
        customer: &str,
    ) -> Result<String, praxis_domain::payments::ProviderError> {
        self.0.setup_payment_method(customer)
    }
}

#[tokio::test]
async fn a_charge_whose_answer_was_lost_is_asked_again_with_the_same_key_and_paid_once() {
    let app = spawn_app().await;
    let member = app.member().await;
    let sub = app.subscribed(&member, "practitioner", "monthly").await;
    app.clock.set(sub.period_end() - Duration::hours(2));
    let (db, links, rules) = (
        app.state.db.clone(),
        app.config.mail_links(),
        app.config.renewals,
    );
    let lost = AnswerLost(praxis_api::payments::LocalPaymentProvider::new(
        &app.config.public_url,
        db.clone(),
    ));
    let now = app.state.now();
    let first = tokio::task::spawn_blocking(move || {
        praxis_app::billing::renewals::run(&db, &lost, rules, &links, now)
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.renewed, 0, "{first:?}");
    assert_eq!(app.payments.charges_made(), 1, "the money moved");
    // Within 10 minutes the claim is left alone; after, it is asked again with the same key.
    app.clock.advance(Duration::minutes(5));
    app.run_jobs().await;
    assert_eq!(app.payments_of(&sub.id).await, 1);
    app.clock.advance(Duration::minutes(6));
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(app.payments.charges_made(), 1);
    assert_eq!(app.payments_of(&sub.id).await, 2);
    let renewed = app.fresh(&member, &sub.id).await;
    assert_eq!(
        renewed.current_period_end,
        Some(praxis_domain::calendar::add_months(sub.period_end(), 1))
    );
}
