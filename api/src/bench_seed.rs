//! `praxis bench-seed`: fills a database with many posts and comments for load tests, over the
//! built-in spaces, by a few hundred authors, with bodies and topics that look like the
//! community's own. Rows go through `praxis_persistence::bulk` in one transaction per batch of
//! posts, so a million posts take minutes on either engine.

use crate::auth::password;
use praxis_domain::discussion::{ContentStatus, PostKind};
use praxis_persistence::comments::CommentRow;
use praxis_persistence::posts::PostRow;
use praxis_persistence::users::NewUserRow;
use praxis_persistence::{bulk, terms, to_db_time, write_tx, Database};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

/// The password of every seeded author.
pub const BENCH_PASSWORD: &str = "praxis-bench-2026";

/// Posts per transaction.
const BATCH: usize = 10_000;

/// Where posts go: (space id, share in percent). Half of everything is in the Lobby.
const SPACES: &[(&str, u32)] = &[
    ("space-lobby", 50),
    ("space-lobby-members", 15),
    ("space-practitioner-lounge", 25),
    ("space-pro-lounge", 10),
];

const TOPICS: &[&str] = &["consent", "drivers", "roles-and-circles", "facilitation"];

const TITLES: &[&str] = &[
    "How do you harvest objections in a large circle?",
    "Describing drivers with a new team",
    "Our first consent round went sideways",
    "Roles that nobody wants to keep",
    "Retrospective formats that worked for us",
    "When is a proposal good enough for now?",
    "Navigating tensions between circles",
    "Linking circles: who represents whom?",
    "Evaluating agreements on a schedule",
    "Facilitating online with thirty people",
];

const SENTENCES: &[&str] = &[
    "We started describing the situation before anyone proposed a solution.",
    "The facilitator asked each person for objections in turn, and wrote them down as gifts.",
    "An objection is a reason why a proposal, or an existing agreement, prevents or reduces effectiveness.",
    "Good enough for now, safe enough to try: that phrase changed how our circle decides.",
    "We hold a review date on every agreement, so nothing is forever by accident.",
    "Describe the driver as the situation, the effect on the organisation, and the need.",
    "In *consent* rounds I now ask for concerns separately from objections.",
    "The domain of a role should say what it is accountable for and what it may decide.",
    "Our delegator kept taking decisions back; we clarified the domain together.",
    "A logbook of agreements made the onboarding of new members much easier.",
    "Try rounds first, then open discussion: quieter voices get heard.",
    "We use `@[member]` mentions to ask the people who hold a role directly.",
    "Drivers that nobody owns end up in the backlog of the whole circle.",
    "Sometimes the best proposal is to collect more information first.",
    "We measured how long decisions took before and after adopting consent.",
];

/// What one run created.
pub struct Seeded {
    pub posts: usize,
    pub comments: usize,
    pub authors: usize,
    pub seconds: f64,
}

