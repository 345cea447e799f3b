-- The e-course bought on its own: a price on each course, an order per purchase paid through
-- the payment port, and payments that pay either a subscription period or a course order (so
-- a course's invoice takes the same gapless number sequence and survives erasure like others).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

-- NULL: no price of its own (see `app::course_orders::price_of`).
ALTER TABLE courses ADD COLUMN price_cents BIGINT CHECK (price_cents IS NULL OR price_cents > 0);
ALTER TABLE courses ADD COLUMN price_currency TEXT;

CREATE TABLE course_orders (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The course row bought (in the language chosen); its translation group is what opens.
    course_id TEXT NOT NULL REFERENCES courses (id),
    course_group TEXT NOT NULL,
    description TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'abandoned')),
    checkout_id TEXT NOT NULL UNIQUE,
    checkout_url TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    paid_at TIMESTAMP
);
-- One open order per member and course: concurrent checkouts meet here.
CREATE UNIQUE INDEX course_orders_pending ON course_orders (user_id, course_group) WHERE status = 'pending';
CREATE INDEX course_orders_user_idx ON course_orders (user_id, created_at DESC, id DESC);

CREATE TABLE payments_new (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT REFERENCES subscriptions (id),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider_event_id TEXT NOT NULL UNIQUE,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    credit_applied_cents BIGINT NOT NULL DEFAULT 0,
    currency TEXT NOT NULL,
    refunded_cents BIGINT NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents),
    paid_at TIMESTAMP NOT NULL,
    period_start TIMESTAMP NOT NULL,
    period_end TIMESTAMP NOT NULL,
    provider_payment_id TEXT,
    course_order_id TEXT UNIQUE REFERENCES course_orders (id),
    -- A payment pays one thing: a subscription's period or a course order.
    CHECK ((subscription_id IS NULL) <> (course_order_id IS NULL))
);
INSERT INTO payments_new (id, subscription_id, user_id, provider_event_id, amount_cents,
    credit_applied_cents, currency, refunded_cents, paid_at, period_start, period_end,
    provider_payment_id)
SELECT id, subscription_id, user_id, provider_event_id, amount_cents, credit_applied_cents,
    currency, refunded_cents, paid_at, period_start, period_end, provider_payment_id
FROM payments;
DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
CREATE INDEX payments_subscription_idx ON payments (subscription_id, paid_at DESC);
CREATE UNIQUE INDEX payments_provider_payment_id ON payments (provider_payment_id);

-- A purchase grants its course once.
CREATE UNIQUE INDEX course_entitlements_purchase ON course_entitlements (source_id) WHERE source = 'purchase';

COMMIT;
PRAGMA foreign_keys = ON;
