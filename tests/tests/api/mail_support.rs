//! Mail in tests: a real SMTP server (`tests/smtp_sink.py`, Python's aiosmtpd) that saves each
//! message as a file, and helpers to read the outbox and drive delivery.

use crate::helpers::TestApp;
use praxis_persistence::outbox::{self, OutboxRow};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The token at the end of the first line of `text` holding `marker` (a link's
/// `/path?token=`).
pub fn token_after(text: &str, marker: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.trim_end().split_once(marker))
        .map(|(_, token)| token.trim().to_owned())
}

/// A local SMTP server, stopped when dropped.
pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

/// A port nothing listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

pub fn smtp_url(port: u16) -> String {
    format!("smtp://127.0.0.1:{port}")
}

impl SmtpSink {
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// Starts the sink on `port` and waits until it accepts connections.
    pub fn start_on(port: u16) -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(port.to_string())
            .arg(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start python3 {}: {e}", script.display()));
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "the SMTP sink exited ({status}); is aiosmtpd installed? \
                     python3 -m pip install -r tests/requirements.txt"
                );
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("the SMTP sink did not listen on port {port} within 15 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { port, dir, child }
    }

    pub fn url(&self) -> String {
        smtp_url(self.port)
    }

    /// Every message received so far, raw.
    pub fn messages(&self) -> Vec<String> {
        read_eml_files(self.dir.path())
    }

    /// Waits (a few seconds at most) until `count` messages have arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let messages = self.messages();
            if messages.len() >= count || Instant::now() > deadline {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The contents of every `*.eml` file in `dir`.
pub fn read_eml_files(dir: &Path) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_default())
        .collect()
}

/// The text of a single-part message, its transfer encoding undone (quoted-printable wraps
/// long lines such as links; base64 is used for mostly non-ASCII text).
pub fn message_text(message: &str) -> String {
    let (head, body) = message.split_once("\r\n\r\n").unwrap_or(("", message));
    let head = head.to_ascii_lowercase();
    if head.contains("content-transfer-encoding: quoted-printable") {
        let joined = body.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (bytes[i], hex) {
                (b'=', Some(byte)) => {
                    out.push(byte);
                    i += 3;
                }
                (byte, _) => {
                    out.push(byte);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    } else if head.contains("content-transfer-encoding: base64") {
        use base64::Engine;
        let compact: String = body.split_whitespace().collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    } else {
        body.to_owned()
    }
}

impl TestApp {
    /// Runs one delivery pass, as the worker would; returns how many messages were sent.
    pub async fn deliver_mail(&self) -> usize {
        praxis_api::mail::deliver_due(&self.state).await
    }

    /// The outbox rows addressed to `recipient`, oldest first.
    pub async fn outbox_for(&self, recipient: &str) -> Vec<OutboxRow> {
        let db = self.state.db.clone();
        let recipient = recipient.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            outbox::for_recipient(&mut conn, &recipient).unwrap_or_else(|e| panic!("{e}"))
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    }

    pub async fn outbox_count(&self) -> i64 {
        let db = self.state.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            outbox::count(&mut conn).unwrap_or_else(|e| panic!("{e}"))
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The messages written to the mail directory (the transport without SMTP).
    pub fn mail_files(&self) -> Vec<String> {
        read_eml_files(&self.config.mail_dir)
    }
}
