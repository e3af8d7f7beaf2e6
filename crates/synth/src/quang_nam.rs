//! The demo: a synthetic Quảng Nam, 2022–2025, made of raw records from which the
//! province's published 2023 figures (shared/spec/quang-nam-2023.md) compute. The
//! households, people and amounts are invented; only the totals are the report's.
//!
//! The generator checks its own totals as it goes: a change that breaks a published
//! figure fails here, before any database sees it.

use crate::households::{assessment_row, member_rows, profile, Household};
use crate::Rng;

mod stocks;
use domain::poverty::Class;

/// A commune of Quảng Nam as it stood in 2023, and where it went on 2025-07-01.
#[derive(Clone, Debug)]
pub struct Commune {
    pub code: String,
    pub name: String,
    pub district_code: String,
    pub district_name: String,
    /// The Đà Nẵng commune that holds it from 2025-07-01.
    pub successor: String,
}

/// A file's worth of rows in the contract's columns.
#[derive(Clone, Debug)]
pub struct CsvTable {
    pub kind: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl CsvTable {
    fn new(kind: &'static str, header: &[&'static str]) -> CsvTable {
        CsvTable {
            kind,
            header: header.to_vec(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, row: Vec<String>) {
        debug_assert_eq!(row.len(), self.header.len(), "{}", self.kind);
        self.rows.push(row);
    }
}

/// The six mountain districts with the most poverty (codes of the 2020 list).
pub const MOUNTAIN_DISTRICTS: &[&str] = &["504", "505", "510", "511", "515", "516"];

pub const PROVINCE: &str = "49";
pub const PROJECT_CODE: &str = "DA-SXCD-2024";

/// The published 2023 figures the demo reproduces (report of 49, 2023-01-01…2023-10-31).
pub mod published {
    pub const ESCAPED: i64 = 571;
    pub const LIVELIHOOD_RECIPIENTS: i64 = 1_200;
    pub const LIVELIHOOD_VALUE: i64 = 4_612_400_000; // "over 4.5 billion"
    pub const VOCATIONAL_CLASSES: i64 = 70;
    pub const VOCATIONAL_TRAINEES: i64 = 3_523;
    pub const JOBS: i64 = 1_418;
    pub const LABOR_EXPORT: i64 = 33;
    pub const VBSP_CLIENTS: i64 = 58_124;
    pub const VBSP_OUTSTANDING: i64 = 2_851_000_000_000;
    pub const ENTRUSTED_TOTAL: i64 = 6_953_700_000_000; // 41.0 %
    pub const CREDIT_CLASSES: i64 = 549;
    pub const STARTUP_IDEAS: i64 = 226;
    pub const STARTUP_TRAININGS: i64 = 40;
    pub const STARTUP_SESSIONS: i64 = 175;
    pub const STARTUP_PARTICIPANTS: i64 = 15_236; // "over 15,000"
    pub const STARTUP_CLUBS: i64 = 9;
    pub const COOPS_NEW: i64 = 18;
    pub const COOPS_ACTIVE: i64 = 101;
    pub const COOP_FEMALE_MEMBERS: i64 = 302;
    pub const COOP_FEMALE_WORKERS: i64 = 608;
    pub const ENTREPRENEURS: i64 = 312;
    pub const ENTREPRENEURS_PLAN: i64 = 300;
    pub const GIFTS: i64 = 54_637; // "nearly 55,000"
    pub const HOUSES_BUILT: i64 = 80;
    pub const HOUSES_REPAIRED: i64 = 66;
    pub const SANITATION: i64 = 109;
    pub const CLEAN_WATER: i64 = 415;
    pub const INSURANCE_CARDS: i64 = 1_716;
    pub const SAVINGS_BOOKS: i64 = 84;
    pub const MICRO_CONTRACTS: i64 = 7_225;
    pub const MICRO_PREMIUM: i64 = 621_000_000;
    pub const MICRO_CLAIMS: i64 = 15;
    pub const MICRO_CLAIMS_VALUE: i64 = 60_850_000; // "over 60 million"
}

/// Splits `total` into `n` parts of at least `min`, deterministically, roughly even with
/// some spread.
pub fn split(rng: &mut Rng, total: i64, n: usize, min: i64) -> Vec<i64> {
    assert!(
        n > 0 && total >= min * n as i64,
        "cannot split {total} into {n} parts of at least {min}"
    );
    let spare = total - min * n as i64;
    let weights: Vec<i64> = (0..n).map(|_| rng.range(50, 150)).collect();
    let wsum: i64 = weights.iter().sum();
    let mut parts: Vec<i64> = weights.iter().map(|w| min + spare * w / wsum).collect();
    let diff = total - parts.iter().sum::<i64>();
    parts[0] += diff;
    parts
}

pub struct Demo {
    pub tables: Vec<CsvTable>,
    pub households: usize,
}

pub(crate) struct Gen<'a> {
    pub(crate) rng: Rng,
    pub(crate) communes: &'a [Commune],
    t: std::collections::BTreeMap<&'static str, CsvTable>,
    record: usize,
}

fn d(s: &str) -> String {
    s.to_owned()
}

/// A support row's household and member, when it has one.
type Recipient<'a> = Option<(&'a str, i64)>;

