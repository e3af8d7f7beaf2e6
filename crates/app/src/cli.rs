//! The command line.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "donghanh",
    version,
    about = "Đồng Hành: hồ sơ hộ, chương trình hỗ trợ và báo cáo giảm nghèo của Hội LHPN Việt Nam",
    long_about = "Đồng Hành (donghanh) keeps the Women's Union's records of households, poverty \
assessments and support, and computes every reported figure from them.\n\n\
The database is an SQLite file (default: donghanh.sqlite) or a postgres:// URL."
)]
pub struct Cli {
    /// Database: a path to an SQLite file, or a postgres:// URL.
    #[arg(long, global = true, env = "DONGHANH_DB")]
    pub db: Option<String>,
    /// Configuration file (TOML with `db` and `addr`); default ./donghanh.toml if present.
    #[arg(long, global = true, env = "DONGHANH_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the database (or bring its schema up to date).
    Init,
    /// Import contract files (CSV or XLSX) or directories of them, all or nothing.
    Import {
        /// Files or directories; a directory is imported in dependency order.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Where to write the row-level error report (CSV) when the import is rejected.
        #[arg(long, default_value = "import-errors.csv")]
        errors: PathBuf,
        /// Check everything and report, but write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// The union's units: load Vietnam's units, show the tree on a date.
    Units {
        #[command(subcommand)]
        command: UnitsCommand,
    },
    /// A report for a unit, period and structure date (every figure from the records).
    Report(ReportArgs),
    /// Households: show one, search, list likely duplicates, edit.
    Household {
        #[command(subcommand)]
        command: HouseholdCommand,
    },
    /// Poverty standards: list them, add a province's own.
    Standard {
        #[command(subcommand)]
        command: StandardCommand,
    },
    /// Build the demo database (national units, a synthetic Quảng Nam 2022–2025 that
    /// reproduces the province's published 2023 report) and serve the web app.
    Demo {
        /// Build the data only; do not start the server.
        #[arg(long)]
        no_serve: bool,
        #[arg(long, env = "DONGHANH_ADDR")]
        addr: Option<String>,
    },
    /// Projects: enrolment, composition check, budget against supports.
    Project {
        #[command(subcommand)]
        command: ProjectCommand,
    },
    /// Accounts of the web app.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The import file formats (every file kind's columns, types, keys and vocabularies,
    /// and the indicators), generated from the definitions the importer checks.
    Formats {
        #[arg(long, value_enum, default_value_t = FormatsFormat::Md)]
        format: FormatsFormat,
    },
    /// Whole databases: copy one to another, of either backend.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// A consistent copy of the database while the app runs: SQLite's online copy
    /// (`VACUUM INTO`), or `pg_dump`'s custom format for PostgreSQL.
    Backup {
        /// The backup file to write (it must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Put a backup back: SQLite's file into place (the app stopped), or `pg_restore`
    /// into the PostgreSQL database. The backup is checked before anything is replaced.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// Replace an existing SQLite file (it is kept beside as FILE.before-restore).
        #[arg(long)]
        replace: bool,
    },
    /// Serve the web app.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "DONGHANH_ADDR")]
        addr: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Copy everything (units, lineage, standards, records, targets, users, the audit
    /// log; not sessions) from one database into a new one of either backend, then check
    /// that every table's rows and every year's national report agree.
    Copy {
        /// The database to copy (an SQLite file or a postgres:// URL).
        #[arg(long)]
        from: String,
        /// The new database (it must hold no unit, household or user).
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum UnitsCommand {
    /// Load Vietnam's units before (2020) and after (2025-07-01) the reform, with lineage.
    LoadVn {
        /// Folder with the three reference CSVs (default: the copy built into the binary).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Where to write the names in the 2025 notes that could not be matched.
        #[arg(long, default_value = "unmatched-communes.csv")]
        unmatched: PathBuf,
    },
    /// Show the tree of units as it stands on a date.
    Tree {
        /// Show only this unit and what is below it.
        #[arg(long)]
        root: Option<String>,
        /// The structure date (YYYY-MM-DD or DD/MM/YYYY); default today.
        #[arg(long)]
        date: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Show at most this many levels below the root (text only).
        #[arg(long)]
        depth: Option<usize>,
    },
    /// What became of a unit: its versions, predecessors and successors.
    History { code: String },
    /// The 2025 lineage left for a person: names no old unit matched, old communes linked
    /// by a neighbour guess. With --confirm or --link, take a decision (kept across
    /// reruns of load-vn).
    Review {
        /// Confirm the guessed link FROM → TO as it is.
        #[arg(long, num_args = 2, value_names = ["FROM", "TO"])]
        confirm: Option<Vec<String>>,
        /// Link old unit FROM to new unit TO (it replaces FROM's guessed links).
        #[arg(long, num_args = 2, value_names = ["FROM", "TO"], conflicts_with = "confirm")]
        link: Option<Vec<String>>,
        /// The share of FROM that went to TO (with --link; default the whole unit).
        #[arg(long, default_value_t = 1.0)]
        share: f64,
        /// The question it answers: NEW_CODE|NAME AS WRITTEN (with --link).
        #[arg(long)]
        resolves: Option<String>,
        /// How many open items of each list to show.
        #[arg(long, default_value_t = 20)]
        show: i64,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum FormatsFormat {
    Md,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ReportQuery {
    /// The unit reported on (its code on the structure date).
    #[arg(long, required = true)]
    pub unit: Option<String>,
    /// First day of the period (YYYY-MM-DD or DD/MM/YYYY).
    #[arg(long, required = true)]
    pub from: Option<String>,
    /// Last day of the period.
    #[arg(long, required = true)]
    pub to: Option<String>,
    /// The tree to count against (default: the last day of the period).
    #[arg(long)]
    pub structure_date: Option<String>,
}

#[derive(clap::Args, Debug)]
#[command(subcommand_negates_reqs = true, args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(flatten)]
    pub query: ReportQuery,
    #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
    pub format: ReportFormat,
    /// One row per child unit (and what the unit recorded itself), then the total.
    #[arg(long)]
    pub by_children: bool,
    /// CSV for programs: the contract's codes as headers, commas and a decimal point
    /// (without it, CSV is for Excel in Vietnam: a BOM, Vietnamese headers, semicolons).
    #[arg(long)]
    pub codes: bool,
    /// Write to this file instead of standard output (XLSX needs a file).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<ReportCommand>,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// The records behind one figure.
    Explain {
        /// The indicator's code (hh_escaped, …).
        #[arg(long)]
        indicator: String,
        #[command(flatten)]
        query: ReportQuery,
    },
    /// Did the escapes last: cohorts followed up one, two and three years later, the
    /// helped against the other households, spend per (lasting) escape, households at
    /// risk, and the year's forecast (data contract v1.2).
    Lasting {
        /// The unit reported on (its code on the structure date).
        #[arg(long)]
        unit: String,
        /// What the report knows: nothing dated after this day.
        #[arg(long)]
        as_of: String,
        /// The tree to count against (default: the as-of date).
        #[arg(long)]
        structure_date: Option<String>,
        #[arg(long, value_enum, default_value_t = LastingFormat::Json)]
        format: LastingFormat,
        /// List the households behind one figure (`cohort:2023`, `held:2023:2`,
        /// `assigned_escaped:2023`, `at_risk`…) instead of the report.
        #[arg(long)]
        figure: Option<String>,
        /// Write to this file instead of standard output (XLSX needs a file).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum LastingFormat {
    Json,
    /// In Vietnamese, as a leader reads it.
    Text,
    Xlsx,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Json,
    Csv,
    Xlsx,
    /// The report as the union prints it, as a page to print.
    Html,
    /// The report as the union prints it (A4, the fonts embedded).
    Pdf,
    /// A Vietnamese narrative summary.
    Text,
}

#[derive(Subcommand, Debug)]
pub enum HouseholdCommand {
    /// A household: members, status history with explanations, events, assignments.
    Show {
        code: String,
        /// Show citizen IDs and phones in full (the access is logged).
        #[arg(long)]
        full: bool,
    },
    /// Find households by name without diacritics, by citizen ID or by phone.
    Search {
        query: String,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Likely duplicates: one citizen ID in two households, the same name and birth year
    /// in two households of a commune, a household assigned to two chapters in a year.
    Duplicates {
        /// Only within this unit (default: everything).
        #[arg(long)]
        unit: Option<String>,
        /// The structure date that decides communes (default: today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Change fields of a household: `household set H001 head_name="Lê Thị Lan" area=urban`.
    /// Checked like an import, audited (old → new).
    Set {
        code: String,
        #[arg(required = true)]
        changes: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum StandardCommand {
    /// The standards with their dates, lines and indicators.
    List,
    /// Add (or replace) a standard from a TOML file; a province's own standard applies to
    /// its households within its dates.
    Add { file: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum ProjectCommand {
    /// A project: its households, communes covered, the disadvantaged share against its
    /// minimum, and its budget against the supports recorded under its code.
    Show {
        code: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user; without --password one is generated and printed (to change at first login).
    Add {
        username: String,
        /// admin, manager, clerk or viewer.
        #[arg(long)]
        role: String,
        /// The unit she works for (her subtree is what she sees).
        #[arg(long)]
        unit: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// List users.
    List,
}
