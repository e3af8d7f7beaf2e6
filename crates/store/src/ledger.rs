//! The programme ledger tables, as written by natural key.

use crate::keyed::TableDef;

pub const SUPPORTS: TableDef = TableDef {
    table: "supports",
    key: &["record_id"],
    data: &[
        "date",
        "unit_code",
        "support_type",
        "household_code",
        "member_no",
        "quantity",
        "value_vnd",
        "programme",
        "funding",
        "unit_id",
        "extra",
    ],
    probe: "record_id",
};

pub const ACTIVITIES: TableDef = TableDef {
    table: "activities",
    key: &["record_id"],
    data: &[
        "date",
        "unit_code",
        "activity_type",
        "sessions",
        "participants",
        "unit_id",
        "extra",
    ],
    probe: "record_id",
};

pub const SAVINGS_GROUPS: TableDef = TableDef {
    table: "savings_groups",
    key: &["group_code", "as_of"],
    data: &[
        "unit_code",
        "clients",
        "outstanding_vnd",
        "overdue_vnd",
        "unit_id",
        "extra",
    ],
    probe: "group_code",
};

pub const ENTRUSTED_TOTALS: TableDef = TableDef {
    table: "entrusted_totals",
    key: &["unit_code", "as_of"],
    data: &["outstanding_vnd", "unit_id", "extra"],
    probe: "unit_code",
};

pub const COOPERATIVES: TableDef = TableDef {
    table: "cooperatives",
    key: &["coop_code"],
    data: &[
        "unit_code",
        "name",
        "established_on",
        "dissolved_on",
        "union_supported",
        "female_members",
        "female_workers",
        "unit_id",
        "extra",
    ],
    probe: "coop_code",
};

pub const CLUBS: TableDef = TableDef {
    table: "clubs",
    key: &["club_code"],
    data: &[
        "unit_code",
        "kind",
        "established_on",
        "dissolved_on",
        "unit_id",
        "extra",
    ],
    probe: "club_code",
};

pub const MICROINSURANCE: TableDef = TableDef {
    table: "microinsurance",
    key: &["record_id"],
    data: &[
        "date",
        "unit_code",
        "kind",
        "count",
        "amount_vnd",
        "unit_id",
        "extra",
    ],
    probe: "record_id",
};

pub const TARGETS: TableDef = TableDef {
    table: "targets",
    key: &["year", "unit_code", "indicator"],
    data: &["value", "unit_id", "extra"],
    probe: "unit_code",
};

pub const PROJECTS: TableDef = TableDef {
    table: "projects",
    key: &["project_code"],
    data: &[
        "name",
        "unit_code",
        "start_on",
        "end_on",
        "budget_vnd",
        "planned_households",
        "min_disadvantaged_pct",
        "unit_id",
        "extra",
    ],
    probe: "project_code",
};

pub const PROJECT_MEMBERS: TableDef = TableDef {
    table: "project_members",
    key: &["project_code", "household_code"],
    data: &["joined_on", "difficult", "extra"],
    probe: "household_code",
};
