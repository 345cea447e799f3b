-- The payment an upgrade's credit was drawn from: a refund of that payment subtracts the credit
-- while the upgrade's checkout can still be paid, or once it was, so the same unused days are
-- never given back twice (once as credit, once as money).
ALTER TABLE subscriptions ADD COLUMN credit_payment_id TEXT;
UPDATE subscriptions SET credit_payment_id = (
    SELECT p.id FROM payments p
    WHERE p.subscription_id = subscriptions.replaces_subscription_id
      AND p.paid_at <= subscriptions.created_at
    ORDER BY p.paid_at DESC, p.id DESC
    LIMIT 1
) WHERE credit_cents > 0 AND replaces_subscription_id IS NOT NULL;
CREATE INDEX subscriptions_credit_payment_idx ON subscriptions (credit_payment_id);
