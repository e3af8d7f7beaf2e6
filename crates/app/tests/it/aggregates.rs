//! The monthly aggregates agree with the records: a report read from them equals the same
//! report computed from the records, and what every write kept up to date equals a
//! rebuild from scratch, through corrections, moves and a rejected import.

use crate::support::*;
use store::Db;

/// Reports that the aggregates answer, over units of every level, before and after the
/// reform, a year, a quarter, a month.
fn requests(t: &mut TestDb) -> Vec<reports::Request> {
    let province = request("49", "2023-01-01", "2023-10-31", None);
    let by = reports::run(&mut t.db, &province, true).unwrap();
    let district = by.children.unwrap()[0].unit.code.clone();
    let d = reports::run(
        &mut t.db,
        &request(&district, "2023-01-01", "2023-12-31", None),
        true,
    )
    .unwrap();
    let commune = d.children.unwrap()[0].unit.code.clone();
    vec![
        province,
        request("48", "2023-01-01", "2023-10-31", Some("2025-07-01")),
        request("48", "2025-01-01", "2025-12-31", None),
        request("VN", "2024-01-01", "2024-12-31", None),
        // After the reform the tree stands still: the nation is read by province.
        request("VN", "2025-01-01", "2025-12-31", None),
        request("VN", "2025-07-01", "2025-09-30", Some("2026-01-01")),
        request("49", "2022-04-01", "2022-06-30", None),
        request("49", "2024-01-01", "2024-12-31", Some("2024-12-31")),
        request(&district, "2023-03-01", "2023-03-31", None),
        request(&commune, "2024-01-01", "2024-12-31", None),
        // On a structure date before the reform, the 2025 records land nowhere: listed.
        request("49", "2025-01-01", "2025-12-31", Some("2025-06-30")),
        // Periods that stop within a month whose later days hold records: the month's
        // aggregates less what those records change.
        request("49", "2023-01-01", "2023-10-15", None),
        request("49", "2023-01-01", "2023-12-20", None),
        request("VN", "2023-07-01", "2023-11-09", None),
        request(&district, "2023-01-01", "2023-06-17", None),
        request("49", "2025-01-01", "2025-08-12", Some("2025-06-30")),
    ]
}

fn assert_reports_agree(t: &mut TestDb, reqs: &[reports::Request], step: &str) {
    for req in reqs {
        let fast = reports::compute(&mut t.db, req, None).unwrap().report(true);
        let slow = reports::compute_from_records(&mut t.db, req)
            .unwrap()
            .report(true);
        if fast != slow {
            for (a, b) in fast.indicators.iter().zip(&slow.indicators) {
                if a != b {
                    eprintln!("{}: aggregates {:?} records {:?}", a.code, a.value, b.value);
                }
            }
            eprintln!(
                "unmapped: aggregates {:?}\nrecords {:?}",
                fast.unmapped, slow.unmapped
            );
            panic!("{step}: {req:?} differs");
        }
    }
}

/// The aggregates' rows, zero rows left out (a write may leave a cell at zero).
fn aggregate_rows(db: &mut Db) -> (Vec<String>, Vec<String>) {
    let mut cells: Vec<String> = Vec::new();
    // The cells added up by province are kept in step with the cells.
    for table in ["report_cells", "report_rollups"] {
        cells.extend(
            db.query(&format!("SELECT * FROM {table}"), &[])
                .unwrap()
                .into_iter()
                .filter(|r| r.values[5..].iter().any(|v| v.as_int() != Some(0)))
                .map(|r| format!("{table} {:?}", r.values))
                .collect::<std::collections::BTreeSet<_>>(),
        );
    }
    let mut shared: Vec<String> = db
        .query("SELECT * FROM report_shared", &[])
        .unwrap()
        .into_iter()
        .map(|r| format!("{:?}", r.values))
        .collect();
    // The rows kept for the follow-up of escapes belong with them.
    shared.extend(
        db.query("SELECT * FROM household_lasting", &[])
            .unwrap()
            .into_iter()
            .map(|r| format!("lasting {:?}", r.values)),
    );
    shared.sort();
    (cells, shared)
}

fn assert_kept_equals_rebuilt(t: &mut TestDb, step: &str) {
    let kept = aggregate_rows(&mut t.db);
    assert!(!kept.0.is_empty());
    // The follow-up's rows equal the records read afresh.
    let codes: Vec<String> = t.lines("SELECT household_code FROM households");
    let stale = store::aggregates::lasting::stale(&mut t.db, &codes).unwrap();
    assert!(stale.is_empty(), "{step}: stale follow-up rows {stale:?}");
    let mut rebuilt = None;
    let _ = t.db.transaction(|tx| -> Result<(), store::StoreError> {
        store::aggregates::rebuild(tx).unwrap();
        rebuilt = Some(aggregate_rows(tx));
        Err(store::StoreError::Unsupported("roll back".into()))
    });
    let rebuilt = rebuilt.unwrap();
    assert_eq!(kept.0.len(), rebuilt.0.len(), "{step}: cells");
    assert_eq!(kept, rebuilt, "{step}");
}

