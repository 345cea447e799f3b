//! Webhooks in tests: a tiny local HTTP receiver that answers a scripted status per request and
//! keeps what it received, an app that may deliver to it, and helpers over the admin endpoints.

use crate::dto;
use crate::helpers::{spawn_app_with, Session, TestApp};
use base64::Engine;
use chrono::Duration;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// Header names lower-cased.
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// A local HTTP server answering each request with the next scripted status (then 200).
pub struct Receiver {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub fn start(statuses: &[u16]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let port = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("{e}"))
            .port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(
            statuses.iter().copied().collect::<VecDeque<_>>(),
        ));
        let log = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let status = script.lock().unwrap().pop_front().unwrap_or(200);
                serve(stream, status, &log);
            }
        });
        Self { port, received }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Reads one request, logs it, then answers (so the log is complete when the sender returns).
fn serve(stream: std::net::TcpStream, status: u16, log: &Mutex<Vec<Received>>) -> Option<()> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut headers = HashMap::new();
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            headers.insert(name.trim().to_lowercase(), value.trim().to_owned());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    log.lock().unwrap().push(Received {
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let mut stream = stream;
    let answer = format!("HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
    stream.write_all(answer.as_bytes()).ok()
}

/// An app whose admins may register `http://` endpoints on this machine (the receiver), with
/// the development clock on to walk through retries.
pub async fn local_app() -> TestApp {
    spawn_app_with(|c| {
        c.dev_clock = true;
        c.webhooks.allow_http = true;
        c.webhooks.allow_private = true;
    })
    .await
}

/// An app with an admin and a local receiver (answering `statuses`, then 200) registered for
/// `events`; `endpoint` is the registration's answer (`id`, `secret`…).
pub struct Hooked {
    pub app: TestApp,
    pub admin: Session,
    pub receiver: Receiver,
    pub endpoint: Value,
}

impl Hooked {
    pub async fn start(statuses: &[u16], events: &[&str]) -> Self {
        let app = local_app().await;
        let admin = app.as_admin().await;
        let receiver = Receiver::start(statuses);
        let endpoint = app.register_webhook(&admin, &receiver.url(), events).await;
        Self {
            app,
            admin,
            receiver,
            endpoint,
        }
    }

    pub fn id(&self) -> &str {
        self.endpoint["id"].as_str().expect("endpoint id")
    }

    /// A new member joins (`member.joined`) and a second passes, running the jobs.
    pub async fn member_joins(&self) -> Session {
        let member = self.app.member().await;
        self.app.tick(Duration::seconds(1)).await;
        member
    }

    /// The endpoint's delivery log, newest first.
    pub async fn log(&self) -> Vec<Value> {
        self.app.webhook_deliveries(&self.admin, self.id()).await
    }
}

/// The HMAC-SHA256 signature a receiver expects, computed from its side of the wire.
pub fn expected_signature(secret: &str, received: &Received) -> String {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_ prefix"))
        .expect("base64 key");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("key");
    let signed = format!(
        "{}.{}.{}",
        received.header("webhook-id"),
        received.header("webhook-timestamp"),
        received.body
    );
    mac.update(signed.as_bytes());
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

impl TestApp {
    /// Registers an endpoint as `admin`; answers the registration (with `id` and `secret`).
    pub async fn register_webhook(&self, admin: &Session, url: &str, events: &[&str]) -> Value {
        let response = self
            .post(
                "/api/v1/admin/webhooks",
                Some(&admin.access_token),
                &json!({"url": url, "events": events, "description": "test receiver"}),
            )
            .await;
        dto::json_with(response, StatusCode::CREATED).await
    }

    /// The delivery log of an endpoint, newest first.
    pub async fn webhook_deliveries(&self, admin: &Session, endpoint: &str) -> Vec<Value> {
        let page: Value = dto::json_with(
            self.get(
                &format!("/api/v1/admin/webhooks/{endpoint}/deliveries"),
                Some(&admin.access_token),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        page["items"].as_array().expect("items").clone()
    }

    /// Moves the clock through the development clock, which runs the jobs (and so deliveries).
    pub async fn tick(&self, by: Duration) {
        self.advance(by).await;
    }
}
