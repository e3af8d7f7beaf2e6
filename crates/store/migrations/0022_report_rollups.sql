-- report_cells added up by the child of the tree's root that each cell's figures land
-- under once the tree stopped changing (a province of the nation): a national report on
-- such a structure date reads a row per province and month instead of one per unit
-- version (33,210 at the national benchmark's scale). Kept by store::aggregates with
-- report_cells in the writer's transaction, for the unit tree of units_generation
-- rollups_units; cells whose figures land nowhere are not in it and are read from
-- report_cells. The same columns as report_cells; unit_id is the province's version id.
CREATE TABLE report_rollups (
    month BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    follow_id BIGINT NOT NULL,
    known_from BIGINT NOT NULL,
    known_until BIGINT NOT NULL,
    figures TEXT NOT NULL,
    PRIMARY KEY (month, unit_id, follow_id, known_from, known_until)
);
-- The units_generation the rollups were added up in (-1: never; they are built by the
-- next write of records or the next start).
INSERT INTO meta (key, value) VALUES ('rollups_units', -1);
