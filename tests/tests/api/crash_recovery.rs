//! Rule: an `Idempotency-Key` survives a crash of the server. The real `praxis` binary is killed
//! (SIGKILL) while keyed requests are in flight, then started again on the same database, and
//! every key is retried: each retry answers the stored result of the effect that committed, or
//! runs the effect once — never `idempotency-key-in-use` for good, never the effect twice
//! (counted in the database).

use crate::billing_helpers::payment_event;
use crate::helpers::{fresh_database, PASSWORD, WEBHOOK_SECRET};
use diesel::{QueryableByName, RunQueryDsl};
use praxis_api::payments::signature;
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long a dead request's key stays claimed here (`PRAXIS_IDEMPOTENCY_LEASE_SECS`).
const LEASE_SECS: &str = "2";
/// Keyed requests in flight when the server is killed.
const KEYS: usize = 30;
/// However slow the machine, a retry gets through well within this.
const DEADLINE: Duration = Duration::from_secs(180);
const JWT_SECRET: &str = "crash-recovery-test-secret-0123456789abcdef";

/// The `praxis` binary, built on first use: an integration-test crate cannot name another
/// package's binary (`CARGO_BIN_EXE_*`), so it asks cargo to build it and name the file.
pub(crate) fn praxis_binary() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
        let output = Command::new(cargo)
            .args(["build", "--bin", "praxis", "--message-format=json"])
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|e| panic!("cargo build --bin praxis: {e}"));
        assert!(output.status.success(), "cargo build --bin praxis failed");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "praxis")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .unwrap_or_else(|| panic!("cargo did not name the praxis executable"))
    })
    .clone()
}

/// A `praxis serve` child process; killed (SIGKILL) when dropped.
pub(crate) struct Server {
    child: Child,
    database_url: String,
    pub(crate) base: String,
    pub(crate) client: reqwest::Client,
}

impl Server {
    async fn start(database_url: &str, dir: &Path) -> Server {
        Self::start_with(database_url, dir, &[]).await
    }

