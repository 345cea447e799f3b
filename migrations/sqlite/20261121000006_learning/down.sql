DROP TABLE resources;
DROP TABLE submission_feedback;
DROP TABLE submissions;
DROP TABLE assignments;
DROP TABLE recording_chapters;
DROP TABLE recordings;
DROP TABLE question_votes;
DROP TABLE questions;
