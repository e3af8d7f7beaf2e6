//! Reports: every figure computed from the records, for any unit, period and structure
//! date, with the records behind each figure.

pub mod aggregated;
pub mod breakdown;
pub mod document;
pub mod duplicates;
pub mod households;
pub mod lasting;
pub mod ledger;
mod partial_month;
pub mod pdf;
pub mod projects;
pub mod reconcile;
pub mod render;
pub mod scope;
pub mod seal;
pub mod tally;

use domain::indicators::{Def, Indicator, Measure, ALL};
use domain::units::VersionIx;
use domain::Date;
use serde::Serialize;
use std::collections::HashMap;
use store::{Db, StoreError};
use tally::{Evidence, Tally};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
    pub level: &'static str,
}

/// What one computation reads from the records: the scope's units and the period.
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    pub scope: &'a scope::Scope,
    pub from: Date,
    pub to: Date,
    /// Only the figures of these households (one group of a breakdown); `None`: all.
    pub only: Option<&'a std::collections::HashSet<String>>,
}

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Period {
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct IndicatorValue {
    pub code: &'static str,
    pub label: &'static str,
    /// A whole number, a percentage with one decimal, or null where it cannot be computed.
    #[schema(value_type = Option<f64>)]
    pub value: serde_json::Value,
    pub target: Option<i64>,
    pub achievement_pct: Option<f64>,
}

/// One row of a report by children: a child unit, or (own = true) what the unit itself
/// recorded directly.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct ChildRow {
    pub unit: UnitRef,
    pub own: bool,
    pub indicators: Vec<IndicatorValue>,
}

/// The contract's report object; `children` is added with `--by-children`.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Report {
    pub unit: UnitRef,
    pub period: Period,
    pub structure_date: String,
    pub indicators: Vec<IndicatorValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<ChildRow>>,
    /// Records of the period whose unit reaches no unit on the structure date.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmapped: Vec<Unmapped>,
}

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Unmapped {
    pub source: &'static str,
    pub unit_code: String,
    pub unit_name: String,
    pub valid_from: String,
    pub records: i64,
}

impl Report {
    pub fn get(&self, code: &str) -> Option<&IndicatorValue> {
        self.indicators.iter().find(|i| i.code == code)
    }

    pub fn value(&self, code: &str) -> Option<&serde_json::Value> {
        self.get(code).map(|i| &i.value)
    }

    pub fn int(&self, code: &str) -> i64 {
        int_of(&self.indicators, code)
    }
}

/// The whole-number value of `code` in a list of indicator values (a report's, a child
/// unit's, a group's); 0 where it is absent or not a whole number.
pub fn int_of(list: &[IndicatorValue], code: &str) -> i64 {
    list.iter()
        .find(|i| i.code == code)
        .and_then(|i| i.value.as_i64())
        .unwrap_or(0)
}

/// A report's scope and its tally.
pub struct Computed {
    pub scope: std::sync::Arc<scope::Scope>,
    pub tally: Tally,
    pub request: Request,
}

/// A report, with the records behind `want` when asked. A period of whole months within
/// one year is read from the monthly aggregates; any other period, and every drill-down,
/// from the records.
#[tracing::instrument(level = "debug", skip_all, fields(unit = %req.unit, from = %req.from, to = %req.to, drill_down = want))]
pub fn compute(db: &mut Db, req: &Request, want: Option<&str>) -> Result<Computed, ReportError> {
    compute_parts(db, req, want, true, true)
}

/// The report of `req` from approved figures only: the records of the units whose
/// period holding `from..=to` was approved (and the units below them); the others are
/// left out. What a province signs before every commune's month is approved.
pub fn run_approved(db: &mut Db, req: &Request, by_children: bool) -> Result<Report, ReportError> {
    let period = domain::review::Period {
        from: req.from,
        to: req.to,
    };
    let kept: std::collections::HashSet<String> = store::reviews::approved_codes(db, period)?
        .into_iter()
        .collect();
    let parts = Parts {
        with_ledger: true,
        use_aggregates: true,
        kept: Some(&kept),
        keep: None,
    };
    Ok(compute_with(db, req, None, parts)?.report(by_children))
}

/// Where a caller keeps the households' own figures of a report (assisted, escaped,
/// fell back, newly poor: from the households, their assessments and assignments alone)
/// while those records stand (`store::generations::of_households`): a save of a support
/// or an activity, most of a month end's, leaves them to be used again.
pub trait KeepsHouseholdFigures {
    /// The households' figures of `req`, kept, or made by `compute` and kept.
    fn households(
        &self,
        db: &mut Db,
        req: &Request,
        compute: &mut dyn FnMut(&mut Db) -> Result<Tally, StoreError>,
    ) -> Result<std::sync::Arc<Tally>, StoreError>;
}

