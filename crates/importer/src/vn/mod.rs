//! `units load-vn`: Vietnam's real units before and after the 2025 reform, from the
//! reference files in `data/admin-units` (compiled into the binary), turned into
//! `units` and `unit_lineage` tables and imported through the ordinary importer.
//!
//! - 2020 structure (63 provinces, 705 districts, 10,599 communes): valid until 2025-06-30.
//! - 2025 structure (34 provinces, 3,321 communes, no districts): valid from 2025-07-01.
//! - A central unit `VN` above the provinces, valid throughout.
//! - Province lineage from the resolution's table; commune lineage read from the 2025
//!   notes, matched by name within the old provinces that formed the new one.

mod matching;
pub mod notes;
pub mod review;

use crate::source::{Cell, RawRow, Table};
use domain::text::{fold, name_key};
use matching::{code_anchor, majority_district, match_item, name_matches, AMBIGUOUS};
use notes::{Item, Parsed};
use std::collections::{BTreeMap, HashMap};

pub const REFORM_DAY: &str = "2025-07-01";
pub const LAST_OLD_DAY: &str = "2025-06-30";
pub const CENTRAL_CODE: &str = "VN";
pub const CENTRAL_NAME: &str = "Trung ương Hội LHPN Việt Nam";

/// The three reference files' text.
pub struct Sources {
    pub admin_2020: String,
    pub admin_2025: String,
    pub provinces: String,
}

impl Sources {
    pub fn embedded() -> Sources {
        Sources {
            admin_2020: include_str!("../../../../data/admin-units/vn-admin-2020.csv").to_owned(),
            admin_2025: include_str!("../../../../data/admin-units/vn-admin-2025.csv").to_owned(),
            provinces: include_str!("../../../../data/admin-units/vn-provinces-2020-to-2025.csv")
                .to_owned(),
        }
    }

    /// The codes of the 3,321 communes of the 2025 structure, read as the loader reads
    /// the file.
    pub fn communes_2025(&self) -> Result<Vec<String>, String> {
        Ok(read_admin(&self.admin_2025)?
            .into_iter()
            .filter(|r| r.level == "commune")
            .map(|r| r.code)
            .collect())
    }

    pub fn from_dir(dir: &std::path::Path) -> std::io::Result<Sources> {
        Ok(Sources {
            admin_2020: std::fs::read_to_string(dir.join("vn-admin-2020.csv"))?,
            admin_2025: std::fs::read_to_string(dir.join("vn-admin-2025.csv"))?,
            provinces: std::fs::read_to_string(dir.join("vn-provinces-2020-to-2025.csv"))?,
        })
    }
}

#[derive(Clone, Debug)]
pub(crate) struct AdminRow {
    pub(crate) code: String,
    pub(crate) level: String,
    pub(crate) kind: String,
    pub(crate) name: String,
    pub(crate) name_with_type: String,
    pub(crate) parent: String,
    pub(crate) note: String,
    /// Matching keys, computed once: [`name_key`] of the name and of the name with its
    /// kind, and the name folded without spaces.
    pub(crate) key: String,
    pub(crate) key_full: String,
    pub(crate) squeezed: String,
}

fn read_admin(text: &str) -> Result<Vec<AdminRow>, String> {
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| e.to_string())?.clone();
    let idx = |n: &str| headers.iter().position(|h| h == n);
    let (c, l, t, n, nt, p) = (
        idx("code"),
        idx("level"),
        idx("type"),
        idx("name"),
        idx("name_with_type"),
        idx("parent_code"),
    );
    let note = idx("note");
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        let get = |i: Option<usize>| {
            i.and_then(|i| rec.get(i))
                .map(domain::text::clean)
                .unwrap_or_default()
        };
        let name = get(n);
        let name_with_type = get(nt);
        out.push(AdminRow {
            code: get(c),
            level: get(l),
            kind: get(t),
            // Some 2020 names carry their kind ("Phường Cửa Đại"); notes name them without.
            key: name_key(&notes::strip_kind(&name).1),
            key_full: name_key(&name_with_type),
            squeezed: fold(&name).replace(' ', ""),
            name,
            name_with_type,
            parent: get(p),
            note: get(note),
        });
    }
    Ok(out)
}

