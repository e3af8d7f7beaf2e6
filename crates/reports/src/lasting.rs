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
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use store::Db;

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
}

#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Forecast {
    pub indicator: &'static str,
    pub so_far: i64,
    pub forecast: Option<i64>,
    pub target: Option<i64>,
    pub forecast_achievement_pct: Option<f64>,
}

/// What the report reads of one household: where it lies on S (its own unit), the years
/// a unit of the subtree took it on, and its effective history on D.
struct Household {
    own: Option<VersionIx>,
    assigned: BTreeSet<i32>,
    history: Vec<Assessed>,
    events: Vec<StatusEvent>,
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
    let s = structure.unwrap_or(as_of);
    let graph = store::units::load_graph_cached(db)?;
    let scope = Scope::shared(graph, unit, s)?;
    let households = gather(db, &scope, as_of)?;
    let mut behind = BTreeMap::new();

    // Cohorts: the households `hh_escaped` counts for the year (an escape dated in it, the
    // household taken on for the escape's year), each with the escape it made.
    let mut cohorts: BTreeMap<i32, BTreeMap<&str, &StatusEvent>> = BTreeMap::new();
    for (code, h) in &households {
        for e in h.events.iter().filter(|e| e.kind == EventKind::Escaped) {
            if h.assigned.contains(&e.year) {
                cohorts.entry(e.date.year()).or_default().insert(code, e);
            }
        }
    }
    let first = cohorts.keys().next().copied();
    let mut rows = Vec::new();
    if let Some(first) = first {
        for year in first..=as_of.year() {
            let cohort = cohorts.get(&year).cloned().unwrap_or_default();
            rows.push(cohort_row(
                db,
                &scope,
                (year, as_of),
                &households,
                &cohort,
                &mut behind,
            )?);
        }
    }
    let at_risk = at_risk(db, &households, as_of)?;
    behind.insert(
        "at_risk".to_owned(),
        at_risk.iter().map(|r| r.household_code.clone()).collect(),
    );
    let forecast = forecast(db, unit, as_of, s)?;
    let root = scope.graph.version(scope.root);
    Ok(Lasting {
        unit: UnitRef {
            code: root.code.clone(),
            name: root.name.clone(),
            level: root.level.as_str(),
        },
        as_of: as_of.to_string(),
        structure_date: s.to_string(),
        cohorts: rows,
        at_risk,
        forecast,
        behind,
    })
}

/// Every household the report may judge: those of the subtree (by their own unit) and
/// those a unit of the subtree took on, with their histories known on `as_of`.
fn gather(
    db: &mut Db,
    scope: &Scope,
    as_of: Date,
) -> Result<BTreeMap<String, Household>, ReportError> {
    let units = scope.units(&[]);
    let mut out: BTreeMap<String, Household> = BTreeMap::new();
    let blank = || Household {
        own: None,
        assigned: BTreeSet::new(),
        history: Vec::new(),
        events: Vec::new(),
    };
    for (code, unit_id) in store::records::households_of(db, &units)? {
        if let Some(node) = scope.place(unit_id) {
            out.entry(code).or_insert_with(blank).own = Some(node);
        }
    }
    for a in store::records::assignments(db, &units, Some(as_of))? {
        if scope.place(a.unit_id).is_some() {
            out.entry(a.household_code)
                .or_insert_with(blank)
                .assigned
                .insert(a.year);
        }
    }
    let codes: Vec<String> = out.keys().cloned().collect();
    for (code, records) in store::records::assessments_by(db, &codes, as_of)? {
        if let Some(h) = out.get_mut(&code) {
            h.history = effective_history(&records, as_of);
            h.events = events(&h.history);
        }
    }
    Ok(out)
}

