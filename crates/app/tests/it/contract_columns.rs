//! The data contract v1.2's two new columns (issue 22), through every surface: a
//! member's `ethnicity` and a support's `item` are imported from a file, entered on the
//! forms (online and offline), written and read through the API, shown on the household
//! page, corrected on the record form and downloaded.

use crate::support::*;
use crate::web_support::*;

#[test]
fn ethnicity_and_item_go_through_every_surface() {
    let (server, mut c, csrf) = demo_with_csrf("xa");
    let base = &server.base;
    let me: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/me")).body).unwrap();
    let unit = me["unit_code"].as_str().unwrap();
    // A household through the API, its members and a support from files.
    let r = c.post_json(
        &format!("{base}/api/households"),
        &format!(
            r#"{{"household_code":"DT-1","unit_code":"{unit}","registered_on":"2026-02-01","head_name":"Y Blí Ê Ban","head_gender":"F","area":"rural","ethnic_minority":"1","size":"3"}}"#
        ),
        &csrf,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let files = Files::new();
    files.write(
        "members.csv",
        "household_code,member_no,full_name,gender,birth_year,ethnicity\n\
         DT-1,1,Y Blí Ê Ban,F,1985,Ê-đê\n\
         DT-1,2,H'Nga Ê Ban,F,2004,12\n",
    );
    std::fs::write(
        files.path("supports.csv"),
        format!(
            "record_id,date,unit_code,support_type,household_code,quantity,value_vnd,item\n\
             DT-S1,2026-03-02,{unit},livelihood,DT-1,1,12000000,Bò giống sinh sản\n"
        ),
    )
    .unwrap();
    donghanh()
        .args(["--db", server.db_url(), "import"])
        .arg(files.root())
        .succeeds();
    // A name the statistics office does not list is refused with the column's name.
    let bad = c.post_json(
        &format!("{base}/api/import/members"),
        r#"[{"household_code":"DT-1","member_no":"4","full_name":"Thử","gender":"F","ethnicity":"Kinh Bắc"}]"#,
        &csrf,
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
    let refused: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
    assert_eq!(refused["errors"][0]["column"], "ethnicity");
    assert_eq!(refused["errors"][0]["column_vi"], "Dân tộc");
    // The member form (derived from the contract) offers the 54 groups; a third member
    // saved through it.
    let form = c.get(&format!("{base}/households/DT-1/members")).body;
    assert!(
        form.contains("name=\"ethnicity\""),
        "the member form has no ethnicity"
    );
    assert!(
        form.contains(">Rơ-măm</option>"),
        "the 54th group is offered"
    );
    let saved = c.post_form(
        &format!("{base}/households/DT-1/members"),
        &[
            ("_csrf", &csrf),
            ("household_code", "DT-1"),
            ("member_no", "3"),
            ("full_name", "Ơ Đu Thị Mai"),
            ("gender", "F"),
            ("ethnicity", "53"),
        ],
    );
    assert!(
        saved.status == 303 || saved.status == 200,
        "{}",
        saved.status
    );
    // The support form and the offline page carry the new columns.
    assert!(c
        .get(&format!("{base}/households/DT-1/supports"))
        .body
        .contains("name=\"item\""));
    let offline = c.get(&format!("{base}/offline")).body;
    assert!(offline.contains("name=\"ethnicity\"") && offline.contains("name=\"item\""));
    // The API reads them.
    let h: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/households/DT-1")).body).unwrap();
    let groups: Vec<&str> = h["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["ethnicity"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["12", "12", "53"]);
    // The household page and the record lists name them; the downloads hold them.
    says_all(
        &c.get(&format!("{base}/households/DT-1")).body,
        &["Ê-đê", "Ơ Đu", "Bò giống sinh sản"],
        "household page",
    );
    let supports = c.get(&format!(
        "{base}/records/supports?from=2026-01-01&to=2026-12-31&format=xlsx"
    ));
    assert!(xlsx_text(&supports.bytes).contains("Bò giống sinh sản"));
    let members = c.get(&format!("{base}/records/members?format=xlsx&masked=1"));
    let text = xlsx_text(&members.bytes);
    assert!(text.contains("Dân tộc") && text.contains("Ê-đê") && text.contains("Ơ Đu"));
    // The correction form shows the stored group chosen, and a correction changes it.
    let k = enc(r#"["DT-1",2]"#);
    let edit = c.get(&format!("{base}/records/members/edit?k={k}")).body;
    assert!(
        edit.contains("<option value=\"12\" selected>Ê-đê</option>"),
        "the correction form does not show the stored group"
    );
    let version = between(&edit, "name=\"_version\" value=\"", "\"");
    let corrected = c.post_form(
        &format!("{base}/records/members/edit?k={k}"),
        &[
            ("_csrf", &csrf),
            ("_version", &version),
            ("full_name", "H'Nga Ê Ban"),
            ("gender", "F"),
            ("birth_year", "2004"),
            ("ethnicity", "01"),
            ("reason", "Ghi nhầm dân tộc"),
        ],
    );
    assert_eq!(corrected.status, 303, "{}", corrected.body);
    let h: serde_json::Value =
        serde_json::from_str(&c.get(&format!("{base}/api/households/DT-1")).body).unwrap();
    assert_eq!(h["members"][1]["ethnicity"], "01");
}

/// Consent (issue 23, item 1): a kind of its own, checked, listed, and its withdrawal
/// stops new sharing: the API and downloads leave her identifiers out, the household page
/// (which shares nothing) still shows them to who keeps her records; a member with a
/// recorded consent is not deleted.
#[test]
fn a_withdrawn_consent_stops_sharing_her_identifiers() {
    let (server, mut c, csrf) = demo_with_csrf("tinh");
    let base = &server.base;
    let mut db = store::open(server.db_url()).unwrap();
    let member = db
        .query_one(
            "SELECT household_code, member_no, citizen_id FROM members m \
             WHERE citizen_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM supports s \
             WHERE s.household_code = m.household_code AND s.member_no = m.member_no) \
             ORDER BY household_code, member_no LIMIT 1",
            &[],
        )
        .unwrap();
    let (hh, no, id): (String, i64, String) = (
        member.get("household_code").unwrap(),
        member.get("member_no").unwrap(),
        member.get("citizen_id").unwrap(),
    );
    let consent = |extra: &str| {
        format!(
            r#"[{{"household_code":"{hh}","member_no":"{no}","given_on":"2026-01-05","record_keeping":"1","sharing":"1","collected_by":"Chi hội trưởng","form_ref":"PDY-001"{extra}}}]"#
        )
    };
    let api = format!("{base}/api/import/consents");
    // Checked: a withdrawal before the consent, a member that does not exist.
    let r = c.post_json(&api, &consent(r#","withdrawn_on":"2025-12-01""#), &csrf);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("withdrawn_on") && r.body.contains("ngày rút lại đồng ý trước"));
    let nobody = consent("").replace(&format!("\"member_no\":\"{no}\""), "\"member_no\":\"99\"");
    let r = c.post_json(&api, &nobody, &csrf);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("không có thành viên số 99"));
    // Given: her identifiers are shared with who may write her household.
    assert_eq!(c.post_json(&api, &consent(""), &csrf).status, 200);
    let shown = |c: &mut Http| -> serde_json::Value {
        serde_json::from_str(&c.get(&format!("{base}/api/households/{hh}")).body).unwrap()
    };
    let of_her = |h: &serde_json::Value| {
        h["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["member_no"] == no)
            .unwrap()["citizen_id"]
            .clone()
    };
    assert_eq!(of_her(&shown(&mut c)), id.as_str());
    let download = |c: &mut Http| {
        let r = c.get(&format!(
            "{base}/records/members?format=xlsx&reason={}",
            enc("Đối chiếu")
        ));
        assert!(r.bytes.starts_with(b"PK"));
        xlsx_text(&r.bytes)
    };
    assert!(download(&mut c).contains(&id));
    // Withdrawn: the API and the download leave them out; the page still shows them.
    let r = c.post_json(&api, &consent(r#","withdrawn_on":"2026-02-01""#), &csrf);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        of_her(&shown(&mut c)).is_null(),
        "the API shares a withdrawn member's ID"
    );
    assert!(
        !download(&mut c).contains(&id),
        "a download shares a withdrawn member's ID"
    );
    let page = c.get(&format!("{base}/households/{hh}")).body;
    assert!(page.contains(&id) && page.contains("Đã rút lại 01/02/2026"));
    // On record: listed with its Vietnamese names, audited, and the member kept.
    let list = c
        .get(&format!(
            "{base}/records/consents?from=2026-01-01&to=2026-12-31"
        ))
        .body;
    says_all(
        &list,
        &["Ngày rút lại đồng ý", "01/02/2026", "PDY-001"],
        "consents list",
    );
    let audit = c.get(&format!("{base}/audit?entity=consents")).body;
    assert!(
        audit.contains("Ngày rút lại đồng ý:  → 01/02/2026"),
        "the withdrawal is not audited"
    );
    // Her request about her data: everything held about her, who changed it and who was
    // shown her identifiers; prepared only by who keeps her records.
    let data = c.get(&format!("{base}/households/{hh}/members/{no}/data"));
    assert_eq!(data.status, 200);
    let held: serde_json::Value = serde_json::from_str(&data.body).unwrap();
    assert_eq!(held["member"]["citizen_id"], id.as_str());
    assert_eq!(held["consent"]["withdrawn_on"], "2026-02-01");
    assert!(held["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["record"] == "consents" && c["new"]["withdrawn_on"] == "2026-02-01"));
    assert!(held["identifier_views"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["key"]["surface"] == "Trang hộ"));
    let mut viewer = Http::signed_in(base, "xem");
    assert_eq!(
        viewer
            .get(&format!("{base}/households/{hh}/members/{no}/data"))
            .status,
        403
    );
    let r = c.post_json(
        &format!("{base}/api/import/members"),
        &format!(r#"[{{"household_code":"{hh}","member_no":"{no}","delete":"1","reason":"thử"}}]"#),
        &csrf,
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("phiếu đồng ý"));
}
