DROP TABLE notification_mailings;
DROP TABLE notification_mail_settings;
