DROP TABLE checkout_client_secrets;
DROP INDEX provider_refunds_payment;
DROP TABLE provider_refunds;
DROP INDEX refunds_created;
DROP INDEX refunds_status_created;
ALTER TABLE refunds DROP COLUMN attempt;
ALTER TABLE refunds DROP COLUMN failure_reason;
