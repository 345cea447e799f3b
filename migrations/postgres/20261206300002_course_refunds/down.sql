DELETE FROM refunds WHERE refund_request_id IS NULL;
ALTER TABLE refunds ALTER COLUMN refund_request_id SET NOT NULL;
