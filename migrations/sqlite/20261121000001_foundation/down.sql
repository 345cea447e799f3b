DROP TABLE audit_log;
DROP TABLE plan_prices;
DROP TABLE plans;
DROP TABLE refresh_tokens;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE settings;
