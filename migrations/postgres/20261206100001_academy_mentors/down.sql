DROP TABLE academy_enrolment_topics;
DROP TABLE academy_mentorships;
DROP TABLE academy_mentor_profiles;
