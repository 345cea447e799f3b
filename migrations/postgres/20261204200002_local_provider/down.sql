DROP TABLE local_provider_cards;
DROP TABLE local_provider_ledger;
