//! Notification mail, built in the periodic job: each notification at once for members who
//! chose `immediate`, and a digest at 07:00 in their time zone (daily, or Mondays) for the
//! others, in their language. What a mail holds is decided when it is built: only notifications
//! about spaces the member may read at that moment, so a member who lost a lounge gets nothing
//! from it. Each notification is mailed once (`notification_mailings`), and every mail carries
//! the one-click opt-out of the `notifications` category (`crate::unsubscribe`).

use crate::access::{all_spaces, load_viewer, Space};
use crate::error::Result;
use crate::mail_links::MailLinks;
use crate::unsubscribe::{self, OptOut};
use chrono::{DateTime, Duration, Utc};
use praxis_domain::account::Locale;
use praxis_domain::ids::UserId;
use praxis_domain::mail::MailCategory;
use praxis_domain::notification_mail::{next_digest_at, MailDelivery, MAIL_WINDOW_DAYS};
use praxis_persistence::notification_mail as repo;
use praxis_persistence::notifications::NotificationRow;
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::users::UserRow;
use praxis_persistence::{posts, to_db_time, users, write_tx, Database, DbConnection};
use std::collections::BTreeMap;

/// How many notifications one pass mails at once, and how many digests it builds: the rest
/// waits for the next tick.
const BATCH: i64 = 500;
/// The most items one digest lists; the rest are named by count.
const DIGEST_ITEMS: usize = 50;

/// What one pass queued.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MailRun {
    pub immediate: usize,
    pub digests: usize,
}

/// One line of a mail: who did what, where, and the link to it.
struct Item {
    line: String,
    link: String,
}

/// Mails what is due at `now`: immediate notifications, then digests. Each mail is its own
/// transaction that records what it covered and queues it together. Runs on a blocking thread.
pub fn queue_due(db: &Database, now: DateTime<Utc>, links: &MailLinks) -> Result<MailRun> {
    let since = to_db_time(now - Duration::days(MAIL_WINDOW_DAYS));
    let pending = repo::unmailed(&mut *db.conn()?, None, since, BATCH)?;
    let mut by_user: BTreeMap<String, Vec<NotificationRow>> = BTreeMap::new();
    for n in pending {
        by_user.entry(n.user_id.clone()).or_default().push(n);
    }
    let mut run = MailRun::default();
    for (user_id, notes) in by_user {
        run.immediate += write_tx(&mut *db.conn()?, |conn| {
            mail_each(conn, &user_id, notes, now, links)
        })?;
    }
    let due = repo::digests_due(&mut *db.conn()?, to_db_time(now), BATCH)?;
    for settings in due {
        let built = write_tx(&mut *db.conn()?, |conn| -> Result<bool> {
            let Some(user) = users::find_by_id(conn, &settings.user_id)? else {
                return Ok(false);
            };
            let zone = user.time_zone.parse().unwrap_or(chrono_tz::UTC);
            let next = next_digest_at(settings.delivery, zone, now).map(to_db_time);
            let Some(due_at) = settings.next_digest_at else {
                return Ok(false);
            };
            // Whoever moves the schedule on builds the digest; another pass finds it moved.
            if !repo::advance_digest(conn, &user.id, due_at, next)? {
                return Ok(false);
            }
            let notes = repo::unmailed(conn, Some(&user.id), since, BATCH)?;
            digest(conn, &user, settings.delivery, notes, now, links)
        })?;
        run.digests += usize::from(built);
    }
    Ok(run)
}

/// The notifications among `notes` whose space `user_id` may read now.
fn readable(
    conn: &mut DbConnection,
    user_id: &str,
    notes: Vec<NotificationRow>,
    spaces: &[Space],
    now: DateTime<Utc>,
) -> Result<Vec<NotificationRow>> {
    let ctx = load_viewer(conn, Some(user_id), now)?;
    let readable = ctx.readable_space_ids(spaces);
    Ok(notes
        .into_iter()
        .filter(|n| readable.contains(&n.space_id))
        .collect())
}

/// Immediate delivery: one mail per notification the member may read now.
fn mail_each(
    conn: &mut DbConnection,
    user_id: &str,
    notes: Vec<NotificationRow>,
    now: DateTime<Utc>,
    links: &MailLinks,
) -> Result<usize> {
    let Some(user) = users::find_by_id(conn, user_id)? else {
        return Ok(0);
    };
    let spaces = all_spaces(conn)?;
    let ids: Vec<String> = notes.iter().map(|n| n.id.clone()).collect();
    if repo::any_mailed(conn, &ids)? {
        return Ok(0);
    }
    let (notes, withheld): (Vec<_>, Vec<_>) = {
        let readable = readable(conn, user_id, notes.clone(), &spaces, now)?;
        notes
            .into_iter()
            .partition(|n| readable.iter().any(|r| r.id == n.id))
    };
    // What the member may not read when it is due is never mailed, and not looked at again.
    let withheld: Vec<String> = withheld.into_iter().map(|n| n.id).collect();
    repo::record(conn, user_id, &withheld, None, to_db_time(now))?;
    let locale = Locale::parse(&user.locale).unwrap_or(Locale::En);
    let opt_out = opt_out(conn, &user, links, now)?;
    let items = items(conn, &notes, &spaces, locale, links)?;
    for (note, item) in notes.iter().zip(items) {
        let mail = Mail {
            kind: "notification",
            recipient: user.email.clone(),
            subject: format!("Praxis: {}", item.line),
            body: text::single(locale, &item.line, &item.link, &opt_out.page),
        };
        let outbox_id =
            outbox::enqueue_bulk(conn, mail, opt_out.one_click.clone(), to_db_time(now))?;
        repo::record(
            conn,
            user_id,
            std::slice::from_ref(&note.id),
            Some(&outbox_id),
            to_db_time(now),
        )?;
    }
    Ok(notes.len())
}

