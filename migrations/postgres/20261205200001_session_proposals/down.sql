DROP INDEX event_rsvps_event_created_idx;
DROP INDEX events_facilitator_idx;
ALTER TABLE events DROP COLUMN facilitator_id;
DROP TABLE session_proposals;
