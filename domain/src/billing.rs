//! Billing addresses, as a member gives them in the customer hub and as invoices keep them.

use crate::error::Errors;
use crate::{Error, Result};

/// ISO 3166-1 alpha-2: every officially assigned code.
pub const COUNTRY_CODES: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// A billing address as typed: each field raw, before any check.
#[derive(Debug, Clone, Default)]
pub struct BillingAddressInput<'a> {
    pub name: &'a str,
    pub line1: &'a str,
    pub line2: Option<&'a str>,
    pub city: &'a str,
    pub postal_code: &'a str,
    pub region: Option<&'a str>,
    pub country: &'a str,
    pub vat_id: Option<&'a str>,
}

/// A billing address that satisfies every rule: required fields present and bounded, a real
/// ISO 3166-1 country, a VAT id of the usual shape. Blank optional fields become absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingAddress {
    name: String,
    line1: String,
    line2: Option<String>,
    city: String,
    postal_code: String,
    region: Option<String>,
    country: String,
    vat_id: Option<String>,
}

const TEXT_MAX: usize = 200;
const POSTAL_CODE_MAX: usize = 20;

fn text(field: &str, raw: &str, max: usize) -> Result<String> {
    let trimmed = raw.trim();
    let chars = trimmed.chars().count();
    if chars == 0 || chars > max {
        return Err(Error::field(
            field,
            format!("must be between 1 and {max} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::field(field, "must not contain control characters"));
    }
    Ok(trimmed.to_owned())
}

fn optional_text(field: &str, raw: Option<&str>, max: usize) -> Result<Option<String>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(value) => text(field, value, max).map(Some),
    }
}

/// An ISO 3166-1 alpha-2 code, upper-cased (`es` → `ES`).
pub fn parse_country(field: &str, raw: &str) -> Result<String> {
    let code = raw.trim().to_ascii_uppercase();
    if COUNTRY_CODES.binary_search(&code.as_str()).is_ok() {
        Ok(code)
    } else {
        Err(Error::field(
            field,
            "must be an ISO 3166-1 alpha-2 country code such as ES or DE",
        ))
    }
}

/// A VAT id: a two-letter country prefix and 2 to 13 letters or digits, spaces, dots and dashes
/// ignored (`es b-1234 5678` → `ESB12345678`).
pub fn parse_vat_id(field: &str, raw: &str) -> Result<String> {
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    // Split by character, never by byte: the input is arbitrary Unicode until proven ASCII.
    let mut chars = compact.chars();
    let prefix: String = chars.by_ref().take(2).collect();
    let rest: Vec<char> = chars.collect();
    let valid = prefix.chars().count() == 2
        && prefix.chars().all(|c| c.is_ascii_uppercase())
        && (2..=13).contains(&rest.len())
        && rest.iter().all(|c| c.is_ascii_alphanumeric());
    if valid {
        Ok(compact)
    } else {
        Err(Error::field(
            field,
            "must be a two-letter country prefix followed by 2 to 13 letters or digits",
        ))
    }
}

impl BillingAddress {
    /// Checks every field and reports all that are invalid at once.
    pub fn parse(input: &BillingAddressInput<'_>) -> Result<Self> {
        let mut errors = Errors::new();
        let name = errors.take(text("name", input.name, TEXT_MAX));
        let line1 = errors.take(text("line1", input.line1, TEXT_MAX));
        let line2 = errors.take(optional_text("line2", input.line2, TEXT_MAX));
        let city = errors.take(text("city", input.city, TEXT_MAX));
        let postal_code = errors.take(text("postal_code", input.postal_code, POSTAL_CODE_MAX));
        let region = errors.take(optional_text("region", input.region, TEXT_MAX));
        let country = errors.take(parse_country("country", input.country));
        let vat_id = errors.take(
            match input.vat_id.map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(raw) => parse_vat_id("vat_id", raw).map(Some),
            },
        );
        errors.finish()?;
        match (
            name,
            line1,
            line2,
            city,
            postal_code,
            region,
            country,
            vat_id,
        ) {
            (
                Some(name),
                Some(line1),
                Some(line2),
                Some(city),
                Some(postal_code),
                Some(region),
                Some(country),
                Some(vat_id),
            ) => Ok(Self {
                name,
                line1,
                line2,
                city,
                postal_code,
                region,
                country,
                vat_id,
            }),
            _ => Err(Error::field("", "billing address is incomplete")),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn line1(&self) -> &str {
        &self.line1
    }
    pub fn line2(&self) -> Option<&str> {
        self.line2.as_deref()
    }
    pub fn city(&self) -> &str {
        &self.city
    }
    pub fn postal_code(&self) -> &str {
        &self.postal_code
    }
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
    /// ISO 3166-1 alpha-2, upper case.
    pub fn country(&self) -> &str {
        &self.country
    }
    pub fn vat_id(&self) -> Option<&str> {
        self.vat_id.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> BillingAddressInput<'static> {
        BillingAddressInput {
            name: "Ana Pérez",
            line1: "Calle Mayor 1",
            line2: Some("  "),
            city: "Madrid",
            postal_code: "28013",
            region: None,
            country: "es",
            vat_id: Some("es b-1234 5678"),
        }
    }

    fn fields(result: Result<BillingAddress>) -> Vec<String> {
        match result {
            Err(Error::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn country_codes_are_sorted_and_unique_for_binary_search() {
        assert!(COUNTRY_CODES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn billing_address_normalises_country_vat_id_and_blank_optionals() {
        let address = BillingAddress::parse(&valid()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(address.country(), "ES");
        assert_eq!(address.vat_id(), Some("ESB12345678"));
        assert_eq!(address.line2(), None);
        assert_eq!(address.name(), "Ana Pérez");
    }

    #[test]
    fn billing_address_country_must_be_a_real_iso_code() {
        for bad in ["XX", "ESP", "", "E1", "UK"] {
            let input = BillingAddressInput {
                country: bad,
                ..valid()
            };
            assert_eq!(
                fields(BillingAddress::parse(&input)),
                vec!["country"],
                "{bad}"
            );
        }
        assert!(parse_country("c", "de").is_ok());
    }

    #[test]
    fn billing_address_vat_id_needs_prefix_and_2_to_13_alphanumerics() {
        assert!(parse_vat_id("v", "DE123456789").is_ok());
        assert!(parse_vat_id("v", "DE1").is_err());
        assert!(parse_vat_id("v", "DE12345678901234").is_err());
        assert!(parse_vat_id("v", "1E123456").is_err());
        assert!(parse_vat_id("v", "DE12_456").is_err());
    }

    #[test]
    fn billing_address_reports_every_invalid_field() {
        let long = "x".repeat(201);
        let input = BillingAddressInput {
            name: " ",
            line1: &long,
            line2: None,
            city: "",
            postal_code: "123456789012345678901",
            region: Some("ok"),
            country: "ZZ",
            vat_id: Some("E1"),
        };
        assert_eq!(
            fields(BillingAddress::parse(&input)),
            vec!["name", "line1", "city", "postal_code", "country", "vat_id"]
        );
    }
}