/// One new commune's reading.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchState {
    All,
    Some,
    None,
}

#[derive(Clone, Debug)]
pub struct Unmatched {
    pub new_code: String,
    pub new_name: String,
    pub province: String,
    pub written: String,
    pub reason: String,
    pub note: String,
}

/// The loader's output: tables to import and what the notes taught us.
pub struct Plan {
    pub tables: Vec<Table>,
    pub new_communes: usize,
    pub all_matched: usize,
    pub some_matched: usize,
    pub none_matched: usize,
    pub unmatched: Vec<Unmatched>,
    pub lineage_rows: usize,
    /// Old communes that no note names and no neighbour leads anywhere: their records
    /// fall to the new province.
    pub old_without_successor: usize,
    /// Old communes that no note names, linked to their nearest named neighbour's successor.
    pub inferred: usize,
}

impl Plan {
    pub fn write_unmatched(&self, path: &std::path::Path) -> std::io::Result<()> {
        let mut w = csv::Writer::from_path(path)?;
        w.write_record([
            "new_code",
            "new_name",
            "province",
            "old_unit_as_written",
            "reason",
            "note",
        ])?;
        for u in &self.unmatched {
            w.write_record([
                &u.new_code,
                &u.new_name,
                &u.province,
                &u.written,
                &u.reason,
                &u.note,
            ])?;
        }
        w.flush()
    }
}

struct Builder {
    units: Vec<Vec<String>>,
    lineage: Vec<Vec<String>>,
}

impl Builder {
    /// One `units` row: code, name, level, parent_code, valid_from, valid_to, x_type.
    fn unit(&mut self, row: [&str; 7]) {
        self.units
            .push(row.iter().map(|s| (*s).to_owned()).collect());
    }

    /// `method`: how the link was found (`resolution`, `note`, `neighbour`), kept as `x_method`.
    fn link(&mut self, from: &str, to: &str, share: f64, method: &str) {
        self.lineage.push(vec![
            from.to_owned(),
            to.to_owned(),
            REFORM_DAY.to_owned(),
            format_share(share),
            method.to_owned(),
        ]);
    }
}

fn format_share(s: f64) -> String {
    let t = format!("{s:.6}");
    t.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A table of file kind `spec` whose rows hold the contract's columns in order, then the
/// `extra` column (how the row was made, for a person checking the load).
fn table(spec: &domain::contract::Spec, extra: &str, rows: Vec<Vec<String>>) -> Table {
    let mut header: Vec<String> = spec.cols.iter().map(|c| c.name.to_owned()).collect();
    header.push(extra.to_owned());
    Table {
        kind: spec.kind.to_owned(),
        source: format!("load-vn:{}", spec.kind),
        header,
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, cells)| RawRow {
                line: i + 2,
                cells: cells.into_iter().map(Cell::text).collect(),
            })
            .collect(),
    }
}