/// [`run`], with the households' figures kept by `keep`.
pub fn run_keeping(
    db: &mut Db,
    req: &Request,
    by_children: bool,
    keep: &dyn KeepsHouseholdFigures,
) -> Result<Report, ReportError> {
    let parts = Parts {
        with_ledger: true,
        use_aggregates: true,
        kept: None,
        keep: Some(keep),
    };
    Ok(compute_with(db, req, None, parts)?.report(by_children))
}

/// The same report computed from the records alone, never from the aggregates: the
/// reference the aggregates are checked against.
pub fn compute_from_records(db: &mut Db, req: &Request) -> Result<Computed, ReportError> {
    compute_parts(db, req, None, true, false)
}

/// Which parts of a report to compute, and from what.
#[derive(Clone, Copy)]
struct Parts<'a> {
    with_ledger: bool,
    use_aggregates: bool,
    /// Only the records of these units and those below them (approved figures).
    kept: Option<&'a std::collections::HashSet<String>>,
    /// Where the households' figures are kept between reports.
    keep: Option<&'a dyn KeepsHouseholdFigures>,
}

/// The household indicators only (hh_*), for a trend that needs no ledger figures; the
/// ledger's indicators come out as zero.
pub fn compute_households(db: &mut Db, req: &Request) -> Result<Computed, ReportError> {
    compute_parts(db, req, None, false, true)
}

fn compute_parts(
    db: &mut Db,
    req: &Request,
    want: Option<&str>,
    with_ledger: bool,
    use_aggregates: bool,
) -> Result<Computed, ReportError> {
    let parts = Parts {
        with_ledger,
        use_aggregates,
        kept: None,
        keep: None,
    };
    compute_with(db, req, want, parts)
}

fn compute_with(
    db: &mut Db,
    req: &Request,
    want: Option<&str>,
    parts: Parts<'_>,
) -> Result<Computed, ReportError> {
    let Parts {
        with_ledger,
        use_aggregates,
        kept,
        keep,
    } = parts;
    if req.to < req.from {
        return Err(ReportError::PeriodReversed(req.to.dmy(), req.from.dmy()));
    }
    let want = match want {
        Some(w) => {
            Some(Indicator::parse(w).ok_or_else(|| ReportError::UnknownIndicator(w.to_owned()))?)
        }
        None => None,
    };
    let s = req.structure_date.unwrap_or(req.to);
    let graph = store::units::load_graph_cached(db)?;
    let mut scope = scope::Scope::shared(graph, &req.unit, s)?;
    if let Some(kept) = kept {
        scope = std::sync::Arc::new(scope.limited_to(kept));
    }
    let mut tally = Tally::new(want);
    let (from, to) = (req.from, req.to);
    let reading = Reading {
        scope: &scope,
        from,
        to,
        only: None,
    };
    // The households' figures, from the records or where the caller keeps them.
    let households_part = |db: &mut Db, tally: &mut Tally| -> Result<(), StoreError> {
        match keep {
            Some(keep) if want.is_none() => {
                let part = keep.households(db, req, &mut |db| {
                    let mut part = Tally::new(None);
                    households::tally(db, reading, &mut part)?;
                    Ok(part)
                })?;
                tally.add_tally(&part);
                Ok(())
            }
            _ => households::tally(db, reading, tally),
        }
    };
    // The aggregates answer whole months, and a period stopping within its month
    // either as the month itself (nothing follows it there) or less what follows it.
    let mut aggregated = false;
    if use_aggregates && want.is_none() {
        if let Some(month_end) = aggregated_end(db, from, to)? {
            let figures = if with_ledger {
                aggregated::Figures::All
            } else {
                aggregated::Figures::Households
            };
            aggregated::tally(db, &scope, from, month_end, figures, &mut tally)?;
            aggregated = true;
        } else if let Some(month_end) = month_end_of(from, to) {
            let period = (from, to, month_end);
            use partial_month::Covered;
            match partial_month::tally(db, &scope, period, with_ledger, &mut tally)? {
                Covered::All => aggregated = true,
                Covered::Ledger => {
                    households_part(db, &mut tally)?;
                    aggregated = true;
                }
                Covered::Nothing => {}
            }
        }
    }
    if !aggregated {
        // A drill-down reads only the records that can stand behind its figure.
        let household_figure = want.is_none_or(|w| w.code().starts_with("hh_"));
        let ledger_flow = want.is_none_or(|w| {
            domain::contributions::SUMMED.contains(&w) || w == Indicator::LivelihoodRecipients
        });
        if household_figure {
            households_part(db, &mut tally)?;
        }
        if with_ledger && ledger_flow {
            ledger::flows(db, reading, &mut tally)?;
        }
    }
    if with_ledger {
        ledger::stocks(db, reading, &mut tally)?;
    }
    Ok(Computed {
        scope,
        tally,
        request: req.clone(),
    })
}

