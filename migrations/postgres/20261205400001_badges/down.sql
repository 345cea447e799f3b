DROP TABLE badge_awards;
DROP TABLE badge_reviews;
DROP TABLE badge_evidence;
DROP TABLE badge_requests;
DROP TABLE badge_classes;
