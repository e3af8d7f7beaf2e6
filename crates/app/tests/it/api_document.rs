//! The API as a product (issue 22): its OpenAPI document is generated from the handlers'
//! types and the routes as registered, covers every `/api` route the router serves
//! (read from the router itself), gives every operation its responses' schemas, and
//! passes an OpenAPI validator; a query value that cannot be read is a 400 with its
//! reason, in the API's structured error.

use crate::web_support::*;

#[test]
fn the_api_document_covers_every_served_route_and_validates() {
    let (server, mut c) = demo_as("tinh");
    let base = &server.base;
    let r = c.get(&format!("{base}/api/openapi.json"));
    assert_eq!(r.status, 200);
    let doc: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let served: Vec<String> = served_paths(server.db_url())
        .into_iter()
        .filter(|p| p.starts_with("/api/"))
        .collect();
    assert!(served.len() >= 10, "{served:?}");
    for p in &served {
        assert!(
            paths.contains_key(p),
            "{p} is served but not in the document"
        );
    }
    // Every operation says what it answers: a 200 with a schema, and its errors.
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let ok = &op["responses"]["200"];
            assert!(
                ok["content"]["application/json"]["schema"].is_object()
                    || path == "/api/openapi.json",
                "{method} {path}: no schema for 200"
            );
            if path != "/api/openapi.json" {
                assert!(
                    op["responses"]["401"].is_object(),
                    "{method} {path}: no 401"
                );
            }
        }
    }
    // An OpenAPI validator reads it (openapi-spec-validator, from PyPI).
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, &r.body).unwrap();
    let checked = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .expect("python3");
    assert!(
        checked.status.success(),
        "the OpenAPI document does not validate (pip install openapi-spec-validator): {}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    eprintln!(
        "{} served /api paths, {operations} operations documented and validated",
        served.len()
    );
}

#[test]
fn query_values_that_cannot_be_read_are_a_400_with_the_reason() {
    let (server, mut c) = demo_as("tinh");
    let base = &server.base;
    for (address, words) in [
        ("/api/reports?unit=48&from=abc", "Từ ngày"),
        ("/api/reports?unit=48&to=2023-02-30", "Đến ngày"),
        ("/api/reports?unit=48&s=31/13/2025", "Cơ cấu"),
        ("/api/reports?unit=48&approved=yes", "approved"),
        ("/api/units?date=hôm-qua", "date"),
    ] {
        let r = c.get(&format!("{base}{}", address.replace("ô", "%C3%B4")));
        assert_eq!(r.status, 400, "{address}: {}", r.body);
        let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(e["code"], "bad_request", "{address}");
        assert_eq!(e["status"], 400);
        assert!(
            e["error"].as_str().unwrap().contains(words),
            "{address}: {}",
            e["error"]
        );
    }
    // A refused row: the reasons as structured JSON, never JSON inside a string.
    let csrf = c.csrf(base);
    let r = c.post_json(
        &format!("{base}/api/import/members"),
        r#"[{"household_code":"QN000001","member_no":"9","full_name":"Thử","gender":"X"}]"#,
        &csrf,
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(e["code"], "rows_invalid");
    assert_eq!(e["errors"][0]["row"], 1);
    assert_eq!(e["errors"][0]["column"], "gender");
    assert_eq!(e["errors"][0]["column_vi"], "Giới tính");
    assert!(!e["error"].as_str().unwrap().contains('{'));
}
