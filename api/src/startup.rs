//! Building and running the application: `Application::build(config)` opens the database,
//! resolves the signing secret and binds the listener; `run_until_stopped` serves until SIGTERM
//! or Ctrl-C, letting requests in flight finish.

use crate::auth::hub::HubRateLimiter;
use crate::auth::jwt::JwtKeys;
use crate::auth::password;
use crate::auth::rate_limit::AuthRateLimiter;
use crate::clock::{Clock, OffsetClock, SystemClock};
use crate::config::Config;
use crate::mail::{self, Mailer};
use crate::metrics::Metrics;
use crate::middleware::{observe, refuse_control_in_path};
use crate::payments::LocalPaymentProvider;
use crate::state::AppState;
use crate::{docs, routes};
use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::{header, Method};
use actix_web::{middleware::from_fn, web, App, HttpServer};
use anyhow::Context;
use praxis_domain::payments::PaymentProvider;
use praxis_persistence::{settings, to_db_time, Database};
use secrecy::ExposeSecret;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use utoipa_actix_web::AppExt;

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

const JWT_SECRET_SETTING: &str = "jwt_secret";
/// The seed of the community's Ed25519 key for Open Badges credentials.
const CREDENTIAL_KEY_SETTING: &str = "credential_key";
const WEBHOOK_SECRET_SETTING: &str = "payment_webhook_secret";

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        // The development clock runs with the system's and can be moved ahead.
        let clock: Arc<dyn Clock> = if config.dev_clock {
            Arc::new(OffsetClock::default())
        } else {
            Arc::new(SystemClock)
        };
        Self::build_with_clock(config, clock).await
    }

    /// Builds with a given clock and the configured payment provider (the local one over the
    /// same database unless Stripe is configured).
    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let payments = crate::payments::configured(&config)?;
        Self::build_from(config, clock, payments).await
    }

    /// Builds with a given clock and payment provider.
    pub async fn build_with(
        config: Config,
        clock: Arc<dyn Clock>,
        payments: Arc<dyn PaymentProvider>,
    ) -> anyhow::Result<Self> {
        Self::build_from(config, clock, Some(payments)).await
    }

    async fn build_from(
        config: Config,
        clock: Arc<dyn Clock>,
        payments: Option<Arc<dyn PaymentProvider>>,
    ) -> anyhow::Result<Self> {
        let state = prepare(config, clock, payments).await?;
        let listener = TcpListener::bind(&state.config.bind)
            .with_context(|| format!("cannot listen on {}", state.config.bind))?;
        let port = listener.local_addr()?.port();
        let server = serve(listener, state.clone())?;
        crate::jobs::spawn(state.clone(), state.config.job_period);
        if state.config.mail_worker {
            mail::spawn_worker(state.clone());
        }
        tracing::info!(address = %state.config.bind, port, engine = state.db.engine().as_str(), payments = state.payments.kind().as_str(), "praxis is serving");
        Ok(Self {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops the server; with `graceful`, requests in flight finish first.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Opens the database (migrating it), resolves the JWT secret and prepares shared state; with
/// no payment provider given, the local one keeps its books in this database.
pub async fn prepare(
    config: Config,
    clock: Arc<dyn Clock>,
    payments: Option<Arc<dyn PaymentProvider>>,
) -> anyhow::Result<AppState> {
    if config.dev_clock {
        tracing::warn!(
            "PRAXIS_DEV_CLOCK is on: POST /api/v1/dev/clock moves this server's time forward and \
             runs the periodic jobs (renewals charge, grace periods end). Never in production."
        );
    }
    let url = config.database_url.expose_secret().to_owned();
    let pool_size = config.db_pool_size;
    let db = tokio::task::spawn_blocking(move || Database::open(&url, pool_size))
        .await?
        .context("cannot open the database")?;
    let jwt_secret = stored_secret(
        &db,
        &config.jwt_secret,
        JWT_SECRET_SETTING,
        "PRAXIS_JWT_SECRET",
        &*clock,
    )
    .await?;
    let webhook_secret = stored_secret(
        &db,
        &config.payment_webhook_secret,
        WEBHOOK_SECRET_SETTING,
        "PRAXIS_PAYMENT_WEBHOOK_SECRET",
        &*clock,
    )
    .await?;
    let credential_key = stored_secret(
        &db,
        &config.credential_key,
        CREDENTIAL_KEY_SETTING,
        "PRAXIS_CREDENTIAL_KEY",
        &*clock,
    )
    .await?;
    let issuer = praxis_app::credentials::Issuer::new(
        &config.public_url,
        "Praxis",
        credential_key.as_bytes(),
    );
    let payments = payments
        .unwrap_or_else(|| Arc::new(LocalPaymentProvider::new(&config.public_url, db.clone())));
    let dummy_hash =
        tokio::task::spawn_blocking(|| password::hash(&crate::auth::tokens::generate()))
            .await?
            .map_err(|e| anyhow::anyhow!("cannot hash: {e}"))?;
    let auth_limiter = AuthRateLimiter::new(config.auth_rate_per_minute);
    let hub_limiter = HubRateLimiter::new(config.auth_rate_per_minute);
    let mailer = Mailer::from_config(&config)?;
    let sweeper = auth_limiter.clone();
    let hub_sweeper = hub_limiter.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            sweeper.forget_idle();
            hub_sweeper.forget_idle();
        }
    });
    let write_gate = matches!(db.engine(), praxis_persistence::Engine::Sqlite)
        .then(|| Arc::new(tokio::sync::Semaphore::new(1)));
    Ok(AppState {
        db,
        jwt: JwtKeys::new(jwt_secret.as_bytes()),
        config: Arc::new(config),
        clock,
        auth_limiter,
        dummy_hash: dummy_hash.into(),
        metrics: Metrics::new()?,
        payments,
        webhook_secret: webhook_secret.into_bytes().into(),
        hub_limiter,
        mailer,
        mail_wakeup: Arc::new(tokio::sync::Notify::new()),
        pages: crate::page_cache::Pages::default(),
        issuer: Arc::new(issuer),
        write_gate,
        db_slots: Arc::new(tokio::sync::Semaphore::new(
            usize::try_from(pool_size).unwrap_or(10) + 2,
        )),
    })
}

