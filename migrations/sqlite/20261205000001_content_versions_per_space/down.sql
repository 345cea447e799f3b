DROP TRIGGER posts_version_insert;
DROP TRIGGER posts_version_update;
DROP TRIGGER posts_version_delete;
DROP TRIGGER post_topics_version_insert;
DROP TRIGGER post_topics_version_delete;
DROP TRIGGER comments_version_insert;
DROP TRIGGER comments_version_update;
DROP TRIGGER comments_version_delete;
DROP TRIGGER reactions_version_insert;
DROP TRIGGER reactions_version_delete;
DROP TRIGGER users_version_update;
DROP TRIGGER users_version_delete;
DROP TRIGGER spaces_version_insert;
DROP TRIGGER spaces_version_update;
DROP TRIGGER spaces_version_delete;
DROP TRIGGER space_plans_version_insert;
DROP TRIGGER space_follows_version_insert;
DROP TRIGGER topic_follows_version_insert;
DROP TRIGGER space_plans_version_delete;
DROP TRIGGER space_follows_version_delete;
DROP TRIGGER topic_follows_version_delete;
DELETE FROM content_versions WHERE name <> 'shared';
UPDATE content_versions SET name = 'content' WHERE name = 'shared';

CREATE TRIGGER posts_content_insert AFTER INSERT ON posts BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER posts_content_update AFTER UPDATE ON posts BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER posts_content_delete AFTER DELETE ON posts BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER post_topics_content_insert AFTER INSERT ON post_topics BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER post_topics_content_delete AFTER DELETE ON post_topics BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER comments_content_insert AFTER INSERT ON comments BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER comments_content_update AFTER UPDATE ON comments BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER comments_content_delete AFTER DELETE ON comments BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER reactions_content_insert AFTER INSERT ON reactions BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER reactions_content_delete AFTER DELETE ON reactions BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER users_content_update AFTER UPDATE OF display_name ON users BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER users_content_delete AFTER DELETE ON users BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER spaces_content_insert AFTER INSERT ON spaces BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER spaces_content_update AFTER UPDATE ON spaces BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER spaces_content_delete AFTER DELETE ON spaces BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
-- Which plans open a space, and what a member follows (their feed).
CREATE TRIGGER space_plans_content_insert AFTER INSERT ON space_plans BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER space_plans_content_delete AFTER DELETE ON space_plans BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER space_follows_content_insert AFTER INSERT ON space_follows BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER space_follows_content_delete AFTER DELETE ON space_follows BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER topic_follows_content_insert AFTER INSERT ON topic_follows BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
CREATE TRIGGER topic_follows_content_delete AFTER DELETE ON topic_follows BEGIN
    UPDATE content_versions SET version = version + 1 WHERE name = 'content';
END;