pub fn plan(src: &Sources) -> Result<Plan, String> {
    let old = read_admin(&src.admin_2020)?;
    let new = read_admin(&src.admin_2025)?;
    let province_map = read_province_map(&src.provinces)?;
    let mut b = Builder {
        units: Vec::new(),
        lineage: Vec::new(),
    };
    add_units(&mut b, &old, &new, &province_map)?;
    let new_provinces: HashMap<&str, &AdminRow> = new
        .iter()
        .filter(|r| r.level == "province")
        .map(|r| (r.code.as_str(), r))
        .collect();
    // Old communes and districts by new province, for matching names within it.
    let districts: HashMap<&str, &AdminRow> = old
        .iter()
        .filter(|r| r.level == "district")
        .map(|r| (r.code.as_str(), r))
        .collect();
    let province_of_district = |d: &str| {
        districts
            .get(d)
            .map(|r| r.parent.clone())
            .unwrap_or_default()
    };
    let mut pool: HashMap<String, Vec<&AdminRow>> = HashMap::new();
    for r in old
        .iter()
        .filter(|r| r.level == "commune" || r.level == "district")
    {
        let old_prov = if r.level == "district" {
            r.parent.clone()
        } else {
            province_of_district(&r.parent)
        };
        if let Some(np) = province_map.get(&old_prov) {
            pool.entry(np.clone()).or_default().push(r);
        }
    }

    // (new communes, all named units matched, some, none)
    let mut stats = (0, 0, 0, 0);
    let mut unmatched = Vec::new();
    // old code → the new communes whose notes name it.
    let mut claims: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let empty = Vec::new();
    for n in new.iter().filter(|r| r.level == "commune") {
        stats.0 += 1;
        let province = new_provinces
            .get(n.parent.as_str())
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let candidates = pool.get(&n.parent).unwrap_or(&empty);
        match_commune(
            n,
            &province,
            candidates,
            &districts,
            &mut claims,
            &mut unmatched,
            &mut stats,
        );
    }
    // Shares: an old unit named by k new communes gives each 1/k. Its own code, when a
    // new commune kept it, continues (touching versions) and takes its share implicitly.
    for (old_code, to) in &claims {
        let mut targets: Vec<&String> = to.iter().collect();
        targets.sort();
        targets.dedup();
        let share = 1.0 / targets.len() as f64;
        for t in targets {
            if t != old_code {
                b.link(old_code, t, share, "note");
            }
        }
    }
    let (inferred, old_without_successor) =
        matching::infer_neighbours(&mut b, &old, &new, &new_provinces, &claims, &mut unmatched);
    let lineage_rows = b.lineage.len();
    let tables = vec![
        table(&domain::contract::UNITS, "x_type", b.units),
        table(&domain::contract::UNIT_LINEAGE, "x_method", b.lineage),
    ];
    Ok(Plan {
        tables,
        new_communes: stats.0,
        all_matched: stats.1,
        some_matched: stats.2,
        none_matched: stats.3,
        unmatched,
        lineage_rows,
        old_without_successor,
        inferred,
    })
}
/// Old province code → its 2025 province code (the resolution table).
fn read_province_map(provinces: &str) -> Result<HashMap<String, String>, String> {
    let mut map = HashMap::new();
    let mut rdr = csv::ReaderBuilder::new().from_reader(provinces.as_bytes());
    for rec in rdr.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        map.insert(
            rec.get(0).unwrap_or("").to_owned(),
            rec.get(2).unwrap_or("").to_owned(),
        );
    }
    Ok(map)
}

/// Every unit version: the centre, the old provinces, districts and communes (ending the
/// day before the reform, each old province linked to its successor) and the new ones.
fn add_units(
    b: &mut Builder,
    old: &[AdminRow],
    new: &[AdminRow],
    province_map: &HashMap<String, String>,
) -> Result<(), String> {
    b.unit([
        CENTRAL_CODE,
        CENTRAL_NAME,
        "central",
        "",
        "",
        "",
        "trung-uong",
    ]);
    for r in old.iter().filter(|r| r.level == "province") {
        b.unit([
            &r.code,
            &r.name,
            "province",
            CENTRAL_CODE,
            "",
            LAST_OLD_DAY,
            &r.kind,
        ]);
        match province_map.get(&r.code) {
            Some(to) if to != &r.code => b.link(&r.code, to, 1.0, "resolution"),
            Some(_) => {}
            None => {
                return Err(format!(
                    "province {} has no row in vn-provinces-2020-to-2025.csv",
                    r.code
                ))
            }
        }
    }
    for r in new.iter().filter(|r| r.level == "province") {
        b.unit([
            &r.code,
            &r.name,
            "province",
            CENTRAL_CODE,
            REFORM_DAY,
            "",
            &r.kind,
        ]);
    }
    for r in old.iter().filter(|r| r.level == "district") {
        b.unit([
            &r.code,
            &r.name_with_type,
            "district",
            &r.parent,
            "",
            LAST_OLD_DAY,
            &r.kind,
        ]);
    }
    for r in old.iter().filter(|r| r.level == "commune") {
        b.unit([
            &r.code,
            &r.name_with_type,
            "commune",
            &r.parent,
            "",
            LAST_OLD_DAY,
            &r.kind,
        ]);
    }
    for r in new.iter().filter(|r| r.level == "commune") {
        b.unit([
            &r.code,
            &r.name_with_type,
            "commune",
            &r.parent,
            REFORM_DAY,
            "",
            &r.kind,
        ]);
    }

    Ok(())
}

