//! The Stripe adapter: a small typed client of Stripe's REST API behind the payment port.
//!
//! Requests are form-encoded from serde structs (Stripe's nested keys such as
//! `metadata[praxis_subscription_id]` are field names), every POST carries an `Idempotency-Key`
//! derived from our own ids, and the API version is pinned so Stripe's answers keep the shape
//! the response structs expect. The port is synchronous and runs on the blocking pool, so the
//! client is a blocking one: `ureq` 2 with rustls, which added two crates to the lockfile and
//! about 10 s to a clean debug build here (measured), and needs no async runtime of its own.

use praxis_domain::payments::{
    CardSummary, ChargeOutcome, Checkout, CheckoutRequest, OffSessionCharge, PaymentProvider,
    ProviderError, ProviderKind, ProviderRefund, Purchase, RefundOrder, RefundReceipt, RefundState,
};
use praxis_domain::{Currency, Money};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;

mod wire;
use wire::*;

/// The Stripe API version every request asks for.
pub const API_VERSION: &str = "2024-06-20";
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// What `metadata[praxis_purpose]` says a PaymentIntent pays for.
pub const PURPOSE_CHECKOUT: &str = "checkout";
pub const PURPOSE_RENEWAL: &str = "renewal";
/// A course bought on its own: paid once, routed by its checkout like a subscription's.
pub const PURPOSE_COURSE: &str = "course";

pub struct StripePaymentProvider {
    api_base: String,
    secret_key: SecretString,
    publishable_key: Option<String>,
    agent: ureq::Agent,
}

impl StripePaymentProvider {
    pub fn new(api_base: &str, secret_key: SecretString, publishable_key: Option<String>) -> Self {
        Self {
            api_base: api_base.trim_end_matches('/').to_owned(),
            secret_key,
            publishable_key,
            agent: ureq::AgentBuilder::new()
                .timeout_connect(Duration::from_secs(5))
                .timeout(Duration::from_secs(30))
                .build(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api_base)
    }

    fn authorised(&self, request: ureq::Request) -> ureq::Request {
        request
            .set(
                "Authorization",
                &format!("Bearer {}", self.secret_key.expose_secret()),
            )
            .set("Stripe-Version", API_VERSION)
    }

    fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        idempotency_key: &str,
        body: &B,
    ) -> Result<T, StripeFailure> {
        let form = serde_urlencoded::to_string(body)
            .map_err(|e| StripeFailure::Transient(format!("cannot encode the request: {e}")))?;
        let request = self
            .authorised(self.agent.post(&self.url(path)))
            .set("Idempotency-Key", idempotency_key)
            .set("Content-Type", "application/x-www-form-urlencoded");
        answer(request.send_string(&form))
    }

    fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, StripeFailure> {
        let mut request = self.authorised(self.agent.get(&self.url(path)));
        for (name, value) in query {
            request = request.query(name, value);
        }
        answer(request.call())
    }

