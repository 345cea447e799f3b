-- The Sociocracy Academy's enrolments: an organisation enrols an implementation circle of 1-3
-- people; hosts confirm it into a cohort with a limited number of seats. A confirmed enrolment
-- holds seat n of its cohort, and (cohort_id, seat) is unique, so two confirmations racing for
-- the last seat can never both win, whatever the engine.

CREATE TABLE academy_cohorts (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE academy_enrolments (
    id TEXT PRIMARY KEY NOT NULL,
    requested_by TEXT REFERENCES users (id),
    org_name TEXT NOT NULL,
    org_size INTEGER NOT NULL CHECK (org_size > 0),
    org_sector TEXT NOT NULL,
    org_country TEXT NOT NULL,
    -- ISO 639 codes, comma-separated.
    org_languages TEXT NOT NULL,
    -- pending | confirmed
    status TEXT NOT NULL,
    cohort_id TEXT REFERENCES academy_cohorts (id),
    seat INTEGER,
    circle_id TEXT REFERENCES circles (id),
    confirmed_by TEXT REFERENCES users (id),
    confirmed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (cohort_id, seat)
);
CREATE INDEX academy_enrolments_status_idx ON academy_enrolments (status, created_at, id);

CREATE TABLE academy_enrolment_members (
    enrolment_id TEXT NOT NULL REFERENCES academy_enrolments (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (enrolment_id, user_id)
);
CREATE INDEX academy_enrolment_members_user_idx ON academy_enrolment_members (user_id);
