-- The local payment provider's own books (development and tests): what it charged and refunded,
-- once per idempotency key as a real provider does, and the card each customer has on file. Kept
-- in the database so they survive a restart and every node sees the same.
CREATE TABLE local_provider_ledger (
    idempotency_key TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('charge', 'refund')),
    reference TEXT NOT NULL UNIQUE,
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE local_provider_cards (
    customer_reference TEXT PRIMARY KEY,
    declining BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
