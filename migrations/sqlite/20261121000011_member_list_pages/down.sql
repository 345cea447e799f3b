DROP INDEX price_assistance_user_idx;
DROP INDEX pro_applications_user_idx;
CREATE INDEX pro_applications_user_idx ON pro_applications (user_id, submitted_at DESC);
