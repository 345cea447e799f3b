-- The mailing list: people (members or not) who asked for the newsletter by address, with
-- double opt-in. Personal data, exported and erased by address.
CREATE TABLE newsletter_subscribers (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    -- `en` or `es`: which issues they get.
    language TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- NULL until the mailed link is opened; only confirmed addresses get issues.
    confirmed_at TIMESTAMP,
    -- SHA-256 of the single-use confirm link's token, cleared when it is spent.
    token_hash TEXT,
    token_expires_at TIMESTAMP,
    -- The random token in every issue's unsubscribe link (it can only remove this address).
    unsubscribe_token TEXT NOT NULL UNIQUE
);
CREATE INDEX newsletter_subscribers_token_idx ON newsletter_subscribers (token_hash);
CREATE INDEX newsletter_subscribers_language_idx ON newsletter_subscribers (language, confirmed_at);
