//! Configuration from environment variables (and a `.env` file when present), with the defaults
//! API.md lists. Secrets may come from `<NAME>_FILE` instead, and are never printed.

use ipnet::IpNet;
use secrecy::SecretString;
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Clone)]
pub struct Config {
    pub database_url: SecretString,
    pub bind: String,
    /// `None`: generated on first start and kept in the database.
    pub jwt_secret: Option<SecretString>,
    pub payment_webhook_secret: Option<SecretString>,
    /// Seed of the Open Badges signing key; `None`: generated on first start, kept in the
    /// database.
    pub credential_key: Option<SecretString>,
    pub smtp_url: Option<SecretString>,
    pub mail_dir: PathBuf,
    /// `From:` of every message, e.g. `Praxis <no-reply@example.org>`.
    pub mail_from: String,
    /// Whether this node delivers queued mail; off, it only queues (another node delivers, or a
    /// test drives delivery with `mail::deliver_due`).
    pub mail_worker: bool,
    /// The API's base URL, as clients reach it (`PRAXIS_PUBLIC_URL`).
    pub public_url: String,
    /// The SPA's base URL (`PRAXIS_APP_URL`), where links in mail go; `None`: the public URL.
    pub app_url: Option<String>,
    /// Requests per minute per client IP on login, register and refresh; 0 turns limits off.
    pub auth_rate_per_minute: u32,
    /// New support requests a PRO member may open in any 24 hours
    /// (`PRAXIS_SUPPORT_REQUESTS_PER_DAY`, default 5); 0 turns the limit off.
    pub support_requests_per_day: u32,
    /// Newsletter mails put in the outbox per minute (`PRAXIS_NEWSLETTER_PER_MINUTE`, default
    /// 120); 0 holds them all.
    pub newsletter_per_minute: u32,
    /// Where contact-form messages are mailed (`PRAXIS_CONTACT_TO`); unset: stored only.
    pub contact_to: Option<String>,
    pub trusted_proxies: Vec<IpNet>,
    pub cors_origins: Vec<String>,
    pub log_format: LogFormat,
    pub body_limit_bytes: usize,
    pub db_pool_size: u32,
    pub workers: Option<usize>,
    /// How long pending checkouts and waitlist offers hold their seat.
    pub holds: praxis_domain::subscriptions::Holds,
    /// How long a request with an `Idempotency-Key` holds its key without renewing it: a key
    /// left by a process that died mid-request is free for a retry after this.
    pub idempotency_lease: std::time::Duration,
    /// How often the periodic jobs tick (each step once per tick across all nodes).
    pub job_period: std::time::Duration,
    /// Exports of more rows than this are built in the background and mailed as a link
    /// (`PRAXIS_EXPORT_INLINE_MAX_ROWS`, default 5000).
    pub export_inline_max_rows: i64,
    /// Which provider takes payments (`PRAXIS_PAYMENT_PROVIDER`, default `local`).
    pub payment_provider: praxis_domain::payments::ProviderKind,
    /// Stripe's settings, present exactly when the provider is `stripe`.
    pub stripe: Option<StripeConfig>,
    /// When renewals are charged and how long a failed one keeps access.
    pub renewals: praxis_domain::subscriptions::RenewalRules,
    /// `PRAXIS_DEV_CLOCK=on`: `POST /api/v1/dev/clock` moves this server's clock forward.
    pub dev_clock: bool,
    /// Which webhook endpoint URLs admins may register (`PRAXIS_WEBHOOKS_ALLOW_HTTP`,
    /// `PRAXIS_WEBHOOKS_ALLOW_PRIVATE`; both off: `https://` to public addresses only).
    pub webhooks: praxis_domain::webhooks::UrlPolicy,
}

/// How to reach Stripe and check its webhooks.
#[derive(Clone)]
pub struct StripeConfig {
    /// `PRAXIS_STRIPE_SECRET_KEY` (`sk_live_…` or `sk_test_…`).
    pub secret_key: SecretString,
    /// `PRAXIS_STRIPE_WEBHOOK_SECRET` (`whsec_…`): verifies `Stripe-Signature`.
    pub webhook_secret: SecretString,
    /// `PRAXIS_STRIPE_API_BASE`: Stripe's API, or a local stand-in in tests.
    pub api_base: String,
    /// `PRAXIS_STRIPE_PUBLISHABLE_KEY` (`pk_…`): given to the SPA for Stripe Elements.
    pub publishable_key: Option<String>,
}