impl Gen<'_> {
    pub(crate) fn table(&mut self, kind: &'static str) -> &mut CsvTable {
        self.t.get_mut(kind).expect("declared table")
    }

    pub(crate) fn next_id(&mut self, prefix: &str) -> String {
        self.record += 1;
        format!("{prefix}-{:06}", self.record)
    }

    fn mountain(&self, c: &Commune) -> bool {
        MOUNTAIN_DISTRICTS.contains(&c.district_code.as_str())
    }

    /// A date within [from, to] (ISO strings of one year), deterministic.
    pub(crate) fn day_between(&mut self, year: i32, first_month: u32, last_month: u32) -> String {
        let m = self.rng.range(first_month as i64, last_month as i64) as u32;
        let day = self.rng.range(1, 28) as u32;
        format!("{year}-{m:02}-{day:02}")
    }

    fn support(
        &mut self,
        date: &str,
        unit: &str,
        kind: &str,
        hh: Recipient<'_>,
        amounts: (i64, i64),
        programme: &str,
    ) {
        let id = self.next_id("HT");
        let (h, m) = hh.map_or((String::new(), String::new()), |(h, m)| {
            (h.to_owned(), m.to_string())
        });
        self.table("supports").push(vec![
            id,
            d(date),
            d(unit),
            d(kind),
            h,
            m,
            amounts.0.to_string(),
            amounts.1.to_string(),
            d(programme),
            d("Hội LHPN"),
        ]);
    }

    pub(crate) fn activity(
        &mut self,
        date: &str,
        unit: &str,
        kind: &str,
        sessions: i64,
        participants: i64,
    ) {
        let id = self.next_id("HD");
        self.table("activities").push(vec![
            id,
            d(date),
            d(unit),
            d(kind),
            sessions.to_string(),
            participants.to_string(),
        ]);
    }

    /// Spreads `total` of a counted support over `rows` rows dated in Jan–Oct 2023.
    fn spread_support(&mut self, kind: &str, total: i64, rows: usize, value_each: i64) -> i64 {
        let parts = split(&mut self.rng, total, rows, 1);
        let mut value = 0;
        for q in parts {
            let c = self.communes[self.rng.below(self.communes.len() as u64) as usize]
                .code
                .clone();
            let date = self.day_between(2023, 1, 10);
            let v = q * value_each;
            value += v;
            self.support(&date, &c, kind, None, (q, v), "");
        }
        value
    }
}

