-- The programme ledger (data-contract.md, "Files"). unit_id is the unit version valid on
-- the row's resolving date (contract, "The date that resolves a row's unit").
CREATE TABLE supports (
    record_id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    support_type TEXT NOT NULL,
    household_code TEXT,
    member_no BIGINT,
    quantity BIGINT NOT NULL,
    value_vnd BIGINT NOT NULL,
    programme TEXT,
    funding TEXT,
    unit_id BIGINT NOT NULL,
    extra TEXT
);
CREATE INDEX supports_date ON supports (date);
CREATE INDEX supports_household ON supports (household_code);

CREATE TABLE activities (
    record_id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    activity_type TEXT NOT NULL,
    sessions BIGINT NOT NULL,
    participants BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    extra TEXT
);
CREATE INDEX activities_date ON activities (date);

CREATE TABLE savings_groups (
    group_code TEXT NOT NULL,
    as_of TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    clients BIGINT NOT NULL,
    outstanding_vnd BIGINT NOT NULL,
    overdue_vnd BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    extra TEXT,
    PRIMARY KEY (group_code, as_of)
);

CREATE TABLE entrusted_totals (
    unit_code TEXT NOT NULL,
    as_of TEXT NOT NULL,
    outstanding_vnd BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    extra TEXT,
    PRIMARY KEY (unit_code, as_of)
);

CREATE TABLE cooperatives (
    coop_code TEXT PRIMARY KEY,
    unit_code TEXT NOT NULL,
    name TEXT NOT NULL,
    established_on TEXT NOT NULL,
    dissolved_on TEXT,
    union_supported BIGINT NOT NULL,
    female_members BIGINT NOT NULL,
    female_workers BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    extra TEXT
);

CREATE TABLE clubs (
    club_code TEXT PRIMARY KEY,
    unit_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    established_on TEXT NOT NULL,
    dissolved_on TEXT,
    unit_id BIGINT NOT NULL,
    extra TEXT
);

CREATE TABLE microinsurance (
    record_id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    count BIGINT NOT NULL,
    amount_vnd BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    extra TEXT
);

CREATE TABLE targets (
    year BIGINT NOT NULL,
    unit_code TEXT NOT NULL,
    indicator TEXT NOT NULL,
    value BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    extra TEXT,
    PRIMARY KEY (year, unit_code, indicator)
);
CREATE INDEX targets_unit ON targets (unit_code);

CREATE TABLE projects (
    project_code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    start_on TEXT NOT NULL,
    end_on TEXT,
    budget_vnd BIGINT,
    planned_households BIGINT,
    min_disadvantaged_pct BIGINT,
    unit_id BIGINT NOT NULL,
    extra TEXT
);

CREATE TABLE project_members (
    project_code TEXT NOT NULL,
    household_code TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    difficult BIGINT NOT NULL,
    extra TEXT,
    PRIMARY KEY (project_code, household_code)
);
CREATE INDEX project_members_household ON project_members (household_code);
