ALTER TABLE audit_log DROP COLUMN space_id;
