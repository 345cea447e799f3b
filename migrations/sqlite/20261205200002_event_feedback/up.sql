-- Structured feedback on an event, once per attendee who RSVP'd (the key says so), given after
-- it ended; read by its facilitator and the hosts only. `anonymous` hides the giver from them.
CREATE TABLE event_feedback (
    event_id TEXT NOT NULL,
    occurrence_start TIMESTAMP NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    clarity INTEGER NOT NULL CHECK (clarity BETWEEN 1 AND 5),
    engagement INTEGER NOT NULL CHECK (engagement BETWEEN 1 AND 5),
    usefulness INTEGER NOT NULL CHECK (usefulness BETWEEN 1 AND 5),
    worked TEXT NOT NULL,
    try_next TEXT NOT NULL,
    anonymous BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, occurrence_start, user_id)
);
CREATE INDEX event_feedback_user_idx ON event_feedback (user_id);
