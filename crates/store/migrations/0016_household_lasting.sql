-- What the follow-up of escapes (the `lasting` report) reads of each household that was
-- ever poor or near-poor, or was ever taken on: its records packed in one row, kept with
-- the aggregates in the same transaction as every write (see store::aggregates::lasting).
CREATE TABLE household_lasting (
    household_code TEXT PRIMARY KEY,
    unit_id BIGINT NOT NULL,
    records TEXT NOT NULL
);
CREATE INDEX household_lasting_unit ON household_lasting (unit_id);
