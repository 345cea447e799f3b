//! The embedded migrations, one directory per engine with identical names.

use crate::connection::DbConnection;
use crate::error::{Error, Result};
use diesel::connection::SimpleConnection;
use diesel::{QueryableByName, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// A lock id that keeps several API nodes starting at once from migrating together.
const MIGRATION_LOCK: i64 = 0x5052_4158_4953;

/// Runs every pending migration and returns the names of those applied.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.iter().map(ToString::to_string).collect::<Vec<_>>()),
        DbConnection::Pg(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.iter().map(ToString::to_string).collect::<Vec<_>>());
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
            result
        }
    };
    applied.map_err(|e| Error::Migration(e.to_string()))
}

/// Reverts every migration (used by the round-trip test: up → down → up).
pub fn revert_all(conn: &mut DbConnection) -> Result<()> {
    let reverted = match conn {
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConnection::Pg(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    reverted.map_err(|e| Error::Migration(e.to_string()))
}

#[derive(QueryableByName)]
struct SchemaLine {
    #[diesel(sql_type = diesel::sql_types::Text)]
    line: String,
}

/// A textual description of every table, column and index, to compare two schemas.
pub fn schema_snapshot(conn: &mut DbConnection) -> Result<Vec<String>> {
    let query = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') AS line FROM sqlite_master \
             WHERE name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY type, name"
        }
        DbConnection::Pg(_) => {
            "SELECT line FROM ( \
               SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable \
                      || ' ' || COALESCE(column_default, '') AS line \
               FROM information_schema.columns WHERE table_schema = 'public' \
                 AND table_name <> '__diesel_schema_migrations' \
               UNION ALL \
               SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes \
               WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations' \
               UNION ALL \
               SELECT 'constraint ' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint \
               WHERE connamespace = 'public'::regnamespace \
                 AND conrelid <> '__diesel_schema_migrations'::regclass \
             ) s ORDER BY line"
        }
    };
    let lines: Vec<SchemaLine> = diesel::sql_query(query).load(conn)?;
    Ok(lines.into_iter().map(|l| l.line).collect())
}

/// The names of the migrations embedded for each engine, to check they match.
pub fn migration_names() -> (Vec<String>, Vec<String>) {
    let names = |m: &EmbeddedMigrations| -> Vec<String> {
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(m)
            .map(|ms| ms.iter().map(|m| m.name().to_string()).collect())
            .unwrap_or_default()
    };
    (names(&SQLITE_MIGRATIONS), names(&POSTGRES_MIGRATIONS))
}

use diesel::migration::MigrationSource;
