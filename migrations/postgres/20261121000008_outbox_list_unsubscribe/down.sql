ALTER TABLE outbox DROP COLUMN list_unsubscribe;
