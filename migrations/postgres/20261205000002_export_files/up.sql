-- Large personal-data exports (GDPR art. 15 and 20), built by the periodic job and fetched
-- once through a mailed link: the pending request, then the built document until it is
-- downloaded or expires (the body is dropped at download).
CREATE TABLE export_files (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT UNIQUE,
    body TEXT,
    requested_at TIMESTAMP NOT NULL,
    built_at TIMESTAMP,
    expires_at TIMESTAMP,
    downloaded_at TIMESTAMP
);
CREATE INDEX export_files_user ON export_files (user_id);
CREATE INDEX export_files_built ON export_files (built_at, requested_at);
