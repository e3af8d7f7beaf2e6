//! The smaller benchmarks (classification, household import, demo reports, one report on
//! any database) and the helpers every benchmark shares: medians and the results file.

use crate::{BenchBackend, BenchCommand};
use domain::poverty::{classify, national, Area, Class};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use synth::households as gen;
use synth::Rng;

pub fn run(db: Option<&str>, cmd: BenchCommand) -> anyhow::Result<ExitCode> {
    // The benchmarks of the national data set need the databases it was imported into.
    let national = || db.ok_or_else(|| anyhow::anyhow!("--db URL[,URL]: the national data set"));
    match cmd {
        BenchCommand::Report {
            unit,
            from,
            to,
            by_children,
            explain,
            runs,
        } => one_report_bench(db, unit, &from, &to, by_children, explain.as_deref(), runs),
        BenchCommand::Classify { n, results } => classify_bench(n, &results),
        BenchCommand::Mixed {
            clerks,
            managers,
            secs,
            results,
        } => crate::mixed::run(national()?, clerks, managers, secs, &results),
        BenchCommand::Import {
            dir,
            supports,
            results,
        } => crate::imports::run(&dir, supports, &results),
        BenchCommand::Saves { saves, results } => crate::saves::run(national()?, saves, &results),
        BenchCommand::Signing {
            year,
            runs,
            results,
        } => crate::signing::run(national()?, year, runs, &results),
        BenchCommand::Lasting {
            as_of,
            runs,
            results,
        } => crate::national::lasting(national()?, &as_of, runs, &results),
        BenchCommand::Reviews {
            province,
            year,
            rows,
            results,
        } => crate::reviews::run(&crate::reviews::Args {
            db: db.ok_or_else(|| {
                anyhow::anyhow!("--db URL: the database with the national data set")
            })?,
            province,
            year,
            rows,
            results: &results,
        }),
        BenchCommand::Households {
            households,
            backend,
            results,
        } => households_bench(households, backend, &results),
        BenchCommand::Gen { scale, out, seed } => {
            let started = Instant::now();
            let m = synth::national::generate(
                &importer::vn::Sources::embedded()
                    .communes_2025()
                    .map_err(|e| anyhow::anyhow!(e))?,
                scale,
                seed,
                &out,
            )?;
            println!(
                "{} dòng / rows in {} ({:.1} s): {}",
                m.total_rows(),
                out.display(),
                started.elapsed().as_secs_f64(),
                m.rows
                    .iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
        BenchCommand::Reports {
            runs,
            backend,
            results,
        } => reports_bench(runs, backend, &results),
        BenchCommand::Hostile { backend, results } => {
            let backends: &[store::Backend] = match backend {
                BenchBackend::Sqlite => &[store::Backend::Sqlite],
                BenchBackend::Postgres => &[store::Backend::Postgres],
                BenchBackend::Both => &[store::Backend::Sqlite, store::Backend::Postgres],
            };
            crate::hostile::run(backends, &results)
        }
        BenchCommand::Run {
            scale,
            dir,
            runs,
            results,
        } => crate::national::run(&crate::national::Args {
            dir: dir.unwrap_or_else(|| {
                std::path::PathBuf::from(format!("target/bench/national-{scale}"))
            }),
            scale,
            runs,
            results,
        }),
    }
}

fn one_report_bench(
    db: Option<&str>,
    unit: String,
    from: &str,
    to: &str,
    by_children: bool,
    explain: Option<&str>,
    runs: usize,
) -> anyhow::Result<ExitCode> {
    let day = |s: &str| {
        domain::Date::parse(s).map_err(|_| anyhow::anyhow!("ngày không hợp lệ / bad date: {s}"))
    };
    let req = reports::Request {
        unit,
        from: day(from)?,
        to: day(to)?,
        structure_date: None,
    };
    let db = db.ok_or_else(|| anyhow::anyhow!("--db is needed: the database to time"))?;
    let mut db = store::open(db)?;
    let mut records = 0;
    let mut ask = || -> anyhow::Result<f64> {
        let t = Instant::now();
        match explain {
            Some(code) => {
                records = reports::compute(&mut db, &req, Some(code))?
                    .evidence()
                    .len();
            }
            None => {
                serde_json::to_string(&reports::run(&mut db, &req, by_children)?)?;
            }
        }
        Ok(t.elapsed().as_secs_f64() * 1000.0)
    };
    let first = ask()?;
    let samples: Vec<f64> = (0..runs.max(1))
        .map(|_| ask())
        .collect::<anyhow::Result<_>>()?;
    let each: Vec<String> = samples.iter().map(|ms| format!("{ms:.1}")).collect();
    let what = match explain {
        Some(code) => format!(", drill-down {code} ({records} records)"),
        None if by_children => " by children".to_owned(),
        None => String::new(),
    };
    println!(
        "report {} {from}…{to}{what}: first {first:.1} ms, then median {:.1} ms of {} ({})",
        req.unit,
        median_ms(samples.clone()),
        samples.len(),
        each.join(" ")
    );
    Ok(ExitCode::SUCCESS)
}

fn classify_bench(n: usize, results: &Path) -> anyhow::Result<ExitCode> {
    let std = national::decree_07_2021();
    let mut rng = Rng::new(42);
    let classes = [Class::Poor, Class::NearPoor, Class::Average, Class::NotPoor];
    let inputs: Vec<(i64, Vec<String>, Area)> = (0..n.min(100_000))
        .map(|i| {
            let urban = i % 5 == 0;
            let (income, deps) = gen::profile(&mut rng, classes[i % 4], urban);
            (
                income,
                deps.iter().map(|d| (*d).to_owned()).collect(),
                if urban { Area::Urban } else { Area::Rural },
            )
        })
        .collect();
    let started = Instant::now();
    let mut poor = 0usize;
    for i in 0..n {
        let (income, deps, area) = &inputs[i % inputs.len()];
        let c = classify(&std, *income, deps, *area).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        poor += usize::from(c.class == Class::Poor);
    }
    let secs = started.elapsed().as_secs_f64();
    let rate = n as f64 / secs;
    let body = format!(
        "- {n} classifications (with the Vietnamese explanation) in {secs:.2} s on one thread: **{rate:.0} assessments/s** ({poor} poor)\n- command: `cargo run --release -p donghanh-bench -- classify --n {n}`\n"
    );
    print!("{body}");
    record(results, "Classification throughput (issue 3)", &body)?;
    Ok(ExitCode::SUCCESS)
}

fn households_bench(n: usize, backend: BenchBackend, results: &Path) -> anyhow::Result<ExitCode> {
    let backends = match backend {
        BenchBackend::Both => {
            // One process per backend, so that each peak memory figure is its own.
            let exe = std::env::current_exe()?;
            let mut body = String::new();
            for b in ["sqlite", "postgres"] {
                let out = std::process::Command::new(&exe)
                    .args([
                        "bench",
                        "households",
                        "--households",
                        &n.to_string(),
                        "--backend",
                        b,
                        "--results",
                    ])
                    .arg(results)
                    .output()?;
                anyhow::ensure!(
                    out.status.success(),
                    "{b}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                body.push_str(&String::from_utf8_lossy(&out.stdout));
            }
            body.push_str(&format!(
                "- command: `cargo run --release -p donghanh-bench -- households --households {n}`\n"
            ));
            record(
                results,
                &format!("Household import, {n} households (issue 3)"),
                &body,
            )?;
            print!("{body}");
            return Ok(ExitCode::SUCCESS);
        }
        BenchBackend::Sqlite => store::Backend::Sqlite,
        BenchBackend::Postgres => store::Backend::Postgres,
    };
    let dir = std::env::temp_dir().join(format!("donghanh-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (members, assessments) = write_households(&dir, n)?;
    let scratch = testkit::scratch::Scratch::new(backends)?;
    let mut db = store::open(&scratch.url)?;
    let started = Instant::now();
    let plan =
        importer::vn::plan(&importer::vn::Sources::embedded()).map_err(|e| anyhow::anyhow!(e))?;
    importer::import_tables(
        &mut db,
        plan.tables,
        Vec::new(),
        &importer::Options::default(),
    )?;
    let units_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let s = importer::import_paths(
        &mut db,
        std::slice::from_ref(&dir),
        &importer::Options::default(),
    )?;
    let secs = started.elapsed().as_secs_f64();
    std::fs::remove_dir_all(&dir)?;
    let rows = s.rows_read as f64;
    let line = format!(
        "- {}: {n} households + {members} members + {assessments} assessments ({} rows) imported in **{secs:.1} s** ({:.0} rows/s, every check and classification included); national units first: {units_secs:.1} s; process peak memory {} MB\n",
        backends.name(),
        s.rows_read,
        rows / secs,
        peak_mb()
    );
    print!("{line}");
    Ok(ExitCode::SUCCESS)
}

/// Writes households.csv, members.csv and assessments.csv spread over the 2025 communes.
fn write_households(dir: &Path, n: usize) -> anyhow::Result<(usize, usize)> {
    let communes = importer::vn::Sources::embedded()
        .communes_2025()
        .map_err(|e| anyhow::anyhow!(e))?;
    let mut rng = Rng::new(2024);
    let mut hh_rows = Vec::with_capacity(n);
    let mut member_rows = Vec::with_capacity(n * 3);
    let mut assessment_rows = Vec::with_capacity(n * 2);
    for i in 0..n {
        let place = gen::Place {
            unit_code: communes[i % communes.len()].clone(),
            poverty_rate: 0.05 + (i % 7) as f64 * 0.02,
            upland: i % 9 == 0,
            urban: i % 6 == 0,
        };
        let h = gen::make(&mut rng, &place, "B", i, 1)
            .pop()
            .expect("one household");
        hh_rows.push(gen::household_row(&h, "2025-07-15"));
        member_rows.extend(gen::member_rows(&mut rng, &h, i, 2));
        let (income, deps) = gen::profile(&mut rng, h.baseline, h.urban);
        assessment_rows.push(gen::assessment_row(
            &h,
            2025,
            "official",
            "2025-12-10",
            income,
            &deps,
        ));
        let later = if h.baseline == Class::Poor && rng.chance(0.3) {
            Class::NearPoor
        } else {
            h.baseline
        };
        let (income, deps) = gen::profile(&mut rng, later, h.urban);
        assessment_rows.push(gen::assessment_row(
            &h,
            2026,
            "provisional",
            "2026-09-15",
            income,
            &deps,
        ));
    }
    let (m, a) = (member_rows.len(), assessment_rows.len());
    gen::write_csv(
        &dir.join("households.csv"),
        &domain::contract::HOUSEHOLDS.header(),
        hh_rows,
    )?;
    gen::write_csv(
        &dir.join("members.csv"),
        &domain::contract::MEMBERS.header(),
        member_rows,
    )?;
    gen::write_csv(
        &dir.join("assessments.csv"),
        &domain::contract::ASSESSMENTS.header(),
        assessment_rows,
    )?;
    Ok((m, a))
}

/// The process's peak resident memory (VmHWM), in MB.
fn peak_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<u64>().ok())
            })
        })
        .map_or(0, |kb| kb / 1024)
}

