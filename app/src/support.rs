//! On-demand support: a PRO member opens a request (hosts are mailed), and a private thread runs
//! between the member and the hosts (the member is mailed on each host answer). Only the member
//! and the hosts ever learn a request exists. A member who lost PRO keeps reading their own
//! requests but neither opens new ones nor writes (403 `pro-membership-required`).

use crate::access::ViewerContext;
use crate::error::{Error, Result};
use crate::facilitation::is_host;
use crate::session_proposals::require_pro;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use praxis_domain::ids::{SupportRequestId, UserId};
use praxis_domain::support::{self, Actor, NewSupportRequest, SupportEvent, SupportStatus};
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::support::{self as repo, SupportMessageRow, SupportRequestRow};
use praxis_persistence::{from_db_time, to_db_time, users, DbConnection};

/// A request with its thread: each message with its author's name.
#[derive(Debug, Clone)]
pub struct Thread {
    pub request: SupportRequestRow,
    pub messages: Vec<(SupportMessageRow, String)>,
}

/// First-response figures over a window, and how many requests wait in each status.
#[derive(Debug, Clone)]
pub struct Metrics {
    pub window_days: i64,
    pub responded: usize,
    pub median_seconds: Option<f64>,
    pub mean_seconds: Option<f64>,
    pub counts: Vec<(String, i64)>,
}

/// How many days the metrics look back.
pub const METRICS_WINDOW_DAYS: i64 = 30;

/// Opens a request: PRO members only, at most `per_day` in any 24 hours (`0` switches the limit
/// off; 429 beyond it). Every host is mailed. Run in a write transaction.
pub fn open(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    new: NewSupportRequest,
    per_day: u32,
    now: DateTime<Utc>,
) -> Result<SupportRequestRow> {
    let member = require_pro(conn, ctx)?;
    let day_ago = to_db_time(now - Duration::days(1));
    let opened = repo::opened_since(conn, member.as_str(), day_ago)?;
    let count = i64::try_from(opened.len()).unwrap_or(i64::MAX);
    if !support::within_daily_limit(count, per_day) {
        let frees_at = opened
            .first()
            .map(|at| from_db_time(*at) + Duration::days(1))
            .unwrap_or(now);
        return Err(Error::RateLimited {
            detail: format!("At most {per_day} support requests a day."),
            retry_after_secs: u64::try_from((frees_at - now).num_seconds().max(1)).unwrap_or(1),
        });
    }
    let at = to_db_time(now);
    let row = SupportRequestRow {
        id: SupportRequestId::new().into_inner(),
        user_id: member.as_str().to_owned(),
        topic: new.topic,
        body: new.body,
        urgency: new.urgency,
        status: SupportStatus::Open,
        created_at: at,
        updated_at: at,
        first_response_at: None,
        first_response_seconds: None,
    };
    repo::insert_request(conn, &row)?;
    for host in repo::host_emails(conn)? {
        outbox::enqueue(conn, opened_mail(&host, &row), at)?;
    }
    Ok(row)
}

