-- Corrections and sign-off (issue 14). Every change may carry the reason a person gave
-- for it; a deleted record leaves a tombstone (its last content, who, when, why) that
-- reports never read and the audit shows.
ALTER TABLE audit_log ADD COLUMN reason TEXT;

CREATE TABLE tombstones (
    id {id_pk},
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    unit_id BIGINT,
    content TEXT NOT NULL,
    deleted_at TEXT NOT NULL,
    deleted_by TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX tombstones_entity ON tombstones (entity, deleted_at);

-- A unit's figures for a period, submitted by the unit and approved (or sent back) by a
-- unit above. An approved period locks every write dated in it for the unit and every
-- unit below it, until it is reopened. One row per unit and period: its history is in
-- the audit log.
CREATE TABLE period_reviews (
    id {id_pk},
    unit_code TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    state TEXT NOT NULL,
    submitted_by TEXT,
    submitted_at TEXT,
    decided_by TEXT,
    decided_at TEXT,
    comment TEXT,
    UNIQUE (unit_code, period_from, period_to)
);
CREATE INDEX period_reviews_state ON period_reviews (state, period_from);
