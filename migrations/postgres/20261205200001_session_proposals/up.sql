-- PRO give-back: a PRO member proposes a session; a host accepts it (an event the proposer
-- facilitates, and manages for that event only) or declines it with a note.
CREATE TABLE session_proposals (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    format TEXT NOT NULL,
    description TEXT NOT NULL,
    space TEXT NOT NULL,
    -- RFC 3339 UTC instants, comma-separated, as the proposer suggested them.
    proposed_times TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'declined')),
    note TEXT,
    event_id TEXT REFERENCES events (id),
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT REFERENCES users (id)
);
CREATE INDEX session_proposals_user_idx ON session_proposals (user_id, created_at DESC, id DESC);
CREATE INDEX session_proposals_status_idx ON session_proposals (status, created_at DESC, id DESC);

ALTER TABLE events ADD COLUMN facilitator_id TEXT REFERENCES users (id);
CREATE INDEX events_facilitator_idx ON events (facilitator_id, starts_at DESC, id DESC);
CREATE INDEX event_rsvps_event_created_idx ON event_rsvps (event_id, occurrence_start, created_at, user_id);
