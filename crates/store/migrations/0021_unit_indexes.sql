-- A report read from the records (a period that stops within a month the aggregates
-- cannot answer, the follow-up of escapes, its forecast) reads the assignments of the
-- report's units known on its end: by unit, then day. Without this index SQLite served
-- `unit_id IN (…) AND assigned_on <= ?` from the day's index, every assignment in the
-- nation made before the day, and `taken_on_by` scanned the whole table for each chunk
-- of units (issue 27: 19% of a month-end server's processor time).
CREATE INDEX assignments_unit ON assignments (unit_id, assigned_on);
-- Likewise for the micro-insurance records, as `supports_unit_date` for supports.
CREATE INDEX microinsurance_unit_date ON microinsurance (unit_id, date);
