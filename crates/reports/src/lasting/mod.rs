//! The `lasting` report (data contract v1.2, "Follow-up of escapes, comparison and
//! value"): for a unit, an as-of date D and a structure date S, the cohorts of escapes by
//! year and whether they held one, two and three years later; the escape rate of the
//! households the union took on against the other eligible households, stratified by
//! commune and prior class; what the union spent per escape and per lasting escape; the
//! newly escaped households at risk of falling back; and where the year's flows will end.
//!
//! Computed from the records, like a drill-down: nothing dated after D is known. The
//! rules themselves (holding, intervals, the stratified difference) are
//! `domain::lasting`; this module gathers the households they judge. Each figure keeps the
//! households behind it (`Lasting::behind`).

use crate::scope::Scope;
use crate::{ReportError, Request, UnitRef};
use domain::indicators::{Kind, ALL};
use domain::lasting::{followed, one_decimal, stratified, whole_ratio, wilson, Followed, Stratum};
use domain::poverty::Class;
use domain::status::{effective_history, events, Assessed, EventKind, StatusEvent};
use domain::units::{Level, VersionIx};
use domain::Date;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use store::aggregates::lasting::HouseholdFacts;
use store::Db;

mod render;
pub use render::{comparison_sentence, headline, pct_vi, print_table, sentence, text, xlsx};

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Lasting {
    pub unit: UnitRef,
    pub as_of: String,
    pub structure_date: String,
    pub cohorts: Vec<Cohort>,
    pub at_risk: Vec<AtRisk>,
    pub forecast: Vec<Forecast>,
    /// The households behind each figure, by the figure's name (`cohort:2023`,
    /// `held:2023:2`, `assigned_escaped:2023`, `at_risk`…): what a click on it lists.
    #[serde(skip)]
    pub behind: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Cohort {
    pub year: i32,
    pub escaped: u64,
    pub followup: Vec<Followup>,
    pub comparison: Comparison,
    pub value: CohortValue,
}

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Followup {
    pub years: i32,
    pub held: u64,
    pub lost: u64,
    pub pending: u64,
    pub held_pct: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Group {
    pub households: u64,
    pub escaped: u64,
    pub rate_pct: Option<f64>,
    pub ci_low_pct: Option<f64>,
    pub ci_high_pct: Option<f64>,
}

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Comparison {
    pub assigned: Group,
    pub others: Group,
    pub difference_pp: Option<f64>,
    pub ci_low_pp: Option<f64>,
    pub ci_high_pp: Option<f64>,
    pub assigned_left_out: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct CohortValue {
    pub spend_vnd: i64,
    pub cost_per_escape_vnd: Option<i64>,
    pub cost_per_lasting_escape_vnd: Option<i64>,
}

/// A sign that a newly escaped household may fall back.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sign {
    MoreDeprivations,
    NearTheLine,
    NoRecentSupport,
}

impl Sign {
    pub fn label_vi(self) -> &'static str {
        match self {
            Sign::MoreDeprivations => "thiếu hụt nhiều hơn lúc thoát nghèo",
            Sign::NearTheLine => "thu nhập sát chuẩn nghèo (không quá 110%)",
            Sign::NoRecentSupport => "không được hỗ trợ trong 12 tháng qua",
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct AtRisk {
    pub household_code: String,
    pub signs: Vec<Sign>,
    /// The day of the escape it is newly out by (YYYY-MM-DD); an extension of the
    /// contract's item, for the visit list to sort by.
    pub escaped_on: String,
}

/// One child unit's cohorts (no at-risk list, no forecast): how a province sees which
/// communes' escapes last.
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct ChildLasting {
    pub unit: UnitRef,
    pub cohorts: Vec<Cohort>,
}

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Forecast {
    pub indicator: &'static str,
    pub so_far: i64,
    pub forecast: Option<i64>,
    pub target: Option<i64>,
    pub forecast_achievement_pct: Option<f64>,
}

/// A figure's name (`Lasting::behind`'s key) in words, or `None` for a name the report
/// does not give.
pub fn figure_vi(key: &str) -> Option<String> {
    let parts: Vec<&str> = key.split(':').collect();
    let year = |s: &str| s.parse::<i32>().ok();
    Some(match parts.as_slice() {
        ["at_risk"] => "Hộ mới thoát nghèo cần theo dõi (có dấu hiệu tái nghèo)".to_owned(),
        ["cohort", y] => format!(
            "Hộ thoát nghèo, cận nghèo năm {} có Hội nhận giúp đỡ",
            year(y)?
        ),
        [what @ ("held" | "lost" | "pending"), y, k] => {
            let (y, k) = (year(y)?, year(k)?);
            let how = match *what {
                "held" => "vẫn giữ được",
                "lost" => "tái nghèo (nghèo hơn lúc thoát)",
                _ => "chưa có kết quả rà soát",
            };
            format!("Hộ thoát nghèo, cận nghèo năm {y}: {how} sau {k} năm")
        }
        [group, y] => {
            let y = year(y)?;
            let eligible = format!("nghèo, cận nghèo năm {}", y - 1);
            match *group {
                "assigned" => format!("Hộ {eligible} được Hội nhận giúp đỡ năm {y}"),
                "assigned_escaped" => {
                    format!("Hộ {eligible} được Hội nhận giúp đỡ, thoát nghèo, cận nghèo năm {y}")
                }
                "others" => format!("Hộ {eligible} khác (không được Hội nhận giúp năm {y})"),
                "others_escaped" => {
                    format!("Hộ {eligible} khác, thoát nghèo, cận nghèo năm {y}")
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// What the report reads of one household: where it lies on S (its own unit), the years
/// a unit of the subtree took it on, its effective history on D, and its kept records
/// (for the details of its assessments, its area and its supports).
struct Household {
    own: Option<VersionIx>,
    /// The stratum of its own unit: the commune it lies in on S (see [`commune_of`]).
    commune: Option<VersionIx>,
    assigned: BTreeSet<i32>,
    history: Vec<Assessed>,
    events: Vec<StatusEvent>,
    facts: HouseholdFacts,
}

/// The follow-up years the contract asks for.
const FOLLOW_UP_YEARS: [i32; 3] = [1, 2, 3];

/// The `lasting` report of unit `unit` on `as_of`, in the tree of `structure` (default
/// `as_of`).
pub fn compute(
    db: &mut Db,
    unit: &str,
    as_of: Date,
    structure: Option<Date>,
) -> Result<Lasting, ReportError> {
    let mut run = |db: &mut Db, req: &Request| crate::run(db, req, false).map(Arc::new);
    compute_with(db, unit, as_of, structure, &mut run)
}

/// A report of a unit and period, without its child units: computed, or kept by the
/// caller from an earlier computation of the same request on the same data.
pub type ReportOf<'a, E> = dyn FnMut(&mut Db, &Request) -> Result<Arc<crate::Report>, E> + 'a;

/// [`compute`], its forecast's reports of this year and the years before asked of
/// `report` (a server keeps them: last year's figures do not change with today's saves,
/// and this year's so far is the report on the page).
pub fn compute_with<E: From<ReportError>>(
    db: &mut Db,
    unit: &str,
    as_of: Date,
    structure: Option<Date>,
    report: &mut ReportOf<'_, E>,
) -> Result<Lasting, E> {
    let s = structure.unwrap_or(as_of);
    let mut lasting = followed_up(db, unit, as_of, s)?;
    lasting.forecast = forecast(db, unit, as_of, s, report)?;
    Ok(lasting)
}

/// The report without its forecast.
fn followed_up(db: &mut Db, unit: &str, as_of: Date, s: Date) -> Result<Lasting, ReportError> {
    let graph = store::units::load_graph_cached(db)?;
    let scope = Scope::shared(graph, unit, s)?;
    let households = gather(db, &scope, as_of)?;
    let mut behind = BTreeMap::new();
    let cohorts = cohorts(&scope, as_of, &households, &mut behind)?;
    let at_risk = at_risk(db, &households, as_of)?;
    behind.insert(
        "at_risk".to_owned(),
        at_risk.iter().map(|r| r.household_code.clone()).collect(),
    );
    Ok(Lasting {
        unit: unit_ref(&scope),
        as_of: as_of.to_string(),
        structure_date: s.to_string(),
        cohorts,
        at_risk,
        forecast: Vec::new(),
        behind,
    })
}

/// The `lasting` report that goes with a period's report: its unit, followed up to the
/// period's end in its structure; `None` where that unit has no place in the tree then
/// (the period's report still stands on its own).
pub fn of_report(db: &mut Db, r: &crate::Report) -> Result<Option<Lasting>, ReportError> {
    let Ok(to) = Date::parse(&r.period.to) else {
        return Ok(None);
    };
    let structure = Date::parse(&r.structure_date).ok();
    match compute(db, &r.unit.code, to, structure) {
        Ok(l) => Ok(Some(l)),
        Err(ReportError::UnitMissing(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The households at risk of unit `unit` on `as_of` (the report's `at_risk` alone: the
/// visit list), in the tree of `structure` (default `as_of`).
pub fn at_risk_of(
    db: &mut Db,
    unit: &str,
    as_of: Date,
    structure: Option<Date>,
) -> Result<Vec<AtRisk>, ReportError> {
    let graph = store::units::load_graph_cached(db)?;
    let scope = Scope::shared(graph, unit, structure.unwrap_or(as_of))?;
    let households = gather(db, &scope, as_of)?;
    at_risk(db, &households, as_of)
}

/// The cohorts of each child unit of `unit` on the structure date, each computed as the
/// report of that unit.
pub fn by_children(
    db: &mut Db,
    unit: &str,
    as_of: Date,
    structure: Option<Date>,
) -> Result<Vec<ChildLasting>, ReportError> {
    let s = structure.unwrap_or(as_of);
    let graph = store::units::load_graph_cached(db)?;
    let scope = Scope::shared(graph.clone(), unit, s)?;
    let mut out = Vec::new();
    for &child in scope.children_of(scope.root) {
        let code = &scope.graph.version(child).code;
        let child_scope = Scope::shared(graph.clone(), code, s)?;
        let households = gather(db, &child_scope, as_of)?;
        let cohorts = cohorts(&child_scope, as_of, &households, &mut BTreeMap::new())?;
        out.push(ChildLasting {
            unit: unit_ref(&child_scope),
            cohorts,
        });
    }
    Ok(out)
}

fn unit_ref(scope: &Scope) -> UnitRef {
    let root = scope.graph.version(scope.root);
    UnitRef {
        code: root.code.clone(),
        name: root.name.clone(),
        level: root.level.as_str(),
    }
}

/// Every cohort year from the first escape the unit counts to `as_of`'s year.
fn cohorts(
    scope: &Scope,
    as_of: Date,
    households: &BTreeMap<String, Household>,
    behind: &mut BTreeMap<String, Vec<String>>,
) -> Result<Vec<Cohort>, ReportError> {
    // Cohorts: the households `hh_escaped` counts for the year (an escape dated in it, the
    // household taken on for the escape's year), each with the escape it made.
    let mut cohorts: BTreeMap<i32, BTreeMap<&str, &StatusEvent>> = BTreeMap::new();
    for (code, h) in households {
        for e in h.events.iter().filter(|e| e.kind == EventKind::Escaped) {
            if h.assigned.contains(&e.year) {
                cohorts.entry(e.date.year()).or_default().insert(code, e);
            }
        }
    }
    let mut rows = Vec::new();
    if let Some(&first) = cohorts.keys().next() {
        for year in first..=as_of.year() {
            let cohort = cohorts.get(&year).cloned().unwrap_or_default();
            rows.push(cohort_row(
                scope,
                (year, as_of),
                households,
                &cohort,
                behind,
            )?);
        }
    }
    Ok(rows)
}

/// Every household the report may judge: those of the subtree (by their own unit) and
/// those a unit of the subtree took on, with their histories known on `as_of`. Read from
/// the rows kept on write (`store::aggregates::lasting`): one per household that was ever
/// poor, near-poor or taken on, the only ones the report can judge.
fn gather(
    db: &mut Db,
    scope: &Scope,
    as_of: Date,
) -> Result<BTreeMap<String, Household>, ReportError> {
    use store::aggregates::lasting as kept;
    let units = scope.units(&[]);
    let mut facts: BTreeMap<String, HouseholdFacts> = kept::of_units(db, &units)?
        .into_iter()
        .map(|h| (h.household_code.clone(), h))
        .collect();
    if !matches!(units, store::records::Units::All) {
        // Households a unit of the subtree took on whose own unit lies elsewhere.
        let elsewhere: Vec<String> = kept::taken_on_by(db, &units)?
            .into_iter()
            .filter(|c| !facts.contains_key(c))
            .collect();
        for h in kept::of_codes(db, &elsewhere)? {
            facts.insert(h.household_code.clone(), h);
        }
    }
    let mut out = BTreeMap::new();
    for (code, f) in facts {
        let own = scope.place(f.unit_id);
        let assigned: BTreeSet<i32> = f
            .assignments
            .iter()
            .filter(|(_, on, unit)| *on <= as_of && scope.place(*unit).is_some())
            .map(|a| a.0)
            .collect();
        if own.is_none() && assigned.is_empty() {
            continue;
        }
        let known: Vec<Assessed> = f
            .assessments
            .iter()
            .filter(|a| a.assessed.assessed_on <= as_of)
            .map(|a| a.assessed.clone())
            .collect();
        let history = effective_history(&known, as_of);
        let events = events(&history);
        out.insert(
            code,
            Household {
                own,
                commune: own.map(|node| commune_of(scope, node)),
                assigned,
                history,
                events,
                facts: f,
            },
        );
    }
    Ok(out)
}

/// One cohort year's row: the follow-up, the comparison and the value.
fn cohort_row(
    scope: &Scope,
    (year, as_of): (i32, Date),
    households: &BTreeMap<String, Household>,
    cohort: &BTreeMap<&str, &StatusEvent>,
    behind: &mut BTreeMap<String, Vec<String>>,
) -> Result<Cohort, ReportError> {
    let list = |codes: Vec<&str>| codes.into_iter().map(str::to_owned).collect::<Vec<_>>();
    behind.insert(
        format!("cohort:{year}"),
        list(cohort.keys().copied().collect()),
    );
    let mut followup = Vec::new();
    let mut held_at_two = 0;
    for k in FOLLOW_UP_YEARS {
        let mut by: HashMap<Followed, Vec<&str>> = HashMap::new();
        for (&code, e) in cohort {
            let h = &households[code];
            by.entry(followed(&h.history, year, e.to, k))
                .or_default()
                .push(code);
        }
        let mut take = |f: Followed, name: &str| {
            let codes = by.remove(&f).unwrap_or_default();
            let n = codes.len() as u64;
            behind.insert(format!("{name}:{year}:{k}"), list(codes));
            n
        };
        let (held, lost, pending) = (
            take(Followed::Held, "held"),
            take(Followed::Lost, "lost"),
            take(Followed::Pending, "pending"),
        );
        if k == 2 {
            held_at_two = held;
        }
        followup.push(Followup {
            years: k,
            held,
            lost,
            pending,
            held_pct: crate::pct(held as i64, (held + lost) as i64),
        });
    }
    let comparison = comparison(year, households, behind);
    // Value: the supports of the year given by a unit of the subtree to a household it
    // took on for that year.
    let year_end = Date::from_ymd(year, 12, 31).unwrap_or(as_of);
    let end = year_end.min(as_of);
    let start = Date::from_ymd(year, 1, 1).unwrap_or(end);
    let mut spend = 0_i64;
    for h in households.values().filter(|h| h.assigned.contains(&year)) {
        if end < year_end {
            // The year D falls in: its supports up to D, one by one.
            for (on, value, unit) in h.facts.supports()? {
                if (start..=end).contains(&on) && scope.place(unit).is_some() {
                    spend += value;
                }
            }
        } else {
            // A whole year before D: the year's sums per giving unit.
            for (y, unit, value) in &h.facts.support_sums {
                if *y == year && scope.place(*unit).is_some() {
                    spend += value;
                }
            }
        }
    }
    Ok(Cohort {
        year,
        escaped: cohort.len() as u64,
        followup,
        comparison,
        value: CohortValue {
            spend_vnd: spend,
            cost_per_escape_vnd: whole_ratio(spend, cohort.len() as i64),
            cost_per_lasting_escape_vnd: whole_ratio(spend, held_at_two as i64),
        },
    })
}

/// The commune a household's own unit lies in on S (itself when it lies in none: a unit
/// that fell to a district or a province is its own stratum).
fn commune_of(scope: &Scope, node: VersionIx) -> VersionIx {
    scope
        .graph
        .ancestor_at_level(node, scope.structure_date, Level::Commune)
        .unwrap_or(node)
}

fn group(households: u64, escaped: u64) -> Group {
    let ci = wilson(escaped, households);
    Group {
        households,
        escaped,
        rate_pct: crate::pct(escaped as i64, households as i64),
        ci_low_pct: ci.map(|(lo, _)| one_decimal(100.0 * lo)),
        ci_high_pct: ci.map(|(_, hi)| one_decimal(100.0 * hi)),
    }
}

/// The eligible households of year `year` (poor or near-poor in `year − 1`, of the
/// subtree by their own unit), those taken on against the others.
fn comparison(
    year: i32,
    households: &BTreeMap<String, Household>,
    behind: &mut BTreeMap<String, Vec<String>>,
) -> Comparison {
    let mut strata: BTreeMap<(VersionIx, Class), Stratum> = BTreeMap::new();
    let mut lists: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (code, h) in households {
        let Some(commune) = h.commune else { continue };
        let Some(prior) = h.history.iter().find(|a| a.year == year - 1) else {
            continue;
        };
        if !prior.status.is_poor_or_near() {
            continue;
        }
        let assigned = h.assigned.contains(&year);
        let escaped = h
            .events
            .iter()
            .any(|e| e.kind == EventKind::Escaped && e.year == year);
        let s = strata.entry((commune, prior.status)).or_default();
        let group = if assigned { "assigned" } else { "others" };
        if assigned {
            s.assigned += 1;
            s.assigned_escaped += u64::from(escaped);
        } else {
            s.others += 1;
            s.others_escaped += u64::from(escaped);
        }
        lists.entry(group).or_default().push(code.clone());
        if escaped {
            lists
                .entry(if assigned {
                    "assigned_escaped"
                } else {
                    "others_escaped"
                })
                .or_default()
                .push(code.clone());
        }
    }
    let sum = |f: fn(&Stratum) -> u64| strata.values().map(f).sum::<u64>();
    let assigned = group(sum(|s| s.assigned), sum(|s| s.assigned_escaped));
    let others = group(sum(|s| s.others), sum(|s| s.others_escaped));
    let (difference, left_out) = stratified(strata.values());
    for name in ["assigned", "assigned_escaped", "others", "others_escaped"] {
        behind.insert(
            format!("{name}:{year}"),
            lists.remove(name).unwrap_or_default(),
        );
    }
    Comparison {
        assigned,
        others,
        difference_pp: difference.map(|d| one_decimal(d.pp)),
        ci_low_pp: difference.map(|d| one_decimal(d.low_pp)),
        ci_high_pp: difference.map(|d| one_decimal(d.high_pp)),
        assigned_left_out: left_out,
    }
}

/// The newly escaped households of the subtree still out on `as_of`, with their signs.
fn at_risk(
    db: &mut Db,
    households: &BTreeMap<String, Household>,
    as_of: Date,
) -> Result<Vec<AtRisk>, ReportError> {
    // The latest escape of each newly escaped household that is still out.
    let mut escapes: BTreeMap<&str, &StatusEvent> = BTreeMap::new();
    for (code, h) in households.iter().filter(|(_, h)| h.own.is_some()) {
        let latest = h.events.iter().rfind(|e| {
            e.kind == EventKind::Escaped && e.date <= as_of && as_of < e.date.add_months(36)
        });
        let still_out = |e: &StatusEvent| {
            h.history
                .last()
                .is_some_and(|a| domain::lasting::still_out(e.to, a.status))
        };
        if let Some(e) = latest.filter(|e| still_out(e)) {
            escapes.insert(code, e);
        }
    }
    if escapes.is_empty() {
        return Ok(Vec::new());
    }
    let standards = store::standards::load_all(db)?;
    let recent = as_of.add_days(-364)..=as_of;
    let mut out = Vec::new();
    for (code, escape) in escapes {
        let h = &households[code];
        // The record of an effective assessment: the one of its year and kind known on D.
        let detail = |a: &Assessed| {
            h.facts.assessments.iter().rfind(|d| {
                d.assessed.year == a.year
                    && d.assessed.kind == a.kind
                    && d.assessed.assessed_on <= as_of
            })
        };
        let latest = h.history.last().and_then(detail);
        let made = h
            .history
            .iter()
            .find(|a| a.year == escape.year)
            .and_then(detail);
        let mut signs = Vec::new();
        if let (Some(l), Some(m)) = (latest, made) {
            if l.deprivations > m.deprivations {
                signs.push(Sign::MoreDeprivations);
            }
        }
        if let (Some(l), Some(area)) = (latest, h.facts.area) {
            let standard = l
                .standard_code
                .as_deref()
                .and_then(|c| standards.iter().find(|s| s.code == c))
                .or_else(|| {
                    domain::poverty::standard_for(&standards, l.assessed.assessed_on, None)
                });
            if let (Some(income), Some(s)) = (l.income, standard) {
                if i128::from(income) * 10 <= i128::from(s.poverty_line(area)) * 11 {
                    signs.push(Sign::NearTheLine);
                }
            }
        }
        if !h
            .facts
            .supports()?
            .iter()
            .any(|(on, _, _)| recent.contains(on))
        {
            signs.push(Sign::NoRecentSupport);
        }
        if !signs.is_empty() {
            out.push(AtRisk {
                household_code: code.to_owned(),
                signs,
                escaped_on: escape.date.to_string(),
            });
        }
    }
    out.sort_by(|a, b| {
        b.signs
            .len()
            .cmp(&a.signs.len())
            .then_with(|| a.household_code.cmp(&b.household_code))
    });
    Ok(out)
}

/// `as_of`'s month and day in `year` (28 February for 29 February).
fn same_day(as_of: Date, year: i32) -> Option<Date> {
    let (_, m, d) = as_of.ymd();
    Date::from_ymd(year, m, d).or_else(|| Date::from_ymd(year, m, d.min(28)))
}

/// Where each flow indicator of `as_of`'s year will end: so far, times how the three
/// years before grew from the same day to the year's end.
fn forecast<E: From<ReportError>>(
    db: &mut Db,
    unit: &str,
    as_of: Date,
    s: Date,
    report_of: &mut ReportOf<'_, E>,
) -> Result<Vec<Forecast>, E> {
    let year = as_of.year();
    let mut report = |db: &mut Db, from: Date, to: Date| {
        report_of(
            db,
            &Request {
                unit: unit.to_owned(),
                from,
                to,
                structure_date: Some(s),
            },
        )
    };
    let jan1 = |y: i32| {
        Date::from_ymd(y, 1, 1).ok_or_else(|| ReportError::UnitMissing(format!("năm {y}")))
    };
    let now = report(db, jan1(year)?, as_of)?;
    let mut past = Vec::new();
    for p in (year - 3..year).rev() {
        let (Some(day), Some(end)) = (same_day(as_of, p), Date::from_ymd(p, 12, 31)) else {
            continue;
        };
        past.push((report(db, jan1(p)?, day)?, report(db, jan1(p)?, end)?));
    }
    Ok(ALL
        .iter()
        .filter(|d| d.kind == Kind::Flow)
        .map(|d| {
            let code = d.code;
            let so_far = now.int(code);
            let ratios: Vec<f64> = past
                .iter()
                .filter(|(same, _)| same.int(code) != 0)
                .map(|(same, full)| full.int(code) as f64 / same.int(code) as f64)
                .collect();
            let forecast = (!ratios.is_empty()).then(|| {
                (so_far as f64 * ratios.iter().sum::<f64>() / ratios.len() as f64).round() as i64
            });
            let target = now.get(code).and_then(|i| i.target);
            Forecast {
                indicator: code,
                so_far,
                forecast,
                target,
                forecast_achievement_pct: forecast.zip(target).and_then(|(f, t)| crate::pct(f, t)),
            }
        })
        .collect())
}