#[test]
fn aggregates_agree_with_the_records_through_every_kind_of_change() {
    let mut t = demo_db();
    let reqs = requests(&mut t);
    // The report reads the aggregates: without them it finds nothing to count.
    let _ = t.db.transaction(|tx| -> Result<(), store::StoreError> {
        tx.batch(
            "DELETE FROM report_cells; DELETE FROM report_rollups; DELETE FROM report_shared;",
        )?;
        let r = reports::run(tx, &reqs[0], false).unwrap();
        assert_eq!((r.int("hh_escaped"), r.int("gifts")), (0, 0));
        assert_eq!(
            r.int("coops_active"),
            101,
            "stocks are read from the records"
        );
        Err(store::StoreError::Unsupported("roll back".into()))
    });
    assert_reports_agree(&mut t, &reqs, "demo");
    assert_kept_equals_rebuilt(&mut t, "demo");
    let f = Files::new();

    // A household that escaped in 2023 on a provisional assessment is found poor at the
    // official review in December: reports ending before it still count the escape.
    let c = reports::compute(&mut t.db, &reqs[0], Some("hh_escaped")).unwrap();
    let escaped = c.evidence()[0].record.clone();
    let before = reports::run(
        &mut t.db,
        &request("49", "2023-01-01", "2023-12-31", None),
        false,
    )
    .unwrap();
    f.write(
        "assessments.csv",
        &format!("household_code,year,kind,assessed_on,income_per_capita_vnd,deprivations,status\n{escaped},2023,official,2023-12-10,500000,,poor\n"),
    );
    t.import(&[f.path("assessments.csv")]).unwrap();
    let after = reports::run(
        &mut t.db,
        &request("49", "2023-01-01", "2023-12-31", None),
        false,
    )
    .unwrap();
    let oct = reports::run(&mut t.db, &reqs[0], false).unwrap();
    assert_eq!(
        oct.int("hh_escaped"),
        571,
        "the escape stands for a report ending in October"
    );
    assert!(after.int("hh_escaped") < before.int("hh_escaped"));
    assert_reports_agree(&mut t, &reqs, "official review");
    assert_kept_equals_rebuilt(&mut t, "official review");

    // A household moves to another commune; a support changes its value and loses its
    // household; an activity is corrected.
    let h = t
        .db
        .query_one(
            "SELECT household_code, unit_code, registered_on, head_name, head_gender, area, ethnic_minority, size FROM households \
             WHERE household_code IN (SELECT household_code FROM supports WHERE support_type = 'livelihood') \
             ORDER BY household_code LIMIT 1",
            &[],
        )
        .unwrap();
    let other = t
        .db
        .query_one(
            "SELECT unit_code FROM households WHERE unit_code <> ? AND registered_on = ? ORDER BY unit_code LIMIT 1",
            &[cell(&h, "unit_code").into(), cell(&h, "registered_on").into()],
        )
        .unwrap();
    f.write(
        "households.csv",
        &format!(
            "household_code,unit_code,registered_on,head_name,head_gender,area,ethnic_minority,size\n{},{},{},{},{},{},{},{}\n",
            cell(&h, "household_code"), cell(&other, "unit_code"), cell(&h, "registered_on"), cell(&h, "head_name"), cell(&h, "head_gender"), cell(&h, "area"), num(&h, "ethnic_minority"), num(&h, "size")
        ),
    );
    let s = t
        .db
        .query_one(
            "SELECT record_id, date, unit_code, support_type, quantity, value_vnd, member_no FROM supports \
             WHERE household_code = ? ORDER BY record_id LIMIT 1",
            &[cell(&h, "household_code").into()],
        )
        .unwrap();
    f.write(
        "supports.csv",
        &format!(
            "record_id,date,unit_code,support_type,household_code,member_no,quantity,value_vnd,programme,funding\n\
             {},{},{},{},{},,{},{},,\n\
             G1,{},{},gift,{},,1,500000,,\n\
             G2,{},{},gift,,,3,900000,,\n",
            cell(&s, "record_id"), cell(&s, "date"), cell(&s, "unit_code"), cell(&s, "support_type"), cell(&h, "household_code"), num(&s, "quantity") + 1, num(&s, "value_vnd") * 2,
            cell(&s, "date"), cell(&s, "unit_code"), cell(&h, "household_code"),
            cell(&s, "date"), cell(&s, "unit_code"),
        ),
    );
    let a = t
        .db
        .query_one(
            "SELECT record_id, date, unit_code, activity_type, sessions, participants FROM activities ORDER BY record_id LIMIT 1",
            &[],
        )
        .unwrap();
    f.write(
        "activities.csv",
        &format!(
            "record_id,date,unit_code,activity_type,sessions,participants\n{},{},{},{},{},{}\n",
            cell(&a, "record_id"),
            cell(&a, "date"),
            cell(&a, "unit_code"),
            cell(&a, "activity_type"),
            num(&a, "sessions") + 2,
            num(&a, "participants") + 30
        ),
    );
    let summary = t.import(&[f.root().to_path_buf()]).unwrap();
    assert!(summary.total().updated >= 3, "{summary:?}");
    assert_reports_agree(&mut t, &reqs, "moves and corrections");
    assert_kept_equals_rebuilt(&mut t, "moves and corrections");

    // A rejected import changes neither the records nor the aggregates.
    let dump = t.dump();
    f.write(
        "activities.csv",
        &format!(
            "record_id,date,unit_code,activity_type,sessions,participants\n{},{},{},{},{},{}\nX1,2023-13-01,{},vocational_class,1,1\n",
            cell(&a, "record_id"), cell(&a, "date"), cell(&a, "unit_code"), cell(&a, "activity_type"), num(&a, "sessions") + 9, num(&a, "participants"), cell(&a, "unit_code")
        ),
    );
    assert!(t.import(&[f.path("activities.csv")]).is_err());
    assert_eq!(t.dump(), dump);
}

