//! The indicators a report shows (data contract, "Indicators"): code, Vietnamese label,
//! whether it counts records in a period (flow) or describes the state on the last day
//! (stock), and what it measures.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Flow,
    Stock,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Households,
    People,
    Count,
    Vnd,
    Percent,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Def {
    pub code: &'static str,
    pub label_vi: &'static str,
    pub kind: Kind,
    pub measure: Measure,
}

const fn def(code: &'static str, label_vi: &'static str, kind: Kind, measure: Measure) -> Def {
    Def {
        code,
        label_vi,
        kind,
        measure,
    }
}

use Kind::*;
use Measure::*;

/// Every indicator, in the contract's order.
pub const ALL: &[Def] = &[
    def(
        "hh_assisted",
        "Hộ có phụ nữ được Hội nhận giúp đỡ",
        Flow,
        Households,
    ),
    def(
        "hh_escaped",
        "Hộ có phụ nữ thoát nghèo, cận nghèo",
        Flow,
        Households,
    ),
    def(
        "hh_escaped_poor",
        "Hộ có phụ nữ thoát nghèo",
        Flow,
        Households,
    ),
    def(
        "hh_fell_back",
        "Hộ tái nghèo, tái cận nghèo",
        Flow,
        Households,
    ),
    def(
        "hh_newly_poor",
        "Hộ nghèo, cận nghèo phát sinh",
        Flow,
        Households,
    ),
];

pub fn find(code: &str) -> Option<&'static Def> {
    ALL.iter().find(|d| d.code == code)
}
