DROP TABLE event_feedback;
