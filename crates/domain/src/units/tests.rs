use super::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn v(id: i64, code: &str, level: Level, parent: Option<&str>, from: &str, to: &str) -> UnitVersion {
    UnitVersion {
        id: VersionId(id),
        code: code.into(),
        name: format!("Unit {code}"),
        level,
        parent_code: parent.map(Into::into),
        valid_from: if from.is_empty() { Date::MIN } else { d(from) },
        valid_to: if to.is_empty() { Date::MAX } else { d(to) },
    }
}

fn link(from: &str, to: &str, eff: &str, share: f64) -> LineageLink {
    LineageLink {
        from_code: from.into(),
        to_code: to.into(),
        effective: d(eff),
        share,
    }
}

/// A miniature 2025 reform: provinces 48 and 49 merge into 48; district 490 is
/// abolished; communes A (kept code, renamed), B (merged into A), C (split between A
/// and D), E (ended with no known successor).
fn reform() -> UnitGraph {
    use Level::*;
    let versions = vec![
        v(1, "VN", Central, None, "", ""),
        v(2, "48", Province, Some("VN"), "", "2025-06-30"),
        v(3, "48", Province, Some("VN"), "2025-07-01", ""),
        v(4, "49", Province, Some("VN"), "", "2025-06-30"),
        v(5, "490", District, Some("49"), "", "2025-06-30"),
        v(6, "A", Commune, Some("490"), "", "2025-06-30"),
        v(7, "B", Commune, Some("490"), "", "2025-06-30"),
        v(8, "C", Commune, Some("490"), "", "2025-06-30"),
        v(9, "E", Commune, Some("490"), "", "2025-06-30"),
        v(10, "A", Commune, Some("48"), "2025-07-01", ""),
        v(11, "D", Commune, Some("48"), "2025-07-01", ""),
    ];
    let lineage = vec![
        link("49", "48", "2025-07-01", 1.0),
        link("B", "A", "2025-07-01", 1.0),
        link("C", "A", "2025-07-01", 0.3),
        link("C", "D", "2025-07-01", 0.7),
    ];
    UnitGraph::new(versions, lineage)
}

fn code_of(g: &UnitGraph, ix: Option<VersionIx>) -> Option<(String, i64)> {
    ix.map(|i| (g.version(i).code.clone(), g.version(i).id.0))
}

#[test]
fn tree_before_and_after_the_reform() {
    let g = reform();
    let before = g.structure_on(d("2023-10-31"));
    let q = g.version_on("49", d("2023-10-31")).unwrap();
    assert_eq!(before.subtree(q).len(), 6);
    let after = g.structure_on(d("2025-07-01"));
    let dn = g.version_on("48", d("2025-07-01")).unwrap();
    let kids: Vec<_> = after
        .children(dn)
        .iter()
        .map(|&i| g.version(i).code.as_str())
        .collect();
    assert_eq!(kids, ["A", "D"]);
    assert_eq!(after.roots.len(), 1);
}

#[test]
fn records_follow_continuation_lineage_and_ancestors() {
    let g = reform();
    let s = d("2025-07-01");
    let ix = |id| g.find_id(VersionId(id)).unwrap();
    // A continues under the same code.
    assert_eq!(code_of(&g, g.resolve(ix(6), s)), Some(("A".into(), 10)));
    // B merged into A.
    assert_eq!(code_of(&g, g.resolve(ix(7), s)), Some(("A".into(), 10)));
    // C split: the largest share wins.
    assert_eq!(code_of(&g, g.resolve(ix(8), s)), Some(("D".into(), 11)));
    // E ended with nothing: falls to its district, abolished, then to 49 → 48.
    assert_eq!(code_of(&g, g.resolve(ix(9), s)), Some(("48".into(), 3)));
    // The district itself.
    assert_eq!(code_of(&g, g.resolve(ix(5), s)), Some(("48".into(), 3)));
    // Before the structure date nothing moves.
    assert_eq!(g.resolve(ix(7), d("2024-01-01")), Some(ix(7)));
    // A unit that did not exist yet on the structure date is unmapped.
    assert_eq!(g.resolve(ix(11), d("2024-01-01")), None);
}

