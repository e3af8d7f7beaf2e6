//! Issue 24 at national scale, on the databases given with --db (the national data set
//! imported into SQLite and PostgreSQL): breakdowns (warm, the nation by provinces and
//! the busiest province by communes, by each dimension; what `report_slices` keeps
//! beside `report_cells`) and sealed reports (what an approval keeps and how long
//! making it takes, for the nation, the busiest province and its busiest commune; made
//! inside a transaction that is rolled back, so the database is left as it was).

use crate::micro::{median_ms, record};
use domain::breakdown::Dimension;
use domain::review::Period;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(urls: &str, year: i32, runs: usize, results: &Path) -> anyhow::Result<ExitCode> {
    let mut lines = vec![format!(
        "Machine: {}. Data: the national data set of `donghanh-bench gen --scale 0.1` (synthetic), year {year}, \
         in the structure of its last day. Breakdowns read `report_slices`: each household's part of the monthly \
         aggregates again, keyed also by its profile packed in one number (ethnic minority, area, the head's \
         gender and ethnic group), written in the writer's transaction with `report_cells`; a breakdown adds \
         the cells of its units and period up per group, by child unit, as a report does. Seals are made as an \
         approval makes them (`reports::seal::make`: the report by child unit, its printed document with the \
         follow-up of escapes, the fingerprint of every record dated in the period in the unit's subtree) and \
         kept, inside a transaction rolled back after.",
        crate::national::machine()
    )];
    let (from, to) = (
        domain::Date::from_ymd(year, 1, 1).expect("a year"),
        domain::Date::from_ymd(year, 12, 31).expect("a year"),
    );
    for url in urls.split(',').filter(|u| !u.is_empty()) {
        let mut db = store::open(url)?;
        let name = db.backend().name();
        let (province, commune) = crate::national::busiest_province_and_commune(&mut db)?;
        let mut say = |line: String| {
            println!("{line}");
            lines.push(format!("- {line}"));
        };
        for (unit, label) in [
            ("VN", "national, by provinces"),
            (province.as_str(), "province by communes"),
        ] {
            for dimension in Dimension::ALL {
                let req = reports::Request {
                    unit: unit.to_owned(),
                    from,
                    to,
                    structure_date: None,
                };
                let once = |db: &mut store::Db| -> anyhow::Result<i64> {
                    let b = reports::breakdown::compute(db, &req, dimension, true)?;
                    serde_json::to_string(&b)?;
                    Ok(b.total("hh_escaped"))
                };
                let escaped = once(&mut db)?;
                let mut samples = Vec::new();
                for _ in 0..runs {
                    let t = Instant::now();
                    once(&mut db)?;
                    samples.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                let goal = if unit == "VN" && name == "sqlite" {
                    " (goal ≤ 200 ms)"
                } else {
                    ""
                };
                say(format!(
                    "{name}: breakdown of {unit} ({label}) by {}: **{:.1} ms** warm (median of {runs}){goal}; hh_escaped {escaped}",
                    dimension.as_str(),
                    median_ms(samples)
                ));
            }
        }
        let size = |db: &mut store::Db, table: &str| -> anyhow::Result<(i64, i64)> {
            let r = db.query_one(
                &format!("SELECT COUNT(*) AS n, CAST(COALESCE(SUM(LENGTH(figures)), 0) AS BIGINT) AS bytes FROM {table}"),
                &[],
            )?;
            Ok((r.get("n")?, r.get("bytes")?))
        };
        let (cells, cell_bytes) = size(&mut db, "report_cells")?;
        let (slices, slice_bytes) = size(&mut db, "report_slices")?;
        say(format!(
            "{name}: report_slices holds {slices} rows ({:.1} MB of figures) beside report_cells' {cells} rows ({:.1} MB): {:.2}× the rows",
            slice_bytes as f64 / 1e6,
            cell_bytes as f64 / 1e6,
            slices as f64 / cells.max(1) as f64
        ));

        let graph = store::units::load_graph_cached(&mut db)?;
        let kinds = importer::kinds::dated_tables();
        let year_period = Period { from, to };
        let month = Period {
            from: domain::Date::from_ymd(year, 3, 1).expect("a month"),
            to: domain::Date::from_ymd(year, 3, 31).expect("a month"),
        };
        for (unit, period, label) in [
            ("VN", year_period, "the nation's year"),
            (
                province.as_str(),
                year_period,
                "the busiest province's year",
            ),
            (commune.as_str(), year_period, "its busiest commune's year"),
            (commune.as_str(), month, "its busiest commune's March"),
        ] {
            let mut measured = None;
            let outcome: Result<(), anyhow::Error> = db.transaction(|tx| {
                let t = Instant::now();
                let sealed = reports::seal::make(tx, &graph, unit, period, to, &kinds)?;
                reports::seal::keep(tx, unit, period, &sealed, "bench")?;
                let ms = t.elapsed().as_secs_f64() * 1000.0;
                let (_, bytes) = store::seals::storage(tx)?;
                measured = Some((ms, sealed.fingerprints.len(), bytes));
                Err(anyhow::anyhow!("rolled back"))
            });
            if let Err(e) = outcome {
                if e.to_string() != "rolled back" {
                    return Err(e);
                }
            }
            if let Some((ms, records, bytes)) = measured {
                say(format!(
                    "{name}: sealing {label} ({unit}): {records} records fingerprinted, **{:.1} KB** kept (report, document, fingerprints), made in {:.0} ms",
                    bytes as f64 / 1e3,
                    ms
                ));
            }
        }
    }
    lines.push(format!(
        "- command: `cargo run --release -p donghanh-bench -- --db SQLITE_FILE,POSTGRES_URL signing --year {year}`"
    ));
    record(
        results,
        "Breakdowns and sealed reports at national scale (issue 24)",
        &lines.join("\n"),
    )?;
    Ok(ExitCode::SUCCESS)
}
