//! Refunds: what a member gets back of a payment, and why.
//!
//! Yearly: the full calendar months left in the paid year, pro rata, minus the e-course the member
//! keeps. Monthly: the whole payment within 24 hours of paying, nothing after. Never more than
//! what remains unrefunded of the payment, never negative.
//!
//! Credit is consumed like a refund: the unused days of a payment credited to an upgrade (while
//! that checkout can still be paid, or once it was) count against a refund of the same payment,
//! so the same months are never given back twice, once as credit and once as money.

use crate::calendar::full_months_between;
use crate::plans::BillingPeriod;
use crate::Money;
use chrono::{DateTime, Duration, Utc};

crate::string_enum! {
    /// Which rule priced a refund quote; stored with the quote and read back from it.
    pub enum RefundRule {
        YearlyFullMonths => "yearly_full_months",
        Monthly24h => "monthly_24h",
    }
    field = "rule";
}

/// One paid period of a subscription, as the refund rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidPeriod {
    pub billing_period: BillingPeriod,
    /// What the member actually paid for this period (supporter or assistance price, credit
    /// already taken off).
    pub amount_paid: Money,
    /// Refunded so far from that payment.
    pub already_refunded: Money,
    /// Credited so far from that payment to an upgrade's first payment (a pending checkout's
    /// frozen credit included): consumed exactly like a refund.
    pub credited: Money,
    pub paid_at: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    /// The plan's e-course deduction (yearly only).
    pub e_course_deduction: Money,
}

/// What a refund requested at a given moment would pay, the rule applied and a sentence saying
/// how the number came about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundQuote {
    pub refundable: Money,
    pub rule: RefundRule,
    pub full_months: Option<u32>,
    pub deduction: Option<Money>,
    pub explanation: String,
}

/// A monthly payment is refundable up to and including this long after it was made.
pub const MONTHLY_WINDOW_HOURS: i64 = 24;

/// A paid year holds at most twelve full months, however early the request.
const MONTHS_PER_YEAR: u32 = 12;

/// The refund a request at `requested_at` would get for `period`.
pub fn quote(period: &PaidPeriod, requested_at: DateTime<Utc>) -> RefundQuote {
    let currency = period.amount_paid.currency;
    let paid = period.amount_paid.cents.max(0);
    let refunded = period.already_refunded.cents.max(0);
    let credited = period.credited.cents.max(0);
    let already = refunded.saturating_add(credited);
    let remaining = (paid - already).max(0);
    let (gross, mut quote) = match period.billing_period {
        BillingPeriod::Yearly => yearly(period, paid, requested_at),
        BillingPeriod::Monthly => monthly(period, paid, requested_at),
    };
    // What was already paid back of this payment, or credited to an upgrade, counts against what
    // the rule allows, so a second request never refunds the same months twice.
    let refundable = (gross - already).clamp(0, remaining);
    if refundable < gross {
        let credit = if credited > 0 {
            format!(" and {credited} cents were credited to an upgrade")
        } else {
            String::new()
        };
        quote.explanation.push_str(&format!(
            " {refunded} cents of this payment were already refunded{credit}, and {remaining} \
             cents remain, so {refundable} cents can be refunded."
        ));
    }
    quote.refundable = Money {
        cents: refundable,
        currency,
    };
    quote
}

fn yearly(period: &PaidPeriod, paid: i64, requested_at: DateTime<Utc>) -> (i64, RefundQuote) {
    let months = full_months_between(requested_at, period.period_end).min(MONTHS_PER_YEAR);
    let deduction = period.e_course_deduction.cents.max(0);
    // i128: amount × months cannot overflow whatever the inputs; the result is at most `paid`.
    let pro_rata = i64::try_from(i128::from(paid) * i128::from(months) / 12).unwrap_or(paid);
    let gross = (pro_rata - deduction).max(0);
    let explanation = if months == 0 {
        "No full month remains of the yearly period, so nothing is refunded.".to_owned()
    } else {
        let remain = if months == 1 {
            "1 full month remains".to_owned()
        } else {
            format!("{months} full months remain")
        };
        let outcome = if gross == 0 {
            "which leaves nothing to refund".to_owned()
        } else {
            format!("= {gross} cents")
        };
        format!(
            "{remain} of the yearly period: {paid} × {months} / 12 = {pro_rata} cents, minus the \
             e-course ({deduction}) {outcome}."
        )
    };
    (
        gross,
        RefundQuote {
            refundable: Money {
                cents: 0,
                currency: period.amount_paid.currency,
            },
            rule: RefundRule::YearlyFullMonths,
            full_months: Some(months),
            deduction: Some(Money {
                cents: deduction,
                currency: period.e_course_deduction.currency,
            }),
            explanation,
        },
    )
}

