//! The local payment provider for development and tests: checkouts are ids a developer (or a
//! test) pays by sending a signed `payment.succeeded` webhook; refunds are recorded in memory,
//! once per idempotency key, as a real provider would.

use praxis_domain::payments::{
    Checkout, CheckoutRequest, PaymentProvider, ProviderError, RefundOrder, RefundReceipt,
};
use std::collections::HashMap;
use std::sync::Mutex;

pub struct LocalPaymentProvider {
    public_url: String,
    refunds: Mutex<HashMap<String, (RefundOrder, RefundReceipt)>>,
}

impl LocalPaymentProvider {
    pub fn new(public_url: &str) -> Self {
        Self {
            public_url: public_url.to_owned(),
            refunds: Mutex::new(HashMap::new()),
        }
    }

    /// Refunds paid out so far (distinct idempotency keys) and their total in cents.
    pub fn refunds_paid(&self) -> (usize, i64) {
        self.refunds
            .lock()
            .map(|r| (r.len(), r.values().map(|(o, _)| o.amount.cents).sum()))
            .unwrap_or((0, 0))
    }
}

impl PaymentProvider for LocalPaymentProvider {
    fn create_checkout(&self, request: &CheckoutRequest) -> Result<Checkout, ProviderError> {
        let checkout_id = format!("chk_{}", uuid::Uuid::new_v4().simple());
        Ok(Checkout {
            url: format!(
                "{}/local-checkout/{checkout_id}?amount={}&currency={}",
                self.public_url, request.amount.cents, request.amount.currency
            ),
            checkout_id,
        })
    }

    fn refund(&self, order: &RefundOrder) -> Result<RefundReceipt, ProviderError> {
        let mut refunds = self
            .refunds
            .lock()
            .map_err(|_| ProviderError("local refund ledger poisoned".into()))?;
        let receipt = refunds
            .entry(order.idempotency_key.clone())
            .or_insert_with(|| {
                (
                    order.clone(),
                    RefundReceipt {
                        reference: format!("re_{}", uuid::Uuid::new_v4().simple()),
                    },
                )
            })
            .1
            .clone();
        Ok(receipt)
    }
}
