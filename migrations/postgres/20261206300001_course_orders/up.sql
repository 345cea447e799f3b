-- The e-course bought on its own: a price on each course, an order per purchase paid through
-- the payment port, and payments that pay either a subscription period or a course order (so
-- a course's invoice takes the same gapless number sequence and survives erasure like others).

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

ALTER TABLE payments ALTER COLUMN subscription_id DROP NOT NULL;
ALTER TABLE payments ADD COLUMN course_order_id TEXT UNIQUE REFERENCES course_orders (id);
-- A payment pays one thing: a subscription's period or a course order.
ALTER TABLE payments ADD CONSTRAINT payments_pays_one_thing
    CHECK ((subscription_id IS NULL) <> (course_order_id IS NULL));

-- A purchase grants its course once.
CREATE UNIQUE INDEX course_entitlements_purchase ON course_entitlements (source_id) WHERE source = 'purchase';
