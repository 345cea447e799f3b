//! Payment provider adapters and webhook signatures.

pub mod local;
pub mod signature;

pub use local::LocalPaymentProvider;
