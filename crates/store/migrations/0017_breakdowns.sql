-- Breakdowns (issue 24): each household's part of the aggregates again, keyed also by
-- its profile (domain::breakdown::Profile, packed: ethnic minority, area, the head's
-- gender and ethnic group), so that a figure can be split as fast as it is reported.
-- Only households' parts are here; records without a household are not split.
CREATE TABLE report_slices (
    month BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    follow_id BIGINT NOT NULL,
    known_from BIGINT NOT NULL,
    known_until BIGINT NOT NULL,
    slice BIGINT NOT NULL,
    figures TEXT NOT NULL,
    PRIMARY KEY (month, unit_id, follow_id, known_from, known_until, slice)
);
-- The profile of the household a distinct-count key belongs to, and of the household
-- whose part was last added (to take it back from report_slices).
ALTER TABLE report_shared ADD COLUMN slice BIGINT NOT NULL DEFAULT 0;
ALTER TABLE household_contributions ADD COLUMN slice BIGINT NOT NULL DEFAULT 0;
