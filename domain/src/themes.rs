//! Monthly themes (DOMAIN.md "Events and recordings"): a theme ties a month's events and
//! assignments in one space together.

use chrono::{DateTime, Months, NaiveDate, Utc};

/// The instants a theme's month spans, `[first day 00:00 UTC, first day of the next month)`;
/// `None` for text that is not a `YYYY-MM` month.
pub fn month_range(month: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let next = first.checked_add_months(Months::new(1))?;
    Some((
        first.and_hms_opt(0, 0, 0)?.and_utc(),
        next.and_hms_opt(0, 0, 0)?.and_utc(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_month_spans_from_its_first_day_to_the_next_months_first_day() {
        let (from, to) = month_range("2026-12").unwrap_or_default();
        assert_eq!(from.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2027-01-01T00:00:00+00:00");
        assert!(month_range("2026-13").is_none());
    }
}
