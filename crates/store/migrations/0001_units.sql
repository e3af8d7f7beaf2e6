-- Units of the union as effective-dated versions (data-contract.md, "units").
-- Open ends are stored as 0001-01-01 / 9999-12-31 so that every range query is a
-- plain comparison of ISO date text.
CREATE TABLE units (
    id {id_pk},
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_code TEXT,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    extra TEXT,
    UNIQUE (code, valid_from)
);
CREATE INDEX units_parent ON units (parent_code);

CREATE TABLE unit_lineage (
    from_code TEXT NOT NULL,
    to_code TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    share {real} NOT NULL,
    extra TEXT,
    PRIMARY KEY (from_code, to_code, effective_date)
);

-- Append-only record of every change: who, when, what, old -> new.
CREATE TABLE audit_log (
    id {id_pk},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key);

CREATE TABLE import_runs (
    id {id_pk},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    sources TEXT NOT NULL,
    rows_read BIGINT NOT NULL,
    inserted BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    unchanged BIGINT NOT NULL
);
