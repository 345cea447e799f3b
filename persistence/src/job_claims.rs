//! Which node runs a periodic step for a tick: a row per step name whose `tick` only moves
//! forward, by a conditional UPDATE that exactly one of several racing nodes wins.

use crate::error::{Error, Result};
use crate::schema::job_claims;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Claims the step `name` for `tick` on behalf of `node`: true for the one caller that moved
/// the row to `tick`, false for everyone after it (this tick or an older one).
pub fn claim(
    conn: &mut DbConnection,
    name: &str,
    tick: i64,
    node: &str,
    at: NaiveDateTime,
) -> Result<bool> {
    let moved = diesel::update(
        job_claims::table
            .filter(job_claims::name.eq(name))
            .filter(job_claims::tick.lt(tick)),
    )
    .set((
        job_claims::tick.eq(tick),
        job_claims::claimed_by.eq(node),
        job_claims::claimed_at.eq(at),
    ))
    .execute(conn)?;
    if moved == 1 {
        return Ok(true);
    }
    let known: i64 = job_claims::table
        .filter(job_claims::name.eq(name))
        .count()
        .get_result(conn)?;
    if known > 0 {
        return Ok(false);
    }
    // The step's first run anywhere: of two nodes inserting, the second hits the key (in a
    // savepoint, so its transaction stays usable).
    let inserted = crate::savepoint(conn, |c| -> Result<usize> {
        Ok(diesel::insert_into(job_claims::table)
            .values((
                job_claims::name.eq(name),
                job_claims::tick.eq(tick),
                job_claims::claimed_by.eq(node),
                job_claims::claimed_at.eq(at),
            ))
            .execute(c)?)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(Error::UniqueViolation(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Who ran the step `name` last, and for which tick.
pub fn last(conn: &mut DbConnection, name: &str) -> Result<Option<(i64, String)>> {
    Ok(job_claims::table
        .find(name)
        .select((job_claims::tick, job_claims::claimed_by))
        .first(conn)
        .optional()?)
}
