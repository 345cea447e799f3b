DROP INDEX users_directory;
ALTER TABLE users DROP COLUMN languages;
ALTER TABLE users DROP COLUMN bio;
ALTER TABLE users DROP COLUMN listed;