/// Matches the names a new commune's note gives against the old units of its province:
/// records what it claims, what could not be matched, and counts it in `stats`.
fn match_commune<'a>(
    n: &AdminRow,
    province: &str,
    candidates: &[&'a AdminRow],
    districts: &HashMap<&str, &'a AdminRow>,
    claims: &mut BTreeMap<String, Vec<String>>,
    unmatched: &mut Vec<Unmatched>,
    stats: &mut (usize, usize, usize, usize),
) {
    let items = match notes::parse(&n.note) {
        Parsed::Unchanged => vec![Item {
            written: n.name_with_type.clone(),
            name: notes::strip_kind(&n.name_with_type).1,
            kind: n.kind.clone(),
            partial: false,
            district: None,
            whole_district: false,
        }],
        Parsed::Items(items) => items,
        Parsed::Unreadable => Vec::new(),
    };
    let mut matched = 0;
    let mut found: Vec<(Vec<&AdminRow>, &Item)> = Vec::new();
    let mut missing: Vec<(&Item, &str)> = Vec::new();
    for item in &items {
        match match_item(item, candidates, districts, &n.code) {
            Ok(rows) => found.push((rows, item)),
            Err(reason) => missing.push((item, reason)),
        }
    }
    // Second pass for ambiguous names: prefer the district most other items came
    // from; else the unit whose code is nearest the others' (codes run in order
    // within a district, so neighbours have near codes).
    let home = majority_district(&found);
    let anchor = code_anchor(&found).or_else(|| n.code.parse().ok());
    let mut still_missing = Vec::new();
    for (item, reason) in missing {
        if reason == AMBIGUOUS {
            let same_name = name_matches(item, candidates);
            let in_home: Vec<&AdminRow> = same_name
                .iter()
                .copied()
                .filter(|r| home.as_deref() == Some(r.parent.as_str()))
                .collect();
            if in_home.len() == 1 {
                found.push((in_home, item));
                continue;
            }
            if let Some(a) = anchor {
                let nearest = same_name
                    .iter()
                    .copied()
                    .filter(|r| r.level == "commune")
                    .min_by_key(|r| r.code.parse::<i64>().map_or(i64::MAX, |c| (c - a).abs()));
                if let Some(r) = nearest {
                    found.push((vec![r], item));
                    continue;
                }
            }
        }
        still_missing.push((item, reason));
    }
    for (rows, _) in &found {
        matched += 1;
        for r in rows {
            claims
                .entry(r.code.clone())
                .or_default()
                .push(n.code.clone());
        }
    }
    for (item, reason) in still_missing {
        unmatched.push(Unmatched {
            new_code: n.code.clone(),
            new_name: n.name_with_type.clone(),
            province: province.to_owned(),
            written: item.written.clone(),
            reason: reason.to_owned(),
            note: n.note.clone(),
        });
    }
    if items.is_empty() {
        unmatched.push(Unmatched {
            new_code: n.code.clone(),
            new_name: n.name_with_type.clone(),
            province: province.to_owned(),
            written: String::new(),
            reason: "không đọc được ghi chú / note not understood".into(),
            note: n.note.clone(),
        });
    }
    match (matched, items.len()) {
        (m, t) if t > 0 && m == t => stats.1 += 1,
        (0, _) => stats.3 += 1,
        _ => stats.2 += 1,
    }
}
