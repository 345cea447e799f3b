//! Mail delivery from the outbox: files without SMTP, SMTP with retries, leases, the worker.

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use crate::mail_support::{free_port, message_text, smtp_url, SmtpSink};
use chrono::Duration;
use praxis_persistence::outbox::{self, Mail};
use praxis_persistence::to_db_time;
use secrecy::SecretString;

/// Queues a message as other code does, inside a transaction; returns its id.
async fn enqueue(app: &TestApp, recipient: &str) -> String {
    let now = to_db_time(app.state.now());
    let recipient = recipient.to_owned();
    app.state
        .write(move |conn| {
            let mail = Mail {
                kind: "receipt",
                recipient,
                subject: "Your receipt".to_owned(),
                body: "Thank you for your payment.\n".to_owned(),
            };
            Ok(outbox::enqueue(conn, mail, now)?)
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn mail_without_smtp_is_written_as_an_eml_file_and_kept_in_the_outbox() {
    let app = spawn_app().await;
    let id = enqueue(&app, "ana@example.org").await;
    assert_eq!(app.deliver_mail().await, 1);
    let path = app.config.mail_dir.join(format!("{id}.eml"));
    let message = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(message.contains("To: ana@example.org"), "{message}");
    assert!(message.contains("Subject: Your receipt"), "{message}");
    assert!(
        message.contains("From: Praxis <no-reply@praxis.localhost>"),
        "{message}"
    );
    assert!(
        message.contains(&format!("Message-ID: <{id}@praxis.localhost>")),
        "{message}"
    );
    assert!(message.contains("Thank you for your payment."), "{message}");
    let rows = app.outbox_for("ana@example.org").await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].sent_at.is_some());
    assert_eq!(rows[0].attempts, 1);
    // Sent once: a second pass has nothing to do.
    assert_eq!(app.deliver_mail().await, 0);
    assert_eq!(app.mail_files().len(), 1);
}

#[tokio::test]
async fn mail_is_delivered_over_smtp_when_a_server_is_configured() {
    let sink = SmtpSink::start();
    let app = spawn_app_with(|c| c.smtp_url = Some(SecretString::from(sink.url()))).await;
    enqueue(&app, "ana@example.org").await;
    assert_eq!(app.outbox_count().await, 1);
    assert_eq!(app.deliver_mail().await, 1);
    let messages = sink.wait_for(1).await;
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].contains("To: ana@example.org"),
        "{}",
        messages[0]
    );
    assert!(message_text(&messages[0]).contains("Thank you for your payment."));
    assert!(app.mail_files().is_empty());
    assert!(app.outbox_for("ana@example.org").await[0].sent_at.is_some());
}

#[tokio::test]
async fn mail_delivery_failure_is_retried_with_backoff_until_the_server_answers() {
    let port = free_port();
    let app = spawn_app_with(|c| c.smtp_url = Some(SecretString::from(smtp_url(port)))).await;
    enqueue(&app, "ana@example.org").await;
    let failed_at = to_db_time(app.state.now());
    assert_eq!(app.deliver_mail().await, 0);
    let row = app.outbox_for("ana@example.org").await.remove(0);
    assert_eq!(row.attempts, 1);
    assert!(row.sent_at.is_none());
    assert!(row.last_error.as_deref().is_some_and(|e| !e.is_empty()));
    assert_eq!(row.next_attempt_at, failed_at + Duration::seconds(30));
    assert_eq!(row.locked_until, None);

    // Not due yet: nothing is tried.
    let sink = SmtpSink::start_on(port);
    assert_eq!(app.deliver_mail().await, 0);
    assert_eq!(app.outbox_for("ana@example.org").await[0].attempts, 1);

    app.clock.advance(Duration::seconds(31));
    assert_eq!(app.deliver_mail().await, 1);
    let messages = sink.wait_for(1).await;
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("Subject: Your receipt"));
    let row = app.outbox_for("ana@example.org").await.remove(0);
    assert_eq!(row.attempts, 2);
    assert!(row.sent_at.is_some());
}

#[tokio::test]
async fn mail_claimed_by_one_node_is_not_claimed_by_another_until_its_lease_expires() {
    let app = spawn_app().await;
    let id = enqueue(&app, "ana@example.org").await;
    let now = app.state.now();
    let claim = |at: chrono::DateTime<chrono::Utc>| {
        let state = app.state.clone();
        async move {
            let (at, lease) = (to_db_time(at), to_db_time(at + Duration::minutes(5)));
            state
                .write(move |conn| Ok(outbox::claim_due(conn, at, lease, 10)?))
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    let first = claim(now).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].id, id);
    assert!(claim(now + Duration::seconds(10)).await.is_empty());
    // The node died mid-send: once the lease runs out, another node takes the message.
    assert_eq!(claim(now + Duration::minutes(6)).await.len(), 1);
}

#[tokio::test]
async fn mail_worker_delivers_in_the_background_when_woken() {
    let app = spawn_app_with(|c| c.mail_worker = true).await;
    let id = enqueue(&app, "ana@example.org").await;
    app.state.wake_mailer();
    let path = app.config.mail_dir.join(format!("{id}.eml"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !path.exists() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(path.exists(), "the worker did not deliver within 10 s");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.outbox_for("ana@example.org").await[0].sent_at.is_none()
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(app.outbox_for("ana@example.org").await[0].sent_at.is_some());
}
