-- The member directory: a member is listed only once they choose to be (off by default), with a
-- short bio and the languages they speak (ISO 639 codes, comma-separated). Listed members are
-- paged newest first, so the index leads with the flag.
ALTER TABLE users ADD COLUMN listed BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN bio TEXT;
ALTER TABLE users ADD COLUMN languages TEXT NOT NULL DEFAULT '';
CREATE INDEX users_directory ON users (listed, created_at, id);
