//! The trust boundary as a property: on random unit trees (provinces merged, districts
//! abolished, communes merged, one commune vanished with no successor) and random users,
//! every write of every file kind by a user is accepted exactly when the rights table
//! allows it, on the new row's unit, on the stored row it would replace and on the
//! household or project it names; a refusal of something outside her units never names
//! it; and no read returns a household outside her units.
//!
//! The expectation is computed here from the unit graph and the stored rows, not by the
//! code under test (`store::access::Access`).

use crate::support::*;
use domain::access::{Reach, Role, Subject};
use domain::units::{Fate, UnitGraph, VersionIx};
use importer::refusal::Refusal;
use std::collections::HashSet;
use std::sync::Arc;

/// A small deterministic generator (the seed makes a failure reproducible).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// A unit that records can be written for, with a day it is valid on.
#[derive(Clone)]
struct Place {
    code: String,
    day: &'static str,
    year: i64,
}

struct Tree {
    units: String,
    lineage: String,
    /// Units records are written for: old communes and provinces before the reform,
    /// the new communes and the province after it.
    places: Vec<Place>,
    /// Units users are bound to (some ended: their successor counts).
    user_units: Vec<String>,
}

fn random_tree(rng: &mut Rng) -> Tree {
    let mut units = String::from("code,name,level,parent_code,valid_from,valid_to\nVN,Trung ương,central,,,\nP1,Tỉnh Một,province,VN,,\nP2,Tỉnh Hai,province,VN,,2025-06-30\n");
    let mut lineage = String::from("from_code,to_code,effective_date,share\nP2,P1,2025-07-01,\n");
    let districts = ["D11", "D12", "D21"];
    for d in districts {
        let p = if d.starts_with("D1") { "P1" } else { "P2" };
        units.push_str(&format!("{d},Huyện {d},district,{p},,2025-06-30\n"));
    }
    let new: Vec<String> = (1..=3).map(|i| format!("N{i}")).collect();
    for n in &new {
        units.push_str(&format!("{n},Xã mới {n},commune,P1,2025-07-01,\n"));
    }
    let old: Vec<String> = (1..=6).map(|i| format!("C{i}")).collect();
    let vanished = rng.below(old.len());
    for (i, c) in old.iter().enumerate() {
        let d = rng.pick(&districts);
        units.push_str(&format!("{c},Xã {c},commune,{d},,2025-06-30\n"));
        if i != vanished {
            let to = rng.pick(&new);
            lineage.push_str(&format!("{c},{to},2025-07-01,1\n"));
        }
    }
    let mut places: Vec<Place> = old
        .iter()
        .chain(["P1".to_owned(), "P2".to_owned()].iter())
        .map(|c| Place {
            code: c.clone(),
            day: "2024-05-02",
            year: 2024,
        })
        .collect();
    places.extend(new.iter().chain(["P1".to_owned()].iter()).map(|c| Place {
        code: c.clone(),
        day: "2026-05-02",
        year: 2026,
    }));
    let mut user_units: Vec<String> = ["VN", "P1", "N1", "N2", "N3", "C1", "P2"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    user_units.push(old[vanished].clone());
    Tree {
        units,
        lineage,
        places,
        user_units,
    }
}

/// The rows a file kind needs, one CSV line per row, with the keys and references the
/// test chooses.
struct RowSpec<'a> {
    kind: &'static str,
    key: String,
    place: &'a Place,
    /// A stored household (code) and project (code) the row refers to, where it does.
    household: String,
    project: String,
}

