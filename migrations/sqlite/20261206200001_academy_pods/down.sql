DROP TABLE academy_linked_agreements;
DROP INDEX circles_one_superpod_idx;
DROP TABLE academy_pod_members;
DROP TABLE academy_pods;
