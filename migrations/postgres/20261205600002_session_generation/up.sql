-- Access tokens carry the account's session generation; signing out everywhere and changing
-- the password move it on, so tokens issued before stop working at once.
ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;