impl StripeConfig {
    /// A live secret key moves real money: development aids are refused with it.
    pub fn is_live(&self) -> bool {
        use secrecy::ExposeSecret;
        let key = self.secret_key.expose_secret();
        key.starts_with("sk_live_") || key.starts_with("rk_live_")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {name}: {reason}")]
pub struct ConfigError {
    pub name: String,
    pub reason: String,
}

fn invalid(name: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        name: name.to_owned(),
        reason: reason.into(),
    }
}

impl Config {
    pub const DEFAULT_DATABASE_URL: &'static str = "sqlite://praxis.db";
    pub const DEFAULT_BIND: &'static str = "127.0.0.1:8080";
    pub const DEFAULT_MAIL_FROM: &'static str = "Praxis <no-reply@praxis.localhost>";

    /// The defaults, as if nothing were configured.
    pub fn defaults() -> Self {
        Self {
            database_url: SecretString::from(Self::DEFAULT_DATABASE_URL),
            bind: Self::DEFAULT_BIND.to_owned(),
            jwt_secret: None,
            payment_webhook_secret: None,
            credential_key: None,
            smtp_url: None,
            mail_dir: PathBuf::from("./mail"),
            mail_from: Self::DEFAULT_MAIL_FROM.to_owned(),
            mail_worker: true,
            public_url: "http://127.0.0.1:8080".to_owned(),
            app_url: None,
            auth_rate_per_minute: 20,
            support_requests_per_day: praxis_domain::support::DEFAULT_REQUESTS_PER_DAY,
            newsletter_per_minute: 120,
            contact_to: None,
            trusted_proxies: Vec::new(),
            cors_origins: Vec::new(),
            log_format: LogFormat::Human,
            body_limit_bytes: 64 * 1024,
            db_pool_size: 10,
            workers: None,
            holds: praxis_domain::subscriptions::Holds::default(),
            idempotency_lease: std::time::Duration::from_secs(30),
            job_period: std::time::Duration::from_secs(60),
            export_inline_max_rows: 5000,
            payment_provider: praxis_domain::payments::ProviderKind::Local,
            stripe: None,
            renewals: praxis_domain::subscriptions::RenewalRules::default(),
            dev_clock: false,
            webhooks: praxis_domain::webhooks::UrlPolicy::default(),
        }
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let plain = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let secret = |name: &str| -> Result<Option<SecretString>, ConfigError> {
            let file_var = format!("{name}_FILE");
            // With both set, which one wins would be a guess; a secret taken from the wrong
            // source (a stale file, a leftover variable) fails much later and less clearly.
            if plain(name).is_some() && plain(&file_var).is_some() {
                return Err(invalid(
                    name,
                    format!("set either {name} or {file_var}, not both"),
                ));
            }
            if let Some(path) = plain(&file_var) {
                let content = std::fs::read_to_string(&path)
                    .map_err(|e| invalid(&file_var, format!("cannot read {path}: {e}")))?;
                let value = content.trim_end_matches(['\r', '\n']).to_owned();
                if value.is_empty() {
                    return Err(invalid(&file_var, format!("{path} is empty")));
                }
                return Ok(Some(SecretString::from(value)));
            }
            Ok(plain(name).map(SecretString::from))
        };
        let mut config = Self::defaults();
        if let Some(url) = secret("PRAXIS_DATABASE_URL")? {
            config.database_url = url;
        }
        if let Some(bind) = plain("PRAXIS_BIND") {
            config.bind = bind;
        }
        config.jwt_secret = secret("PRAXIS_JWT_SECRET")?;
        if let Some(s) = &config.jwt_secret {
            use secrecy::ExposeSecret;
            if s.expose_secret().len() < 32 {
                return Err(invalid(
                    "PRAXIS_JWT_SECRET",
                    "must be at least 32 characters long",
                ));
            }
        }
        config.payment_webhook_secret = secret("PRAXIS_PAYMENT_WEBHOOK_SECRET")?;
        config.credential_key = secret("PRAXIS_CREDENTIAL_KEY")?;
        config.smtp_url = secret("PRAXIS_SMTP_URL")?;
        if let Some(dir) = plain("PRAXIS_MAIL_DIR") {
            config.mail_dir = PathBuf::from(dir);
        }
        if let Some(from) = plain("PRAXIS_MAIL_FROM") {
            if from.trim().parse::<lettre::message::Mailbox>().is_err() {
                return Err(invalid(
                    "PRAXIS_MAIL_FROM",
                    "must be an address like `Praxis <no-reply@example.org>`",
                ));
            }
            config.mail_from = from.trim().to_owned();
        }
        if let Some(worker) = plain("PRAXIS_MAIL_WORKER") {
            config.mail_worker = match worker.trim() {
                "on" | "true" | "1" => true,
                "off" | "false" | "0" => false,
                _ => return Err(invalid("PRAXIS_MAIL_WORKER", "must be on or off")),
            };
        }
        if let Some(url) = plain("PRAXIS_PUBLIC_URL") {
            config.public_url = url.trim_end_matches('/').to_owned();
        } else if plain("PRAXIS_BIND").is_some() {
            config.public_url = format!("http://{}", config.bind);
        }
        if let Some(url) = plain("PRAXIS_APP_URL") {
            let url = url.trim().trim_end_matches('/');
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(invalid(
                    "PRAXIS_APP_URL",
                    "must be a URL like https://app.example.org",
                ));
            }
            config.app_url = Some(url.to_owned());
        }
        if let Some(rate) = plain("PRAXIS_AUTH_RATE_PER_MINUTE") {
            config.auth_rate_per_minute = rate.trim().parse().map_err(|_| {
                invalid(
                    "PRAXIS_AUTH_RATE_PER_MINUTE",
                    "must be a whole number (0 = off)",
                )
            })?;
        }
        if let Some(limit) = plain("PRAXIS_SUPPORT_REQUESTS_PER_DAY") {
            config.support_requests_per_day = limit.trim().parse().map_err(|_| {
                invalid(
                    "PRAXIS_SUPPORT_REQUESTS_PER_DAY",
                    "must be a whole number (0 = off)",
                )
            })?;
        }
        if let Some(rate) = plain("PRAXIS_NEWSLETTER_PER_MINUTE") {
            config.newsletter_per_minute = rate
                .trim()
                .parse()
                .map_err(|_| invalid("PRAXIS_NEWSLETTER_PER_MINUTE", "must be a whole number"))?;
        }
        if let Some(to) = plain("PRAXIS_CONTACT_TO") {
            let to = praxis_domain::account::Email::parse(&to)
                .map_err(|_| invalid("PRAXIS_CONTACT_TO", "must be an email address"))?;
            config.contact_to = Some(to.as_str().to_owned());
        }
        if let Some(list) = plain("PRAXIS_TRUSTED_PROXIES") {
            config.trusted_proxies = parse_proxies(&list)?;
        }
        if let Some(list) = plain("PRAXIS_CORS_ORIGINS") {
            config.cors_origins = parse_origins(&list)?;
        }
        if let Some(format) = plain("PRAXIS_LOG_FORMAT") {
            config.log_format = match format.as_str() {
                "json" => LogFormat::Json,
                "human" | "text" => LogFormat::Human,
                _ => return Err(invalid("PRAXIS_LOG_FORMAT", "must be human or json")),
            };
        }
        if let Some(limit) = plain("PRAXIS_BODY_LIMIT_BYTES") {
            config.body_limit_bytes = limit
                .parse()
                .ok()
                .filter(|n| *n >= 1024)
                .ok_or_else(|| invalid("PRAXIS_BODY_LIMIT_BYTES", "must be a number ≥ 1024"))?;
        }
        if let Some(size) = plain("PRAXIS_DB_POOL_SIZE") {
            config.db_pool_size = size
                .parse()
                .ok()
                .filter(|n| (1..=200).contains(n))
                .ok_or_else(|| invalid("PRAXIS_DB_POOL_SIZE", "must be between 1 and 200"))?;
        }
        if let Some(workers) = plain("PRAXIS_WORKERS") {
            config.workers = Some(
                workers
                    .parse()
                    .ok()
                    .filter(|n| (1..=256).contains(n))
                    .ok_or_else(|| invalid("PRAXIS_WORKERS", "must be between 1 and 256"))?,
            );
        }
        if let Some(minutes) = plain("PRAXIS_CHECKOUT_HOLD_MINUTES") {
            config.holds.checkout = chrono::Duration::minutes(
                minutes
                    .parse()
                    .ok()
                    .filter(|n| (1..=10_080).contains(n))
                    .ok_or_else(|| {
                        invalid(
                            "PRAXIS_CHECKOUT_HOLD_MINUTES",
                            "must be between 1 and 10080",
                        )
                    })?,
            );
        }
        if let Some(hours) = plain("PRAXIS_WAITLIST_OFFER_HOURS") {
            config.holds.waitlist_offer = chrono::Duration::hours(
                hours
                    .parse()
                    .ok()
                    .filter(|n| (1..=720).contains(n))
                    .ok_or_else(|| {
                        invalid("PRAXIS_WAITLIST_OFFER_HOURS", "must be between 1 and 720")
                    })?,
            );
        }
        if let Some(secs) = plain("PRAXIS_IDEMPOTENCY_LEASE_SECS") {
            config.idempotency_lease = std::time::Duration::from_secs(
                secs.parse()
                    .ok()
                    .filter(|n| (1..=3600).contains(n))
                    .ok_or_else(|| {
                        invalid(
                            "PRAXIS_IDEMPOTENCY_LEASE_SECS",
                            "must be between 1 and 3600",
                        )
                    })?,
            );
        }
        if let Some(secs) = plain("PRAXIS_JOB_PERIOD_SECS") {
            config.job_period = std::time::Duration::from_secs(
                secs.parse()
                    .ok()
                    .filter(|n| (1..=3600).contains(n))
                    .ok_or_else(|| {
                        invalid("PRAXIS_JOB_PERIOD_SECS", "must be between 1 and 3600")
                    })?,
            );
        }
        if let Some(rows) = plain("PRAXIS_EXPORT_INLINE_MAX_ROWS") {
            config.export_inline_max_rows = rows
                .parse()
                .ok()
                .filter(|n| (0..=10_000_000).contains(n))
                .ok_or_else(|| {
                    invalid(
                        "PRAXIS_EXPORT_INLINE_MAX_ROWS",
                        "must be between 0 and 10000000",
                    )
                })?;
        }
        if let Some(provider) = plain("PRAXIS_PAYMENT_PROVIDER") {
            config.payment_provider =
                <praxis_domain::payments::ProviderKind as praxis_domain::StringEnum>::from_str_opt(
                    provider.trim(),
                )
                .ok_or_else(|| invalid("PRAXIS_PAYMENT_PROVIDER", "must be local or stripe"))?;
        }
        let stripe_secret = secret("PRAXIS_STRIPE_SECRET_KEY")?;
        let stripe_webhook_secret = secret("PRAXIS_STRIPE_WEBHOOK_SECRET")?;
        if config.payment_provider == praxis_domain::payments::ProviderKind::Stripe {
            let required = |name: &str| {
                invalid(
                    name,
                    format!("must be set (or {name}_FILE) with PRAXIS_PAYMENT_PROVIDER=stripe"),
                )
            };
            let api_base = plain("PRAXIS_STRIPE_API_BASE")
                .map(|b| b.trim().trim_end_matches('/').to_owned())
                .unwrap_or_else(|| crate::payments::stripe::DEFAULT_API_BASE.to_owned());
            if !(api_base.starts_with("https://") || api_base.starts_with("http://")) {
                return Err(invalid(
                    "PRAXIS_STRIPE_API_BASE",
                    "must be a URL like https://api.stripe.com",
                ));
            }
            config.stripe = Some(StripeConfig {
                secret_key: stripe_secret.ok_or_else(|| required("PRAXIS_STRIPE_SECRET_KEY"))?,
                // Never generated: Stripe signs with the secret it shows for the endpoint, so a
                // made-up one would refuse every real event.
                webhook_secret: stripe_webhook_secret
                    .ok_or_else(|| required("PRAXIS_STRIPE_WEBHOOK_SECRET"))?,
                api_base,
                publishable_key: plain("PRAXIS_STRIPE_PUBLISHABLE_KEY")
                    .map(|k| k.trim().to_owned()),
            });
        }
        renewal_settings(&plain, &mut config)?;
        config.webhooks = praxis_domain::webhooks::UrlPolicy {
            allow_http: switch(&plain, "PRAXIS_WEBHOOKS_ALLOW_HTTP")?,
            allow_private: switch(&plain, "PRAXIS_WEBHOOKS_ALLOW_PRIVATE")?,
        };
        Ok(config)
    }

