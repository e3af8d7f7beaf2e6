//! The national benchmark data set: contract files over the 2025 structure (34
//! provinces, 3,321 communes, branches below them), deterministic for a seed. Scale 1 is
//! the union's size over five years: about 2 million households, 5 million members,
//! 10 million assessments and 20 million support and activity records. Rows are written
//! as they are made, so memory does not grow with the scale. Everything is invented.

use crate::households::profile;
use crate::{names, Rng};
use domain::poverty::Class;
use domain::vocab::SupportType;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Five years on the 2025 structure: records are dated from 1 July 2025.
pub const YEARS: [i32; 5] = [2025, 2026, 2027, 2028, 2029];

/// What was generated, and figures a report over the files must find again.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Manifest {
    pub rows: BTreeMap<&'static str, u64>,
    /// `gifts@2027`, `jobs_placed@2027`, …: national totals per year.
    pub expected: BTreeMap<String, i64>,
}

impl Manifest {
    pub fn total_rows(&self) -> u64 {
        self.rows.values().sum()
    }
}

struct Out {
    w: csv::Writer<std::io::BufWriter<std::fs::File>>,
    rows: u64,
}

impl Out {
    fn new(dir: &Path, kind: &str, header: &[&str]) -> std::io::Result<Out> {
        let f = std::fs::File::create(dir.join(format!("{kind}.csv")))?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, f));
        w.write_record(header)?;
        Ok(Out { w, rows: 0 })
    }

    fn row<I: IntoIterator<Item = T>, T: AsRef<[u8]>>(&mut self, r: I) -> std::io::Result<()> {
        self.rows += 1;
        self.w.write_record(r).map_err(std::io::Error::other)
    }
}

fn deprivations(rng: &mut Rng, class: Class) -> String {
    let n = match class {
        Class::Poor => rng.range(3, 5),
        Class::NearPoor => rng.range(0, 2),
        _ => rng.range(0, 1),
    } as usize;
    let start = rng.below(4) as usize;
    // Codes valid in both standards (2022–2026 and 2027–2030).
    crate::households::DEPRIVATIONS
        .iter()
        .filter(|d| **d != "info_access")
        .skip(start)
        .take(n)
        .copied()
        .collect::<Vec<_>>()
        .join(";")
}

/// The next record number, and the year of its record.
fn next_record(rng: &mut Rng, record: &mut u64) -> i32 {
    *record += 1;
    YEARS[rng.below(5) as usize]
}

fn day(rng: &mut Rng, year: i32) -> String {
    // From July in the first year (the 2025 structure starts on 1 July 2025).
    let first = if year == YEARS[0] { 7 } else { 1 };
    format!("{year}-{:02}-{:02}", rng.range(first, 12), rng.range(1, 28))
}

/// The supports the data set gives: the worth of one, and the indicator that the
/// manifest expects to count them (stated here on its own, not taken from
/// `domain::contributions`, so that the benchmark checks the report against it).
const SUPPORT_KINDS: &[(SupportType, i64, &str)] = &[
    (SupportType::Gift, 300_000, "gifts"),
    (SupportType::JobPlacement, 0, "jobs_placed"),
    (
        SupportType::CapacityBuilding,
        0,
        "women_entrepreneurs_trained",
    ),
    (SupportType::InsuranceCard, 500_000, "insurance_cards"),
    (SupportType::UnionLoan, 20_000_000, "union_loans"),
    (SupportType::CleanWaterWork, 6_000_000, "clean_water_works"),
    (SupportType::StartupIdea, 0, "startup_ideas_supported"),
];

/// The data set's files, one writer each.
struct Files {
    units: Out,
    households: Out,
    members: Out,
    assessments: Out,
    assignments: Out,
    supports: Out,
    activities: Out,
}

impl Files {
    fn open(out: &Path) -> std::io::Result<Files> {
        use domain::contract as c;
        let file = |spec: &domain::contract::Spec| Out::new(out, spec.kind, &spec.header());
        Ok(Files {
            units: file(&c::UNITS)?,
            households: file(&c::HOUSEHOLDS)?,
            members: file(&c::MEMBERS)?,
            assessments: file(&c::ASSESSMENTS)?,
            assignments: file(&c::ASSIGNMENTS)?,
            supports: file(&c::SUPPORTS)?,
            activities: file(&c::ACTIVITIES)?,
        })
    }

    /// Flushes every file and counts its rows in the manifest.
    fn close(self, m: &mut Manifest) -> std::io::Result<()> {
        for (kind, o) in [
            ("units", self.units),
            ("households", self.households),
            ("members", self.members),
            ("assessments", self.assessments),
            ("assignments", self.assignments),
            ("supports", self.supports),
            ("activities", self.activities),
        ] {
            m.rows.insert(kind, o.rows);
            let mut w = o.w;
            w.flush()?;
            w.into_inner()
                .map_err(|e| std::io::Error::other(e.to_string()))?
                .flush()?;
        }
        Ok(())
    }
}

/// About 8 support and 2 activity records per household over the five years.
const SUPPORTS_PER_HOUSEHOLD: usize = 8;
const ACTIVITIES_PER_HOUSEHOLD: usize = 2;

