//! The programme ledger tables, as written by natural key.

use crate::tables::TableDef;
use domain::contract;
use std::sync::LazyLock;

/// `NAME: [derived columns] by "probe column";` defines the table of the contract's
/// file kind `NAME`, written by natural key.
macro_rules! tables {
    ($($name:ident: [$($unit:literal),*] by $key:literal;)*) => {$(
        pub static $name: LazyLock<TableDef> =
            LazyLock::new(|| TableDef::of(&contract::$name, &[$($unit),*], $key));
    )*};
}

tables! {
    SUPPORTS: ["unit_id"] by "record_id";
    ACTIVITIES: ["unit_id"] by "record_id";
    SAVINGS_GROUPS: ["unit_id"] by "group_code";
    ENTRUSTED_TOTALS: ["unit_id"] by "unit_code";
    COOPERATIVES: ["unit_id"] by "coop_code";
    CLUBS: ["unit_id"] by "club_code";
    MICROINSURANCE: ["unit_id"] by "record_id";
    TARGETS: ["unit_id"] by "unit_code";
    PROJECTS: ["unit_id"] by "project_code";
    PROJECT_MEMBERS: [] by "household_code";
}