    /// The SPA's base URL: `PRAXIS_APP_URL`, or else the public URL (an SPA served by the same
    /// host as the API).
    pub fn app_url(&self) -> &str {
        self.app_url.as_deref().unwrap_or(&self.public_url)
    }

    /// Where links in mail point: people's links to the app, one-click opt-outs to the API.
    pub fn mail_links(&self) -> praxis_app::mail_links::MailLinks {
        praxis_app::mail_links::MailLinks {
            app_url: self.app_url().to_owned(),
            api_url: self.public_url.clone(),
        }
    }

    /// Whether a request coming from `peer` may tell us the client's address.
    pub fn is_trusted_proxy(&self, peer: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(&peer))
    }
}

/// `PRAXIS_RENEWAL_WINDOW_HOURS`, `PRAXIS_GRACE_DAYS` and `PRAXIS_DEV_CLOCK`. The development
/// clock moves time for every periodic job, so it is refused with Stripe live keys: it would
/// charge real cards early.
fn renewal_settings(
    plain: &dyn Fn(&str) -> Option<String>,
    config: &mut Config,
) -> Result<(), ConfigError> {
    let number = |name: &str, range: std::ops::RangeInclusive<i64>| match plain(name) {
        None => Ok(None),
        Some(raw) => raw
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| range.contains(n))
            .map(Some)
            .ok_or_else(|| {
                invalid(
                    name,
                    format!("must be between {} and {}", range.start(), range.end()),
                )
            }),
    };
    if let Some(hours) = number("PRAXIS_RENEWAL_WINDOW_HOURS", 1..=720)? {
        config.renewals.window = chrono::Duration::hours(hours);
    }
    if let Some(days) = number("PRAXIS_GRACE_DAYS", 1..=60)? {
        config.renewals.grace = chrono::Duration::days(days);
    }
    config.dev_clock = match plain("PRAXIS_DEV_CLOCK").as_deref().map(str::trim) {
        None | Some("off") | Some("false") | Some("0") => false,
        Some("on") | Some("true") | Some("1") => true,
        Some(_) => return Err(invalid("PRAXIS_DEV_CLOCK", "must be on or off")),
    };
    if config.dev_clock {
        // Read after the Stripe settings: a live key moves real money.
        let live = config.stripe.as_ref().is_some_and(StripeConfig::is_live);
        if live {
            return Err(invalid(
                "PRAXIS_DEV_CLOCK",
                "the development clock is refused with Stripe live keys: it would charge real \
                 cards ahead of time",
            ));
        }
    }
    Ok(())
}

