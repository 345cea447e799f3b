//! Everything stored about one member, table by table: read out as JSON for an export (GDPR
//! art. 15 and 20), and erased (art. 17) by deleting what is theirs alone and re-pointing what
//! others still need (their posts, the messages of a conversation, bookkeeping records) to a
//! "former member" account that identifies nobody.
//!
//! The table and column names below are constants of this module, never input: the SQL is
//! assembled from them, and the member's id, address and name are always bound parameters.

use crate::error::Result;
use crate::DbConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

/// One section of an export: its name, the table it reads, which rows (`{user}` is the member's
/// id), and what it holds, for the documented schema.
pub struct Section {
    pub name: &'static str,
    pub table: &'static str,
    pub rows: &'static str,
    pub description: &'static str,
}

const MINE: &str = "user_id = {user}";
const AUTHORED: &str = "author_id = {user}";
const MY_CONVERSATIONS: &str =
    "(SELECT p.conversation_id FROM conversation_participants p WHERE p.user_id = {user})";

/// Every section of an export, in the order the document lists them.
pub const SECTIONS: &[Section] = &[
    Section { name: "profile", table: "users", rows: "id = {user}", description: "The account: address, name, time zone, language, directory profile, when it was created and verified (never the password hash)." },
    Section { name: "roles", table: "user_roles", rows: MINE, description: "Roles granted (host, admin) and when." },
    Section { name: "sessions", table: "refresh_tokens", rows: MINE, description: "Sign-ins: each refresh token issued, when it was used, revoked or expires (never the token)." },
    Section { name: "terms_acceptances", table: "terms_acceptances", rows: MINE, description: "Which version of the terms was accepted, and when." },
    Section { name: "subscriptions", table: "subscriptions", rows: MINE, description: "Subscriptions to paid plans, with status, period and amounts." },
    Section { name: "waitlist_entries", table: "waitlist_entries", rows: MINE, description: "Places on plan waitlists and offers." },
    Section { name: "payments", table: "payments", rows: MINE, description: "Payments received." },
    Section { name: "invoices", table: "invoices", rows: MINE, description: "Invoices, with the billing address as it was when each was issued." },
    Section { name: "course_orders", table: "course_orders", rows: MINE, description: "Courses bought on their own: the course, the price and whether it was paid." },
    Section { name: "billing_addresses", table: "billing_addresses", rows: MINE, description: "The billing address put on new invoices." },
    Section { name: "refund_requests", table: "refund_requests", rows: MINE, description: "Refund requests with their quotes and decisions." },
    Section { name: "refunds", table: "refunds", rows: "payment_id IN (SELECT p.id FROM payments p WHERE p.user_id = {user})", description: "Refunds paid out of one's payments: on one's requests, or of a course bought alone." },
    Section { name: "price_assistance_requests", table: "price_assistance_requests", rows: MINE, description: "Requests for a reduced price, and decisions." },
    Section { name: "price_overrides", table: "price_overrides", rows: MINE, description: "Reduced prices granted." },
    Section { name: "pro_applications", table: "pro_applications", rows: MINE, description: "PRO applications and decisions." },
    Section { name: "posts", table: "posts", rows: AUTHORED, description: "Posts written." },
    Section { name: "comments", table: "comments", rows: AUTHORED, description: "Comments written." },
    Section { name: "reactions", table: "reactions", rows: MINE, description: "Reactions given." },
    Section { name: "topic_follows", table: "topic_follows", rows: MINE, description: "Topics followed." },
    Section { name: "space_follows", table: "space_follows", rows: MINE, description: "Spaces followed." },
    Section { name: "notification_settings", table: "notification_settings", rows: MINE, description: "Notification levels per space." },
    Section { name: "notifications", table: "notifications", rows: MINE, description: "Notifications received." },
    Section { name: "notification_mail_settings", table: "notification_mail_settings", rows: MINE, description: "How notifications are mailed (at once, daily or weekly digest), whether at all, and when the next digest is due." },
    Section { name: "notification_mailings", table: "notification_mailings", rows: MINE, description: "Which notifications were mailed, in which mail, and when." },
    Section { name: "space_memberships", table: "space_members", rows: MINE, description: "Invite-only and sealed rooms participated in." },
    Section { name: "conversations", table: "conversations", rows: "id IN {conversations}", description: "Direct conversations taken part in." },
    Section { name: "conversation_participants", table: "conversation_participants", rows: "conversation_id IN {conversations}", description: "Who takes part in those conversations." },
    Section { name: "messages", table: "messages", rows: "conversation_id IN {conversations}", description: "Messages sent and received in those conversations." },
    Section { name: "blocks", table: "user_blocks", rows: "blocker_id = {user}", description: "Members blocked." },
    Section { name: "reports", table: "reports", rows: "reporter_id = {user}", description: "Reports of content made." },
    Section { name: "event_rsvps", table: "event_rsvps", rows: MINE, description: "RSVPs to events." },
    Section { name: "event_reminder_settings", table: "event_reminder_settings", rows: MINE, description: "Whether event reminders are mailed." },
    Section { name: "questions", table: "questions", rows: AUTHORED, description: "Questions asked for Q&A sessions." },
    Section { name: "question_votes", table: "question_votes", rows: MINE, description: "Votes on questions." },
    Section { name: "submissions", table: "submissions", rows: AUTHORED, description: "Responses to assignments." },
    Section { name: "feedback_given", table: "submission_feedback", rows: AUTHORED, description: "Feedback given on others' submissions." },
    Section { name: "feedback_received", table: "submission_feedback", rows: "submission_id IN (SELECT s.id FROM submissions s WHERE s.author_id = {user})", description: "Feedback received on one's submissions." },
    Section { name: "circle_memberships", table: "circle_members", rows: MINE, description: "Circles (implementation circles, pods, the superpod) one is a member or mentor of." },
    Section { name: "drivers", table: "drivers", rows: AUTHORED, description: "Drivers described in circles." },
    Section { name: "proposals", table: "proposals", rows: AUTHORED, description: "Proposals drafted in circles." },
    Section { name: "proposal_versions", table: "proposal_versions", rows: AUTHORED, description: "Versions of proposals written." },
    Section { name: "consent_answers", table: "round_answers", rows: MINE, description: "Answers given in consent rounds (consent, concern, objection)." },
    Section { name: "objections", table: "objections", rows: "objector_id = {user}", description: "Objections raised, with their reasons and how each ended." },
    Section { name: "decision_history", table: "decision_history", rows: "actor_id = {user}", description: "Steps of circle decisions one took." },
    Section { name: "course_entitlements", table: "course_entitlements", rows: MINE, description: "E-course entitlements: which course, from a subscription, a host's grant or a purchase, and when." },
    Section { name: "lesson_progress", table: "lesson_progress", rows: MINE, description: "E-course lessons started and completed, with the last video position." },
    Section { name: "exercise_answers", table: "exercise_answers", rows: MINE, description: "Answers written to e-course exercises." },
    Section { name: "course_completions", table: "course_completions", rows: MINE, description: "E-course courses completed, and when." },
    Section { name: "session_proposals", table: "session_proposals", rows: MINE, description: "Sessions proposed to run for peers, and the hosts' decisions." },
    Section { name: "sessions_facilitated", table: "events", rows: "facilitator_id = {user}", description: "Events run as their facilitator." },
    Section { name: "event_feedback", table: "event_feedback", rows: MINE, description: "Feedback given on sessions attended." },
    Section { name: "support_requests", table: "support_requests", rows: MINE, description: "Support requests opened." },
    Section { name: "support_messages", table: "support_messages", rows: "request_id IN (SELECT r.id FROM support_requests r WHERE r.user_id = {user}) OR author_id = {user}", description: "The threads of one's support requests, and messages written in others' as a host." },
    Section { name: "badge_requests", table: "badge_requests", rows: MINE, description: "Badges asked for, and where each request is." },
    Section { name: "badge_evidence", table: "badge_evidence", rows: "request_id IN (SELECT r.id FROM badge_requests r WHERE r.user_id = {user})", description: "Evidence given for those requests." },
    Section { name: "badge_reviews_given", table: "badge_reviews", rows: "reviewer_id = {user}", description: "Reviews of others' badge requests: answers, reasons and how objections ended." },
    Section { name: "badge_reviews_received", table: "badge_reviews", rows: "request_id IN (SELECT r.id FROM badge_requests r WHERE r.user_id = {user})", description: "Peers' reviews of one's badge requests." },
    Section { name: "badge_awards", table: "badge_awards", rows: MINE, description: "Badges awarded, who may see them, and any revocation." },
    Section { name: "academy_enrolments", table: "academy_enrolments", rows: "requested_by = {user} OR id IN (SELECT m.enrolment_id FROM academy_enrolment_members m WHERE m.user_id = {user})", description: "Academy enrolments asked for or taken part in, with the organisation." },
    Section { name: "academy_enrolment_members", table: "academy_enrolment_members", rows: MINE, description: "Implementation circles one was enrolled in." },
    Section { name: "academy_mentor_profile", table: "academy_mentor_profiles", rows: MINE, description: "One's Academy mentor profile: languages, time zone, topics and capacity." },
    Section { name: "academy_mentorships", table: "academy_mentorships", rows: "mentor_id = {user}", description: "The enrolments one mentors, with one's place and when each was matched." },
    Section { name: "academy_pod_memberships", table: "academy_pod_members", rows: MINE, description: "The Academy pod one is a student in." },
    Section { name: "academy_delegations", table: "academy_pods", rows: "delegate_id = {user}", description: "Pods one is the delegate of to the superpod." },
    Section { name: "newsletter_subscription", table: "newsletter_subscribers", rows: "email = (SELECT u.email FROM users u WHERE u.id = {user})", description: "The newsletter subscription of the account's address: language, when asked for and confirmed." },
    Section { name: "newsletter_deliveries", table: "newsletter_deliveries", rows: "recipient = (SELECT u.email FROM users u WHERE u.id = {user})", description: "Newsletter issues mailed, or to be mailed, to the account's address." },
    Section { name: "contact_messages", table: "contact_messages", rows: "email = (SELECT u.email FROM users u WHERE u.id = {user})", description: "Messages sent through the contact form from the account's address." },
    Section { name: "audit_entries", table: "audit_log", rows: "actor_id = {user} OR subject_id = {user}", description: "Audit entries of what the member did, or was done about their account." },
];

