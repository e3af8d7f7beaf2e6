//! `donghanh-bench run`: the national benchmark. On one generated data set it measures,
//! on SQLite and on PostgreSQL, the import (rows/s, peak memory) and the national, one
//! province's and one commune's report (cold: a new process; warm: median of several runs
//! in one process), a drill-down; then asks the same one-year question of DuckDB (its own
//! tables, loaded from the same files) and of plain SQL over PostgreSQL's rows, checks
//! that every answer agrees, prints the ratios and records them in the results file.

use crate::micro::{median_ms, record};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The year every report of the benchmark asks about (a whole year on the 2025 structure).
const YEAR: i32 = 2027;

/// Indicators each engine is asked for; their values must be the same everywhere.
const COMPARED: &[&str] = &[
    "gifts",
    "jobs_placed",
    "women_entrepreneurs_trained",
    "insurance_cards",
    "union_loans",
    "union_loans_value_vnd",
    "clean_water_works",
    "charity_value_vnd",
    "startup_ideas_supported",
    "vocational_classes",
    "vocational_trainees",
    "hh_assisted",
];

pub struct Args {
    pub scale: f64,
    pub dir: PathBuf,
    pub runs: usize,
    pub results: PathBuf,
}

fn day(y: i32, m: u32, d: u32) -> domain::Date {
    domain::Date::from_ymd(y, m, d).expect("a day")
}

/// The first argument that makes this binary run the product's command line instead.
pub const PRODUCT: &str = "--as-donghanh";

