-- An audit entry names the space its subject lives in, so the log can show an entry's content
-- (before/after) only to admins who may read that space, and withhold it from the rest.
ALTER TABLE audit_log ADD COLUMN space_id TEXT NULL;

-- Entries written before this column: find the space through the subject.
UPDATE audit_log SET space_id = (SELECT a.space_id FROM assignments a WHERE a.id = audit_log.subject_id)
    WHERE subject_type = 'assignment';
UPDATE audit_log SET space_id = COALESCE(
        (SELECT e.space_id FROM events e WHERE e.id = audit_log.subject_id),
        (SELECT s.space_id FROM event_series s WHERE s.id = audit_log.subject_id))
    WHERE subject_type = 'event';
UPDATE audit_log SET space_id = (SELECT t.space_id FROM themes t WHERE t.id = audit_log.subject_id)
    WHERE subject_type = 'theme';
UPDATE audit_log SET space_id = (SELECT r.space_id FROM resources r WHERE r.id = audit_log.subject_id)
    WHERE subject_type = 'resource';
UPDATE audit_log SET space_id = (
        SELECT e.space_id FROM questions q JOIN events e ON e.id = q.event_id
        WHERE q.id = audit_log.subject_id)
    WHERE subject_type = 'question';
UPDATE audit_log SET space_id = (SELECT p.space_id FROM posts p WHERE p.id = audit_log.subject_id)
    WHERE subject_type = 'post';
UPDATE audit_log SET space_id = (
        SELECT p.space_id FROM comments c JOIN posts p ON p.id = c.post_id
        WHERE c.id = audit_log.subject_id)
    WHERE subject_type = 'comment';
UPDATE audit_log SET space_id = COALESCE(
        (SELECT p.space_id FROM reports r JOIN posts p ON p.id = r.subject_id
            WHERE r.id = audit_log.subject_id AND r.subject_type = 'post'),
        (SELECT p.space_id FROM reports r JOIN comments c ON c.id = r.subject_id
            JOIN posts p ON p.id = c.post_id
            WHERE r.id = audit_log.subject_id AND r.subject_type = 'comment'))
    WHERE subject_type = 'report';
