-- A claim on an idempotency key is held by one attempt for a short lease, renewed while the
-- attempt runs: a claim left by a crashed process can be taken over once its lease has passed.
-- `resource_id` names what the attempt had already committed (a started subscription), so the
-- retry that takes over finishes that work instead of doing it twice.
ALTER TABLE idempotency_keys ADD COLUMN attempt_id TEXT;
ALTER TABLE idempotency_keys ADD COLUMN locked_until TIMESTAMP;
ALTER TABLE idempotency_keys ADD COLUMN resource_id TEXT;