/// A bulk write leaves the planner statistics that count its own rows (PostgreSQL runs
/// ANALYZE inside the transaction as a table grows), so that the lookups of a large
/// import are not planned against a table believed empty.
/// The national report of the year so far up to `to`, and whether it was read from the
/// aggregates: with them taken away (in a transaction rolled back) it is another.
fn year_so_far(t: &mut TestDb, to: domain::Date) -> (reports::Report, bool) {
    let req = request("VN", &format!("{}-01-01", to.year()), &to.to_string(), None);
    let report = reports::run(&mut t.db, &req, false).unwrap();
    let mut aggregated = None;
    let _ = t.db.transaction(|tx| -> Result<(), store::StoreError> {
        tx.batch(
            "DELETE FROM report_cells; DELETE FROM report_rollups; DELETE FROM report_shared;",
        )?;
        aggregated = Some(reports::run(tx, &req, false).unwrap() != report);
        Err(store::StoreError::Unsupported("roll back".into()))
    });
    assert_reports_agree_on(t, &req);
    (report, aggregated.unwrap())
}

fn assert_reports_agree_on(t: &mut TestDb, req: &reports::Request) {
    let fast = reports::run(&mut t.db, req, true).unwrap();
    let slow = reports::compute_from_records(&mut t.db, req)
        .unwrap()
        .report(true);
    assert_eq!(fast, slow, "{req:?}: aggregates and records differ");
}

/// The first day of the month after the one of the latest dated record.
fn month_after_the_records(t: &mut TestDb) -> domain::Date {
    let latest = date(&t.lines(
        "SELECT MAX(d) FROM (SELECT MAX(date) AS d FROM supports UNION ALL SELECT MAX(date) FROM activities \
         UNION ALL SELECT MAX(assessed_on) FROM assessments UNION ALL SELECT MAX(assigned_on) FROM assignments) x",
    )[0]);
    domain::Date::from_ymd(latest.year(), latest.ymd().1, 1)
        .unwrap()
        .add_months(1)
}

