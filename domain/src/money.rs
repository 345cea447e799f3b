//! Money is an integer number of minor units (cents) in an ISO 4217 currency. Never a float.

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// For tests and examples; amounts take the currency of their plan, never this constant.
    pub const EUR: Currency = Currency(*b"EUR");

    pub fn parse(field: &str, code: &str) -> Result<Self> {
        let bytes = code.as_bytes();
        if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_uppercase) {
            Ok(Currency([bytes[0], bytes[1], bytes[2]]))
        } else {
            Err(Error::field(
                field,
                "must be a three-letter upper-case ISO 4217 code such as EUR",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        // The bytes were checked to be ASCII upper-case letters when built.
        std::str::from_utf8(&self.0).unwrap_or("EUR")
    }
}

impl Currency {
    /// How many digits its minor unit has (ISO 4217): 0 for the yen or the won, 3 for the
    /// Kuwaiti dinar, 2 for most. Amounts are kept in minor units, so this only shapes how an
    /// amount is written for people.
    pub fn minor_digits(&self) -> u32 {
        match self.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    pub cents: i64,
    pub currency: Currency,
}

impl Money {
    /// Euros, for the rules' own tests only: real amounts take the currency of their plan.
    #[cfg(test)]
    pub fn eur(cents: i64) -> Self {
        Self {
            cents,
            currency: Currency::EUR,
        }
    }

    /// An amount a member could be charged or refunded: zero or more, below a sanity ceiling
    /// (one million euros) that keeps every later multiplication far from overflow.
    pub fn non_negative(field: &str, cents: i64, currency: Currency) -> Result<Self> {
        const CEILING: i64 = 100_000_000;
        if !(0..=CEILING).contains(&cents) {
            return Err(Error::field(
                field,
                format!("must be between 0 and {CEILING} minor units"),
            ));
        }
        Ok(Self { cents, currency })
    }
}

/// An amount as people read it, in its own currency's minor unit: `25.00 EUR`, `2500 JPY`,
/// `1.250 KWD`, `-3.05 CHF`.
impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = self.currency.minor_digits();
        let sign = if self.cents < 0 { "-" } else { "" };
        let units = self.cents.unsigned_abs();
        if digits == 0 {
            return write!(f, "{sign}{units} {}", self.currency);
        }
        let scale = 10u64.pow(digits);
        write!(
            f,
            "{sign}{}.{:0width$} {}",
            units / scale,
            units % scale,
            self.currency,
            width = digits as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_amount_is_written_in_its_currencys_own_minor_unit() {
        let money = |cents, code| Money {
            cents,
            currency: Currency::parse("c", code).unwrap_or_else(|e| panic!("{code}: {e:?}")),
        };
        assert_eq!(money(2500, "EUR").to_string(), "25.00 EUR");
        assert_eq!(money(1990, "CHF").to_string(), "19.90 CHF");
        assert_eq!(money(2500, "JPY").to_string(), "2500 JPY");
        assert_eq!(money(1250, "KWD").to_string(), "1.250 KWD");
        assert_eq!(money(-305, "EUR").to_string(), "-3.05 EUR");
        assert_eq!(money(5, "EUR").to_string(), "0.05 EUR");
    }

    #[test]
    fn money_is_never_negative_when_parsed() {
        assert!(Money::non_negative("amount", -1, Currency::EUR).is_err());
        assert!(Money::non_negative("amount", 0, Currency::EUR).is_ok());
        assert!(Money::non_negative("amount", 100_000_001, Currency::EUR).is_err());
    }

    #[test]
    fn currency_must_be_iso_code() {
        assert_eq!(
            Currency::parse("c", "EUR").map(|c| c.to_string()),
            Ok("EUR".into())
        );
        assert!(Currency::parse("c", "eur").is_err());
        assert!(Currency::parse("c", "EURO").is_err());
    }
}
