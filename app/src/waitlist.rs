//! The waitlist of a full plan: a member joins it, looks at their place, leaves it. Freed
//! places are offered in `billing::seats`.

use crate::billing::seats;
use crate::error::{Error, Result};
use crate::subscriptions::Offers;
use chrono::{DateTime, Utc};
use praxis_domain::ids::{UserId, WaitlistEntryId};
use praxis_domain::plans::PlanSlug;
use praxis_persistence::waitlist::{self, WaitlistRow, WaitlistStatus};
use praxis_persistence::{subscriptions, to_db_time, DbConnection};

/// An entry and, while it waits, its 1-based place in the queue.
pub struct Place {
    pub entry: WaitlistRow,
    pub position: Option<i64>,
}

/// A plan with a waitlist: the paid plans. The Lobby has none, so it reads as unknown.
pub fn paid_plan(plan: PlanSlug) -> Result<PlanSlug> {
    match plan {
        PlanSlug::Lobby => Err(Error::NotFound("waitlist")),
        plan => Ok(plan),
    }
}

/// Joins the waitlist of a full plan. Refused to a member already waiting, to one who has the
/// plan, and while the plan has free places. Run in a write transaction.
pub fn join(
    conn: &mut DbConnection,
    member: &UserId,
    plan: PlanSlug,
    now: DateTime<Utc>,
) -> Result<Place> {
    let plan = paid_plan(plan)?;
    let at = to_db_time(now);
    subscriptions::lock_plan(conn, plan)?;
    if waitlist::open_entry(conn, member, plan)?.is_some() {
        return Err(Error::conflict(
            "already-waiting",
            "You are already on this plan's waitlist.",
        ));
    }
    if subscriptions::active_plan(conn, member.as_str(), at)?.as_deref() == Some(plan.as_str()) {
        return Err(Error::conflict(
            "already-subscribed",
            "You already have this plan.",
        ));
    }
    if seats::free_seats(conn, plan, Some(member), now)?.is_some_and(|free| free > 0) {
        return Err(Error::conflict(
            "seats-available",
            "This plan has free places: subscribe instead of waiting.",
        ));
    }
    let entry = WaitlistRow {
        id: WaitlistEntryId::new().into_inner(),
        user_id: member.as_str().to_owned(),
        plan_slug: plan,
        status: WaitlistStatus::Waiting,
        created_at: at,
        offered_at: None,
        offer_expires_at: None,
        updated_at: at,
    };
    waitlist::insert(conn, &entry)?;
    praxis_persistence::audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(member),
            "waitlist.joined",
            "waitlist_entry",
            &entry.id,
            None,
            Some(&serde_json::json!({"plan": plan.as_str()})),
            now,
        ),
    )?;
    let position = waitlist::position(conn, &entry)?;
    Ok(Place {
        entry,
        position: Some(position),
    })
}

/// The member's open entry on a plan's waitlist, with its place while waiting.
pub fn entry(conn: &mut DbConnection, member: &UserId, plan: PlanSlug) -> Result<Place> {
    let plan = paid_plan(plan)?;
    let entry =
        waitlist::open_entry(conn, member, plan)?.ok_or(Error::NotFound("waitlist entry"))?;
    let position = match entry.status {
        WaitlistStatus::Waiting => Some(waitlist::position(conn, &entry)?),
        _ => None,
    };
    Ok(Place { entry, position })
}

/// Leaves a plan's waitlist; an offered place goes to the next in line. Run in a write
/// transaction.
pub fn leave(
    conn: &mut DbConnection,
    member: &UserId,
    plan: PlanSlug,
    now: DateTime<Utc>,
    offers: &Offers,
) -> Result<()> {
    let plan = paid_plan(plan)?;
    subscriptions::lock_plan(conn, plan)?;
    let entry =
        waitlist::open_entry(conn, member, plan)?.ok_or(Error::NotFound("waitlist entry"))?;
    waitlist::set_status(conn, &entry.id, WaitlistStatus::Left, None, to_db_time(now))?;
    if entry.status == WaitlistStatus::Offered {
        seats::offer_free_seats(conn, plan, now, offers.hold, &offers.links)?;
    }
    Ok(())
}
