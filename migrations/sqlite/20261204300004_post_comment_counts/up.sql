-- Published comments per post, kept on the post by triggers in the transaction that changes a
-- comment, so a page of posts reads its counts with the posts instead of counting comments.
ALTER TABLE posts ADD COLUMN comment_count BIGINT NOT NULL DEFAULT 0;
UPDATE posts SET comment_count = (
    SELECT COUNT(*) FROM comments c WHERE c.post_id = posts.id AND c.status = 'published'
);
CREATE TRIGGER comments_count_insert AFTER INSERT ON comments WHEN new.status = 'published' BEGIN
    UPDATE posts SET comment_count = comment_count + 1 WHERE id = new.post_id;
END;
CREATE TRIGGER comments_count_delete AFTER DELETE ON comments WHEN old.status = 'published' BEGIN
    UPDATE posts SET comment_count = comment_count - 1 WHERE id = old.post_id;
END;
CREATE TRIGGER comments_count_update AFTER UPDATE OF status ON comments
WHEN (old.status = 'published') <> (new.status = 'published') BEGIN
    UPDATE posts SET comment_count = comment_count + (CASE WHEN new.status = 'published' THEN 1 ELSE -1 END)
    WHERE id = new.post_id;
END;
