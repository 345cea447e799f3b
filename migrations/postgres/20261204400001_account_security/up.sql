-- Email verification: an account proves it owns its address by a mailed single-use link before it
-- may post or pay. Accounts that existed before verification did are treated as verified (they
-- were created by people already using the community), so this backfills their creation time.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
UPDATE users SET email_verified_at = created_at;

-- Single-use, short-lived tokens mailed to a member: email verification, password reset and the
-- confirmation of a new address (which the token carries, so the address only changes once the
-- new owner proves it). Stored only as SHA-256 hashes.
CREATE TABLE account_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    new_email TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
