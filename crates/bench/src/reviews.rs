//! Sign-off at national scale (issue 14): on a database holding the national data set,
//! every commune of a province submits its year and the province approves each one (as
//! an officer would, one step a commune), then the province's own year; then what the
//! locks cost the write path: a file of supports checked against the locks (outside the
//! locked year: written; inside: refused), each a dry run so that the database stays as
//! it was. The reviews made are removed at the end.

use domain::review::{Period, ReviewState};
use std::path::Path;
use std::time::Instant;
use store::Db;

pub struct Args<'a> {
    pub db: &'a str,
    pub province: Option<String>,
    pub year: i32,
    pub rows: usize,
    pub results: &'a Path,
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// A supports file of `n` gifts at communes of the province, dated in `year`.
fn supports(communes: &[String], year: i32, n: usize) -> importer::source::Table {
    let header = ["record_id", "date", "unit_code", "support_type", "quantity"];
    importer::source::Table {
        kind: "supports".into(),
        source: "bench".into(),
        header: header.iter().map(|h| (*h).to_owned()).collect(),
        rows: (0..n)
            .map(|i| importer::source::RawRow {
                line: i + 2,
                cells: [
                    format!("REVIEW-BENCH-{year}-{i}"),
                    format!("{year}-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                    communes[i % communes.len()].clone(),
                    "gift".into(),
                    "1".into(),
                ]
                .into_iter()
                .map(importer::source::Cell::text)
                .collect(),
            })
            .collect(),
    }
}

/// Checks and writes `table` in a dry run: (milliseconds, refused rows).
fn dry_import(db: &mut Db, table: &importer::source::Table) -> anyhow::Result<(f64, usize)> {
    let opts = importer::Options {
        actor: "bench".into(),
        dry_run: true,
        ..importer::Options::default()
    };
    let t = Instant::now();
    let refused = match importer::import_tables(db, vec![table.clone()], Vec::new(), &opts) {
        Ok(_) => 0,
        Err(importer::ImportError::Rejected(r)) => r.total(),
        Err(e) => return Err(e.into()),
    };
    Ok((ms(t), refused))
}

pub fn run(a: &Args<'_>) -> anyhow::Result<std::process::ExitCode> {
    let mut db = store::open(a.db)?;
    let graph = store::units::load_graph(&mut db)?;
    let on = domain::Date::from_ymd(a.year, 12, 31).ok_or_else(|| anyhow::anyhow!("year"))?;
    let s = graph.structure_on(on);
    let vn = graph
        .versions()
        .iter()
        .position(|v| v.level == domain::units::Level::Central && v.valid_on(on))
        .ok_or_else(|| anyhow::anyhow!("no central unit: load the national units first"))?;
    // The province with the most communes, unless one is named.
    let province = match &a.province {
        Some(code) => graph
            .version_on(code, on)
            .ok_or_else(|| anyhow::anyhow!("no province {code} on {on}"))?,
        None => *s
            .children(vn)
            .iter()
            .max_by_key(|&&p| s.children(p).len())
            .ok_or_else(|| anyhow::anyhow!("no province"))?,
    };
    let pcode = graph.version(province).code.clone();
    let communes: Vec<String> = s
        .children(province)
        .iter()
        .map(|&c| graph.version(c).code.clone())
        .collect();
    let year = Period::parse(&a.year.to_string()).ok_or_else(|| anyhow::anyhow!("year"))?;
    let outside = supports(&communes, a.year + 1, a.rows);
    let inside = supports(&communes, a.year, a.rows);
    let (before_ms, before_refused) = dry_import(&mut db, &outside)?;

    // One step a commune, each in its own transaction, as officers take them.
    let mut steps = |to: ReviewState, actor: &str| -> anyhow::Result<f64> {
        let t = Instant::now();
        for c in &communes {
            db.transaction(|tx| store::reviews::step(tx, c, year, to, actor, None))?;
        }
        Ok(ms(t))
    };
    let submitted_ms = steps(ReviewState::Submitted, "bench:xa")?;
    let approved_ms = steps(ReviewState::Approved, "bench:tinh")?;
    let t = Instant::now();
    db.transaction(|tx| {
        store::reviews::step(tx, &pcode, year, ReviewState::Submitted, "bench:tinh", None)?;
        store::reviews::step(tx, &pcode, year, ReviewState::Approved, "bench:tw", None)
    })?;
    let province_ms = ms(t);
    let locks = store::reviews::locks(&mut db)?.len();

    let (after_ms, after_refused) = dry_import(&mut db, &outside)?;
    let (locked_ms, locked_refused) = dry_import(&mut db, &inside)?;
    db.transaction(|tx| store::reviews::forget(tx, year))?;

    let n = communes.len();
    let backend = db.backend().name();
    let body = format!(
        "- {backend}: province {pcode}, its {n} communes: {n} submissions of the year {y} in **{submitted_ms:.0} ms** ({:.2} ms each), {n} approvals in **{approved_ms:.0} ms** ({:.2} ms each), the province's own submission and approval {province_ms:.1} ms; {locks} approved periods stand\n\
         - {backend}: a file of {rows} supports at those communes, checked and written (dry run): dated {next} **{before_ms:.0} ms** before the approvals ({before_refused} refused), **{after_ms:.0} ms** with the {locks} locks ({after_refused} refused); dated {y}, inside the locked year: refused whole in **{locked_ms:.0} ms** ({locked_refused} rows refused)\n",
        submitted_ms / n.max(1) as f64,
        approved_ms / n.max(1) as f64,
        y = a.year,
        next = a.year + 1,
        rows = a.rows,
    );
    print!("{body}");
    let title = "Sign-off at national scale (issue 14)";
    let old = std::fs::read_to_string(a.results).unwrap_or_default();
    let kept: String = old
        .split("\n## ")
        .find(|s| s.starts_with(title))
        .map(|s| {
            s.lines()
                .skip(1)
                .filter(|l| {
                    l.starts_with("- ")
                        && !l.starts_with(&format!("- {backend}:"))
                        && !l.starts_with("- command")
                })
                .map(|l| format!("{l}\n"))
                .collect()
        })
        .unwrap_or_default();
    crate::micro::record(
        a.results,
        title,
        &format!(
            "{kept}{body}- command: `donghanh-bench --db URL reviews --year {}` on the national data set of `donghanh-bench gen --scale 0.1` (imported after `donghanh units load-vn`); release build, {}\n",
            a.year,
            crate::national::machine()
        ),
    )?;
    Ok(std::process::ExitCode::SUCCESS)
}
