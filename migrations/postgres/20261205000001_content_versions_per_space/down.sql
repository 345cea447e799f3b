DROP TRIGGER posts_version_insert ON posts;
DROP TRIGGER posts_version_update ON posts;
DROP TRIGGER posts_version_delete ON posts;
DROP TRIGGER post_topics_version_insert ON post_topics;
DROP TRIGGER post_topics_version_delete ON post_topics;
DROP TRIGGER comments_version_insert ON comments;
DROP TRIGGER comments_version_update ON comments;
DROP TRIGGER comments_version_delete ON comments;
DROP TRIGGER reactions_version_insert ON reactions;
DROP TRIGGER reactions_version_delete ON reactions;
DROP TRIGGER users_version_update ON users;
DROP TRIGGER users_version_delete ON users;
DROP TRIGGER spaces_version ON spaces;
DROP TRIGGER space_plans_version ON space_plans;
DROP TRIGGER space_follows_version ON space_follows;
DROP TRIGGER topic_follows_version ON topic_follows;
DROP FUNCTION bump_posts_versions();
DROP FUNCTION bump_posts_moved_versions();
DROP FUNCTION bump_post_topics_versions();
DROP FUNCTION bump_comments_versions();
DROP FUNCTION bump_reactions_versions();
DROP FUNCTION bump_named_version();
DELETE FROM content_versions WHERE name <> 'shared';
UPDATE content_versions SET name = 'content' WHERE name = 'shared';

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