#[test]
fn fate_of_a_merged_province() {
    let g = reform();
    match g.fate("49", d("2025-07-01")) {
        Fate::EndedInto { on, into, .. } => {
            assert_eq!(on, d("2025-07-01"));
            assert_eq!(g.version(into).code, "48");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(g.fate("49", d("2025-06-30")), Fate::Exists(_)));
    assert_eq!(g.fate("ZZ", d("2025-06-30")), Fate::Unknown);
}

#[test]
fn predecessors_of_a_merged_commune() {
    let g = reform();
    let a = g.version_on("A", d("2025-07-01")).unwrap();
    let mut preds: Vec<_> = g
        .predecessors(a)
        .iter()
        .map(|p| (g.version(p.ix).code.clone(), p.share))
        .collect();
    preds.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        preds,
        [("A".into(), 1.0), ("B".into(), 1.0), ("C".into(), 0.3)]
    );
}

#[test]
fn checks_find_overlaps_missing_parents_and_cycles() {
    use Level::*;
    let g = UnitGraph::new(
        vec![
            v(1, "P", Province, None, "", ""),
            v(2, "X", Commune, Some("P"), "2020-01-01", "2022-12-31"),
            v(3, "X", Commune, Some("P"), "2022-06-01", ""),
            v(4, "Y", Commune, Some("Q"), "2020-01-01", ""),
            v(5, "Z", Province, Some("X"), "2021-01-01", ""),
        ],
        vec![],
    );
    let problems = check_versions(&g);
    assert!(problems
        .iter()
        .any(|p| matches!(p, UnitProblem::Overlap { code, .. } if code == "X")));
    assert!(problems.contains(&UnitProblem::ParentMissing { ix: 3 }));
    assert!(problems
        .iter()
        .any(|p| matches!(p, UnitProblem::ParentLevel { ix: 4, .. })));

    let g = UnitGraph::new(
        vec![
            v(1, "M", Commune, None, "", ""),
            v(2, "N", Commune, None, "", ""),
            v(3, "K", Commune, None, "", "2025-06-30"),
            v(4, "L", Commune, None, "", ""),
        ],
        vec![],
    );
    let links = vec![
        link("M", "N", "2025-07-01", 1.0),
        link("N", "M", "2025-07-01", 1.0),
        link("K", "L", "2025-07-01", 0.7),
        link("K", "N", "2025-07-01", 0.6),
    ];
    let found = check_links(&g, &links);
    assert!(found
        .iter()
        .any(|(i, p)| *i == 0 && matches!(p, LineageProblem::Cycle(_))));
    assert!(found
        .iter()
        .any(|(i, p)| *i == 2 && *p == LineageProblem::SharesOverOne));
}

#[test]
fn a_link_must_start_where_a_unit_ends() {
    let g = reform();
    assert_eq!(check_link(&g, &link("49", "48", "2025-07-01", 1.0)), None);
    assert_eq!(
        check_link(&g, &link("VN", "48", "2025-07-01", 1.0)),
        Some(LineageProblem::FromNotEnded)
    );
    assert_eq!(
        check_link(&g, &link("D", "A", "2025-07-01", 1.0)),
        Some(LineageProblem::FromMissing)
    );
    assert_eq!(
        check_link(&g, &link("B", "49", "2025-07-01", 1.0)),
        Some(LineageProblem::ToMissing)
    );
}

#[test]
fn swapped_reused_codes_are_no_cycle() {
    // Old 1 partly went to new 2, old 2 partly to new 1: versions differ, no cycle.
    use Level::*;
    let g = UnitGraph::new(
        vec![
            v(1, "1", Commune, None, "", "2025-06-30"),
            v(2, "2", Commune, None, "", "2025-06-30"),
            v(3, "1", Commune, None, "2025-07-01", ""),
            v(4, "2", Commune, None, "2025-07-01", ""),
        ],
        vec![],
    );
    let links = vec![
        link("1", "2", "2025-07-01", 0.5),
        link("2", "1", "2025-07-01", 0.5),
    ];
    assert!(check_links(&g, &links).is_empty());
}

