//! Entries made on a phone without a network and sent later (issue 16), through the
//! server's side: a retry is stored once, even twenty of them racing; an edit made on an
//! older version comes back as a conflict with the server's values; a refused entry says
//! why in Vietnamese; the rights and locked periods apply as to any write.

use crate::web_support::*;
use serde_json::{json, Value};

fn send(c: &mut Http, base: &str, csrf: &str, entry: &Value) -> (u16, Value) {
    let r = c.post_json(&format!("{base}/api/sync"), &entry.to_string(), csrf);
    (
        r.status,
        serde_json::from_str(&r.body).unwrap_or(Value::Null),
    )
}

fn count(c: &mut Http, base: &str, code: &str) -> usize {
    let r = c.get(&format!("{base}/api/households?q={code}"));
    let v: Value = serde_json::from_str(&r.body).unwrap();
    v.as_array().map_or(0, |a| {
        a.iter().filter(|h| h["household_code"] == code).count()
    })
}

/// Sends `entry` `n` times at once, each on its own connection: the outcomes.
fn racing(n: usize, c: &Http, base: &str, csrf: &str, entry: &Value) -> Vec<String> {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let mut c = c.clone();
                s.spawn(move || {
                    send(&mut c, base, csrf, entry).1["outcome"]
                        .as_str()
                        .unwrap_or("?")
                        .to_owned()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn household(code: &str, unit: &str, head: &str) -> Value {
    json!({"household_code": code, "unit_code": unit, "registered_on": "2026-03-05", "head_name": head,
           "head_gender": "F", "area": "rural", "ethnic_minority": "0", "size": "3"})
}

#[test]
fn a_retried_entry_is_stored_once_even_when_retries_race() {
    let (server, mut c, csrf) = demo_with_csrf("xa");
    let base = &server.base;
    let unit = json_of(&mut c, &format!("{base}/api/me"))["unit_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let entry = json!({"client_id": "11111111-aaaa-4bbb-8ccc-000000000001", "kind": "households",
                       "row": household("OFF-001", &unit, "Lò Thị Một")});
    let (status, first) = send(&mut c, base, &csrf, &entry);
    assert_eq!(
        (status, first["outcome"].as_str()),
        (200, Some("stored")),
        "{first}"
    );
    // Twenty retries, ten after another and ten at once on their own connections.
    for _ in 0..10 {
        assert_eq!(send(&mut c, base, &csrf, &entry).1["outcome"], "already");
    }
    let outcomes = racing(10, &c, base, &csrf, &entry);
    assert!(outcomes.iter().all(|o| o == "already"), "{outcomes:?}");
    assert_eq!(count(&mut c, base, "OFF-001"), 1);

    // A new entry sent for the first time by twenty racing sends: one stores it.
    let racing_entry = json!({"client_id": "11111111-aaaa-4bbb-8ccc-000000000002", "kind": "households",
                        "row": household("OFF-002", &unit, "Lò Thị Hai")});
    let outcomes = racing(20, &c, base, &csrf, &racing_entry);
    assert_eq!(
        outcomes.iter().filter(|o| *o == "stored").count(),
        1,
        "{outcomes:?}"
    );
    assert!(
        outcomes.iter().all(|o| o == "stored" || o == "already"),
        "{outcomes:?}"
    );
    assert_eq!(count(&mut c, base, "OFF-002"), 1);
}

#[test]
fn an_edit_on_an_old_version_is_a_conflict_and_a_refusal_says_why() {
    let (server, mut c, csrf) = demo_with_csrf("xa");
    let base = &server.base;
    let kept = json_of(&mut c, &format!("{base}/api/offline/households"));
    let h = kept["households"][0].clone();
    let code = h["household_code"].as_str().unwrap().to_owned();
    let version = h["_version"].as_str().unwrap().to_owned();
    // Meanwhile, on the server: the household's size changes.
    let mut changed = h.clone();
    changed["size"] = json!("9");
    let first = json!({"client_id": "22222222-aaaa-4bbb-8ccc-000000000001", "kind": "households",
                       "row": changed, "base_version": version});
    assert_eq!(send(&mut c, base, &csrf, &first).1["outcome"], "stored");
    // The phone's edit, made on the old version: a conflict, with the server's values.
    let mut mine = h.clone();
    mine["head_name"] = json!("Tên sửa trên điện thoại");
    let edit = json!({"client_id": "22222222-aaaa-4bbb-8ccc-000000000002", "kind": "households",
                      "row": mine, "base_version": version});
    let (_, a) = send(&mut c, base, &csrf, &edit);
    assert_eq!(a["outcome"], "conflict", "{a}");
    assert_eq!(a["current"]["size"], "9");
    assert_ne!(a["version"].as_str(), Some(version.as_str()));
    // Decided (her name, the server's size) and sent on the server's version: stored.
    let mut decided = a["current"].clone();
    decided["head_name"] = json!("Tên sửa trên điện thoại");
    let again = json!({"client_id": "22222222-aaaa-4bbb-8ccc-000000000002", "kind": "households",
                       "row": decided, "base_version": a["version"]});
    assert_eq!(send(&mut c, base, &csrf, &again).1["outcome"], "stored");
    let now = json_of(&mut c, &format!("{base}/api/households/{code}"));
    assert_eq!(now["head_name"], "Tên sửa trên điện thoại");
    assert_eq!(now["size"], 9);

    // Refused: a support with no type, a household in a unit outside hers.
    let support = json!({"client_id": "22222222-aaaa-4bbb-8ccc-000000000003", "kind": "supports",
                         "row": {"household_code": code, "date": "2026-03-05", "unit_code": h["unit_code"], "quantity": "1"}});
    let (_, a) = send(&mut c, base, &csrf, &support);
    assert_eq!(a["outcome"], "refused", "{a}");
    assert_eq!(a["errors"][0]["label"], "Loại hỗ trợ");
    let outside = json!({"client_id": "22222222-aaaa-4bbb-8ccc-000000000004", "kind": "households",
                         "row": household("OFF-003", "20194", "Người ngoài")});
    let (_, a) = send(&mut c, base, &csrf, &outside);
    assert_eq!(a["outcome"], "refused", "{a}");

    // A viewer sends nothing; an entry without a session is answered 401 (kept on the
    // phone until she signs in again).
    let (mut viewer, vcsrf) = {
        let mut v = Http::signed_in(base, "xem");
        let t = v.csrf(base);
        (v, t)
    };
    assert_eq!(send(&mut viewer, base, &vcsrf, &outside).0, 403);
    assert_eq!(send(&mut Http::default(), base, "", &outside).0, 401);
}

fn json_of(c: &mut Http, url: &str) -> Value {
    serde_json::from_str(&c.get(url).body).unwrap()
}