/// An on/off variable, off when unset.
fn switch(plain: &dyn Fn(&str) -> Option<String>, name: &str) -> Result<bool, ConfigError> {
    match plain(name).as_deref().map(str::trim) {
        None | Some("off") | Some("false") | Some("0") => Ok(false),
        Some("on") | Some("true") | Some("1") => Ok(true),
        Some(_) => Err(invalid(name, "must be on or off")),
    }
}

fn parse_proxies(list: &str) -> Result<Vec<IpNet>, ConfigError> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    invalid(
                        "PRAXIS_TRUSTED_PROXIES",
                        format!("{s:?} is not an IP or CIDR"),
                    )
                })
        })
        .collect()
}

fn parse_origins(list: &str) -> Result<Vec<String>, ConfigError> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let origin = s.trim_end_matches('/');
            let valid = (origin.starts_with("http://") || origin.starts_with("https://"))
                && !origin["https://".len().min(origin.len())..].contains('/');
            if valid {
                Ok(origin.to_owned())
            } else {
                Err(invalid(
                    "PRAXIS_CORS_ORIGINS",
                    format!("{s:?} is not an origin like https://app.example.org"),
                ))
            }
        })
        .collect()
}

impl std::fmt::Debug for Config {
    /// Secrets are shown only as set or unset; the database URL without its password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use secrecy::ExposeSecret;
        let masked = |s: &Option<SecretString>| if s.is_some() { "***" } else { "(unset)" };
        let db =
            praxis_persistence::connection::DatabaseUrl::parse(self.database_url.expose_secret())
                .map(|u| format!("{u:?}"))
                .unwrap_or_else(|_| "(invalid)".to_owned());
        f.debug_struct("Config")
            .field("database_url", &db)
            .field("bind", &self.bind)
            .field("jwt_secret", &masked(&self.jwt_secret))
            .field(
                "payment_webhook_secret",
                &masked(&self.payment_webhook_secret),
            )
            .field("credential_key", &masked(&self.credential_key))
            .field("smtp_url", &masked(&self.smtp_url))
            .field("mail_dir", &self.mail_dir)
            .field("mail_from", &self.mail_from)
            .field("mail_worker", &self.mail_worker)
            .field("webhooks", &self.webhooks)
            .field("public_url", &self.public_url)
            .field("app_url", &self.app_url())
            .field("auth_rate_per_minute", &self.auth_rate_per_minute)
            .field("support_requests_per_day", &self.support_requests_per_day)
            .field("newsletter_per_minute", &self.newsletter_per_minute)
            .field("contact_to", &self.contact_to)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("cors_origins", &self.cors_origins)
            .field("log_format", &self.log_format)
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("db_pool_size", &self.db_pool_size)
            .field("checkout_hold_minutes", &self.holds.checkout.num_minutes())
            .field(
                "waitlist_offer_hours",
                &self.holds.waitlist_offer.num_hours(),
            )
            .field("idempotency_lease", &self.idempotency_lease)
            .field("job_period", &self.job_period)
            .field("export_inline_max_rows", &self.export_inline_max_rows)
            .field("payment_provider", &self.payment_provider.as_str())
            .field(
                "stripe",
                &self.stripe.as_ref().map(|s| {
                    format!(
                        "api_base={} secret_key=*** webhook_secret=*** publishable_key={}",
                        s.api_base,
                        s.publishable_key.as_deref().unwrap_or("(unset)")
                    )
                }),
            )
            .field("renewal_window_hours", &self.renewals.window.num_hours())
            .field("grace_days", &self.renewals.grace.num_days())
            .field("dev_clock", &self.dev_clock)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn nothing_configured_means_sqlite_on_localhost_8080() {
        use secrecy::ExposeSecret;
        let config = from(&[]).map_err(|e| e.to_string());
        let config = config.as_ref().map(|c| {
            (
                c.database_url.expose_secret().to_owned(),
                c.bind.clone(),
                c.auth_rate_per_minute,
            )
        });
        assert_eq!(
            config,
            Ok((
                "sqlite://praxis.db".to_owned(),
                "127.0.0.1:8080".to_owned(),
                20
            ))
        );
    }