/// Writes the files for `communes` (2025 codes) into `out`.
pub fn generate(
    communes: &[String],
    scale: f64,
    seed: u64,
    out: &Path,
) -> std::io::Result<Manifest> {
    std::fs::create_dir_all(out)?;
    let mut rng = Rng::new(seed);
    let households_total = ((2_000_000.0 * scale).round() as usize).max(communes.len().min(10));
    let branches_per_commune = if scale >= 0.05 { 10 } else { 2 };
    let mut m = Manifest::default();
    let mut f = Files::open(out)?;
    let mut branches: Vec<String> = Vec::with_capacity(communes.len() * branches_per_commune);
    for c in communes {
        for b in 1..=branches_per_commune {
            let code = format!("{c}-{b:02}");
            f.units.row([
                code.as_str(),
                &format!("Chi hội {b}"),
                "branch",
                c,
                "2025-07-01",
                "",
            ])?;
            branches.push(code);
        }
    }
    let mut record = 0u64;
    for i in 0..households_total {
        let branch = &branches[i % branches.len()];
        let code = household(&mut rng, &mut f, i, branch)?;
        records(&mut rng, &mut f, &mut m, &code, branch, &mut record)?;
    }
    f.close(&mut m)?;
    let mut manifest = std::fs::File::create(out.join("manifest.txt"))?;
    for (k, v) in &m.rows {
        writeln!(manifest, "rows {k} {v}")?;
    }
    for (k, v) in &m.expected {
        writeln!(manifest, "expected {k} {v}")?;
    }
    Ok(m)
}

/// Household `i` of `branch`: its row, its members, its assessment of each year and
/// the assignments of the years it is poor or near-poor. Returns its code.
fn household(rng: &mut Rng, f: &mut Files, i: usize, branch: &str) -> std::io::Result<String> {
    let poor_rate = 0.04 + (i % 9) as f64 * 0.01;
    let r = rng.below(1000) as f64 / 1000.0;
    let mut class = if r < poor_rate {
        Class::Poor
    } else if r < 2.0 * poor_rate {
        Class::NearPoor
    } else if r < 0.45 {
        Class::Average
    } else {
        Class::NotPoor
    };
    let code = format!("N{i:08}");
    let head = names::woman(rng, false);
    let urban = i.is_multiple_of(5);
    f.households.row([
        code.as_str(),
        branch,
        "2025-07-01",
        &head,
        "F",
        if urban { "urban" } else { "rural" },
        "0",
        "4",
    ])?;
    let members = if i.is_multiple_of(2) { 3 } else { 2 };
    for no in 1..=members {
        let name = if no == 1 {
            head.clone()
        } else {
            names::woman(rng, false)
        };
        let cid = format!("1{:011}", i * 3 + no);
        f.members.row([
            code.as_str(),
            &no.to_string(),
            &name,
            "F",
            &rng.range(1950, 2004).to_string(),
            &cid,
            "1",
            "",
            crate::households::ethnicity(false, i),
        ])?;
    }
    for (k, year) in YEARS.iter().enumerate() {
        // Mostly better each year; a few fall back.
        if k > 0 {
            class = match class {
                Class::Poor if rng.chance(0.3) => Class::NearPoor,
                Class::NearPoor if rng.chance(0.3) => Class::Average,
                Class::Average if rng.chance(0.02) => Class::NearPoor,
                c => c,
            };
        }
        let (income, _) = profile(rng, class, urban);
        let income = if *year >= 2027 && class.is_poor_or_near() {
            income.min(1_400_000)
        } else {
            income
        };
        // The status is left to the standard in force, as a commune's file would.
        f.assessments.row([
            code.as_str(),
            &year.to_string(),
            "official",
            &format!("{year}-12-10"),
            &income.to_string(),
            &deprivations(rng, class),
            "",
        ])?;
        if class.is_poor_or_near() {
            f.assignments.row([
                code.as_str(),
                branch,
                &year.to_string(),
                &format!("{year}-07-05"),
            ])?;
        }
    }
    Ok(code)
}

/// A household's supports and activities, their totals noted in the manifest.
fn records(
    rng: &mut Rng,
    f: &mut Files,
    m: &mut Manifest,
    code: &str,
    branch: &str,
    record: &mut u64,
) -> std::io::Result<()> {
    for _ in 0..SUPPORTS_PER_HOUSEHOLD {
        let year = next_record(rng, record);
        let (kind, each, key) = SUPPORT_KINDS[rng.below(SUPPORT_KINDS.len() as u64) as usize];
        let qty = rng.range(1, 3);
        let date = day(rng, year);
        f.supports.row([
            &format!("S{record:09}"),
            date.as_str(),
            branch,
            kind.as_str(),
            code,
            "",
            &qty.to_string(),
            &(qty * each).to_string(),
            "",
            "",
            crate::households::support_item(kind.as_str(), *record as usize),
        ])?;
        *m.expected.entry(format!("{key}@{year}")).or_insert(0) += qty;
    }
    for _ in 0..ACTIVITIES_PER_HOUSEHOLD {
        let year = next_record(rng, record);
        let people = rng.range(10, 40);
        let date = day(rng, year);
        f.activities.row([
            &format!("A{record:09}"),
            date.as_str(),
            branch,
            "vocational_class",
            "1",
            &people.to_string(),
        ])?;
        *m.expected
            .entry(format!("vocational_trainees@{year}"))
            .or_insert(0) += people;
    }
    Ok(())
}
