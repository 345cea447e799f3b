//! Keyset ("seek") pagination over `(instant, id)`: a page continues strictly after the last row
//! of the previous one, so rows inserted meanwhile neither repeat nor vanish, and the database
//! seeks in the list's index instead of counting an offset.
//!
//! The cursor predicate is written once here. Spelled out by hand it is easy to get one of its
//! four comparisons backwards, which skips or repeats rows on a tie of instants and no test
//! notices until two rows share a timestamp.

use crate::error::Result;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::dsl;
use diesel::expression::{BoxableExpression, Expression};
use diesel::prelude::*;
use diesel::query_dsl::methods::{FilterDsl, LimitDsl, LoadQuery, OrderDsl};
use diesel::sql_types::{Bool, Text, Timestamp};

/// The backend of [`DbConnection`]: whichever engine the connection turns out to be.
pub type Backend = <DbConnection as Connection>::Backend;

/// A filter that can be added to a boxed query over `QS` on `DB`.
pub type Predicate<QS, DB = Backend> = Box<dyn BoxableExpression<QS, DB, SqlType = Bool>>;

/// The order of a list by `(key, id)`: both columns run the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Oldest first: `ORDER BY key ASC, id ASC`.
    Asc,
    /// Newest first: `ORDER BY key DESC, id DESC`.
    Desc,
}

type Past<K, I> = dsl::And<
    dsl::LtEq<K, NaiveDateTime>,
    dsl::Or<dsl::Lt<K, NaiveDateTime>, dsl::And<dsl::Eq<K, NaiveDateTime>, dsl::Lt<I, String>>>,
>;
type Ahead<K, I> = dsl::And<
    dsl::GtEq<K, NaiveDateTime>,
    dsl::Or<dsl::Gt<K, NaiveDateTime>, dsl::And<dsl::Eq<K, NaiveDateTime>, dsl::Gt<I, String>>>,
>;

/// The rows that come after `cursor = (at, last_id)` in a list ordered by `(key, id)` in
/// `order`. Newest first that is `key <= at AND (key < at OR (key = at AND id < last_id))`;
/// oldest first the same with `>=`, `>` and `>`.
///
/// The leading `key <= at` is implied by the rest and changes no row: it is there for the
/// planner. Without it SQLite walks the list's index from its first entry and tests the `OR` on
/// each, so a deep page costs as much as all the pages before it; with it SQLite (and
/// PostgreSQL) start the index range at the cursor. A row comparison `(key, id) < (at, id)`
/// would say it in one term, but diesel has no portable row-value syntax.
///
/// ```ignore
/// let mut query = posts::table
///     .filter(posts::space_id.eq(space_id))
///     .order((posts::created_at.desc(), posts::id.desc()))
///     .limit(limit)
///     .into_boxed();
/// if let Some(cursor) = after {
///     query = query.filter(keyset::after(Order::Desc, posts::created_at, posts::id, cursor));
/// }
/// ```
pub fn after<QS, DB, K, I>(
    order: Order,
    key: K,
    id: I,
    (at, last_id): (NaiveDateTime, String),
) -> Predicate<QS, DB>
where
    DB: diesel::backend::Backend,
    K: Expression<SqlType = Timestamp> + Copy + 'static,
    I: Expression<SqlType = Text> + 'static,
    Past<K, I>: BoxableExpression<QS, DB, SqlType = Bool>,
    Ahead<K, I>: BoxableExpression<QS, DB, SqlType = Bool>,
{
    match order {
        Order::Desc => Box::new(
            key.le(at)
                .and(key.lt(at).or(key.eq(at).and(id.lt(last_id)))),
        ),
        Order::Asc => Box::new(
            key.ge(at)
                .and(key.gt(at).or(key.eq(at).and(id.gt(last_id)))),
        ),
    }
}

/// The columns of a queue a host works through: requests with a status, listed newest first by
/// when they were made.
#[derive(Debug, Clone, Copy)]
pub struct StatusQueue<S, K, I> {
    pub status: S,
    pub key: K,
    pub id: I,
}

/// A page of a queue, optionally of one status, newest first, after the keyset cursor `(key,
/// id)`. `query` is the boxed select of the queue's rows with any filters of its own (a member,
/// say); this adds the status, the cursor, the order and the limit, then loads.
///
/// Generic over the query rather than the table so each caller keeps its `Row::as_select()` and
/// its own extra filters in plain diesel; the bounds name exactly what is added here.
pub fn status_page<Q, QS, Row, S, K, I>(
    conn: &mut DbConnection,
    query: Q,
    columns: StatusQueue<S, K, I>,
    status: Option<&str>,
    after_cursor: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Row>>
where
    Q: FilterDsl<Predicate<QS>, Output = Q>
        + OrderDsl<(dsl::Desc<K>, dsl::Desc<I>), Output = Q>
        + LimitDsl<Output = Q>
        + RunQueryDsl<DbConnection>
        + for<'a> LoadQuery<'a, DbConnection, Row>,
    S: Expression<SqlType = Text> + 'static,
    K: Expression<SqlType = Timestamp> + Copy + 'static,
    I: Expression<SqlType = Text> + Copy + 'static,
    dsl::Eq<S, String>: BoxableExpression<QS, Backend, SqlType = Bool>,
    Past<K, I>: BoxableExpression<QS, Backend, SqlType = Bool>,
    Ahead<K, I>: BoxableExpression<QS, Backend, SqlType = Bool>,
{
    let StatusQueue {
        status: status_column,
        key,
        id,
    } = columns;
    let mut query = OrderDsl::order(query, (key.desc(), id.desc()));
    query = LimitDsl::limit(query, limit);
    if let Some(status) = status {
        let only: Predicate<QS> = Box::new(status_column.eq(status.to_owned()));
        query = FilterDsl::filter(query, only);
    }
    if let Some(cursor) = after_cursor {
        // Spelled out: left to inference, rustc matches `after`'s bounds against this function's
        // own where clauses (the status `Eq` among them) and reports nonsense mismatches.
        query = FilterDsl::filter(
            query,
            after::<QS, Backend, K, I>(Order::Desc, key, id, cursor),
        );
    }
    Ok(query.load(conn)?)
}
