-- Resources on a monthly theme (its page lists them; `?theme_id=` filters the library), the
-- library filtered by organisation type (case studies), and the record of a resource a host
-- derived from a discussion: which post, in which space, never the post's text.
ALTER TABLE resources ADD COLUMN theme_id TEXT;
CREATE INDEX resources_theme_idx ON resources (theme_id, created_at DESC, id DESC);
CREATE INDEX resources_org_type_idx ON resources (org_type, created_at DESC, id DESC);
-- A theme's page finds the recordings of its events by theme.
CREATE INDEX events_theme_idx ON events (theme_id, starts_at, id);

CREATE TABLE resource_derivations (
    resource_id TEXT PRIMARY KEY NOT NULL REFERENCES resources (id),
    -- No foreign key: the record outlives a post its author deletes.
    post_id TEXT NOT NULL,
    post_space_id TEXT NOT NULL REFERENCES spaces (id),
    derived_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX resource_derivations_post_idx ON resource_derivations (post_id);