/// A digest of what the member may read now among `notes`; nothing is queued when that is
/// nothing. Returns whether a mail was queued.
fn digest(
    conn: &mut DbConnection,
    user: &UserRow,
    delivery: MailDelivery,
    notes: Vec<NotificationRow>,
    now: DateTime<Utc>,
    links: &MailLinks,
) -> Result<bool> {
    let spaces = all_spaces(conn)?;
    let notes = readable(conn, &user.id, notes, &spaces, now)?;
    if notes.is_empty() {
        return Ok(false);
    }
    let locale = Locale::parse(&user.locale).unwrap_or(Locale::En);
    let opt_out = opt_out(conn, user, links, now)?;
    let shown = &notes[..notes.len().min(DIGEST_ITEMS)];
    let items = items(conn, shown, &spaces, locale, links)?;
    let mail = Mail {
        kind: "notification_digest",
        recipient: user.email.clone(),
        subject: text::digest_subject(locale, delivery, notes.len()),
        body: text::digest(locale, delivery, &items, notes.len(), &opt_out.page),
    };
    let outbox_id = outbox::enqueue_bulk(conn, mail, opt_out.one_click, to_db_time(now))?;
    let ids: Vec<String> = notes.iter().map(|n| n.id.clone()).collect();
    repo::record(conn, &user.id, &ids, Some(&outbox_id), to_db_time(now))?;
    Ok(true)
}

fn opt_out(
    conn: &mut DbConnection,
    user: &UserRow,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<OptOut> {
    let id = UserId::from_trusted(user.id.clone());
    unsubscribe::opt_out(conn, links, &id, MailCategory::Notifications, now)
}

/// The lines of a mail, names and titles read in one query each.
fn items(
    conn: &mut DbConnection,
    notes: &[NotificationRow],
    spaces: &[Space],
    locale: Locale,
    links: &MailLinks,
) -> Result<Vec<Item>> {
    let actors: Vec<String> = notes.iter().filter_map(|n| n.actor_id.clone()).collect();
    let names = users::display_names(conn, &actors)?;
    let post_ids: Vec<String> = notes.iter().filter_map(|n| n.post_id.clone()).collect();
    let titles = posts::titles(conn, &post_ids)?;
    Ok(notes
        .iter()
        .map(|n| {
            let post = n.post_id.clone().unwrap_or_default();
            let actor = n.actor_id.as_ref().and_then(|a| names.get(a));
            let space = spaces.iter().find(|s| s.row.id == n.space_id);
            Item {
                line: text::line(
                    locale,
                    &n.kind,
                    actor.map_or("Someone", String::as_str),
                    titles.get(&post).map_or("", String::as_str),
                    space.map_or("", |s| s.row.name.as_str()),
                ),
                link: links.post(&post),
            }
        })
        .collect())
}

/// The words of notification mail, in English and Spanish.
mod text {
    use super::Item;
    use praxis_domain::account::Locale;
    use praxis_domain::notification_mail::MailDelivery;

    pub fn line(locale: Locale, kind: &str, actor: &str, title: &str, space: &str) -> String {
        match (locale, kind) {
            (Locale::En, "reply") => format!("{actor} replied in \"{title}\" ({space})"),
            (Locale::En, "mention") => format!("{actor} mentioned you in \"{title}\" ({space})"),
            (Locale::En, _) => format!("{actor} posted \"{title}\" in {space}"),
            (Locale::Es, "reply") => format!("{actor} respondió en «{title}» ({space})"),
            (Locale::Es, "mention") => format!("{actor} te mencionó en «{title}» ({space})"),
            (Locale::Es, _) => format!("{actor} publicó «{title}» en {space}"),
        }
    }

    fn footer(locale: Locale, opt_out: &str) -> String {
        match locale {
            Locale::En => format!(
                "You get this mail because you asked for notification mail. Change how often in \
                 your notification settings, or turn it off with one click:\n{opt_out}\n"
            ),
            Locale::Es => format!(
                "Recibes este correo porque pediste avisos por correo. Cambia la frecuencia en \
                 tus ajustes de notificaciones, o desactívalos con un clic:\n{opt_out}\n"
            ),
        }
    }

    pub fn single(locale: Locale, line: &str, link: &str, opt_out: &str) -> String {
        format!("{line}.\n\n{link}\n\n{}", footer(locale, opt_out))
    }

    pub fn digest_subject(locale: Locale, delivery: MailDelivery, count: usize) -> String {
        match (locale, delivery) {
            (Locale::En, MailDelivery::Weekly) => format!("Your weekly Praxis digest: {count} new"),
            (Locale::En, _) => format!("Your daily Praxis digest: {count} new"),
            (Locale::Es, MailDelivery::Weekly) => {
                format!("Tu resumen semanal de Praxis: {count} novedades")
            }
            (Locale::Es, _) => format!("Tu resumen diario de Praxis: {count} novedades"),
        }
    }

    pub fn digest(
        locale: Locale,
        delivery: MailDelivery,
        items: &[Item],
        total: usize,
        opt_out: &str,
    ) -> String {
        let mut body = format!("{}.\n\n", digest_subject(locale, delivery, total));
        for item in items {
            body.push_str(&format!("- {}\n  {}\n", item.line, item.link));
        }
        if total > items.len() {
            let more = total - items.len();
            body.push_str(&match locale {
                Locale::En => format!("…and {more} more in the app.\n"),
                Locale::Es => format!("…y {more} más en la aplicación.\n"),
            });
        }
        body.push('\n');
        body.push_str(&footer(locale, opt_out));
        body
    }
}
