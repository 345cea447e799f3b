//! The `praxis` command line: serve (the default), migrate, seed-demo, user grant-role, openapi.

use crate::auth::{password, tokens};
use crate::config::Config;
use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use praxis_domain::account::{DisplayName, Email, Role};
use praxis_domain::plans::{BillingPeriod, PlanSlug, PriceVersion};
use praxis_persistence::users::{self, NewUserRow};
use praxis_persistence::{migrations, to_db_time, write_tx, Database};
use secrecy::ExposeSecret;

#[derive(Parser)]
#[command(
    name = "praxis",
    version,
    about = "Praxis: the backend of an online learning community for Sociocracy 3.0 practitioners.",
    long_about = "Praxis serves the community's API. Configuration comes from PRAXIS_* environment \
                  variables (and a .env file); with none set it serves on 127.0.0.1:8080 with an \
                  SQLite database in ./praxis.db."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the API (the default). Migrations run first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Fill an empty database with a small demo community and print its logins.
    SeedDemo,
    /// Add many posts and comments for load tests (`make bench`), in large transactions.
    BenchSeed {
        /// Posts to add, half of them in the Lobby, dated one minute apart up to now.
        #[arg(long, default_value_t = 10_000)]
        posts: usize,
        /// Comments to spread over those posts.
        #[arg(long, default_value_t = 0)]
        comments: usize,
        /// New accounts that write them (password `praxis-bench-2026`).
        #[arg(long, default_value_t = 200)]
        authors: usize,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print the OpenAPI document (what `make openapi` commits as openapi.json).
    Openapi,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Grant a role to an existing account.
    GrantRole {
        /// The account's email.
        #[arg(long)]
        email: String,
        /// host or admin.
        #[arg(long, value_parser = ["host", "admin"])]
        role: String,
    },
}

fn open(config: &Config) -> anyhow::Result<Database> {
    Database::open(config.database_url.expose_secret(), 2).context("cannot open the database")
}

pub fn migrate(config: &Config) -> anyhow::Result<()> {
    let db = open(config)?;
    // Database::open already applied what was pending; report the state.
    let mut conn = db.conn()?;
    let pending = migrations::run_pending(&mut conn)?;
    println!(
        "database is up to date ({}, {} migrations applied now)",
        db.engine().as_str(),
        pending.len()
    );
    Ok(())
}

pub fn grant_role(config: &Config, email: &str, role: &str) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
    let role = Role::parse(role).map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = open(config)?;
    let mut conn = db.conn()?;
    let Some(user) = users::find_by_email(&mut conn, email.as_str())? else {
        bail!("no account with email {}", email.as_str());
    };
    let granted = users::grant_role(&mut conn, &user.id, role, to_db_time(chrono::Utc::now()))?;
    if granted {
        println!("granted {} to {}", role.as_str(), email.as_str());
    } else {
        println!("{} already has the role {}", email.as_str(), role.as_str());
    }
    Ok(())
}

pub fn bench_seed(
    config: &Config,
    posts: usize,
    comments: usize,
    authors: usize,
) -> anyhow::Result<()> {
    let db = open(config)?;
    let seeded = crate::bench_seed::seed(&db, posts, comments, authors)?;
    println!(
        "bench-seed: {} posts, {} comments, {} authors in {:.1} s ({:.0} rows/s) on {}",
        seeded.posts,
        seeded.comments,
        seeded.authors,
        seeded.seconds,
        (seeded.posts + seeded.comments) as f64 / seeded.seconds.max(0.001),
        db.engine().as_str()
    );
    Ok(())
}

pub const DEMO_PASSWORD: &str = "praxis-demo-2026";

/// Demo accounts: (email, display name, time zone, locale, roles).
const DEMO_PEOPLE: &[(&str, &str, &str, &str, &[Role])] = &[
    (
        "admin@praxis.example",
        "Alex Admin",
        "Europe/Vienna",
        "en",
        &[Role::Admin],
    ),
    (
        "host@praxis.example",
        "Hana Host",
        "Europe/Berlin",
        "en",
        &[Role::Host],
    ),
    (
        "lucia@praxis.example",
        "Lucía Lobby",
        "America/Bogota",
        "es",
        &[],
    ),
    (
        "pat@praxis.example",
        "Pat Practitioner",
        "America/New_York",
        "en",
        &[],
    ),
    (
        "priya@praxis.example",
        "Priya Pro",
        "Asia/Kolkata",
        "en",
        &[],
    ),
];

