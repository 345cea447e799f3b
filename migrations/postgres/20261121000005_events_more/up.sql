-- Event reminders: whether a member wants them, and which were queued (each exactly once).

CREATE TABLE event_reminder_settings (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    enabled BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One row per reminder queued for an RSVP; the primary key makes a second one impossible even
-- when two nodes run the job at once.
CREATE TABLE event_reminders_sent (
    event_id TEXT NOT NULL,
    occurrence_start TIMESTAMP NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reminder TEXT NOT NULL CHECK (reminder IN ('24h', '1h')),
    queued_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, occurrence_start, user_id, reminder)
);
