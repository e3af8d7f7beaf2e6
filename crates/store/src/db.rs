//! One connection type over two engines. Queries are written once, with `?`
//! placeholders and portable SQL; PostgreSQL gets them rewritten to `$1, $2, …`.
//! Everything is synchronous: the web layer calls it from blocking threads.

use crate::{Row, StoreError};
use domain::Date;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(target: &str) -> Backend {
        if target.starts_with("postgres://") || target.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A value crossing the storage boundary. Dates travel as `YYYY-MM-DD` text, money and
/// counts as 64-bit integers.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// `type => |v| value` for each Rust type a statement's parameter may be.
macro_rules! value_from {
    ($($ty:ty => |$v:ident| $e:expr;)*) => {$(
        impl From<$ty> for Value {
            fn from($v: $ty) -> Value {
                $e
            }
        }
    )*};
}

value_from! {
    i64 => |v| Value::Int(v);
    i32 => |v| Value::Int(v.into());
    bool => |v| Value::Int(v.into());
    f64 => |v| Value::Real(v);
    &str => |v| Value::Text(v.to_owned());
    String => |v| Value::Text(v);
    &String => |v| Value::Text(v.clone());
    Date => |v| Value::Text(v.to_string());
    domain::units::VersionId => |v| Value::Int(v.0);
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl Value {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// A unit version's id (a stored `unit_id`).
    pub fn as_unit(&self) -> Option<domain::units::VersionId> {
        self.as_int().map(domain::units::VersionId)
    }

    /// The value as JSON, for audit records.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Int(i) => (*i).into(),
            Value::Real(f) => (*f).into(),
            Value::Text(s) => s.clone().into(),
        }
    }
}

/// Builds a parameter list: `params![a, b, c]`.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => { &[$($crate::Value::from($v)),*] as &[$crate::Value] };
}

/// Work the layer above the engine keeps for the open transaction and does just before
/// COMMIT, inside it (the report aggregates: `aggregates::Pending`). The engine knows
/// only this trait, not what the work is.
pub trait BeforeCommit: Send + 'static {
    fn before_commit(self: Box<Self>, db: &mut Db) -> Result<(), StoreError>;
    fn as_any(&mut self) -> &mut dyn std::any::Any;
}

/// PostgreSQL statements one connection keeps prepared.
const PG_STATEMENTS_KEPT: usize = 512;

/// How long an SQLite writer waits for another one before giving up.
const SQLITE_BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Client>),
}

/// A connection to either engine.
pub struct Db {
    conn: Conn,
    /// PostgreSQL statements prepared once per connection, keyed by the portable SQL.
    pg_statements: HashMap<String, postgres::Statement>,
    /// PostgreSQL: per table, the rows this connection inserted, how many there were at
    /// its last ANALYZE here, and the planner's count of the table's rows when it first
    /// grew here (see `grew`).
    pg_growth: HashMap<String, (u64, u64, u64)>,
    target: String,
    /// What the write path keeps for the open transaction, done before COMMIT.
    before_commit: Option<Box<dyn BeforeCommit>>,
    in_transaction: bool,
    /// SQLite: the functions of two texts added to this connection's SQL.
    sqlite_functions: Vec<&'static str>,
}

/// A function of two texts that SQL statements can call (see
/// [`Db::sqlite_text_function`]); its error is the statement's.
pub type TextFunction = fn(&str, &str) -> Result<String, String>;

