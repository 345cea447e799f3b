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
        /// Its renewal payment failed: access is kept through the grace period while the
        /// payment is retried. Stored as `active` with `past_due_since` set (see the migration).
        PastDue => "past_due",
        Cancelled => "cancelled",
        Expired => "expired",
    }
    field = "status", message = "unknown subscription status";
}

crate::string_enum! {
    /// Where one charge of a renewal is.
    pub enum RenewalAttemptStatus {
        /// Claimed by a node, which is asking the provider now.
        Charging => "charging",
        /// The provider accepted it; its webhook tells the outcome.
        Pending => "pending",
        Succeeded => "succeeded",
        Declined => "declined",
    }
    field = "status", message = "unknown renewal attempt status";
}

impl SubscriptionStatus {
    /// Pending, active or past due: it holds (or waits for) a seat and can still be changed.
    pub fn is_live(self) -> bool {
        matches!(self, Self::PendingPayment | Self::Active | Self::PastDue)
    }
}

/// Where a subscription's renewal stands, as stored beside its status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenewalState {
    /// Set when a renewal payment failed and has not succeeded since.
    pub past_due: bool,
    /// Set while a renewal is under way (charged, pending or failed): access is kept until
    /// then even after the paid period ended. Cleared when the member turns auto-renewal off.
    pub grace_until: Option<DateTime<Utc>>,
}

/// The status as it is at `now`. An active subscription keeps access until its paid period
/// ends, or, while a renewal is under way, until the end of the grace period; then it is
/// expired even before the periodic job writes it down, so access ends exactly on time. A
/// failed renewal reads `past_due` while access lasts.
pub fn effective_status(
    stored: SubscriptionStatus,
    period_end: Option<DateTime<Utc>>,
    renewal: RenewalState,
    now: DateTime<Utc>,
) -> SubscriptionStatus {
    let live = stored == SubscriptionStatus::Active || stored == SubscriptionStatus::PastDue;
    match period_end {
        Some(end) if live => {
            let access_until = renewal.grace_until.map_or(end, |grace| grace.max(end));
            if access_until <= now {
                SubscriptionStatus::Expired
            } else if renewal.past_due {
                SubscriptionStatus::PastDue
            } else {
                SubscriptionStatus::Active
            }
        }
        _ => stored,
    }
}

/// How renewals are charged: how long before a period ends the charge is made, and how long
/// access is kept after the period ends while a failed renewal is retried.
#[derive(Debug, Clone, Copy)]
pub struct RenewalRules {
    pub window: Duration,
    pub grace: Duration,
}

impl Default for RenewalRules {
    fn default() -> Self {
        Self {
            window: Duration::hours(24),
            grace: Duration::days(DEFAULT_GRACE_DAYS),
        }
    }
}

pub const DEFAULT_GRACE_DAYS: i64 = 7;

/// The days of the grace period (counted from the period's end) on which a failed renewal is
/// charged again: attempts 1, 2 and 3; attempt 0 is the first charge.
pub const RETRY_DAYS: [i64; 3] = [1, 3, 5];

/// When retry `attempt` (1-3) of the period ending at `period_end` is due.
pub fn retry_at(period_end: DateTime<Utc>, attempt: u8) -> Option<DateTime<Utc>> {
    let day = RETRY_DAYS.get(usize::from(attempt).checked_sub(1)?)?;
    Some(period_end + Duration::days(*day))
}

/// The attempt of a renewal that is due at `now`, if one is: the first charge once the period
/// is within `window` of its end; after a failure, the latest retry whose day has come (a node
/// that was down for days charges once, not once per missed day), never after the grace period.
/// `last_attempt` is the latest attempt made for this period.
pub fn attempt_due(
    period_end: DateTime<Utc>,
    window: Duration,
    grace_until: DateTime<Utc>,
    last_attempt: Option<u8>,
    now: DateTime<Utc>,
) -> Option<u8> {
    if now >= grace_until {
        return None;
    }
    let Some(last) = last_attempt else {
        return (now >= period_end - window).then_some(0);
    };
    (1..=3u8)
        .rev()
        .find(|&n| retry_at(period_end, n).is_some_and(|at| at <= now && at < grace_until))
        .filter(|&n| n > last)
}

/// When the next retry after `attempt` will be made, if one will be before the grace ends.
pub fn next_retry(
    period_end: DateTime<Utc>,
    grace_until: DateTime<Utc>,
    attempt: u8,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    (attempt.saturating_add(1)..=3)
        .filter_map(|n| retry_at(period_end, n))
        .find(|&at| at > now && at < grace_until)
}

/// A paid period: one calendar month, or twelve.
pub fn period_end(start: DateTime<Utc>, period: BillingPeriod) -> DateTime<Utc> {
    match period {
        BillingPeriod::Monthly => add_months(start, 1),
        BillingPeriod::Yearly => add_months(start, 12),
    }
}

