-- A counter that every write to what a list of posts shows moves forward (posts, their
-- topics, comments, reactions, authors' names, spaces and their plans, follows), in the writing
-- transaction. Each API node keeps rendered pages tagged with the counter they were built at
-- and checks it per request, so a write on any node makes every node's cached pages stale.
CREATE TABLE content_versions (
    name TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO content_versions (name, version) VALUES ('content', 0);

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