/// The end of the whole months the aggregates can answer `from..=to` with: `to` itself
/// for whole months of one year; the end of `to`'s month for a period that stops
/// within it (the year so far, up to today) when no record is dated after `to` in that
/// month, so that the month's cells hold exactly what the period counts; else `None`
/// (the records are read).
pub(crate) fn aggregated_end(
    db: &mut Db,
    from: Date,
    to: Date,
) -> Result<Option<Date>, StoreError> {
    let Some(month_end) = month_end_of(from, to) else {
        return Ok(None);
    };
    if to == month_end {
        return Ok(Some(to));
    }
    Ok((!store::records::any_dated_between(db, to, month_end)?).then_some(month_end))
}

/// The end of `to`'s month, when `from` up to it is whole months of one year.
fn month_end_of(from: Date, to: Date) -> Option<Date> {
    let (year, month, _) = to.ymd();
    let month_end = Date::from_ymd(year, month, domain::date::days_in_month(year, month))?;
    domain::contributions::whole_months_of_one_year(from, month_end).then_some(month_end)
}

/// Households read by their codes rather than with every record of their units (a
/// breakdown's group can be half a province's households).
pub(crate) const FEW_HOUSEHOLDS: usize = 5_000;

/// Whether records of unit version `id` are among `units` (listed sorted, as
/// `Scope::units` lists them).
pub(crate) fn holds(units: &store::records::Units, id: i64) -> bool {
    match units {
        store::records::Units::All => true,
        store::records::Units::Ids(ids) => ids.binary_search(&id).is_ok(),
    }
}

pub fn run(db: &mut Db, req: &Request, by_children: bool) -> Result<Report, ReportError> {
    Ok(compute(db, req, None)?.report(by_children))
}

/// 100 × num / den to one decimal, halves away from zero; `None` for a zero denominator.
pub fn pct(num: i64, den: i64) -> Option<f64> {
    if den == 0 {
        return None;
    }
    let (n, d) = (i128::from(num) * 1000, i128::from(den));
    let neg = (n < 0) != (d < 0);
    let (n, d) = (n.abs(), d.abs());
    let tenths = (2 * n + d) / (2 * d);
    let tenths = if neg { -tenths } else { tenths };
    Some(tenths as f64 / 10.0)
}

impl Computed {
    fn unit_ref(&self, ix: VersionIx) -> UnitRef {
        let v = self.scope.graph.version(ix);
        UnitRef {
            code: v.code.clone(),
            name: v.name.clone(),
            level: v.level.as_str(),
        }
    }

    /// The entrusted total of a node: its own rows, else the sum of its children's.
    fn entrusted(&self, node: VersionIx) -> Option<i64> {
        if self.tally.entrusted.is_empty() {
            return None; // no balance anywhere: no need to walk the tree
        }
        if let Some(v) = self.tally.entrusted.get(&node) {
            return Some(*v);
        }
        let parts: Vec<i64> = self
            .scope
            .children_of(node)
            .iter()
            .filter_map(|&c| self.entrusted(c))
            .collect();
        (!parts.is_empty()).then(|| parts.iter().sum())
    }

    /// The target of a node (data-contract.md, "Targets"): its own rows (merged units
    /// add up); where there are none, its children's plus the rows of units that fell to
    /// it; none where no row exists at all.
    fn target(&self, node: VersionIx, code: Indicator) -> Option<i64> {
        let anywhere = |m: &HashMap<(VersionIx, Indicator), i64>| m.keys().any(|(_, c)| *c == code);
        if !anywhere(&self.tally.targets) && !anywhere(&self.tally.fallen_targets) {
            return None; // no target of this indicator anywhere below
        }
        self.target_below(node, code)
    }

