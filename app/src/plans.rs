//! The plan catalogue as anyone reads it: each plan with the seats taken now.

use crate::error::Result;
use chrono::{DateTime, Utc};
use praxis_domain::plans::Plan;
use praxis_persistence::{plans, subscriptions, to_db_time, DbConnection};

/// Every plan with how many of its limited seats are taken at `now` (0 when unlimited).
pub fn catalogue(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Vec<(Plan, u32)>> {
    let at = to_db_time(now);
    let mut catalogue = Vec::new();
    for plan in plans::all(conn)? {
        let taken = match plan.seat_limit {
            Some(_) => subscriptions::seats_taken(conn, plan.slug, at, None)?,
            None => 0,
        };
        catalogue.push((plan, u32::try_from(taken).unwrap_or(u32::MAX)));
    }
    Ok(catalogue)
}