fn csv_of(r: &RowSpec<'_>) -> String {
    let (u, d, y, k, hh, p) = (
        &r.place.code,
        r.place.day,
        r.place.year,
        &r.key,
        &r.household,
        &r.project,
    );
    let line = match r.kind {
        "households" => format!("{k},{u},{d},Lê Thị Hoa,F,rural,0,3"),
        "members" => format!("{hh},{k},Trần Thị Mai,F,1990,,1,"),
        "consents" => format!("{hh},{k},{d},1,1,0,Chi hội trưởng,PDY-{k},"),
        "assessments" => format!("{hh},{k},official,{k}-11-20,,,poor"),
        "assignments" => format!("{hh},{u},{y},{d}"),
        "supports" => format!("{k},{d},{u},gift,{hh},,1,500000,,"),
        "activities" => format!("{k},{d},{u},other,1,20"),
        "savings_groups" => format!("{d},{u},{k},12,300000000,0"),
        "entrusted_totals" => format!("{d},{u},{}", 1_000_000 + k.len()),
        "cooperatives" => format!("{k},{u},HTX {k},{d},,1,5,7"),
        "clubs" => format!("{k},{u},startup,{d},"),
        "microinsurance" => format!("{k},{d},{u},contract,3,150000"),
        "targets" => format!("{y},{u},{k},40"),
        "projects" => format!("{k},Dự án {k},{u},{d},,100000000,10,50"),
        "project_members" => format!("{p},{hh},{d},0"),
        other => panic!("no rows for {other}"),
    };
    // The header is the contract's, so that the rows follow it.
    let spec = importer::kinds::find(r.kind).unwrap().spec();
    let head: Vec<&str> = spec.cols.iter().map(|c| c.name).collect();
    format!("{}\n{line}\n", head.join(","))
}

/// Every file kind but the unit tree's (only administrators change it, and the tree is
/// what the test draws at random): from the contract itself.
fn kinds() -> Vec<&'static str> {
    domain::contract::ALL
        .iter()
        .filter(|s| s.subject != Subject::Units)
        .map(|s| s.kind)
        .collect()
}

/// Where the test expects a user's rights to reach, from the graph alone.
struct Oracle {
    graph: Arc<UnitGraph>,
    today: domain::Date,
    role: Role,
    root: Option<VersionIx>,
    subtree: HashSet<VersionIx>,
}

impl Oracle {
    fn new(graph: Arc<UnitGraph>, role: Role, unit: &str, today: domain::Date) -> Oracle {
        let root = match graph.fate(unit, today) {
            Fate::Exists(ix) => Some(ix),
            Fate::EndedInto { into, .. } => Some(into),
            _ => None,
        };
        let subtree = root
            .map(|r| graph.structure_on(today).subtree(r).into_iter().collect())
            .unwrap_or_default();
        Oracle {
            graph,
            today,
            role,
            root,
            subtree,
        }
    }

    /// Where the records of unit version id `id` land today.
    fn node(&self, id: i64) -> Option<VersionIx> {
        self.graph
            .find_id(domain::units::VersionId(id))
            .and_then(|ix| self.graph.resolve(ix, self.today))
    }

    fn reads(&self, id: i64) -> bool {
        self.role == Role::Admin || self.node(id).is_some_and(|n| self.subtree.contains(&n))
    }

    fn writes(&self, subject: Subject, id: i64) -> bool {
        let node = self.node(id);
        let inside = node.is_some_and(|n| self.subtree.contains(&n));
        let own = node.is_some() && node == self.root;
        match self.role.reach(subject) {
            Reach::Nothing => false,
            Reach::Everywhere => true,
            Reach::OwnUnit => own,
            Reach::Subtree => inside,
            Reach::Below => inside && !own,
        }
    }
}

fn unit_id_of(t: &mut TestDb, table: &str, key_col: &str, key: &str) -> Option<i64> {
    t.db.query_opt(
        &format!("SELECT unit_id FROM {table} WHERE {key_col} = ?"),
        &[store::Value::from(key)],
    )
    .unwrap()
    .map(|r| num(&r, "unit_id"))
}

fn version_id(graph: &UnitGraph, p: &Place) -> i64 {
    let ix = graph.version_on(&p.code, date(p.day)).unwrap();
    graph.version(ix).id.0
}

/// Stores one record of every kind at every place, as the command line would (no user):
/// the rows users then try to replace or refer to.
fn store_seed_rows(t: &mut TestDb, tree: &Tree) {
    let f = Files::new();
    f.write("units.csv", &tree.units);
    f.write("unit_lineage.csv", &tree.lineage);
    t.import(&[f.root().to_path_buf()]).expect("the tree");
    for (i, p) in tree.places.iter().enumerate() {
        let g = Files::new();
        for kind in kinds() {
            let key = match kind {
                "members" | "consents" => "1".to_owned(),
                "assessments" => p.year.to_string(),
                "targets" => "gifts".to_owned(),
                _ => format!("S{i}"),
            };
            let spec = RowSpec {
                kind,
                key,
                place: p,
                household: format!("S{i}"),
                project: format!("S{i}"),
            };
            g.write(&format!("{kind}.csv"), &csv_of(&spec));
        }
        t.import(&[g.root().to_path_buf()])
            .unwrap_or_else(|e| panic!("seeding {}: {e:?}", p.code));
    }
}