pub fn generate(communes: &[Commune], seed: u64) -> Demo {
    use published as p;
    let mut g = Gen {
        rng: Rng::new(seed),
        communes,
        t: Default::default(),
        record: 0,
    };
    for (kind, header) in [
        ("households", crate::households::HOUSEHOLDS_HEADER),
        ("members", crate::households::MEMBERS_HEADER),
        ("assessments", crate::households::ASSESSMENTS_HEADER),
        (
            "assignments",
            &["household_code", "unit_code", "year", "assigned_on"][..],
        ),
        (
            "supports",
            &[
                "record_id",
                "date",
                "unit_code",
                "support_type",
                "household_code",
                "member_no",
                "quantity",
                "value_vnd",
                "programme",
                "funding",
            ][..],
        ),
        (
            "activities",
            &[
                "record_id",
                "date",
                "unit_code",
                "activity_type",
                "sessions",
                "participants",
            ][..],
        ),
        (
            "savings_groups",
            &[
                "as_of",
                "unit_code",
                "group_code",
                "clients",
                "outstanding_vnd",
                "overdue_vnd",
            ][..],
        ),
        (
            "entrusted_totals",
            &["as_of", "unit_code", "outstanding_vnd"][..],
        ),
        (
            "cooperatives",
            &[
                "coop_code",
                "unit_code",
                "name",
                "established_on",
                "dissolved_on",
                "union_supported",
                "female_members",
                "female_workers",
            ][..],
        ),
        (
            "clubs",
            &[
                "club_code",
                "unit_code",
                "kind",
                "established_on",
                "dissolved_on",
            ][..],
        ),
        (
            "microinsurance",
            &[
                "record_id",
                "date",
                "unit_code",
                "kind",
                "count",
                "amount_vnd",
            ][..],
        ),
        ("targets", &["year", "unit_code", "indicator", "value"][..]),
        (
            "projects",
            &[
                "project_code",
                "name",
                "unit_code",
                "start_on",
                "end_on",
                "budget_vnd",
                "planned_households",
                "min_disadvantaged_pct",
            ][..],
        ),
        (
            "project_members",
            &["project_code", "household_code", "joined_on", "difficult"][..],
        ),
    ] {
        g.t.insert(kind, CsvTable::new(kind, header));
    }

    // Households: more and poorer in the mountain districts.
    let mut households: Vec<(Household, usize)> = Vec::new(); // (household, commune index)
    for (ci, c) in communes.iter().enumerate() {
        let mountain = g.mountain(c);
        let place = crate::households::Place {
            unit_code: c.code.clone(),
            poverty_rate: if mountain { 0.32 } else { 0.13 },
            upland: mountain,
            urban: c.name.starts_with("Phường") || c.name.starts_with("Thị trấn"),
        };
        let n = if mountain { 30 } else { 18 };
        let seq = households.len();
        for h in crate::households::make(&mut g.rng, &place, "QN", seq + 1, n) {
            households.push((h, ci));
        }
    }
    let mut seq_members = 0;
    for (h, _) in &households {
        seq_members += 1;
        let registered = format!("2022-0{}-{:02}", g.rng.range(1, 6), g.rng.range(1, 28));
        let row = crate::households::household_row(h, &registered);
        g.table("households").push(row);
        let extra = g.rng.range(0, 2) as usize;
        let rows = member_rows(&mut g.rng, h, 490_000 + seq_members, extra);
        for r in rows {
            g.table("members").push(r);
        }
    }

    // Assignments for 2023: every chapter takes on poor or near-poor households; 571 of
    // them escape by the chapter's own assessment before 31/10/2023.
    let poorish: Vec<usize> = (0..households.len())
        .filter(|&i| households[i].0.baseline.is_poor_or_near())
        .collect();
    let mut by_commune: Vec<Vec<usize>> = vec![Vec::new(); communes.len()];
    for &i in &poorish {
        by_commune[households[i].1].push(i);
    }
    let mut assigned_2023: Vec<usize> = Vec::new();
    for list in &by_commune {
        assigned_2023.extend(list.iter().take(4));
    }
    assert!(
        assigned_2023.len() >= p::ESCAPED as usize,
        "not enough assigned households for the escapes"
    );
    // Escapes: the first assigned households of each commune first, so that every chapter
    // helps at least two out where it can.
    let mut order: Vec<usize> = Vec::new();
    for round in 0..4 {
        for list in &by_commune {
            if let Some(&i) = list.get(round) {
                order.push(i);
            }
        }
    }
    let escaped: std::collections::HashSet<usize> =
        order.iter().take(p::ESCAPED as usize).copied().collect();

    for (i, (h, ci)) in households.iter().enumerate() {
        let c = &communes[*ci];
        // Baseline: the commune's official decision of December 2022.
        let (inc, deps) = profile(&mut g.rng, h.baseline, h.urban);
        let row = assessment_row(h, 2022, "official", "2022-12-12", inc, &deps);
        g.table("assessments").push(row);
        let assigned = assigned_2023.contains(&i);
        if assigned {
            let on = format!("2023-0{}-{:02}", g.rng.range(1, 3), g.rng.range(1, 28));
            g.table("assignments")
                .push(vec![h.code.clone(), c.code.clone(), "2023".into(), on]);
        }
        // 2023: the chapter's provisional assessment (Aug–Oct) for the households it helps.
        let status_2023 = if escaped.contains(&i) {
            if h.baseline == Class::Poor && g.rng.chance(0.45) {
                Class::NearPoor
            } else {
                Class::Average
            }
        } else {
            h.baseline
        };
        if assigned {
            let on = g.day_between(2023, 8, 10);
            let (inc, deps) = profile(&mut g.rng, status_2023, h.urban);
            let row = assessment_row(h, 2023, "provisional", &on, inc, &deps);
            g.table("assessments").push(row);
        }
        // December: the commune's decision; it confirms most escapes and overrides a few.
        let official_2023 = if escaped.contains(&i) && g.rng.chance(0.06) {
            h.baseline
        } else {
            status_2023
        };
        let (inc, deps) = profile(&mut g.rng, official_2023, h.urban);
        let row = assessment_row(h, 2023, "official", "2023-12-08", inc, &deps);
        g.table("assessments").push(row);
        // 2024 and 2025: most stay out; a few fall back, some more escape.
        let s2024 = match official_2023 {
            Class::Poor if g.rng.chance(0.25) => Class::NearPoor,
            Class::NearPoor if g.rng.chance(0.25) => Class::Average,
            Class::Average if g.rng.chance(0.04) => Class::NearPoor,
            other => other,
        };
        let (inc, deps) = profile(&mut g.rng, s2024, h.urban);
        let row = assessment_row(h, 2024, "official", "2024-12-10", inc, &deps);
        g.table("assessments").push(row);
        let s2025 = match s2024 {
            Class::Poor if g.rng.chance(0.25) => Class::NearPoor,
            Class::NearPoor if g.rng.chance(0.3) => Class::Average,
            other => other,
        };
        let (inc, deps) = profile(&mut g.rng, s2025, h.urban);
        let row = assessment_row(h, 2025, "official", "2025-12-09", inc, &deps);
        g.table("assessments").push(row);
        // Chapters keep helping the poor: 2024 under the old communes, 2025 (from
        // 01/07/2025) under Đà Nẵng's new ones.
        if s2024.is_poor_or_near() && g.rng.chance(0.5) {
            g.table("assignments").push(vec![
                h.code.clone(),
                c.code.clone(),
                "2024".into(),
                "2024-02-15".into(),
            ]);
        }
        if s2025.is_poor_or_near() && g.rng.chance(0.5) {
            g.table("assignments").push(vec![
                h.code.clone(),
                c.successor.clone(),
                "2025".into(),
                "2025-07-20".into(),
            ]);
        }
    }

    // Targets: each chapter helps at least 2 households out (241 × 2 = 482); the province
    // plans 300 women business owners trained.
    for c in communes {
        for year in [2023, 2024] {
            g.table("targets").push(vec![
                year.to_string(),
                c.code.clone(),
                "hh_escaped".into(),
                "2".into(),
            ]);
        }
    }
    for (year, v) in [(2023, p::ENTREPRENEURS_PLAN), (2024, 320)] {
        g.table("targets").push(vec![
            year.to_string(),
            PROVINCE.into(),
            "women_entrepreneurs_trained".into(),
            v.to_string(),
        ]);
    }

    livelihood(&mut g, &households, &poorish);
    let charity = [
        ("house_built", p::HOUSES_BUILT, 40usize, 60_000_000i64),
        ("house_repaired", p::HOUSES_REPAIRED, 30, 25_000_000),
        ("sanitation_work", p::SANITATION, 50, 8_000_000),
        ("clean_water_work", p::CLEAN_WATER, 120, 6_000_000),
        ("insurance_card", p::INSURANCE_CARDS, 150, 500_000),
        ("savings_book", p::SAVINGS_BOOKS, 40, 3_000_000),
        ("gift", p::GIFTS, 900, 175_000),
    ];
    let mut charity_value = 0;
    for (kind, total, rows, each) in charity {
        charity_value += g.spread_support(kind, total, rows, each);
    }
    assert!(
        (20_000_000_000..21_000_000_000).contains(&charity_value),
        "charity value {charity_value}"
    );
    g.spread_support("job_placement", p::JOBS, 200, 0);
    g.spread_support("labor_export_counselling", p::LABOR_EXPORT, 20, 0);
    g.spread_support("startup_idea", p::STARTUP_IDEAS, 120, 0);
    g.spread_support("capacity_building", p::ENTREPRENEURS, 60, 0);
    g.spread_support("union_loan", 420, 140, 15_000_000);
    // After the report's end, and in later years: records the 31/10 report must not count.
    for (date, kind, qty, value) in [
        ("2023-11-20", "gift", 1_200, 210_000_000),
        ("2023-12-15", "house_built", 6, 360_000_000),
        ("2024-03-08", "job_placement", 140, 0),
        ("2024-06-01", "gift", 3_000, 520_000_000),
    ] {
        let c = communes[g.rng.below(communes.len() as u64) as usize]
            .code
            .clone();
        g.support(date, &c, kind, None, (qty, value), "");
    }
    for c in communes.iter().step_by(3) {
        g.support(
            "2025-09-10",
            &c.successor,
            "gift",
            None,
            (40, 8_000_000),
            "",
        );
    }

    stocks::activities(&mut g);
    stocks::ledger_stocks(&mut g);
    stocks::microinsurance(&mut g);
    project(&mut g, &households, &poorish);

    let tables: Vec<CsvTable> = g.t.into_values().collect();
    Demo {
        tables,
        households: households.len(),
    }
}