    #[test]
    fn renewal_window_and_grace_default_to_24_hours_and_7_days() {
        let config = from(&[]).map(|c| {
            (
                c.renewals.window.num_hours(),
                c.renewals.grace.num_days(),
                c.dev_clock,
            )
        });
        assert_eq!(config.map_err(|e| e.to_string()), Ok((24, 7, false)));
        let config = from(&[
            ("PRAXIS_RENEWAL_WINDOW_HOURS", "48"),
            ("PRAXIS_GRACE_DAYS", "3"),
            ("PRAXIS_DEV_CLOCK", "on"),
        ])
        .map(|c| {
            (
                c.renewals.window.num_hours(),
                c.renewals.grace.num_days(),
                c.dev_clock,
            )
        });
        assert_eq!(config.map_err(|e| e.to_string()), Ok((48, 3, true)));
        for (name, value) in [
            ("PRAXIS_GRACE_DAYS", "0"),
            ("PRAXIS_RENEWAL_WINDOW_HOURS", "x"),
            ("PRAXIS_DEV_CLOCK", "maybe"),
        ] {
            let error = from(&[(name, value)]).err().map(|e| e.name);
            assert_eq!(error.as_deref(), Some(name));
        }
    }

    #[test]
    fn dev_clock_is_refused_with_stripe_live_keys() {
        let live = from(&[
            ("PRAXIS_DEV_CLOCK", "on"),
            ("PRAXIS_PAYMENT_PROVIDER", "stripe"),
            ("PRAXIS_STRIPE_SECRET_KEY", "sk_live_0123456789"),
            ("PRAXIS_STRIPE_WEBHOOK_SECRET", "whsec_0123456789"),
        ]);
        assert_eq!(
            live.err().map(|e| e.name).as_deref(),
            Some("PRAXIS_DEV_CLOCK")
        );
        let test_mode = from(&[
            ("PRAXIS_DEV_CLOCK", "on"),
            ("PRAXIS_PAYMENT_PROVIDER", "stripe"),
            ("PRAXIS_STRIPE_SECRET_KEY", "sk_test_0123456789"),
            ("PRAXIS_STRIPE_WEBHOOK_SECRET", "whsec_0123456789"),
        ]);
        assert!(test_mode.is_ok_and(|c| c.dev_clock));
    }