/// The year so far (a period ending within its month) is read from the aggregates of
/// its whole months, less what the records dated after its end in that month change: a
/// record of each dated kind, alone, written after the period's end changes nothing in
/// it, and the report is still read from the aggregates.
#[test]
fn the_year_so_far_is_read_from_the_aggregates_less_what_follows_it() {
    let later = |household: &str,
                 unit: &str,
                 y: i32,
                 after: domain::Date|
     -> [(&'static str, String); 6] {
        [
            ("supports.csv", format!("record_id,date,unit_code,support_type,quantity\nLATER,{after},{unit},gift,5\n")),
            ("activities.csv", format!("record_id,date,unit_code,activity_type,sessions,participants\nLATER,{after},{unit},vocational_class,1,30\n")),
            ("microinsurance.csv", format!("record_id,date,unit_code,kind,count,amount_vnd\nLATER,{after},{unit},contract,4,400000\n")),
            ("assignments.csv", format!("household_code,unit_code,year,assigned_on\n{household},{unit},{y},{after}\n")),
            ("assessments.csv", format!(
                "household_code,year,kind,assessed_on,income_per_capita_vnd,deprivations,status\n{household},{y},official,{after},90000000,,not_poor\n"
            )),
            ("supports.csv", format!("record_id,date,unit_code,support_type,household_code,quantity,value_vnd\nLATER,{after},{unit},livelihood,{household},1,2000000\n")),
        ]
    };
    for kind in 0..6 {
        let mut t = demo_db();
        // A month after every record of the demo: its 10th is the period's end.
        let month = month_after_the_records(&mut t);
        let (to, after) = (month.add_days(9), month.add_days(19));
        // A poor household a chapter took on, and that chapter, for the new records.
        let h =
            t.db.query_one(
                "SELECT a.household_code, g.unit_code FROM assessments a \
                 JOIN assignments g ON g.household_code = a.household_code \
                 WHERE a.status = 'poor' ORDER BY a.assessed_on DESC, a.household_code LIMIT 1",
                &[],
            )
            .unwrap();
        let (household, unit) = (cell(&h, "household_code"), cell(&h, "unit_code"));
        t.import_texts(&[(
            "supports.csv",
            &format!("record_id,date,unit_code,support_type,quantity\nSO-FAR,{to},{unit},gift,2\n"),
        )])
        .unwrap();
        let (before, aggregated) = year_so_far(&mut t, to);
        assert!(
            aggregated,
            "nothing follows {to} in its month: the aggregates answer"
        );
        assert!(before.int("gifts") >= 2);

        let (file, text) = &later(&household, &unit, to.year(), after)[kind];
        let summary = t.import_texts(&[(file, text)]);
        assert!(summary.is_ok(), "{file}: {summary:?}");
        let (now, aggregated) = year_so_far(&mut t, to);
        assert!(
            aggregated,
            "{file} dated {after}: the aggregates still answer"
        );
        assert_eq!(
            now, before,
            "{file} dated after {to} counts in no report ending then"
        );
        // The month's end reads the aggregates, and they agree.
        let month_end = month.add_months(1).add_days(-1);
        assert_reports_agree_on(
            &mut t,
            &request(
                "VN",
                &format!("{}-01-01", to.year()),
                &month_end.to_string(),
                None,
            ),
        );
    }
}

/// A month of the yearly review entered ahead: more households assessed after the
/// period's end than are worth reading twice. The ledger's figures are still read from
/// the aggregates (less what follows, a livelihood support among it), the households'
/// from the records, and the report is the records' own.
#[test]
fn the_year_so_far_of_a_review_month_reads_the_ledger_from_the_aggregates() {
    let mut t = demo_db();
    let month = month_after_the_records(&mut t);
    let (to, after) = (month.add_days(9), month.add_days(19));
    let households = t.lines("SELECT household_code FROM households ORDER BY household_code");
    let many = 5_001;
    assert!(
        households.len() >= many,
        "the demo has {} households",
        households.len()
    );
    let unit = cell(
        &t.db
            .query_one(
                "SELECT unit_code FROM households WHERE household_code = ?",
                &[households[0].as_str().into()],
            )
            .unwrap(),
        "unit_code",
    );
    t.import_texts(&[(
        "supports.csv",
        &format!(
            "record_id,date,unit_code,support_type,household_code,quantity,value_vnd\n\
             SO-FAR,{to},{unit},gift,,2,\nSO-FAR-L,{to},{unit},livelihood,{h},1,1000000\n",
            h = households[0]
        ),
    )])
    .unwrap();
    let (before, aggregated) = year_so_far(&mut t, to);
    assert!(aggregated);
    let mut review =
        "household_code,year,kind,assessed_on,income_per_capita_vnd,deprivations,status\n"
            .to_owned();
    for h in &households[..many] {
        review += &format!("{h},{},official,{after},90000000,,not_poor\n", to.year());
    }
    let later_support = format!(
        "record_id,date,unit_code,support_type,household_code,quantity,value_vnd\n\
         LATER-L,{after},{unit},livelihood,{h},1,3000000\nLATER-G,{after},{unit},gift,,7,\n",
        h = households[0]
    );
    let summary = t.import_texts(&[
        ("assessments.csv", &review),
        ("supports.csv", &later_support),
    ]);
    assert!(summary.is_ok(), "{summary:?}");
    let (now, aggregated) = year_so_far(&mut t, to);
    assert!(
        aggregated,
        "the ledger's figures still come from the aggregates"
    );
    assert_eq!(
        now, before,
        "nothing dated after {to} counts in a report ending then"
    );
    let month_end = month.add_months(1).add_days(-1);
    let whole_month = request(
        "VN",
        &format!("{}-01-01", to.year()),
        &month_end.to_string(),
        None,
    );
    assert_reports_agree_on(&mut t, &whole_month);
    assert_ne!(
        reports::run(&mut t.db, &whole_month, false)
            .unwrap()
            .indicators,
        now.indicators,
        "the month's end counts what follows {to}"
    );
}

#[test]
fn a_bulk_write_leaves_statistics_that_count_its_rows() {
    let mut t = TestDb::new();
    let rows: Vec<Vec<store::Value>> = (0..25_000)
        .map(|i| {
            vec![
                store::Value::from(format!("HH{i:06}")),
                store::Value::from("hh_assisted"),
                store::Value::from(format!("HH{i:06}")),
                store::Value::from(202799),
                store::Value::from(1),
                store::Value::from(0),
                store::Value::from(0),
                store::Value::from(999999),
                store::Value::from(0),
            ]
        })
        .collect();
    t.db.transaction(|tx| {
        tx.insert_rows("report_shared", store::aggregates::SHARED_COLUMNS, &rows)
    })
    .unwrap();
    let stored = num(
        &t.db
            .query_one("SELECT count(*) AS n FROM report_shared", &[])
            .unwrap(),
        "n",
    );
    assert_eq!(stored, 25_000);
    if backend() == store::Backend::Postgres {
        let estimated =
            t.db.query_one(
                "SELECT CAST(reltuples AS BIGINT) AS n FROM pg_class WHERE relname = 'report_shared'",
                &[],
            )
            .unwrap()
            .get::<i64>("n")
            .unwrap();
        assert_eq!(estimated, 25_000, "statistics after the bulk write");
        // A range of days is judged on a histogram of a thousand buckets (migration 23).
        for (table, column) in [
            ("supports", "date"),
            ("activities", "date"),
            ("microinsurance", "date"),
            ("assessments", "assessed_on"),
            ("assignments", "assigned_on"),
        ] {
            let target =
                t.db.query_one(
                    "SELECT CAST(attstattarget AS BIGINT) AS n FROM pg_attribute \
                     WHERE attrelid = (SELECT oid FROM pg_class WHERE relname = ?) AND attname = ?",
                    &[table.into(), column.into()],
                )
                .unwrap()
                .get::<i64>("n")
                .unwrap();
            assert_eq!(target, 1000, "{table}.{column}");
        }
    }
}

/// A large import refreshes the statistics of the aggregates it wrote, so the first
/// reports after it are planned on their real size (PostgreSQL; autovacuum may be off,
/// as it is on this machine). SQLite is left to its defaults: no statistics are made.
#[test]
fn a_large_import_leaves_the_aggregates_statistics_true() {
    let mut t = demo_db();
    let cells = num(
        &t.db
            .query_one("SELECT count(*) AS n FROM report_cells", &[])
            .unwrap(),
        "n",
    );
    assert!(cells > 1_000, "{cells} cells");
    if backend() == store::Backend::Postgres {
        let estimated =
            t.db.query_one(
                "SELECT CAST(reltuples AS BIGINT) AS n FROM pg_class WHERE relname = 'report_cells'",
                &[],
            )
            .unwrap()
            .get::<i64>("n")
            .unwrap();
        assert_eq!(
            estimated, cells,
            "statistics of report_cells after the import"
        );
    } else {
        let stat =
            t.db.query_opt(
                "SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'",
                &[],
            )
            .unwrap();
        assert!(stat.is_none(), "no statistics made on SQLite");
    }
}

/// Property: after any sequence of writes (new and corrected supports, activities,
/// insurance rows, assessments, assignments, households moving between communes across
/// the reform, deletions of supports, activities and assessments), the aggregates the writes kept equal a rebuild from the records, and the
/// reports they answer equal the reports from the records. Sequences are drawn from
/// seeded generators (three seeds, twelve rounds of up to four rows each).
#[test]
fn aggregates_equal_a_rebuild_after_random_writes() {
    let mut t = TestDb::new();
    t.import_texts(&[
        (
            "units.csv",
        "code,name,level,parent_code,valid_from,valid_to\n\
         P,Tỉnh Thử,province,,,\n\
         C1,Xã Một,commune,P,,2025-06-30\n\
         C2,Xã Hai,commune,P,,2025-06-30\n\
         C3,Xã Ba,commune,P,,2025-06-30\n\
         N1,Xã Mới Một,commune,P,2025-07-01,\n\
         N2,Xã Mới Hai,commune,P,2025-07-01,\n",
        ),
        (
            "unit_lineage.csv",
        "from_code,to_code,effective_date,share\nC1,N1,2025-07-01,\nC2,N1,2025-07-01,0.5\nC2,N2,2025-07-01,0.5\nC3,N2,2025-07-01,\n",
        ),
    ])
    .unwrap();
    let old = ["C1", "C2", "C3"];
    let new = ["N1", "N2"];
    let reqs = [
        request("P", "2024-01-01", "2024-12-31", Some("2024-12-31")),
        request("P", "2024-03-01", "2024-05-31", Some("2024-12-31")),
        request("P", "2025-01-01", "2025-12-31", None),
        request("N2", "2025-07-01", "2025-09-30", None),
        request("P", "2024-01-01", "2024-12-31", Some("2025-07-01")),
        request("P", "2025-01-01", "2025-09-14", None),
        request("P", "2024-01-01", "2024-06-10", Some("2024-12-31")),
        request("N2", "2025-07-01", "2025-08-20", None),
    ];
    for seed in [7, 2024, 31_10] {
        let mut rng = synth::Rng::new(seed);
        let pick =
            |rng: &mut synth::Rng, of: &[&'static str]| of[rng.below(of.len() as u64) as usize];
        for round in 0..12 {
            let mut households = String::from(
                "household_code,unit_code,registered_on,head_name,head_gender,area,ethnic_minority,size\n",
            );
            let mut members = String::from("household_code,member_no,full_name,gender\n");
            let mut assessments = String::from(
                "household_code,year,kind,assessed_on,income_per_capita_vnd,deprivations,status\n",
            );
            let mut assignments = String::from("household_code,unit_code,year,assigned_on\n");
            let mut supports = String::from(
                "record_id,date,unit_code,support_type,household_code,member_no,quantity,value_vnd,programme,funding\n",
            );
            let mut activities =
                String::from("record_id,date,unit_code,activity_type,sessions,participants\n");
            // Each key once per round (a key twice in one file is refused as a whole);
            // across rounds a key comes back with other content: a correction or a move.
            let mut seen = std::collections::HashSet::new();
            for _ in 0..rng.range(1, 4) {
                let h = format!("H{seed}-{}", rng.below(5));
                let (s_id, a_id) = (rng.below(6), rng.below(4));
                if !seen.insert(h.clone())
                    || !seen.insert(format!("S{s_id}"))
                    || !seen.insert(format!("A{a_id}"))
                {
                    continue;
                }
                let (unit, year) = if rng.chance(0.5) {
                    (pick(&mut rng, &old), 2024)
                } else {
                    (pick(&mut rng, &new), 2025)
                };
                let month = if year == 2024 {
                    rng.range(1, 12)
                } else {
                    rng.range(7, 12)
                };
                let day = format!("{year}-{month:02}-{:02}", rng.range(1, 28));
                // The household (re)registered: a second write of its code moves it.
                let registered = if year == 2024 {
                    "2024-01-02"
                } else {
                    "2025-07-07"
                };
                households.push_str(&format!("{h},{unit},{registered},Chị {h},F,rural,0,3\n"));
                members.push_str(&format!("{h},1,Chị {h},F\n"));
                let status = pick(&mut rng, &["poor", "near_poor", "average"]);
                let kind = pick(&mut rng, &["provisional", "official"]);
                assessments.push_str(&format!("{h},{year},{kind},{day},,,{status}\n"));
                if rng.chance(0.5) {
                    assignments.push_str(&format!("{h},{unit},{year},{day}\n"));
                }
                let kind = pick(
                    &mut rng,
                    &[
                        "gift",
                        "livelihood",
                        "job_placement",
                        "union_loan",
                        "house_built",
                    ],
                );
                let household = if kind == "livelihood" || rng.chance(0.5) {
                    h.clone()
                } else {
                    String::new()
                };
                supports.push_str(&format!(
                    "S{seed}-{s_id},{day},{unit},{kind},{household},,{},{},,\n",
                    rng.range(1, 5),
                    rng.range(0, 9) * 100_000
                ));
                activities.push_str(&format!(
                    "A{seed}-{a_id},{day},{unit},{},{},{}\n",
                    pick(&mut rng, &["vocational_class", "startup_training", "other"]),
                    rng.range(1, 3),
                    rng.range(5, 30)
                ));
            }
            let outcome = t.import_texts(&[
                ("households.csv", &households),
                ("members.csv", &members),
                ("assessments.csv", &assessments),
                ("assignments.csv", &assignments),
                ("supports.csv", &supports),
                ("activities.csv", &activities),
            ]);
            let step = format!("seed {seed}, round {round}");
            if std::env::var("DEBUG_RANDOM_WRITES").is_ok() {
                eprintln!("{step}: {outcome:?}");
            }
            assert_kept_equals_rebuilt(&mut t, &step);
            assert_reports_agree(&mut t, &reqs, &step);
            // Deletions: now and then a stored support, activity or assessment goes.
            if !delete_some(&mut t, &mut rng, seed) {
                continue;
            }
            let step = format!("{step}, after deletions");
            assert_kept_equals_rebuilt(&mut t, &step);
            assert_reports_agree(&mut t, &reqs, &step);
        }
    }
}

/// Deletes, each with a chance, one stored support, activity and assessment of this
/// seed's (by files with the `delete` column); whether any was deleted.
fn delete_some(t: &mut TestDb, rng: &mut synth::Rng, seed: u64) -> bool {
    let mut files = Vec::new();
    for (table, head, keys) in [
        ("supports", "record_id", "record_id"),
        ("activities", "record_id", "record_id"),
        (
            "assessments",
            "household_code,year,kind",
            "household_code, year, kind",
        ),
    ] {
        let first = head.split(',').next().unwrap();
        let stored = t.lines(&format!(
            "SELECT {keys} FROM {table} WHERE {first} LIKE '%{seed}-%' ORDER BY 1"
        ));
        if stored.is_empty() || !rng.chance(0.4) {
            continue;
        }
        let row = stored[rng.below(stored.len() as u64) as usize].replace(' ', ",");
        files.push((
            format!("{table}.csv"),
            format!("{head},delete,reason\n{row},1,nhập nhầm\n"),
        ));
    }
    if files.is_empty() {
        return false;
    }
    let named: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, x)| (n.as_str(), x.as_str()))
        .collect();
    let deleted = t.import_texts(&named).expect("deletions");
    assert!(deleted.total().deleted > 0);
    true
}