fn livelihood(g: &mut Gen<'_>, households: &[(Household, usize)], poorish: &[usize]) {
    use published as p;
    assert!(
        poorish.len() >= p::LIVELIHOOD_RECIPIENTS as usize,
        "{} poor households",
        poorish.len()
    );
    let values = split(
        &mut g.rng,
        p::LIVELIHOOD_VALUE,
        p::LIVELIHOOD_RECIPIENTS as usize,
        2_000_000,
    );
    for (k, &i) in poorish
        .iter()
        .take(p::LIVELIHOOD_RECIPIENTS as usize)
        .enumerate()
    {
        let (h, ci) = &households[i];
        let date = g.day_between(2023, 2, 10);
        let unit = g.communes[*ci].code.clone();
        let v = values[k] / 10_000 * 10_000
            + if k == 0 {
                values.iter().map(|v| v % 10_000).sum()
            } else {
                0
            };
        let code = h.code.clone();
        g.support(&date, &unit, "livelihood", Some((&code, 1)), (1, v), "");
    }
    // A second gift of livelihood means to some of the same women: still one recipient each.
    for &i in poorish.iter().take(40) {
        let (h, ci) = &households[i];
        let unit = g.communes[*ci].code.clone();
        let code = h.code.clone();
        g.support(
            "2023-11-05",
            &unit,
            "livelihood",
            Some((&code, 1)),
            (1, 1_500_000),
            "",
        );
    }
}

