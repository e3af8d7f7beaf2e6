//! Imports under the data contract: files (CSV, XLSX sheets) or whole directories, taken
//! in dependency order and applied in one transaction, all or nothing. A rejected import
//! writes nothing and returns every bad row (file, row, column, value, reason in
//! Vietnamese and English). Importing the same files twice changes nothing.

pub mod formats;
pub mod kinds;
pub mod limits;
pub mod metrics;
pub mod preview;
pub mod refusal;
pub mod report;
pub mod rules;
pub mod source;
pub mod template;
pub mod vn;

use crate::refusal::Refusal;
use kinds::Ctx;
pub use report::{Rejection, RowError};
use source::{Input, Table};
use std::path::PathBuf;
use std::sync::mpsc::SyncSender;
use store::keyed::Counts;
use store::{Db, StoreError};

#[derive(Clone)]
pub struct Options {
    /// Who the audit log names.
    pub actor: String,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
    /// When a signed-in user imports: rows outside the units she may write are refused.
    pub access: Option<std::sync::Arc<store::access::Access>>,
    /// Checked inside the import's transaction before anything is written; an error
    /// rejects the import (the web forms' "someone else saved first").
    pub guard: Option<Guard>,
    /// Every row must be new: a stored key is refused instead of replaced ("create").
    pub create_only: bool,
    /// Why a person makes this change (a correction or a deletion on a page or through
    /// the API): the audit keeps it with every row changed.
    pub reason: Option<String>,
}

pub type Guard = std::sync::Arc<dyn Fn(&mut Db) -> Result<(), Refusal> + Send + Sync>;

