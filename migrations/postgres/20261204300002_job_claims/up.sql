-- Periodic jobs run on every API node; each step runs once per tick across all of them. A node
-- takes a step for a tick by moving its row's `tick` forward with a conditional UPDATE: of
-- several nodes racing for the same tick exactly one changes the row.
CREATE TABLE job_claims (
    name TEXT PRIMARY KEY NOT NULL,
    tick BIGINT NOT NULL,
    claimed_by TEXT NOT NULL,
    claimed_at TIMESTAMP NOT NULL
);
