-- Messages from the public contact form: personal data of their senders, by address.
CREATE TABLE contact_messages (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX contact_messages_page_idx ON contact_messages (created_at DESC, id DESC);
CREATE INDEX contact_messages_email_idx ON contact_messages (email);

-- Where answers to a message go (the contact form's sender); NULL for our own mail.
ALTER TABLE outbox ADD COLUMN reply_to TEXT;
