-- Newsletter issues hosts write, and one delivery per confirmed subscriber of the issue's
-- language, moved into the mail outbox a few at a time (a budget per minute) by a job step.
CREATE TABLE newsletter_issues (
    id TEXT PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL,
    -- Markdown, as the host wrote it.
    body TEXT NOT NULL,
    language TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    -- Confirmed subscribers of the language when the issue was queued.
    recipients INTEGER NOT NULL
);
CREATE INDEX newsletter_issues_page_idx ON newsletter_issues (created_at DESC, id DESC);

-- Personal data (the address): erased with the subscriber.
CREATE TABLE newsletter_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    issue_id TEXT NOT NULL REFERENCES newsletter_issues (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- Set when the mail is put in the outbox.
    queued_at TIMESTAMP,
    outbox_id TEXT
);
CREATE INDEX newsletter_deliveries_waiting_idx ON newsletter_deliveries (queued_at, created_at, id);
CREATE INDEX newsletter_deliveries_issue_idx ON newsletter_deliveries (issue_id, outbox_id);
CREATE INDEX newsletter_deliveries_recipient_idx ON newsletter_deliveries (recipient);
