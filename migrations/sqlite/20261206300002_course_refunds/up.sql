-- A host refunds a course bought on its own: a refund with no member's request behind it.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE refunds_new (
    id TEXT PRIMARY KEY NOT NULL,
    refund_request_id TEXT UNIQUE REFERENCES refund_requests (id),
    payment_id TEXT NOT NULL REFERENCES payments (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    provider_reference TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    failure_reason TEXT,
    attempt INTEGER NOT NULL DEFAULT 0
);
INSERT INTO refunds_new SELECT id, refund_request_id, payment_id, amount_cents, currency, status,
    provider_reference, created_at, updated_at, failure_reason, attempt FROM refunds;
DROP TABLE refunds;
ALTER TABLE refunds_new RENAME TO refunds;
CREATE INDEX refunds_status_created ON refunds (status, created_at, id);
CREATE INDEX refunds_created ON refunds (created_at, id);
COMMIT;
PRAGMA foreign_keys = ON;
