-- Notification mail: how each member wants to hear by mail about their notifications (at once,
-- or a daily or weekly digest at 07:00 in their time zone), and which notifications a mail has
-- covered, so each is mailed once. No row means no notification mail: members opt in.
CREATE TABLE notification_mail_settings (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    delivery TEXT NOT NULL CHECK (delivery IN ('immediate', 'daily', 'weekly')),
    mail_enabled BOOLEAN NOT NULL DEFAULT 1,
    -- Only notifications created from here on are mailed (no backlog when mail is turned on).
    mail_since TIMESTAMP NOT NULL,
    -- When the next digest is due (UTC); NULL for immediate delivery.
    next_digest_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
-- The job finds the digests due by delivery and time.
CREATE INDEX notification_mail_settings_due ON notification_mail_settings (delivery, next_digest_at);

CREATE TABLE notification_mailings (
    notification_id TEXT PRIMARY KEY NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- NULL: withheld, as the member could not read its space when it was due (immediate delivery).
    outbox_id TEXT,
    mailed_at TIMESTAMP NOT NULL
);
CREATE INDEX notification_mailings_user ON notification_mailings (user_id, mailed_at);
