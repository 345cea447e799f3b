-- Mentor matching for the Academy. Any member may publish a mentor profile; hosts match a
-- mentor with a confirmed enrolment. A mentee holds place n of its mentor, and
-- (mentor_id, place) is unique, so two hosts confirming the last place at once can never both
-- win, whatever the engine (the profile row is also locked while places are counted).

CREATE TABLE academy_mentor_profiles (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- ISO 639-1 codes, comma-separated.
    languages TEXT NOT NULL,
    -- IANA zone name.
    time_zone TEXT NOT NULL,
    -- Lower-case topics, one per line.
    topics TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 0 AND capacity <= 50),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The confirmed mentor of an enrolment: one per enrolment.
CREATE TABLE academy_mentorships (
    enrolment_id TEXT PRIMARY KEY NOT NULL REFERENCES academy_enrolments (id) ON DELETE CASCADE,
    mentor_id TEXT NOT NULL REFERENCES academy_mentor_profiles (user_id) ON DELETE CASCADE,
    place INTEGER NOT NULL CHECK (place > 0),
    matched_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    matched_at TIMESTAMP NOT NULL,
    UNIQUE (mentor_id, place)
);
-- A mentor's mentees, oldest match first (keyset pages).
CREATE INDEX academy_mentorships_mentor_idx ON academy_mentorships (mentor_id, matched_at, enrolment_id);

-- What an enrolment wants its mentor to know about, lower case.
CREATE TABLE academy_enrolment_topics (
    enrolment_id TEXT NOT NULL REFERENCES academy_enrolments (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    PRIMARY KEY (enrolment_id, topic)
);
