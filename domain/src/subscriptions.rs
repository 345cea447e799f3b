//! Subscriptions to paid plans: their lifecycle, periods, seats and the upgrade credit.

use crate::calendar::add_months;
use crate::plans::{BillingPeriod, PlanSlug};
use crate::{Error, Money, Result};
use chrono::{DateTime, Duration, Utc};

crate::string_enum! {
    /// Where a subscription is in its life.
    pub enum SubscriptionStatus {
        PendingPayment => "pending_payment",
        Active => "active",
        Cancelled => "cancelled",
        Expired => "expired",
    }
    field = "status", message = "unknown subscription status";
}

/// The status as it is at `now`: an active subscription whose paid period has ended is expired
/// even before the periodic job writes it down, so access ends exactly at the period's end.
pub fn effective_status(
    stored: SubscriptionStatus,
    period_end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> SubscriptionStatus {
    match (stored, period_end) {
        (SubscriptionStatus::Active, Some(end)) if end <= now => SubscriptionStatus::Expired,
        (status, _) => status,
    }
}

/// A paid period: one calendar month, or twelve.
pub fn period_end(start: DateTime<Utc>, period: BillingPeriod) -> DateTime<Utc> {
    match period {
        BillingPeriod::Monthly => add_months(start, 1),
        BillingPeriod::Yearly => add_months(start, 12),
    }
}

/// Where a payment's period starts: a first payment starts now; a renewal continues from the
/// end of the current period, so paying early never loses days.
pub fn next_period(
    current_end: Option<DateTime<Utc>>,
    paid_at: DateTime<Utc>,
    period: BillingPeriod,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = match current_end {
        Some(end) if end > paid_at => end,
        _ => paid_at,
    };
    (start, period_end(start, period))
}

/// What a member moving from Practitioner to PRO is credited: the unused part of the paid
/// Practitioner period, pro rata by whole unused days, rounded down; never more than what is
/// left of the payment after what was already refunded or credited from it (`consumed`), so the
/// same days are never given back twice.
pub fn upgrade_credit(
    amount_paid: Money,
    consumed: Money,
    period_start: DateTime<Utc>,
    period_end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Money {
    let total_days = (period_end - period_start).num_days();
    let unused_days = (period_end - now).num_days().clamp(0, total_days.max(0));
    let left = (amount_paid.cents - consumed.cents.max(0)).max(0);
    let cents = if total_days <= 0 {
        0
    } else {
        // i128: amount × days cannot overflow whatever the inputs.
        i64::try_from(
            i128::from(amount_paid.cents.max(0)) * i128::from(unused_days) / i128::from(total_days),
        )
        .unwrap_or(0)
    };
    Money {
        cents: cents.min(left),
        ..amount_paid
    }
}

/// The first payment: the period price less the credit, never below zero; and how much of the
/// credit that uses.
pub fn first_payment(period_price: Money, credit: Money) -> (Money, Money) {
    let applied = credit.cents.clamp(0, period_price.cents);
    (
        Money {
            cents: period_price.cents - applied,
            ..period_price
        },
        Money {
            cents: applied,
            ..period_price
        },
    )
}

/// What a member with a live subscription may start: only the move from Practitioner to PRO.
pub fn may_start(current: Option<PlanSlug>, wanted: PlanSlug) -> Result<bool> {
    match (current, wanted) {
        (_, PlanSlug::Lobby) => Err(Error::field(
            "plan",
            "the Lobby is free: registering is all it takes",
        )),
        (None, _) => Ok(false),
        (Some(PlanSlug::Practitioner), PlanSlug::Pro) => Ok(true),
        (Some(current), wanted) if current == wanted => Err(Error::conflict(
            "already-subscribed",
            format!(
                "You already have an active {} subscription.",
                current.as_str()
            ),
        )),
        (Some(current), _) => Err(Error::conflict(
            "subscription-exists",
            format!(
                "You already have an active {} subscription; one paid subscription at a time. \
                 Cancel it first to change plan.",
                current.as_str()
            ),
        )),
    }
}

/// How long a pending checkout or a waitlist offer holds its seat.
#[derive(Debug, Clone, Copy)]
pub struct Holds {
    pub checkout: Duration,
    pub waitlist_offer: Duration,
}

impl Default for Holds {
    fn default() -> Self {
        Self {
            checkout: Duration::minutes(30),
            waitlist_offer: Duration::hours(48),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn monthly_period_is_one_calendar_month_and_yearly_twelve() {
        assert_eq!(
            period_end(at(2026, 1, 31), BillingPeriod::Monthly),
            at(2026, 2, 28)
        );
        assert_eq!(
            period_end(at(2026, 3, 1), BillingPeriod::Yearly),
            at(2027, 3, 1)
        );
    }

    #[test]
    fn renewal_extends_from_the_end_of_the_current_period() {
        let (start, end) = next_period(
            Some(at(2026, 5, 1)),
            at(2026, 4, 28),
            BillingPeriod::Monthly,
        );
        assert_eq!((start, end), (at(2026, 5, 1), at(2026, 6, 1)));
        let (start, _) = next_period(Some(at(2026, 5, 1)), at(2026, 5, 3), BillingPeriod::Monthly);
        assert_eq!(start, at(2026, 5, 3), "a lapsed period restarts at payment");
    }

    #[test]
    fn active_subscription_past_its_period_is_expired_at_read_time() {
        let now = at(2026, 6, 1);
        let s = effective_status(SubscriptionStatus::Active, Some(now), now);
        assert_eq!(s, SubscriptionStatus::Expired);
        let s = effective_status(SubscriptionStatus::Active, Some(at(2026, 6, 2)), now);
        assert_eq!(s, SubscriptionStatus::Active);
    }

    #[test]
    fn upgrade_credits_unused_days_pro_rata() {
        // 365-day year, 73 days unused: a fifth of 25000.
        let credit = upgrade_credit(
            Money::eur(25000),
            Money::eur(0),
            at(2026, 1, 1),
            at(2027, 1, 1),
            at(2026, 10, 20),
        );
        assert_eq!(credit, Money::eur(25000 * 73 / 365));
        let none = upgrade_credit(
            Money::eur(2500),
            Money::eur(0),
            at(2026, 1, 1),
            at(2026, 2, 1),
            at(2026, 3, 1),
        );
        assert_eq!(none.cents, 0);
    }

    #[test]
    fn upgrade_credit_never_gives_back_what_was_already_refunded_or_credited() {
        // 73 of 365 days unused would credit 5000, but 24000 of the 25000 went back already.
        let credit = upgrade_credit(
            Money::eur(25000),
            Money::eur(24000),
            at(2026, 1, 1),
            at(2027, 1, 1),
            at(2026, 10, 20),
        );
        assert_eq!(credit, Money::eur(1000));
        let all_gone = upgrade_credit(
            Money::eur(25000),
            Money::eur(25000),
            at(2026, 1, 1),
            at(2027, 1, 1),
            at(2026, 1, 2),
        );
        assert_eq!(all_gone.cents, 0);
    }

    #[test]
    fn upgrade_credit_never_makes_the_first_payment_negative() {
        let (due, applied) = first_payment(Money::eur(4900), Money::eur(20000));
        assert_eq!((due.cents, applied.cents), (0, 4900));
        let (due, applied) = first_payment(Money::eur(4900), Money::eur(1000));
        assert_eq!((due.cents, applied.cents), (3900, 1000));
    }

    #[test]
    fn one_paid_subscription_at_a_time_except_practitioner_to_pro() {
        assert_eq!(may_start(None, PlanSlug::Pro), Ok(false));
        assert_eq!(
            may_start(Some(PlanSlug::Practitioner), PlanSlug::Pro),
            Ok(true)
        );
        assert!(may_start(Some(PlanSlug::Pro), PlanSlug::Practitioner).is_err());
        assert!(may_start(Some(PlanSlug::Pro), PlanSlug::Pro).is_err());
        assert!(may_start(None, PlanSlug::Lobby).is_err());
    }
}

crate::string_enum! {
    /// Where a waitlist entry is in its life.
    pub enum WaitlistStatus {
        /// In the queue.
        Waiting => "waiting",
        /// A freed place is held for the member until the offer expires.
        Offered => "offered",
        /// The member took the offered place (or subscribed while waiting).
        Accepted => "accepted",
        /// The member left the queue.
        Left => "left",
        /// The offer ran out unanswered.
        Expired => "expired",
    }
    field = "status";
}