/// Columns never exported: secrets that are about the member but must not leave the server.
const SECRET_COLUMNS: &[&str] = &[
    "password_hash",
    "token_hash",
    "calendar_feed_token",
    "request_hash",
    "unsubscribe_token",
];

#[derive(QueryableByName)]
struct JsonRow {
    #[diesel(sql_type = Text)]
    row: String,
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    name: String,
}

fn rows_of(section: &Section, placeholder: &str) -> String {
    section
        .rows
        .replace("{conversations}", MY_CONVERSATIONS)
        .replace("{user}", placeholder)
}

#[derive(QueryableByName)]
struct RowCount {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// How many rows the member's export holds across every section, in one query: tells a small
/// export, answered at once, from a large one, built in the background.
pub fn export_rows(conn: &mut DbConnection, user_id: &str) -> Result<i64> {
    let sum = |placeholder: &str| {
        SECTIONS
            .iter()
            .map(|section| {
                format!(
                    "(SELECT COUNT(*) FROM {} t WHERE {})",
                    section.table,
                    rows_of(section, placeholder)
                )
            })
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let count: RowCount = match conn {
        DbConnection::Sqlite(sqlite) => diesel::sql_query(format!("SELECT {} AS n", sum("?1")))
            .bind::<Text, _>(user_id)
            .get_result(sqlite)?,
        DbConnection::Pg(pg) => diesel::sql_query(format!("SELECT ({})::bigint AS n", sum("$1")))
            .bind::<Text, _>(user_id)
            .get_result(pg)?,
    };
    Ok(count.n)
}

/// The rows of one section as JSON objects, column by column as stored.
pub fn export_section(
    conn: &mut DbConnection,
    section: &Section,
    user_id: &str,
) -> Result<Vec<serde_json::Value>> {
    let rows: Vec<JsonRow> = match conn {
        DbConnection::Sqlite(sqlite) => {
            let columns: Vec<Column> =
                diesel::sql_query("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
                    .bind::<Text, _>(section.table)
                    .load(sqlite)?;
            let pairs = columns
                .iter()
                .filter(|c| !SECRET_COLUMNS.contains(&c.name.as_str()))
                .map(|c| format!("'{0}', t.\"{0}\"", c.name))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT json_object({pairs}) AS row FROM {} t WHERE {}",
                section.table,
                rows_of(section, "?1")
            );
            diesel::sql_query(sql)
                .bind::<Text, _>(user_id)
                .load(sqlite)?
        }
        DbConnection::Pg(pg) => {
            let minus: String = SECRET_COLUMNS.iter().map(|c| format!(" - '{c}'")).collect();
            let sql = format!(
                "SELECT (to_jsonb(t){minus})::text AS row FROM {} t WHERE {}",
                section.table,
                rows_of(section, "$1")
            );
            diesel::sql_query(sql).bind::<Text, _>(user_id).load(pg)?
        }
    };
    rows.into_iter()
        .map(|r| {
            serde_json::from_str(&r.row)
                .map_err(|e| crate::error::Error::Corrupt(format!("export row: {e}")))
        })
        .collect()
}

/// Rows that are the member's alone: deleted at erasure, in this order (a price override
/// points at its request).
const DELETED: &[(&str, &str)] = &[
    ("account_tokens", "user_id"),
    ("export_files", "user_id"),
    ("refresh_tokens", "user_id"),
    ("magic_links", "user_id"),
    ("user_roles", "user_id"),
    ("terms_acceptances", "user_id"),
    ("topic_follows", "user_id"),
    ("space_follows", "user_id"),
    ("notification_settings", "user_id"),
    ("notification_mailings", "user_id"),
    ("notification_mail_settings", "user_id"),
    ("notifications", "user_id"),
    ("space_members", "user_id"),
    ("event_rsvps", "user_id"),
    ("event_reminder_settings", "user_id"),
    ("event_reminders_sent", "user_id"),
    ("waitlist_entries", "user_id"),
    ("billing_addresses", "user_id"),
    ("payment_customers", "user_id"),
    ("idempotency_keys", "user_id"),
    ("price_overrides", "user_id"),
    ("price_assistance_requests", "user_id"),
    ("pro_applications", "user_id"),
    ("course_entitlements", "user_id"),
    ("lesson_progress", "user_id"),
    ("exercise_answers", "user_id"),
    ("course_completions", "user_id"),
    ("session_proposals", "user_id"),
    // Their thread goes with each request (ON DELETE CASCADE).
    ("support_requests", "user_id"),
    ("badge_awards", "user_id"),
    ("badge_requests", "user_id"),
    ("user_blocks", "blocker_id"),
    ("user_blocks", "blocked_id"),
    ("circle_members", "user_id"),
    ("round_answers", "user_id"),
    ("academy_enrolment_members", "user_id"),
    // A mentor's mentees are freed before the profile goes.
    ("academy_mentorships", "mentor_id"),
    ("academy_mentor_profiles", "user_id"),
    ("academy_pod_members", "user_id"),
];

/// Rows others still need, kept under the "former member" account: content others replied to
/// (the rest is deleted first, `forget_unanswered_content`), conversations kept for the other
/// participants while any of them remains, bookkeeping records (subscriptions,
/// payments, invoices with their billing snapshot, refunds), and what the member did as a host.
const REPOINTED: &[(&str, &str)] = &[
    ("posts", "author_id"),
    ("comments", "author_id"),
    ("reactions", "user_id"),
    ("messages", "author_id"),
    ("conversations", "created_by"),
    ("conversation_participants", "user_id"),
    ("questions", "author_id"),
    ("questions", "answered_by"),
    ("question_votes", "user_id"),
    ("submissions", "author_id"),
    ("submission_feedback", "author_id"),
    ("reports", "reporter_id"),
    ("reports", "resolved_by"),
    ("notifications", "actor_id"),
    ("events", "host_id"),
    ("events", "facilitator_id"),
    ("event_feedback", "user_id"),
    ("session_proposals", "decided_by"),
    ("support_messages", "author_id"),
    ("recordings", "updated_by"),
    ("assignments", "created_by"),
    ("resources", "created_by"),
    ("courses", "created_by"),
    ("course_entitlements", "granted_by"),
    ("spaces", "created_by"),
    ("terms_versions", "published_by"),
    ("space_members", "added_by"),
    ("subscriptions", "user_id"),
    ("payments", "user_id"),
    ("invoices", "user_id"),
    ("course_orders", "user_id"),
    ("refund_requests", "user_id"),
    ("refund_requests", "decided_by"),
    ("pro_applications", "decided_by"),
    ("price_assistance_requests", "decided_by"),
    ("price_overrides", "granted_by"),
    ("badge_reviews", "reviewer_id"),
    ("badge_classes", "proposed_by"),
    ("badge_awards", "revoked_by"),
    ("audit_log", "actor_id"),
    ("audit_log", "subject_id"),
    ("circles", "created_by"),
    ("drivers", "author_id"),
    ("proposals", "author_id"),
    ("proposal_versions", "author_id"),
    ("consent_rounds", "opened_by"),
    ("objections", "objector_id"),
    ("decision_history", "actor_id"),
    ("academy_enrolments", "requested_by"),
    ("academy_enrolments", "confirmed_by"),
    ("academy_mentorships", "matched_by"),
    ("academy_pods", "created_by"),
    ("newsletter_issues", "created_by"),
];

/// The mail domain of the accounts that hold an erased member's place ("former member").
pub const ERASED_DOMAIN: &str = "@erased.invalid";

/// What identifies the member being erased.
pub struct Erased<'a> {
    pub user_id: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
}

fn run(conn: &mut DbConnection, sql_sqlite: &str, binds: &[&str]) -> Result<usize> {
    let numbered = |prefix: &str| {
        (1..=binds.len()).fold(sql_sqlite.to_owned(), |sql, i| {
            sql.replace(&format!("{{{i}}}"), &format!("{prefix}{i}"))
        })
    };
    macro_rules! bound {
        ($query:expr, $c:expr) => {{
            let mut query = diesel::sql_query($query).into_boxed();
            for value in binds {
                query = query.bind::<Text, _>(value.to_string());
            }
            query.execute($c)?
        }};
    }
    Ok(match conn {
        DbConnection::Sqlite(c) => bound!(numbered("?"), c),
        DbConnection::Pg(c) => bound!(numbered("$"), c),
    })
}

/// Erases the member: scrubs the free text that may name them (audit snapshots, mail), deletes
/// what is theirs alone, re-points what others need to `former_member` (an account the caller
/// created that identifies nobody), then deletes the account. Run in a write transaction.
pub fn erase(conn: &mut DbConnection, who: &Erased<'_>, former_member: &str) -> Result<()> {
    let snapshot_names = match conn {
        DbConnection::Sqlite(_) => {
            "instr(before_json, {1}) > 0 OR instr(after_json, {1}) > 0 \
                                   OR instr(before_json, {2}) > 0 OR instr(after_json, {2}) > 0"
        }
        DbConnection::Pg(_) => {
            "strpos(before_json, {1}) > 0 OR strpos(after_json, {1}) > 0 \
                               OR strpos(before_json, {2}) > 0 OR strpos(after_json, {2}) > 0"
        }
    };
    run(
        conn,
        &format!(
            "UPDATE audit_log SET before_json = NULL, after_json = NULL \
             WHERE actor_id = {{1}} OR subject_id = {{1}} OR {snapshot_names}"
        ),
        &[who.user_id, who.email],
    )?;
    // Mail to them, and mail that names them; others' unsent mail that only has their name
    // (a common word, perhaps) is left to go out.
    let find = match conn {
        DbConnection::Sqlite(_) => {
            "instr(body, {2}) > 0 OR instr(body, {3}) > 0 \
                                   OR (sent_at IS NOT NULL AND instr(body, {4}) > 0)"
        }
        DbConnection::Pg(_) => {
            "strpos(body, {2}) > 0 OR strpos(body, {3}) > 0 \
                               OR (sent_at IS NOT NULL AND strpos(body, {4}) > 0)"
        }
    };
    run(
        conn,
        &format!("DELETE FROM outbox WHERE recipient = {{1}} OR {find}"),
        &[who.email, who.email, who.user_id, who.display_name],
    )?;
    let stored_answers = match conn {
        DbConnection::Sqlite(_) => "instr(response_body, {1}) > 0",
        DbConnection::Pg(_) => "strpos(response_body, {1}) > 0",
    };
    run(
        conn,
        &format!("DELETE FROM idempotency_keys WHERE {stored_answers}"),
        &[who.user_id],
    )?;
    forget_unanswered_content(conn, who.user_id)?;
    // A conversation whose every other participant has left (was erased: their place is held
    // by a "former member" account, `@erased.invalid`) has nobody left to keep it for: it goes,
    // with its messages.
    run(
        conn,
        "DELETE FROM conversations WHERE id IN \
             (SELECT conversation_id FROM conversation_participants WHERE user_id = {1}) \
         AND NOT EXISTS (SELECT 1 FROM conversation_participants p JOIN users u ON u.id = p.user_id \
             WHERE p.conversation_id = conversations.id AND p.user_id <> {1} \
             AND u.email NOT LIKE {2})",
        &[who.user_id, &format!("%{ERASED_DOMAIN}")],
    )?;
    for (table, column) in DELETED {
        run(
            conn,
            &format!("DELETE FROM {table} WHERE {column} = {{1}}"),
            &[who.user_id],
        )?;
    }
    for (table, column) in REPOINTED {
        run(
            conn,
            &format!("UPDATE {table} SET {column} = {{2}} WHERE {column} = {{1}}"),
            &[who.user_id, former_member],
        )?;
    }
    // Not keyed by the account: the list holds addresses, members' or not.
    run(
        conn,
        "DELETE FROM newsletter_subscribers WHERE email = {1}",
        &[who.email],
    )?;
    run(
        conn,
        "DELETE FROM newsletter_deliveries WHERE recipient = {1}",
        &[who.email],
    )?;
    run(
        conn,
        "DELETE FROM contact_messages WHERE email = {1}",
        &[who.email],
    )?;
    run(conn, "DELETE FROM users WHERE id = {1}", &[who.user_id])?;
    Ok(())
}

/// Deletes the member's comments nobody replied to (leaves first, so a chain of their own
/// replies goes whole) and their posts nobody commented on, with the reactions to them; what
/// others answered stays, to be shown as by "former member".
fn forget_unanswered_content(conn: &mut DbConnection, user_id: &str) -> Result<()> {
    loop {
        let leaves = run(
            conn,
            "DELETE FROM comments WHERE author_id = {1} \
             AND NOT EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = comments.id)",
            &[user_id],
        )?;
        if leaves == 0 {
            break;
        }
    }
    run(
        conn,
        "DELETE FROM posts WHERE author_id = {1} \
         AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.post_id = posts.id)",
        &[user_id],
    )?;
    run(
        conn,
        "DELETE FROM reactions WHERE \
             (target_type = 'post' AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = reactions.target_id)) \
          OR (target_type = 'comment' AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.id = reactions.target_id))",
        &[],
    )?;
    Ok(())
}

/// The ids of every admin (erasure keeps the last one).
pub fn admin_ids(conn: &mut DbConnection) -> Result<Vec<String>> {
    use crate::schema::user_roles;
    Ok(user_roles::table
        .filter(user_roles::role.eq(praxis_domain::account::Role::Admin.as_str()))
        .select(user_roles::user_id)
        .load(conn)?)
}

/// The member's subscriptions that may still renew or hold a seat (erasure ends them).
pub fn live_subscription_ids(conn: &mut DbConnection, user_id: &str) -> Result<Vec<String>> {
    use crate::schema::subscriptions;
    use crate::text_enum::DbEnum;
    use praxis_domain::subscriptions::SubscriptionStatus;
    Ok(subscriptions::table
        .filter(subscriptions::user_id.eq(user_id))
        .filter(subscriptions::status.eq_any([
            DbEnum(SubscriptionStatus::Active),
            DbEnum(SubscriptionStatus::PendingPayment),
        ]))
        .select(subscriptions::id)
        .load(conn)?)
}
