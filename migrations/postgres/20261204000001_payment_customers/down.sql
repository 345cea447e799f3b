DROP INDEX payments_provider_payment_id;
ALTER TABLE payments DROP COLUMN provider_payment_id;
DROP TABLE payment_customers;
