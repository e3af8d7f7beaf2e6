-- Monthly aggregates of the report's flows and household events, kept by
-- store::aggregates in the same transaction as every write, so that a national report
-- reads thousands of rows instead of millions. unit_id is the record's unit version (the
-- report places it on its structure date); follow_id is the household's unit when a
-- support tied to a household was given by another unit (records of a unit later split
-- follow their household), else 0. month is yyyymm, yyyy00 for what is dated by its
-- year, or yyyy99 for the year's total as known on 31 December; a cell counts in a
-- report ending in month M when known_from <= M < known_until.
CREATE TABLE report_cells (
    month BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    follow_id BIGINT NOT NULL,
    known_from BIGINT NOT NULL,
    known_until BIGINT NOT NULL,
    -- the figures, in domain::contributions::columns() order: "index=value,…", zeros
    -- left out (store::aggregates::encode_figures)
    figures TEXT NOT NULL,
    PRIMARY KEY (month, unit_id, follow_id, known_from, known_until)
);

-- Keys of a distinct count (a household, a recipient) that occur in more than one cell
-- within a year: read one by one, so that distinct counts stay exact.
CREATE TABLE report_shared (
    household_code TEXT NOT NULL,
    indicator TEXT NOT NULL,
    item TEXT NOT NULL,
    month BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    follow_id BIGINT NOT NULL,
    known_from BIGINT NOT NULL,
    known_until BIGINT NOT NULL
);
CREATE INDEX report_shared_household ON report_shared (household_code);
CREATE INDEX report_shared_month ON report_shared (month);

-- What each household last added to report_cells, to take it back when its records change.
CREATE TABLE household_contributions (
    household_code TEXT PRIMARY KEY,
    cells TEXT NOT NULL
);

INSERT INTO meta (key, value) VALUES ('aggregates_version', 0);
-- Grows with every committed write of records: what is computed from them may be kept
-- in memory while it stands still (the dashboard).
INSERT INTO meta (key, value) VALUES ('data_generation', 0);
