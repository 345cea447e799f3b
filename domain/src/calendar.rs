//! Calendar arithmetic on UTC instants: billing periods are calendar months.

use chrono::{DateTime, Months, Utc};

/// `at` plus `months` calendar months. A day that does not exist in the target month clamps to
/// its last day: Jan 31 + 1 month = Feb 28 (Feb 29 in a leap year).
pub fn add_months(at: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    at.checked_add_months(Months::new(months))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The largest whole `k` such that `from + k calendar months ≤ to` (0 when `to` is not after
/// `from`).
pub fn full_months_between(from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
    if to <= from {
        return 0;
    }
    // Start from an estimate by year/month difference and step down; at most a couple of steps.
    use chrono::Datelike;
    let estimate = (to.year() - from.year()) * 12 + (to.month() as i32 - from.month() as i32);
    let mut k = u32::try_from(estimate.max(0)).unwrap_or(0) + 1;
    while k > 0 && add_months(from, k) > to {
        k -= 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn adding_a_month_to_january_31_clamps_to_end_of_february() {
        assert_eq!(add_months(at(2026, 1, 31), 1), at(2026, 2, 28));
        assert_eq!(add_months(at(2028, 1, 31), 1), at(2028, 2, 29));
        assert_eq!(add_months(at(2026, 3, 15), 12), at(2027, 3, 15));
    }

    #[test]
    fn full_months_counts_whole_calendar_months_only() {
        assert_eq!(full_months_between(at(2026, 1, 15), at(2027, 1, 15)), 12);
        assert_eq!(full_months_between(at(2026, 1, 16), at(2027, 1, 15)), 11);
        assert_eq!(full_months_between(at(2026, 1, 31), at(2026, 2, 28)), 1);
        assert_eq!(full_months_between(at(2026, 2, 1), at(2026, 1, 1)), 0);
    }
}