impl Default for Options {
    fn default() -> Options {
        Options {
            actor: "system".into(),
            dry_run: false,
            progress: false,
            access: None,
            guard: None,
            create_only: false,
            reason: None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub rows_read: u64,
    /// Per file kind, in the order imported.
    pub per_kind: Vec<(String, Counts)>,
    pub dry_run: bool,
    /// Rows accepted with something to look at again (written all the same).
    pub warnings: Vec<RowError>,
    /// A dry run's rows to add, change and delete, for the officer to read first.
    pub preview: preview::Preview,
}

impl Summary {
    pub fn total(&self) -> Counts {
        let mut t = Counts::default();
        for (_, c) in &self.per_kind {
            t += *c;
        }
        t
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("import rejected: {} error(s)", .0.errors.len())]
    Rejected(Rejection),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Internal: unwinds the transaction of a dry run.
    #[error("dry run")]
    DryRun,
}

/// Imports files and directories.
pub fn import_paths(
    db: &mut Db,
    paths: &[PathBuf],
    opts: &Options,
) -> Result<Summary, ImportError> {
    let mut errors = Vec::new();
    let inputs = source::open_paths(paths, &mut errors);
    import_inputs(db, inputs, errors, opts)
}

/// Rows per chunk of a streamed CSV file: parsed, checked and written before the next is
/// read, all in the import's one transaction.
const CHUNK_ROWS: usize = 100_000;

/// Kinds whose files may be taken a chunk at a time: every check of a row looks at the
/// row, the database (where earlier chunks already are) or the import's key hashes. The
/// others (units, lineage, targets…) are small and checked as a whole.
const STREAMED: &[&str] = &[
    "households",
    "members",
    "assessments",
    "assignments",
    "supports",
    "activities",
    "microinsurance",
];

/// Imports tables already read; `errors` holds problems found while reading.
///
/// The tables are in memory, so an import that lost a race with another write (a key or
/// an aggregate cell taken meanwhile, a deadlock) is run again, up to
/// [`CONFLICT_ATTEMPTS`] times, before the conflict is reported: the next run sees what
/// the other write committed (and a "create" then meets the key and says so).
pub fn import_tables(
    db: &mut Db,
    tables: Vec<Table>,
    errors: Vec<RowError>,
    opts: &Options,
) -> Result<Summary, ImportError> {
    for attempt in 1..CONFLICT_ATTEMPTS {
        let inputs = tables.iter().cloned().map(Input::Table).collect();
        let result = import_inputs(db, inputs, errors.clone(), opts);
        let lost_race = matches!(&result, Err(ImportError::Rejected(r))
            if r.errors.iter().any(|e| e.refusal == Refusal::WrittenMeanwhile));
        if !lost_race {
            return result;
        }
        tracing::info!(attempt, "import lost a race; running it again");
    }
    import_inputs(
        db,
        tables.into_iter().map(Input::Table).collect(),
        errors,
        opts,
    )
}

/// Runs of an in-memory import that lost a race before the conflict is reported.
pub const CONFLICT_ATTEMPTS: u32 = 3;

/// An import in its span, with one line for the operator on how it ended (counts and
/// time, never the rows' content).
fn import_inputs(
    db: &mut Db,
    tables: Vec<Input>,
    errors: Vec<RowError>,
    opts: &Options,
) -> Result<Summary, ImportError> {
    let span = tracing::info_span!("import", inputs = tables.len(), dry_run = opts.dry_run);
    let _entered = span.enter();
    let started = std::time::Instant::now();
    let result = import_checked(db, tables, errors, opts);
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match &result {
        Ok(s) if s.dry_run => {}
        Ok(s) => {
            metrics::committed(s.rows_read);
            let t = s.total();
            tracing::info!(
                rows = s.rows_read,
                inserted = t.inserted,
                updated = t.updated,
                unchanged = t.unchanged,
                elapsed_ms,
                "import committed"
            );
        }
        Err(ImportError::Rejected(r)) => {
            metrics::rejected();
            tracing::info!(
                errors = r.total(),
                elapsed_ms,
                "import rejected, nothing written"
            );
        }
        Err(e) => {
            metrics::failed();
            tracing::error!(cause = %e, elapsed_ms, "import failed, nothing written");
        }
    }
    result
}

fn import_checked(
    db: &mut Db,
    tables: Vec<Input>,
    mut errors: Vec<RowError>,
    opts: &Options,
) -> Result<Summary, ImportError> {
    for t in &tables {
        if kinds::find(t.kind()).is_none() {
            let known: Vec<&str> = kinds::all().iter().map(|k| k.spec().kind).collect();
            errors.push(RowError {
                value: t.kind().to_owned(),
                ..RowError::whole(
                    t.source(),
                    Refusal::UnknownKind {
                        kind: t.kind().to_owned(),
                        known,
                    },
                )
            });
        }
    }
    let bar = progress_bar(opts.progress);
    let mut ctx = Ctx::new(&opts.actor);
    ctx.access = opts.access.clone();
    ctx.create_only = opts.create_only;
    ctx.reason = opts.reason.clone();
    ctx.preview.enabled = opts.dry_run;
    let sources: Vec<String> = tables.iter().map(Input::source).collect();
    let mut by_kind: std::collections::HashMap<String, Vec<Input>> =
        std::collections::HashMap::new();
    for t in tables {
        by_kind.entry(t.kind().to_owned()).or_default().push(t);
    }
    let mut dry_summary = None;
    // Errors past the report's limit, counted (`report::bound`).
    let mut omitted = 0usize;
    let result = db.transaction(|tx| -> Result<Summary, ImportError> {
        if let Some(guard) = &opts.guard {
            if let Err(refusal) = guard(tx) {
                return Err(ImportError::Rejected(Rejection::new(
                    vec![RowError::whole(String::new(), refusal)],
                    0,
                )));
            }
        }
        let mut summary = Summary {
            dry_run: opts.dry_run,
            ..Summary::default()
        };
        let mut to_delete: Deletions = Vec::new();
        for kind in kinds::all() {
            let spec = kind.spec();
            let Some(mine) = by_kind.remove(spec.kind) else {
                continue;
            };
            ctx.subject = spec.subject;
            bar.set_message(spec.kind);
            let mut counts = Counts::default();
            if !STREAMED.contains(&spec.kind) {
                // Small kinds: every file read first, checked as a whole.
                let mut whole: Vec<Table> = Vec::new();
                for input in mine {
                    let source = input.source();
                    let read = input.chunks(usize::MAX, |t| {
                        whole.push(t);
                        Ok::<(), std::convert::Infallible>(())
                    });
                    if let Ok(Err(refusal)) = read {
                        errors.push(RowError::whole(source, refusal));
                    }
                }
                let n: u64 = whole.iter().map(|t| t.rows.len() as u64).sum();
                let rows = kinds::parse_tables(spec, &whole, &mut errors);
                drop(whole);
                let batch = kinds::Batch {
                    db: tx,
                    rows,
                    ctx: &mut ctx,
                    errors: &mut errors,
                };
                counts += apply_writes(*kind, batch, &mut to_delete)?;
                summary.rows_read += n;
                bar.inc(n);
            } else {
                // Reading, parsing and de-duplicating need no database: one thread does
                // them for the next chunk while this one checks and writes the last.
                std::thread::scope(|scope| -> Result<(), ImportError> {
                    let (send, parsed) = std::sync::mpsc::sync_channel::<Parsed>(1);
                    scope.spawn(move || read_and_parse(spec, mine, &send));
                    for chunk in parsed {
                        errors.extend(chunk.errors);
                        let batch = kinds::Batch {
                            db: tx,
                            rows: chunk.rows,
                            ctx: &mut ctx,
                            errors: &mut errors,
                        };
                        counts += apply_writes(*kind, batch, &mut to_delete)?;
                        report::bound(&mut errors, &mut omitted);
                        summary.rows_read += chunk.read;
                        bar.inc(chunk.read);
                    }
                    Ok(())
                })?;
            }
            summary.per_kind.push((spec.kind.to_owned(), counts));
        }
        apply_deletions(tx, &mut ctx, &mut errors, to_delete, &mut summary)?;
        summary.warnings = std::mem::take(&mut ctx.warnings);
        summary.preview = std::mem::take(&mut ctx.preview);
        if !errors.is_empty() || omitted > 0 {
            return Err(ImportError::Rejected(Rejection::new(
                std::mem::take(&mut errors),
                omitted,
            )));
        }
        record_run(tx, &opts.actor, &sources, &summary)?;
        if opts.dry_run {
            // Roll back: the caller gets the summary of what would have changed.
            dry_summary = Some(summary);
            return Err(ImportError::DryRun);
        }
        Ok(summary)
    });
    bar.finish_and_clear();
    if let Ok(summary) = &result {
        refresh_statistics(db, summary)?;
    }
    match result {
        Err(ImportError::DryRun) => dry_summary.ok_or(ImportError::DryRun),
        // Another import committed the same key first: nothing of this one was written,
        // and the officer is told to try again (the retry sees the other's rows).
        Err(ImportError::Store(e)) if e.is_conflict() => {
            // Not the error itself: PostgreSQL's detail names the key's value.
            tracing::info!("import lost a race with another write (unique key or serialization)");
            Err(ImportError::Rejected(Rejection::new(
                vec![RowError::whole(String::new(), Refusal::WrittenMeanwhile)],
                0,
            )))
        }
        other => other,
    }
}

/// Rows an import writes from which the database's statistics are refreshed after it.
const REFRESH_AFTER: u64 = 10_000;

/// After a large import: the statistics of what it wrote, refreshed (PostgreSQL).
fn refresh_statistics(db: &mut Db, summary: &Summary) -> Result<(), StoreError> {
    let total = summary.total();
    if total.inserted + total.updated < REFRESH_AFTER {
        return Ok(());
    }
    let written: Vec<(&str, u64)> = summary
        .per_kind
        .iter()
        .filter(|(_, c)| c.inserted + c.updated > 0)
        .filter_map(|(kind, c)| Some((kinds::find(kind)?.table()?.table, c.inserted + c.updated)))
        .collect();
    store::aggregates::refresh_statistics(db, &written)
}

/// Deletions, kept for the end of the import.
type Deletions = Vec<(&'static dyn kinds::Kind, Vec<kinds::Fields>)>;

/// Applies a batch's writes; its rows marked `delete` wait in `deletions` (they run
/// after every write of the import, the dependent kinds first).
fn apply_writes(
    kind: &'static dyn kinds::Kind,
    mut batch: kinds::Batch<'_>,
    deletions: &mut Deletions,
) -> Result<Counts, StoreError> {
    let (mut writes, deletes) = kinds::delete::split(std::mem::take(&mut batch.rows));
    deletions.push((kind, deletes));
    if kind.table().is_none() {
        // The unit tree's rules read a file as a whole: its rows with a bad cell stay out.
        writes.retain(|r| !r.broken);
    }
    batch.rows = writes;
    kind.apply(batch)
}

/// Deletions last, the dependent kinds first (a household's members before it), each
/// counted with its kind.
fn apply_deletions(
    db: &mut Db,
    ctx: &mut Ctx,
    errors: &mut Vec<RowError>,
    deletions: Deletions,
    summary: &mut Summary,
) -> Result<(), StoreError> {
    for (kind, rows) in deletions.into_iter().rev() {
        if rows.is_empty() {
            continue;
        }
        ctx.subject = kind.spec().subject;
        let batch = kinds::Batch {
            db,
            rows,
            ctx,
            errors,
        };
        let deleted = kinds::delete::delete_rows(kind, batch)?;
        if let Some((_, c)) = summary
            .per_kind
            .iter_mut()
            .find(|(k, _)| k == kind.spec().kind)
        {
            *c += deleted;
        }
    }
    Ok(())
}

/// A chunk of a streamed file, read and parsed: the rows that passed the general rules
/// and were not seen before in this import, and the errors found on the way.
struct Parsed {
    read: u64,
    rows: Vec<kinds::Fields>,
    errors: Vec<RowError>,
}

/// Reads the files of one kind a chunk at a time and sends each chunk parsed. Stops when
/// the writer stops listening (it met an error of the database).
fn read_and_parse(spec: &'static kinds::Spec, inputs: Vec<Input>, send: &SyncSender<Parsed>) {
    let mut dedupe = kinds::Dedupe::default();
    for input in inputs {
        let source = input.source();
        let read = input.chunks(CHUNK_ROWS, |t| {
            let mut errors = Vec::new();
            let read = t.rows.len() as u64;
            let rows = kinds::parse_table(spec, &t, &mut errors);
            drop(t);
            let rows = dedupe.pass(spec, rows, &mut errors);
            // An error here: the writer has stopped listening.
            send.send(Parsed { read, rows, errors })
        });
        let file_error = match read {
            Ok(Ok(())) => continue,
            Ok(Err(refusal)) => RowError::whole(source.clone(), refusal),
            Err(_) => return,
        };
        let parsed = Parsed {
            read: 0,
            rows: Vec::new(),
            errors: vec![file_error],
        };
        if send.send(parsed).is_err() {
            return;
        }
    }
}

fn record_run(db: &mut Db, actor: &str, sources: &[String], s: &Summary) -> Result<(), StoreError> {
    let t = s.total();
    if t.inserted == 0 && t.updated == 0 && t.deleted == 0 {
        return Ok(()); // nothing changed: a repeated import leaves no trace either
    }
    store::audit::record_import_run(
        db,
        &store::audit::ImportRun {
            actor,
            sources: &sources.join(", "),
            rows_read: s.rows_read,
            inserted: t.inserted,
            updated: t.updated,
            unchanged: t.unchanged,
        },
    )?;
    for (kind, c) in &s.per_kind {
        if c.inserted as usize > store::keyed::ROW_AUDIT_LIMIT {
            // Inserted rows are their own record of the new value; one entry says who
            // added how many, when, from which files. Replacements are audited row by row.
            let new = serde_json::json!({"inserted": c.inserted, "sources": sources}).to_string();
            store::audit::record(
                db,
                &store::audit::Entry {
                    actor,
                    action: "import",
                    entity: kind,
                    key: "{}",
                    old: None,
                    new: Some(&new),
                    reason: None,
                },
            )?;
        }
    }
    Ok(())
}

/// Rows are counted as they are read (a streamed file's length is not known before).
fn progress_bar(show: bool) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg:>14} {pos} dòng ({per_sec})")
    {
        bar.set_style(style);
    }
    bar
}
