ALTER TABLE outbox DROP COLUMN reply_to;
DROP TABLE contact_messages;
