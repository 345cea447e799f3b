PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

DROP INDEX course_entitlements_purchase;
DELETE FROM course_entitlements WHERE source = 'purchase';
DELETE FROM invoices WHERE payment_id IN (SELECT id FROM payments WHERE course_order_id IS NOT NULL);
DELETE FROM provider_refunds WHERE payment_id IN (SELECT id FROM payments WHERE course_order_id IS NOT NULL);
DELETE FROM payments WHERE course_order_id IS NOT NULL;

CREATE TABLE payments_old (
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
    period_end TIMESTAMP NOT NULL,
    provider_payment_id TEXT
);
INSERT INTO payments_old SELECT id, subscription_id, user_id, provider_event_id, amount_cents,
    credit_applied_cents, currency, refunded_cents, paid_at, period_start, period_end,
    provider_payment_id FROM payments;
DROP TABLE payments;
ALTER TABLE payments_old RENAME TO payments;
CREATE INDEX payments_subscription_idx ON payments (subscription_id, paid_at DESC);
CREATE UNIQUE INDEX payments_provider_payment_id ON payments (provider_payment_id);

DROP TABLE course_orders;
ALTER TABLE courses DROP COLUMN price_currency;
ALTER TABLE courses DROP COLUMN price_cents;

COMMIT;
PRAGMA foreign_keys = ON;