/// Bulk inserts (`COPY` on PostgreSQL, one prepared statement on SQLite) keep every value
/// as written: the characters `COPY`'s text format escapes, the text `\N` that it reads
/// as null unless escaped, empty text, nulls, large and negative numbers.
#[test]
fn bulk_inserts_keep_every_value_as_written() {
    let mut t = TestDb::new();
    let texts = [
        "tab\there",
        "line\nbreak",
        "carriage\rreturn",
        "back\\slash",
        "\\N",
        "",
        "Nguyễn Thị Hòa, ấp 3",
    ];
    // Enough rows for PostgreSQL's `COPY` (a few go as one `INSERT`), and a few alone.
    let many: Vec<Vec<store::Value>> = (0..70)
        .map(|i| (i, texts[i % texts.len()]))
        .map(|(i, s)| {
            vec![
                store::Value::from(format!("bulk-{i:03}")),
                store::Value::from(s),
                if i % 2 == 0 {
                    store::Value::Null
                } else {
                    store::Value::Int(-9_007_199_254_740_993 + i as i64)
                },
                store::Value::from(s),
                store::Value::from("2026-12-05T00:00:00Z"),
                store::Value::from("test"),
                store::Value::from(s),
            ]
        })
        .collect();
    let cols = [
        "entity",
        "entity_key",
        "unit_id",
        "content",
        "deleted_at",
        "deleted_by",
        "reason",
    ];
    let few: Vec<Vec<store::Value>> = many[..texts.len()]
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r[0] = store::Value::from(format!("bulk-few-{}", r[0].as_text().unwrap()));
            r
        })
        .collect();
    t.db.transaction(|tx| {
        tx.insert_rows("tombstones", &cols, &many)?;
        tx.insert_rows("tombstones", &cols, &few)
    })
    .unwrap();
    let rows: Vec<Vec<store::Value>> = many.into_iter().chain(few).collect();
    let stored = t
        .db
        .query(
            "SELECT entity, entity_key, unit_id, content, deleted_at, deleted_by, reason FROM tombstones WHERE entity LIKE 'bulk-%' ORDER BY entity",
            &[],
        )
        .unwrap();
    let read: Vec<Vec<store::Value>> = stored.into_iter().map(|r| r.values).collect();
    assert_eq!(read, rows);
}

