DROP TABLE event_reminders_sent;
DROP TABLE event_reminder_settings;
