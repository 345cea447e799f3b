//! Rendered pages of post lists, kept in memory per node and keyed by what the page depends on
//! (the list, cursor and limit, and the caller's access facts — `ViewerContext::access_key` —
//! or the member for their feed). Each entry is tagged with the content version of what it
//! shows (`praxis_persistence::content_version`: its space, or everything for a feed) read
//! before the page was built; a request reads the current version first and serves the entry
//! only when it matches, so a write on any node over the same database makes the affected
//! entries stale on every node at once, and a write in one space leaves the others' pages. Answers carry a strong ETag,
//! and `If-None-Match` gets 304.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use praxis_app::posts::VersionScope;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Pages kept per node; when full, the cache starts over (cheap, and stale entries go too).
const CAPACITY: usize = 2048;

/// One rendered page: its JSON body, its ETag and the content version it was built at.
#[derive(Clone)]
pub struct CachedPage {
    version: i64,
    body: Bytes,
    etag: Arc<str>,
}

impl CachedPage {
    pub fn new(version: i64, body: Vec<u8>) -> Self {
        Self {
            version,
            etag: crate::etag::of(&body).into(),
            body: Bytes::from(body),
        }
    }

    /// 200 with the body, or 304 when the client already holds this ETag. Caches must
    /// revalidate (the next write changes it); only a visitor's page may sit in shared ones.
    pub fn respond(&self, req: &HttpRequest, public: bool) -> HttpResponse {
        let held = crate::etag::client_holds(req, &self.etag);
        let mut response = if held {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        response
            .insert_header((header::ETAG, &*self.etag))
            .insert_header((
                header::CACHE_CONTROL,
                if public {
                    "public, no-cache"
                } else {
                    "private, no-cache"
                },
            ));
        if held {
            response.finish()
        } else {
            response
                .content_type("application/json")
                .body(self.body.clone())
        }
    }
}

/// The node's cache of rendered pages.
#[derive(Clone, Default)]
pub struct Pages {
    pages: Arc<Mutex<HashMap<String, CachedPage>>>,
}

impl Pages {
    /// The page under `key` if it was built at `version`.
    pub fn get(&self, key: &str, version: i64) -> Option<CachedPage> {
        let pages = self.pages.lock().ok()?;
        pages.get(key).filter(|p| p.version == version).cloned()
    }

    pub fn put(&self, key: String, page: CachedPage) {
        if let Ok(mut pages) = self.pages.lock() {
            if pages.len() >= CAPACITY && !pages.contains_key(&key) {
                pages.clear();
            }
            pages.insert(key, page);
        }
    }

    /// The page under `key` at the current content version of `scope` (what the page shows),
    /// built by `build` (in the same blocking call, after the version was read) when missing or
    /// stale.
    pub fn get_or_build(
        &self,
        conn: &mut praxis_persistence::DbConnection,
        scope: VersionScope<'_>,
        key: String,
        build: impl FnOnce(&mut praxis_persistence::DbConnection) -> praxis_app::Result<Vec<u8>>,
    ) -> praxis_app::Result<CachedPage> {
        let version = praxis_app::posts::content_version(conn, scope)?;
        if let Some(page) = self.get(&key, version) {
            return Ok(page);
        }
        let page = CachedPage::new(version, build(conn)?);
        self.put(key, page.clone());
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_page_is_served_only_at_the_version_it_was_built_at() {
        let pages = Pages::default();
        pages.put("lobby".into(), CachedPage::new(7, b"[]".to_vec()));
        assert!(pages.get("lobby", 7).is_some());
        assert!(pages.get("lobby", 8).is_none());
        assert!(pages.get("other", 7).is_none());
    }
}
