ALTER TABLE idempotency_keys DROP COLUMN resource_id;
ALTER TABLE idempotency_keys DROP COLUMN locked_until;
ALTER TABLE idempotency_keys DROP COLUMN attempt_id;
