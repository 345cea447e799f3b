DROP TABLE event_rsvps;
DROP TABLE events;
DROP TABLE event_series;
DROP TABLE themes;
