-- Membership and billing: subscriptions, seats and the waitlist, payments and invoices, refunds,
-- the customer hub, PRO applications, price assistance, the mail outbox and idempotency keys.

CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plan_slug TEXT NOT NULL REFERENCES plans (slug),
    billing_period TEXT NOT NULL CHECK (billing_period IN ('monthly', 'yearly')),
    price_version TEXT NOT NULL CHECK (price_version IN ('regular', 'supporter')),
    status TEXT NOT NULL CHECK (status IN ('pending_payment', 'active', 'cancelled', 'expired')),
    currency TEXT NOT NULL,
    -- What each period costs this member (regular, supporter or an assistance price).
    period_price_cents BIGINT NOT NULL CHECK (period_price_cents >= 0),
    -- Credit from an upgraded Practitioner subscription, taken off the first payment.
    credit_cents BIGINT NOT NULL DEFAULT 0 CHECK (credit_cents >= 0),
    amount_due_cents BIGINT NOT NULL CHECK (amount_due_cents >= 0),
    checkout_id TEXT NOT NULL UNIQUE,
    checkout_url TEXT NOT NULL,
    hold_expires_at TIMESTAMP NOT NULL,
    replaces_subscription_id TEXT REFERENCES subscriptions (id),
    price_override_id TEXT,
    current_period_start TIMESTAMP,
    current_period_end TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    end_reason TEXT
);
-- One live subscription per member and state: a pending checkout and an active subscription may
-- coexist only while a Practitioner moves to PRO.
CREATE UNIQUE INDEX subscriptions_one_pending_idx ON subscriptions (user_id) WHERE status = 'pending_payment';
CREATE UNIQUE INDEX subscriptions_one_active_idx ON subscriptions (user_id) WHERE status = 'active';
CREATE INDEX subscriptions_user_idx ON subscriptions (user_id, created_at DESC, id DESC);
CREATE INDEX subscriptions_plan_status_idx ON subscriptions (plan_slug, status);
CREATE INDEX subscriptions_status_end_idx ON subscriptions (status, current_period_end);

CREATE TABLE waitlist_entries (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plan_slug TEXT NOT NULL REFERENCES plans (slug),
    status TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'accepted', 'expired', 'left')),
    created_at TIMESTAMP NOT NULL,
    offered_at TIMESTAMP,
    offer_expires_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX waitlist_one_open_idx ON waitlist_entries (user_id, plan_slug) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_queue_idx ON waitlist_entries (plan_slug, status, created_at, id);

CREATE TABLE webhook_events (
    event_id TEXT PRIMARY KEY NOT NULL,
    event_type TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL
);

CREATE TABLE payments (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider_event_id TEXT NOT NULL UNIQUE,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    credit_applied_cents BIGINT NOT NULL DEFAULT 0,
    currency TEXT NOT NULL,
    refunded_cents BIGINT NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents),
    paid_at TIMESTAMP NOT NULL,
    period_start TIMESTAMP NOT NULL,
    period_end TIMESTAMP NOT NULL
);
CREATE INDEX payments_subscription_idx ON payments (subscription_id, paid_at DESC);

CREATE TABLE invoice_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last_number INTEGER NOT NULL
);

CREATE TABLE invoices (
    id TEXT PRIMARY KEY NOT NULL,
    number TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    payment_id TEXT NOT NULL UNIQUE REFERENCES payments (id),
    issued_at TIMESTAMP NOT NULL,
    description TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    credit_applied_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    billing_address_json TEXT
);
CREATE INDEX invoices_user_idx ON invoices (user_id, issued_at DESC, id DESC);

CREATE TABLE billing_addresses (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    line1 TEXT NOT NULL,
    line2 TEXT,
    city TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    region TEXT,
    country TEXT NOT NULL,
    vat_id TEXT,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE refund_requests (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    payment_id TEXT NOT NULL REFERENCES payments (id),
    message TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    quote_cents BIGINT NOT NULL CHECK (quote_cents >= 0),
    currency TEXT NOT NULL,
    quote_rule TEXT NOT NULL,
    quote_full_months INTEGER,
    quote_deduction_cents BIGINT,
    quote_explanation TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT,
    decision_note TEXT
);
CREATE INDEX refund_requests_status_idx ON refund_requests (status, requested_at DESC, id DESC);
CREATE UNIQUE INDEX refund_requests_one_pending_idx ON refund_requests (payment_id) WHERE status = 'pending';

CREATE TABLE refunds (
    id TEXT PRIMARY KEY NOT NULL,
    refund_request_id TEXT NOT NULL UNIQUE REFERENCES refund_requests (id),
    payment_id TEXT NOT NULL REFERENCES payments (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    provider_reference TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE magic_links (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

CREATE TABLE pro_applications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    training TEXT NOT NULL,
    experience TEXT NOT NULL,
    helping_others TEXT NOT NULL,
    commitment BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected', 'withdrawn')),
    note TEXT,
    submitted_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT
);
CREATE UNIQUE INDEX pro_applications_one_open_idx ON pro_applications (user_id) WHERE status = 'submitted';
CREATE INDEX pro_applications_status_idx ON pro_applications (status, submitted_at DESC, id DESC);
CREATE INDEX pro_applications_user_idx ON pro_applications (user_id, submitted_at DESC);

CREATE TABLE price_assistance_requests (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plan_slug TEXT NOT NULL REFERENCES plans (slug),
    billing_period TEXT NOT NULL CHECK (billing_period IN ('monthly', 'yearly')),
    message TEXT NOT NULL,
    proposed_cents BIGINT NOT NULL CHECK (proposed_cents >= 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'granted', 'declined')),
    granted_cents BIGINT,
    note TEXT,
    requested_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT
);
CREATE INDEX price_assistance_status_idx ON price_assistance_requests (status, requested_at DESC, id DESC);

CREATE TABLE price_overrides (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plan_slug TEXT NOT NULL REFERENCES plans (slug),
    billing_period TEXT NOT NULL CHECK (billing_period IN ('monthly', 'yearly')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    request_id TEXT REFERENCES price_assistance_requests (id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX price_overrides_user_idx ON price_overrides (user_id, plan_slug, billing_period);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    sent_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX outbox_due_idx ON outbox (sent_at, next_attempt_at);

CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER,
    response_body TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, endpoint, idempotency_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
