//! Mail delivery from the outbox. Messages are queued with `praxis_persistence::outbox::enqueue`
//! in the transaction of the change they report; a worker on each node claims due messages with
//! a lease (so two nodes never send the same one), sends them over SMTP or writes them as `.eml`
//! files, and retries failures with exponential backoff. Rows are never deleted: the outbox is
//! also the record of what was sent. Delivery is at least once: a node that stops between
//! sending and recording sends that message again after its lease runs out.

use crate::config::Config;
use crate::state::AppState;
use anyhow::Context;
use chrono::Duration;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use praxis_persistence::outbox::{self, OutboxRow};
use praxis_persistence::to_db_time;
use secrecy::ExposeSecret;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Messages claimed per pass.
pub const BATCH: i64 = 20;
/// How long a claimed message stays reserved for the node that claimed it.
pub const LEASE_SECONDS: i64 = 5 * 60;
const FIRST_RETRY_SECONDS: i64 = 30;
const MAX_RETRY_SECONDS: i64 = 60 * 60;
const MAX_ERROR_CHARS: usize = 1000;

/// Wait before the next attempt after `attempts` earlier failed ones: 30 s, 1 min, 2 min… at most
/// an hour, so a long outage neither floods the server nor delays mail by days.
pub fn retry_delay(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.clamp(0, 16)).unwrap_or(16);
    let seconds = FIRST_RETRY_SECONDS.saturating_mul(1_i64 << doublings);
    Duration::seconds(seconds.min(MAX_RETRY_SECONDS))
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// Where mail goes: the SMTP server of `PRAXIS_SMTP_URL`, or `.eml` files in `PRAXIS_MAIL_DIR`.
#[derive(Clone)]
pub struct Mailer {
    transport: Arc<Transport>,
    from: Mailbox,
}

impl Mailer {
    /// `smtp://host:port` (plain, for local sinks), `smtp://host?tls=required` (STARTTLS) or
    /// `smtps://host` (TLS), with `user:password@` when the server needs a login.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .context("PRAXIS_MAIL_FROM is not a mail address")?;
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    // lettre's message names the problem, never the URL (which may hold a password).
                    .map_err(|e| anyhow::anyhow!("PRAXIS_SMTP_URL is not usable: {e}"))?
                    .build(),
            ),
            None => Transport::Files(config.mail_dir.clone()),
        };
        Ok(Self {
            transport: Arc::new(transport),
            from,
        })
    }

    fn message(&self, row: &OutboxRow) -> Result<Message, String> {
        let to: Mailbox = row
            .recipient
            .parse()
            .map_err(|e| format!("invalid recipient: {e}"))?;
        let domain = self.from.email.domain().to_owned();
        let mut builder = Message::builder();
        if let Some(url) = &row.list_unsubscribe {
            builder = builder
                .header(ListUnsubscribe(url.clone()))
                .header(ListUnsubscribePost);
        }
        if let Some(reply_to) = &row.reply_to {
            let reply_to: Mailbox = reply_to
                .parse()
                .map_err(|e| format!("invalid reply-to: {e}"))?;
            builder = builder.reply_to(reply_to);
        }
        builder
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            // Stable across retries, so a receiver can recognise a message it already got.
            .message_id(Some(format!("<{}@{domain}>", row.id)))
            .header(ContentType::TEXT_PLAIN)
            // lettre picks 7bit, quoted-printable or base64 to fit mail's line limits.
            .body(row.body.clone())
            .map_err(|e| format!("cannot build the message: {e}"))
    }

    async fn send(&self, row: &OutboxRow) -> Result<(), String> {
        let message = self.message(row)?;
        match &*self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| format!("SMTP: {e}")),
            Transport::Files(dir) => {
                let dir = dir.clone();
                let id = row.id.clone();
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || write_eml(&dir, &id, &bytes))
                    .await
                    .map_err(|e| format!("file writer: {e}"))?
                    .map_err(|e| format!("cannot write the message file: {e}"))
            }
        }
    }
}

/// `List-Unsubscribe: <url>` (RFC 2369): where a mail client's "unsubscribe" button goes.
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(
            s.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned(),
        ))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the client unsubscribes with
/// one POST to the `List-Unsubscribe` URL, no page to open and nothing to sign in to.
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// Writes `<id>.eml` through a temporary file and a rename, so a reader never sees half a message.
fn write_eml(dir: &Path, id: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(".{id}.eml.tmp"));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, dir.join(format!("{id}.eml")))
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub claimed: usize,
    pub sent: usize,
}

