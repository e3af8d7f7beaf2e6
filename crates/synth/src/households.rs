//! Households with women members and their assessments, written as contract CSV files.

use crate::{names, Rng};
use domain::poverty::Class;
use std::path::Path;

/// Where households are made and how poor the place is.
#[derive(Clone, Debug)]
pub struct Place {
    pub unit_code: String,
    /// Share of households poor at the baseline; near-poor are about as many again.
    pub poverty_rate: f64,
    pub upland: bool,
    pub urban: bool,
}

pub struct Household {
    pub code: String,
    pub unit_code: String,
    pub head: String,
    pub urban: bool,
    pub upland: bool,
    pub size: i64,
    pub baseline: Class,
}

/// Deprivation codes of the 2022–2026 standard, the commonest first.
pub(crate) const DEPRIVATIONS: &[&str] = &[
    "health_insurance",
    "adult_education",
    "housing_quality",
    "sanitation",
    "water",
    "employment",
    "dependents",
    "nutrition",
    "housing_area",
    "info_access",
    "telecom",
    "school_attendance",
];

/// An income and deprivations that classify as `class` under Decree 07/2021.
pub fn profile(rng: &mut Rng, class: Class, urban: bool) -> (i64, Vec<&'static str>) {
    let line = if urban { 2_000_000 } else { 1_500_000 };
    let avg = if urban { 3_000_000 } else { 2_250_000 };
    let round = |v: i64| v / 10_000 * 10_000;
    match class {
        Class::Poor => (round(rng.range(line / 3, line)), pick_deps(rng, 3, 6)),
        Class::NearPoor => (round(rng.range(line / 2, line)), pick_deps(rng, 0, 2)),
        Class::Average => (round(rng.range(line + 10_000, avg)), pick_deps(rng, 0, 2)),
        Class::NotPoor => (
            round(rng.range(avg + 10_000, avg * 3)),
            pick_deps(rng, 0, 1),
        ),
    }
}

fn pick_deps(rng: &mut Rng, lo: i64, hi: i64) -> Vec<&'static str> {
    let n = rng.range(lo, hi) as usize;
    let start = rng.below(4) as usize;
    DEPRIVATIONS.iter().skip(start).take(n).copied().collect()
}

/// `n` households at `place`, codes `{prefix}{seq:06}`.
pub fn make(
    rng: &mut Rng,
    place: &Place,
    prefix: &str,
    first_seq: usize,
    n: usize,
) -> Vec<Household> {
    (0..n)
        .map(|i| {
            let r = rng.below(1_000_000) as f64 / 1_000_000.0;
            let baseline = if r < place.poverty_rate {
                Class::Poor
            } else if r < place.poverty_rate * 2.0 {
                Class::NearPoor
            } else if r < place.poverty_rate * 2.0 + 0.25 {
                Class::Average
            } else {
                Class::NotPoor
            };
            Household {
                code: format!("{prefix}{:06}", first_seq + i),
                unit_code: place.unit_code.clone(),
                head: names::woman(rng, place.upland),
                urban: place.urban,
                upland: place.upland,
                size: rng.range(2, 6),
                baseline,
            }
        })
        .collect()
}

pub fn write_csv(
    path: &Path,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(header)?;
    for r in rows {
        w.write_record(&r)?;
    }
    w.flush()
}

pub fn household_row(h: &Household, registered_on: &str) -> Vec<String> {
    vec![
        h.code.clone(),
        h.unit_code.clone(),
        registered_on.to_owned(),
        h.head.clone(),
        "F".into(),
        if h.urban { "urban" } else { "rural" }.into(),
        if h.upland { "1" } else { "0" }.into(),
        h.size.to_string(),
    ]
}

/// The head (member 1, a woman) and `extra` more members. Citizen IDs are made unique
/// from the household's sequence number; they are not real numbers.
pub fn member_rows(rng: &mut Rng, h: &Household, seq: usize, extra: usize) -> Vec<Vec<String>> {
    let mut out = Vec::with_capacity(extra + 1);
    for no in 1..=extra + 1 {
        let woman = no == 1 || rng.chance(0.5);
        let name = if no == 1 {
            h.head.clone()
        } else if woman {
            names::woman(rng, h.upland)
        } else {
            names::man(rng, h.upland)
        };
        let born = rng.range(1950, 2005);
        let cid = if rng.chance(0.8) {
            format!("0{:02}{:09}", 1 + no, seq)
        } else {
            String::new()
        };
        let phone = if no == 1 && rng.chance(0.7) {
            format!("09{:08}", (seq * 7 + no) % 100_000_000)
        } else {
            String::new()
        };
        out.push(vec![
            h.code.clone(),
            no.to_string(),
            name,
            if woman { "F" } else { "M" }.into(),
            born.to_string(),
            cid,
            if woman && rng.chance(0.8) { "1" } else { "0" }.into(),
            phone,
            ethnicity(h.upland, seq).into(),
        ]);
    }
    out
}

/// Ethnic groups of Vietnam's central highlands and mountains (the statistics office's
/// codes: Cơ-tu, Xơ-đăng, Gié-Triêng, Co, Ba-na, Ê-đê).
const UPLAND_GROUPS: &[&str] = &["26", "14", "27", "30", "13", "12"];

/// A household's ethnic group (`members.ethnicity`), chosen from its sequence number
/// rather than drawn, so that adding the column moved no other generated value: Kinh in
/// the lowlands, one of the upland groups in the mountains.
pub fn ethnicity(upland: bool, seq: usize) -> &'static str {
    if upland {
        UPLAND_GROUPS[seq % UPLAND_GROUPS.len()]
    } else {
        "01"
    }
}

/// What a support of type `kind` gave (`supports.item`), chosen from its sequence
/// number; empty where the type names it already (a loan, a card, a house).
pub fn support_item(kind: &str, seq: usize) -> &'static str {
    const LIVELIHOOD: &[&str] = &[
        "Bò giống sinh sản",
        "Heo giống",
        "200 cây keo giống",
        "Gà giống và thức ăn",
        "Máy may",
        "Dê giống",
    ];
    const GIFT: &[&str] = &["Gạo và nhu yếu phẩm", "Chăn ấm", "Sách vở cho học sinh"];
    match kind {
        "livelihood" => LIVELIHOOD[seq % LIVELIHOOD.len()],
        "gift" => GIFT[seq % GIFT.len()],
        _ => "",
    }
}

pub fn assessment_row(
    h: &Household,
    year: i32,
    kind: &str,
    on: &str,
    income: i64,
    deps: &[&str],
) -> Vec<String> {
    vec![
        h.code.clone(),
        year.to_string(),
        kind.into(),
        on.into(),
        income.to_string(),
        deps.join(";"),
        String::new(),
    ]
}
