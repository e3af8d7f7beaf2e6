//! Concurrency with real threads against a real server, on the backend under test: of
//! N concurrent saves of one version exactly one wins; of N concurrent creations of one
//! household code exactly one wins; a citizen ID posted for N households at once is
//! stored once; writers racing a bulk import of another process all succeed.

use crate::support::*;
use crate::web_support::*;
use std::sync::{Arc, Barrier};

const N: usize = 20;

/// Runs `f(i)` on N threads released together; their answers' statuses.
fn at_once(f: impl Fn(usize) -> u16 + Send + Sync + 'static) -> Vec<u16> {
    let f = Arc::new(f);
    let gate = Arc::new(Barrier::new(N));
    let threads: Vec<_> = (0..N)
        .map(|i| {
            let (f, gate) = (f.clone(), gate.clone());
            std::thread::spawn(move || {
                gate.wait();
                f(i)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

/// Of `N` racing requests one got `won` and every other `lost` (printed, for the note).
fn one_wins(what: &str, statuses: &[u16], (won, lost): (u16, u16)) {
    println!("races on {}: {what} {statuses:?}", backend().name());
    assert_eq!(
        (count(statuses, won), count(statuses, lost)),
        (1, N - 1),
        "{statuses:?}"
    );
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

/// The demo's commune clerk signed in: her client (threads clone it), her unit and her
/// session's CSRF token.
fn clerk(base: &str) -> (Http, String, String) {
    let mut c = Http::default();
    assert_eq!(c.login(base, "xa", DEMO_PASSWORD).status, 303);
    let me: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/me")).body).unwrap();
    let unit = me["unit_code"].as_str().unwrap().to_owned();
    let csrf = c.csrf(base);
    (c, unit, csrf)
}

#[test]
fn concurrent_edits_creations_and_citizen_ids_each_have_one_winner() {
    let server = demo_server();
    let base = server.base.clone();
    let (mut c, unit, csrf) = clerk(&base);

    // N creations of one household code: one is stored, the others told it exists.
    let (cc, b, u, t) = (c.clone(), base.clone(), unit.clone(), csrf.clone());
    let created = at_once(move |i| {
        let body = serde_json::json!({"household_code": "RACE-1", "unit_code": u, "registered_on": "2026-02-01", "head_name": format!("Người thứ {i}"), "head_gender": "F", "area": "rural", "size": 2});
        cc.clone()
            .post_json(&format!("{b}/api/households"), &body.to_string(), &t)
            .status
    });
    one_wins("creations of one code", &created, (200, 409));

    // N saves of the version one edit form showed: one wins, the others are told to
    // reload (409), none is lost silently.
    let page = c.get(&format!("{base}/households/RACE-1/edit")).body;
    let version = between(&page, "name=\"_version\" value=\"", "\"");
    let (cc, b, u, t) = (c.clone(), base.clone(), unit.clone(), csrf.clone());
    let saved = at_once(move |i| {
        let name = format!("Tên sửa {i}");
        let fields = [
            ("_csrf", t.as_str()),
            ("_version", version.as_str()),
            ("unit_code", u.as_str()),
            ("registered_on", "2026-02-01"),
            ("head_name", name.as_str()),
            ("head_gender", "F"),
            ("area", "rural"),
            ("ethnic_minority", "0"),
            ("size", "3"),
            ("reason", "sửa tên cho đúng"),
        ];
        cc.clone()
            .post_form(&format!("{b}/households/RACE-1/edit"), &fields)
            .status
    });
    one_wins("saves of one version", &saved, (303, 409));

    // One citizen ID posted for N households at once: stored once.
    for i in 0..N {
        let body = serde_json::json!({"household_code": format!("RACE-H{i}"), "unit_code": unit, "registered_on": "2026-02-01", "head_name": "Hộ thử", "head_gender": "F", "area": "rural", "size": 1});
        assert_eq!(
            c.post_json(&format!("{base}/api/households"), &body.to_string(), &csrf)
                .status,
            200
        );
    }
    let (cc, b, t) = (c.clone(), base.clone(), csrf.clone());
    let members = at_once(move |i| {
        let body = serde_json::json!([{"household_code": format!("RACE-H{i}"), "member_no": 1, "full_name": "Đinh Thị Lan", "gender": "F", "birth_year": 1990, "citizen_id": "049190012345"}]);
        cc.clone()
            .post_json(&format!("{b}/api/import/members"), &body.to_string(), &t)
            .status
    });
    println!(
        "races on {}: one citizen ID for {N} households {members:?}",
        backend().name()
    );
    assert_eq!(count(&members, 200), 1, "{members:?}");
    assert_eq!(
        count(&members, 400) + count(&members, 409),
        N - 1,
        "{members:?}"
    );
    let hits: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/households?q=049190012345")).body)
            .unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 1, "{hits}");
}

#[test]
fn writers_racing_a_bulk_import_never_fail() {
    let server = demo_server();
    let base = server.base.clone();
    let (c, unit, csrf) = clerk(&base);
    // A bulk import by another process (the command line) into the same database.
    let files = Files::new();
    let mut csv = String::from("record_id,date,unit_code,support_type,household_code,member_no,quantity,value_vnd,programme,funding\n");
    for i in 0..30_000 {
        csv.push_str(&format!("BULK-{i},2026-03-02,{unit},gift,,,1,100000,,\n"));
    }
    let file = files.write("supports.csv", &csv);
    let url = server.db_url().to_owned();
    let import = std::thread::spawn(move || {
        donghanh()
            .args(["--db", &url, "import"])
            .arg(&file)
            .output()
            .unwrap()
    });
    let (cc, b, u, t) = (c.clone(), base.clone(), unit.clone(), csrf.clone());
    let writes = at_once(move |i| {
        let mut worst = 200;
        for k in 0..10 {
            let body = serde_json::json!([{"record_id": format!("W-{i}-{k}"), "date": "2026-03-03", "unit_code": u, "support_type": "gift", "quantity": 1, "value_vnd": 50000}]);
            let s = cc
                .clone()
                .post_json(&format!("{b}/api/import/supports"), &body.to_string(), &t)
                .status;
            if s != 200 {
                worst = s;
            }
        }
        worst
    });
    let out = import.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!(
        "races on {}: {N} writers × 10 beside a 30,000-row import: {writes:?}",
        backend().name()
    );
    assert_eq!(count(&writes, 200), N, "{writes:?}");
}