/// Adds `posts` posts, `comments` comments spread over them and `authors` new accounts
/// (password [`BENCH_PASSWORD`], current terms accepted) to the database. Posts are dated one
/// minute apart, newest now; comments fall within the day after their post.
pub fn seed(
    db: &Database,
    posts: usize,
    comments: usize,
    authors: usize,
) -> anyhow::Result<Seeded> {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(14);
    let mut conn = db.conn()?;
    let now = chrono::Utc::now();
    let at = to_db_time(now);
    let hash = password::hash(BENCH_PASSWORD).map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    let run: String = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .chars()
        .take(8)
        .collect();
    let authors = authors.max(1);
    let ids: Vec<String> = (0..authors)
        .map(|_| uuid::Uuid::now_v7().to_string())
        .collect();
    let emails: Vec<String> = (0..authors)
        .map(|i| format!("bench-{run}-{i}@praxis.example"))
        .collect();
    let names: Vec<String> = (0..authors).map(|i| format!("Bench Author {i}")).collect();
    let feed_tokens: Vec<String> = (0..authors)
        .map(|_| crate::auth::tokens::generate())
        .collect();
    let rows: Vec<NewUserRow<'_>> = (0..authors)
        .map(|i| NewUserRow {
            id: &ids[i],
            email: &emails[i],
            password_hash: &hash,
            display_name: &names[i],
            time_zone: "Europe/Vienna",
            locale: "en",
            calendar_feed_token: &feed_tokens[i],
            // Seeded authors are taken as verified, as the demo accounts are.
            email_verified_at: Some(at),
            created_at: at,
            updated_at: at,
        })
        .collect();
    write_tx(&mut conn, |c| -> anyhow::Result<()> {
        let version = terms::current(c)?.map(|t| t.version);
        bulk::users(c, &rows, version.as_deref(), at)?;
        Ok(())
    })?;

    let total_minutes = i64::try_from(posts).unwrap_or(i64::MAX);
    let mut made_comments = 0usize;
    let mut start = 0usize;
    while start < posts {
        let end = (start + BATCH).min(posts);
        let mut post_rows = Vec::with_capacity(end - start);
        let mut topic_rows = Vec::new();
        for i in start..end {
            let minutes_ago = total_minutes - i64::try_from(i).unwrap_or(0);
            let created = at - chrono::Duration::minutes(minutes_ago);
            let row = post(&mut rng, &ids, created);
            for topic in TOPICS {
                if rng.gen_ratio(1, 3) {
                    topic_rows.push((row.id.clone(), (*topic).to_owned()));
                }
            }
            post_rows.push(row);
        }
        // This batch's share of the comments, so the last batch takes the remainder.
        let want = comments * end / posts.max(1) - made_comments;
        let comment_rows: Vec<CommentRow> = (0..want)
            .map(|_| {
                let on = &post_rows[rng.gen_range(0..post_rows.len())];
                comment(&mut rng, &ids, on)
            })
            .collect();
        write_tx(&mut conn, |c| -> anyhow::Result<()> {
            bulk::posts(c, &post_rows, &topic_rows)?;
            bulk::comments(c, &comment_rows)?;
            Ok(())
        })?;
        made_comments += want;
        start = end;
        if start.is_multiple_of(100_000) {
            eprintln!(
                "bench-seed: {start} posts, {made_comments} comments ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(Seeded {
        posts,
        comments: made_comments,
        authors,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn space(rng: &mut StdRng) -> &'static str {
    let mut roll = rng.gen_range(0..100);
    for (space, share) in SPACES {
        if roll < *share {
            return space;
        }
        roll -= share;
    }
    SPACES[0].0
}

fn body(rng: &mut StdRng, sentences: std::ops::Range<usize>) -> String {
    let n = rng.gen_range(sentences);
    (0..n)
        .map(|_| SENTENCES[rng.gen_range(0..SENTENCES.len())])
        .collect::<Vec<_>>()
        .join(" ")
}

fn post(rng: &mut StdRng, authors: &[String], created: chrono::NaiveDateTime) -> PostRow {
    let kind = [PostKind::Article, PostKind::Question, PostKind::Discussion][rng.gen_range(0..3)];
    PostRow {
        id: uuid::Uuid::now_v7().to_string(),
        space_id: space(rng).to_owned(),
        author_id: authors[rng.gen_range(0..authors.len())].clone(),
        kind,
        title: TITLES[rng.gen_range(0..TITLES.len())].to_owned(),
        body: body(rng, 3..16),
        status: ContentStatus::Published,
        pinned: false,
        crossposted_from: None,
        created_at: created,
        updated_at: created,
        edited_at: None,
        comment_count: 0,
    }
}

fn comment(rng: &mut StdRng, authors: &[String], on: &PostRow) -> CommentRow {
    let created = on.created_at + chrono::Duration::seconds(rng.gen_range(1..86_400));
    CommentRow {
        id: uuid::Uuid::now_v7().to_string(),
        post_id: on.id.clone(),
        author_id: authors[rng.gen_range(0..authors.len())].clone(),
        parent_id: None,
        body: body(rng, 1..4),
        status: ContentStatus::Published,
        created_at: created,
        updated_at: created,
        edited_at: None,
    }
}
