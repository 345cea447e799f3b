-- A counter that every write to what a list of posts shows moves forward (posts, their
-- topics, comments, reactions, authors' names, spaces and their plans, follows), in the writing
-- transaction. Each API node keeps rendered pages tagged with the counter they were built at
-- and checks it per request, so a write on any node makes every node's cached pages stale.
CREATE TABLE content_versions (
    name TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO content_versions (name, version) VALUES ('content', 0);

CREATE FUNCTION bump_content_version() RETURNS trigger AS $$
BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER posts_content AFTER INSERT OR UPDATE OR DELETE ON posts
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER post_topics_content AFTER INSERT OR DELETE ON post_topics
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER comments_content AFTER INSERT OR UPDATE OR DELETE ON comments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER reactions_content AFTER INSERT OR DELETE ON reactions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER users_content_update AFTER UPDATE OF display_name ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER users_content_delete AFTER DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER spaces_content AFTER INSERT OR UPDATE OR DELETE ON spaces
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
-- Which plans open a space, and what a member follows (their feed).
CREATE TRIGGER space_plans_content AFTER INSERT OR UPDATE OR DELETE ON space_plans
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER space_follows_content AFTER INSERT OR UPDATE OR DELETE ON space_follows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER topic_follows_content AFTER INSERT OR UPDATE OR DELETE ON topic_follows
    FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
