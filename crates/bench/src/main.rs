//! `donghanh-bench`: the benchmarks. Each prints its figures and records them in a
//! results file (a section per benchmark, replaced on each run). Timing lives here, never
//! in the test suite, and never in the product binary.

mod hostile;
mod imports;
mod micro;
mod mixed;
mod national;
mod reviews;
mod saves;
mod signing;

use clap::{Parser, Subcommand, ValueEnum};

/// The product binary's allocator (see crates/app/src/main.rs), so that what is timed in
/// this process allocates as the product does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "donghanh-bench",
    version,
    about = "Benchmarks of donghanh: print figures and record them in bench/results.md"
)]
struct Cli {
    /// Database for `report` (an SQLite file or a postgres:// URL).
    #[arg(long, global = true, env = "DONGHANH_DB")]
    db: Option<String>,
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(Subcommand, Debug)]
enum BenchCommand {
    /// Classification throughput: synthetic assessments classified per second on one core.
    Classify {
        #[arg(long, default_value_t = 2_000_000)]
        n: usize,
        #[arg(long, default_value = "bench/results.md")]
        results: PathBuf,
    },
    /// Import of synthetic households (3 members and 2 assessments each) on a fresh
    /// database with the national units.
    Households {
        #[arg(long, default_value_t = 100_000)]
        households: usize,
        #[arg(long, value_enum, default_value_t = BenchBackend::Both)]
        backend: BenchBackend,
        #[arg(long, default_value = "bench/results.md")]
        results: PathBuf,
    },
    /// Write the national benchmark data set (contract CSV files over the 2025 structure;
    /// scale 1 ≈ 2 M households, 5 M members, 10 M assessments, 20 M supports and
    /// activities) and a manifest of its totals. Load `units load-vn` first, then import.
    Gen {
        #[arg(long, default_value_t = 0.01)]
        scale: f64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 2025)]
        seed: u64,
    },
    /// The national benchmark: generate (once) the data set of `--scale` into `--dir`,
    /// import it into SQLite and PostgreSQL, time the national, a province's and a
    /// commune's report cold and warm and a drill-down, ask DuckDB (installed from PyPI
    /// when missing) and plain SQL on PostgreSQL the same question, check that every
    /// answer agrees and record the figures and ratios.
    Run {
        #[arg(long, default_value_t = 0.1)]
        scale: f64,
        /// Where the generated files and the SQLite database go (default
        /// target/bench/national-SCALE).
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long, default_value_t = 7)]
        runs: usize,
        #[arg(long, default_value = "bench/results.md")]
        results: PathBuf,
    },
    /// Warm latency of one report on the database given with --db (yours, or one that
    /// `run` left): asked once to warm the caches, then timed `--runs` times;
    /// prints the median and each run (records nothing).
    Report {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// One row per child of the unit as well.
        #[arg(long)]
        by_children: bool,
        /// Time the drill-down of this indicator instead (the records behind it).
        #[arg(long)]
        explain: Option<String>,
        #[arg(long, default_value_t = 15)]
        runs: usize,
    },
    /// Hostile files (`synth::hostile`) through the command line and a running server:
    /// how each is refused and the peak memory it costs, per backend.
    Hostile {
        #[arg(long, value_enum, default_value_t = BenchBackend::Both)]
        backend: BenchBackend,
        #[arg(long, default_value = "bench/results.md")]
        results: PathBuf,
    },
    /// Sign-off at national scale, on the database given with --db (the national data
    /// set): every commune of a province submits a year and is approved one by one, then
    /// the write path is timed with the locks (dry runs; the reviews are removed after).
    Reviews {
        /// The province (default: the one with the most communes).
        #[arg(long)]
        province: Option<String>,
        #[arg(long, default_value_t = 2027)]
        year: i32,
        /// Supports in the file checked against the locks.
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
        #[arg(long, default_value = "bench/results.md")]
        results: PathBuf,
    },
    /// `report lasting` at national scale, on the databases given with --db (comma
    /// separated: the national data set imported into SQLite and PostgreSQL): the
    /// nation's, the busiest province's and its busiest commune's report, warm, and the
    /// commune's at-risk list alone; the goals of issue 26 beside each figure.
    Lasting {
        #[arg(long, default_value = "2027-12-31")]
        as_of: String,
        #[arg(long, default_value_t = 7)]
        runs: usize,
        #[arg(long, default_value = "bench/results.md")]
        results: PathBuf,
    },
    /// Breakdowns and sealed reports at national scale, on the databases given with
    /// --db (comma separated: the national data set in SQLite and PostgreSQL): the
    /// nation's and the busiest province's breakdown by each dimension, warm; what
    /// `report_slices` keeps; what an approval's seal keeps and costs (rolled back).
    Signing {
        #[arg(long, default_value_t = 2027)]
        year: i32,
        #[arg(long, default_value_t = 7)]
        runs: usize,
        #[arg(long, default_value = "bench/results.md")]
        results: PathBuf,
    },
    /// A form's save at national scale, on the databases given with --db (comma
    /// separated: the national data set in SQLite and PostgreSQL): a commune clerk saves
    /// supports one at a time as the form does; the server's time per save.
    Saves {
        #[arg(long, default_value_t = 200)]
        saves: usize,
        #[arg(long, default_value = "bench/results.md")]
        results: PathBuf,
    },
    /// Month end at national scale through the real server, on the databases given with
    /// --db: clerks saving supports while managers read dashboards and reports.
    Mixed {
        #[arg(long, default_value_t = 50)]
        clerks: usize,
        #[arg(long, default_value_t = 20)]
        managers: usize,
        #[arg(long, default_value_t = 60)]
        secs: u64,
        #[arg(long, default_value = "bench/results.md")]
        results: PathBuf,
    },
    /// Import throughput on a generated data set (`gen`), both backends: the whole import
    /// (rows/s, peak memory) beside the raw load of the same files (sqlite3's `.import`,
    /// psql's `\copy`), and a supports file into the national database against one of the
    /// units and households alone.
    Import {
        #[arg(long)]
        dir: PathBuf,
        /// Supports in the file imported into a full and a nearly empty database.
        #[arg(long, default_value_t = 100_000)]
        supports: usize,
        #[arg(long, default_value = "bench/results.md")]
        results: PathBuf,
    },
    /// Report latency on the demo data: the province and one commune (JSON, XLSX), a
    /// drill-down; median of several runs, both backends.
    Reports {
        #[arg(long, default_value_t = 15)]
        runs: usize,
        #[arg(long, value_enum, default_value_t = BenchBackend::Both)]
        backend: BenchBackend,
        #[arg(long, default_value = "bench/results.md")]
        results: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum BenchBackend {
    Sqlite,
    Postgres,
    Both,
}

fn main() -> ExitCode {
    // A child process of the national benchmark: the product's own command line, run
    // in-process so that what is timed is exactly what an officer runs.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(national::PRODUCT) {
        let product = std::iter::once("donghanh".to_owned()).chain(args.into_iter().skip(2));
        return donghanh::run(<donghanh::cli::Cli as Parser>::parse_from(product));
    }
    let cli = Cli::parse();
    match micro::run(cli.db.as_deref(), cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Lỗi / Error: {e:#}");
            ExitCode::from(1)
        }
    }
}
