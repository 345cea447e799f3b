//! Keyset pages as use cases see them: which page to read (how many items, after which
//! `(instant, id)`), and the page read with the key of its last item when another page follows.
//! Turning that key into an opaque cursor is the API's business.

use chrono::NaiveDateTime;

/// The sort key of a keyset list: the instant and the id of an item.
pub type Key = (NaiveDateTime, String);

/// At most `limit` items after `after` (from the start when `None`).
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<Key>,
}

/// A page of items; `next` is the key of the last one when more follow.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next: Option<Key>,
}

impl PageRequest {
    /// How many rows to load: one more than the page, only to learn whether another follows.
    pub fn fetch(&self) -> i64 {
        self.limit.saturating_add(1)
    }

    /// Cuts rows loaded with [`PageRequest::fetch`] to the page.
    pub fn cut<R>(&self, mut rows: Vec<R>, key: impl Fn(&R) -> Key) -> Paged<R> {
        let limit = usize::try_from(self.limit).unwrap_or(0);
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let next = if has_more { rows.last().map(key) } else { None };
        Paged { items: rows, next }
    }
}

impl<T> Paged<T> {
    /// The same page with its items turned into something else, all at once (one query per
    /// page rather than per item).
    pub fn try_map<U, E>(self, f: impl FnOnce(Vec<T>) -> Result<Vec<U>, E>) -> Result<Paged<U>, E> {
        Ok(Paged {
            items: f(self.items)?,
            next: self.next,
        })
    }
}

/// The keyset page of a list that is built whole before it can be cut, sorted ascending by
/// `key`: at most `take` items strictly after `after` (ask one more than the page to learn
/// whether another follows). For spaces (every request loads them all for the access rules
/// anyway) and events (series expand into their occurrences over a bounded range); the cursor
/// still names the last item's key, never an offset, so an item added or removed meanwhile
/// neither repeats nor shifts the next page.
pub fn after_key<T, K: Ord>(
    items: Vec<T>,
    key: impl Fn(&T) -> K,
    after: Option<&K>,
    take: i64,
) -> Vec<T> {
    items
        .into_iter()
        .filter(|item| after.is_none_or(|after| key(item) > *after))
        .take(usize::try_from(take).unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_in_memory_page_continues_strictly_after_the_cursor_key() {
        let items = vec![(1, "a"), (1, "b"), (2, "a"), (3, "c")];
        let first = after_key(items.clone(), |i| *i, None, 2);
        assert_eq!(first, vec![(1, "a"), (1, "b")]);
        let second = after_key(items.clone(), |i| *i, first.last(), 3);
        assert_eq!(second, vec![(2, "a"), (3, "c")]);
        // The cursor's item gone meanwhile: the page still starts after its key.
        let without: Vec<_> = items.into_iter().filter(|i| *i != (1, "b")).collect();
        assert_eq!(
            after_key(without, |i| *i, Some(&(1, "b")), 2),
            vec![(2, "a"), (3, "c")]
        );
    }

    fn key(n: u32) -> Key {
        let at = chrono::DateTime::from_timestamp(i64::from(n), 0)
            .map(|t| t.naive_utc())
            .unwrap_or_default();
        (at, n.to_string())
    }

    #[test]
    fn a_page_names_its_last_key_only_when_more_follow() {
        let page = PageRequest {
            limit: 2,
            after: None,
        };
        assert_eq!(page.fetch(), 3);
        let full = page.cut(vec![1, 2, 3], |n| key(*n));
        assert_eq!(full.items, vec![1, 2]);
        assert_eq!(full.next, Some(key(2)));
        let last = page.cut(vec![1, 2], |n| key(*n));
        assert_eq!(last.items, vec![1, 2]);
        assert_eq!(last.next, None);
    }
}
