-- Circles and consent decisions (S3): a circle is a named group with a sealed space of its own;
-- its members describe drivers, answer proposals (kept as numbered versions) in consent rounds,
-- raise objections that are resolved or integrated, and keep agreements with a review date.
-- Every step is a row of decision_history, read by the circle only.

CREATE TABLE circles (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    -- circle | implementation | pod | superpod | academy
    kind TEXT NOT NULL,
    space_id TEXT NOT NULL REFERENCES spaces (id),
    -- The superpod is linked to the Academy circle, which answers its agreements.
    linked_circle_id TEXT REFERENCES circles (id),
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX circles_kind_idx ON circles (kind, created_at, id);

CREATE TABLE circle_members (
    circle_id TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- member (answers rounds) | mentor (reads only)
    role TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (circle_id, user_id)
);
CREATE INDEX circle_members_user_idx ON circle_members (user_id, circle_id);

CREATE TABLE drivers (
    id TEXT PRIMARY KEY NOT NULL,
    circle_id TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    author_id TEXT REFERENCES users (id),
    situation TEXT NOT NULL,
    effect TEXT NOT NULL,
    need TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX drivers_circle_idx ON drivers (circle_id, created_at, id);

CREATE TABLE proposals (
    id TEXT PRIMARY KEY NOT NULL,
    circle_id TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    driver_id TEXT NOT NULL REFERENCES drivers (id),
    author_id TEXT REFERENCES users (id),
    title TEXT NOT NULL,
    -- draft | in_round | agreed | objected
    status TEXT NOT NULL,
    -- What the proposal decides beyond its text, acted on when it becomes an agreement
    -- (delegate: subject_id is the user; badge_class: the class).
    subject_kind TEXT,
    subject_id TEXT,
    -- programming | enrolment | scheduling: superpod agreements the Academy circle answers.
    topic TEXT,
    supersedes_id TEXT,
    review_after_days INTEGER NOT NULL CHECK (review_after_days > 0),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX proposals_driver_idx ON proposals (driver_id, created_at, id);
CREATE INDEX proposals_circle_idx ON proposals (circle_id, created_at, id);

CREATE TABLE proposal_versions (
    id TEXT PRIMARY KEY NOT NULL,
    proposal_id TEXT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    body TEXT NOT NULL,
    author_id TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (proposal_id, number)
);

CREATE TABLE consent_rounds (
    id TEXT PRIMARY KEY NOT NULL,
    proposal_id TEXT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    -- Set on a review round of an agreement.
    agreement_id TEXT,
    version_id TEXT NOT NULL REFERENCES proposal_versions (id),
    opened_by TEXT REFERENCES users (id),
    opened_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    -- open | agreed | objected | amended
    status TEXT NOT NULL,
    closed_at TIMESTAMP
);
CREATE INDEX consent_rounds_proposal_idx ON consent_rounds (proposal_id, opened_at, id);
CREATE INDEX consent_rounds_due_idx ON consent_rounds (status, closes_at);

CREATE TABLE round_answers (
    round_id TEXT NOT NULL REFERENCES consent_rounds (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id),
    -- consent | concern | objection
    answer TEXT NOT NULL,
    note TEXT,
    answered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (round_id, user_id)
);
CREATE INDEX round_answers_user_idx ON round_answers (user_id);

CREATE TABLE objections (
    id TEXT PRIMARY KEY NOT NULL,
    round_id TEXT NOT NULL REFERENCES consent_rounds (id) ON DELETE CASCADE,
    proposal_id TEXT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    objector_id TEXT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL,
    -- standing | resolved | integrated | withdrawn
    status TEXT NOT NULL,
    integrated_version_id TEXT REFERENCES proposal_versions (id),
    created_at TIMESTAMP NOT NULL,
    settled_at TIMESTAMP,
    UNIQUE (round_id, objector_id)
);
CREATE INDEX objections_proposal_idx ON objections (proposal_id, created_at, id);
CREATE INDEX objections_objector_idx ON objections (objector_id);

CREATE TABLE agreements (
    id TEXT PRIMARY KEY NOT NULL,
    circle_id TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    proposal_id TEXT NOT NULL UNIQUE REFERENCES proposals (id),
    version_id TEXT NOT NULL REFERENCES proposal_versions (id),
    -- active | superseded | retired
    status TEXT NOT NULL,
    review_at TIMESTAMP NOT NULL,
    -- The review date the circle was last reminded of (one reminder per review date).
    reminded_for TIMESTAMP,
    superseded_by TEXT REFERENCES agreements (id),
    agreed_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agreements_circle_idx ON agreements (circle_id, agreed_at, id);
CREATE INDEX agreements_review_idx ON agreements (status, review_at);

CREATE TABLE decision_history (
    id TEXT PRIMARY KEY NOT NULL,
    circle_id TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    proposal_id TEXT,
    agreement_id TEXT,
    actor_id TEXT REFERENCES users (id),
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX decision_history_proposal_idx ON decision_history (proposal_id, at, id);
CREATE INDEX decision_history_agreement_idx ON decision_history (agreement_id, at, id);
CREATE INDEX decision_history_actor_idx ON decision_history (actor_id);
