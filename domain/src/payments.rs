//! The payment provider port: a real provider (Stripe) and the local one for development and
//! tests both implement it. Calls may do network I/O, so callers run them off the async workers
//! and outside database transactions.
//!
//! Every call that can move money carries an idempotency key derived from our own ids, so a
//! retried call (after a crash, a timeout or a concurrent request) moves money at most once.

use crate::Money;

crate::string_enum! {
    /// Which provider takes the payments of this server.
    pub enum ProviderKind {
        Local => "local",
        Stripe => "stripe",
    }
    field = "provider", message = "unknown payment provider";
}

/// Who pays: the member, and the provider's customer for them once one exists (reused for every
/// later payment, so a saved card can be charged off-session).
#[derive(Debug, Clone)]
pub struct Payer {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub customer_reference: Option<String>,
}

/// What a checkout pays for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purchase {
    /// A subscription's first period (`subscriptions.id`); the card is kept for renewals.
    Subscription(String),
    /// A course bought on its own (`course_orders.id`): paid once, no card kept.
    Course(String),
}

impl Purchase {
    /// Whether the card paying it is kept to charge later periods off-session.
    pub fn renews(&self) -> bool {
        matches!(self, Self::Subscription(_))
    }
}

#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    pub purchase: Purchase,
    /// The provider creates at most one payment per key (our subscription or order id).
    pub idempotency_key: String,
    pub payer: Payer,
    pub description: String,
    pub amount: Money,
}

#[derive(Debug, Clone)]
pub struct Checkout {
    /// The provider's id of this payment (a Stripe PaymentIntent id; `chk_…` locally).
    pub checkout_id: String,
    /// The provider's customer the payment belongs to, to be kept for the member.
    pub customer_reference: Option<String>,
    /// Where the member pays, for providers with a hosted page (the local one).
    pub url: Option<String>,
    /// What the SPA confirms the payment with (Stripe Elements), for providers that have one.
    pub client_secret: Option<String>,
}

/// A renewal charged without the member present, to the customer's saved payment method.
#[derive(Debug, Clone)]
pub struct OffSessionCharge {
    /// One key per subscription period, so a period is never charged twice.
    pub idempotency_key: String,
    pub subscription_id: String,
    pub customer_reference: String,
    pub description: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// The money moved; `payment_reference` is the provider's payment id.
    Succeeded { payment_reference: String },
    /// Accepted but not settled yet: the provider's webhook tells the outcome.
    Pending { payment_reference: String },
    /// Declined (or no usable payment method): the reason is the provider's, for the member.
    Declined {
        payment_reference: Option<String>,
        reason: String,
    },
}

#[derive(Debug, Clone)]
pub struct RefundOrder {
    /// Our refund id, kept with the provider's refund so its reports can be matched to ours.
    pub refund_id: String,
    /// The provider must pay a given key at most once, so retries are safe (our refund id; a
    /// retry after a failure gets a key of its own).
    pub idempotency_key: String,
    /// The provider's id of the payment refunded (PaymentIntent id).
    pub payment_reference: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundState {
    Pending,
    Succeeded,
    Failed { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundReceipt {
    pub reference: String,
    pub state: RefundState,
}

/// A refund of a payment as the provider lists it, including those made outside Praxis (e.g.
/// from Stripe's dashboard).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRefund {
    pub reference: String,
    pub amount: Money,
    pub state: RefundState,
    /// Our refund id when the refund was made by Praxis.
    pub refund_id: Option<String>,
}

/// The card on file, as the provider describes it (never the number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardSummary {
    pub brand: String,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: i32,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("payment provider: {0}")]
pub struct ProviderError(pub String);

pub trait PaymentProvider: Send + Sync {
    fn kind(&self) -> ProviderKind;

    /// The key the SPA initialises the provider's client library with, if it needs one.
    fn publishable_key(&self) -> Option<String> {
        None
    }

    /// Opens a payment for a checkout, creating the payer's customer when they have none yet.
    fn create_checkout(&self, request: &CheckoutRequest) -> Result<Checkout, ProviderError>;

    /// Charges a saved payment method without the member present (renewals).
    fn charge_off_session(&self, charge: &OffSessionCharge)
        -> Result<ChargeOutcome, ProviderError>;

    fn refund(&self, order: &RefundOrder) -> Result<RefundReceipt, ProviderError>;

    /// The card the customer's renewals are charged to, if any.
    fn payment_method(
        &self,
        customer_reference: &str,
    ) -> Result<Option<CardSummary>, ProviderError>;

    /// Starts saving a new card for the customer; answers the client secret the SPA confirms.
    fn setup_payment_method(&self, customer_reference: &str) -> Result<String, ProviderError>;

    /// Where a refund the provider accepted but had not settled stands now. Providers that
    /// settle refunds at once never leave one to ask about.
    fn refund_status(&self, reference: &str) -> Result<RefundReceipt, ProviderError> {
        Err(ProviderError(format!(
            "the {} provider settles refunds at once; {reference} cannot be pending",
            self.kind().as_str()
        )))
    }

    /// Every refund the provider made of a payment, to reconcile those made outside Praxis.
    fn refunds_of(&self, _payment_reference: &str) -> Result<Vec<ProviderRefund>, ProviderError> {
        Ok(Vec::new())
    }
}
