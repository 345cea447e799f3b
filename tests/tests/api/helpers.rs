//! `spawn_app()`: the whole application on a random port with a database of its own — a temp
//! SQLite file, or with `PRAXIS_TEST_BACKEND=postgres` a fresh PostgreSQL database cloned from a
//! migrated template and dropped when the test ends.

use crate::dto::{self, Me, Problem, Terms, Tokens};
use chrono::Utc;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use praxis_api::clock::ManualClock;
use praxis_api::payments::LocalPaymentProvider;
use praxis_api::state::AppState;
use praxis_api::{Application, Config};
use praxis_domain::account::Role;
use praxis_persistence::{to_db_time, users};
use reqwest::{Method, Response, StatusCode};
use secrecy::SecretString;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const PASSWORD: &str = "a long enough passphrase";
pub const WEBHOOK_SECRET: &str = "whsec_test_0123456789abcdef";

pub fn backend_is_postgres() -> bool {
    std::env::var("PRAXIS_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

fn postgres_admin_url() -> String {
    std::env::var("PRAXIS_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Replaces the database name at the end of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    format!("{base}/{name}{query}")
}

#[derive(QueryableByName)]
#[allow(dead_code)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    datname: String,
}

/// The template's name changes whenever a migration changes.
fn template_name() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/postgres");
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())));
    }
    format!("praxis_tpl_{}", &hex::encode(hasher.finalize())[..16])
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Creates `t_<uuid>` from the migrated template (made once, under a lock, by whichever test
/// process comes first).
fn create_postgres_database() -> String {
    let admin_url = postgres_admin_url();
    let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
        panic!("PostgreSQL is not reachable at {admin_url}: {e}. Start it or set PRAXIS_TEST_POSTGRES_URL.")
    });
    let template = template_name();
    diesel::sql_query("SELECT pg_advisory_lock(727274)")
        .execute(&mut admin)
        .unwrap_or_else(|e| panic!("advisory lock: {e}"));
    let exists: Vec<Name> = diesel::sql_query(format!(
        "SELECT datname::text AS datname FROM pg_database WHERE datname = '{template}'"
    ))
    .load(&mut admin)
    .unwrap_or_else(|e| panic!("look up the template database: {e}"));
    if exists.is_empty() {
        diesel::sql_query(format!("CREATE DATABASE {template}"))
            .execute(&mut admin)
            .unwrap_or_else(|e| panic!("create template: {e}"));
        let url = praxis_persistence::connection::DatabaseUrl::parse(&with_database(
            &admin_url, &template,
        ))
        .unwrap_or_else(|e| panic!("template url: {e}"));
        let mut conn = url.establish().unwrap_or_else(|e| panic!("template: {e}"));
        praxis_persistence::migrations::run_pending(&mut conn)
            .unwrap_or_else(|e| panic!("migrate template: {e}"));
    }
    diesel::sql_query("SELECT pg_advisory_unlock(727274)")
        .execute(&mut admin)
        .unwrap_or_else(|e| panic!("advisory unlock: {e}"));
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut attempts = 0;
    loop {
        match diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .execute(&mut admin)
        {
            Ok(_) => break,
            // Another test's CREATE may still be reading the template.
            Err(_) if attempts < 50 => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => panic!("create test database: {e}"),
        }
    }
    name
}

/// Drops the test's PostgreSQL database, or deletes its SQLite directory, when the test ends.
pub enum DbGuard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres(String),
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres(name) = self {
            if let Ok(mut admin) = PgConnection::establish(&postgres_admin_url()) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin);
            }
        }
    }
}