/// Where a payment's period starts: a first payment starts now; a renewal continues from the
/// end of the current period, so paying early never loses days, and paying late (during the
/// grace period, when access was kept) never gives the grace days for free.
pub fn next_period(
    current_end: Option<DateTime<Utc>>,
    paid_at: DateTime<Utc>,
    period: BillingPeriod,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = current_end.unwrap_or(paid_at);
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
        let (start, _) = next_period(None, at(2026, 5, 3), BillingPeriod::Monthly);
        assert_eq!(start, at(2026, 5, 3), "a first period starts at payment");
    }

    #[test]
    fn renewal_paid_late_in_grace_still_continues_from_the_period_end() {
        let (start, end) =
            next_period(Some(at(2026, 5, 1)), at(2026, 5, 4), BillingPeriod::Monthly);
        assert_eq!((start, end), (at(2026, 5, 1), at(2026, 6, 1)));
    }

    #[test]
    fn active_subscription_past_its_period_is_expired_at_read_time() {
        let now = at(2026, 6, 1);
        let none = RenewalState::default();
        let s = effective_status(SubscriptionStatus::Active, Some(now), none, now);
        assert_eq!(s, SubscriptionStatus::Expired);
        let s = effective_status(SubscriptionStatus::Active, Some(at(2026, 6, 2)), none, now);
        assert_eq!(s, SubscriptionStatus::Active);
    }

    #[test]
    fn renewal_under_way_keeps_access_past_the_period_end_until_grace_ends() {
        let end = at(2026, 6, 1);
        let under_way = RenewalState {
            past_due: false,
            grace_until: Some(at(2026, 6, 8)),
        };
        let s = effective_status(
            SubscriptionStatus::Active,
            Some(end),
            under_way,
            at(2026, 6, 3),
        );
        assert_eq!(s, SubscriptionStatus::Active);
        let s = effective_status(
            SubscriptionStatus::Active,
            Some(end),
            under_way,
            at(2026, 6, 8),
        );
        assert_eq!(s, SubscriptionStatus::Expired);
    }

    #[test]
    fn failed_renewal_reads_past_due_during_grace_then_expired() {
        let end = at(2026, 6, 1);
        let failed = RenewalState {
            past_due: true,
            grace_until: Some(at(2026, 6, 8)),
        };
        let s = effective_status(
            SubscriptionStatus::Active,
            Some(end),
            failed,
            at(2026, 5, 31),
        );
        assert_eq!(
            s,
            SubscriptionStatus::PastDue,
            "failed before the period ended"
        );
        let s = effective_status(
            SubscriptionStatus::Active,
            Some(end),
            failed,
            at(2026, 6, 7),
        );
        assert_eq!(s, SubscriptionStatus::PastDue);
        let s = effective_status(
            SubscriptionStatus::Active,
            Some(end),
            failed,
            at(2026, 6, 9),
        );
        assert_eq!(s, SubscriptionStatus::Expired);
        let turned_off = RenewalState {
            past_due: true,
            grace_until: None,
        };
        let s = effective_status(
            SubscriptionStatus::Active,
            Some(end),
            turned_off,
            at(2026, 6, 2),
        );
        assert_eq!(
            s,
            SubscriptionStatus::Expired,
            "no grace without auto-renewal"
        );
    }

    #[test]
    fn renewal_is_charged_within_the_window_before_the_period_ends() {
        let end = at(2026, 6, 1);
        let grace = end + Duration::days(7);
        let day = Duration::days(1);
        assert_eq!(attempt_due(end, day, grace, None, at(2026, 5, 30)), None);
        assert_eq!(attempt_due(end, day, grace, None, at(2026, 5, 31)), Some(0));
        assert_eq!(
            attempt_due(end, day, grace, None, at(2026, 6, 3)),
            Some(0),
            "late job"
        );
        assert_eq!(
            attempt_due(end, day, grace, None, grace),
            None,
            "grace over"
        );
    }

    #[test]
    fn failed_renewal_is_retried_on_days_one_three_and_five_of_grace() {
        let end = at(2026, 6, 1);
        let grace = end + Duration::days(7);
        let w = Duration::days(1);
        assert_eq!(attempt_due(end, w, grace, Some(0), at(2026, 6, 1)), None);
        assert_eq!(attempt_due(end, w, grace, Some(0), at(2026, 6, 2)), Some(1));
        assert_eq!(attempt_due(end, w, grace, Some(1), at(2026, 6, 3)), None);
        assert_eq!(attempt_due(end, w, grace, Some(1), at(2026, 6, 4)), Some(2));
        assert_eq!(attempt_due(end, w, grace, Some(2), at(2026, 6, 6)), Some(3));
        assert_eq!(attempt_due(end, w, grace, Some(3), at(2026, 6, 7)), None);
        // Missed days are charged once, at the latest retry due.
        assert_eq!(attempt_due(end, w, grace, Some(0), at(2026, 6, 5)), Some(2));
        // A shorter grace drops the retries it does not reach.
        let short = end + Duration::days(2);
        assert_eq!(attempt_due(end, w, short, Some(1), at(2026, 6, 2)), None);
        assert_eq!(
            next_retry(end, grace, 0, at(2026, 5, 31)),
            Some(at(2026, 6, 2))
        );
        assert_eq!(next_retry(end, grace, 3, at(2026, 6, 6)), None);
        assert_eq!(next_retry(end, short, 1, at(2026, 6, 2)), None);
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
