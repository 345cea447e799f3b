-- The Academy's pods (communities of practice), their delegates, and the double link between
-- the superpod and the Academy circle.
--
-- A pod is a circle of kind `pod`; `academy_pods` adds its delegate. A student is in at most
-- one pod: `academy_pod_members.user_id` is the primary key, so two hosts forming pods at once
-- can never put one student in two pods, whatever the engine.

CREATE TABLE academy_pods (
    circle_id TEXT PRIMARY KEY NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    -- Chosen by a consent round in the pod's circle; an erased delegate leaves the seat empty.
    delegate_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX academy_pods_delegate_idx ON academy_pods (delegate_id);

CREATE TABLE academy_pod_members (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pod_id TEXT NOT NULL REFERENCES academy_pods (circle_id) ON DELETE CASCADE,
    added_at TIMESTAMP NOT NULL
);
CREATE INDEX academy_pod_members_pod_idx ON academy_pod_members (pod_id, user_id);

-- One superpod and one Academy circle: two first delegates agreed at once cannot make two.
CREATE UNIQUE INDEX circles_one_superpod_idx ON circles (kind) WHERE kind IN ('superpod', 'academy');

-- A superpod agreement about programming, enrolment or scheduling, put before the Academy
-- circle as a driver there; answered once an agreement of the Academy circle answers that
-- driver.
CREATE TABLE academy_linked_agreements (
    agreement_id TEXT PRIMARY KEY NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    -- programming | enrolment | scheduling
    topic TEXT NOT NULL,
    answering_circle_id TEXT NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    driver_id TEXT NOT NULL UNIQUE REFERENCES drivers (id) ON DELETE CASCADE,
    answer_agreement_id TEXT REFERENCES agreements (id),
    answered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX academy_linked_agreements_list_idx ON academy_linked_agreements (created_at, agreement_id);
