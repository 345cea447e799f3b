-- Badges awarded by peer consent. A class states what it certifies (criteria, skills) and how
-- many reviewers must consent; a student proposes one (`proposed` until the superpod agrees) or
-- a host creates one (`active`). A request gathers evidence and reviews; an objection stands
-- until its author resolves it (`resolved_at`, `resolution`). At most one award per request:
-- the unique index decides between concurrent last consents.
CREATE TABLE badge_classes (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    criteria TEXT NOT NULL,
    skills TEXT NOT NULL,
    required_reviewers INTEGER NOT NULL CHECK (required_reviewers BETWEEN 1 AND 20),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'retired')),
    proposed_by TEXT REFERENCES users (id),
    proposal_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX badge_classes_name_idx ON badge_classes (lower(name));
CREATE INDEX badge_classes_list_idx ON badge_classes (status, created_at, id);
CREATE INDEX badge_classes_proposal_idx ON badge_classes (proposal_id);

CREATE TABLE badge_requests (
    id TEXT PRIMARY KEY NOT NULL,
    badge_class_id TEXT NOT NULL REFERENCES badge_classes (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'awarded')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX badge_requests_one_open_idx ON badge_requests (badge_class_id, user_id) WHERE status = 'open';
CREATE INDEX badge_requests_user_idx ON badge_requests (user_id, created_at);

CREATE TABLE badge_evidence (
    id TEXT PRIMARY KEY NOT NULL,
    request_id TEXT NOT NULL REFERENCES badge_requests (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    url TEXT,
    added_at TIMESTAMP NOT NULL
);
CREATE INDEX badge_evidence_request_idx ON badge_evidence (request_id, added_at, id);

CREATE TABLE badge_reviews (
    id TEXT PRIMARY KEY NOT NULL,
    request_id TEXT NOT NULL REFERENCES badge_requests (id) ON DELETE CASCADE,
    reviewer_id TEXT NOT NULL REFERENCES users (id),
    answer TEXT NOT NULL CHECK (answer IN ('consent', 'objection')),
    reason TEXT,
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolution TEXT CHECK (resolution IN ('resolved', 'consented', 'replaced'))
);
CREATE INDEX badge_reviews_request_idx ON badge_reviews (request_id, created_at, id);
CREATE INDEX badge_reviews_reviewer_idx ON badge_reviews (reviewer_id);

CREATE TABLE badge_awards (
    id TEXT PRIMARY KEY NOT NULL,
    badge_class_id TEXT NOT NULL REFERENCES badge_classes (id),
    request_id TEXT REFERENCES badge_requests (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id),
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'members', 'private')),
    awarded_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT,
    revoked_by TEXT
);
CREATE UNIQUE INDEX badge_awards_request_idx ON badge_awards (request_id);
CREATE UNIQUE INDEX badge_awards_one_held_idx ON badge_awards (badge_class_id, user_id) WHERE revoked_at IS NULL;
CREATE INDEX badge_awards_user_idx ON badge_awards (user_id, awarded_at, id);
