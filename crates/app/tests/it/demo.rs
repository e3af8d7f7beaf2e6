//! The demo reproduces Quảng Nam's published 2023 report (shared/spec/quang-nam-2023.md)
//! from raw records, for unit 49 and for unit 48 after the 2025 reform.

use crate::support::*;

fn report(t: &mut TestDb, unit: &str, structure: Option<&str>) -> reports::Report {
    let req = reports::Request {
        unit: unit.into(),
        from: date("2023-01-01"),
        to: date("2023-10-31"),
        structure_date: structure.map(date),
    };
    reports::run(&mut t.db, &req, false).expect("report")
}

/// Every value of the published table: exact, or "over X" = [X, 1.05·X).
fn assert_published(r: &reports::Report) {
    let exact = [
        ("hh_escaped", 571),
        ("livelihood_recipients", 1200),
        ("vocational_classes", 70),
        ("vocational_trainees", 3523),
        ("jobs_placed", 1418),
        ("labor_export_counselled", 33),
        ("vbsp_clients", 58124),
        ("vbsp_outstanding_vnd", 2_851_000_000_000),
        ("credit_communication_classes", 549),
        ("startup_ideas_supported", 226),
        ("startup_training_classes", 40),
        ("startup_communication_sessions", 175),
        ("startup_clubs_active", 9),
        ("coops_new", 18),
        ("coops_active", 101),
        ("coops_female_members", 302),
        ("coops_female_workers", 608),
        ("women_entrepreneurs_trained", 312),
        ("houses_built", 80),
        ("houses_repaired", 66),
        ("sanitation_works", 109),
        ("clean_water_works", 415),
        ("insurance_cards", 1716),
        ("savings_books", 84),
        ("microinsurance_contracts", 7225),
        ("microinsurance_premium_vnd", 621_000_000),
        ("microinsurance_claims", 15),
    ];
    for (code, v) in exact {
        assert_eq!(r.int(code), v, "{code} of {}", r.unit.code);
    }
    let over = [
        ("livelihood_value_vnd", 4_500_000_000i64),
        ("startup_participants", 15_000),
        ("charity_value_vnd", 20_000_000_000),
        ("microinsurance_claims_vnd", 60_000_000),
    ];
    for (code, x) in over {
        let v = r.int(code);
        assert!(
            v >= x && (v as f64) < 1.05 * x as f64,
            "{code} = {v}, published: over {x}"
        );
    }
    let gifts = r.int("gifts");
    assert!((54_000..=54_999).contains(&gifts), "gifts = {gifts}");
    let share = r
        .value("vbsp_share_pct")
        .and_then(serde_json::Value::as_f64)
        .expect("share");
    assert!((share - 41.0).abs() <= 0.5, "vbsp_share_pct = {share}");
    let esc = r.get("hh_escaped").unwrap();
    assert_eq!((esc.target, esc.achievement_pct), (Some(482), Some(118.5)));
    let trained = r.get("women_entrepreneurs_trained").unwrap();
    assert_eq!(
        (trained.target, trained.achievement_pct),
        (Some(300), Some(104.0))
    );
}