#[derive(Default, Debug)]
struct Tally {
    attempts: usize,
    allowed: usize,
    refused: usize,
    /// Writes the rights table forbids that were accepted (want 0).
    forbidden_accepted: usize,
    /// Writes it allows that were refused (a test of both directions).
    allowed_refused: usize,
    reads: usize,
    leaks: usize,
}

/// The key of a row that reuses the stored key of another place's record.
fn reused_key(kind: &str, place: &Place, other: usize) -> String {
    match kind {
        "members" | "consents" => "1".into(),
        "assessments" => place.year.to_string(),
        "targets" => "gifts".into(),
        _ => format!("S{other}"),
    }
}

/// The key of a row that no stored record holds (`fresh` where the key is free text).
fn new_key(kind: &str, rng: &mut Rng, fresh: &str) -> String {
    match kind {
        "members" => format!("{}", 10 + rng.below(80)),
        // A consent is of a member who exists: every household has member 1.
        "consents" => "1".into(),
        "assessments" => "2025".into(),
        "targets" => "houses_built".into(),
        _ => fresh.to_owned(),
    }
}

/// Reads: a household outside her units is found neither by code nor by search.
fn check_reads(t: &mut TestDb, access: &store::access::Access, oracle: &Oracle, tally: &mut Tally) {
    let rows =
        t.db.query("SELECT household_code, unit_id FROM households", &[])
            .unwrap();
    for r in rows {
        let code = cell(&r, "household_code");
        let readable = oracle.reads(num(&r, "unit_id"));
        let got = store::households::get_scoped(&mut t.db, access, &code).unwrap();
        tally.reads += 1;
        if got.is_some() != readable {
            tally.leaks += 1;
            eprintln!("read: {code}: got {}, readable {readable}", got.is_some());
        }
    }
    let hits = store::households::search_scoped(
        &mut t.db,
        access,
        &store::households::Wanted::from_query("le thi hoa"),
        1000,
    )
    .unwrap();
    for h in hits {
        tally.reads += 1;
        if !oracle.reads(h.household.unit_id.0) {
            tally.leaks += 1;
        }
    }
}