/// Runs the `donghanh` command line with `args` in a new process (this binary, see
/// [`PRODUCT`]) under GNU time: (seconds, peak resident MB, stdout).
pub(crate) fn timed_child(args: &[&str]) -> anyhow::Result<(f64, Option<u64>, String)> {
    let exe = std::env::current_exe()?;
    let gnu_time = Path::new("/usr/bin/time").exists();
    let mut cmd = if gnu_time {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "peak-kb %M"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    cmd.arg(PRODUCT);
    let started = Instant::now();
    let out = cmd.args(args).output()?;
    let secs = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    anyhow::ensure!(
        out.status.success(),
        "donghanh {}: {stderr}",
        args.join(" ")
    );
    let peak = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("peak-kb "))
        .and_then(|kb| kb.trim().parse::<u64>().ok())
        .map(|kb| kb / 1024);
    Ok((
        secs,
        peak,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

fn request(unit: &str) -> reports::Request {
    reports::Request {
        unit: unit.into(),
        from: day(YEAR, 1, 1),
        to: day(YEAR, 12, 31),
        structure_date: None,
    }
}

/// Indicator values of a report, for the comparison.
fn values(r: &reports::Report) -> BTreeMap<String, i64> {
    COMPARED
        .iter()
        .map(|c| ((*c).to_owned(), r.int(c)))
        .collect()
}

/// Per-kind sums (kind, a, b) mapped to indicators with the product's own mapping; the
/// sums themselves come from the engine asked.
fn indicators_of(
    supports: &[(String, i64, i64)],
    activities: &[(String, i64, i64)],
    assisted: i64,
) -> BTreeMap<String, i64> {
    let mut out: BTreeMap<String, i64> = COMPARED.iter().map(|c| ((*c).to_owned(), 0)).collect();
    for (kind, q, v) in supports {
        let Some(kind) = domain::vocab::SupportType::parse(kind) else {
            continue;
        };
        for (code, n) in domain::contributions::support(kind, *q, *v) {
            if let Some(slot) = out.get_mut(code.code()) {
                *slot += n;
            }
        }
    }
    for (kind, s, p) in activities {
        let Some(kind) = domain::vocab::ActivityType::parse(kind) else {
            continue;
        };
        for (code, n) in domain::contributions::activity(kind, *s, *p) {
            if let Some(slot) = out.get_mut(code.code()) {
                *slot += n;
            }
        }
    }
    out.insert("hh_assisted".into(), assisted);
    out
}

struct BackendRun {
    name: &'static str,
    lines: Vec<String>,
    national_warm_ms: f64,
    national: BTreeMap<String, i64>,
}

type Kept = Option<testkit::scratch::Scratch>;

fn run_backend(
    a: &Args,
    backend: store::Backend,
    rows: u64,
) -> anyhow::Result<(BackendRun, String, Kept)> {
    let name = backend.name();
    let (url, scratch) = match backend {
        store::Backend::Sqlite => {
            let path = a.dir.join("bench.sqlite");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            (path.display().to_string(), None)
        }
        store::Backend::Postgres => {
            let s = testkit::scratch::Scratch::new(backend)?;
            (s.url.clone(), Some(s))
        }
    };
    let mut lines = Vec::new();
    let (units_s, _, _) = timed_child(&["--db", &url, "units", "load-vn"])?;
    let dir = a.dir.display().to_string();
    let (import_s, peak, _) = timed_child(&["--db", &url, "import", &dir])?;
    lines.push(format!(
        "import of {rows} rows (every check, the aggregates kept in the same transaction): **{import_s:.1} s, {:.0} rows/s**, peak memory {} (national units first: {units_s:.1} s)",
        rows as f64 / import_s,
        peak.map_or("n/a".into(), |m| format!("{m} MB"))
    ));
    let mut db = store::open(&url)?;
    let size = match backend {
        store::Backend::Sqlite => std::fs::metadata(&url)
            .map(|m| m.len() / 1_000_000)
            .unwrap_or(0),
        store::Backend::Postgres => {
            db.query_one("SELECT pg_database_size(current_database()) AS bytes", &[])?
                .get::<i64>("bytes")?
                .unsigned_abs()
                / 1_000_000
        }
    };
    let cells: i64 = db
        .query_one("SELECT count(*) AS n FROM report_cells", &[])?
        .get("n")?;
    lines.push(format!("database {size} MB; report_cells {cells} rows"));

    let (province, commune) = busiest_province_and_commune(&mut db)?;

    // Cold: the first report of a new process (the unit graph is loaded too).
    let (from, to) = (format!("{YEAR}-01-01"), format!("{YEAR}-12-31"));
    let cold: Vec<f64> = (0..3)
        .map(|_| {
            timed_child(&[
                "--db", &url, "report", "--unit", "VN", "--from", &from, "--to", &to, "--format",
                "json",
            ])
            .map(|(s, _, _)| s * 1000.0)
        })
        .collect::<anyhow::Result<_>>()?;
    let cold = median_ms(cold);
    lines.push(format!("national report {YEAR}, cold (a new process: start, unit graph, report): **{cold:.0} ms** (median of 3)"));

    let mut warm = |label: &str,
                    f: &mut dyn FnMut(&mut store::Db) -> anyhow::Result<()>|
     -> anyhow::Result<f64> {
        f(&mut db)?; // warms the caches
        let mut samples = Vec::new();
        for _ in 0..a.runs {
            let t = Instant::now();
            f(&mut db)?;
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let ms = median_ms(samples);
        lines.push(format!(
            "{label}, warm: **{ms:.1} ms** (median of {})",
            a.runs
        ));
        Ok(ms)
    };
    let national_warm_ms = warm(&format!("national report {YEAR} (JSON)"), &mut |db| {
        serde_json::to_string(&reports::run(db, &request("VN"), false)?)?;
        Ok(())
    })?;
    warm(
        &format!("national report {YEAR} by provinces (JSON)"),
        &mut |db| {
            serde_json::to_string(&reports::run(db, &request("VN"), true)?)?;
            Ok(())
        },
    )?;
    warm(
        &format!("province {province} report {YEAR} by communes (JSON)"),
        &mut |db| {
            serde_json::to_string(&reports::run(db, &request(&province), true)?)?;
            Ok(())
        },
    )?;
    warm(
        &format!("commune {commune} report {YEAR} by branches (JSON)"),
        &mut |db| {
            serde_json::to_string(&reports::run(db, &request(&commune), true)?)?;
            Ok(())
        },
    )?;
    warm(
        &format!("commune {commune}, January–June {YEAR} (months, not the year's total)"),
        &mut |db| {
            let req = reports::Request {
                to: day(YEAR, 6, 30),
                ..request(&commune)
            };
            serde_json::to_string(&reports::run(db, &req, false)?)?;
            Ok(())
        },
    )?;
    let mut drilled = 0;
    warm(
        &format!("drill-down: the gift records of province {province}"),
        &mut |db| {
            drilled = reports::compute(db, &request(&province), Some("gifts"))?
                .evidence()
                .len();
            Ok(())
        },
    )?;
    lines.push(format!("(the drill-down lists {drilled} records)"));
    let national = values(&reports::run(&mut db, &request("VN"), false)?);
    Ok((
        BackendRun {
            name,
            lines,
            national_warm_ms,
            national,
        },
        url,
        scratch,
    ))
}

/// `report lasting` on each database of `urls` (comma separated), warm: the nation, the
/// busiest province, its busiest commune, and that commune's at-risk list alone.
pub fn lasting(urls: &str, as_of: &str, runs: usize, results: &Path) -> anyhow::Result<ExitCode> {
    let as_of = domain::Date::parse(as_of).map_err(|e| anyhow::anyhow!("--as-of: {e:?}"))?;
    let mut lines = vec![format!(
        "Machine: {}. Data: the national data set of `donghanh-bench gen --scale 0.1` (synthetic), as of {as_of}. \
         Approach: a table kept on write (`household_lasting`, rewritten with each household's aggregates in the \
         writer's transaction): one packed row per household that was ever poor, near-poor or taken on (its \
         assessments, assignments, supports summed per year and unit, and the supports themselves, read only \
         where a report needs their days); the report reads the rows of its units and filters them by what was \
         known on the as-of date, as it would the records. The forecast adds seven ordinary reports (from the \
         aggregates). Timed in this process with the product's allocator (mimalloc).",
        machine()
    )];
    for url in urls.split(',').filter(|u| !u.is_empty()) {
        let mut db = store::open(url)?;
        let name = db.backend().name();
        let (province, commune) = busiest_province_and_commune(&mut db)?;
        let mut warm = |label: &str,
                        goal: &str,
                        f: &mut dyn FnMut(&mut store::Db) -> anyhow::Result<usize>|
         -> anyhow::Result<()> {
            let n = f(&mut db)?; // warms the caches
            let mut samples = Vec::new();
            for _ in 0..runs {
                let t = Instant::now();
                f(&mut db)?;
                samples.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            let line = format!(
                "{name}: {label}: **{:.1} ms** warm (median of {runs}; goal {goal}); its figures list {n} households (summed over the figures)",
                median_ms(samples)
            );
            println!("{line}");
            lines.push(format!("- {line}"));
            Ok(())
        };
        let whole = |unit: String| {
            move |db: &mut store::Db| -> anyhow::Result<usize> {
                let l = reports::lasting::compute(db, &unit, as_of, None)?;
                serde_json::to_string(&l)?;
                Ok(l.behind.values().map(Vec::len).sum())
            }
        };
        let goal_vn = if name == "sqlite" {
            "≤ 500 ms"
        } else {
            "≤ 1 s"
        };
        warm("national report lasting", goal_vn, &mut whole("VN".into()))?;
        warm(
            &format!("province {province} report lasting"),
            "≤ 200 ms",
            &mut whole(province.clone()),
        )?;
        warm(
            &format!("commune {commune} report lasting (the whole report)"),
            "—",
            &mut whole(commune.clone()),
        )?;
        warm(
            &format!("commune {commune} at-risk list"),
            "≤ 50 ms",
            &mut |db| Ok(reports::lasting::at_risk_of(db, &commune, as_of, None)?.len()),
        )?;
    }
    lines.push(format!(
        "- command: `cargo run --release -p donghanh-bench -- --db SQLITE_FILE,POSTGRES_URL lasting --as-of {as_of}`"
    ));
    crate::micro::record(
        results,
        "report lasting at national scale (issue 26)",
        &lines.join("\n"),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The province with the most households, and its commune with the most.
pub fn busiest_province_and_commune(db: &mut store::Db) -> anyhow::Result<(String, String)> {
    let graph = store::units::load_graph_cached(db)?;
    let busiest = db.query_one(
        "SELECT unit_code FROM households GROUP BY unit_code ORDER BY count(*) DESC, unit_code LIMIT 1",
        &[],
    )?;
    let mut path = Vec::new();
    if let domain::units::Fate::Exists(mut ix) =
        graph.fate(busiest.get("unit_code")?, day(YEAR, 12, 31))
    {
        path.push(ix);
        while let Some(p) = graph.parent_on(ix, day(YEAR, 12, 31)) {
            path.push(p);
            ix = p;
        }
    }
    let code_at = |level: &str| {
        path.iter()
            .map(|&ix| graph.version(ix))
            .find(|v| v.level.as_str() == level)
            .map(|v| v.code.clone())
            .unwrap_or_default()
    };
    Ok((code_at("province"), code_at("commune")))
}

/// The same question in plain SQL over PostgreSQL's rows: (median ms, answer).
fn plain_sql(url: &str, runs: usize) -> anyhow::Result<(f64, BTreeMap<String, i64>)> {
    let mut db = store::Db::open(url)?;
    let (first, last) = (format!("{YEAR}-01-01"), format!("{YEAR}-12-31"));
    let ask = |db: &mut store::Db| -> anyhow::Result<BTreeMap<String, i64>> {
        let period = [
            store::Value::from(first.as_str()),
            store::Value::from(last.as_str()),
        ];
        let sums = |db: &mut store::Db, sql: &str| -> anyhow::Result<Vec<(String, i64, i64)>> {
            Ok(db
                .query(sql, &period)?
                .iter()
                .map(|r| Ok((r.get("kind")?, r.get("a")?, r.get("b")?)))
                .collect::<Result<_, store::StoreError>>()?)
        };
        let supports = sums(db, "SELECT support_type AS kind, CAST(SUM(quantity) AS BIGINT) AS a, CAST(SUM(value_vnd) AS BIGINT) AS b FROM supports WHERE date >= ? AND date <= ? GROUP BY support_type")?;
        let activities = sums(db, "SELECT activity_type AS kind, CAST(SUM(sessions) AS BIGINT) AS a, CAST(SUM(participants) AS BIGINT) AS b FROM activities WHERE date >= ? AND date <= ? GROUP BY activity_type")?;
        let assisted = db
            .query_one(
                "SELECT count(DISTINCT household_code) AS n FROM assignments WHERE year = ? AND assigned_on <= ?",
                &[store::Value::from(YEAR), store::Value::from(last.as_str())],
            )?
            .get("n")?;
        Ok(indicators_of(&supports, &activities, assisted))
    };
    let answer = ask(&mut db)?;
    let mut samples = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        ask(&mut db)?;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok((median_ms(samples), answer))
}

/// (version, rows loaded, load seconds, median ms, answer).
type DuckAnswer = (String, i64, f64, f64, BTreeMap<String, i64>);

/// The DuckDB the national question is asked of: pinned, so that a ratio names the
/// engine it was measured against (1.1.3 was three times slower than 2.0.1 here).
const DUCKDB: &str = "2.0.1";

/// DuckDB from PyPI (the pinned version), over the same files.
fn duckdb(dir: &Path, runs: usize) -> anyhow::Result<DuckAnswer> {
    let pinned = Command::new("python3")
        .args([
            "-c",
            &format!("import duckdb, sys; sys.exit(duckdb.__version__ != '{DUCKDB}')"),
        ])
        .status()?
        .success();
    if !pinned {
        let ok = Command::new("python3")
            .args(["-m", "pip", "install", "-q", &format!("duckdb=={DUCKDB}")])
            .status()?
            .success();
        anyhow::ensure!(
            ok,
            "DuckDB could not be installed: python3 -m pip install duckdb=={DUCKDB}"
        );
    }
    // Run from the repository's root, as the README says.
    let script = Path::new("bench/duckdb_national.py");
    anyhow::ensure!(
        script.exists(),
        "bench/duckdb_national.py not found: run donghanh-bench from the repository's root"
    );
    let out = Command::new("python3")
        .arg(script)
        .arg(dir)
        .arg(YEAR.to_string())
        .arg(runs.to_string())
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "DuckDB: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let triples = |name: &str| -> Vec<(String, i64, i64)> {
        v["answer"][name]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                (
                    r[0].as_str().unwrap_or("").to_owned(),
                    r[1].as_i64().unwrap_or(0),
                    r[2].as_i64().unwrap_or(0),
                )
            })
            .collect()
    };
    let assisted = triples("assignments").first().map_or(0, |t| t.1);
    Ok((
        v["duckdb"].as_str().unwrap_or("?").to_owned(),
        v["rows"].as_i64().unwrap_or(0),
        v["load_s"].as_f64().unwrap_or(0.0),
        v["median_ms"].as_f64().unwrap_or(0.0),
        indicators_of(&triples("supports"), &triples("activities"), assisted),
    ))
}

pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "?".into());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let mem_gb = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024 / 1024);
    format!("{cores} cores ({cpu}), {mem_gb} GiB RAM")
}

pub fn run(a: &Args) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&a.dir)?;
    let manifest_path = a.dir.join("manifest.txt");
    let generated = std::fs::read_to_string(&manifest_path).ok();
    if generated.is_none() {
        let t = Instant::now();
        let m = synth::national::generate(
            &importer::vn::Sources::embedded()
                .communes_2025()
                .map_err(|e| anyhow::anyhow!(e))?,
            a.scale,
            2025,
            &a.dir,
        )?;
        println!(
            "{} rows generated in {:.1} s",
            m.total_rows(),
            t.elapsed().as_secs_f64()
        );
    }
    let manifest = std::fs::read_to_string(&manifest_path)?;
    let rows: u64 = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("rows "))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum();
    let expected: BTreeMap<String, i64> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("expected "))
        .filter_map(|l| {
            let (k, v) = l.split_once(' ')?;
            let code = k.strip_suffix(&format!("@{YEAR}"))?;
            Some((code.to_owned(), v.parse().ok()?))
        })
        .collect();

    let mut body = format!(
        "Machine: {}; {}. Data: `donghanh-bench gen --scale {}` ({rows} rows, synthetic). Reports ask for {YEAR}.\n\n",
        machine(),
        store::Db::open(&testkit::scratch::pg_admin_url())
            .and_then(|mut db| db.query_one("SHOW server_version", &[]))
            .and_then(|r| r.get::<String>("server_version"))
            .map(|v| format!("PostgreSQL {v}"))
            .unwrap_or_else(|_| "PostgreSQL ?".into()),
        a.scale
    );
    let mut answers: Vec<(String, BTreeMap<String, i64>)> = Vec::new();
    let mut runs = Vec::new();
    let mut pg = None;
    for backend in [store::Backend::Sqlite, store::Backend::Postgres] {
        let (r, url, kept) = run_backend(a, backend, rows)?;
        for l in &r.lines {
            body.push_str(&format!("- {}: {l}\n", r.name));
        }
        println!("{body}");
        // Recorded as it goes: a long run that stops halfway keeps what it measured.
        record(
            &a.results,
            &format!("National benchmark, scale {} (issue 6)", a.scale),
            &format!("{body}- (run in progress: the comparisons come at the end)\n"),
        )?;
        answers.push((format!("donghanh on {}", r.name), r.national.clone()));
        if backend == store::Backend::Postgres {
            pg = Some((url, kept));
        }
        runs.push(r);
    }
    let pg_url = pg.as_ref().map(|(u, _)| u.clone()).unwrap_or_default();
    let (plain_ms, plain) = plain_sql(&pg_url, a.runs)?;
    answers.push(("plain SQL on PostgreSQL".into(), plain));
    let (duck_version, duck_rows, duck_load, duck_ms, duck) = duckdb(&a.dir, a.runs)?;
    answers.push((format!("DuckDB {duck_version}"), duck));
    body.push_str(&format!(
        "- plain SQL on PostgreSQL over the same rows (supports and activities summed by kind, distinct assisted households), warm: **{plain_ms:.1} ms** (median of {})\n",
        a.runs
    ));
    body.push_str(&format!(
        "- DuckDB {duck_version} (PyPI), the same question over its own in-memory tables ({duck_rows} rows loaded in {duck_load:.1} s), warm: **{duck_ms:.1} ms** (median of {})\n",
        a.runs
    ));

    // Every engine must give the same answer, and the generator's totals.
    let reference = answers[0].1.clone();
    let mut agree = true;
    for (who, ans) in &answers {
        if *ans != reference {
            agree = false;
            body.push_str(&format!(
                "- **DISAGREES**: {who}: {ans:?} vs {reference:?}\n"
            ));
        }
    }
    for (code, v) in &expected {
        if reference.get(code) != Some(v) {
            agree = false;
            body.push_str(&format!(
                "- **DISAGREES** with the generator: {code} = {:?}, generated {v}\n",
                reference.get(code)
            ));
        }
    }
    if agree {
        body.push_str(&format!(
            "- agreement: {} answers ({}) give the same {} indicators, and match the generator's totals ({} of them)\n",
            answers.len(),
            answers.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>().join(", "),
            COMPARED.len(),
            expected.len()
        ));
    }
    for r in &runs {
        body.push_str(&format!(
            "- ratio, {}: DuckDB {duck_version} {:.1}× slower than donghanh's warm national report{}",
            r.name,
            duck_ms / r.national_warm_ms,
            if r.name == "sqlite" {
                " (goal: 2× or more)"
            } else {
                ""
            }
        ));
        if r.name == "postgres" {
            body.push_str(&format!(
                "; plain SQL on PostgreSQL {:.1}× slower",
                plain_ms / r.national_warm_ms
            ));
        }
        body.push('\n');
    }
    body.push_str(&format!(
        "- command: `cargo run --release -p donghanh-bench -- run --scale {} --dir {}`\n",
        a.scale,
        a.dir.display()
    ));
    println!("{body}");
    record(
        &a.results,
        &format!("National benchmark, scale {} (issue 6)", a.scale),
        &body,
    )?;
    Ok(if agree {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