/// An import that changes thousands of stored cells at once (on PostgreSQL, more than
/// the few a form's save changes: copied into a table of the transaction and applied in
/// one statement) keeps the aggregates equal to a rebuild from the records.
#[test]
fn an_import_over_thousands_of_stored_cells_keeps_them_true() {
    let mut t = demo_db();
    let communes: Vec<String> = t.lines(
        "SELECT code FROM units WHERE level = 'commune' AND valid_from <= '2020-01-01' \
         AND (valid_to IS NULL OR valid_to > '2025-01-01') ORDER BY code LIMIT 45",
    );
    assert_eq!(communes.len(), 45);
    let file = |prefix: &str, sessions: i64| {
        let mut text =
            String::from("record_id,date,unit_code,activity_type,sessions,participants\n");
        for (u, code) in communes.iter().enumerate() {
            for m in 0..60 {
                text.push_str(&format!(
                    "{prefix}-{u}-{m},{}-{:02}-15,{code},vocational_class,{sessions},{}\n",
                    2020 + m / 12,
                    m % 12 + 1,
                    10 + m
                ));
            }
        }
        text
    };
    t.import_texts(&[("activities.csv", &file("BULK-A", 1))])
        .unwrap();
    let cells = |t: &mut TestDb| {
        num(
            &t.db
                .query_one(
                    "SELECT count(*) AS n FROM report_cells WHERE month BETWEEN 202001 AND 202412 AND follow_id = 0",
                    &[],
                )
                .unwrap(),
            "n",
        )
    };
    let before = cells(&mut t);
    assert!(before >= 45 * 60, "{before} cells");
    // The same cells again: each one stored, each one changed.
    let s = t
        .import_texts(&[("activities.csv", &file("BULK-B", 2))])
        .unwrap();
    assert_eq!(s.total().inserted, 45 * 60);
    assert_eq!(cells(&mut t), before, "no cell added: they were all stored");
    assert_kept_equals_rebuilt(&mut t, "thousands of stored cells");
    let reqs = requests(&mut t);
    assert_reports_agree(&mut t, &reqs, "thousands of stored cells");
}

