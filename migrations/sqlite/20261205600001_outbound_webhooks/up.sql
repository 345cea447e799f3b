-- Outbound webhooks: endpoints integrators registered, and a durable queue of signed deliveries
-- with one row per attempt. Admin data, nothing personal: payloads carry ids and public facts.

CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    -- Comma-separated event types (`member.joined,refund.paid`).
    events TEXT NOT NULL,
    -- `whsec_` + base64 of the signing key, as shown to the admin once.
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- Set when a delivery failed every attempt; redelivering turns it back on.
    disabled_at TIMESTAMP
);
CREATE INDEX webhook_endpoints_page_idx ON webhook_endpoints (created_at DESC, id DESC);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    -- The exact body sent, fixed when the event happened: `{type, timestamp, data}`.
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- Failed attempts since it was queued (or redelivered).
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    delivered_at TIMESTAMP,
    -- Set when every attempt failed.
    given_up_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (delivered_at, given_up_at, next_attempt_at);

CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at TIMESTAMP NOT NULL,
    -- The receiver's HTTP status; NULL when no answer came (refused address, timeout).
    status_code INTEGER,
    succeeded BOOLEAN NOT NULL,
    error TEXT
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempted_at, id);
