-- Renewals: whether a subscription renews by itself, and where a renewal stands. A subscription
-- whose renewal failed stays `active` in the status column with `past_due_since` set (the API
-- shows it as `past_due`): SQLite cannot change the status column's CHECK without rebuilding the
-- table three others reference, and every query that gives access already looks for `active`.
ALTER TABLE subscriptions ADD COLUMN auto_renew BOOLEAN NOT NULL DEFAULT TRUE;
-- Set while a renewal is under way (charged, pending or failed): access is kept until then even
-- after the paid period ends.
ALTER TABLE subscriptions ADD COLUMN grace_until TIMESTAMP;
ALTER TABLE subscriptions ADD COLUMN past_due_since TIMESTAMP;

-- Each charge of a renewal: one row per subscription, period and attempt (0 the first charge, 1-3
-- the retries in the grace period). The unique key is the claim: of several nodes running the job
-- at once, exactly one inserts the row and charges; the provider's idempotency key is derived
-- from the same three values, so a re-driven claim never charges twice either.
CREATE TABLE renewal_attempts (
    id TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    period_end TIMESTAMP NOT NULL,
    attempt INTEGER NOT NULL CHECK (attempt >= 0),
    idempotency_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('charging', 'pending', 'succeeded', 'declined')),
    payment_reference TEXT,
    failure_reason TEXT,
    claimed_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    UNIQUE (subscription_id, period_end, attempt)
);
CREATE INDEX renewal_attempts_reference_idx ON renewal_attempts (payment_reference);
CREATE INDEX renewal_attempts_open_idx ON renewal_attempts (status, claimed_at);