/// Replaces (or appends) the section `## {title}` of the results file.
pub fn record(path: &Path, title: &str, body: &str) -> anyhow::Result<()> {
    let old = std::fs::read_to_string(path).unwrap_or_else(|_| {
        "# Benchmark results\n\nMachine: 2 cores, 24 GiB (the project's standard machine). Every figure comes from a command shown under it; data is synthetic.\n".to_owned()
    });
    let head = format!("## {title}\n");
    let mut out = String::new();
    let mut skipping = false;
    for line in old.lines() {
        if line.starts_with("## ") {
            skipping = line == head.trim_end();
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str(&format!("\n{head}\n{body}"));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, out.replace("\n\n\n", "\n\n"))?;
    Ok(())
}

/// The sample at fraction `p` (0.5: the median, 0.99: p99) of `samples`.
pub fn percentile(mut samples: Vec<f64>, p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples.get(at).copied().unwrap_or(f64::NAN)
}

pub fn median_ms(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn time_runs(runs: usize, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<f64> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        f()?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(median_ms(samples))
}

fn reports_bench(runs: usize, backend: BenchBackend, results: &Path) -> anyhow::Result<ExitCode> {
    let backends: Vec<store::Backend> = match backend {
        BenchBackend::Both => vec![store::Backend::Sqlite, store::Backend::Postgres],
        BenchBackend::Sqlite => vec![store::Backend::Sqlite],
        BenchBackend::Postgres => vec![store::Backend::Postgres],
    };
    let day = |y, m, d| domain::Date::from_ymd(y, m, d).expect("day");
    let mut body = String::new();
    for b in backends {
        let scratch = testkit::scratch::Scratch::new(b)?;
        let mut db = store::open(&scratch.url)?;
        donghanh::commands::demo::build(&mut db)?;
        let province = reports::Request {
            unit: "49".into(),
            from: day(2023, 1, 1),
            to: day(2023, 10, 31),
            structure_date: None,
        };
        // The commune with the most records: a mountain chapter.
        let commune = reports::Request {
            unit: "20437".into(),
            ..province.clone()
        };
        let after = reports::Request {
            unit: "48".into(),
            structure_date: Some(day(2025, 7, 1)),
            ..province.clone()
        };
        let mut line = |name: &str, ms: f64| {
            body.push_str(&format!(
                "- {}: {name}: **{ms:.1} ms** (median of {runs})\n",
                b.name()
            ));
        };
        let g = time_runs(runs, || {
            store::units::load_graph(&mut db)?;
            Ok(())
        })?;
        line("loading the unit graph (part of every report)", g);
        let graph = store::units::load_graph(&mut db)?;
        let s = time_runs(runs, || {
            let st = graph.structure_on(day(2023, 10, 31));
            let _ = st.roots.len();
            let _ = graph.resolve_all(day(2023, 10, 31));
            Ok(())
        })?;
        line(
            "tree and resolution on a structure date (part of every report)",
            s,
        );
        let p_json = time_runs(runs, || {
            serde_json::to_string(&reports::run(&mut db, &province, false)?)?;
            Ok(())
        })?;
        line("province 49, 2023-01-01…2023-10-31, JSON", p_json);
        let p_xlsx = time_runs(runs, || {
            reports::render::xlsx(&reports::run(&mut db, &province, true)?)?;
            Ok(())
        })?;
        line("province 49 by districts, XLSX", p_xlsx);
        let a_json = time_runs(runs, || {
            serde_json::to_string(&reports::run(&mut db, &after, false)?)?;
            Ok(())
        })?;
        line(
            "Đà Nẵng 48 on the 2025 structure, same period, JSON",
            a_json,
        );
        let c_json = time_runs(runs, || {
            serde_json::to_string(&reports::run(&mut db, &commune, false)?)?;
            Ok(())
        })?;
        line("one commune (20437), JSON", c_json);
        let c_xlsx = time_runs(runs, || {
            reports::render::xlsx(&reports::run(&mut db, &commune, true)?)?;
            Ok(())
        })?;
        line("one commune (20437), XLSX", c_xlsx);
        let drill = time_runs(runs, || {
            reports::compute(&mut db, &province, Some("hh_escaped"))?.evidence();
            Ok(())
        })?;
        line(
            "drill-down hh_escaped of the province (571 households)",
            drill,
        );
    }
    body.push_str(&format!(
        "- command: `cargo run --release -p donghanh-bench -- reports --runs {runs}`\n"
    ));
    print!("{body}");
    record(results, "Report latency on the demo data (issue 4)", &body)?;
    Ok(ExitCode::SUCCESS)
}
