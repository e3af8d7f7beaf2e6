-- The 2025 lineage under review (issue 14). `units load-vn` leaves names for a person to
-- match (lineage_questions, replaced at every run) and old communes linked by a
-- neighbour guess (unit_lineage rows whose extra says "neighbour"). A person's decisions
-- are kept apart and applied again after every run, so that a rerun never undoes them.
CREATE TABLE lineage_questions (
    id {id_pk},
    new_code TEXT NOT NULL,
    new_name TEXT NOT NULL,
    province TEXT NOT NULL,
    written TEXT NOT NULL,
    reason TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX lineage_questions_new ON lineage_questions (new_code);

CREATE TABLE lineage_decisions (
    id {id_pk},
    from_code TEXT NOT NULL,
    to_code TEXT NOT NULL,
    share {real} NOT NULL,
    action TEXT NOT NULL,
    resolves TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    UNIQUE (from_code, to_code)
);
