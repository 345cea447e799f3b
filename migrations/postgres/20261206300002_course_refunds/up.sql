-- A host refunds a course bought on its own: a refund with no member's request behind it.
ALTER TABLE refunds ALTER COLUMN refund_request_id DROP NOT NULL;
