-- What a leader signed (issue 24): each approval keeps the report it approved, as JSON
-- and as its printed document, and a fingerprint of every record it locked
-- ("kind<TAB>key<TAB>hash" lines), so that later changes are named and the signed
-- version reprints as it was. Kept for good: a reopened and approved again period has a
-- seal per approval.
CREATE TABLE sealed_reports (
    id {id_pk},
    unit_code TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    structure_date TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    report TEXT NOT NULL,
    document TEXT NOT NULL,
    records BIGINT NOT NULL,
    fingerprints TEXT NOT NULL
);
CREATE INDEX sealed_reports_unit ON sealed_reports (unit_code, period_from, period_to);
