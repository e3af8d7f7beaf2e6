//! Reports: every figure computed from the records, for any unit, period and structure
//! date, with the records behind each figure.

pub mod duplicates;
pub mod households;
pub mod scope;

use domain::Date;
use serde::Serialize;
use std::collections::BTreeSet;
use store::{Db, StoreError};

#[derive(Clone, Debug)]
pub struct Request {
    pub unit: String,
    pub from: Date,
    pub to: Date,
    /// The tree to report against; default `to`.
    pub structure_date: Option<Date>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("Kỳ báo cáo không hợp lệ: ngày kết thúc {0} trước ngày bắt đầu {1} / the period ends before it starts")]
    PeriodReversed(String, String),
    #[error("{0}")]
    UnitMissing(String),
    #[error("Chỉ tiêu không có: {0} / unknown indicator")]
    UnknownIndicator(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
    pub level: &'static str,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Period {
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct IndicatorValue {
    pub code: &'static str,
    pub label: &'static str,
    pub value: serde_json::Value,
    pub target: Option<i64>,
    pub achievement_pct: Option<f64>,
}

/// The contract's report object.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Report {
    pub unit: UnitRef,
    pub period: Period,
    pub structure_date: String,
    pub indicators: Vec<IndicatorValue>,
}

impl Report {
    pub fn value(&self, code: &str) -> Option<&serde_json::Value> {
        self.indicators
            .iter()
            .find(|i| i.code == code)
            .map(|i| &i.value)
    }
}

/// The report's scope and every record set behind its figures.
pub struct Computed {
    pub scope: scope::Scope,
    pub households: households::HouseholdSets,
}

pub fn compute(db: &mut Db, req: &Request) -> Result<Computed, ReportError> {
    if req.to < req.from {
        return Err(ReportError::PeriodReversed(req.to.dmy(), req.from.dmy()));
    }
    let s = req.structure_date.unwrap_or(req.to);
    let graph = store::units::load_graph(db)?;
    let scope = scope::Scope::new(graph, &req.unit, s)?;
    let households = households::compute(db, &scope, req.from, req.to)?;
    Ok(Computed { scope, households })
}

pub fn run(db: &mut Db, req: &Request) -> Result<Report, ReportError> {
    let c = compute(db, req)?;
    let root = c.scope.graph.version(c.scope.root);
    let indicators = domain::indicators::ALL
        .iter()
        .map(|d| IndicatorValue {
            code: d.code,
            label: d.label_vi,
            value: (c.records(d.code).map_or(0, |s| s.len()) as i64).into(),
            target: None,
            achievement_pct: None,
        })
        .collect();
    Ok(Report {
        unit: UnitRef {
            code: root.code.clone(),
            name: root.name.clone(),
            level: root.level.as_str(),
        },
        period: Period {
            from: req.from.to_string(),
            to: req.to.to_string(),
        },
        structure_date: c.scope.structure_date.to_string(),
        indicators,
    })
}

impl Computed {
    /// The households behind a household indicator.
    pub fn records(&self, code: &str) -> Option<&BTreeSet<String>> {
        let h = &self.households;
        Some(match code {
            "hh_assisted" => &h.assisted,
            "hh_escaped" => &h.escaped,
            "hh_escaped_poor" => &h.escaped_poor,
            "hh_fell_back" => &h.fell_back,
            "hh_newly_poor" => &h.newly_poor,
            _ => return None,
        })
    }
}
