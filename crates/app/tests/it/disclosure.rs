//! Identifiers masked by design (issue 22): every GET route the router serves, each with
//! every download format, opened by each demo role. No answer shows a citizen ID or a
//! phone in full to a role that may not write that household, and every answer that
//! shows one in full has put its view on record in the access log. The routes come from
//! the router itself, so a route added later is opened too.

use crate::web_support::*;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Every text a response carries: the body, or for an XLSX file the text of its parts.
fn texts(r: &Response) -> String {
    if r.bytes.starts_with(b"PK") {
        xlsx_text(&r.bytes)
    } else {
        r.body.clone()
    }
}

/// Runs of exactly `n` digits in `text` (not part of a longer run).
fn digit_runs(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if matches!(i - start, 10 | 12) {
                out.push(&text[start..i]);
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Every stored identifier (citizen ID or phone) → its household.
fn identifiers(db: &mut store::Db) -> HashMap<String, String> {
    let rows = db
        .query(
            "SELECT household_code, citizen_id, phone FROM members \
             WHERE citizen_id IS NOT NULL OR phone IS NOT NULL",
            &[],
        )
        .unwrap();
    let mut ids = HashMap::new();
    for r in rows {
        let h: String = r.get("household_code").unwrap();
        for col in ["citizen_id", "phone"] {
            if let Some(v) = r.get::<Option<String>>(col).unwrap() {
                ids.insert(v, h.clone());
            }
        }
    }
    ids
}

/// The households whose records the demo user `name` may write.
fn writable(db: &mut store::Db, name: &str) -> HashSet<String> {
    let (user, _) = store::accounts::by_username(db, name).unwrap().unwrap();
    let acc = store::access::Access::new(db, user, web::today()).unwrap();
    db.query("SELECT household_code, unit_id FROM households", &[])
        .unwrap()
        .into_iter()
        .filter(|r| acc.can_write_unit(r.get("unit_id").unwrap()))
        .map(|r| r.get("household_code").unwrap())
        .collect()
}

/// The households whose identifiers' view in full `actor` has on record after log row
/// `after`.
fn logged_since(db: &mut store::Db, actor: &str, after: i64) -> HashSet<String> {
    db.query(
        "SELECT entity_key FROM audit_log WHERE action = 'view_sensitive' AND actor = ? AND id > ?",
        &[actor.into(), after.into()],
    )
    .unwrap()
    .into_iter()
    .map(|r| {
        let key: String = r.get("entity_key").unwrap();
        let v: serde_json::Value = serde_json::from_str(&key).unwrap();
        v["household_code"].as_str().unwrap().to_owned()
    })
    .collect()
}

fn last_log_id(db: &mut store::Db) -> i64 {
    db.query_one("SELECT COALESCE(MAX(id), 0) AS n FROM audit_log", &[])
        .unwrap()
        .get("n")
        .unwrap()
}

/// A household of the clerk's commune and one outside it, each with a member who has a
/// citizen ID: (household, member_no).
fn households_with_ids(
    db: &mut store::Db,
    clerks: &HashSet<String>,
) -> ((String, i64), (String, i64)) {
    let rows = db
        .query(
            "SELECT household_code, member_no FROM members WHERE citizen_id IS NOT NULL \
             ORDER BY household_code, member_no",
            &[],
        )
        .unwrap();
    let pick = |mine: bool| {
        rows.iter()
            .map(|r| {
                (
                    r.get::<String>("household_code").unwrap(),
                    r.get::<i64>("member_no").unwrap(),
                )
            })
            .find(|(h, _)| clerks.contains(h) == mine)
            .unwrap()
    };
    (pick(true), pick(false))
}

/// The addresses to open for one served path: its parameters filled with the demo's
/// values, and each with its download formats and periods.
fn addresses(path: &str, inside: &(String, i64), outside: &(String, i64)) -> Vec<String> {
    let kinds: Vec<&str> = domain::contract::ALL.iter().map(|s| s.kind).collect();
    let mut filled = vec![path.to_owned()];
    let fill = |list: Vec<String>, name: &str, values: &[String]| -> Vec<String> {
        list.into_iter()
            .flat_map(|p| {
                if p.contains(name) {
                    values.iter().map(|v| p.replace(name, v)).collect()
                } else {
                    vec![p]
                }
            })
            .collect()
    };
    let codes = if path.starts_with("/units") {
        vec!["48".to_owned()]
    } else {
        vec![inside.0.clone(), outside.0.clone()]
    };
    filled = fill(filled, "{code}", &codes);
    let kinds: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
    filled = fill(filled, "{kind}", &kinds);
    filled = fill(filled, "{token}", &["khong-co".to_owned()]);
    filled = fill(
        filled,
        "{no}",
        &[inside.1.to_string(), outside.1.to_string()],
    );
    let mut out = Vec::new();
    for p in filled {
        let mut queries: Vec<String> = [
            "",
            "?format=xlsx",
            "?format=csv",
            "?format=pdf",
            "?format=json",
        ]
        .map(str::to_owned)
        .to_vec();
        if p.starts_with("/records/") {
            let period = "from=2000-01-01&to=2026-12-31";
            queries.extend([
                format!("?{period}"),
                format!("?{period}&format=xlsx"),
                format!("?{period}&format=xlsx&reason={}", enc("Kiểm tra")),
            ]);
        }
        if p.ends_with("/edit") || p.ends_with("/delete") {
            queries = [inside, outside]
                .iter()
                .map(|(h, n)| format!("?k={}", enc(&format!("[\"{h}\",{n}]"))))
                .collect();
        }
        out.extend(queries.into_iter().map(|q| format!("{p}{q}")));
    }
    out
}

#[test]
fn no_route_shows_an_identifier_in_full_to_whom_may_not_write_it_and_every_view_is_logged() {
    let server = demo_server();
    let base = &server.base;
    let mut db = store::open(server.db_url()).unwrap();
    let ids = identifiers(&mut db);
    assert!(ids.len() > 10_000, "{} identifiers", ids.len());
    let paths = served_paths(server.db_url());
    let gets: Vec<&String> = paths.iter().filter(|p| !p.contains('*')).collect();
    assert!(
        gets.iter().any(|p| p.as_str() == "/records/{kind}")
            && gets.iter().any(|p| p.as_str() == "/api/households/{code}")
            && gets.len() > 40,
        "{paths:?}"
    );
    let clerks = writable(&mut db, "xa");
    let (inside, outside) = households_with_ids(&mut db, &clerks);
    let mut opened = 0;
    let mut routes_with_get = HashSet::new();
    let mut failures = Vec::new();
    for role in ["xem", "xa", "tinh", "quantri"] {
        let mine = writable(&mut db, role);
        let mut c = Http::signed_in(base, role);
        let actor = format!("user:{role}");
        for path in &gets {
            for address in addresses(path, &inside, &outside) {
                let before = last_log_id(&mut db);
                let r = c.get(&format!("{base}{address}"));
                if r.status == 405 {
                    continue;
                }
                routes_with_get.insert(path.as_str());
                opened += 1;
                let text = texts(&r);
                let mut shown: BTreeSet<&str> = BTreeSet::new();
                for run in digit_runs(&text) {
                    if let Some(h) = ids.get(run) {
                        if !mine.contains(h) {
                            failures.push(format!("{role} {address}: {h}'s identifier in full"));
                        }
                        shown.insert(h);
                    }
                }
                if !shown.is_empty() {
                    let logged = logged_since(&mut db, &actor, before);
                    let missing: Vec<&&str> =
                        shown.iter().filter(|h| !logged.contains(**h)).collect();
                    if !missing.is_empty() {
                        failures.push(format!(
                            "{role} {address}: {} households shown in full without a log row (e.g. {})",
                            missing.len(),
                            missing[0]
                        ));
                    }
                }
            }
        }
        // A viewer is shown nothing in full, anywhere; a writer's full views exist (the
        // test would prove nothing if every route masked everything).
        let seen = logged_since(&mut db, &actor, 0);
        if role == "xem" {
            assert!(seen.is_empty(), "the viewer has full views on record");
        } else {
            assert!(
                seen.contains(&inside.0),
                "{role}: no full view of {}",
                inside.0
            );
        }
    }
    failures.sort();
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} failures: {:#?}",
        failures.len(),
        &failures[..failures.len().min(30)]
    );
    eprintln!(
        "{} served paths, {} answer GET, {opened} addresses opened as 4 roles",
        gets.len(),
        routes_with_get.len()
    );
}

/// A download of several households' identifiers in full asks why first, and keeps the
/// reason in the access log; the masked download asks nothing.
#[test]
fn a_download_of_identifiers_in_full_asks_for_a_reason_first() {
    let (server, mut c) = demo_as("tinh");
    let base = &server.base;
    let asked = c.get(&format!("{base}/records/members?format=xlsx"));
    assert_eq!(asked.status, 200);
    assert!(!asked.bytes.starts_with(b"PK"));
    says_all(
        &asked.body,
        &["Lý do cần số đầy đủ", "Tải bản đã che số CCCD"],
        "the question",
    );
    let mut db = store::open(server.db_url()).unwrap();
    let before = last_log_id(&mut db);
    let masked = c.get(&format!("{base}/records/members?format=xlsx&masked=1"));
    assert!(masked.bytes.starts_with(b"PK"));
    assert!(texts(&masked).contains("••••••••"));
    assert!(logged_since(&mut db, "user:tinh", before).is_empty());
    let full = c.get(&format!(
        "{base}/records/members?format=xlsx&reason={}",
        enc("Đối chiếu danh sách với Ngân hàng Chính sách")
    ));
    assert!(full.bytes.starts_with(b"PK"));
    let reasons: Vec<Option<String>> = db
        .query(
            "SELECT reason FROM audit_log WHERE action = 'view_sensitive' AND id > ?",
            &[before.into()],
        )
        .unwrap()
        .into_iter()
        .map(|r| r.get("reason").unwrap())
        .collect();
    assert!(reasons.len() > 1000, "{} log rows", reasons.len());
    assert!(reasons
        .iter()
        .all(|r| r.as_deref() == Some("Đối chiếu danh sách với Ngân hàng Chính sách")));
}