/// "Mô hình giảm nghèo hỗ trợ phát triển sản xuất cộng đồng": 40 households in 4
/// mountain communes, at least 70% poor, near-poor, newly escaped or in difficulty;
/// budget 1 billion đồng.
fn project(g: &mut Gen<'_>, households: &[(Household, usize)], poorish: &[usize]) {
    let mountain: Vec<usize> = (0..g.communes.len())
        .filter(|&i| g.mountain(&g.communes[i]))
        .collect();
    let chosen: Vec<usize> = mountain
        .iter()
        .step_by(mountain.len() / 4)
        .take(4)
        .copied()
        .collect();
    g.table("projects").push(vec![
        PROJECT_CODE.into(),
        "Mô hình giảm nghèo hỗ trợ phát triển sản xuất cộng đồng".into(),
        PROVINCE.into(),
        "2024-01-15".into(),
        "2025-06-30".into(),
        "1000000000".into(),
        "40".into(),
        "70".into(),
    ]);
    let mut picked = Vec::new();
    for &ci in &chosen {
        let poor_here: Vec<usize> = poorish
            .iter()
            .copied()
            .filter(|&i| households[i].1 == ci)
            .take(8)
            .collect();
        let others: Vec<usize> = (0..households.len())
            .filter(|&i| households[i].1 == ci && !poorish.contains(&i))
            .take(10 - poor_here.len())
            .collect();
        picked.extend(poor_here);
        picked.extend(others);
    }
    for (k, &i) in picked.iter().enumerate() {
        let difficult = if k % 10 == 9 { "1" } else { "0" };
        let row = vec![
            PROJECT_CODE.into(),
            households[i].0.code.clone(),
            "2024-01-20".into(),
            difficult.into(),
        ];
        g.table("project_members").push(row);
    }
    for &i in picked.iter().take(30) {
        let (h, ci) = &households[i];
        let unit = g.communes[*ci].code.clone();
        let code = h.code.clone();
        g.support(
            "2024-03-10",
            &unit,
            "livelihood",
            Some((&code, 1)),
            (1, 18_500_000),
            PROJECT_CODE,
        );
    }
}
