//! Money as clients see it: integer minor units and a currency code.

use praxis_domain::{Currency, Money};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An amount of money in minor units (cents).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"amount": 12300, "currency": "EUR"}))]
pub struct MoneyDto {
    /// Minor units (cents); never a float.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
}

impl From<Money> for MoneyDto {
    fn from(m: Money) -> Self {
        Self {
            amount: m.cents,
            currency: m.currency.to_string(),
        }
    }
}

impl MoneyDto {
    pub fn parse(&self, field: &str) -> praxis_domain::Result<Money> {
        let currency = Currency::parse(&format!("{field}.currency"), &self.currency)?;
        Money::non_negative(&format!("{field}.amount"), self.amount, currency)
    }
}
