DROP TABLE job_claims;