/// A database of the test's own (see the module doc) and the guard that removes it.
pub async fn fresh_database() -> (String, DbGuard) {
    if backend_is_postgres() {
        let name = tokio::task::spawn_blocking(create_postgres_database)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (
            with_database(&postgres_admin_url(), &name),
            DbGuard::Postgres(name),
        )
    } else {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let url = format!("sqlite://{}", dir.path().join("praxis.db").display());
        (url, DbGuard::Sqlite(dir))
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub state: AppState,
    pub config: Config,
    pub database_url: String,
    pub payments: Arc<LocalPaymentProvider>,
    handle: actix_web::dev::ServerHandle,
    _db: Arc<DbGuard>,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: String,
    pub email: String,
    pub access_token: String,
    pub refresh_token: String,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawns the app with a test configuration changed by `customize`.
pub async fn spawn_app_with(customize: impl FnOnce(&mut Config)) -> TestApp {
    let (database_url, guard) = fresh_database().await;
    let mut config = Config::defaults();
    config.database_url = SecretString::from(database_url.clone());
    config.bind = "127.0.0.1:0".to_owned();
    config.workers = Some(2);
    // Tests register many members from one address; the rate-limit tests turn limits on.
    config.auth_rate_per_minute = 0;
    config.db_pool_size = 8;
    config.payment_webhook_secret = Some(SecretString::from(WEBHOOK_SECRET));
    config.mail_dir = std::env::temp_dir().join(format!("praxis-mail-{}", uuid::Uuid::new_v4()));
    // Tests drive delivery with `deliver_mail()`; a test of the worker turns it back on.
    config.mail_worker = false;
    customize(&mut config);
    start(
        config,
        database_url,
        Arc::new(guard),
        ManualClock::new(Utc::now()),
    )
    .await
}

async fn start(
    config: Config,
    database_url: String,
    guard: Arc<DbGuard>,
    clock: ManualClock,
) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        praxis_api::telemetry::init(config.log_format);
    }
    let app = Application::build_with_clock(config.clone(), Arc::new(clock.clone()))
        .await
        .unwrap_or_else(|e| panic!("app failed to start: {e:#}"));
    // The local provider keeps its books in the database: this one reads the app's.
    let payments = Arc::new(LocalPaymentProvider::new(
        &config.public_url,
        app.state().db.clone(),
    ));
    let address = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("{e}")),
        clock,
        state,
        config,
        database_url,
        payments,
        handle,
        _db: guard,
    }
}

