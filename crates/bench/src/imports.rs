//! `donghanh-bench import`: how fast the national data set comes in, against the raw
//! load of the same files and against itself on a full database.
//!
//! On each backend, from one generated data set (`gen`):
//! - the whole import, every check and the aggregates (`donghanh import DIR` in a new
//!   process after `units load-vn`): seconds, rows/s, peak memory;
//! - the raw load of the same CSV files into untyped tables with no index, no key and no
//!   check (the sqlite3 shell's `.import`; psql's `\copy`): the floor no importer beats;
//! - 100,000 supports (the data set's first, under new record ids) imported into the
//!   national database and into one that holds only the units (the nation's and the data
//!   set's branches) and the households they name: what the records already stored cost a new import.

use crate::micro::record;
use crate::national::timed_child;
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Goals of issue 27 (rows/s with every check and the aggregates; populated ÷ empty).
const GOAL_SQLITE: f64 = 150_000.0;
const GOAL_POSTGRES: f64 = 80_000.0;
const GOAL_RATIO: f64 = 1.5;

pub fn run(dir: &Path, supports: usize, results: &Path) -> anyhow::Result<ExitCode> {
    let manifest = std::fs::read_to_string(dir.join("manifest.txt")).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e} (generate it first: donghanh-bench gen --scale 0.1 --out DIR)",
            dir.display()
        )
    })?;
    let rows: u64 = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("rows "))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum();
    let work = tempdir(dir, "import-bench")?;
    // The data set's own branches and its households: what the supports name.
    let only_households = work.join("households");
    std::fs::create_dir_all(&only_households)?;
    for f in ["units", "households"] {
        std::fs::copy(
            dir.join(format!("{f}.csv")),
            only_households.join(format!("{f}.csv")),
        )?;
    }
    let new_supports = work.join("supports");
    let written = renamed_supports(dir, &new_supports, supports)?;

    let mut body = format!(
        "Machine: {}. Data: `donghanh-bench gen` in {} ({rows} rows, synthetic); the supports \
         file: its first {written} supports under new record ids.\n\n",
        crate::national::machine(),
        dir.display()
    );
    for backend in [store::Backend::Sqlite, store::Backend::Postgres] {
        let name = backend.name();
        let full = testkit::scratch::Scratch::new(backend)?;
        let (units_s, _, _) = timed_child(&["--db", &full.url, "units", "load-vn"])?;
        let (import_s, peak, _) =
            timed_child(&["--db", &full.url, "import", &dir.display().to_string()])?;
        let rate = rows as f64 / import_s;
        let raw = testkit::scratch::Scratch::new(backend)?;
        let raw_s = raw_load(backend, &raw.url, dir)?;
        drop(raw);
        let goal = match backend {
            store::Backend::Sqlite => GOAL_SQLITE,
            store::Backend::Postgres => GOAL_POSTGRES,
        };
        body.push_str(&format!(
            "- {name}: import of {rows} rows (every check, the aggregates in the same transaction): \
             **{import_s:.1} s, {rate:.0} rows/s** (goal ≥ {goal:.0}), peak memory {} (units first: {units_s:.1} s)\n",
            peak.map_or("n/a".into(), |m| format!("{m} MB")),
        ));
        body.push_str(&format!(
            "- {name}: raw load of the same files (untyped tables, no index, no check; {}): \
             **{raw_s:.1} s** ({:.0} rows/s); the import takes **{:.1}×** the raw load\n",
            match backend {
                store::Backend::Sqlite => "the sqlite3 shell's `.import`",
                store::Backend::Postgres => "psql's `\\copy`",
            },
            rows as f64 / raw_s,
            import_s / raw_s
        ));
        let empty = testkit::scratch::Scratch::new(backend)?;
        timed_child(&["--db", &empty.url, "units", "load-vn"])?;
        timed_child(&[
            "--db",
            &empty.url,
            "import",
            &only_households.display().to_string(),
        ])?;
        let supports_dir = new_supports.display().to_string();
        let (empty_s, _, _) = timed_child(&["--db", &empty.url, "import", &supports_dir])?;
        drop(empty);
        let (full_s, _, _) = timed_child(&["--db", &full.url, "import", &supports_dir])?;
        body.push_str(&format!(
            "- {name}: {written} supports into the national database **{full_s:.2} s**, into one of \
             the units and households alone **{empty_s:.2} s**: **{:.2}×** (goal ≤ {GOAL_RATIO})\n",
            full_s / empty_s
        ));
        println!("{body}");
    }
    let _ = std::fs::remove_dir_all(&work);
    body.push_str(&format!(
        "- command: `donghanh-bench import --dir {} --supports {supports}` (release build; \
         each import a new process, as an officer runs it)\n",
        dir.display()
    ));
    println!("{body}");
    // Titled by the data set's size: one section per scale.
    record(
        results,
        &format!("Import throughput, {rows} rows (issue 27)"),
        &body,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// A fresh folder beside the data set.
fn tempdir(dir: &Path, name: &str) -> anyhow::Result<std::path::PathBuf> {
    let p = dir.join(name);
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p)?;
    Ok(p)
}

