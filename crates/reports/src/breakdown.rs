//! A report's household figures split by what the households are (issue 24): ethnic
//! minority or not, area, the head's gender, the head's ethnic group
//! (`domain::breakdown`). The households' indicators and the supports given to a
//! household are split; what no household stands behind (supports to no household) is
//! shown apart, so that the groups and it add up to the report's total.
//!
//! A period of whole months within one year is read from `report_slices` (kept on
//! write like the report's cells); any other period from the records, one group at a
//! time.

use crate::scope::Scope;
use crate::tally::Tally;
use crate::{ChildRow, Computed, IndicatorValue, Period, Reading, ReportError, Request, UnitRef};
use domain::breakdown::{Dimension, Group, Profile};
use domain::indicators::Indicator;
use domain::vocab::SupportType;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use store::Db;

/// The indicators a breakdown splits: the households' own and what supports to a
/// household add (derived from `domain::contributions`, never listed by hand).
pub fn split_indicators() -> Vec<Indicator> {
    let mut out: Vec<Indicator> = domain::indicators::ALL
        .iter()
        .map(|d| d.indicator)
        .filter(|i| i.code().starts_with("hh_"))
        .collect();
    for kind in SupportType::ALL {
        for (i, _) in domain::contributions::support(kind, 1, 1) {
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }
    out.push(Indicator::LivelihoodRecipients);
    out.sort(); // the contract's order, which the enum's is
    out
}

/// One group's figures, for the unit and for each of its children.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct GroupFigures {
    /// The group's code (`domain::breakdown::Group::code`): `yes`/`no`, `rural`/`urban`,
    /// `F`/`M`, an ethnic group's `01`–`54` or `unrecorded`.
    pub code: &'static str,
    pub label: &'static str,
    pub indicators: Vec<IndicatorValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<ChildRow>>,
}

/// The report split by one dimension.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Breakdown {
    pub unit: UnitRef,
    pub period: Period,
    pub structure_date: String,
    pub dimension: &'static str,
    pub dimension_label: &'static str,
    /// The groups that have any figure, in their dimension's order.
    pub groups: Vec<GroupFigures>,
    /// What no household stands behind (supports given to no household): the report's
    /// total less the groups'.
    pub not_linked: Vec<IndicatorValue>,
    /// The report's own figures of the split indicators.
    pub total: Vec<IndicatorValue>,
}

impl Breakdown {
    /// The value of `code` in the group `group` (0 when the group has none).
    pub fn value(&self, group: &str, code: &str) -> i64 {
        self.groups
            .iter()
            .find(|g| g.code == group)
            .map_or(0, |g| crate::int_of(&g.indicators, code))
    }

    pub fn total(&self, code: &str) -> i64 {
        crate::int_of(&self.total, code)
    }
}

/// `req` split by `dimension`; `by_children` adds each group's figures per child unit.
pub fn compute(
    db: &mut Db,
    req: &Request,
    dimension: Dimension,
    by_children: bool,
) -> Result<Breakdown, ReportError> {
    compute_with(db, req, dimension, by_children, true)
}

/// The same from the records alone, never from `report_slices` (the reference the kept
/// slices are checked against).
pub fn compute_from_records(
    db: &mut Db,
    req: &Request,
    dimension: Dimension,
    by_children: bool,
) -> Result<Breakdown, ReportError> {
    compute_with(db, req, dimension, by_children, false)
}

fn compute_with(
    db: &mut Db,
    req: &Request,
    dimension: Dimension,
    by_children: bool,
    use_aggregates: bool,
) -> Result<Breakdown, ReportError> {
    let whole = crate::compute_parts(db, req, None, true, use_aggregates)?;
    let scope = whole.scope.clone();
    let (from, to) = (req.from, req.to);
    let aggregated_to = if use_aggregates {
        crate::aggregated_end(db, from, to)?
    } else {
        None
    };
    let tallies: HashMap<Group, Tally> = match aggregated_to {
        Some(month_end) => crate::aggregated::tally_groups(db, &scope, from, month_end, dimension)?,
        None => from_records(db, &scope, (from, to), dimension)?,
    };
    let wanted = split_indicators();
    let keep = |list: Vec<IndicatorValue>| -> Vec<IndicatorValue> {
        list.into_iter()
            .filter(|v| wanted.iter().any(|w| w.code() == v.code))
            .map(|v| IndicatorValue {
                target: None,
                achievement_pct: None,
                ..v
            })
            .collect()
    };
    let mut groups: BTreeMap<Group, Tally> = tallies.into_iter().collect();
    let mut out = Vec::new();
    let mut summed: HashMap<&'static str, i64> = HashMap::new();
    for (group, tally) in std::mem::take(&mut groups) {
        let computed = Computed {
            scope: scope.clone(),
            tally,
            request: req.clone(),
        };
        let report = computed.report(by_children);
        let indicators = keep(report.indicators);
        if indicators
            .iter()
            .all(|v| v.value.as_i64().unwrap_or(0) == 0)
        {
            continue;
        }
        for v in &indicators {
            *summed.entry(v.code).or_insert(0) += v.value.as_i64().unwrap_or(0);
        }
        out.push(GroupFigures {
            code: group.code(),
            label: group.label_vi(),
            indicators,
            children: report.children.map(|rows| {
                rows.into_iter()
                    .map(|r| ChildRow {
                        indicators: keep(r.indicators),
                        ..r
                    })
                    .collect()
            }),
        });
    }
    let report = whole.report(false);
    let total = keep(report.indicators);
    let not_linked = total
        .iter()
        .map(|v| IndicatorValue {
            value: (v.value.as_i64().unwrap_or(0) - summed.get(v.code).copied().unwrap_or(0))
                .into(),
            ..v.clone()
        })
        .collect();
    Ok(Breakdown {
        unit: report.unit,
        period: report.period,
        structure_date: report.structure_date,
        dimension: dimension.as_str(),
        dimension_label: dimension.label_vi(),
        groups: out,
        not_linked,
        total,
    })
}

/// Each group's tally from the records: the households of the scope, those taken on by
/// its units and those its units supported, grouped by profile, then counted one group
/// at a time.
fn from_records(
    db: &mut Db,
    scope: &Scope,
    (from, to): (domain::Date, domain::Date),
    dimension: Dimension,
) -> Result<HashMap<Group, Tally>, ReportError> {
    let units = scope.units(&[]);
    let mut codes: HashSet<String> = store::records::households_of(db, &units)?
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    codes.extend(
        store::records::assignments(db, &units, Some(to))?
            .into_iter()
            .map(|a| a.household_code),
    );
    let supports: Vec<store::records::Support> =
        store::records::dated(db, &scope.units(scope.split_ids()), from, to)?;
    codes.extend(supports.into_iter().filter_map(|s| s.household_code));
    let codes: Vec<String> = codes.into_iter().collect();
    let mut members: BTreeMap<Group, HashSet<String>> = BTreeMap::new();
    for (code, profile) in store::households::profiles_by_codes(db, &codes)? {
        let profile: Profile = profile;
        members
            .entry(profile.group(dimension))
            .or_default()
            .insert(code);
    }
    let mut out = HashMap::new();
    for (group, set) in &members {
        let reading = Reading {
            scope,
            from,
            to,
            only: Some(set),
        };
        let mut tally = Tally::new(None);
        crate::households::tally(db, reading, &mut tally)?;
        crate::ledger::supports(db, reading, &mut tally)?;
        out.insert(*group, tally);
    }
    Ok(out)
}
