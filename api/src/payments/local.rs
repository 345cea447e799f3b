//! The local payment provider for development and tests: checkouts are ids a developer (or a
//! test) pays by sending a signed `payment.succeeded` webhook; refunds and off-session charges
//! are recorded in memory, once per idempotency key, as a real provider would.

use praxis_domain::payments::{
    CardSummary, ChargeOutcome, Checkout, CheckoutRequest, OffSessionCharge, PaymentProvider,
    ProviderError, ProviderKind, RefundOrder, RefundReceipt, RefundState,
};
use std::collections::HashMap;
use std::sync::Mutex;

pub struct LocalPaymentProvider {
    public_url: String,
    refunds: Mutex<HashMap<String, (RefundOrder, RefundReceipt)>>,
    charges: Mutex<HashMap<String, (OffSessionCharge, ChargeOutcome)>>,
}

impl LocalPaymentProvider {
    pub fn new(public_url: &str) -> Self {
        Self {
            public_url: public_url.to_owned(),
            refunds: Mutex::new(HashMap::new()),
            charges: Mutex::new(HashMap::new()),
        }
    }

    /// Refunds paid out so far (distinct idempotency keys) and their total in cents.
    pub fn refunds_paid(&self) -> (usize, i64) {
        self.refunds
            .lock()
            .map(|r| (r.len(), r.values().map(|(o, _)| o.amount.cents).sum()))
            .unwrap_or((0, 0))
    }

    /// Off-session charges made so far (distinct idempotency keys).
    pub fn charges_made(&self) -> usize {
        self.charges.lock().map(|c| c.len()).unwrap_or(0)
    }
}

fn customer_for(user_id: &str) -> String {
    format!("cus_local_{user_id}")
}

impl PaymentProvider for LocalPaymentProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Local
    }

    fn create_checkout(&self, request: &CheckoutRequest) -> Result<Checkout, ProviderError> {
        let checkout_id = format!("chk_{}", uuid::Uuid::new_v4().simple());
        Ok(Checkout {
            url: Some(format!(
                "{}/local-checkout/{checkout_id}?amount={}&currency={}",
                self.public_url, request.amount.cents, request.amount.currency
            )),
            checkout_id,
            customer_reference: Some(
                request
                    .payer
                    .customer_reference
                    .clone()
                    .unwrap_or_else(|| customer_for(&request.payer.user_id)),
            ),
            client_secret: None,
        })
    }

    fn charge_off_session(
        &self,
        charge: &OffSessionCharge,
    ) -> Result<ChargeOutcome, ProviderError> {
        let mut charges = self
            .charges
            .lock()
            .map_err(|_| ProviderError("local charge ledger poisoned".into()))?;
        let outcome = charges
            .entry(charge.idempotency_key.clone())
            .or_insert_with(|| {
                (
                    charge.clone(),
                    ChargeOutcome::Succeeded {
                        payment_reference: format!("pay_{}", uuid::Uuid::new_v4().simple()),
                    },
                )
            })
            .1
            .clone();
        Ok(outcome)
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
                        state: RefundState::Succeeded,
                    },
                )
            })
            .1
            .clone();
        Ok(receipt)
    }

    fn payment_method(
        &self,
        _customer_reference: &str,
    ) -> Result<Option<CardSummary>, ProviderError> {
        Ok(Some(CardSummary {
            brand: "visa".into(),
            last4: "4242".into(),
            exp_month: 12,
            exp_year: 2034,
        }))
    }

    fn setup_payment_method(&self, customer_reference: &str) -> Result<String, ProviderError> {
        Ok(format!(
            "seti_local_{}_secret_{}",
            customer_reference,
            uuid::Uuid::new_v4().simple()
        ))
    }
}
