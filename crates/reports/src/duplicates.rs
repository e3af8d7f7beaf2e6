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
    let households: HashMap<String, i64> =
        store::records::households_of(db, &store::records::Units::All)?
            .into_iter()
            .collect();
    let in_scope = |hh: &str| households.get(hh).is_some_and(|u| scope.contains(*u));
    let mut out = Vec::new();

    let mut by_id: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut by_person: BTreeMap<(String, String, i64), (String, BTreeSet<String>)> =
        BTreeMap::new();
    let s = scope.structure_date;
    let commune_of = |unit_id: i64| -> Option<(String, String)> {
        let ix = scope.graph.find_id(domain::units::VersionId(unit_id))?;
        let c = scope.graph.ancestor_at_level(ix, s, Level::Commune)?;
        let v = scope.graph.version(c);
        Some((v.code.clone(), v.name.clone()))
    };
    let mut communes: HashMap<i64, Option<(String, String)>> = HashMap::new();
    for m in store::records::member_identities(db)? {
        let hh = m.household_code;
        if !in_scope(&hh) {
            continue;
        }
        if let Some(id) = m.citizen_id {
            by_id.entry(id).or_default().insert(hh.clone());
        }
        if let (Some(year), Some(unit)) = (m.birth_year, households.get(&hh)) {
            let commune = communes
                .entry(*unit)
                .or_insert_with(|| commune_of(*unit))
                .clone();
            if let Some((code, name)) = commune {
                let e = by_person
                    .entry((code, m.name_folded, year))
                    .or_insert_with(|| (format!("{} — {name}", m.full_name), BTreeSet::new()));
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
    for a in store::records::assignments(db, &store::records::Units::All, None)? {
        if scope.contains(a.unit_id) {
            chapters
                .entry((a.household_code, a.year.into()))
                .or_default()
                .insert(a.unit_code);
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