fn one_seed(seed: u64, tally: &mut Tally) {
    let mut rng = Rng(seed);
    let tree = random_tree(&mut rng);
    let mut t = TestDb::new();
    store_seed_rows(&mut t, &tree);
    let graph = Arc::new(t.graph());
    let today = domain::Date::from_ymd(2026, 12, 1).unwrap();
    let n = tree.places.len();
    for u in 0..8 {
        let role = *rng.pick(&Role::ALL);
        let unit = rng.pick(&tree.user_units).clone();
        let user = store::accounts::User {
            id: 1000 + u,
            username: format!("u{u}"),
            full_name: "Người thử".into(),
            role,
            unit_code: unit.clone(),
            active: true,
            must_change_password: false,
        };
        let access = Arc::new(store::access::Access::new(&mut t.db, user, today).unwrap());
        let oracle = Oracle::new(graph.clone(), role, &unit, today);
        for kind in kinds() {
            let subject = importer::kinds::find(kind).unwrap().spec().subject;
            for a in 0..4 {
                let place = &tree.places[rng.below(n)];
                let other = rng.below(n);
                // Half the attempts reuse a stored key of another place's record.
                let reuse = a % 2 == 0;
                let key = if reuse {
                    reused_key(kind, place, other)
                } else {
                    new_key(kind, &mut rng, &format!("U{seed}-{u}-{kind}-{a}"))
                };
                let household = format!("S{}", rng.below(n));
                let project = format!("S{}", rng.below(n));
                let spec = RowSpec {
                    kind,
                    key: key.clone(),
                    place,
                    household: household.clone(),
                    project: project.clone(),
                };
                // What the row's unit, the stored row and the references say.
                let mut checks: Vec<Option<i64>> = Vec::new();
                let mut unknown_if_unread: Option<(i64, Refusal)> = None;
                let has_unit = !matches!(
                    kind,
                    "members" | "consents" | "assessments" | "project_members"
                );
                if has_unit {
                    checks.push(Some(version_id(&graph, place)));
                    let (table, col) = match kind {
                        "households" => ("households", "household_code"),
                        "supports" | "activities" | "microinsurance" => (kind, "record_id"),
                        "cooperatives" => ("cooperatives", "coop_code"),
                        "clubs" => ("clubs", "club_code"),
                        "projects" => ("projects", "project_code"),
                        // Keys holding the unit itself: the stored row is the same unit's.
                        _ => ("", ""),
                    };
                    let stored =
                        if kind == "savings_groups" {
                            // Keyed on (group, as_of): replaced only at the same day.
                            t.db.query_opt(
                            "SELECT unit_id FROM savings_groups WHERE group_code = ? AND as_of = ?",
                            &[store::Value::from(key.as_str()), store::Value::from(place.day)],
                        )
                        .unwrap()
                        .map(|r| num(&r, "unit_id"))
                        } else if table.is_empty() {
                            None
                        } else {
                            unit_id_of(&mut t, table, col, &key)
                        };
                    if stored.is_some() {
                        checks.push(stored);
                    }
                }
                if matches!(
                    kind,
                    "members"
                        | "consents"
                        | "assessments"
                        | "assignments"
                        | "supports"
                        | "project_members"
                ) {
                    let h = unit_id_of(&mut t, "households", "household_code", &household).unwrap();
                    checks.push(Some(h));
                    unknown_if_unread = Some((
                        h,
                        Refusal::NoHousehold {
                            code: household.clone(),
                        },
                    ));
                }
                if kind == "project_members" {
                    let p = unit_id_of(&mut t, "projects", "project_code", &project).unwrap();
                    checks.push(Some(p));
                    if !oracle.reads(p) {
                        unknown_if_unread = Some((
                            p,
                            Refusal::NoProject {
                                code: project.clone(),
                            },
                        ));
                    }
                }
                let expected = checks
                    .iter()
                    .all(|c| c.is_some_and(|id| oracle.writes(subject, id)));
                let f = Files::new();
                let path = f.write(&format!("{kind}.csv"), &csv_of(&spec));
                let opts = importer::Options {
                    actor: "test".into(),
                    access: Some(access.clone()),
                    ..importer::Options::default()
                };
                let got = importer::import_paths(&mut t.db, &[path], &opts);
                tally.attempts += 1;
                match (&got, expected) {
                    (Ok(_), true) => tally.allowed += 1,
                    (Err(importer::ImportError::Rejected(r)), false) => {
                        tally.refused += 1;
                        // Something she may not read is answered as if it did not exist.
                        if let Some((id, unknown)) = &unknown_if_unread {
                            if !oracle.reads(*id) && !r.errors.iter().any(|e| e.refusal == *unknown)
                            {
                                tally.leaks += 1;
                                eprintln!("leak: {role:?}@{unit} {kind} {key}: {:?}", r.errors);
                            }
                        }
                    }
                    (Ok(_), false) => {
                        tally.forbidden_accepted += 1;
                        eprintln!("accepted, forbidden: {role:?}@{unit} {kind} key {key} at {} hh {household}", place.code);
                    }
                    (Err(e), true) => {
                        tally.allowed_refused += 1;
                        eprintln!("refused, allowed: {role:?}@{unit} {kind} key {key} at {} hh {household}: {e:?}", place.code);
                    }
                    (Err(e), false) => panic!("not a rejection: {e:?}"),
                }
            }
        }
        check_reads(&mut t, &access, &oracle, tally);
    }
}

#[test]
fn no_write_crosses_the_rights_table_and_no_read_leaves_the_units() {
    let mut tally = Tally::default();
    for seed in [0x9e37_79b9_7f4a_7c15, 0x2545_f491_4f6c_dd1d, 0x1b87_3593] {
        one_seed(seed, &mut tally);
    }
    println!("boundary on {}: {tally:?}", backend().name());
    assert_eq!(tally.forbidden_accepted, 0, "{tally:?}");
    assert_eq!(tally.allowed_refused, 0, "{tally:?}");
    assert_eq!(tally.leaks, 0, "{tally:?}");
    // Both answers were exercised.
    assert!(tally.allowed > 50 && tally.refused > 50, "{tally:?}");
}

