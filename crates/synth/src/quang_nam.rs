//! The demo: a synthetic Quảng Nam, 2022–2025, made of raw records from which the
//! province's published 2023 figures (shared/spec/quang-nam-2023.md) compute. The
//! households, people and amounts are invented; only the totals are the report's.
//!
//! The generator checks its own totals as it goes: a change that breaks a published
//! figure fails here, before any database sees it.

use crate::households::{assessment_row, member_rows, profile, Household};
use crate::Rng;

mod people;
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
        let seq = self.table("supports").rows.len();
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
            d(crate::households::support_item(kind, seq)),
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
    // Every file kind but the units (the demo loads the national ones), in the order
    // the importer takes them, with the contract's columns.
    for spec in domain::contract::ALL
        .iter()
        .filter(|s| !["units", "unit_lineage"].contains(&s.kind))
    {
        g.t.insert(spec.kind, CsvTable::new(spec.kind, &spec.header()));
    }

    let (households, poorish) = people::households_and_their_years(&mut g);

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

    people::supports(&mut g, &households, &poorish);
    stocks::activities(&mut g);
    stocks::ledger_stocks(&mut g);
    stocks::microinsurance(&mut g);
    people::project(&mut g, &households, &poorish);

    let tables: Vec<CsvTable> = g.t.into_values().collect();
    Demo {
        tables,
        households: households.len(),
    }
}