    #[test]
    fn secrets_are_masked_in_debug_output() {
        let config = from(&[
            (
                "PRAXIS_JWT_SECRET",
                "a-very-long-secret-that-nobody-should-see-0123",
            ),
            (
                "PRAXIS_DATABASE_URL",
                "postgres://praxis:hunter2@db:5432/praxis",
            ),
        ]);
        let shown = config.map(|c| format!("{c:?}")).unwrap_or_default();
        assert!(!shown.contains("nobody-should-see"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("jwt_secret: \"***\""), "{shown}");
    }

    #[test]
    fn secrets_can_come_from_files() {
        use secrecy::ExposeSecret;
        let dir = std::env::temp_dir().join(format!("praxis-config-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("jwt");
        let _ = std::fs::write(&path, "0123456789abcdef0123456789abcdef-from-file\n");
        let config = from(&[("PRAXIS_JWT_SECRET_FILE", path.to_str().unwrap_or_default())]);
        let secret = config
            .ok()
            .and_then(|c| c.jwt_secret)
            .map(|s| s.expose_secret().to_owned());
        assert_eq!(
            secret.as_deref(),
            Some("0123456789abcdef0123456789abcdef-from-file")
        );
    }

    #[test]
    fn a_secret_set_both_directly_and_by_file_is_refused() {
        for name in [
            "PRAXIS_JWT_SECRET",
            "PRAXIS_DATABASE_URL",
            "PRAXIS_PAYMENT_WEBHOOK_SECRET",
            "PRAXIS_SMTP_URL",
        ] {
            let file_var = format!("{name}_FILE");
            // The file need not exist: the conflict is refused before anything is read.
            let err = from(&[
                (name, "0123456789abcdef0123456789abcdef-direct"),
                (&file_var, "/nonexistent/praxis-secret"),
            ])
            .err();
            assert_eq!(err.as_ref().map(|e| e.name.as_str()), Some(name));
            let message = err.map(|e| e.to_string()).unwrap_or_default();
            assert!(message.contains(&file_var), "{message}");
        }
    }

    #[test]
    fn app_url_defaults_to_the_public_url_and_is_read_from_praxis_app_url() {
        let links = |vars: &[(&str, &str)]| from(vars).map(|c| c.mail_links()).ok();
        let both =
            links(&[("PRAXIS_PUBLIC_URL", "https://api.example/")]).map(|l| (l.app_url, l.api_url));
        assert_eq!(
            both,
            Some((
                "https://api.example".to_owned(),
                "https://api.example".to_owned()
            ))
        );
        let apart = links(&[
            ("PRAXIS_PUBLIC_URL", "https://api.example"),
            ("PRAXIS_APP_URL", "https://app.example/"),
        ])
        .map(|l| (l.app_url, l.api_url));
        assert_eq!(
            apart,
            Some((
                "https://app.example".to_owned(),
                "https://api.example".to_owned()
            ))
        );
        let err = from(&[("PRAXIS_APP_URL", "app.example")]).err();
        assert_eq!(err.map(|e| e.name), Some("PRAXIS_APP_URL".to_owned()));
    }

    #[test]
    fn the_local_payment_provider_is_the_default() {
        let config = from(&[]).ok();
        assert_eq!(
            config.map(|c| (c.payment_provider, c.stripe.is_none())),
            Some((praxis_domain::payments::ProviderKind::Local, true))
        );
    }

    #[test]
    fn the_stripe_provider_without_its_keys_stops_the_start_naming_the_variable() {
        let err = from(&[("PRAXIS_PAYMENT_PROVIDER", "stripe")]).err();
        assert_eq!(
            err.map(|e| e.name),
            Some("PRAXIS_STRIPE_SECRET_KEY".to_owned())
        );
        let err = from(&[
            ("PRAXIS_PAYMENT_PROVIDER", "stripe"),
            ("PRAXIS_STRIPE_SECRET_KEY", "sk_test_123"),
        ])
        .err();
        assert_eq!(
            err.map(|e| e.name),
            Some("PRAXIS_STRIPE_WEBHOOK_SECRET".to_owned())
        );
        let err = from(&[("PRAXIS_PAYMENT_PROVIDER", "paypal")]).err();
        assert_eq!(
            err.map(|e| e.name),
            Some("PRAXIS_PAYMENT_PROVIDER".to_owned())
        );
    }

    #[test]
    fn stripe_secrets_are_masked_and_may_come_from_files() {
        use secrecy::ExposeSecret;
        let dir = std::env::temp_dir().join(format!("praxis-stripe-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("whsec");
        let _ = std::fs::write(&path, "whsec_from_file_nobody_sees\n");
        let config = from(&[
            ("PRAXIS_PAYMENT_PROVIDER", "stripe"),
            ("PRAXIS_STRIPE_SECRET_KEY", "sk_test_nobody_should_see"),
            (
                "PRAXIS_STRIPE_WEBHOOK_SECRET_FILE",
                path.to_str().unwrap_or_default(),
            ),
            ("PRAXIS_STRIPE_API_BASE", "http://127.0.0.1:8420/"),
            ("PRAXIS_STRIPE_PUBLISHABLE_KEY", "pk_test_123"),
        ]);
        let shown = config
            .as_ref()
            .map(|c| format!("{c:?}"))
            .unwrap_or_default();
        assert!(!shown.contains("nobody"), "{shown}");
        assert!(shown.contains("pk_test_123"), "{shown}");
        let stripe = config.ok().and_then(|c| c.stripe);
        assert_eq!(
            stripe.as_ref().map(|s| (
                s.webhook_secret.expose_secret().to_owned(),
                s.api_base.clone(),
                s.is_live()
            )),
            Some((
                "whsec_from_file_nobody_sees".to_owned(),
                "http://127.0.0.1:8420".to_owned(),
                false
            ))
        );
    }

    #[test]
    fn invalid_values_are_named_in_the_error() {
        let err = from(&[("PRAXIS_AUTH_RATE_PER_MINUTE", "lots")]).err();
        assert_eq!(
            err.map(|e| e.name),
            Some("PRAXIS_AUTH_RATE_PER_MINUTE".to_owned())
        );
        assert!(from(&[("PRAXIS_CORS_ORIGINS", "not an origin")]).is_err());
        assert!(from(&[("PRAXIS_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1")]).is_ok());
        assert!(from(&[("PRAXIS_JWT_SECRET", "short")]).is_err());
        assert!(from(&[("PRAXIS_MAIL_FROM", "not an address")]).is_err());
        assert!(from(&[("PRAXIS_MAIL_FROM", "Praxis <hello@example.org>")]).is_ok());
    }
}
