DROP TABLE academy_enrolment_members;
DROP TABLE academy_enrolments;
DROP TABLE academy_cohorts;