pub fn seed_demo(config: &Config) -> anyhow::Result<()> {
    let db = open(config)?;
    let mut conn = db.conn()?;
    if users::count(&mut conn)? > 0 {
        bail!("the database already has accounts: seed-demo only fills an empty database");
    }
    let hash = password::hash(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    let links = config.mail_links();
    write_tx(&mut conn, |conn| -> anyhow::Result<()> {
        let now = chrono::Utc::now();
        let mut people = std::collections::HashMap::new();
        for (email, name, tz, locale, roles) in DEMO_PEOPLE {
            let id = uuid::Uuid::now_v7().to_string();
            people.insert(*email, id.clone());
            let email = Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?;
            let name = DisplayName::parse(name).map_err(|e| anyhow::anyhow!("{e}"))?;
            users::insert(
                conn,
                &NewUserRow {
                    id: &id,
                    email: email.as_str(),
                    password_hash: &hash,
                    display_name: name.as_str(),
                    time_zone: tz,
                    locale,
                    calendar_feed_token: &tokens::generate(),
                    created_at: to_db_time(now),
                    updated_at: to_db_time(now),
                    // Demo people log in to try everything, posting and paying included.
                    email_verified_at: Some(to_db_time(now)),
                },
            )?;
            for role in *roles {
                users::grant_role(conn, &id, *role, to_db_time(now))?;
            }
            match email.as_str() {
                "pat@praxis.example" => {
                    demo_subscription(conn, &links, &id, PlanSlug::Practitioner, now)?
                }
                "priya@praxis.example" => {
                    praxis_persistence::subscriptions::approve_pro_application_for_demo(
                        conn,
                        &id,
                        to_db_time(now),
                    )?;
                    demo_subscription(conn, &links, &id, PlanSlug::Pro, now)?;
                }
                _ => {}
            }
        }
        crate::demo::community(conn, &people, now)
    })?;
    println!("Demo community created. Every account's password is: {DEMO_PASSWORD}");
    for (email, name, _, _, roles) in DEMO_PEOPLE {
        let mut what: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        match *email {
            "pat@praxis.example" => what.push("practitioner (yearly)"),
            "priya@praxis.example" => what.push("pro (yearly)"),
            _ if roles.is_empty() => what.push("lobby"),
            _ => {}
        }
        println!("  {email:<24} {name:<18} {}", what.join(", "));
    }
    println!(
        "Log in at POST /api/v1/auth/login, or try it in Swagger UI at {}/swagger-ui/",
        config.public_url
    );
    Ok(())
}

/// A paid yearly subscription, made through the same checkout and payment code as the API.
fn demo_subscription(
    conn: &mut praxis_persistence::DbConnection,
    links: &praxis_app::mail_links::MailLinks,
    user_id: &str,
    plan: PlanSlug,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    use praxis_app::billing::{checkout, webhook};
    let request = checkout::StartSubscription {
        user_id: praxis_domain::ids::UserId::from_trusted(user_id),
        plan,
        period: BillingPeriod::Yearly,
        version: PriceVersion::Regular,
    };
    let pending = checkout::start(conn, &request, links, now, chrono::Duration::minutes(30))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let checkout_id = format!("chk_demo_{}", uuid::Uuid::new_v4().simple());
    let local = praxis_domain::payments::Checkout {
        checkout_id: checkout_id.clone(),
        customer_reference: None,
        url: None,
        client_secret: None,
    };
    let pending_id = praxis_domain::ids::SubscriptionId::from_trusted(pending.id.clone());
    praxis_app::subscriptions::attach_checkout(
        conn,
        &pending_id,
        praxis_domain::payments::ProviderKind::Local,
        &local,
        now,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    webhook::apply(
        conn,
        &webhook::PaymentSucceeded {
            event_id: format!("evt_demo_{}", uuid::Uuid::new_v4().simple()),
            checkout_id,
            amount_cents: pending.amount_due_cents,
            currency: pending.currency,
        },
        links,
        now,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
