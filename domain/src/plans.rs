//! The plan catalogue: what each plan costs, how many places it has and how one joins it.

use crate::error::Errors;
use crate::{Currency, Error, Money, Result};

crate::string_enum! {
    /// The plans of the catalogue; an unknown slug is a plan that does not exist.
    pub enum PlanSlug {
        Lobby => "lobby",
        Practitioner => "practitioner",
        Pro => "pro",
    }
    field = "plan", not_found = "plan";
}

impl PlanSlug {
    /// The Lobby is free and open to everyone who registers; the lounges are paid.
    pub fn is_paid(&self) -> bool {
        !matches!(self, Self::Lobby)
    }
}

crate::string_enum! {
    /// How often a subscription is paid.
    pub enum BillingPeriod {
        Monthly => "monthly",
        Yearly => "yearly",
    }
    field = "billing_period", field_param;
}

crate::string_enum! {
    /// Supporter is the same access at a higher price, chosen by the member.
    pub enum PriceVersion {
        Regular => "regular",
        Supporter => "supporter",
    }
    field = "price_version", field_param;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Price {
    pub billing_period: BillingPeriod,
    pub price_version: PriceVersion,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub slug: PlanSlug,
    pub name: String,
    pub requires_application: bool,
    /// `None` means unlimited places (the Lobby).
    pub seat_limit: Option<u32>,
    /// Every amount of the plan is in this currency: prices, the deduction, and so every
    /// checkout, invoice, refund and mail about its subscriptions.
    pub currency: Currency,
    /// Deducted from a yearly refund: the price of the e-course the member keeps.
    pub e_course_deduction: Money,
    pub prices: Vec<Price>,
}

impl Plan {
    pub fn price(&self, period: BillingPeriod, version: PriceVersion) -> Option<&Price> {
        self.prices
            .iter()
            .find(|p| p.billing_period == period && p.price_version == version)
    }
}

/// Places left on a plan: never negative, even when an admin lowers the limit below the number
/// of places already taken. `None` is unlimited.
pub fn seats_left(seat_limit: Option<u32>, seats_taken: u32) -> Option<u32> {
    seat_limit.map(|limit| limit.saturating_sub(seats_taken))
}

/// An admin's change to a plan, checked against the plan as it stands.
#[derive(Debug, Clone, Default)]
pub struct PlanChanges {
    pub seat_limit: Option<u32>,
    pub prices: Vec<Price>,
    pub e_course_deduction: Option<Money>,
}

/// The largest seat limit an admin may set; well above any community's size, it keeps the
/// number inside every integer type it travels through.
pub const MAX_SEAT_LIMIT: i64 = 1_000_000;

impl PlanChanges {
    /// Checks the change and returns the plan as it would be after it.
    ///
    /// Rules: the Lobby is free and unlimited, so it takes no prices, limit or deduction; every
    /// price is in the plan's currency; a Supporter price is never below the Regular price of the
    /// same period (it is the same access at a higher price).
    pub fn apply_to(self, plan: &Plan) -> Result<Plan> {
        let mut errors = Errors::new();
        let currency = plan.currency;
        if !plan.slug.is_paid()
            && (self.seat_limit.is_some()
                || !self.prices.is_empty()
                || self.e_course_deduction.is_some())
        {
            return Err(Error::field(
                "plan",
                "the Lobby is free and unlimited: it has no prices, seat limit or deduction",
            ));
        }
        let mut next = plan.clone();
        if let Some(limit) = self.seat_limit {
            next.seat_limit = Some(limit);
        }
        if let Some(deduction) = self.e_course_deduction {
            if deduction.currency != currency {
                errors.push(
                    "e_course_deduction.currency",
                    format!("must be {currency}, the plan's currency"),
                );
            }
            next.e_course_deduction = deduction;
        }
        for (i, price) in self.prices.into_iter().enumerate() {
            if price.amount.currency != currency {
                errors.push(
                    format!("prices[{i}].amount.currency"),
                    format!("must be {currency}, the plan's currency"),
                );
            }
            if price.amount.cents == 0 {
                errors.push(
                    format!("prices[{i}].amount.amount"),
                    "a paid plan's price must be above zero",
                );
            }
            match next.prices.iter_mut().find(|p| {
                p.billing_period == price.billing_period && p.price_version == price.price_version
            }) {
                Some(existing) => *existing = price,
                None => next.prices.push(price),
            }
        }
        for period in [BillingPeriod::Monthly, BillingPeriod::Yearly] {
            let regular = next.price(period, PriceVersion::Regular);
            let supporter = next.price(period, PriceVersion::Supporter);
            if let (Some(regular), Some(supporter)) = (regular, supporter) {
                if supporter.amount.cents < regular.amount.cents {
                    errors.push(
                        "prices",
                        format!(
                            "the {} supporter price must not be below the regular price",
                            period.as_str()
                        ),
                    );
                }
            }
        }
        errors.finish()?;
        next.prices
            .sort_by_key(|p| (p.billing_period, p.price_version));
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practitioner() -> Plan {
        Plan {
            slug: PlanSlug::Practitioner,
            name: "Practitioner Lounge".into(),
            requires_application: false,
            seat_limit: Some(100),
            currency: Currency::EUR,
            e_course_deduction: Money::eur(9900),
            prices: vec![
                Price {
                    billing_period: BillingPeriod::Monthly,
                    price_version: PriceVersion::Regular,
                    amount: Money::eur(2500),
                },
                Price {
                    billing_period: BillingPeriod::Monthly,
                    price_version: PriceVersion::Supporter,
                    amount: Money::eur(4000),
                },
            ],
        }
    }

    #[test]
    fn seats_left_never_goes_below_zero() {
        assert_eq!(seats_left(Some(10), 3), Some(7));
        assert_eq!(seats_left(Some(2), 5), Some(0));
        assert_eq!(seats_left(None, 5), None);
    }

    #[test]
    fn supporter_price_is_never_below_regular_price() {
        let change = PlanChanges {
            prices: vec![Price {
                billing_period: BillingPeriod::Monthly,
                price_version: PriceVersion::Supporter,
                amount: Money::eur(2000),
            }],
            ..Default::default()
        };
        assert!(matches!(
            change.apply_to(&practitioner()),
            Err(Error::Validation(_))
        ));
    }

    #[test]
    fn lobby_is_free_and_unlimited() {
        let mut lobby = practitioner();
        lobby.slug = PlanSlug::Lobby;
        let change = PlanChanges {
            seat_limit: Some(3),
            ..Default::default()
        };
        assert!(change.apply_to(&lobby).is_err());
    }

    #[test]
    fn plan_change_replaces_the_price_of_the_same_period_and_version() {
        let change = PlanChanges {
            seat_limit: Some(40),
            prices: vec![Price {
                billing_period: BillingPeriod::Monthly,
                price_version: PriceVersion::Regular,
                amount: Money::eur(3000),
            }],
            e_course_deduction: Some(Money::eur(5000)),
        };
        let next = change.apply_to(&practitioner());
        let next = match next {
            Ok(plan) => plan,
            Err(e) => panic!("change refused: {e}"),
        };
        assert_eq!(next.seat_limit, Some(40));
        assert_eq!(next.e_course_deduction, Money::eur(5000));
        assert_eq!(next.prices.len(), 2);
        assert_eq!(
            next.price(BillingPeriod::Monthly, PriceVersion::Regular)
                .map(|p| p.amount),
            Some(Money::eur(3000))
        );
    }

    #[test]
    fn plan_prices_must_be_in_the_plan_currency() {
        let change = PlanChanges {
            prices: vec![Price {
                billing_period: BillingPeriod::Yearly,
                price_version: PriceVersion::Regular,
                amount: Money {
                    cents: 100,
                    currency: Currency::parse("c", "USD").unwrap_or(Currency::EUR),
                },
            }],
            ..Default::default()
        };
        assert!(change.apply_to(&practitioner()).is_err());
    }
}
