-- The e-course: courses of ordered modules of ordered lessons, in one language each, with their
-- translations sharing a group (the original's id); entitlements that open a course (by group)
-- to a member; and each member's progress, exercise answers and completion records.

CREATE TABLE courses (
    id TEXT PRIMARY KEY NOT NULL,
    translation_group TEXT NOT NULL,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    -- Opened by a member's first paid yearly subscription.
    included_with_yearly BOOLEAN NOT NULL DEFAULT TRUE,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (translation_group, language)
);
CREATE INDEX courses_created_idx ON courses (created_at DESC, id DESC);

CREATE TABLE course_modules (
    id TEXT PRIMARY KEY NOT NULL,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX course_modules_course_idx ON course_modules (course_id, position, id);

CREATE TABLE lessons (
    id TEXT PRIMARY KEY NOT NULL,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    module_id TEXT NOT NULL REFERENCES course_modules (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    video_url TEXT,
    duration_seconds INTEGER CHECK (duration_seconds > 0),
    body TEXT NOT NULL,
    exercise_prompt TEXT,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX lessons_module_idx ON lessons (module_id, position, id);
CREATE INDEX lessons_course_idx ON lessons (course_id);

CREATE TABLE course_entitlements (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The course's translation group: an entitlement opens every language of it.
    course_id TEXT NOT NULL,
    source TEXT NOT NULL,
    -- The payment (subscription, purchase) or the audit entry's subject (grant) behind it.
    source_id TEXT,
    reason TEXT,
    granted_by TEXT REFERENCES users (id),
    granted_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX course_entitlements_user_idx ON course_entitlements (user_id, course_id);
CREATE INDEX course_entitlements_source_idx ON course_entitlements (source_id);

CREATE TABLE lesson_progress (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lesson_id TEXT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position_seconds INTEGER NOT NULL DEFAULT 0 CHECK (position_seconds >= 0),
    started_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, lesson_id)
);
CREATE INDEX lesson_progress_course_idx ON lesson_progress (user_id, course_id);

CREATE TABLE exercise_answers (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lesson_id TEXT NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    answer TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, lesson_id)
);
CREATE INDEX exercise_answers_lesson_idx ON exercise_answers (lesson_id, updated_at DESC, user_id);

CREATE TABLE course_completions (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    completed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, course_id)
);
