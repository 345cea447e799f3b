-- Events: monthly themes, recurring series and their occurrences, RSVPs.
-- Instants are UTC; a series keeps its wall-clock time in its own IANA time zone.

CREATE TABLE themes (
    id TEXT PRIMARY KEY NOT NULL,
    month TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    space_id TEXT NOT NULL REFERENCES spaces (id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX themes_month_space_idx ON themes (space_id, month);
CREATE INDEX themes_month_idx ON themes (month DESC, id DESC);

CREATE TABLE event_series (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('community_meetup', 'learning_session', 'qa_session', 'pro_meetup', 'supervision', 'intervision')),
    format TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    space_id TEXT NOT NULL REFERENCES spaces (id),
    theme_id TEXT REFERENCES themes (id),
    join_url TEXT NOT NULL,
    capacity INTEGER,
    host_id TEXT REFERENCES users (id),
    time_zone TEXT NOT NULL,
    -- Wall-clock start in `time_zone`, e.g. '18:00', and length.
    local_start TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    frequency TEXT NOT NULL CHECK (frequency IN ('weekly', 'monthly')),
    repeat_interval INTEGER NOT NULL DEFAULT 1 CHECK (repeat_interval >= 1),
    -- Comma-separated weekdays: 'mo,we'.
    by_weekday TEXT NOT NULL,
    -- Monthly: 1..4 for the n-th weekday, -1 for the last one.
    week_of_month INTEGER,
    starts_on TEXT NOT NULL,
    until_date TEXT,
    occurrence_count INTEGER,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Single events, and changed or cancelled occurrences of a series (series_id and
-- original_start name the occurrence they replace).
CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    series_id TEXT REFERENCES event_series (id) ON DELETE CASCADE,
    original_start TIMESTAMP,
    kind TEXT NOT NULL CHECK (kind IN ('community_meetup', 'learning_session', 'qa_session', 'pro_meetup', 'supervision', 'intervision')),
    format TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    space_id TEXT NOT NULL REFERENCES spaces (id),
    theme_id TEXT REFERENCES themes (id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    time_zone TEXT NOT NULL,
    join_url TEXT NOT NULL,
    capacity INTEGER,
    host_id TEXT REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX events_start_idx ON events (starts_at, id);
CREATE INDEX events_space_start_idx ON events (space_id, starts_at, id);
CREATE UNIQUE INDEX events_series_occurrence_idx ON events (series_id, original_start);

CREATE TABLE event_rsvps (
    event_id TEXT NOT NULL,
    -- For a series occurrence without its own row: the occurrence's start.
    occurrence_start TIMESTAMP NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, occurrence_start, user_id)
);
CREATE INDEX event_rsvps_user_idx ON event_rsvps (user_id);
