//! Each keyset list is served by an index on SQLite: the statements the real repository
//! functions send (captured through diesel's instrumentation, binds and all) are run through
//! `EXPLAIN QUERY PLAN` on a freshly migrated database. A list that falls back to scanning its
//! table would still return the right rows, only slower as the table grows, so no functional
//! test would notice.

use crate::connection::{DatabaseUrl, DbConnection};
use crate::{
    applications, assistance, audit, comments, events, invoices, learning, messages, notifications,
    posts, refunds, reports, search, subscriptions, waitlist,
};
use chrono::NaiveDateTime;
use diesel::connection::{Connection, InstrumentationEvent};
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use std::sync::{Arc, Mutex};

type TestResult<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;
type Log = Arc<Mutex<Vec<String>>>;

/// A migrated in-memory SQLite database whose statements are written to the returned log.
fn migrated() -> TestResult<(DbConnection, Log)> {
    let mut conn = DatabaseUrl::parse("sqlite://:memory:")?.establish()?;
    crate::migrations::run_pending(&mut conn)?;
    let log: Log = Arc::default();
    let sink = Arc::clone(&log);
    if let DbConnection::Sqlite(inner) = &mut conn {
        inner.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                if let Ok(mut log) = sink.lock() {
                    log.push(query.to_string());
                }
            }
        });
    }
    Ok((conn, log))
}

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text)]
    detail: String,
}

/// The plan of the one statement `list` sends.
fn plan_of(
    conn: &mut DbConnection,
    log: &Log,
    list: impl FnOnce(&mut DbConnection) -> crate::Result<()>,
) -> TestResult<Vec<String>> {
    log.lock().map_err(|e| e.to_string())?.clear();
    list(conn)?;
    let sent = std::mem::take(&mut *log.lock().map_err(|e| e.to_string())?);
    let [statement] = sent.as_slice() else {
        return Err(format!("expected one statement, got {sent:?}").into());
    };
    // The instrumentation shows `<sql> -- binds: [...]`; unbound parameters plan the same.
    let sql = statement
        .rsplit_once(" -- binds: ")
        .map_or(statement.as_str(), |(sql, _)| sql);
    let lines: Vec<PlanLine> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(conn)?;
    Ok(lines.into_iter().map(|l| l.detail).collect())
}

type Cursor = Option<(NaiveDateTime, String)>;
type Run = Box<dyn Fn(&mut DbConnection, Cursor) -> crate::Result<()>>;

/// One list: how to call it, and what is expected of its plan.
struct List {
    name: &'static str,
    table: &'static str,
    /// The index that serves the list; `None` where none does (said why at the case).
    index: Option<&'static str>,
    /// The cursor's instant column: a page after a cursor must start the index range there
    /// (`key<?` or `key>?`) instead of walking the index from the first entry. `None` for keys
    /// that are not an `(instant, id)` keyset.
    seek: Option<&'static str>,
    /// Lines the plan may have that would otherwise fail the check, each with a reason.
    tolerated: &'static [&'static str],
    run: Run,
}

fn check(list: &List, after: &Cursor, plan: &[String]) {
    let name = format!("{} (cursor: {})", list.name, after.is_some());
    let shown = plan.join("\n");
    eprintln!("== {name}\n{shown}");
    let table = list.table;
    if let Some(index) = list.index {
        let read = plan.iter().find(|line| {
            (line.starts_with(&format!("SEARCH {table} "))
                || line.starts_with(&format!("SCAN {table} ")))
                && (line.contains(&format!("USING INDEX {index}"))
                    || line.contains(&format!("USING COVERING INDEX {index}")))
        });
        assert!(
            read.is_some(),
            "{name}: {table} is not read through {index}:\n{shown}"
        );
        if let (Some(key), Some(line), Some(_)) = (list.seek, read, after) {
            assert!(
                line.contains(&format!("{key}<?")) || line.contains(&format!("{key}>?")),
                "{name}: the page does not seek to the cursor in {index}:\n{shown}"
            );
        }
    }
    for line in plan {
        let full_scan = line.starts_with("SCAN ") && !line.contains(" USING ");
        let sorted = line.starts_with("USE TEMP B-TREE");
        assert!(
            !(full_scan || sorted) || list.tolerated.contains(&line.as_str()),
            "{name}: `{line}`:\n{shown}"
        );
    }
}