    /// The customer's card for renewals: the default payment method of its invoice settings,
    /// else the card attached most recently (Stripe lists newest first).
    fn saved_card(&self, customer: &str) -> Result<Option<PaymentMethod>, StripeFailure> {
        let found: Result<Customer, _> = self.get(&format!("/v1/customers/{customer}"), &[]);
        let customer_row = match found {
            Ok(c) => c,
            Err(StripeFailure::Refused { status: 404, .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        if customer_row.deleted {
            return Ok(None);
        }
        let default = customer_row
            .invoice_settings
            .and_then(|s| s.default_payment_method);
        match default {
            Some(Expandable::Object(pm)) => return Ok(Some(*pm)),
            Some(Expandable::Id(id)) => {
                return self
                    .get::<PaymentMethod>(&format!("/v1/payment_methods/{id}"), &[])
                    .map(Some)
            }
            None => {}
        }
        let cards: List<PaymentMethod> = self.get(
            "/v1/payment_methods",
            &[("customer", customer), ("type", "card"), ("limit", "1")],
        )?;
        Ok(cards.data.into_iter().next())
    }

    fn customer_for(&self, request: &CheckoutRequest) -> Result<String, StripeFailure> {
        if let Some(existing) = &request.payer.customer_reference {
            return Ok(existing.clone());
        }
        let created: Customer = self.post(
            "/v1/customers",
            &format!("customer-{}", request.payer.user_id),
            &CreateCustomer {
                email: &request.payer.email,
                name: &request.payer.name,
                user_id: &request.payer.user_id,
            },
        )?;
        Ok(created.id)
    }
}

/// How a call to Stripe went wrong.
#[derive(Debug)]
enum StripeFailure {
    /// Stripe answered and refused (4xx): retrying the same request will not help.
    Refused { status: u16, error: ApiError },
    /// Network trouble, a 5xx or 429: worth retrying later with the same key.
    Transient(String),
}

impl StripeFailure {
    fn message(&self) -> String {
        match self {
            Self::Refused { status, error } => format!(
                "Stripe refused ({status}, {}): {}",
                error.code.as_deref().unwrap_or(&error.kind),
                error.message.as_deref().unwrap_or("no message")
            ),
            Self::Transient(message) => message.clone(),
        }
    }
}

impl From<StripeFailure> for ProviderError {
    fn from(failure: StripeFailure) -> Self {
        ProviderError(failure.message())
    }
}

fn answer<T: DeserializeOwned>(
    result: Result<ureq::Response, ureq::Error>,
) -> Result<T, StripeFailure> {
    match result {
        Ok(response) => {
            let text = response
                .into_string()
                .map_err(|e| StripeFailure::Transient(format!("reading Stripe's answer: {e}")))?;
            serde_json::from_str(&text).map_err(|e| {
                StripeFailure::Transient(format!("Stripe's answer is not understood: {e}"))
            })
        }
        Err(ureq::Error::Status(status, response)) => {
            let text = response.into_string().unwrap_or_default();
            let error = serde_json::from_str::<ErrorBody>(&text)
                .map(|b| b.error)
                .unwrap_or_else(|_| ApiError {
                    kind: "api_error".into(),
                    message: Some(text.chars().take(200).collect()),
                    ..ApiError::default()
                });
            if status == 429 || status >= 500 {
                Err(StripeFailure::Transient(format!(
                    "Stripe answered {status}: {}",
                    error.message.unwrap_or_default()
                )))
            } else {
                Err(StripeFailure::Refused { status, error })
            }
        }
        Err(other) => Err(StripeFailure::Transient(format!(
            "Stripe unreachable: {other}"
        ))),
    }
}

/// Stripe's currencies are lowercase ISO codes.
fn stripe_currency(money: &Money) -> String {
    money.currency.to_string().to_ascii_lowercase()
}

fn money(cents: i64, currency: &str) -> Result<Money, ProviderError> {
    let currency = Currency::parse("currency", &currency.to_ascii_uppercase())
        .map_err(|_| ProviderError(format!("Stripe answered an unknown currency {currency:?}")))?;
    Ok(Money { cents, currency })
}

fn refund_state(refund: &Refund) -> RefundState {
    match refund.status.as_str() {
        "succeeded" => RefundState::Succeeded,
        "failed" | "canceled" => RefundState::Failed {
            reason: refund
                .failure_reason
                .clone()
                .unwrap_or_else(|| refund.status.clone()),
        },
        _ => RefundState::Pending,
    }
}

impl PaymentProvider for StripePaymentProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Stripe
    }

    fn publishable_key(&self) -> Option<String> {
        self.publishable_key.clone()
    }

    fn create_checkout(&self, request: &CheckoutRequest) -> Result<Checkout, ProviderError> {
        let customer = self.customer_for(request)?;
        let (subscription_id, course_order_id, purpose) = match &request.purchase {
            Purchase::Subscription(id) => (Some(id.as_str()), None, PURPOSE_CHECKOUT),
            Purchase::Course(id) => (None, Some(id.as_str()), PURPOSE_COURSE),
        };
        let intent: PaymentIntent = self.post(
            "/v1/payment_intents",
            &request.idempotency_key,
            &CreatePaymentIntent {
                amount: request.amount.cents,
                currency: stripe_currency(&request.amount),
                customer: &customer,
                description: &request.description,
                // Only a subscription keeps the card, for its renewals.
                setup_future_usage: request.purchase.renews().then_some("off_session"),
                payment_method: None,
                off_session: None,
                confirm: None,
                subscription_id,
                course_order_id,
                purpose,
                checkout_id: Some(&request.idempotency_key),
                charge_key: None,
            },
        )?;
        Ok(Checkout {
            checkout_id: intent.id,
            customer_reference: Some(customer),
            url: None,
            client_secret: intent.client_secret,
        })
    }

    fn charge_off_session(
        &self,
        charge: &OffSessionCharge,
    ) -> Result<ChargeOutcome, ProviderError> {
        let Some(card) = self.saved_card(&charge.customer_reference)? else {
            return Ok(ChargeOutcome::Declined {
                payment_reference: None,
                reason: "No card is saved for renewals.".into(),
            });
        };
        let created: Result<PaymentIntent, _> = self.post(
            "/v1/payment_intents",
            &charge.idempotency_key,
            &CreatePaymentIntent {
                amount: charge.amount.cents,
                currency: stripe_currency(&charge.amount),
                customer: &charge.customer_reference,
                description: &charge.description,
                setup_future_usage: None,
                payment_method: Some(&card.id),
                off_session: Some(true),
                confirm: Some(true),
                subscription_id: Some(&charge.subscription_id),
                course_order_id: None,
                purpose: PURPOSE_RENEWAL,
                checkout_id: None,
                charge_key: Some(&charge.idempotency_key),
            },
        );
        match created {
            Ok(intent) => Ok(match intent.status.as_str() {
                "succeeded" => ChargeOutcome::Succeeded {
                    payment_reference: intent.id,
                },
                "processing" => ChargeOutcome::Pending {
                    payment_reference: intent.id,
                },
                _ => ChargeOutcome::Declined {
                    reason: intent
                        .last_payment_error
                        .and_then(|e| e.message)
                        .unwrap_or_else(|| format!("The payment is {}.", intent.status)),
                    payment_reference: Some(intent.id),
                },
            }),
            // A decline (402) or a card that needs the member (authentication_required).
            Err(StripeFailure::Refused { status, error })
                if status == 402 || error.kind == "card_error" =>
            {
                Ok(ChargeOutcome::Declined {
                    payment_reference: error.payment_intent.map(|pi| pi.id),
                    reason: error
                        .message
                        .unwrap_or_else(|| error.decline_code.unwrap_or(error.kind)),
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    fn refund(&self, order: &RefundOrder) -> Result<RefundReceipt, ProviderError> {
        let created: Result<Refund, _> = self.post(
            "/v1/refunds",
            &order.idempotency_key,
            &CreateRefund {
                payment_intent: &order.payment_reference,
                amount: order.amount.cents,
                refund_id: &order.refund_id,
            },
        );
        match created {
            Ok(refund) => Ok(RefundReceipt {
                state: refund_state(&refund),
                reference: refund.id,
            }),
            // Refused for good (already refunded, more than the charge…): the host sees why.
            Err(StripeFailure::Refused { error, .. }) => Ok(RefundReceipt {
                reference: String::new(),
                state: RefundState::Failed {
                    reason: error.message.unwrap_or(error.kind),
                },
            }),
            Err(e) => Err(e.into()),
        }
    }

    fn payment_method(
        &self,
        customer_reference: &str,
    ) -> Result<Option<CardSummary>, ProviderError> {
        Ok(self
            .saved_card(customer_reference)?
            .and_then(|pm| pm.card)
            .map(|card| CardSummary {
                brand: card.brand,
                last4: card.last4,
                exp_month: card.exp_month,
                exp_year: card.exp_year,
            }))
    }

    fn setup_payment_method(&self, customer_reference: &str) -> Result<String, ProviderError> {
        // Each request for a card form is a new SetupIntent; the key still names the customer.
        let key = format!(
            "setup-{customer_reference}-{}",
            uuid::Uuid::new_v4().simple()
        );
        let intent: SetupIntent = self.post(
            "/v1/setup_intents",
            &key,
            &CreateSetupIntent {
                customer: customer_reference,
                usage: "off_session",
                purpose: "card_update",
            },
        )?;
        intent
            .client_secret
            .ok_or_else(|| ProviderError("Stripe gave the SetupIntent no client secret".into()))
    }

    fn refund_status(&self, reference: &str) -> Result<RefundReceipt, ProviderError> {
        let refund: Refund = self.get(&format!("/v1/refunds/{reference}"), &[])?;
        Ok(RefundReceipt {
            state: refund_state(&refund),
            reference: refund.id,
        })
    }

    fn refunds_of(&self, payment_reference: &str) -> Result<Vec<ProviderRefund>, ProviderError> {
        let refunds: List<Refund> = self.get(
            "/v1/refunds",
            &[("payment_intent", payment_reference), ("limit", "100")],
        )?;
        refunds
            .data
            .into_iter()
            .map(|refund| {
                Ok(ProviderRefund {
                    amount: money(refund.amount, &refund.currency)?,
                    state: refund_state(&refund),
                    refund_id: refund.metadata.praxis_refund_id.clone(),
                    reference: refund.id,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_requests_are_form_encoded_with_nested_metadata_keys() {
        let body = serde_urlencoded::to_string(CreatePaymentIntent {
            amount: 2500,
            currency: "eur".into(),
            customer: "cus_1",
            description: "practitioner plan, monthly",
            setup_future_usage: Some("off_session"),
            payment_method: None,
            off_session: None,
            confirm: None,
            subscription_id: Some("sub-1"),
            course_order_id: None,
            purpose: PURPOSE_CHECKOUT,
            checkout_id: Some("checkout-sub-1"),
            charge_key: None,
        })
        .unwrap_or_default();
        assert_eq!(
            body,
            "amount=2500&currency=eur&customer=cus_1&description=practitioner+plan%2C+monthly\
             &setup_future_usage=off_session&metadata%5Bpraxis_subscription_id%5D=sub-1\
             &metadata%5Bpraxis_purpose%5D=checkout&metadata%5Bpraxis_checkout_id%5D=checkout-sub-1"
        );
    }

    #[test]
    fn expandable_fields_read_as_an_id_or_an_object() {
        let id: Option<Expandable<PaymentMethod>> = serde_json::from_str(r#""pm_1""#).ok();
        assert!(matches!(id, Some(Expandable::Id(id)) if id == "pm_1"));
        let object: Option<Expandable<PaymentMethod>> =
            serde_json::from_str(r#"{"id": "pm_2", "card": null}"#).ok();
        assert!(matches!(object, Some(Expandable::Object(pm)) if pm.id == "pm_2"));
    }

    #[test]
    fn refund_states_follow_stripes_refund_status() {
        let refund = |status: &str| Refund {
            id: "re_1".into(),
            amount: 1,
            currency: "eur".into(),
            status: status.into(),
            failure_reason: Some("expired_or_canceled_card".into()),
            metadata: RefundMetadata::default(),
        };
        assert_eq!(refund_state(&refund("succeeded")), RefundState::Succeeded);
        assert_eq!(refund_state(&refund("pending")), RefundState::Pending);
        assert_eq!(
            refund_state(&refund("requires_action")),
            RefundState::Pending
        );
        assert_eq!(
            refund_state(&refund("failed")),
            RefundState::Failed {
                reason: "expired_or_canceled_card".into()
            }
        );
    }
}
