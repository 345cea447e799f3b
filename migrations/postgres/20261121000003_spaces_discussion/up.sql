-- Spaces and confidentiality: spaces and who may enter them, terms and their acceptance,
-- posts, comments, reactions, topics, follows, notifications, direct messages and reports.

CREATE TABLE spaces (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'members', 'plans', 'invite', 'sealed')),
    built_in BOOLEAN NOT NULL,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE space_plans (
    space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    plan_slug TEXT NOT NULL REFERENCES plans (slug),
    PRIMARY KEY (space_id, plan_slug)
);

-- Named participants of `invite` and `sealed` spaces.
CREATE TABLE space_members (
    space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_by TEXT,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (space_id, user_id)
);
CREATE INDEX space_members_user_idx ON space_members (user_id);

CREATE TABLE terms_versions (
    version TEXT PRIMARY KEY NOT NULL,
    terms TEXT NOT NULL,
    member_guidelines TEXT NOT NULL,
    confidentiality TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by TEXT
);
CREATE INDEX terms_versions_published_idx ON terms_versions (published_at DESC);

CREATE TABLE terms_acceptances (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    version TEXT NOT NULL REFERENCES terms_versions (version),
    accepted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, version)
);

CREATE TABLE topics (
    slug TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE posts (
    id TEXT PRIMARY KEY NOT NULL,
    space_id TEXT NOT NULL REFERENCES spaces (id),
    author_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('article', 'question', 'discussion')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('published', 'hidden', 'deleted')),
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    crossposted_from TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP
);
CREATE INDEX posts_space_idx ON posts (space_id, created_at DESC, id DESC);
CREATE INDEX posts_feed_idx ON posts (created_at DESC, id DESC);
CREATE INDEX posts_author_idx ON posts (author_id);

CREATE TABLE post_topics (
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    topic_slug TEXT NOT NULL REFERENCES topics (slug),
    PRIMARY KEY (post_id, topic_slug)
);
CREATE INDEX post_topics_topic_idx ON post_topics (topic_slug, post_id);

CREATE TABLE comments (
    id TEXT PRIMARY KEY NOT NULL,
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    parent_id TEXT REFERENCES comments (id),
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('published', 'hidden', 'deleted')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP
);
CREATE INDEX comments_post_idx ON comments (post_id, created_at, id);

CREATE TABLE reactions (
    target_type TEXT NOT NULL CHECK (target_type IN ('post', 'comment')),
    target_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (target_type, target_id, user_id, kind)
);

CREATE TABLE topic_follows (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic_slug TEXT NOT NULL REFERENCES topics (slug) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, topic_slug)
);

CREATE TABLE space_follows (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, space_id)
);

CREATE TABLE notification_settings (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    level TEXT NOT NULL CHECK (level IN ('all', 'mentions', 'muted')),
    PRIMARY KEY (user_id, space_id)
);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'mention', 'new_post')),
    actor_id TEXT,
    space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    post_id TEXT REFERENCES posts (id) ON DELETE CASCADE,
    comment_id TEXT REFERENCES comments (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);

CREATE TABLE conversations (
    id TEXT PRIMARY KEY NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_message_at TIMESTAMP NOT NULL
);

CREATE TABLE conversation_participants (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at TIMESTAMP NOT NULL,
    last_read_at TIMESTAMP,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_participants_user_idx ON conversation_participants (user_id, conversation_id);

CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at DESC, id DESC);

CREATE TABLE user_blocks (
    blocker_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);

CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    reporter_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject_type TEXT NOT NULL CHECK (subject_type IN ('post', 'comment', 'message')),
    subject_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolution_note TEXT,
    resolved_by TEXT,
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP
);
CREATE INDEX reports_status_idx ON reports (status, created_at DESC, id DESC);

-- The spaces every community starts with.
INSERT INTO spaces (id, slug, name, description, visibility, built_in, created_by, created_at, updated_at) VALUES
    ('space-lobby', 'lobby', 'Lobby', 'The public square: anyone may read; members post.', 'public', TRUE, NULL, (now() AT TIME ZONE 'utc'), (now() AT TIME ZONE 'utc')),
    ('space-lobby-members', 'lobby-members', 'Lobby members room', 'For every registered member.', 'members', TRUE, NULL, (now() AT TIME ZONE 'utc'), (now() AT TIME ZONE 'utc')),
    ('space-practitioner-lounge', 'practitioner-lounge', 'Practitioner Lounge', 'For Practitioner and PRO members.', 'plans', TRUE, NULL, (now() AT TIME ZONE 'utc'), (now() AT TIME ZONE 'utc')),
    ('space-pro-lounge', 'pro-lounge', 'PRO Lounge', 'For PRO members.', 'plans', TRUE, NULL, (now() AT TIME ZONE 'utc'), (now() AT TIME ZONE 'utc'));
INSERT INTO space_plans (space_id, plan_slug) VALUES
    ('space-practitioner-lounge', 'practitioner'),
    ('space-practitioner-lounge', 'pro'),
    ('space-pro-lounge', 'pro');

-- The first version of the terms; admins publish new ones with POST /api/v1/admin/terms.
INSERT INTO terms_versions (version, terms, member_guidelines, confidentiality, published_at, published_by) VALUES
    ('2026-01',
     'By joining a group or room of the community you agree to these Terms and Conditions, which include the Member Guidelines and the Terms of Confidentiality below.',
     'Practise what we learn: bring drivers, raise objections as gifts, keep agreements, and help others learn. Be kind; disagree with ideas, never with people.',
     'Content generated in specific groups or rooms is only accessible to members of that group or room. Do not share it outside. Only its author may move or cross-post their own content out of a private space.',
     (now() AT TIME ZONE 'utc'), NULL);

INSERT INTO topics (slug, name, description, created_at) VALUES
    ('consent', 'Consent decision-making', 'Proposals, objections and how to resolve them.', (now() AT TIME ZONE 'utc')),
    ('drivers', 'Drivers', 'Describing and navigating organisational drivers.', (now() AT TIME ZONE 'utc')),
    ('roles-and-circles', 'Roles and circles', 'Domains, roles, circles and delegation.', (now() AT TIME ZONE 'utc')),
    ('facilitation', 'Facilitation', 'Running meetings and retrospectives.', (now() AT TIME ZONE 'utc'));

-- Full-text search over posts and comments: generated tsvector columns with GIN indexes.
ALTER TABLE posts ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || body)) STORED;
CREATE INDEX posts_search_idx ON posts USING GIN (search_vector);
ALTER TABLE comments ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED;
CREATE INDEX comments_search_idx ON comments USING GIN (search_vector);
