//! The local payment provider for development and tests. A checkout is paid at its
//! `checkout_url`, `POST /api/v1/dev/checkouts/{id}/pay` (or by a signed `payment.succeeded`
//! webhook, as tests do); renewals charge the customer's card on file, which pays unless a
//! declining card was put there (`{"card": "declining"}` on the dev routes). Its charges and
//! refunds are books in the database, once per idempotency key as a real provider keeps them,
//! so they survive a restart and every node sees the same.

use praxis_domain::payments::{
    CardSummary, ChargeOutcome, Checkout, CheckoutRequest, OffSessionCharge, PaymentProvider,
    ProviderError, ProviderKind, RefundOrder, RefundReceipt, RefundState,
};
use praxis_persistence::local_provider::{self, LedgerRow};
use praxis_persistence::{to_db_time, Database, DbConnection};

/// What a declined charge says, as a card network would.
pub const DECLINE_REASON: &str = "Your card was declined.";
const DECLINED: &str = "declined";
const SUCCEEDED: &str = "succeeded";

pub struct LocalPaymentProvider {
    public_url: String,
    db: Database,
}

impl LocalPaymentProvider {
    pub fn new(public_url: &str, db: Database) -> Self {
        Self {
            public_url: public_url.to_owned(),
            db,
        }
    }

    fn conn(&self) -> Result<praxis_persistence::connection::PooledConnection, ProviderError> {
        self.db
            .conn()
            .map_err(|e| ProviderError(format!("local provider's books: {e}")))
    }

    /// Refunds paid out so far (distinct idempotency keys) and their total in cents.
    pub fn refunds_paid(&self) -> (usize, i64) {
        self.totals("refund")
    }

    /// Off-session charges made so far (distinct idempotency keys), declined ones included.
    pub fn charges_made(&self) -> usize {
        self.totals("charge").0
    }

    fn totals(&self, kind: &str) -> (usize, i64) {
        self.conn()
            .ok()
            .and_then(|mut c| local_provider::totals(&mut c, kind).ok())
            .unwrap_or((0, 0))
    }

    /// Records an entry under its key, or reads back the one a concurrent or earlier call with
    /// the same key recorded: a key moves money at most once.
    fn once(&self, entry: LedgerRow) -> Result<LedgerRow, ProviderError> {
        let mut pooled = self.conn()?;
        let conn: &mut DbConnection = &mut pooled;
        let failed = |e: praxis_persistence::Error| ProviderError(format!("local books: {e}"));
        if let Some(seen) = local_provider::find(conn, &entry.idempotency_key).map_err(failed)? {
            return Ok(seen);
        }
        match local_provider::insert(conn, &entry) {
            Ok(()) => Ok(entry),
            Err(praxis_persistence::Error::UniqueViolation(_)) => {
                local_provider::find(conn, &entry.idempotency_key)
                    .map_err(failed)?
                    .ok_or_else(|| ProviderError("local books lost an entry".into()))
            }
            Err(e) => Err(failed(e)),
        }
    }
}

fn customer_for(user_id: &str) -> String {
    format!("cus_local_{user_id}")
}

/// The card the local provider keeps for every customer, or the declining one.
pub fn card(declining: bool) -> CardSummary {
    CardSummary {
        brand: "visa".into(),
        // Stripe's test cards: 4242… pays; 4000 0000 0000 0341 attaches, then declines.
        last4: if declining { "0341" } else { "4242" }.into(),
        exp_month: 12,
        exp_year: 2034,
    }
}

impl PaymentProvider for LocalPaymentProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Local
    }

    fn create_checkout(&self, request: &CheckoutRequest) -> Result<Checkout, ProviderError> {
        let checkout_id = format!("chk_{}", uuid::Uuid::new_v4().simple());
        Ok(Checkout {
            // What is to be paid rides along, as on a provider's hosted page.
            url: Some(format!(
                "{}/api/v1/dev/checkouts/{checkout_id}/pay?amount={}&currency={}",
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
        let declines = {
            let mut pooled = self.conn()?;
            let conn: &mut DbConnection = &mut pooled;
            local_provider::card_declines(conn, &charge.customer_reference)
                .map_err(|e| ProviderError(format!("local books: {e}")))?
                .unwrap_or(false)
        };
        let entry = self.once(LedgerRow {
            idempotency_key: charge.idempotency_key.clone(),
            kind: "charge".into(),
            reference: format!("pay_{}", uuid::Uuid::new_v4().simple()),
            amount_cents: charge.amount.cents,
            currency: charge.amount.currency.to_string(),
            outcome: if declines { DECLINED } else { SUCCEEDED }.into(),
            created_at: to_db_time(chrono::Utc::now()),
        })?;
        Ok(if entry.outcome == DECLINED {
            ChargeOutcome::Declined {
                payment_reference: Some(entry.reference),
                reason: DECLINE_REASON.into(),
            }
        } else {
            ChargeOutcome::Succeeded {
                payment_reference: entry.reference,
            }
        })
    }

    fn refund(&self, order: &RefundOrder) -> Result<RefundReceipt, ProviderError> {
        let entry = self.once(LedgerRow {
            idempotency_key: order.idempotency_key.clone(),
            kind: "refund".into(),
            reference: format!("re_{}", uuid::Uuid::new_v4().simple()),
            amount_cents: order.amount.cents,
            currency: order.amount.currency.to_string(),
            outcome: SUCCEEDED.into(),
            created_at: to_db_time(chrono::Utc::now()),
        })?;
        Ok(RefundReceipt {
            reference: entry.reference,
            state: RefundState::Succeeded,
        })
    }

    fn payment_method(
        &self,
        customer_reference: &str,
    ) -> Result<Option<CardSummary>, ProviderError> {
        let mut pooled = self.conn()?;
        let conn: &mut DbConnection = &mut pooled;
        let declines = local_provider::card_declines(conn, customer_reference)
            .map_err(|e| ProviderError(format!("local books: {e}")))?;
        Ok(Some(card(declines.unwrap_or(false))))
    }

    fn setup_payment_method(&self, customer_reference: &str) -> Result<String, ProviderError> {
        Ok(format!(
            "seti_local_{}_secret_{}",
            customer_reference,
            uuid::Uuid::new_v4().simple()
        ))
    }
}
