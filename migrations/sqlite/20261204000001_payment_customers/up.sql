-- The provider's customer for each member (reused for every payment, so a saved card can be
-- charged off-session), and each payment's own id at the provider (what a refund is made on).
CREATE TABLE payment_customers (
    user_id TEXT NOT NULL REFERENCES users(id),
    provider TEXT NOT NULL,
    customer_reference TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, provider)
);
CREATE UNIQUE INDEX payment_customers_reference ON payment_customers (provider, customer_reference);
ALTER TABLE payments ADD COLUMN provider_payment_id TEXT;
CREATE UNIQUE INDEX payments_provider_payment_id ON payments (provider_payment_id);
