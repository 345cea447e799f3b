-- Foundation: settings, accounts, roles, refresh tokens, the plan catalogue and the audit log.
-- Instants are UTC, stored as TIMESTAMP without zone; ids are UUID text.
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    locale TEXT NOT NULL CHECK (locale IN ('en', 'es')),
    calendar_feed_token TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('host', 'admin')),
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    family_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE plans (
    slug TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    requires_application BOOLEAN NOT NULL,
    seat_limit INTEGER CHECK (seat_limit IS NULL OR seat_limit >= 0),
    currency TEXT NOT NULL,
    e_course_deduction_cents BIGINT NOT NULL CHECK (e_course_deduction_cents >= 0),
    position INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE plan_prices (
    plan_slug TEXT NOT NULL REFERENCES plans (slug),
    billing_period TEXT NOT NULL CHECK (billing_period IN ('monthly', 'yearly')),
    price_version TEXT NOT NULL CHECK (price_version IN ('regular', 'supporter')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (plan_slug, billing_period, price_version)
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);

-- Example prices in EUR cents; admins change them with PATCH /api/v1/admin/plans/{plan}.
INSERT INTO plans (slug, name, requires_application, seat_limit, currency, e_course_deduction_cents, position, updated_at) VALUES
    ('lobby', 'Lobby (Basic Membership)', FALSE, NULL, 'EUR', 0, 1, (now() AT TIME ZONE 'utc')),
    ('practitioner', 'Practitioner Lounge', FALSE, 150, 'EUR', 9900, 2, (now() AT TIME ZONE 'utc')),
    ('pro', 'PRO Lounge', TRUE, 50, 'EUR', 9900, 3, (now() AT TIME ZONE 'utc'));

INSERT INTO plan_prices (plan_slug, billing_period, price_version, amount_cents) VALUES
    ('practitioner', 'monthly', 'regular', 2500),
    ('practitioner', 'monthly', 'supporter', 4000),
    ('practitioner', 'yearly', 'regular', 25000),
    ('practitioner', 'yearly', 'supporter', 40000),
    ('pro', 'monthly', 'regular', 4900),
    ('pro', 'monthly', 'supporter', 7500),
    ('pro', 'yearly', 'regular', 49000),
    ('pro', 'yearly', 'supporter', 75000);
