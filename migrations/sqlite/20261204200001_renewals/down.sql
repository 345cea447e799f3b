DROP TABLE renewal_attempts;
ALTER TABLE subscriptions DROP COLUMN past_due_since;
ALTER TABLE subscriptions DROP COLUMN grace_until;
ALTER TABLE subscriptions DROP COLUMN auto_renew;