/// One cohort year's row: the follow-up, the comparison and the value.
fn cohort_row(
    db: &mut Db,
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
    let comparison = comparison(scope, year, households, behind);
    // Value: the supports of the year given by a unit of the subtree to a household it
    // took on for that year.
    let end = Date::from_ymd(year, 12, 31).unwrap_or(as_of).min(as_of);
    let start = Date::from_ymd(year, 1, 1).unwrap_or(end);
    let mut spend = 0_i64;
    for s in store::records::support_spend(db, &scope.units(&[]), start, end)? {
        let taken_on = s
            .household_code
            .as_deref()
            .and_then(|c| households.get(c))
            .is_some_and(|h| h.assigned.contains(&year));
        if taken_on && scope.place(s.unit_id).is_some() {
            spend += s.value_vnd;
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
    scope: &Scope,
    year: i32,
    households: &BTreeMap<String, Household>,
    behind: &mut BTreeMap<String, Vec<String>>,
) -> Comparison {
    let mut strata: BTreeMap<(VersionIx, Class), Stratum> = BTreeMap::new();
    let mut lists: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (code, h) in households {
        let Some(node) = h.own else { continue };
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
        let s = strata
            .entry((commune_of(scope, node), prior.status))
            .or_default();
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
    let codes: Vec<String> = escapes.keys().map(|c| (*c).to_owned()).collect();
    let mut details: HashMap<String, Vec<store::records::AssessmentDetail>> = HashMap::new();
    for d in store::records::assessment_details(db, &codes, as_of)? {
        details.entry(d.household_code.clone()).or_default().push(d);
    }
    let areas: HashMap<String, domain::vocab::Area> = store::records::household_areas(db, &codes)?
        .into_iter()
        .map(|a| (a.household_code, a.area))
        .collect();
    let supported: HashSet<String> =
        store::records::supported_between(db, &codes, as_of.add_days(-364), as_of)?;
    let standards = store::standards::load_all(db)?;
    let mut out = Vec::new();
    for (code, escape) in escapes {
        let h = &households[code];
        let own = details.get(code).map(Vec::as_slice).unwrap_or_default();
        // The detail of an effective assessment: the record of its year and kind.
        let detail = |a: &Assessed| own.iter().find(|d| d.year == a.year && d.kind == a.kind);
        let deprivations = |d: &store::records::AssessmentDetail| {
            d.deprivations
                .split(';')
                .filter(|c| !c.trim().is_empty())
                .count()
        };
        let latest = h.history.last().and_then(detail);
        let made = h
            .history
            .iter()
            .find(|a| a.year == escape.year)
            .and_then(detail);
        let mut signs = Vec::new();
        if let (Some(l), Some(m)) = (latest, made) {
            if deprivations(l) > deprivations(m) {
                signs.push(Sign::MoreDeprivations);
            }
        }
        if let (Some(l), Some(area)) = (latest, areas.get(code)) {
            let standard = l
                .standard_code
                .as_deref()
                .and_then(|c| standards.iter().find(|s| s.code == c))
                .or_else(|| domain::poverty::standard_for(&standards, l.assessed_on, None));
            if let (Some(income), Some(s)) = (l.income, standard) {
                if i128::from(income) * 10 <= i128::from(s.poverty_line(*area)) * 11 {
                    signs.push(Sign::NearTheLine);
                }
            }
        }
        if !supported.contains(code) {
            signs.push(Sign::NoRecentSupport);
        }
        if !signs.is_empty() {
            out.push(AtRisk {
                household_code: code.to_owned(),
                signs,
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
fn forecast(db: &mut Db, unit: &str, as_of: Date, s: Date) -> Result<Vec<Forecast>, ReportError> {
    let year = as_of.year();
    let report = |db: &mut Db, from: Date, to: Date| {
        crate::run(
            db,
            &Request {
                unit: unit.to_owned(),
                from,
                to,
                structure_date: Some(s),
            },
            false,
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

/// A percentage as Vietnamese writes it ("90,4%"), or a dash.
fn pct_vi(p: Option<f64>) -> String {
    p.map_or_else(
        || "—".to_owned(),
        |p| format!("{}%", crate::render::decimal(p)),
    )
}

/// The report in Vietnamese, as a leader reads it.
pub fn text(l: &Lasting) -> String {
    use crate::render::count;
    let mut out = format!(
        "Thoát nghèo bền vững — {} ({}), số liệu đến ngày {}, theo cơ cấu đơn vị ngày {}\n",
        l.unit.name,
        l.unit.code,
        domain::date::dmy_text(&l.as_of),
        domain::date::dmy_text(&l.structure_date)
    );
    for c in &l.cohorts {
        out.push_str(&format!(
            "\nNăm {}: {} hộ thoát nghèo, cận nghèo.\n",
            c.year,
            count(c.escaped as i64)
        ));
        for f in &c.followup {
            out.push_str(&format!(
                "  Sau {} năm: {} hộ giữ được, {} hộ tái nghèo, {} hộ chưa rà soát — giữ được {}\n",
                f.years,
                count(f.held as i64),
                count(f.lost as i64),
                count(f.pending as i64),
                pct_vi(f.held_pct)
            ));
        }
        let (a, o) = (&c.comparison.assigned, &c.comparison.others);
        out.push_str(&format!(
            "  Hộ được Hội nhận giúp: {}/{} thoát ({}); hộ khác cùng diện: {}/{} thoát ({}).\n",
            count(a.escaped as i64),
            count(a.households as i64),
            pct_vi(a.rate_pct),
            count(o.escaped as i64),
            count(o.households as i64),
            pct_vi(o.rate_pct)
        ));
        if let (Some(d), Some(lo), Some(hi)) = (
            c.comparison.difference_pp,
            c.comparison.ci_low_pp,
            c.comparison.ci_high_pp,
        ) {
            out.push_str(&format!(
                "  Chênh lệch (so cùng xã, cùng mức nghèo năm trước): {} điểm % (khoảng tin cậy 95%: {} đến {}). \
                 Đây là so sánh giữa các hộ, không phải bằng chứng hỗ trợ là nguyên nhân.\n",
                crate::render::decimal(d),
                crate::render::decimal(lo),
                crate::render::decimal(hi)
            ));
        }
        out.push_str(&format!(
            "  Chi hỗ trợ hộ được nhận giúp: {} đồng; mỗi hộ thoát: {}; mỗi hộ thoát bền vững (sau 2 năm): {}.\n",
            count(c.value.spend_vnd),
            c.value.cost_per_escape_vnd.map_or("—".to_owned(), |v| format!("{} đồng", count(v))),
            c.value.cost_per_lasting_escape_vnd.map_or("—".to_owned(), |v| format!("{} đồng", count(v)))
        ));
    }
    out.push_str(&format!(
        "\nHộ cần theo dõi: {} hộ mới thoát nghèo có dấu hiệu tái nghèo.\n",
        count(l.at_risk.len() as i64)
    ));
    for r in l.at_risk.iter().take(20) {
        let signs: Vec<&str> = r.signs.iter().map(|s| s.label_vi()).collect();
        out.push_str(&format!("  {}: {}\n", r.household_code, signs.join("; ")));
    }
    out.push_str("\nDự báo cả năm:\n");
    for f in l
        .forecast
        .iter()
        .filter(|f| f.so_far != 0 || f.target.is_some())
    {
        let label = ALL
            .iter()
            .find(|d| d.code == f.indicator)
            .map_or(f.indicator, |d| d.label_vi);
        out.push_str(&format!(
            "  {label}: đến nay {}, dự báo {}{}\n",
            count(f.so_far),
            f.forecast.map_or("—".to_owned(), count),
            f.target.map_or(String::new(), |t| format!(
                ", chỉ tiêu {} ({})",
                count(t),
                pct_vi(f.forecast_achievement_pct)
            ))
        ));
    }
    out
}

/// The report as a workbook: the cohorts, the households at risk, the forecast.
pub fn xlsx(l: &Lasting) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let head = Format::new().set_bold().set_text_wrap();
    let num = Format::new().set_num_format("#,##0");
    let pct = Format::new().set_num_format("0.0");
    let opt = |v: Option<f64>| v.unwrap_or(f64::NAN);
    let sheet = book.add_worksheet();
    sheet.set_name("Thoat ngheo ben vung")?;
    let headings = [
        "Năm",
        "Hộ thoát",
        "Giữ được sau 1 năm",
        "Tái nghèo sau 1 năm",
        "Chưa rà soát sau 1 năm",
        "% giữ được sau 1 năm",
        "Giữ được sau 2 năm",
        "Tái nghèo sau 2 năm",
        "Chưa rà soát sau 2 năm",
        "% giữ được sau 2 năm",
        "Giữ được sau 3 năm",
        "Tái nghèo sau 3 năm",
        "Chưa rà soát sau 3 năm",
        "% giữ được sau 3 năm",
        "Hộ được nhận giúp (cùng diện)",
        "Trong đó thoát",
        "Tỷ lệ thoát (%)",
        "Hộ khác cùng diện",
        "Trong đó thoát",
        "Tỷ lệ thoát (%)",
        "Chênh lệch (điểm %)",
        "Cận dưới",
        "Cận trên",
        "Hộ nhận giúp không có hộ so sánh",
        "Chi hỗ trợ (đồng)",
        "Chi mỗi hộ thoát",
        "Chi mỗi hộ thoát bền vững",
    ];
    for (c, h) in headings.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &head)?;
    }
    for (r, c) in l.cohorts.iter().enumerate() {
        let row = r as u32 + 1;
        let mut col = 0u16;
        let mut n = |sheet: &mut rust_xlsxwriter::Worksheet,
                     v: f64,
                     f: &Format|
         -> Result<(), rust_xlsxwriter::XlsxError> {
            if !v.is_nan() {
                sheet.write_number_with_format(row, col, v, f)?;
            }
            col += 1;
            Ok(())
        };
        n(sheet, f64::from(c.year), &Format::new())?;
        n(sheet, c.escaped as f64, &num)?;
        for f in &c.followup {
            n(sheet, f.held as f64, &num)?;
            n(sheet, f.lost as f64, &num)?;
            n(sheet, f.pending as f64, &num)?;
            n(sheet, opt(f.held_pct), &pct)?;
        }
        let cmp = &c.comparison;
        for g in [&cmp.assigned, &cmp.others] {
            n(sheet, g.households as f64, &num)?;
            n(sheet, g.escaped as f64, &num)?;
            n(sheet, opt(g.rate_pct), &pct)?;
        }
        n(sheet, opt(cmp.difference_pp), &pct)?;
        n(sheet, opt(cmp.ci_low_pp), &pct)?;
        n(sheet, opt(cmp.ci_high_pp), &pct)?;
        n(sheet, cmp.assigned_left_out as f64, &num)?;
        n(sheet, c.value.spend_vnd as f64, &num)?;
        n(
            sheet,
            c.value.cost_per_escape_vnd.map_or(f64::NAN, |v| v as f64),
            &num,
        )?;
        n(
            sheet,
            c.value
                .cost_per_lasting_escape_vnd
                .map_or(f64::NAN, |v| v as f64),
            &num,
        )?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("Ho can theo doi")?;
    sheet.write_string_with_format(0, 0, "Mã hộ", &head)?;
    sheet.write_string_with_format(0, 1, "Dấu hiệu", &head)?;
    for (r, a) in l.at_risk.iter().enumerate() {
        sheet.write_string(r as u32 + 1, 0, &a.household_code)?;
        let signs: Vec<&str> = a.signs.iter().map(|s| s.label_vi()).collect();
        sheet.write_string(r as u32 + 1, 1, signs.join("; "))?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("Du bao")?;
    for (c, h) in [
        "Chỉ tiêu",
        "Đến nay",
        "Dự báo cả năm",
        "Kế hoạch",
        "% kế hoạch (dự báo)",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, c as u16, *h, &head)?;
    }
    for (r, f) in l.forecast.iter().enumerate() {
        let row = r as u32 + 1;
        let label = ALL
            .iter()
            .find(|d| d.code == f.indicator)
            .map_or(f.indicator, |d| d.label_vi);
        sheet.write_string(row, 0, label)?;
        sheet.write_number_with_format(row, 1, f.so_far as f64, &num)?;
        if let Some(v) = f.forecast {
            sheet.write_number_with_format(row, 2, v as f64, &num)?;
        }
        if let Some(v) = f.target {
            sheet.write_number_with_format(row, 3, v as f64, &num)?;
        }
        if let Some(v) = f.forecast_achievement_pct {
            sheet.write_number_with_format(row, 4, v, &pct)?;
        }
    }
    book.save_to_buffer()
}
