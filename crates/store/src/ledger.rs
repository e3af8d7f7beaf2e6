//! The programme ledger tables, as written by natural key.

use crate::tables::TableDef;
use domain::contract;
use std::sync::LazyLock;

pub static SUPPORTS: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::SUPPORTS, &["unit_id"], "record_id"));

pub static ACTIVITIES: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::ACTIVITIES, &["unit_id"], "record_id"));

pub static SAVINGS_GROUPS: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::SAVINGS_GROUPS, &["unit_id"], "group_code"));

pub static ENTRUSTED_TOTALS: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::ENTRUSTED_TOTALS, &["unit_id"], "unit_code"));

pub static COOPERATIVES: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::COOPERATIVES, &["unit_id"], "coop_code"));

pub static CLUBS: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::CLUBS, &["unit_id"], "club_code"));

pub static MICROINSURANCE: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::MICROINSURANCE, &["unit_id"], "record_id"));

pub static TARGETS: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::TARGETS, &["unit_id"], "unit_code"));

pub static PROJECTS: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::PROJECTS, &["unit_id"], "project_code"));

pub static PROJECT_MEMBERS: LazyLock<TableDef> =
    LazyLock::new(|| TableDef::of(&contract::PROJECT_MEMBERS, &[], "household_code"));
