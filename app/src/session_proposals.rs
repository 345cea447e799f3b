//! PRO members propose sessions for their peers; hosts accept them (the session becomes an
//! event the proposer facilitates) or decline them with a note. The proposer is mailed either
//! way, and the decision audited, in the decision's transaction.

use crate::access::{all_spaces, content_denied, ViewerContext};
use crate::error::{Error, Result};
use crate::event_planning;
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::account::TimeZone;
use praxis_domain::event_plans::NewEvent;
use praxis_domain::events::{EventFormat, EventRef};
use praxis_domain::giveback::{event_kind_for, ProposalDecision, ProposalStatus, SessionProposal};
use praxis_domain::ids::{SessionProposalId, UserId};
use praxis_domain::plans::PlanSlug;
use praxis_persistence::giveback::{self as repo, ProposalClosing, ProposalRow};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::{audit, to_db_time, users, DbConnection};

/// The slug of the space only PRO opens: giving back is for those who may enter it.
pub const PRO_LOUNGE: &str = "pro-lounge";

/// Refuses anyone without an active PRO subscription (403 `pro-membership-required`), and a
/// PRO member who must first accept the new terms (403 `terms-acceptance-required`).
pub fn require_pro(conn: &mut DbConnection, ctx: &ViewerContext) -> Result<UserId> {
    let user = ctx
        .user_id
        .as_deref()
        .map(UserId::from_trusted)
        .ok_or_else(|| Error::unauthenticated("authentication-required", "Sign in first."))?;
    let is_pro = ctx
        .viewer
        .member
        .as_ref()
        .is_some_and(|m| m.active_plan == Some(PlanSlug::Pro));
    if !is_pro {
        return Err(Error::forbidden(
            "pro-membership-required",
            "Only PRO members may do this; an active PRO subscription is needed.",
        ));
    }
    let lounge = all_spaces(conn)?
        .into_iter()
        .find(|s| s.row.slug == PRO_LOUNGE)
        .ok_or(Error::NotFound("space"))?;
    match ctx.access(&lounge) {
        praxis_domain::access::Access::Granted => Ok(user),
        denied => Err(content_denied(denied)),
    }
}

/// A PRO member proposes a session. Run in a write transaction.
pub fn propose(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    proposal: SessionProposal,
    now: DateTime<Utc>,
) -> Result<ProposalRow> {
    let member = require_pro(conn, ctx)?;
    let row = ProposalRow {
        id: SessionProposalId::new().into_inner(),
        user_id: member.into_inner(),
        title: proposal.title,
        format: proposal.format.as_str().to_owned(),
        description: proposal.description,
        space: proposal.space,
        proposed_times: proposal
            .proposed_times
            .iter()
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .collect::<Vec<_>>()
            .join(","),
        time_zone: proposal.time_zone.name().to_owned(),
        status: ProposalStatus::Submitted,
        note: None,
        event_id: None,
        created_at: to_db_time(now),
        decided_at: None,
        decided_by: None,
    };
    repo::insert_proposal(conn, &row)?;
    Ok(row)
}

/// A page of the member's own proposals, newest first (whatever their plan now: they keep
/// reading what they proposed).
pub fn mine(
    conn: &mut DbConnection,
    member: &UserId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ProposalRow>> {
    Ok(repo::proposals_page(
        conn,
        Some(member.as_str()),
        None,
        after,
        limit,
    )?)
}

/// A page of proposals for hosts, of one status when given, newest first.
pub fn list(
    conn: &mut DbConnection,
    status: Option<ProposalStatus>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ProposalRow>> {
    Ok(repo::proposals_page(conn, None, status, after, limit)?)
}

/// A host accepts a submitted proposal (a single event in its lounge, facilitated by the
/// proposer) or declines it with a note; the proposer is mailed and the decision audited.
/// 409 `proposal-not-open` when it was decided already. Run in a write transaction.
pub fn decide(
    conn: &mut DbConnection,
    host: &UserId,
    id: &SessionProposalId,
    decision: ProposalDecision,
    now: DateTime<Utc>,
) -> Result<ProposalRow> {
    let mut row = repo::find_proposal(conn, id.as_str())?.ok_or(Error::NotFound("proposal"))?;
    if row.status != ProposalStatus::Submitted {
        return Err(not_open());
    }
    let event_id = match &decision {
        ProposalDecision::Accept {
            starts_at,
            ends_at,
            join_url,
            ..
        } => {
            let plan = NewEvent {
                kind: event_kind_for(&row.space),
                format: EventFormat::parse(&row.format).ok(),
                title: row.title.clone(),
                description: row.description.clone(),
                space: row.space.clone(),
                theme_id: None,
                starts_at: *starts_at,
                ends_at: *ends_at,
                join_url: join_url.clone(),
                capacity: None,
                time_zone: TimeZone::parse(&row.time_zone).unwrap_or_else(|_| TimeZone::utc()),
                recurrence: None,
                facilitator_id: Some(UserId::from_trusted(row.user_id.clone())),
            };
            match event_planning::create(conn, host, plan, now)? {
                EventRef::Single(event_id) => Some(event_id),
                EventRef::Occurrence { series_id, .. } => Some(series_id),
            }
        }
        ProposalDecision::Decline { .. } => None,
    };
    let at = to_db_time(now);
    let closing = ProposalClosing {
        status: decision.status(),
        note: decision.note(),
        event_id: event_id.as_deref(),
        at,
        by: host.as_str(),
    };
    if !repo::close_proposal(conn, id.as_str(), &closing)? {
        return Err(not_open());
    }
    row.status = decision.status();
    row.note = decision.note().map(str::to_owned);
    row.event_id = event_id;
    row.decided_at = Some(at);
    row.decided_by = Some(host.as_str().to_owned());
    if let Some(proposer) = users::find_by_id(conn, &row.user_id)? {
        outbox::enqueue(conn, decision_mail(&proposer.email, &row), at)?;
    }
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(host),
            &format!("session_proposal.{}", row.status),
            "session_proposal",
            &row.id,
            None,
            Some(&serde_json::json!({"status": row.status.as_str(), "event_id": row.event_id})),
            now,
        ),
    )?;
    Ok(row)
}

fn not_open() -> Error {
    Error::conflict("proposal-not-open", "This proposal was decided already.")
}

fn decision_mail(recipient: &str, proposal: &ProposalRow) -> Mail {
    let (subject, outcome) = if proposal.status == ProposalStatus::Accepted {
        (
            format!("Your session is accepted: {}", proposal.title),
            "The hosts accepted your session proposal: it is now an event you facilitate. You \
             may edit it and see who RSVP'd.",
        )
    } else {
        (
            format!("About your session proposal: {}", proposal.title),
            "The hosts did not accept your session proposal this time.",
        )
    };
    let note = proposal
        .note
        .as_deref()
        .map(|n| format!("\n\nA note from the hosts:\n{n}"))
        .unwrap_or_default();
    Mail {
        kind: "session_proposal_decision",
        recipient: recipient.to_owned(),
        subject,
        body: format!("{outcome}{note}\n"),
    }
}
