-- Content versions per space instead of one global counter: a write in one space makes only
-- that space's cached pages (and the members' feeds) stale, and on PostgreSQL concurrent writers
-- in different spaces no longer queue on one row. Rows: `space:<space id>` (its posts, their
-- topics, comments and reactions), `shared` (authors' names, spaces and the plans that open
-- them: everything any page may show) and `follows` (what members follow: their feeds only).
-- A space page is current at version(shared) + version(space:<id>); a feed at the sum of all.

DROP TRIGGER space_plans_content ON space_plans;
DROP TRIGGER space_follows_content ON space_follows;
DROP TRIGGER topic_follows_content ON topic_follows;
DROP TRIGGER posts_content ON posts;
DROP TRIGGER post_topics_content ON post_topics;
DROP TRIGGER comments_content ON comments;
DROP TRIGGER reactions_content ON reactions;
DROP TRIGGER users_content_update ON users;
DROP TRIGGER users_content_delete ON users;
DROP TRIGGER spaces_content ON spaces;
DROP FUNCTION bump_content_version();

UPDATE content_versions SET name = 'shared' WHERE name = 'content';

CREATE FUNCTION bump_posts_versions() RETURNS trigger AS $$
BEGIN
    INSERT INTO content_versions (name, version)
    SELECT DISTINCT 'space:' || space_id, 1 FROM (SELECT space_id FROM changed) AS touched WHERE space_id IS NOT NULL
    ON CONFLICT (name) DO UPDATE SET version = content_versions.version + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION bump_posts_moved_versions() RETURNS trigger AS $$
BEGIN
    INSERT INTO content_versions (name, version)
    SELECT DISTINCT 'space:' || space_id, 1 FROM (SELECT space_id FROM changed UNION SELECT space_id FROM previous) AS touched WHERE space_id IS NOT NULL
    ON CONFLICT (name) DO UPDATE SET version = content_versions.version + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION bump_post_topics_versions() RETURNS trigger AS $$
BEGIN
    INSERT INTO content_versions (name, version)
    SELECT DISTINCT 'space:' || space_id, 1 FROM (SELECT p.space_id FROM changed t JOIN posts p ON p.id = t.post_id) AS touched WHERE space_id IS NOT NULL
    ON CONFLICT (name) DO UPDATE SET version = content_versions.version + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION bump_comments_versions() RETURNS trigger AS $$
BEGIN
    INSERT INTO content_versions (name, version)
    SELECT DISTINCT 'space:' || space_id, 1 FROM (SELECT p.space_id FROM changed c JOIN posts p ON p.id = c.post_id) AS touched WHERE space_id IS NOT NULL
    ON CONFLICT (name) DO UPDATE SET version = content_versions.version + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION bump_reactions_versions() RETURNS trigger AS $$
BEGIN
    INSERT INTO content_versions (name, version)
    SELECT DISTINCT 'space:' || space_id, 1 FROM (SELECT p.space_id FROM changed r JOIN posts p ON r.target_type = 'post' AND p.id = r.target_id UNION SELECT p.space_id FROM changed r JOIN comments c ON r.target_type = 'comment' AND c.id = r.target_id JOIN posts p ON p.id = c.post_id) AS touched WHERE space_id IS NOT NULL
    ON CONFLICT (name) DO UPDATE SET version = content_versions.version + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION bump_named_version() RETURNS trigger AS $$
BEGIN
    INSERT INTO content_versions (name, version) VALUES (TG_ARGV[0], 1)
    ON CONFLICT (name) DO UPDATE SET version = content_versions.version + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER posts_version_insert AFTER INSERT ON posts
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_posts_versions();
CREATE TRIGGER posts_version_update AFTER UPDATE ON posts
    REFERENCING OLD TABLE AS previous NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_posts_moved_versions();
CREATE TRIGGER posts_version_delete AFTER DELETE ON posts
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_posts_versions();
CREATE TRIGGER post_topics_version_insert AFTER INSERT ON post_topics
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_post_topics_versions();
CREATE TRIGGER post_topics_version_delete AFTER DELETE ON post_topics
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_post_topics_versions();
CREATE TRIGGER comments_version_insert AFTER INSERT ON comments
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_comments_versions();
CREATE TRIGGER comments_version_update AFTER UPDATE ON comments
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_comments_versions();
CREATE TRIGGER comments_version_delete AFTER DELETE ON comments
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_comments_versions();
CREATE TRIGGER reactions_version_insert AFTER INSERT ON reactions
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_reactions_versions();
CREATE TRIGGER reactions_version_delete AFTER DELETE ON reactions
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_reactions_versions();
CREATE TRIGGER users_version_update AFTER UPDATE OF display_name ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_named_version('shared');
CREATE TRIGGER users_version_delete AFTER DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_named_version('shared');
CREATE TRIGGER spaces_version AFTER INSERT OR UPDATE OR DELETE ON spaces
    FOR EACH STATEMENT EXECUTE FUNCTION bump_named_version('shared');
CREATE TRIGGER space_plans_version AFTER INSERT OR UPDATE OR DELETE ON space_plans
    FOR EACH STATEMENT EXECUTE FUNCTION bump_named_version('shared');
CREATE TRIGGER space_follows_version AFTER INSERT OR UPDATE OR DELETE ON space_follows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_named_version('follows');
CREATE TRIGGER topic_follows_version AFTER INSERT OR UPDATE OR DELETE ON topic_follows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_named_version('follows');
