//! Likely duplicates for a person to look at: one citizen ID in two households; the same
//! name and birth year in two households of one commune; one household assigned to two
//! chapters in one year.

use crate::scope::Scope;
use domain::units::Level;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use store::{Db, StoreError};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Finding {
    CitizenId {
        citizen_id: String,
        households: Vec<String>,
    },
    SameNameAndYear {
        commune: String,
        name: String,
        birth_year: i64,
        households: Vec<String>,
    },
    TwoChapters {
        household: String,
        year: i64,
        units: Vec<String>,
    },
}

impl Finding {
    pub fn describe_vi(&self) -> String {
        match self {
            Finding::CitizenId {
                citizen_id,
                households,
            } => {
                format!(
                    "CCCD {citizen_id} có ở {} hộ: {}",
                    households.len(),
                    households.join(", ")
                )
            }
            Finding::SameNameAndYear {
                commune,
                name,
                birth_year,
                households,
            } => format!(
                "{name} (sinh {birth_year}) có ở {} hộ cùng xã {commune}: {}",
                households.len(),
                households.join(", ")
            ),
            Finding::TwoChapters {
                household,
                year,
                units,
            } => {
                format!(
                    "Hộ {household} được {} đơn vị nhận giúp năm {year}: {}",
                    units.len(),
                    units.join(", ")
                )
            }
        }
    }
}

pub fn find(db: &mut Db, scope: &Scope) -> Result<Vec<Finding>, StoreError> {
    let households: HashMap<String, i64> = db
        .query("SELECT household_code, unit_id FROM households", &[])?
        .iter()
        .map(|r| (r.text(0).to_owned(), r.int(1)))
        .collect();
    let in_scope = |hh: &str| households.get(hh).is_some_and(|u| scope.contains(*u));
    let mut out = Vec::new();

    let mut by_id: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut by_person: BTreeMap<(String, String, i64), (String, BTreeSet<String>)> =
        BTreeMap::new();
    let s = scope.structure_date;
    let commune_of = |unit_id: i64| -> Option<(String, String)> {
        let ix = scope.graph.find_id(unit_id)?;
        let c = scope.graph.ancestor_at_level(ix, s, Level::Commune)?;
        let v = scope.graph.version(c);
        Some((v.code.clone(), v.name.clone()))
    };
    let mut communes: HashMap<i64, Option<(String, String)>> = HashMap::new();
    for r in db.query(
        "SELECT household_code, citizen_id, name_folded, full_name, birth_year FROM members",
        &[],
    )? {
        let hh = r.text(0).to_owned();
        if !in_scope(&hh) {
            continue;
        }
        if let Some(id) = r.opt_text(1) {
            by_id.entry(id.to_owned()).or_default().insert(hh.clone());
        }
        if let (Some(year), Some(unit)) = (r.opt_int(4), households.get(&hh)) {
            let commune = communes
                .entry(*unit)
                .or_insert_with(|| commune_of(*unit))
                .clone();
            if let Some((code, name)) = commune {
                let e = by_person
                    .entry((code, r.text(2).to_owned(), year))
                    .or_insert_with(|| (format!("{} — {name}", r.text(3)), BTreeSet::new()));
                e.1.insert(hh);
            }
        }
    }
    for (citizen_id, hhs) in by_id.into_iter().filter(|(_, h)| h.len() > 1) {
        out.push(Finding::CitizenId {
            citizen_id,
            households: hhs.into_iter().collect(),
        });
    }
    for ((_, _, birth_year), (label, hhs)) in
        by_person.into_iter().filter(|(_, (_, h))| h.len() > 1)
    {
        let (name, commune) = label
            .split_once(" — ")
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .unwrap_or_default();
        out.push(Finding::SameNameAndYear {
            commune,
            name,
            birth_year,
            households: hhs.into_iter().collect(),
        });
    }
    let mut chapters: BTreeMap<(String, i64), BTreeSet<String>> = BTreeMap::new();
    for r in db.query(
        "SELECT household_code, year, unit_code, unit_id FROM assignments",
        &[],
    )? {
        if scope.contains(r.int(3)) {
            chapters
                .entry((r.text(0).to_owned(), r.int(1)))
                .or_default()
                .insert(r.text(2).to_owned());
        }
    }
    for ((household, year), units) in chapters.into_iter().filter(|(_, u)| u.len() > 1) {
        out.push(Finding::TwoChapters {
            household,
            year,
            units: units.into_iter().collect(),
        });
    }
    Ok(out)
}