impl Db {
    /// Opens `target`: a `postgres://` URL, or a path to an SQLite file (created with its
    /// folder on first use).
    pub fn open(target: &str) -> Result<Db, StoreError> {
        let conn = match Backend::of(target) {
            Backend::Postgres => {
                let cannot = |e: String| StoreError::Connect(target.to_owned(), e);
                let tls = crate::tls::parse(target).map_err(cannot)?;
                let connector = crate::tls::connector(&tls).map_err(cannot)?;
                let mut client = postgres::Client::connect(&tls.url, connector)
                    .map_err(|e| cannot(e.to_string()))?;
                // Statements are prepared once per connection. After five runs PostgreSQL
                // may switch to a plan made without the parameters' values, which for a
                // date range and a list of units picks the date index and reads the
                // nation's year to find one province's records; planning each run with
                // its values costs far less than that.
                //
                // PostgreSQL's default cost of a random page read (4, four times a
                // sequential one) is a spinning disk's. With it, a province's report read
                // the assignments of its 900 unit versions by scanning the whole table
                // (10 ms a query) and each 500 households' assessments through the date
                // index (7 ms) instead of their own indexes (1.2 ms each). Where an
                // operator has set another value, hers stands.
                client
                    .batch_execute(
                        "SET plan_cache_mode = force_custom_plan; \
                         SELECT set_config('random_page_cost', '1.1', false) \
                         WHERE current_setting('random_page_cost') = '4'",
                    )
                    .map_err(|e| StoreError::Connect(target.to_owned(), e.to_string()))?;
                Conn::Postgres(Box::new(client))
            }
            Backend::Sqlite => {
                let path = std::path::Path::new(target);
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| StoreError::Connect(target.to_owned(), e.to_string()))?;
                }
                let c = rusqlite::Connection::open(path)
                    .map_err(|e| StoreError::Connect(target.to_owned(), e.to_string()))?;
                // Writers wait for each other instead of failing with "database is
                // locked": set before anything else touches the file (the journal mode
                // pragma below needs a lock too), and long enough for a large import
                // of another process to commit.
                c.busy_timeout(SQLITE_BUSY_WAIT)?;
                // WAL lets readers go on during an import; synchronous=FULL makes every
                // commit durable, so a crash loses nothing that was committed.
                c.execute_batch(
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; \
                     PRAGMA foreign_keys=ON; \
                     PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
                )?;
                c.set_prepared_statement_cache_capacity(256);
                Conn::Sqlite(c)
            }
        };
        Ok(Db {
            conn,
            pg_statements: HashMap::new(),
            pg_growth: HashMap::new(),
            target: target.to_owned(),
            before_commit: None,
            in_transaction: false,
            sqlite_functions: Vec::new(),
        })
    }

    /// SQLite: makes `name(a, b)` callable in this connection's SQL, once (added again, it
    /// would expire the connection's prepared statements). Lets a statement change a
    /// stored value by Rust's rule where it finds it, instead of the row being read first
    /// and written back. PostgreSQL: nothing to add; the caller takes another way.
    pub fn sqlite_text_function(
        &mut self,
        name: &'static str,
        f: TextFunction,
    ) -> Result<(), StoreError> {
        let Conn::Sqlite(c) = &self.conn else {
            return Err(StoreError::Unsupported(format!(
                "{name}: an SQLite function asked of PostgreSQL"
            )));
        };
        if self.sqlite_functions.contains(&name) {
            return Ok(());
        }
        use rusqlite::functions::FunctionFlags;
        c.create_scalar_function(
            name,
            2,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            move |ctx| {
                let a = ctx.get_raw(0).as_str()?;
                let b = ctx.get_raw(1).as_str()?;
                f(a, b).map_err(|e| rusqlite::Error::UserFunctionError(e.into()))
            },
        )?;
        self.sqlite_functions.push(name);
        Ok(())
    }

    /// Whether the connection answers (a pool's check before it lends one).
    pub fn ping(&mut self) -> Result<(), StoreError> {
        self.query("SELECT 1 AS alive", &[]).map(|_| ())
    }

    /// SQLite: the page cache this connection keeps, in KiB (a server of many
    /// connections keeps less each than the command line's import). PostgreSQL: nothing.
    pub fn set_cache_kib(&mut self, kib: i64) -> Result<(), StoreError> {
        match self.backend() {
            Backend::Sqlite => self.batch(&format!("PRAGMA cache_size=-{kib}")),
            Backend::Postgres => Ok(()),
        }
    }

    pub fn backend(&self) -> Backend {
        match self.conn {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    pub fn target(&self) -> &str {
        &self.target
    }

    /// Runs several statements without parameters (migrations, pragmas).
    pub fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        match &mut self.conn {
            Conn::Sqlite(c) => c.execute_batch(sql)?,
            Conn::Postgres(c) => c.batch_execute(sql)?,
        }
        Ok(())
    }

    pub fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        match &mut self.conn {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                Ok(st.execute(rusqlite::params_from_iter(params.iter()))? as u64)
            }
            Conn::Postgres(c) => {
                let st = pg_prepare(c, &mut self.pg_statements, sql)?;
                let refs: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                Ok(c.execute(&st, &refs)?)
            }
        }
    }

    /// Rows of `sql` read as `T`s; `{cols}` in `sql` stands for `T`'s columns.
    pub fn query_as<T: crate::FromRow>(
        &mut self,
        sql: &str,
        params: &[Value],
    ) -> Result<Vec<T>, StoreError> {
        let rows = self.query(&sql.replace("{cols}", &T::select()), params)?;
        rows.iter().map(T::from_row).collect()
    }

    pub fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        match &mut self.conn {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let n = st.column_count();
                let columns: Arc<[String]> = st.column_names().map(str::to_owned).collect();
                let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    let mut vals = Vec::with_capacity(n);
                    for i in 0..n {
                        vals.push(match r.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => Value::Null,
                            rusqlite::types::ValueRef::Integer(v) => Value::Int(v),
                            rusqlite::types::ValueRef::Real(v) => Value::Real(v),
                            rusqlite::types::ValueRef::Text(t)
                            | rusqlite::types::ValueRef::Blob(t) => Value::Text(text_of(t)),
                        });
                    }
                    out.push(Row::new(vals, columns.clone()));
                }
                Ok(out)
            }
            Conn::Postgres(_) => {
                let refs: Vec<&(dyn ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
                self.pg_query(sql, &refs)
            }
        }
    }

    /// PostgreSQL: rows of `sql`, whose parameters are `head` and then `list` sent as one
    /// array (the statement tests membership with `= ANY(?)`). An `IN` list of hundreds
    /// of placeholders is an expression of hundreds of nodes that the planner copies and
    /// estimates one by one: at month end planning took as much of the server as running
    /// the reads, and a province's 600 unit ids planned in 1.1 ms as a list against 0.28
    /// ms as an array. SQLite has no arrays: its callers send lists (`records::query_in`).
    pub fn query_pg_array(
        &mut self,
        sql: &str,
        head: &[Value],
        list: &[Value],
    ) -> Result<Vec<Row>, StoreError> {
        let mut refs: Vec<&(dyn ToSql + Sync)> =
            head.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        refs.push(&list);
        self.pg_query(sql, &refs)
    }

    /// PostgreSQL: [`Db::execute`] with `list` as one array parameter after `head` (see
    /// [`Db::query_pg_array`]).
    pub fn execute_pg_array(
        &mut self,
        sql: &str,
        head: &[Value],
        list: &[Value],
    ) -> Result<u64, StoreError> {
        let Conn::Postgres(c) = &mut self.conn else {
            return Err(StoreError::Unsupported(
                "an array parameter on SQLite".into(),
            ));
        };
        let st = pg_prepare(c, &mut self.pg_statements, sql)?;
        let mut refs: Vec<&(dyn ToSql + Sync)> =
            head.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        refs.push(&list);
        Ok(c.execute(&st, &refs)?)
    }

    fn pg_query(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let Conn::Postgres(c) = &mut self.conn else {
            return Err(StoreError::Unsupported(
                "an array parameter on SQLite".into(),
            ));
        };
        let st = pg_prepare(c, &mut self.pg_statements, sql)?;
        let rows = c.query(&st, params)?;
        let columns: Arc<[String]> = st.columns().iter().map(|c| c.name().to_owned()).collect();
        rows.iter().map(|r| pg_row(r, &columns)).collect()
    }

    pub fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    pub fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Row, StoreError> {
        self.query_opt(sql, params)?
            .ok_or_else(|| StoreError::NotFound(sql.to_owned()))
    }

    /// Inserts many rows into `table`. SQLite reuses one prepared statement; PostgreSQL
    /// streams the rows in one `COPY … FROM STDIN` (text format), which the server neither
    /// parses nor plans per row: measured, 1,000-row `VALUES` statements spent 13.6% of
    /// the server's import time in the planner (issue 27).
    pub fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Value>],
    ) -> Result<(), StoreError> {
        self.insert_transient_rows(table, columns, rows)?;
        if self.backend() == Backend::Postgres && !rows.is_empty() {
            self.grew(table, rows.len() as u64)?;
        }
        Ok(())
    }

    /// [`Db::insert_rows`] into a table that the transaction drops before it ends: no
    /// statistics are kept for it.
    pub fn insert_transient_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Value>],
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        match &mut self.conn {
            Conn::Sqlite(c) => {
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    columns.join(","),
                    vec!["?"; columns.len()].join(",")
                );
                let mut st = c.prepare_cached(&sql)?;
                for r in rows {
                    st.execute(rusqlite::params_from_iter(r.iter()))?;
                }
            }
            // A form's few rows: one prepared statement, one round trip (a copy takes two).
            Conn::Postgres(_) if rows.len() < COPY_FROM => {
                let one = format!("({})", vec!["?"; columns.len()].join(","));
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES {}",
                    columns.join(","),
                    vec![one.as_str(); rows.len()].join(",")
                );
                let flat: Vec<Value> = rows.iter().flatten().cloned().collect();
                self.execute(&sql, &flat)?;
            }
            Conn::Postgres(c) => {
                use std::io::Write;
                let sql = format!("COPY {table} ({}) FROM STDIN", columns.join(","));
                let mut w = c.copy_in(sql.as_str())?;
                // Sent in blocks of 64 KiB (the writer sends what it is given at once).
                const BLOCK: usize = 64 * 1024;
                let mut block = Vec::with_capacity(BLOCK + 1024);
                for (i, r) in rows.iter().enumerate() {
                    copy_text_row(&mut block, r);
                    if block.len() >= BLOCK || i + 1 == rows.len() {
                        if let Err(sent) = w.write_all(&block) {
                            // The server's own reason (a key taken meanwhile…) comes
                            // with the end of the copy.
                            return Err(match w.finish() {
                                Err(e) => e.into(),
                                Ok(_) => StoreError::Copy(sent.to_string()),
                            });
                        }
                        block.clear();
                    }
                }
                w.finish()?;
            }
        }
        Ok(())
    }

    /// PostgreSQL: `table` got `rows` more rows. An import writes millions of rows in
    /// one transaction, which autovacuum cannot see, so the planner would go on judging
    /// the table by its old statistics (or none) and answer the import's own lookups
    /// (`household_code IN (…4,000 codes…)`) by reading the whole table: measured at
    /// half a second per lookup once members held 5 million rows. ANALYZE inside the
    /// transaction counts its own rows; it runs each time the rows inserted here double,
    /// once they are a tenth of what the table held (100,000 supports added to a
    /// national database's 1.6 million change no plan, and analysing took 0.3 s).
    fn grew(&mut self, table: &str, rows: u64) -> Result<(), StoreError> {
        const FIRST: u64 = 20_000;
        if !self.pg_growth.contains_key(table) {
            let held = self.planned_rows(table)?;
            self.pg_growth.insert(table.to_owned(), (0, 0, held));
        }
        let (inserted, at_last, held) = {
            let e = self.pg_growth.entry(table.to_owned()).or_default();
            e.0 += rows;
            *e
        };
        if inserted >= FIRST && inserted >= 2 * at_last && inserted * 10 >= held {
            self.batch(&format!("ANALYZE {table}"))?;
            if let Some(e) = self.pg_growth.get_mut(table) {
                e.1 = inserted;
            }
        }
        Ok(())
    }

    /// PostgreSQL: the planner's count of `table`'s rows (0 when never analysed).
    pub fn planned_rows(&mut self, table: &str) -> Result<u64, StoreError> {
        let row = self.query_opt(
            "SELECT CAST(GREATEST(reltuples, 0) AS BIGINT) AS n FROM pg_class \
             WHERE relname = ? AND relkind IN ('r', 'p') AND pg_table_is_visible(oid)",
            &[Value::from(table)],
        )?;
        Ok(row
            .map(|r| r.get::<i64>("n"))
            .transpose()?
            .unwrap_or(0)
            .unsigned_abs())
    }

    pub(crate) fn in_transaction(&self) -> bool {
        self.in_transaction
    }

    /// The write path's state for the open transaction (one kind per connection),
    /// created on first use.
    pub(crate) fn pending<T: BeforeCommit + Default>(&mut self) -> &mut T {
        let kept = self
            .before_commit
            .get_or_insert_with(|| Box::<T>::default());
        kept.as_any()
            .downcast_mut::<T>()
            .expect("one kind of pending work per connection")
    }

    /// Does what the write path kept for the transaction, now.
    pub(crate) fn run_before_commit(&mut self) -> Result<(), StoreError> {
        match self.before_commit.take() {
            Some(kept) => kept.before_commit(self),
            None => Ok(()),
        }
    }

    /// Runs `f` in one transaction: all of it is committed, or none of it.
    pub fn transaction<T, E>(&mut self, f: impl FnOnce(&mut Db) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        // SQLite has one writer at a time: the process's writers of one file take turns
        // here, each woken as the one before commits, instead of in SQLite's busy
        // handler, which sleeps up to 100 ms between tries (a month end's saves waited
        // seconds for a lock that was free). Other processes still meet the busy wait.
        let writer = match self.backend() {
            Backend::Sqlite if !self.in_transaction => Some(sqlite_writer(&self.target)),
            _ => None,
        };
        let _turn = writer
            .as_ref()
            .map(|w| w.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        let begin = match self.backend() {
            // IMMEDIATE takes the write lock up front, so two writers never deadlock
            // halfway through.
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        self.batch(begin)?;
        self.in_transaction = true;
        self.before_commit = None;
        // What the write path kept (the report aggregates) is written in the same
        // transaction as the records: both or neither.
        let result = f(self).and_then(|v| {
            self.run_before_commit()?;
            Ok(v)
        });
        self.in_transaction = false;
        match result {
            Ok(v) => {
                self.batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                self.before_commit = None;
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// The turn of the writers of the SQLite file `target` in this process.
fn sqlite_writer(target: &str) -> std::sync::Arc<std::sync::Mutex<()>> {
    static WRITERS: std::sync::OnceLock<
        std::sync::Mutex<HashMap<String, std::sync::Arc<std::sync::Mutex<()>>>>,
    > = std::sync::OnceLock::new();
    let mut files = WRITERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    files.entry(target.to_owned()).or_default().clone()
}

fn pg_prepare(
    c: &mut postgres::Client,
    cache: &mut HashMap<String, postgres::Statement>,
    sql: &str,
) -> Result<postgres::Statement, StoreError> {
    if let Some(st) = cache.get(sql) {
        return Ok(st.clone());
    }
    let st = c.prepare(&numbered_placeholders(sql))?;
    // Statements differ by their IN lists' lengths, so the kinds a long-lived connection
    // meets have no bound: past this many, the cache starts again (dropping a statement
    // closes it on the server).
    if cache.len() >= PG_STATEMENTS_KEPT {
        cache.clear();
    }
    cache.insert(sql.to_owned(), st.clone());
    Ok(st)
}

/// Rewrites `?` placeholders to `$1, $2, …`, leaving quoted text alone.
pub fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), _) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            (None, _) => out.push(c),
        }
    }
    out
}

