DROP INDEX event_reminders_sent_start_idx;
DROP INDEX event_rsvps_start_idx;
