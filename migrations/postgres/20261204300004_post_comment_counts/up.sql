-- Published comments per post, kept on the post by triggers in the transaction that changes a
-- comment, so a page of posts reads its counts with the posts instead of counting comments.
ALTER TABLE posts ADD COLUMN comment_count BIGINT NOT NULL DEFAULT 0;
UPDATE posts SET comment_count = (
    SELECT COUNT(*) FROM comments c WHERE c.post_id = posts.id AND c.status = 'published'
);
CREATE FUNCTION count_post_comments() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        IF NEW.status = 'published' AND (TG_OP = 'INSERT' OR OLD.status <> 'published') THEN
            UPDATE posts SET comment_count = comment_count + 1 WHERE id = NEW.post_id;
        END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        IF OLD.status = 'published' AND (TG_OP = 'DELETE' OR NEW.status <> 'published') THEN
            UPDATE posts SET comment_count = comment_count - 1 WHERE id = OLD.post_id;
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER comments_count AFTER INSERT OR UPDATE OF status OR DELETE ON comments
    FOR EACH ROW EXECUTE FUNCTION count_post_comments();