/// A page of requests, newest first: a host's view holds every member's (of one status when
/// given), a member's only their own.
pub fn list(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    status: Option<SupportStatus>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<SupportRequestRow>> {
    let own = if is_host(ctx) {
        None
    } else {
        Some(
            ctx.user_id
                .as_deref()
                .ok_or(Error::NotFound("support request"))?,
        )
    };
    Ok(repo::requests_page(conn, own, status, after, limit)?)
}

/// The request if the caller is its member or a host; 404 for everyone else.
fn readable(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &SupportRequestId,
) -> Result<(SupportRequestRow, Actor)> {
    let row = repo::find_request(conn, id.as_str())?.ok_or(Error::NotFound("support request"))?;
    if ctx.user_id.as_deref() == Some(row.user_id.as_str()) {
        Ok((row, Actor::Member))
    } else if is_host(ctx) {
        Ok((row, Actor::Host))
    } else {
        Err(Error::NotFound("support request"))
    }
}

/// The request and its thread, for its member (even after losing PRO) and the hosts.
pub fn read(conn: &mut DbConnection, ctx: &ViewerContext, id: &SupportRequestId) -> Result<Thread> {
    let (request, _) = readable(conn, ctx, id)?;
    let messages = repo::thread(conn, &request.id)?;
    Ok(Thread { request, messages })
}

/// The request the caller may act on: a host, or its member while still PRO.
fn writable(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &SupportRequestId,
) -> Result<(SupportRequestRow, Actor, UserId)> {
    let (row, actor) = readable(conn, ctx, id)?;
    let user = match actor {
        Actor::Member => require_pro(conn, ctx)?,
        Actor::Host => UserId::from_trusted(ctx.user_id.clone().unwrap_or_default()),
    };
    Ok((row, actor, user))
}

/// Moves the request by `event`, under a condition a concurrent change cannot slip past; a
/// host acting records the first response once.
fn apply(
    conn: &mut DbConnection,
    row: &mut SupportRequestRow,
    actor: Actor,
    event: SupportEvent,
    now: DateTime<Utc>,
) -> Result<()> {
    let next = support::transition(row.status, event)?;
    let at = to_db_time(now);
    if !repo::set_status(conn, &row.id, row.status, next, at)? {
        return Err(Error::conflict(
            "support-request-changed",
            "This request changed a moment ago; reload it.",
        ));
    }
    if actor == Actor::Host && row.first_response_at.is_none() {
        let seconds = (now - from_db_time(row.created_at)).num_seconds().max(0);
        repo::record_first_response(conn, &row.id, at, seconds)?;
        row.first_response_at = Some(at);
        row.first_response_seconds = Some(seconds);
    }
    row.status = next;
    row.updated_at = at;
    Ok(())
}

/// Writes in the thread. A host's message answers the request and mails the member; the
/// member's reopens it. Run in a write transaction.
pub fn post(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &SupportRequestId,
    body: String,
    now: DateTime<Utc>,
) -> Result<Thread> {
    let (mut row, actor, author) = writable(conn, ctx, id)?;
    apply(conn, &mut row, actor, SupportEvent::Message(actor), now)?;
    let at = to_db_time(now);
    repo::insert_message(
        conn,
        &SupportMessageRow {
            id: uuid::Uuid::now_v7().to_string(),
            request_id: row.id.clone(),
            author_id: author.into_inner(),
            from_host: actor == Actor::Host,
            body,
            created_at: at,
        },
    )?;
    if actor == Actor::Host {
        if let Some(member) = users::find_by_id(conn, &row.user_id)? {
            outbox::enqueue(conn, answered_mail(&member.email, &row), at)?;
        }
    }
    let messages = repo::thread(conn, &row.id)?;
    Ok(Thread {
        request: row,
        messages,
    })
}

/// Sets the status: hosts mark a request answered, the member withdraws it, either resolves
/// it. Run in a write transaction.
pub fn set_status(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &SupportRequestId,
    status: SupportStatus,
    now: DateTime<Utc>,
) -> Result<SupportRequestRow> {
    let (mut row, actor, _) = writable(conn, ctx, id)?;
    apply(
        conn,
        &mut row,
        actor,
        SupportEvent::SetStatus(actor, status),
        now,
    )?;
    Ok(row)
}

/// The hosts' first-response figures over the last 30 days (of requests opened then), and the
/// number of requests in each status.
pub fn metrics(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Metrics> {
    let since = to_db_time(now - Duration::days(METRICS_WINDOW_DAYS));
    let seconds = repo::first_responses_since(conn, since)?;
    let responded = seconds.len();
    let mean = (!seconds.is_empty()).then(|| {
        let total: i64 = seconds.iter().sum();
        total as f64 / responded as f64
    });
    Ok(Metrics {
        window_days: METRICS_WINDOW_DAYS,
        responded,
        median_seconds: support::median(seconds),
        mean_seconds: mean,
        counts: repo::status_counts(conn)?,
    })
}

fn opened_mail(recipient: &str, request: &SupportRequestRow) -> Mail {
    Mail {
        kind: "support_request_opened",
        recipient: recipient.to_owned(),
        subject: format!(
            "New support request ({}): {}",
            request.urgency, request.topic
        ),
        body: format!(
            "A PRO member asked for support.\n\nTopic: {}\nUrgency: {}\n\nAnswer it in the \
             hosts' support queue (request {}).\n",
            request.topic, request.urgency, request.id
        ),
    }
}

fn answered_mail(recipient: &str, request: &SupportRequestRow) -> Mail {
    Mail {
        kind: "support_request_answered",
        recipient: recipient.to_owned(),
        subject: format!("The hosts answered: {}", request.topic),
        body: format!(
            "The hosts answered your support request \"{}\". Read the answer and reply in its \
             thread (request {}).\n",
            request.topic, request.id
        ),
    }
}
