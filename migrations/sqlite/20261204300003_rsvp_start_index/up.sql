-- The reminder job reads the RSVPs and the reminders queued in a window of original starts
-- around now: by these, its cost does not grow with the history.
CREATE INDEX event_rsvps_start_idx ON event_rsvps (occurrence_start, event_id, user_id);
CREATE INDEX event_reminders_sent_start_idx ON event_reminders_sent (occurrence_start);
