-- Learning: Q&A questions on events, recordings with chapters, assignments with submissions and
-- feedback, and the resource library. Instants are UTC; each list has an index in its order.

CREATE TABLE questions (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    -- Kept with the votes in one transaction, so the list can be ordered and paged by it.
    vote_count INTEGER NOT NULL DEFAULT 0,
    answered_at TIMESTAMP,
    answered_by TEXT REFERENCES users (id),
    recording_seconds INTEGER CHECK (recording_seconds >= 0),
    answer_note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX questions_event_votes_idx ON questions (event_id, vote_count DESC, created_at, id);

CREATE TABLE question_votes (
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE INDEX question_votes_user_idx ON question_votes (user_id);

CREATE TABLE recordings (
    event_id TEXT PRIMARY KEY NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    video_url TEXT NOT NULL,
    duration_seconds INTEGER NOT NULL CHECK (duration_seconds > 0),
    updated_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE recording_chapters (
    event_id TEXT NOT NULL REFERENCES recordings (event_id) ON DELETE CASCADE,
    start_seconds INTEGER NOT NULL CHECK (start_seconds >= 0),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (event_id, start_seconds)
);

CREATE TABLE assignments (
    id TEXT PRIMARY KEY NOT NULL,
    space_id TEXT NOT NULL REFERENCES spaces (id),
    theme_id TEXT REFERENCES themes (id),
    title TEXT NOT NULL,
    instructions TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX assignments_due_idx ON assignments (due_at DESC, id DESC);
CREATE INDEX assignments_space_due_idx ON assignments (space_id, due_at DESC, id DESC);

CREATE TABLE submissions (
    id TEXT PRIMARY KEY NOT NULL,
    assignment_id TEXT NOT NULL REFERENCES assignments (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('private', 'shared')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX submissions_one_per_member_idx ON submissions (assignment_id, author_id);
CREATE INDEX submissions_assignment_idx ON submissions (assignment_id, created_at, id);

CREATE TABLE submission_feedback (
    id TEXT PRIMARY KEY NOT NULL,
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX submission_feedback_submission_idx ON submission_feedback (submission_id, created_at, id);

CREATE TABLE resources (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('article', 'case_study', 'interview', 'course', 'coaching_package')),
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body_or_url TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('en', 'es')),
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'space')),
    space_id TEXT REFERENCES spaces (id),
    org_type TEXT,
    -- Translations of one another share a group (the id of the first one); one per language.
    translation_group TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((visibility = 'space') = (space_id IS NOT NULL))
);
CREATE INDEX resources_created_idx ON resources (created_at DESC, id DESC);
CREATE INDEX resources_lang_kind_idx ON resources (language, kind, created_at DESC, id DESC);
CREATE UNIQUE INDEX resources_translation_idx ON resources (translation_group, language);