#[test]
fn versions_are_found_by_id_whether_ids_are_dense_or_sparse() {
    use Level::*;
    for ids in [[7, 8, 9], [-5, 3, 9_000_000_000]] {
        let g = UnitGraph::new(
            vec![
                v(ids[0], "P", Province, None, "", ""),
                v(ids[1], "A", Commune, Some("P"), "", ""),
                v(ids[2], "B", Commune, Some("P"), "", ""),
            ],
            vec![],
        );
        for (ix, id) in ids.iter().enumerate() {
            assert_eq!(g.find_id(VersionId(*id)), Some(ix), "{ids:?}");
        }
        for missing in [0, 6, 10, ids[2] + 1, i64::MIN, i64::MAX] {
            assert_eq!(g.find_id(VersionId(missing)), None, "{ids:?} {missing}");
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A random reform on 2025-07-01: `n_old` old communes under one province end the
    /// day before; `n_new` new communes start that day; each old commune is merged whole
    /// into one new commune, split between two, renamed by keeping its code, or left
    /// with no successor (its records then fall to the nearest ancestor that goes on).
    fn reform_of(n_old: usize, n_new: usize, fates: &[u8]) -> UnitGraph {
        use Level::*;
        let mut versions = vec![
            v(1, "VN", Central, None, "", ""),
            v(2, "P", Province, Some("VN"), "", ""),
        ];
        for i in 0..n_old {
            versions.push(v(
                10 + i as i64,
                &format!("O{i}"),
                Commune,
                Some("P"),
                "",
                "2025-06-30",
            ));
        }
        for j in 0..n_new {
            versions.push(v(
                100 + j as i64,
                &format!("N{j}"),
                Commune,
                Some("P"),
                "2025-07-01",
                "",
            ));
        }
        let mut lineage = Vec::new();
        for (i, fate) in fates.iter().take(n_old).enumerate() {
            let (a, b) = (i % n_new, (i + 1) % n_new);
            match fate % 4 {
                0 => lineage.push(link(&format!("O{i}"), &format!("N{a}"), "2025-07-01", 1.0)),
                1 if a != b => {
                    lineage.push(link(&format!("O{i}"), &format!("N{a}"), "2025-07-01", 0.4));
                    lineage.push(link(&format!("O{i}"), &format!("N{b}"), "2025-07-01", 0.6));
                }
                2 => versions.push(v(
                    300 + i as i64,
                    &format!("O{i}"),
                    Commune,
                    Some("P"),
                    "2025-07-01",
                    "",
                )),
                _ => {}
            }
        }
        UnitGraph::new(versions, lineage)
    }

    proptest! {
        /// Wherever a version's records land on a structure date, they land on a unit
        /// that exists that day; a version that exists is its own place; resolving twice
        /// changes nothing; nothing lands before its unit began; `resolve_all` agrees.
        #[test]
        fn records_land_on_units_that_exist(
            n_old in 1usize..12,
            n_new in 1usize..6,
            fates in proptest::collection::vec(any::<u8>(), 12),
            day in 0i32..1500,
        ) {
            let g = reform_of(n_old, n_new, &fates);
            let on = Date::parse("2023-01-01").unwrap().add_days(day);
            let all = g.resolve_all(on);
            for (ix, &expected) in all.iter().enumerate() {
                let r = g.resolve(ix, on);
                prop_assert_eq!(r, expected);
                let v = g.version(ix);
                if v.valid_on(on) {
                    prop_assert_eq!(r, Some(ix));
                }
                if on < v.valid_from {
                    prop_assert_eq!(r, None);
                }
                if let Some(r) = r {
                    prop_assert!(g.version(r).valid_on(on), "{} lands on {} which is not valid on {}", v.code, g.version(r).code, on);
                    prop_assert_eq!(g.resolve(r, on), Some(r));
                }
            }
        }

        /// After the reform every old commune's records land somewhere in the province:
        /// on a new commune when lineage or its kept code says so, else on the province.
        #[test]
        fn after_the_reform_nothing_of_the_province_is_lost(
            n_old in 1usize..12,
            n_new in 1usize..6,
            fates in proptest::collection::vec(any::<u8>(), 12),
        ) {
            let g = reform_of(n_old, n_new, &fates);
            let after = Date::parse("2025-07-01").unwrap();
            for ix in 0..g.resolve_all(after).len() {
                let v = g.version(ix);
                if !v.code.starts_with('O') || v.valid_on(after) {
                    continue;
                }
                let landed = g.resolve(ix, after).map(|r| g.version(r).code.clone());
                let landed = landed.unwrap_or_default();
                prop_assert!(landed.starts_with('N') || landed == "P" || landed == v.code, "{} → {landed:?}", v.code);
            }
        }
    }
}