/// Delivers every message due now (up to [`BATCH`]) and returns how many were sent. Tests call it
/// to drive delivery deterministically; the worker calls it on each wake-up.
pub async fn deliver_due(state: &AppState) -> usize {
    deliver_pass(state).await.sent
}

#[tracing::instrument(name = "mail.deliver", skip(state))]
pub async fn deliver_pass(state: &AppState) -> Pass {
    let now = state.now();
    let at = to_db_time(now);
    let lease_until = to_db_time(now + Duration::seconds(LEASE_SECONDS));
    let rows = match state
        .db_write(move |conn| Ok(outbox::claim_due(conn, at, lease_until, BATCH)?))
        .await
    {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "cannot claim due mail");
            return Pass::default();
        }
    };
    let mut pass = Pass {
        claimed: rows.len(),
        sent: 0,
    };
    for row in rows {
        let outcome = state.mailer.send(&row).await;
        let id = row.id.clone();
        let recorded = match outcome {
            Ok(()) => {
                pass.sent += 1;
                tracing::info!(id = %row.id, kind = %row.kind, "mail sent");
                let sent_at = to_db_time(state.now());
                state
                    .db(move |conn| Ok(outbox::mark_sent(conn, &id, sent_at)?))
                    .await
            }
            Err(error) => {
                let next = to_db_time(state.now() + retry_delay(row.attempts));
                tracing::warn!(id = %row.id, kind = %row.kind, attempts = row.attempts + 1, %error, retry_at = %next, "mail delivery failed");
                let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
                state
                    .db(move |conn| Ok(outbox::mark_failed(conn, &id, &error, next)?))
                    .await
            }
        };
        if let Err(e) = recorded {
            // The lease runs out and the message is tried again: at least once, never lost.
            tracing::error!(id = %row.id, error = %e, "cannot record the delivery outcome");
        }
    }
    pass
}

/// Runs delivery in the background: on each [`AppState::wake_mailer`] and once a second (for
/// retries that fall due, and mail queued by other nodes).
pub fn spawn_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = state.mail_wakeup.notified() => {}
            }
            // A full batch means more may be waiting.
            while deliver_pass(&state).await.claimed == usize::try_from(BATCH).unwrap_or(0) {}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_retry_backs_off_exponentially_up_to_an_hour() {
        let seconds: Vec<i64> = [0, 1, 2, 6, 7, 30, 1000]
            .iter()
            .map(|n| retry_delay(*n).num_seconds())
            .collect();
        assert_eq!(seconds, vec![30, 60, 120, 1920, 3600, 3600, 3600]);
    }

    fn row(list_unsubscribe: Option<String>) -> OutboxRow {
        let at = chrono::NaiveDateTime::default();
        OutboxRow {
            id: "m1".to_owned(),
            kind: "event_reminder".to_owned(),
            recipient: "ana@example.org".to_owned(),
            subject: "Reminder".to_owned(),
            body: "Soon.\n".to_owned(),
            created_at: at,
            attempts: 0,
            next_attempt_at: at,
            locked_until: None,
            sent_at: None,
            last_error: None,
            list_unsubscribe,
            reply_to: None,
        }
    }

    fn formatted(row: &OutboxRow) -> String {
        let mailer = Mailer::from_config(&Config::defaults()).unwrap_or_else(|e| panic!("{e}"));
        let message = mailer.message(row).unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&message.formatted()).into_owned()
    }

    #[test]
    fn bulk_mail_carries_rfc_8058_headers_on_single_unfolded_lines() {
        // As long as real tokens: a folded URL would break the client's unsubscribe button.
        let url = format!("https://api.example/api/v1/unsubscribe/{}", "x".repeat(120));
        let text = formatted(&row(Some(url.clone())));
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(
            lines.contains(&format!("List-Unsubscribe: <{url}>").as_str()),
            "{text}"
        );
        assert!(
            lines.contains(&"List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
            "{text}"
        );
    }

    #[test]
    fn transactional_mail_has_no_list_unsubscribe_headers() {
        let text = formatted(&row(None));
        assert!(!text.contains("List-Unsubscribe"), "{text}");
    }

    #[test]
    fn eml_is_written_whole_under_the_message_id() {
        let dir = std::env::temp_dir().join(format!("praxis-eml-{}", uuid::Uuid::new_v4()));
        write_eml(&dir, "abc", b"Subject: hi\r\n\r\nbody").unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<String> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["abc.eml"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
