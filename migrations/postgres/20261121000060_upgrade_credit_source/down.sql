DROP INDEX subscriptions_credit_payment_idx;
ALTER TABLE subscriptions DROP COLUMN credit_payment_id;