/// A report counts no record dated after its period's year, whatever the kind; a write
/// moves the counts (`store::generations`) of the years from the earliest its rows are
/// dated in, and of every year for a household: what lets a server keep the reports of
/// the years before this one through today's saves (the forecast of a year's end reads
/// them on every report page).
#[test]
fn a_write_leaves_the_figures_of_the_years_before_its_dates_as_they_were() {
    let mut t = demo_db();
    let today = store::generations::vietnam_today();
    let y = today.year();
    let (_, month, day) = today.ymd();
    let same_day = |year: i32| {
        domain::Date::from_ymd(year, month, day.min(28))
            .unwrap()
            .to_string()
    };
    let s = today.to_string();
    // Periods ending in each kept year before this one: whole years (read from the
    // aggregates) and 1 January to today's day (from the records), by child units.
    let reqs: Vec<reports::Request> = (y - store::generations::PAST_YEARS_KEPT..y)
        .flat_map(|p| {
            [
                request("48", &format!("{p}-01-01"), &format!("{p}-12-31"), Some(&s)),
                request("48", &format!("{p}-01-01"), &same_day(p), Some(&s)),
            ]
        })
        .collect();
    let figures = |t: &mut TestDb| -> Vec<reports::Report> {
        reqs.iter()
            .map(|r| reports::run(&mut t.db, r, true).unwrap())
            .collect()
    };
    let counts = |t: &mut TestDb| -> Vec<i64> {
        (y - store::generations::PAST_YEARS_KEPT..=y)
            .map(|year| {
                store::generations::of_scope(&mut t.db, Some("48"), Some(year))
                    .unwrap()
                    .0
            })
            .collect()
    };
    // As a server does: the graph is cached, so that writes are placed in their province.
    store::units::load_graph_cached(&mut t.db).unwrap();
    let first = |t: &mut TestDb, sql: &str| t.lines(sql).remove(0);
    let household = first(
        &mut t,
        "SELECT household_code FROM households ORDER BY household_code LIMIT 1",
    );
    let new_unit = first(
        &mut t,
        &format!(
            "SELECT code FROM units WHERE level = 'commune' AND parent_code = '48' \
             AND valid_from <= '{s}' AND (valid_to IS NULL OR valid_to >= '{s}') ORDER BY code LIMIT 1"
        ),
    );
    let before = figures(&mut t);
    let counted = counts(&mut t);

    // Records of every dated kind, dated this year.
    t.import_texts(&[
        (
            "assessments.csv",
            &format!(
                "household_code,year,kind,assessed_on,income_per_capita_vnd,deprivations,status\n\
                 {household},{y},provisional,{s},,,poor\n"
            ),
        ),
        (
            "assignments.csv",
            &format!("household_code,unit_code,year,assigned_on\n{household},{new_unit},{y},{s}\n"),
        ),
        (
            "supports.csv",
            &format!(
                "record_id,date,unit_code,support_type,household_code,member_no,quantity,value_vnd,programme,funding\n\
                 LATER-1,{s},{new_unit},livelihood,{household},,1,500000,,\n\
                 LATER-2,{s},{new_unit},gift,,,3,300000,,\n"
            ),
        ),
        (
            "activities.csv",
            &format!(
                "record_id,date,unit_code,activity_type,sessions,participants\n\
                 LATER-3,{s},{new_unit},vocational_class,2,20\n"
            ),
        ),
        (
            "targets.csv",
            &format!("year,unit_code,indicator,value\n{y},48,hh_escaped,99\n"),
        ),
    ])
    .unwrap();
    assert_eq!(
        figures(&mut t),
        before,
        "records dated this year change no figure of the years before"
    );
    let now = counts(&mut t);
    assert_eq!(
        now[..3],
        counted[..3],
        "the counts of the years before stand"
    );
    assert!(now[3] > counted[3], "this year's count moved: {now:?}");

    // A support dated two years ago moves that year's count and the next ones', and
    // that year's figures.
    let past = y - 2;
    let then = format!("{past}-01-01");
    let unit_then = first(
        &mut t,
        &format!(
            "SELECT h.unit_code FROM households h JOIN units u ON u.code = h.unit_code \
             AND u.valid_from <= '{then}' AND (u.valid_to IS NULL OR u.valid_to >= '{then}') \
             ORDER BY 1 LIMIT 1"
        ),
    );
    t.import_texts(&[(
        "supports.csv",
        &format!(
            "record_id,date,unit_code,support_type,household_code,member_no,quantity,value_vnd,programme,funding\n\
             EARLIER-1,{then},{unit_then},gift,,,3,300000,,\n"
        ),
    )])
    .unwrap();
    let after = counts(&mut t);
    assert_eq!(after[0], now[0], "three years ago stands");
    assert!(
        after[1..].iter().zip(&now[1..]).all(|(a, b)| a > b),
        "{after:?}"
    );
    let changed: Vec<bool> = figures(&mut t)
        .iter()
        .zip(&before)
        .map(|(a, b)| a != b)
        .collect();
    assert_eq!(
        changed,
        [false, false, true, true, false, false],
        "only the periods of {past} count it"
    );

    // A household stands for every year: its change moves every count.
    let row = first(
        &mut t,
        &format!(
            "SELECT unit_code || ',' || registered_on || ',' || head_name FROM households \
             WHERE household_code = '{household}'"
        ),
    );
    t.import_texts(&[(
        "households.csv",
        &format!(
            "household_code,unit_code,registered_on,head_name,head_gender,area,ethnic_minority,size\n\
             {household},{row},F,rural,0,9\n"
        ),
    )])
    .unwrap();
    let last = counts(&mut t);
    assert!(last.iter().zip(&after).all(|(a, b)| a > b), "{last:?}");
}
