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

/// The provider the configuration chooses.
pub fn from_config(config: &Config) -> anyhow::Result<Arc<dyn PaymentProvider>> {
    match (config.payment_provider, &config.stripe) {
        (ProviderKind::Local, _) => Ok(Arc::new(LocalPaymentProvider::new(&config.public_url))),
        (ProviderKind::Stripe, Some(stripe)) => Ok(Arc::new(StripePaymentProvider::new(
            &stripe.api_base,
            stripe.secret_key.clone(),
            stripe.publishable_key.clone(),
        ))),
        (ProviderKind::Stripe, None) => {
            anyhow::bail!("PRAXIS_PAYMENT_PROVIDER=stripe needs PRAXIS_STRIPE_SECRET_KEY")
        }
    }
}
