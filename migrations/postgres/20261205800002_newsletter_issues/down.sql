DROP TABLE newsletter_deliveries;
DROP TABLE newsletter_issues;
