-- Refunds that move money: a refund stays `pending` until the provider confirms it, can fail
-- with the provider's reason, and is retried under a new idempotency key (`attempt`), since a
-- provider replays the first answer to a key it has seen.
ALTER TABLE refunds ADD COLUMN failure_reason TEXT;
ALTER TABLE refunds ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
CREATE INDEX refunds_status_created ON refunds (status, created_at, id);
CREATE INDEX refunds_created ON refunds (created_at, id);

-- Refunds made at the provider outside Praxis (Stripe's dashboard), reconciled from its
-- `charge.refunded` events: counted against their payment, once per provider refund.
CREATE TABLE provider_refunds (
    reference TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX provider_refunds_payment ON provider_refunds (payment_id);

-- What the SPA confirms a provider checkout with (a Stripe PaymentIntent's client secret), so a
-- pending subscription read again still carries it.
CREATE TABLE checkout_client_secrets (
    checkout_id TEXT PRIMARY KEY,
    client_secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