#[test]
fn the_demo_reproduces_the_published_report_before_and_after_the_reform() {
    let mut t = demo_db();
    let before = report(&mut t, "49", None);
    assert_eq!(before.unit.name, "Quảng Nam");
    assert_published(&before);
    let after = report(&mut t, "48", Some("2025-07-01"));
    assert_eq!(after.unit.name, "Đà Nẵng");
    assert_published(&after);
    // Every figure, not only the published ones, is the same.
    let values = |r: &reports::Report| {
        r.indicators
            .iter()
            .map(|i| (i.code, i.value.clone(), i.target))
            .collect::<Vec<_>>()
    };
    assert_eq!(values(&before), values(&after));

    // The whole report as JSON, CSV and narrative, kept as snapshots (the same files
    // on both backends: they must agree to the last figure). A deliberate change is
    // reviewed with `cargo insta review` and committed with the code.
    let by_districts = reports::run(
        &mut t.db,
        &request("49", "2023-01-01", "2023-10-31", None),
        true,
    )
    .unwrap();
    insta::assert_snapshot!(
        "quang_nam_2023_json",
        serde_json::to_string_pretty(&by_districts).unwrap()
    );
    insta::assert_snapshot!("quang_nam_2023_csv", reports::render::csv(&by_districts));
    insta::assert_snapshot!(
        "quang_nam_2023_narrative",
        reports::render::narrative(&before)
    );

    // The narrative reads the figures as the union writes them.
    let text = reports::render::narrative(&before);
    for phrase in [
        "đã giúp 571 hộ có phụ nữ thoát nghèo, cận nghèo (đạt 118,5% kế hoạch 482 hộ)",
        "cho 1.200 hội viên phụ nữ nghèo với tổng trị giá trên 4,6 tỷ đồng",
        "70 lớp đào tạo nghề cho 3.523 lao động nữ",
        "dư nợ 2.851 tỷ đồng (chiếm 41% dư nợ ủy thác)",
        "312/300 phụ nữ",
        "7.225 hợp đồng/621 triệu đồng",
    ] {
        assert!(text.contains(phrase), "{phrase}\n{text}");
    }

    // By children: the 18 districts, and their figures add up to the province's.
    let req = request("49", "2023-01-01", "2023-10-31", None);
    let by = reports::run(&mut t.db, &req, true).unwrap();
    let children = by.children.as_ref().unwrap();
    assert_eq!(children.iter().filter(|c| !c.own).count(), 18);
    for code in [
        "hh_escaped",
        "gifts",
        "vbsp_outstanding_vnd",
        "coops_active",
    ] {
        let sum: i64 = children
            .iter()
            .map(|c| {
                c.indicators
                    .iter()
                    .find(|i| i.code == code)
                    .unwrap()
                    .value
                    .as_i64()
                    .unwrap()
            })
            .sum();
        assert_eq!(sum, by.int(code), "{code}");
    }
    // A chapter's target is 2 households.
    let commune = reports::run(
        &mut t.db,
        &reports::Request {
            unit: children[0].unit.code.clone(),
            ..req.clone()
        },
        true,
    )
    .unwrap();
    let first = &commune.children.as_ref().unwrap()[0];
    assert_eq!(
        first
            .indicators
            .iter()
            .find(|i| i.code == "hh_escaped")
            .unwrap()
            .target,
        Some(2)
    );

    // Drill-down: the 571 households behind the figure.
    let c = reports::compute(&mut t.db, &req, Some("hh_escaped")).unwrap();
    assert_eq!(c.evidence().len(), 571);

    // The project and its composition check.
    let p = reports::projects::check(&mut t.db, synth::quang_nam::PROJECT_CODE)
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.enrolled, p.communes.len(), p.budget_vnd),
        (40, 4, Some(1_000_000_000))
    );
    assert!(
        p.disadvantaged * 100 >= 70 * p.enrolled && p.composition_ok == Some(true),
        "{p:?}"
    );

    xlsx_holds_the_same_figures(&t, &by);

    // Running the demo again changes nothing.
    let before_dump = t.dump();
    donghanh()
        .args(["--db", t.url(), "demo", "--no-serve"])
        .succeeds();
    assert_eq!(t.dump(), before_dump);
}

/// The XLSX a province officer hands in, converted to CSV by headless LibreOffice, holds
/// the figures of the JSON report: every indicator, target and percentage, for every
/// district row and the total.
fn xlsx_holds_the_same_figures(t: &TestDb, json: &reports::Report) {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("bao-cao.xlsx");
    donghanh()
        .args([
            "--db",
            t.url(),
            "report",
            "--unit",
            "49",
            "--from",
            "2023-01-01",
            "--to",
            "2023-10-31",
            "--by-children",
            "--format",
            "xlsx",
            "--out",
        ])
        .arg(&xlsx)
        .succeeds();
    let csv = libreoffice_convert(
        &xlsx,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false",
        "csv",
    );
    let text = std::fs::read_to_string(csv).unwrap();
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let header = rows
        .iter()
        .position(|r| r[0] == "Mã đơn vị")
        .expect("header row");
    let col = |name: &str| {
        rows[header]
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let num = |s: &str| -> Option<f64> {
        (!s.is_empty()).then(|| s.parse().unwrap_or_else(|_| panic!("not a number: {s}")))
    };
    let mut compared = 0;
    let mut lines: Vec<(&str, &Vec<reports::IndicatorValue>)> = json
        .children
        .as_ref()
        .unwrap()
        .iter()
        .filter(|c| !c.own)
        .map(|c| (c.unit.code.as_str(), &c.indicators))
        .collect();
    lines.push(("49", &json.indicators));
    for (code, inds) in lines {
        let row = rows[header + 1..]
            .iter()
            .rev()
            .find(|r| r[0] == code)
            .unwrap_or_else(|| panic!("no row for {code}"));
        for i in inds {
            assert_eq!(
                num(&row[col(i.label)]),
                i.value.as_f64(),
                "{code} {}",
                i.code
            );
            if i.target.is_some() {
                assert_eq!(
                    num(&row[col(&format!("{} — kế hoạch", i.label))]),
                    i.target.map(|t| t as f64),
                    "{code} {} target",
                    i.code
                );
                assert_eq!(
                    num(&row[col(&format!("{} — % đạt", i.label))]),
                    i.achievement_pct,
                    "{code} {} %",
                    i.code
                );
            }
            compared += 1;
        }
    }
    assert_eq!(compared, 42 * 19);
}