/// A manager moving a household between two communes of her subtree is allowed and
/// audited as a move; a clerk cannot move it out of her commune into another's.
#[test]
fn a_move_needs_both_units_and_is_audited_as_one() {
    let (mut t, _f) = crate::households::with_households();
    let today = domain::Date::from_ymd(2026, 12, 1).unwrap();
    let user = |role, unit: &str| store::accounts::User {
        id: 1,
        username: "u".into(),
        full_name: "Người thử".into(),
        role,
        unit_code: unit.into(),
        active: true,
        must_change_password: false,
    };
    let stored: Vec<store::Row> =
        t.db.query(
            "SELECT household_code, unit_code FROM households WHERE unit_code = '00100'",
            &[],
        )
        .unwrap();
    let code = cell(&stored[0], "household_code");
    let row = |unit: &str| {
        format!("household_code,unit_code,registered_on,head_name,head_gender,area,ethnic_minority,size\n{code},{unit},2026-03-01,Lê Thị Hoa,F,rural,0,3\n")
    };
    let f = Files::new();
    let write = |t: &mut TestDb, who: store::accounts::User, unit: &str| {
        let access = Arc::new(store::access::Access::new(&mut t.db, who, today).unwrap());
        let path = f.write("households.csv", &row(unit));
        let opts = importer::Options {
            actor: "test".into(),
            access: Some(access),
            ..importer::Options::default()
        };
        importer::import_paths(&mut t.db, &[path], &opts)
    };
    // A clerk of 00300 may not take 00100's household into her commune.
    let refused = write(&mut t, user(Role::Clerk, "00300"), "00300");
    match refused {
        Err(importer::ImportError::Rejected(r)) => {
            assert_eq!(r.errors[0].refusal, Refusal::StoredOutsideScope, "{r:?}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // The province's manager may: both communes are hers.
    write(&mut t, user(Role::Manager, "01"), "00300").unwrap();
    let actions: Vec<String> =
        t.db.query(
            "SELECT action FROM audit_log WHERE entity = 'households' AND entity_key LIKE ?",
            &[store::Value::from(format!("%{code}%"))],
        )
        .unwrap()
        .iter()
        .map(|r| cell(r, "action"))
        .collect();
    assert!(actions.contains(&"move".to_owned()), "{actions:?}");
}

/// data-contract.md, "Targets": the plan of a unit that vanished with no successor adds
/// to its ancestor's children's plans instead of standing for the ancestor's own.
#[test]
fn a_vanished_units_target_adds_to_the_childrens() {
    let mut t = TestDb::new();
    t.import_texts(&[
        (
            "units.csv",
            "code,name,level,parent_code,valid_from,valid_to\nVN,Trung ương,central,,,\n01,Tỉnh Một,province,VN,,\n010,Huyện A,district,01,,2025-06-30\n00100,Xã Một,commune,01,,\n00101,Xã Hai,commune,01,,\n",
        ),
        (
            "targets.csv",
            "year,unit_code,indicator,value\n2025,010,houses_built,10\n2025,00100,houses_built,5\n2025,00101,houses_built,7\n",
        ),
    ])
    .unwrap();
    let req = request("01", "2025-01-01", "2025-12-31", None);
    let report = reports::run(&mut t.db, &req, true).unwrap();
    let target = |inds: &[reports::IndicatorValue]| {
        inds.iter()
            .find(|i| i.code == "houses_built")
            .and_then(|i| i.target)
    };
    assert_eq!(
        target(&report.indicators),
        Some(22),
        "5 + 7 + the vanished district's 10"
    );
    let children: Vec<(String, Option<i64>)> = report
        .children
        .unwrap()
        .iter()
        .map(|c| (c.unit.code.clone(), target(&c.indicators)))
        .collect();
    assert!(
        children.contains(&("00100".into(), Some(5))),
        "{children:?}"
    );
    assert!(
        children.contains(&("00101".into(), Some(7))),
        "{children:?}"
    );
}
