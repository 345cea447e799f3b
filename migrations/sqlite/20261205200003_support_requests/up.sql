-- On-demand support for PRO members: a request with a private thread between the member and
-- the hosts. `first_response_at` is when a host first wrote in the thread (hosts' figure).
CREATE TABLE support_requests (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    topic TEXT NOT NULL,
    body TEXT NOT NULL,
    urgency TEXT NOT NULL CHECK (urgency IN ('low', 'normal', 'high')),
    status TEXT NOT NULL CHECK (status IN ('open', 'answered', 'resolved', 'withdrawn')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    first_response_at TIMESTAMP,
    first_response_seconds BIGINT
);
CREATE INDEX support_requests_user_idx ON support_requests (user_id, created_at DESC, id DESC);
CREATE INDEX support_requests_status_idx ON support_requests (status, created_at DESC, id DESC);
CREATE INDEX support_requests_created_idx ON support_requests (created_at);
CREATE INDEX support_requests_user_created_idx ON support_requests (user_id, created_at);

CREATE TABLE support_messages (
    id TEXT PRIMARY KEY NOT NULL,
    request_id TEXT NOT NULL REFERENCES support_requests (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id),
    from_host BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX support_messages_request_idx ON support_messages (request_id, created_at, id);
CREATE INDEX support_messages_author_idx ON support_messages (author_id);