/// The data set's first `n` supports under new record ids (`B` for `S`), in `out`.
fn renamed_supports(dir: &Path, out: &Path, n: usize) -> anyhow::Result<usize> {
    std::fs::create_dir_all(out)?;
    let input = std::io::BufReader::new(std::fs::File::open(dir.join("supports.csv"))?);
    let mut w = std::io::BufWriter::new(std::fs::File::create(out.join("supports.csv"))?);
    let mut written = 0;
    for (i, line) in input.lines().enumerate() {
        let line = line?;
        if i == 0 {
            anyhow::ensure!(
                line.starts_with("record_id,"),
                "supports.csv: unexpected header"
            );
            writeln!(w, "{line}")?;
            continue;
        }
        if written == n {
            break;
        }
        let rest = line
            .strip_prefix('S')
            .ok_or_else(|| anyhow::anyhow!("supports.csv: a record id not starting with S"))?;
        writeln!(w, "B{rest}")?;
        written += 1;
    }
    w.flush()?;
    Ok(written)
}

/// Seconds to load the data set's CSV files into tables of text with no index, key or
/// check, by the backend's own bulk loader run as a separate program.
fn raw_load(backend: store::Backend, url: &str, dir: &Path) -> anyhow::Result<f64> {
    // Every file the generator wrote, whatever kinds it writes.
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    let mut script = String::new();
    for path in &files {
        let f = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| anyhow::anyhow!("{}: not a file name", path.display()))?;
        let header = std::io::BufReader::new(std::fs::File::open(path)?)
            .lines()
            .next()
            .transpose()?
            .unwrap_or_default();
        let cols: Vec<String> = header.split(',').map(|c| format!("\"{c}\" TEXT")).collect();
        script.push_str(&format!("CREATE TABLE raw_{f} ({});\n", cols.join(", ")));
        match backend {
            // `--skip 1`: the table exists, its header line is not a row.
            store::Backend::Sqlite => script.push_str(&format!(
                ".import --csv --skip 1 '{}' raw_{f}\n",
                path.display()
            )),
            store::Backend::Postgres => script.push_str(&format!(
                "\\copy raw_{f} FROM '{}' WITH (FORMAT csv, HEADER true)\n",
                path.display()
            )),
        }
    }
    let (program, args): (&str, Vec<&str>) = match backend {
        store::Backend::Sqlite => ("sqlite3", vec![url]),
        store::Backend::Postgres => ("psql", vec!["-q", "-v", "ON_ERROR_STOP=1", url]),
    };
    let started = Instant::now();
    let mut child = Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| anyhow::anyhow!("{program}: {e} (the raw load needs it installed)"))?;
    child
        .stdin
        .take()
        .ok_or_else(|| anyhow::anyhow!("{program}: no stdin"))?
        .write_all(script.as_bytes())?;
    let status = child.wait()?;
    let secs = started.elapsed().as_secs_f64();
    anyhow::ensure!(status.success(), "{program} failed on the raw load");
    Ok(secs)
}