    fn target_below(&self, node: VersionIx, code: Indicator) -> Option<i64> {
        if let Some(v) = self.tally.targets.get(&(node, code)) {
            return Some(*v);
        }
        let parts: Vec<i64> = self
            .scope
            .children_of(node)
            .iter()
            .filter_map(|&c| self.target_below(c, code))
            .chain(self.tally.fallen_targets.get(&(node, code)).copied())
            .collect();
        (!parts.is_empty()).then(|| parts.iter().sum())
    }

    /// The indicator values of the nodes `include` selects; `entrusted` and `target`
    /// give the node-level rules their answer.
    fn indicators(
        &self,
        include: impl Fn(VersionIx) -> bool,
        entrusted: Option<i64>,
        target: impl Fn(Indicator) -> Option<i64>,
    ) -> Vec<IndicatorValue> {
        use Indicator as I;
        let sums = self.tally.values(include);
        let get = |i: Indicator| sums.get(&i).copied().unwrap_or(0);
        ALL.iter()
            .map(|d: &Def| {
                let value: serde_json::Value = match d.indicator {
                    I::VbspSharePct => entrusted
                        .and_then(|e| pct(get(I::VbspOutstandingVnd), e))
                        .into(),
                    I::VbspOverduePct => {
                        pct(get(I::VbspOverdueVnd), get(I::VbspOutstandingVnd)).into()
                    }
                    i => get(i).into(),
                };
                let target = if d.measure == Measure::Percent {
                    None
                } else {
                    target(d.indicator)
                };
                let achievement_pct = match (target, value.as_i64()) {
                    (Some(t), Some(v)) => pct(v, t),
                    _ => None,
                };
                IndicatorValue {
                    code: d.code,
                    label: d.label_vi,
                    value,
                    target,
                    achievement_pct,
                }
            })
            .collect()
    }

    /// Targets apply only to a period within one year.
    fn targets_apply(&self) -> bool {
        self.request.from.year() == self.request.to.year()
    }

    pub fn report(&self, by_children: bool) -> Report {
        let root = self.scope.root;
        let yearly = self.targets_apply();
        let indicators = self.indicators(
            |_| true,
            self.entrusted(root),
            |c| if yearly { self.target(root, c) } else { None },
        );
        let children = by_children.then(|| {
            let mut rows: Vec<ChildRow> = self
                .scope
                .children_of(root)
                .iter()
                .map(|&c| ChildRow {
                    unit: self.unit_ref(c),
                    own: false,
                    indicators: self.indicators(
                        |n| self.scope.top_child(n) == Some(c),
                        self.entrusted(c),
                        |code| if yearly { self.target(c, code) } else { None },
                    ),
                })
                .collect();
            let own = self.indicators(
                |n| n == root,
                self.tally.entrusted.get(&root).copied(),
                |code| {
                    if yearly {
                        self.tally.targets.get(&(root, code)).copied()
                    } else {
                        None
                    }
                },
            );
            if own.iter().any(|i| i.value.as_i64().is_some_and(|v| v != 0)) {
                rows.push(ChildRow {
                    unit: self.unit_ref(root),
                    own: true,
                    indicators: own,
                });
            }
            rows
        });
        Report {
            unit: self.unit_ref(root),
            period: Period {
                from: self.request.from.to_string(),
                to: self.request.to.to_string(),
            },
            structure_date: self.scope.structure_date.to_string(),
            indicators,
            children,
            unmapped: self
                .tally
                .unmapped
                .iter()
                .map(|((source, ix), n)| {
                    let v = self.scope.graph.version(*ix);
                    Unmapped {
                        source,
                        unit_code: v.code.clone(),
                        unit_name: v.name.clone(),
                        valid_from: v.valid_from.to_string(),
                        records: *n,
                    }
                })
                .collect(),
        }
    }

    /// The records behind the figure asked for in [`compute`]'s `want`.
    pub fn evidence(&self) -> Vec<Evidence> {
        let mut out: Vec<Evidence> = self.tally.evidence.iter().map(|(_, e)| e.clone()).collect();
        out.sort_by(|a, b| {
            (a.unit_code.as_str(), a.record.as_str())
                .cmp(&(b.unit_code.as_str(), b.record.as_str()))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::pct;

    #[test]
    fn percentages_round_halves_away_from_zero() {
        assert_eq!(pct(571, 482), Some(118.5));
        assert_eq!(pct(312, 300), Some(104.0));
        assert_eq!(pct(1, 8), Some(12.5));
        assert_eq!(pct(1, 16), Some(6.3)); // 6.25 → 6.3
        assert_eq!(pct(-1, 16), Some(-6.3));
        assert_eq!(pct(1, 0), None);
    }
}