fn pg_row(r: &postgres::Row, columns: &Arc<[String]>) -> Result<Row, StoreError> {
    let mut vals = Vec::with_capacity(r.len());
    for (i, col) in r.columns().iter().enumerate() {
        let t = col.type_();
        let v = if *t == Type::INT8 {
            r.try_get::<_, Option<i64>>(i)?.map(Value::Int)
        } else if *t == Type::INT4 {
            r.try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *t == Type::INT2 {
            r.try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *t == Type::BOOL {
            r.try_get::<_, Option<bool>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *t == Type::FLOAT8 {
            r.try_get::<_, Option<f64>>(i)?.map(Value::Real)
        } else if *t == Type::FLOAT4 {
            r.try_get::<_, Option<f32>>(i)?
                .map(|v| Value::Real(v.into()))
        } else if *t == Type::TEXT || *t == Type::VARCHAR || *t == Type::BPCHAR || *t == Type::NAME
        {
            r.try_get::<_, Option<String>>(i)?.map(Value::Text)
        } else {
            return Err(StoreError::Unsupported(format!(
                "column {} has type {t}; cast it to BIGINT, DOUBLE PRECISION or TEXT",
                col.name()
            )));
        };
        vals.push(v.unwrap_or(Value::Null));
    }
    Ok(Row::new(vals, columns.clone()))
}

/// PostgreSQL: from this many rows, a bulk insert is a `COPY`.
const COPY_FROM: usize = 50;

/// One row in `COPY`'s text format: tab between columns, `\N` for null, backslash,
/// tab and line breaks escaped; a newline after it.
fn copy_text_row(out: &mut Vec<u8>, row: &[Value]) {
    use std::io::Write;
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        match v {
            Value::Null => out.extend_from_slice(b"\\N"),
            Value::Int(n) => {
                let _ = write!(out, "{n}");
            }
            // `{:?}` keeps every digit a float needs to come back the same.
            Value::Real(f) => {
                let _ = write!(out, "{f:?}");
            }
            Value::Text(s) => {
                for b in s.bytes() {
                    match b {
                        b'\\' => out.extend_from_slice(b"\\\\"),
                        b'\t' => out.extend_from_slice(b"\\t"),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        _ => out.push(b),
                    }
                }
            }
        }
    }
    out.push(b'\n');
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
        }))
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => {
                if *ty == Type::INT4 {
                    i32::try_from(*i)?.to_sql(ty, out)
                } else if *ty == Type::INT2 {
                    i16::try_from(*i)?.to_sql(ty, out)
                } else if *ty == Type::BOOL {
                    (*i != 0).to_sql(ty, out)
                } else if *ty == Type::FLOAT8 {
                    (*i as f64).to_sql(ty, out)
                } else if *ty == Type::TEXT || *ty == Type::VARCHAR {
                    i.to_string().to_sql(ty, out)
                } else {
                    i.to_sql(ty, out)
                }
            }
            Value::Real(f) => {
                if *ty == Type::FLOAT4 {
                    (*f as f32).to_sql(ty, out)
                } else {
                    f.to_sql(ty, out)
                }
            }
            Value::Text(s) => s.as_str().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A stored text as a `String`: checked by `str::from_utf8`, which reads ASCII a word at
/// a time, where `from_utf8_lossy`'s byte-wise walk was a tenth of a national report's
/// time on SQLite; only text that is not UTF-8 takes the lossy way.
fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::numbered_placeholders;

    #[test]
    fn placeholders_skip_quotes() {
        assert_eq!(
            numbered_placeholders("SELECT '?' , x FROM t WHERE a = ? AND b = ?"),
            "SELECT '?' , x FROM t WHERE a = $1 AND b = $2"
        );
    }
}
