-- Content versions per space instead of one global counter: a write in one space makes only
-- that space's cached pages (and the members' feeds) stale, and on PostgreSQL concurrent writers
-- in different spaces no longer queue on one row. Rows: `space:<space id>` (its posts, their
-- topics, comments and reactions), `shared` (authors' names, spaces and the plans that open
-- them: everything any page may show) and `follows` (what members follow: their feeds only).
-- A space page is current at version(shared) + version(space:<id>); a feed at the sum of all.

DROP TRIGGER posts_content_insert;
DROP TRIGGER posts_content_update;
DROP TRIGGER posts_content_delete;
DROP TRIGGER post_topics_content_insert;
DROP TRIGGER post_topics_content_delete;
DROP TRIGGER comments_content_insert;
DROP TRIGGER comments_content_update;
DROP TRIGGER comments_content_delete;
DROP TRIGGER reactions_content_insert;
DROP TRIGGER reactions_content_delete;
DROP TRIGGER users_content_update;
DROP TRIGGER users_content_delete;
DROP TRIGGER spaces_content_insert;
DROP TRIGGER spaces_content_update;
DROP TRIGGER spaces_content_delete;
DROP TRIGGER space_plans_content_insert;
DROP TRIGGER space_plans_content_delete;
DROP TRIGGER space_follows_content_insert;
DROP TRIGGER space_follows_content_delete;
DROP TRIGGER topic_follows_content_insert;
DROP TRIGGER topic_follows_content_delete;

UPDATE content_versions SET name = 'shared' WHERE name = 'content';

CREATE TRIGGER posts_version_insert AFTER INSERT ON posts BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('space:' || NEW.space_id, 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER posts_version_update AFTER UPDATE ON posts BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('space:' || OLD.space_id, 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
    INSERT INTO content_versions (name, version) VALUES (COALESCE('space:' || NEW.space_id, 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER posts_version_delete AFTER DELETE ON posts BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('space:' || OLD.space_id, 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER post_topics_version_insert AFTER INSERT ON post_topics BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('space:' || (SELECT space_id FROM posts WHERE id = NEW.post_id), 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER post_topics_version_delete AFTER DELETE ON post_topics BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('space:' || (SELECT space_id FROM posts WHERE id = OLD.post_id), 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER comments_version_insert AFTER INSERT ON comments BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('space:' || (SELECT space_id FROM posts WHERE id = NEW.post_id), 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER comments_version_update AFTER UPDATE ON comments BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('space:' || (SELECT space_id FROM posts WHERE id = NEW.post_id), 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER comments_version_delete AFTER DELETE ON comments BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('space:' || (SELECT space_id FROM posts WHERE id = OLD.post_id), 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER reactions_version_insert AFTER INSERT ON reactions BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('space:' || CASE NEW.target_type WHEN 'post' THEN (SELECT space_id FROM posts WHERE id = NEW.target_id) ELSE (SELECT p.space_id FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = NEW.target_id) END, 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER reactions_version_delete AFTER DELETE ON reactions BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('space:' || CASE OLD.target_type WHEN 'post' THEN (SELECT space_id FROM posts WHERE id = OLD.target_id) ELSE (SELECT p.space_id FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = OLD.target_id) END, 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER users_version_update AFTER UPDATE OF display_name ON users BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('shared', 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER users_version_delete AFTER DELETE ON users BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('shared', 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER spaces_version_insert AFTER INSERT ON spaces BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('shared', 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER spaces_version_update AFTER UPDATE ON spaces BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('shared', 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER spaces_version_delete AFTER DELETE ON spaces BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('shared', 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER space_plans_version_insert AFTER INSERT ON space_plans BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('shared', 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER space_follows_version_insert AFTER INSERT ON space_follows BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('follows', 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER topic_follows_version_insert AFTER INSERT ON topic_follows BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('follows', 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER space_plans_version_delete AFTER DELETE ON space_plans BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('shared', 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER space_follows_version_delete AFTER DELETE ON space_follows BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('follows', 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER topic_follows_version_delete AFTER DELETE ON topic_follows BEGIN
    INSERT INTO content_versions (name, version) VALUES (COALESCE('follows', 'shared'), 1)
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
