//! The payment provider port: a real provider and the local one for development and tests both
//! implement it. Calls may do network I/O, so callers run them off the async workers.

use crate::Money;

#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    pub subscription_id: String,
    pub customer_email: String,
    pub description: String,
    pub amount: Money,
}

#[derive(Debug, Clone)]
pub struct Checkout {
    pub checkout_id: String,
    /// Where the member pays.
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct RefundOrder {
    /// The provider must pay a given key at most once, so retries are safe.
    pub idempotency_key: String,
    pub checkout_id: String,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundReceipt {
    pub reference: String,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("payment provider: {0}")]
pub struct ProviderError(pub String);

pub trait PaymentProvider: Send + Sync {
    fn create_checkout(&self, request: &CheckoutRequest) -> Result<Checkout, ProviderError>;
    fn refund(&self, order: &RefundOrder) -> Result<RefundReceipt, ProviderError>;
}