fn cursor() -> TestResult<(NaiveDateTime, String)> {
    let at = NaiveDateTime::parse_from_str("2026-01-02 03:04:05", "%Y-%m-%d %H:%M:%S")?;
    Ok((at, "01JCURSOR".to_owned()))
}

fn lists() -> TestResult<Vec<List>> {
    use learning::assignments::{self, SubmissionScope};
    let spaces = || vec!["s1".to_owned(), "s2".to_owned()];
    let (at, id) = cursor()?;
    let entry = waitlist::WaitlistRow {
        id: id.clone(),
        user_id: "u1".to_owned(),
        plan_slug: praxis_domain::plans::PlanSlug::Pro,
        status: waitlist::WaitlistStatus::Waiting,
        created_at: at,
        offered_at: None,
        offer_expires_at: None,
        updated_at: at,
    };
    // Lists across several spaces or conversations sort what the index finds: the index gives
    // each space's rows in order but not the merge of them.
    const SORTED: &[&str] = &["USE TEMP B-TREE FOR ORDER BY"];
    Ok(vec![
        List {
            name: "posts in a space",
            table: "posts",
            index: Some("posts_space_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(|c, after| {
                posts::page_in_space(c, "s1", &["published"], after, 20).map(drop)
            }),
        },
        List {
            name: "feed",
            table: "posts",
            index: Some("posts_feed_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(move |c, after| {
                posts::feed_page(
                    c,
                    &praxis_domain::ids::UserId::from_trusted("u1"),
                    &spaces(),
                    after,
                    20,
                )
                .map(drop)
            }),
        },
        List {
            name: "comments of a post",
            table: "comments",
            index: Some("comments_post_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(|c, after| {
                comments::page_of_post(c, "p1", &["published"], after, 20).map(drop)
            }),
        },
        List {
            name: "notifications",
            table: "notifications",
            index: Some("notifications_user_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(move |c, after| {
                notifications::page(
                    c,
                    &praxis_domain::ids::UserId::from_trusted("u1"),
                    &spaces(),
                    after,
                    20,
                )
                .map(drop)
            }),
        },
        List {
            name: "messages of a conversation",
            table: "messages",
            index: Some("messages_conversation_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(|c, after| messages::page_messages(c, "c1", after, 20).map(drop)),
        },
        List {
            // Driven from the member's participations, then sorted: conversations_last_message_idx
            // is not used, and the cursor filters rather than seeks. Bounded by one member's
            // conversations.
            name: "conversations",
            table: "conversation_participants",
            index: Some("conversation_participants_user_idx"),
            seek: None,
            tolerated: SORTED,
            run: Box::new(|c, after| messages::page_conversations(c, "u1", after, 20).map(drop)),
        },
        List {
            name: "audit log",
            table: "audit_log",
            index: Some("audit_log_at_idx"),
            seek: Some("at"),
            tolerated: &[],
            run: Box::new(|c, after| audit::page(c, after, 20).map(drop)),
        },
        List {
            name: "reports",
            table: "reports",
            index: Some("reports_status_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(|c, after| reports::page(c, "open", after, 20).map(drop)),
        },
        List {
            name: "subscriptions of a member",
            table: "subscriptions",
            index: Some("subscriptions_user_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(|c, after| subscriptions::page_for_user(c, "u1", after, 20).map(drop)),
        },
        List {
            name: "invoices of a member",
            table: "invoices",
            index: Some("invoices_user_idx"),
            seek: Some("issued_at"),
            tolerated: &[],
            run: Box::new(|c, after| invoices::list_for_user(c, "u1", after, 20).map(drop)),
        },
        List {
            name: "applications of a member",
            table: "pro_applications",
            index: Some("pro_applications_user_idx"),
            seek: Some("submitted_at"),
            tolerated: &[],
            run: Box::new(|c, after| applications::page_for_user(c, "u1", after, 20).map(drop)),
        },
        List {
            name: "assistance requests of a member",
            table: "price_assistance_requests",
            index: Some("price_assistance_user_idx"),
            seek: Some("requested_at"),
            tolerated: &[],
            run: Box::new(|c, after| assistance::page_for_user(c, "u1", after, 20).map(drop)),
        },
        List {
            // Keyed by the month's text, cursor `(month, id)`.
            name: "themes of the readable spaces",
            table: "themes",
            index: Some("themes_month_space_idx"),
            seek: Some("month"),
            tolerated: SORTED,
            run: Box::new(move |c, after| {
                let after = after.map(|(at, id)| (at.format("%Y-%m").to_string(), id));
                events::themes_page(c, &spaces(), after, 20).map(drop)
            }),
        },
        List {
            // Keyed by the slug alone, the primary key.
            name: "topics",
            table: "topics",
            index: Some("sqlite_autoindex_topics_1"),
            seek: Some("slug"),
            tolerated: &[],
            run: Box::new(|c, after| posts::topics_page(c, after.map(|(_, id)| id), 20).map(drop)),
        },
        List {
            // Full-text search: the FTS index finds the matches (`M` is its MATCH plan; the
            // virtual tables say SCAN whatever they do), which are then ordered by instant and
            // cut after the cursor; bounded by the matches of the words, not the table.
            name: "search",
            table: "f",
            index: None,
            seek: None,
            tolerated: &[
                "SCAN f VIRTUAL TABLE INDEX 0:M5",
                "SCAN json_each VIRTUAL TABLE INDEX 1:",
                "USE TEMP B-TREE FOR ORDER BY",
            ],
            run: Box::new(move |c, after| {
                search::search(c, "\"consent\"", &spaces(), after, 20).map(drop)
            }),
        },
        List {
            name: "applications by status",
            table: "pro_applications",
            index: Some("pro_applications_status_idx"),
            seek: Some("submitted_at"),
            tolerated: &[],
            run: Box::new(|c, after| {
                applications::page(
                    c,
                    Some(praxis_domain::applications::ApplicationStatus::Submitted),
                    after,
                    20,
                )
                .map(drop)
            }),
        },
        List {
            // No index on (submitted_at, id) alone: the admin's "all statuses" view scans and
            // sorts. Applications are few; an index would need a migration.
            name: "applications, any status",
            table: "pro_applications",
            index: None,
            seek: None,
            tolerated: &["SCAN pro_applications", "USE TEMP B-TREE FOR ORDER BY"],
            run: Box::new(|c, after| applications::page(c, None, after, 20).map(drop)),
        },
        List {
            name: "assistance requests by status",
            table: "price_assistance_requests",
            index: Some("price_assistance_status_idx"),
            seek: Some("requested_at"),
            tolerated: &[],
            run: Box::new(|c, after| {
                assistance::page(
                    c,
                    Some(praxis_domain::assistance::AssistanceStatus::Pending),
                    after,
                    20,
                )
                .map(drop)
            }),
        },
        List {
            name: "refund requests by status",
            table: "refund_requests",
            index: Some("refund_requests_status_idx"),
            seek: Some("requested_at"),
            tolerated: &[],
            run: Box::new(|c, after| {
                refunds::page_requests(
                    c,
                    Some(refunds::RefundRequestStatus::Pending),
                    None,
                    after,
                    20,
                )
                .map(drop)
            }),
        },
        List {
            // No index on refund_requests (user_id, …): a member's own requests scan the table.
            // Worth a migration adding `refund_requests_user_idx (user_id, requested_at DESC,
            // id DESC)`.
            name: "refund requests of a member",
            table: "refund_requests",
            index: None,
            seek: None,
            tolerated: &["SCAN refund_requests", "USE TEMP B-TREE FOR ORDER BY"],
            run: Box::new(|c, after| {
                refunds::page_requests(
                    c,
                    None,
                    Some(&praxis_domain::ids::UserId::from_trusted("u1")),
                    after,
                    20,
                )
                .map(drop)
            }),
        },
        List {
            name: "assignments",
            table: "assignments",
            index: Some("assignments_space_due_idx"),
            seek: Some("due_at"),
            tolerated: SORTED,
            run: Box::new(move |c, after| {
                assignments::page(c, &spaces(), None, after, 20).map(drop)
            }),
        },
        List {
            name: "submissions",
            table: "submissions",
            index: Some("submissions_assignment_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(|c, after| {
                assignments::submissions_page(c, "a1", SubmissionScope::All, after, 20).map(drop)
            }),
        },
        List {
            name: "submission feedback",
            table: "submission_feedback",
            index: Some("submission_feedback_submission_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(|c, after| assignments::feedback_page(c, "sub1", after, 20).map(drop)),
        },
        List {
            name: "resources",
            table: "resources",
            index: Some("resources_created_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(move |c, after| {
                let filter = learning::resources::ResourceFilter::default();
                learning::resources::page(c, &spaces(), &filter, after, 20).map(drop)
            }),
        },
        List {
            name: "resources of a theme",
            table: "resources",
            index: Some("resources_theme_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(move |c, after| {
                let filter = learning::resources::ResourceFilter {
                    theme_id: Some("t1".to_owned()),
                    ..Default::default()
                };
                learning::resources::page(c, &spaces(), &filter, after, 20).map(drop)
            }),
        },
        List {
            name: "case studies by organisation type",
            table: "resources",
            index: Some("resources_org_type_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(move |c, after| {
                let filter = learning::resources::ResourceFilter {
                    kind: Some("case_study".to_owned()),
                    org_type: Some("cooperative".to_owned()),
                    ..Default::default()
                };
                learning::resources::page(c, &spaces(), &filter, after, 20).map(drop)
            }),
        },
        List {
            // Keyed by (votes DESC, created_at, id): not an (instant, id) keyset, so the cursor
            // filters within the event's index range rather than seeking.
            name: "questions of an event",
            table: "questions",
            index: Some("questions_event_votes_idx"),
            seek: None,
            tolerated: &[],
            run: Box::new(move |c, after| {
                let after = after.map(|(at, id)| (3, at, id));
                learning::questions::page(c, "e1", after, 20).map(drop)
            }),
        },
        List {
            // RSVP counts beside a page of events: the primary key's range per event.
            name: "RSVP tallies of listed occurrences",
            table: "event_rsvps",
            index: Some("sqlite_autoindex_event_rsvps_1"),
            seek: None,
            tolerated: &[],
            run: Box::new(move |c, _| {
                let ids = vec!["e1".to_owned(), "e2".to_owned()];
                events::rsvp_tallies(c, &ids, at, at, Some("u1")).map(drop)
            }),
        },
        List {
            name: "reminder candidates",
            table: "event_rsvps",
            index: Some("event_rsvps_start_idx"),
            seek: None,
            tolerated: &[],
            run: Box::new(move |c, _| events::rsvps_between(c, at, at).map(drop)),
        },
        List {
            name: "reminders already queued",
            table: "event_reminders_sent",
            index: Some("event_reminders_sent_start_idx"),
            seek: None,
            tolerated: &[],
            run: Box::new(move |c, _| events::reminders_queued_between(c, at, at).map(drop)),
        },
        List {
            // Not a page but the same predicate: entries ahead of one in the queue.
            name: "waitlist position",
            table: "waitlist_entries",
            index: Some("waitlist_queue_idx"),
            seek: Some("created_at"),
            tolerated: &[],
            run: Box::new(move |c, _| waitlist::position(c, &entry).map(drop)),
        },
    ])
}

#[test]
fn keyset_lists_are_served_by_their_index() -> TestResult {
    let (mut conn, log) = migrated()?;
    for list in lists()? {
        // With and without a cursor: the cursor's `OR` must not turn the seek into a scan.
        for after in [None, Some(cursor()?)] {
            let plan = plan_of(&mut conn, &log, |c| (list.run)(c, after.clone()))?;
            check(&list, &after, &plan);
        }
    }
    Ok(())
}
