-- Keyset pages of a member's own lists: the filter (user) then the order with its id tie-breaker,
-- so a page after a cursor seeks in the index instead of sorting the member's rows.
DROP INDEX pro_applications_user_idx;
CREATE INDEX pro_applications_user_idx ON pro_applications (user_id, submitted_at DESC, id DESC);
CREATE INDEX price_assistance_user_idx ON price_assistance_requests (user_id, requested_at DESC, id DESC);
-- Themes need none: `themes_month_space_idx` (space_id, month) is unique, so it already holds
-- each space's themes in page order.
