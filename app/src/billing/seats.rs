//! Limited places: who holds a seat, and offering freed seats to the waitlist.

use crate::billing::{mail_member, messages};
use crate::error::Result;
use crate::mail_links::MailLinks;
use chrono::{DateTime, Duration, Utc};
use praxis_domain::ids::UserId;
use praxis_domain::plans::{seats_left, PlanSlug};
use praxis_persistence::waitlist::{self, WaitlistStatus};
use praxis_persistence::{plans, subscriptions, to_db_time, DbConnection};

/// Places of a plan still free at `now` for `user` (their own waitlist offer counts as free
/// for them). `None` is unlimited.
pub fn free_seats(
    conn: &mut DbConnection,
    plan: PlanSlug,
    user: Option<&UserId>,
    now: DateTime<Utc>,
) -> Result<Option<u32>> {
    let limit = plans::find(conn, plan)?.seat_limit;
    if limit.is_none() {
        return Ok(None);
    }
    let taken = subscriptions::seats_taken(conn, plan, to_db_time(now), user)?;
    Ok(seats_left(limit, u32::try_from(taken).unwrap_or(u32::MAX)))
}

/// Offers every free seat of a plan to the first people waiting, each with a mail and a hold.
/// Call inside the transaction that freed the seat, after `lock_plan`.
pub fn offer_free_seats(
    conn: &mut DbConnection,
    plan: PlanSlug,
    now: DateTime<Utc>,
    hold: Duration,
    links: &MailLinks,
) -> Result<usize> {
    let Some(free) = free_seats(conn, plan, None, now)? else {
        return Ok(0);
    };
    let waiting = waitlist::first_waiting(conn, plan, i64::from(free))?;
    let at = to_db_time(now);
    let until = now + hold;
    for entry in &waiting {
        waitlist::set_status(
            conn,
            &entry.id,
            WaitlistStatus::Offered,
            Some((at, to_db_time(until))),
            at,
        )?;
        let until_text = until.format("%Y-%m-%d %H:%M").to_string();
        mail_member(conn, &entry.user_id, "waitlist_offer", at, |name| {
            messages::waitlist_offer(name, plan.as_str(), &until_text, &links.plan(plan))
        })?;
        praxis_persistence::audit::record(
            conn,
            &crate::audit::entry::<(), _>(
                None,
                "waitlist.offered",
                "waitlist_entry",
                &entry.id,
                None,
                Some(
                    &serde_json::json!({"plan": plan.as_str(), "user_id": entry.user_id, "until": until}),
                ),
                now,
            ),
        )?;
    }
    Ok(waiting.len())
}