impl TestApp {
    /// Stops this server and starts a new one on the same database, as an operator would.
    pub async fn restart(self) -> TestApp {
        self.handle.stop(true).await;
        let mut config = self.config.clone();
        config.bind = "127.0.0.1:0".to_owned();
        start(
            config,
            self.database_url.clone(),
            self._db.clone(),
            self.clock.clone(),
        )
        .await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("request failed: {e}"))
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::PUT, path, token, None).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::DELETE, path, token, None).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::PATCH, path, token, Some(body)).await
    }

    /// Registers an account with [`PASSWORD`] and verifies its address the way a person does,
    /// with the token of the mailed link; the verification mail is then taken out of the outbox,
    /// so tests that count mail see only their own. Returns the profile.
    pub async fn register(&self, email: &str) -> Me {
        self.register_unverified(email).await;
        let normalised = email.trim().to_lowercase();
        let (id, token) = self.verification_token(&normalised).await;
        let verified = self
            .post("/api/v1/auth/verify-email", None, &json!({"token": token}))
            .await;
        assert_eq!(verified.status(), StatusCode::NO_CONTENT, "verify {email}");
        self.drop_outbox_row(&id).await;
        let session = self.login(email).await;
        let me: Me = dto::json_with(
            self.get("/api/v1/me", Some(&session.access_token)).await,
            StatusCode::OK,
        )
        .await;
        assert!(me.email_verified, "{me:?}");
        me
    }

    /// Registers an account with [`PASSWORD`] and leaves its address unverified.
    pub async fn register_unverified(&self, email: &str) {
        let response = self
            .post(
                "/api/v1/auth/register",
                None,
                &json!({"email": email, "password": PASSWORD, "display_name": "Test Member"}),
            )
            .await;
        let accepted: Value = dto::json_with(response, StatusCode::ACCEPTED).await;
        // Addresses are stored trimmed and lower-cased.
        assert_eq!(
            accepted["email"],
            email.trim().to_lowercase(),
            "register {email}"
        );
    }

    /// The outbox id and the token of the newest verification mail to `email`.
    pub async fn verification_token(&self, email: &str) -> (String, String) {
        let row = self
            .outbox_for(email)
            .await
            .into_iter()
            .rev()
            .find(|r| r.kind == "verify_email")
            .unwrap_or_else(|| panic!("no verification mail to {email}"));
        let token = crate::mail_support::token_after(&row.body, "/verify-email?token=")
            .unwrap_or_else(|| panic!("no link in {}", row.body));
        (row.id, token)
    }

    async fn drop_outbox_row(&self, id: &str) {
        use diesel::{ExpressionMethods, QueryDsl};
        use praxis_persistence::schema::outbox;
        let db = self.state.db.clone();
        let id = id.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            diesel::delete(outbox::table.filter(outbox::id.eq(id)))
                .execute(&mut conn)
                .unwrap_or_else(|e| panic!("{e}"));
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }

    pub async fn login(&self, email: &str) -> Session {
        let response = self
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": email, "password": PASSWORD}),
            )
            .await;
        let tokens: Tokens = dto::json_with(response, StatusCode::OK).await;
        let me: Me = dto::json_with(
            self.get("/api/v1/me", Some(&tokens.access_token)).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(me.email, email.trim().to_lowercase(), "login {email}");
        Session {
            user_id: me.id,
            email: email.to_owned(),
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
        }
    }

    /// Logs the member in again: after moving the clock, their access token has expired.
    pub async fn relogin(&self, session: &Session) -> Session {
        self.login(&session.email).await
    }

    /// A new member, registered, logged in, and having accepted the current terms.
    pub async fn member(&self) -> Session {
        let email = format!("m{}@example.org", uuid::Uuid::new_v4().simple());
        self.register(&email).await;
        let session = self.login(&email).await;
        self.accept_terms(&session).await;
        session
    }

    /// Accepts the current version of the terms.
    pub async fn accept_terms(&self, session: &Session) {
        let current: Terms =
            dto::json_with(self.get("/api/v1/terms", None).await, StatusCode::OK).await;
        let accepted = self
            .post(
                "/api/v1/me/terms-acceptances",
                Some(&session.access_token),
                &json!({"version": current.version}),
            )
            .await;
        let accepted: dto::Acceptance = dto::json_with(accepted, StatusCode::CREATED).await;
        assert_eq!(accepted.version, current.version, "accept terms");
    }

    pub async fn grant(&self, user_id: &str, role: Role) {
        let db = self.state.db.clone();
        let id = user_id.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            users::grant_role(&mut conn, &id, role, to_db_time(Utc::now()))
                .unwrap_or_else(|e| panic!("{e}"));
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }

    /// A logged-in admin.
    pub async fn as_admin(&self) -> Session {
        let session = self.member().await;
        self.grant(&session.user_id, Role::Admin).await;
        session
    }

    pub async fn as_host(&self) -> Session {
        let session = self.member().await;
        self.grant(&session.user_id, Role::Host).await;
        session
    }

    /// The JWT signing secret the app uses (generated and stored in its database).
    pub async fn jwt_secret(&self) -> String {
        if let Some(secret) = &self.config.jwt_secret {
            use secrecy::ExposeSecret;
            return secret.expose_secret().to_owned();
        }
        let db = self.state.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn().unwrap_or_else(|e| panic!("{e}"));
            praxis_persistence::settings::get(&mut conn, "jwt_secret")
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("no jwt_secret setting in the database"))
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    }
}

/// Reads a problem response, checking it is `application/problem+json` with the given status
/// and every member a problem must have.
pub async fn problem(response: Response, status: StatusCode) -> Problem {
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| {
            v.to_str()
                .unwrap_or_else(|e| panic!("content-type is not text: {e}"))
                .to_owned()
        })
        .unwrap_or_else(|| panic!("a problem response has a content-type"));
    let body: Problem = dto::json_with(response, status).await;
    assert_eq!(content_type, "application/problem+json", "{body}");
    assert_eq!(body.status, status.as_u16(), "{body}");
    assert!(
        !body.kind.is_empty() && !body.title.is_empty() && !body.detail.is_empty(),
        "{body}"
    );
    body
}

impl TestApp {
    /// The app's clock, as Unix seconds.
    pub fn clock_now(&self) -> i64 {
        use praxis_api::clock::Clock;
        self.clock.now().timestamp()
    }
}
