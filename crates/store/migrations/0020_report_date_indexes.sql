-- A report of a period ending before its month's end is read from the monthly
-- aggregates when nothing is dated between its end and the month's (issue 27):
-- `records::any_dated_between` asks each dated table, by an index.
CREATE INDEX assignments_assigned_on ON assignments (assigned_on);
CREATE INDEX microinsurance_date ON microinsurance (date);
