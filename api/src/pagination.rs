//! Keyset pagination: `?limit=` (default 20, max 100) and an opaque `?cursor=` naming the last
//! item of the previous page by its sort key, never an offset.

use crate::error::ApiError;
use base64::Engine;
use chrono::NaiveDateTime;
use praxis_domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::Validation(vec![FieldError::new(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            )])),
        }
    }

    /// The `(instant, id)` of the last item already seen.
    pub fn after(&self) -> Result<Option<(NaiveDateTime, String)>, ApiError> {
        self.cursor.as_deref().map(decode).transpose()
    }
}

/// A queue's `?status=&limit=&cursor=`: a page of items, of one status when given.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Only items in this status (the values of the items' `status`).
    pub status: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// What a queue's parameters ask for: the status, the page size and the cursor's key.
pub type QueueQuery<S> = (Option<S>, i64, Option<(NaiveDateTime, String)>);

impl QueueParams {
    /// Parses the status with the enum's own parser (422 naming `status`) and the page.
    pub fn parse<S: praxis_domain::StringEnum>(self) -> Result<QueueQuery<S>, ApiError> {
        let status = self
            .status
            .as_deref()
            .map(|s| S::parse_field("status", s))
            .transpose()?;
        let page = PageParams {
            limit: self.limit,
            cursor: self.cursor,
        };
        Ok((status, page.limit()?, page.after()?))
    }
}

fn invalid_cursor() -> ApiError {
    ApiError::Validation(vec![FieldError::new(
        "cursor",
        "is not a cursor this API returned",
    )])
}

pub fn encode(at: NaiveDateTime, id: &str) -> String {
    let raw = format!("{}|{id}", at.and_utc().timestamp_micros());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn decode(cursor: &str) -> Result<(NaiveDateTime, String), ApiError> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| invalid_cursor())?;
    let raw = String::from_utf8(bytes).map_err(|_| invalid_cursor())?;
    let (micros, id) = raw.split_once('|').ok_or_else(invalid_cursor)?;
    let micros: i64 = micros.parse().map_err(|_| invalid_cursor())?;
    let at = chrono::DateTime::from_timestamp_micros(micros)
        .ok_or_else(invalid_cursor)?
        .naive_utc();
    Ok((at, id.to_owned()))
}

/// A page of items and the cursor of the next page (`null` on the last page).
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows fetched in order: the extra row, if present,
    /// only tells that another page exists.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        limit: i64,
        key: impl Fn(&R) -> (NaiveDateTime, String),
        map: impl FnMut(R) -> T,
    ) -> Self {
        let limit = usize::try_from(limit).unwrap_or(0);
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = if has_more {
            rows.last().map(|r| {
                let (at, id) = key(r);
                encode(at, &id)
            })
        } else {
            None
        };
        Self {
            items: rows.into_iter().map(map).collect(),
            next_cursor,
        }
    }
}

impl<T> Page<T> {
    /// The page a use case cut ([`praxis_app::page::Paged`]), its items turned into responses.
    pub fn from_paged<R>(paged: praxis_app::page::Paged<R>, map: impl FnMut(R) -> T) -> Self {
        Self {
            next_cursor: paged.next.map(|(at, id)| encode(at, &id)),
            items: paged.items.into_iter().map(map).collect(),
        }
    }

    /// [`Page::from_rows`] for lists keyed by something other than `(instant, id)` (a slug, a
    /// month): `key` gives the parts of the last item's key, encoded with
    /// `crate::dto::learning::cursor`.
    pub fn from_keyed_rows<R>(
        mut rows: Vec<R>,
        limit: i64,
        key: impl Fn(&R) -> Vec<String>,
        map: impl FnMut(R) -> T,
    ) -> Self {
        let limit = usize::try_from(limit).unwrap_or(0);
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = rows
            .last()
            .filter(|_| has_more)
            .map(|r| crate::dto::learning::cursor::encode(&key(r)));
        Self {
            items: rows.into_iter().map(map).collect(),
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let at = chrono::DateTime::from_timestamp_micros(1_795_000_000_123_456)
            .map(|t| t.naive_utc())
            .unwrap_or_default();
        let params = PageParams {
            limit: None,
            cursor: Some(encode(at, "abc")),
        };
        assert_eq!(params.after().ok().flatten(), Some((at, "abc".to_owned())));
        let bad = PageParams {
            limit: Some(0),
            cursor: Some("!!".into()),
        };
        assert!(bad.after().is_err());
        assert!(bad.limit().is_err());
    }
}
