//! The real national units: the done-when figures of the foundation issue.

use crate::support::*;
use domain::units::{Fate, Level};

#[test]
fn load_vn_builds_both_structures_and_rerun_changes_nothing() {
    let mut t = TestDb::new();
    let f = Files::new();
    let unmatched = f.path("unmatched.csv");
    let out = donghanh()
        .args(["--db", t.url(), "units", "load-vn", "--unmatched"])
        .arg(&unmatched)
        .succeeds();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("3321 xã/phường mới"), "{text}");
    // A floor under the note parser: 3,020 of 3,321 new communes had every predecessor
    // matched when this was written; the rest are listed for a person.
    let all: usize = text
        .split("all predecessors matched ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("match count");
    assert!(all >= 3_000, "{text}");

    let g = t.graph();
    let s = g.structure_on(date("2023-10-31"));
    let qn = g.version_on("49", date("2023-10-31")).unwrap();
    let counts = s.count_by_level(qn);
    assert_eq!(
        (counts[&Level::District], counts[&Level::Commune]),
        (18, 241)
    );
    let s = g.structure_on(date("2025-07-01"));
    let dn = g.version_on("48", date("2025-07-01")).unwrap();
    assert_eq!(s.count_by_level(dn)[&Level::Commune], 94);
    assert_eq!(s.count_by_level(dn).get(&Level::District), None);
    let vn = g.version_on("VN", date("2025-07-01")).unwrap();
    assert_eq!(s.children(vn).len(), 34);
    assert_eq!(g.structure_on(date("2024-01-01")).children(vn).len(), 63);
    match g.fate("49", date("2025-07-01")) {
        Fate::EndedInto { into, .. } => assert_eq!(g.version(into).code, "48"),
        other => panic!("{other:?}"),
    }
    // Every Quảng Nam commune of 2023 lands in Đà Nẵng on the structure date.
    let old = g.structure_on(date("2023-10-31"));
    for ix in old.subtree(qn) {
        let to = g.resolve(ix, date("2025-07-01")).expect("mapped");
        assert!(
            s.subtree(dn).contains(&to),
            "{} went outside Đà Nẵng",
            g.version(ix).name
        );
    }
    // Hải Vân took Hòa Hiệp Bắc's code, Hòa Hiệp Nam whole and part of Hòa Liên.
    let hv = g.version_on("20194", date("2025-07-01")).unwrap();
    let preds: Vec<String> = g
        .predecessors(hv)
        .iter()
        .map(|p| g.version(p.ix).name.clone())
        .collect();
    for name in [
        "Phường Hòa Hiệp Bắc",
        "Phường Hòa Hiệp Nam",
        "Xã Hòa Bắc",
        "Xã Hòa Liên",
    ] {
        assert!(preds.iter().any(|p| p == name), "{preds:?}");
    }
    assert!(std::fs::read_to_string(&unmatched)
        .unwrap()
        .starts_with("new_code,new_name"));

    let before = t.dump();
    let again = donghanh()
        .args(["--db", t.url(), "units", "load-vn", "--unmatched"])
        .arg(&unmatched)
        .succeeds();
    assert!(String::from_utf8_lossy(&again.stdout).contains("+0 ~0"));
    assert_eq!(t.dump(), before, "rerunning load-vn changes nothing");

    review_survives_a_rerun(&mut t, &unmatched);
}

/// The review of what the loader left: a guess confirmed, a name matched by hand (which
/// replaces that old commune's guess); both survive a rerun of the loader.
fn review_survives_a_rerun(t: &mut TestDb, unmatched: &std::path::Path) {
    let review = |args: &[&str]| {
        let out = donghanh()
            .args(["--db", t.url(), "units", "review"])
            .args(args)
            .succeeds();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let listed = review(&["--show", "2"]);
    let open = |text: &str| -> (usize, usize) {
        let line = text.lines().next().unwrap();
        let n = |marker: &str| {
            line.split(marker)
                .next()
                .unwrap()
                .split_whitespace()
                .last()
                .unwrap()
                .parse()
                .unwrap()
        };
        (n(" tên chưa khớp"), n(" liên kết đoán"))
    };
    let (questions, guesses) = open(&listed);
    println!("lineage review before: {questions} names, {guesses} guesses");
    assert!(questions > 0 && guesses > 1, "{listed}");
    let guessed: Vec<(String, String)> = listed
        .lines()
        .filter_map(|l| l.trim().strip_prefix("~ "))
        .map(|l| {
            let (from, to) = l.split_once(" → ").unwrap();
            let code = |s: &str| s.split_whitespace().next().unwrap().to_owned();
            (code(from), code(to))
        })
        .collect();
    let question = listed
        .lines()
        .find_map(|l| l.trim().strip_prefix("? "))
        .unwrap()
        .to_owned();
    let new_code = question.split_whitespace().next().unwrap().to_owned();
    let written = question.split('"').nth(1).unwrap().to_owned();
    review(&["--confirm", &guessed[0].0, &guessed[0].1]);
    review(&[
        "--link",
        &guessed[1].0,
        &new_code,
        "--resolves",
        &format!("{new_code}|{written}"),
    ]);
    let after = open(&review(&[]));
    println!(
        "lineage review after two decisions: {} names, {} guesses",
        after.0, after.1
    );
    assert_eq!(after, (questions - 1, guesses - 2));
    // A link that breaks a rule is refused and changes nothing.
    let bad = donghanh()
        .args([
            "--db",
            t.url(),
            "units",
            "review",
            "--link",
            &guessed[1].0,
            &new_code,
            "--share",
            "1.5",
        ])
        .fails();
    assert!(String::from_utf8_lossy(&bad.stderr).contains("tỷ lệ"));
    donghanh()
        .args(["--db", t.url(), "units", "load-vn", "--unmatched"])
        .arg(unmatched)
        .succeeds();
    assert_eq!(
        open(&review(&[])),
        after,
        "decisions survive a rerun of load-vn"
    );
    let g = t.graph();
    let hand = g.version_on(&new_code, date("2025-07-01")).unwrap();
    assert!(g
        .predecessors(hand)
        .iter()
        .any(|p| g.version(p.ix).code == guessed[1].0));
}
