//! One connection type over both engines, chosen by the URL scheme, and the pool around it.

use crate::error::{Error, Result};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::R2D2Connection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use std::time::Duration;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// A database URL split into its engine and what that engine's driver wants.
#[derive(Clone)]
pub struct DatabaseUrl {
    engine: Engine,
    target: String,
}

impl DatabaseUrl {
    /// `sqlite://path/to/file.db` (or `sqlite:path`) opens an embedded SQLite file;
    /// `postgres://…` or `postgresql://…` a PostgreSQL server. Anything else is refused, so a
    /// typo never silently becomes an SQLite file named after a server.
    pub fn parse(raw: &str) -> Result<Self> {
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self {
                engine: Engine::Postgres,
                target: raw.to_owned(),
            });
        }
        let path = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                Error::Other(
                    "database URL must start with sqlite:// or postgres:// (or postgresql://)"
                        .to_owned(),
                )
            })?;
        if path.is_empty() {
            return Err(Error::Other("sqlite:// URL needs a file path".to_owned()));
        }
        Ok(Self {
            engine: Engine::Sqlite,
            target: path.to_owned(),
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Opens one connection with the settings every connection of this engine needs.
    pub fn establish(&self) -> Result<DbConnection> {
        match self.engine {
            Engine::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)
                    .map_err(|e| Error::Other(format!("cannot open SQLite database: {e}")))?;
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )?;
                Ok(DbConnection::Sqlite(conn))
            }
            Engine::Postgres => PgConnection::establish(&self.target)
                .map(DbConnection::Pg)
                .map_err(|e| Error::Other(format!("cannot connect to PostgreSQL: {e}"))),
        }
    }
}

impl std::fmt::Debug for DatabaseUrl {
    /// Never prints a password that may be in the URL.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.engine {
            Engine::Sqlite => write!(f, "sqlite://{}", self.target),
            Engine::Postgres => {
                let host = self.target.rsplit('@').next().unwrap_or("");
                write!(f, "postgres://***@{host}")
            }
        }
    }
}

pub struct Manager {
    url: DatabaseUrl,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConnectError(String);

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        self.url
            .establish()
            .map_err(|e| ConnectError(e.to_string()))
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        conn.ping().map_err(|e| ConnectError(e.to_string()))
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// The shared handle to the database: a pool of connections to one engine.
#[derive(Clone)]
pub struct Database {
    pool: Pool,
    engine: Engine,
}

/// Pool usage, for the metrics endpoint.
#[derive(Debug, Clone, Copy)]
pub struct PoolState {
    pub connections: u32,
    pub idle: u32,
    pub max: u32,
}

impl Database {
    /// Opens the database, prepares it (WAL for SQLite) and runs pending migrations.
    pub fn open(url: &str, pool_size: u32) -> Result<Self> {
        let url = DatabaseUrl::parse(url)?;
        let mut first = url.establish()?;
        if let DbConnection::Sqlite(conn) = &mut first {
            // WAL is a property of the database file: set once here, not per pooled connection
            // (setting it on many connections opening at once makes them wait on each other).
            conn.batch_execute("PRAGMA journal_mode = WAL;")?;
        }
        crate::migrations::run_pending(&mut first)?;
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(Manager { url: url.clone() })?;
        Ok(Self {
            pool,
            engine: url.engine(),
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Checks out a connection. Blocking: call it from the blocking pool, never an async worker.
    pub fn conn(&self) -> Result<PooledConnection> {
        Ok(self.pool.get()?)
    }

    pub fn state(&self) -> PoolState {
        let state = self.pool.state();
        PoolState {
            connections: state.connections,
            idle: state.idle_connections,
            max: self.pool.max_size(),
        }
    }
}

/// Rows that concurrent writers must take turns on.
#[derive(Debug, Clone, Copy)]
pub enum Lockable {
    Plan,
    User,
    RefundRequest,
    Payment,
    Report,
    Event,
    EventSeries,
}

impl Lockable {
    fn statement(self) -> &'static str {
        match self {
            Self::Plan => "SELECT slug FROM plans WHERE slug = $1 FOR UPDATE",
            Self::User => "SELECT id FROM users WHERE id = $1 FOR UPDATE",
            Self::RefundRequest => "SELECT id FROM refund_requests WHERE id = $1 FOR UPDATE",
            Self::Payment => "SELECT id FROM payments WHERE id = $1 FOR UPDATE",
            Self::Report => "SELECT id FROM reports WHERE id = $1 FOR UPDATE",
            Self::Event => "SELECT id FROM events WHERE id = $1 FOR UPDATE",
            Self::EventSeries => "SELECT id FROM event_series WHERE id = $1 FOR UPDATE",
        }
    }
}

/// Locks one row until the transaction ends, so read-then-write decisions on it (the last seat,
/// a refund decision, an RSVP place) are taken one at a time. On PostgreSQL this is `SELECT …
/// FOR UPDATE`; on SQLite the `BEGIN IMMEDIATE` of [`write_tx`] already serialises writers.
pub fn lock_row(conn: &mut DbConnection, row: Lockable, key: &str) -> Result<()> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query(row.statement())
            .bind::<diesel::sql_types::Text, _>(key)
            .execute(pg)?;
    }
    Ok(())
}

/// A round trip to the database, for readiness checks.
pub fn ping(conn: &mut DbConnection) -> Result<()> {
    Ok(conn.batch_execute("SELECT 1")?)
}

/// Runs `f` in a transaction that takes the write lock at its start.
///
/// On SQLite a plain `BEGIN` takes the write lock only at the first write, and a transaction that
/// read first then fails with `SQLITE_BUSY` when another writer went in between. `BEGIN
/// IMMEDIATE` makes such read-then-write transactions wait their turn instead. On PostgreSQL this
/// is an ordinary transaction; rows that must not race are locked by the query itself.
pub fn write_tx<T, E, F>(conn: &mut DbConnection, f: F) -> std::result::Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
    E: From<diesel::result::Error>,
{
    type Multi = <DbConnection as Connection>::TransactionManager;
    match conn {
        DbConnection::Pg(_) => conn.transaction(f),
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => match Multi::commit_transaction(conn) {
                    Ok(()) => Ok(value),
                    Err(commit_error) => {
                        let _ = Multi::rollback_transaction(conn);
                        Err(commit_error.into())
                    }
                },
                Err(error) => {
                    Multi::rollback_transaction(conn)?;
                    Err(error)
                }
            }
        }
    }
}

/// Runs `f` inside the current transaction as a savepoint: an error undoes only `f`'s writes
/// and leaves the enclosing transaction usable (on PostgreSQL too, where a failed statement
/// would otherwise abort it).
pub fn savepoint<T, E, F>(conn: &mut DbConnection, f: F) -> std::result::Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> std::result::Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.transaction(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_chooses_engine_by_scheme() {
        assert!(matches!(
            DatabaseUrl::parse("sqlite://praxis.db").map(|u| u.engine()),
            Ok(Engine::Sqlite)
        ));
        assert!(matches!(
            DatabaseUrl::parse("postgres://u:p@localhost/db").map(|u| u.engine()),
            Ok(Engine::Postgres)
        ));
        assert!(DatabaseUrl::parse("mysql://localhost/db").is_err());
        assert!(DatabaseUrl::parse("praxis.db").is_err());
    }

    #[test]
    fn database_url_debug_masks_credentials() {
        let url = DatabaseUrl::parse("postgres://user:secret@db.example:5432/praxis");
        let shown = url.map(|u| format!("{u:?}")).unwrap_or_default();
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("db.example"));
    }
}
