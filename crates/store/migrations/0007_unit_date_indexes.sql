-- The records behind a figure (drill-down) and reports over periods that the aggregates
-- do not hold read one unit's records of a period: by unit, then date. Without these the
-- date index alone served them, which reads a whole year of the nation's records to find
-- one province's (36 s for a province's gifts at scale 1, see bench/results.md).
CREATE INDEX supports_unit_date ON supports (unit_id, date);
CREATE INDEX activities_unit_date ON activities (unit_id, date);