    /// A server with more environment variables (`PRAXIS_MAIL_DIR` and the others can be
    /// overridden here).
    pub(crate) async fn start_with(
        database_url: &str,
        dir: &Path,
        env: &[(&str, String)],
    ) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("free port: {e}"));
        let log = if std::env::var("TEST_LOG").is_ok() {
            Stdio::inherit
        } else {
            Stdio::null
        };
        let spawn = || {
            Command::new(praxis_binary())
                .arg("serve")
                .current_dir(dir)
                .env("PRAXIS_DATABASE_URL", database_url)
                .env("PRAXIS_BIND", format!("127.0.0.1:{port}"))
                .env("PRAXIS_JWT_SECRET", JWT_SECRET)
                .env("PRAXIS_PAYMENT_WEBHOOK_SECRET", WEBHOOK_SECRET)
                .env("PRAXIS_AUTH_RATE_PER_MINUTE", "0")
                .env("PRAXIS_MAIL_DIR", dir.join("mail"))
                .env("PRAXIS_IDEMPOTENCY_LEASE_SECS", LEASE_SECS)
                .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
                .stdout(log())
                .stderr(log())
                .spawn()
                .unwrap_or_else(|e| panic!("start praxis: {e}"))
        };
        let mut child = spawn();
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                // As with any service: a start that failed (no free database connection on a
                // shared server) is tried again.
                assert!(
                    started.elapsed() < DEADLINE,
                    "praxis exited at start: {status} (TEST_LOG=1 shows its log)"
                );
                tokio::time::sleep(Duration::from_millis(500)).await;
                child = spawn();
                continue;
            }
            let ready = client.get(format!("{base}/ready")).send().await;
            if ready.is_ok_and(|r| r.status() == StatusCode::OK) {
                break;
            }
            assert!(started.elapsed() < DEADLINE, "praxis never got ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Server {
            child,
            database_url: database_url.to_owned(),
            base,
            client,
        }
    }

    pub(crate) fn post(
        &self,
        path: &str,
        token: &str,
        key: Option<&str>,
        body: &Value,
    ) -> RequestBuilder {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body);
        match key {
            Some(key) => request.header("Idempotency-Key", key),
            None => request,
        }
    }

    async fn answer(request: RequestBuilder) -> Option<(StatusCode, Value)> {
        let response = request.send().await.ok()?;
        let status = response.status();
        Some((status, response.json().await.ok()?))
    }

    /// Registers a member who has accepted the terms; returns the access token and user id.
    pub(crate) async fn member(&self, email: &str) -> (String, String) {
        let credentials = json!({"email": email, "password": PASSWORD});
        let mut register = credentials.clone();
        register["display_name"] = json!("Crash Test");
        let url = |path: &str| format!("{}{path}", self.base);
        let send = |path: &str, body: &Value| self.client.post(url(path)).json(body).send();
        let registered = send("/api/v1/auth/register", &register).await.unwrap();
        assert_eq!(
            registered.status(),
            StatusCode::ACCEPTED,
            "register {email}"
        );
        // The address is taken as verified, as the in-process helpers verify theirs.
        verify_in_database(&self.database_url, email);
        let tokens: Value = send("/api/v1/auth/login", &credentials)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = tokens["access_token"].as_str().unwrap().to_owned();
        let me: Value = self
            .client
            .get(url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let terms: Value = self
            .client
            .get(url("/api/v1/terms"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let accepted = self
            .post(
                "/api/v1/me/terms-acceptances",
                &token,
                None,
                &json!({"version": terms["version"]}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(accepted.status(), StatusCode::CREATED, "accept terms");
        (token, me["id"].as_str().unwrap().to_owned())
    }

    /// Sends every request at once and kills the server (SIGKILL) as soon as the first answer
    /// is back, so the others are cut off wherever they are; returns what answered.
    async fn send_all_then_kill(
        self,
        requests: Vec<RequestBuilder>,
    ) -> Vec<Option<(StatusCode, Value)>> {
        let tasks: Vec<_> = requests
            .into_iter()
            .map(|request| tokio::spawn(Self::answer(request)))
            .collect();
        while !tasks.iter().any(|t| t.is_finished()) {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        drop(self);
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.unwrap());
        }
        answers
    }

    /// Sends `request` until its key is no longer in use by a request that died.
    async fn retry(&self, request: impl Fn(&Server) -> RequestBuilder) -> (StatusCode, Value) {
        let started = Instant::now();
        loop {
            let (status, body) = Self::answer(request(self))
                .await
                .expect("the retry answers");
            let in_use = body["type"]
                .as_str()
                .is_some_and(|t| t.ends_with("idempotency-key-in-use"));
            if status != StatusCode::CONFLICT || !in_use {
                return (status, body);
            }
            assert!(
                started.elapsed() < DEADLINE,
                "the key of a request cut off by the crash is still in use: {body}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // `Child::kill` sends SIGKILL: no graceful shutdown, as in a crash.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `attempt` until it succeeds: the database server is shared, and a moment without free
/// connections is not what this test is about.
pub(crate) fn until_ok<T>(what: &str, mut attempt: impl FnMut() -> Result<T, String>) -> T {
    let started = Instant::now();
    loop {
        match attempt() {
            Ok(value) => return value,
            Err(e) if started.elapsed() > DEADLINE => panic!("{what}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(500)),
        }
    }
}

/// Grants `role` to the account of `email` with `praxis user grant-role`.
pub(crate) fn grant_role(database_url: &str, dir: &Path, email: &str, role: &str) {
    until_ok("praxis user grant-role", || {
        let output = Command::new(praxis_binary())
            .args(["user", "grant-role", "--email", email, "--role", role])
            .current_dir(dir)
            .env("PRAXIS_DATABASE_URL", database_url)
            .env("PRAXIS_JWT_SECRET", JWT_SECRET)
            .output()
            .map_err(|e| e.to_string())?;
        match output.status.success() {
            true => Ok(()),
            false => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
        }
    });
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

/// Marks the account of `email` verified, straight in the database.
fn verify_in_database(database_url: &str, email: &str) {
    let url = praxis_persistence::connection::DatabaseUrl::parse(database_url).unwrap();
    let mut conn = until_ok("connect", || url.establish().map_err(|e| e.to_string()));
    let user = praxis_persistence::users::find_by_email(&mut conn, email)
        .unwrap()
        .unwrap_or_else(|| panic!("{email} registered"));
    praxis_persistence::users::mark_verified(&mut conn, &user.id, user.created_at).unwrap();
}

/// The ids a query selects (as `id`), read straight from the database.
pub(crate) fn ids(database_url: &str, sql: String) -> Vec<String> {
    let url = praxis_persistence::connection::DatabaseUrl::parse(database_url).unwrap();
    let mut conn = until_ok("connect", || url.establish().map_err(|e| e.to_string()));
    let rows: Vec<Id> = diesel::sql_query(&sql)
        .load(&mut conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter().map(|r| r.id).collect()
}

/// Checks what a retry answered against what the first attempt answered before the crash (if
/// anything) and against the one effect in the database.
fn settled(
    what: &str,
    first: &Option<(StatusCode, Value)>,
    retry: &(StatusCode, Value),
    expected: StatusCode,
    in_database: &[String],
) -> String {
    assert_eq!(retry.0, expected, "{what}: the retry answered {}", retry.1);
    let id = retry.1["id"].as_str().unwrap().to_owned();
    assert_eq!(
        in_database,
        std::slice::from_ref(&id),
        "{what}: exactly one effect, the one answered"
    );
    if let Some((status, body)) = first {
        assert_eq!(*status, expected, "{what}: the first answer was {body}");
        assert_eq!(
            body["id"], retry.1["id"],
            "{what}: the retry replays the first answer"
        );
    }
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keyed_requests_cut_off_by_a_killed_server_are_answered_once_after_restart() {
    let (database_url, _guard) = fresh_database().await;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&database_url, dir.path()).await;
    let mut members = Vec::new();
    for i in 0..KEYS {
        members.push(server.member(&format!("crash{i}@example.org")).await);
    }
    let host_email = "crash-host@example.org";
    let (_, _) = server.member(host_email).await;
    grant_role(&database_url, dir.path(), host_email, "host");

    // Starting subscriptions: a seat held, then the provider's checkout (a leased key).
    let start =
        json!({"plan": "practitioner", "billing_period": "yearly", "price_version": "regular"});
    let subscribe = |i: usize| {
        let (token, start) = (members[i].0.clone(), start.clone());
        move |s: &Server| {
            s.post(
                "/api/v1/subscriptions",
                &token,
                Some(&format!("sub-{i}")),
                &start,
            )
        }
    };
    let requests = (0..KEYS).map(|i| subscribe(i)(&server)).collect();
    let first = server.send_all_then_kill(requests).await;
    let cut_off = first.iter().filter(|a| a.is_none()).count();
    assert!(cut_off > 0, "the kill cut no request off");
    let server = Server::start(&database_url, dir.path()).await;
    let mut subscriptions = Vec::new();
    for i in 0..KEYS {
        let retry = server.retry(subscribe(i)).await;
        let user = &members[i].1;
        let held = ids(
            &database_url,
            format!("SELECT id FROM subscriptions WHERE user_id = '{user}'"),
        );
        settled(
            "subscription",
            &first[i],
            &retry,
            StatusCode::CREATED,
            &held,
        );
        assert!(
            retry.1["checkout_url"]
                .as_str()
                .is_some_and(|u| !u.is_empty()),
            "the started subscription got its checkout: {}",
            retry.1
        );
        subscriptions.push(retry.1);
    }

    // Paying them, then asking for refunds (a local effect: claim, effect and answer commit
    // together).
    for sub in &subscriptions {
        let event = payment_event(
            &format!("evt_{}", uuid::Uuid::new_v4().simple()),
            sub["checkout_id"].as_str().unwrap(),
            sub["amount_due"]["amount"].as_i64().unwrap(),
        );
        let raw = event.to_string();
        let at = chrono::Utc::now().timestamp();
        let paid = server
            .client
            .post(format!("{}/api/v1/payments/webhook", server.base))
            .header("content-type", "application/json")
            .header(
                "Praxis-Signature",
                signature::sign(WEBHOOK_SECRET.as_bytes(), at, raw.as_bytes()),
            )
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(paid.status(), StatusCode::OK, "pay {}", sub["id"]);
    }
    let ask = |i: usize| {
        let token = members[i].0.clone();
        let body =
            json!({"subscription_id": subscriptions[i]["id"].clone(), "message": "Moving on."});
        move |s: &Server| {
            s.post(
                "/api/v1/refund-requests",
                &token,
                Some(&format!("refund-{i}")),
                &body,
            )
        }
    };
    let requests = (0..KEYS).map(|i| ask(i)(&server)).collect();
    let first = server.send_all_then_kill(requests).await;
    let server = Server::start(&database_url, dir.path()).await;
    let mut refund_requests = Vec::new();
    for i in 0..KEYS {
        let retry = server.retry(ask(i)).await;
        let user = &members[i].1;
        let asked = ids(
            &database_url,
            format!("SELECT id FROM refund_requests WHERE user_id = '{user}'"),
        );
        refund_requests.push(settled(
            "refund request",
            &first[i],
            &retry,
            StatusCode::CREATED,
            &asked,
        ));
    }

    // A host approving them all with one key: each decision is its own (the key is scoped to
    // the concrete path), and a decision cut off midway is decided, and paid, once.
    let host = server
        .client
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({"email": host_email, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let decide = |i: usize| {
        let (token, path) = (
            host.clone(),
            format!(
                "/api/v1/admin/refund-requests/{}/decision",
                refund_requests[i]
            ),
        );
        move |s: &Server| {
            s.post(
                &path,
                &token,
                Some("approve-them-all"),
                &json!({"decision": "approve"}),
            )
        }
    };
    let requests = (0..KEYS).map(|i| decide(i)(&server)).collect();
    let first = server.send_all_then_kill(requests).await;
    let server = Server::start(&database_url, dir.path()).await;
    for (i, request) in refund_requests.iter().enumerate() {
        let retry = server.retry(decide(i)).await;
        assert_eq!(retry.1["status"], "approved", "{}", retry.1);
        let decided = ids(
            &database_url,
            format!(
                "SELECT refund_request_id AS id FROM refunds WHERE refund_request_id = '{request}'"
            ),
        );
        let this = ids(
            &database_url,
            format!(
                "SELECT id FROM refund_requests WHERE id = '{request}' AND status = 'approved'"
            ),
        );
        settled("refund decision", &first[i], &retry, StatusCode::OK, &this);
        assert_eq!(decided.len(), 1, "one refund for {request}");
    }
    drop(server);
}