/// A secret from the configuration, or else the one this database keeps: generated by the
/// first node that starts without it (with a warning), shared by every node on the database.
async fn stored_secret(
    db: &Database,
    configured: &Option<secrecy::SecretString>,
    setting: &'static str,
    variable: &'static str,
    clock: &dyn Clock,
) -> anyhow::Result<String> {
    if let Some(secret) = configured {
        return Ok(secret.expose_secret().to_owned());
    }
    let db = db.clone();
    let now = to_db_time(clock.now());
    let generated = crate::auth::tokens::generate() + &crate::auth::tokens::generate();
    let (secret, created) = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn()?;
        settings::get_or_insert(&mut conn, setting, &generated, now)
    })
    .await??;
    if created {
        tracing::warn!(
            "{variable} is not set: generated a secret and stored it in the database. \
             Set {variable} (or {variable}_FILE) in production."
        );
    } else {
        tracing::info!("using the {setting} stored in the database");
    }
    Ok(secret)
}

fn cors(config: &Config) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::ETAG,
            header::RETRY_AFTER,
            header::LOCATION,
            header::HeaderName::from_static("x-request-id"),
        ])
        .max_age(3600)
        // Same-origin pages (Swagger UI) send an Origin header too: an origin not on the list
        // just gets no CORS headers, so the browser keeps cross-origin pages out.
        .block_on_origin_mismatch(false);
    for origin in &config.cors_origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

fn serve(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let workers = state.config.workers;
    let data = web::Data::new(state);
    let document = docs::document();
    let known = web::Data::new(routes::KnownPaths::from_document(&document));
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(known.clone())
            .wrap(cors(&data.config))
            .wrap(from_fn(refuse_control_in_path))
            .wrap(from_fn(observe))
            .into_utoipa_app()
            .configure(routes::configure)
            .into_app()
            .service(web::redirect("/swagger-ui", "/swagger-ui/"))
            .service(praxis_openapi::swagger_ui(document.clone()))
            .default_service(web::to(routes::not_found))
    })
    .shutdown_timeout(30)
    .listen(listener)?;
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}
