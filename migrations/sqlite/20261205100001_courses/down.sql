DROP TABLE course_completions;
DROP TABLE exercise_answers;
DROP TABLE lesson_progress;
DROP TABLE course_entitlements;
DROP TABLE lessons;
DROP TABLE course_modules;
DROP TABLE courses;
