//! Payment provider adapters and webhook signatures.

pub mod local;
pub mod signature;
pub mod stripe;
pub mod webhooks;

pub use local::LocalPaymentProvider;
pub use stripe::StripePaymentProvider;

use crate::config::Config;
use praxis_domain::payments::{PaymentProvider, ProviderKind};
use std::sync::Arc;

/// The provider the configuration chooses when it is not the local one (which keeps its books
/// in the database, so `startup::prepare` builds it once the database is open).
pub fn configured(config: &Config) -> anyhow::Result<Option<Arc<dyn PaymentProvider>>> {
    match (config.payment_provider, &config.stripe) {
        (ProviderKind::Local, _) => Ok(None),
        (ProviderKind::Stripe, Some(stripe)) => Ok(Some(Arc::new(StripePaymentProvider::new(
            &stripe.api_base,
            stripe.secret_key.clone(),
            stripe.publishable_key.clone(),
        )))),
        (ProviderKind::Stripe, None) => {
            anyhow::bail!("PRAXIS_PAYMENT_PROVIDER=stripe needs PRAXIS_STRIPE_SECRET_KEY")
        }
    }
}