fn monthly(period: &PaidPeriod, paid: i64, requested_at: DateTime<Utc>) -> (i64, RefundQuote) {
    let inside = requested_at <= period.paid_at + Duration::hours(MONTHLY_WINDOW_HOURS);
    let (gross, explanation) = if inside {
        (
            paid,
            format!(
                "Requested within {MONTHLY_WINDOW_HOURS} hours of the payment: the whole month \
                 ({paid} cents) is refunded."
            ),
        )
    } else {
        (
            0,
            format!(
                "Requested more than {MONTHLY_WINDOW_HOURS} hours after the payment: a monthly \
                 payment is refunded only within {MONTHLY_WINDOW_HOURS} hours, so nothing is \
                 refunded."
            ),
        )
    };
    (
        gross,
        RefundQuote {
            refundable: Money {
                cents: 0,
                currency: period.amount_paid.currency,
            },
            rule: RefundRule::Monthly24h,
            full_months: None,
            deduction: None,
            explanation,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::add_months;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn yearly_period(paid: i64, paid_at: DateTime<Utc>) -> PaidPeriod {
        PaidPeriod {
            billing_period: BillingPeriod::Yearly,
            amount_paid: Money::eur(paid),
            already_refunded: Money::eur(0),
            credited: Money::eur(0),
            paid_at,
            period_end: add_months(paid_at, 12),
            e_course_deduction: Money::eur(9900),
        }
    }

    fn monthly_period(paid: i64, paid_at: DateTime<Utc>) -> PaidPeriod {
        PaidPeriod {
            billing_period: BillingPeriod::Monthly,
            amount_paid: Money::eur(paid),
            already_refunded: Money::eur(0),
            credited: Money::eur(0),
            paid_at,
            period_end: add_months(paid_at, 1),
            e_course_deduction: Money::eur(9900),
        }
    }

    #[test]
    fn yearly_refund_deducts_e_course_price() {
        // Paid 2026-01-10, ends 2027-01-10; asked 2026-06-01: Jun 1 + 7 months = Jan 1 ≤ Jan 10.
        let period = yearly_period(49000, at(2026, 1, 10, 9));
        let q = quote(&period, at(2026, 6, 1, 9));
        assert_eq!(q.rule, RefundRule::YearlyFullMonths);
        assert_eq!(q.full_months, Some(7));
        assert_eq!(q.deduction, Some(Money::eur(9900)));
        assert_eq!(q.refundable, Money::eur(49000 * 7 / 12 - 9900));
        assert_eq!(
            q.explanation,
            "7 full months remain of the yearly period: 49000 × 7 / 12 = 28583 cents, minus the \
             e-course (9900) = 18683 cents."
        );
    }

    #[test]
    fn yearly_refund_counts_whole_calendar_months_with_end_of_month_clamping() {
        // A year ending on Feb 28: a request on Jan 31 has one full month (Jan 31 + 1 = Feb 28).
        let mut period = yearly_period(120000, at(2026, 2, 28, 12));
        period.period_end = at(2027, 2, 28, 12);
        assert_eq!(quote(&period, at(2027, 1, 31, 12)).full_months, Some(1));
        // One second later than the clamped date is no longer a full month.
        let late = at(2027, 1, 31, 12) + Duration::seconds(1);
        assert_eq!(quote(&period, late).full_months, Some(0));
        assert_eq!(quote(&period, late).refundable, Money::eur(0));
        // Right at the start of the year all twelve months remain.
        let q = quote(&period, at(2026, 2, 28, 12));
        assert_eq!(q.full_months, Some(12));
        assert_eq!(q.refundable, Money::eur(120000 - 9900));
    }

    #[test]
    fn yearly_refund_in_leap_year() {
        // 2028 is a leap year: Jan 31 + 1 month = Feb 29.
        let mut period = yearly_period(60000, at(2027, 2, 28, 0));
        period.period_end = at(2028, 2, 29, 0);
        assert_eq!(quote(&period, at(2028, 1, 31, 0)).full_months, Some(1));
        assert_eq!(quote(&period, at(2027, 3, 1, 0)).full_months, Some(11));
        assert_eq!(quote(&period, at(2027, 2, 28, 0)).full_months, Some(12));
    }

    #[test]
    fn monthly_refund_within_24_hours_is_whole_payment() {
        let period = monthly_period(2500, at(2026, 3, 1, 10));
        let q = quote(&period, at(2026, 3, 2, 9));
        assert_eq!(q.rule, RefundRule::Monthly24h);
        assert_eq!(q.refundable, Money::eur(2500));
        assert_eq!(q.full_months, None);
        assert_eq!(q.deduction, None);
        assert!(q.explanation.contains("2500"), "{}", q.explanation);
    }

    #[test]
    fn monthly_refund_at_exactly_24_hours_is_still_inside() {
        let period = monthly_period(2500, at(2026, 3, 1, 10));
        assert_eq!(
            quote(&period, at(2026, 3, 2, 10)).refundable,
            Money::eur(2500)
        );
    }

    #[test]
    fn monthly_refund_after_24_hours_is_zero() {
        let period = monthly_period(2500, at(2026, 3, 1, 10));
        let late = at(2026, 3, 2, 10) + Duration::seconds(1);
        let q = quote(&period, late);
        assert_eq!(q.refundable, Money::eur(0));
        assert!(q.explanation.contains("24 hours"), "{}", q.explanation);
    }

    #[test]
    fn refund_never_exceeds_what_remains_unrefunded() {
        let mut period = monthly_period(2500, at(2026, 3, 1, 10));
        period.already_refunded = Money::eur(2000);
        let q = quote(&period, at(2026, 3, 1, 11));
        assert_eq!(q.refundable, Money::eur(500));
        assert!(q.explanation.contains("500"), "{}", q.explanation);
        period.already_refunded = Money::eur(2500);
        assert_eq!(quote(&period, at(2026, 3, 1, 11)).refundable, Money::eur(0));
    }

    #[test]
    fn a_second_refund_never_pays_the_same_months_twice() {
        // Eleven months were refunded (minus the e-course) at once; three months later the rule
        // allows less than was already paid back, so nothing more is due.
        let mut period = yearly_period(24000, at(2026, 1, 10, 9));
        let first = quote(&period, at(2026, 1, 10, 10));
        assert_eq!(first.refundable, Money::eur(24000 * 11 / 12 - 9900));
        period.already_refunded = first.refundable;
        assert_eq!(quote(&period, at(2026, 4, 11, 9)).refundable, Money::eur(0));
    }

    #[test]
    fn credit_given_to_an_upgrade_is_consumed_and_never_refunded_again() {
        // 20000 of the year's unused days went to a PRO checkout: the nine months the rule
        // allows (minus the e-course) are covered by that credit, so nothing is refunded.
        let mut period = yearly_period(24000, at(2026, 1, 10, 9));
        period.credited = Money::eur(20000);
        let q = quote(&period, at(2026, 4, 1, 0));
        assert_eq!(q.full_months, Some(9));
        assert_eq!(q.refundable, Money::eur(0));
        assert!(q.explanation.contains("credited"), "{}", q.explanation);
        // A small credit leaves the rest of what the rule allows.
        period.credited = Money::eur(1000);
        let q = quote(&period, at(2026, 4, 1, 0));
        assert_eq!(q.refundable, Money::eur(24000 * 9 / 12 - 9900 - 1000));
        // A monthly payment refunded within a day gives back only what was not credited.
        let mut monthly = monthly_period(2500, at(2026, 3, 1, 10));
        monthly.credited = Money::eur(2400);
        assert_eq!(
            quote(&monthly, at(2026, 3, 1, 11)).refundable,
            Money::eur(100)
        );
    }

    #[test]
    fn refund_is_never_negative() {
        // Two months left of a cheap year: the pro-rata part is below the e-course price.
        let period = yearly_period(24000, at(2026, 1, 10, 9));
        let q = quote(&period, at(2026, 10, 20, 9));
        assert_eq!(q.full_months, Some(2));
        assert_eq!(q.refundable, Money::eur(0));
        assert!(q.explanation.contains("nothing"), "{}", q.explanation);
    }

    #[test]
    fn supporter_and_assistance_prices_refund_what_was_paid() {
        let paid_at = at(2026, 1, 10, 9);
        for paid in [70000, 49000, 15000] {
            let q = quote(&yearly_period(paid, paid_at), at(2026, 4, 1, 0));
            assert_eq!(q.full_months, Some(9));
            assert_eq!(q.refundable.cents, (paid * 9 / 12 - 9900).max(0));
        }
        assert_eq!(
            quote(&monthly_period(4000, paid_at), paid_at).refundable,
            Money::eur(4000)
        );
    }

    #[test]
    fn refund_rule_round_trips_through_its_name() {
        for rule in [RefundRule::YearlyFullMonths, RefundRule::Monthly24h] {
            assert_eq!(RefundRule::parse(rule.as_str()), Ok(rule));
        }
        assert!(RefundRule::parse("weekly").is_err());
    }

    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        // 2024-01-01 to about 2032, to the second.
        (1_704_067_200i64..1_956_528_000i64)
            .prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default())
    }

    fn period() -> impl Strategy<Value = PaidPeriod> {
        (
            prop_oneof![Just(BillingPeriod::Monthly), Just(BillingPeriod::Yearly)],
            0i64..=100_000_000,
            0i64..=100_000_000,
            instant(),
            0i64..=20_000,
            0i64..=100_000_000,
        )
            .prop_map(
                |(billing_period, paid, refunded, paid_at, deduction, credited)| {
                    let months = match billing_period {
                        BillingPeriod::Monthly => 1,
                        BillingPeriod::Yearly => 12,
                    };
                    PaidPeriod {
                        billing_period,
                        amount_paid: Money::eur(paid),
                        already_refunded: Money::eur(refunded.min(paid)),
                        credited: Money::eur(credited.min(paid - refunded.min(paid))),
                        paid_at,
                        period_end: add_months(paid_at, months),
                        e_course_deduction: Money::eur(deduction),
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn refundable_stays_between_zero_and_what_remains(
            p in period(),
            offset in -1_000_000i64..40_000_000,
        ) {
            let q = quote(&p, p.paid_at + Duration::seconds(offset));
            prop_assert!(q.refundable.cents >= 0);
            prop_assert!(
                q.refundable.cents
                    <= p.amount_paid.cents - p.already_refunded.cents - p.credited.cents
            );
        }

        #[test]
        fn yearly_refund_never_grows_as_the_request_moves_later(
            mut p in period(),
            a in 0i64..40_000_000,
            b in 0i64..40_000_000,
        ) {
            p.billing_period = BillingPeriod::Yearly;
            p.period_end = add_months(p.paid_at, 12);
            let (early, late) = (a.min(b), a.max(b));
            let q_early = quote(&p, p.paid_at + Duration::seconds(early));
            let q_late = quote(&p, p.paid_at + Duration::seconds(late));
            prop_assert!(q_late.refundable.cents <= q_early.refundable.cents);
        }

        #[test]
        fn a_one_year_period_has_at_most_twelve_full_months(
            mut p in period(),
            offset in -40_000_000i64..40_000_000,
        ) {
            p.billing_period = BillingPeriod::Yearly;
            p.period_end = add_months(p.paid_at, 12);
            let q = quote(&p, p.paid_at + Duration::seconds(offset));
            prop_assert!(q.full_months.unwrap_or(0) <= 12);
        }
    }
}

/// The member's words to the hosts with a refund request: trimmed, 1–4000 characters.
pub fn parse_request_message(message: &str) -> crate::Result<String> {
    let trimmed = message.trim();
    let chars = trimmed.chars().count();
    if chars == 0 || chars > 4000 {
        return Err(crate::Error::field(
            "message",
            "must be between 1 and 4000 characters",
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod request_message_tests {
    use super::parse_request_message;

    #[test]
    fn refund_request_message_is_trimmed_and_between_1_and_4000_characters() {
        assert_eq!(
            parse_request_message("  moved abroad ").ok().as_deref(),
            Some("moved abroad")
        );
        assert!(parse_request_message("   ").is_err());
        assert!(parse_request_message(&"é".repeat(4000)).is_ok());
        assert!(parse_request_message(&"é".repeat(4001)).is_err());
    }
}

crate::string_enum! {
    /// Where a refund request is: waiting for a host, or decided.
    pub enum RefundRequestStatus {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
    }
    field = "status";
}

crate::string_enum! {
    /// Whether the payment provider has paid a refund: `pending` until it confirms, `failed`
    /// with its reason (a host may retry).
    pub enum RefundStatus {
        Pending => "pending",
        Succeeded => "succeeded",
        Failed => "failed",
    }
    field = "status";
}
