-- Bulk and notification mail carries a one-click opt-out (RFC 8058): the URL its
-- `List-Unsubscribe` header names. NULL for transactional mail, which has none.
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
