DROP TABLE resource_derivations;
DROP INDEX events_theme_idx;
DROP INDEX resources_org_type_idx;
DROP INDEX resources_theme_idx;
ALTER TABLE resources DROP COLUMN theme_id;
