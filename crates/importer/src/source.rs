//! Reading import files into plain tables of text cells: CSV (UTF-8, optional BOM) and
//! XLSX (one sheet per file kind, named after it by code or Vietnamese name; a workbook
//! of one sheet may take its kind from the file's name).

use crate::limits::{self, Limit, LineLimited};
use crate::refusal::Refusal;
use crate::report::RowError;
use calamine::Reader;
use std::path::{Path, PathBuf};

/// One cell as read. `from_number` marks an XLSX cell that Excel stored as a number, so
/// that a code which lost its leading zero there can be refused, not silently accepted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    pub text: String,
    pub from_number: bool,
    pub from_date: bool,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            ..Cell::default()
        }
    }
}

#[derive(Clone, Debug)]
pub struct RawRow {
    /// The row number a person sees: the header is row 1.
    pub line: usize,
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug)]
pub struct Table {
    /// `units`, `households`, …: the CSV file's base name or the sheet's name.
    pub kind: String,
    /// How the report names the source: `units.csv`, `book.xlsx#units`.
    pub source: String,
    pub header: Vec<String>,
    pub rows: Vec<RawRow>,
}

impl Table {
    /// A table of rows given as text (a page's form, the demo's generator), numbered
    /// from row 2 as a file's would be under its header.
    pub fn of_texts(
        kind: String,
        source: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    ) -> Table {
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(i, cells)| RawRow {
                line: i + 2,
                cells: cells.into_iter().map(Cell::text).collect(),
            })
            .collect();
        Table {
            kind,
            source,
            header,
            rows,
        }
    }
}

/// A table to import: read already (a sheet, a form, a test), or a CSV file that is read a
/// chunk of rows at a time, so that an import's memory does not grow with its files.
pub enum Input {
    Table(Table),
    Csv { kind: String, path: PathBuf },
}

impl Input {
    pub fn kind(&self) -> &str {
        match self {
            Input::Table(t) => &t.kind,
            Input::Csv { kind, .. } => kind,
        }
    }

    pub fn source(&self) -> String {
        match self {
            Input::Table(t) => t.source.clone(),
            Input::Csv { path, .. } => display(path),
        }
    }

    /// The rows in tables of at most `per` rows each (all of them for a table read
    /// already); `each` gets every chunk in order.
    pub fn chunks<E>(
        self,
        per: usize,
        mut each: impl FnMut(Table) -> Result<(), E>,
    ) -> Result<Result<(), ReadError>, E> {
        let (kind, path) = match self {
            Input::Table(t) => return each(t).map(Ok),
            Input::Csv { kind, path } => (kind, path),
        };
        let source = display(&path);
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) => {
                return Ok(Err(Refusal::CannotReadFile {
                    detail: e.to_string(),
                }))
            }
        };
        let mut buffered = std::io::BufReader::with_capacity(1 << 20, file);
        let separator = {
            use std::io::BufRead;
            let starts_with_bom =
                matches!(buffered.fill_buf(), Ok(b) if b.starts_with(b"\xEF\xBB\xBF"));
            if starts_with_bom {
                buffered.consume(3);
            }
            separator(buffered.fill_buf().unwrap_or_default())
        };
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(separator)
            .from_reader(LineLimited::new(buffered));
        let mut header: Option<Vec<String>> = None;
        let mut rows = Vec::with_capacity(per.min(1 << 16));
        let mut rec = csv::StringRecord::new();
        let mut emitted = false;
        loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Ok(Err(csv_error(&e))),
            }
            if rec.len() > limits::COLUMNS {
                return Ok(Err(Refusal::OverLimit {
                    limit: Limit::Columns,
                }));
            }
            let line = rec.position().map_or(0, |p| p.line() as usize);
            let cells: Vec<Cell> = rec.iter().map(Cell::text).collect();
            match &header {
                None => {
                    header = Some(
                        cells
                            .into_iter()
                            .map(|c| c.text.trim().to_owned())
                            .collect(),
                    );
                }
                Some(h) => {
                    let row = RawRow { line, cells };
                    let first = !emitted && rows.is_empty();
                    if row.cells.iter().any(|c| !c.text.trim().is_empty())
                        && !(first && second_header(&kind, h, &row))
                    {
                        rows.push(row);
                    }
                    if rows.len() == per {
                        emitted = true;
                        each(Table {
                            kind: kind.clone(),
                            source: source.clone(),
                            header: h.clone(),
                            rows: std::mem::take(&mut rows),
                        })?;
                    }
                }
            }
        }
        let Some(header) = header else {
            return Ok(Err(Refusal::EmptyFile));
        };
        // A file with a header and no rows still has its header checked.
        if !rows.is_empty() || !emitted {
            each(Table {
                kind,
                source,
                header,
                rows,
            })?;
        }
        Ok(Ok(()))
    }
}

fn csv_error(e: &csv::Error) -> ReadError {
    if let csv::ErrorKind::Io(io) = e.kind() {
        if limits::is_line_too_long(io) {
            return Refusal::OverLimit {
                limit: Limit::LineBytes,
            };
        }
    }
    if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
        Refusal::NotUtf8 {
            detail: e.to_string(),
        }
    } else {
        Refusal::MalformedCsv {
            detail: e.to_string(),
        }
    }
}

/// Expands directories (their `.csv` and `.xlsx` files, sorted) and reads every file.
pub fn read_paths(paths: &[PathBuf], errors: &mut Vec<RowError>) -> Vec<Table> {
    let mut tables = Vec::new();
    for input in open_paths(paths, errors) {
        match input {
            Input::Table(t) => tables.push(t),
            Input::Csv { path, .. } => match read_csv(&path) {
                Ok(t) => tables.push(t),
                Err(refusal) => errors.push(RowError::file(&path, refusal)),
            },
        }
    }
    tables
}

/// Expands directories (their `.csv` and `.xlsx` files, sorted); workbooks are read, CSV
/// files only opened when their kind's turn comes.
pub fn open_paths(paths: &[PathBuf], errors: &mut Vec<RowError>) -> Vec<Input> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            match std::fs::read_dir(p) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| matches!(extension(f).as_str(), "csv" | "xlsx"))
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(e) => errors.push(RowError::file(
                    p,
                    Refusal::CannotReadDirectory {
                        detail: e.to_string(),
                    },
                )),
            }
        } else {
            files.push(p.clone());
        }
    }
    let mut tables = Vec::new();
    for f in files {
        match extension(&f).as_str() {
            "csv" => tables.push(Input::Csv {
                kind: base_name(&f),
                path: f,
            }),
            "xlsx" => match read_xlsx(&f) {
                Ok(ts) => tables.extend(ts.into_iter().map(Input::Table)),
                Err(refusal) => errors.push(RowError::file(&f, refusal)),
            },
            _ => errors.push(RowError::file(&f, Refusal::NotCsvOrXlsx)),
        }
    }
    tables
}

fn extension(p: &Path) -> String {
    p.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn base_name(p: &Path) -> String {
    p.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_owned()
}

fn display(p: &Path) -> String {
    p.file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("?")
        .to_owned()
}

pub type ReadError = Refusal;

pub fn read_csv(path: &Path) -> Result<Table, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| Refusal::CannotReadFile {
        detail: e.to_string(),
    })?;
    parse_csv(&bytes, base_name(path), display(path))
}

/// The separator of a CSV file, read from its header line: `;` when it holds more
/// semicolons than commas (Excel's CSV in a Vietnamese locale), `,` otherwise.
fn separator(start: &[u8]) -> u8 {
    let header = start.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |c: u8| header.iter().filter(|b| **b == c).count();
    if count(b';') > count(b',') {
        b';'
    } else {
        b','
    }
}

pub fn parse_csv(bytes: &[u8], kind: String, source: String) -> Result<Table, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| Refusal::NotUtf8 {
        detail: e.to_string(),
    })?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(text.as_bytes()))
        .from_reader(LineLimited::new(text.as_bytes()));
    let mut header = None;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(&e))?;
        if rec.len() > limits::COLUMNS {
            return Err(Refusal::OverLimit {
                limit: Limit::Columns,
            });
        }
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let cells: Vec<Cell> = rec.iter().map(Cell::text).collect();
        if header.is_none() {
            header = Some(
                cells
                    .into_iter()
                    .map(|c| c.text.trim().to_owned())
                    .collect(),
            );
        } else if cells.iter().any(|c| !c.text.trim().is_empty()) {
            let row = RawRow { line, cells };
            let h = header.as_deref().unwrap_or_default();
            if !(rows.is_empty() && second_header(&kind, h, &row)) {
                rows.push(row);
            }
        }
    }
    Ok(Table {
        kind,
        source,
        header: header.ok_or(Refusal::EmptyFile)?,
        rows,
    })
}

/// A workbook's sheets, each a table named after its sheet. Read cell by cell as the
/// sheet's XML lists them, never as the dense rectangle the sheet declares (a sheet with
/// one cell at A1 and one at XFD1048576 would ask for 512 GiB), after the archive's real
/// decompressed size has been measured against `limits`.
fn read_xlsx(path: &Path) -> Result<Vec<Table>, ReadError> {
    check_archive(path)?;
    let file = std::fs::File::open(path).map_err(|e| Refusal::CannotReadFile {
        detail: e.to_string(),
    })?;
    let mut book = calamine::Xlsx::new(std::io::BufReader::new(file)).map_err(|e| {
        Refusal::CannotOpenWorkbook {
            detail: e.to_string(),
        }
    })?;
    let mut tables = Vec::new();
    for name in book.sheet_names() {
        if [crate::template::GUIDE, crate::template::LISTS].contains(&name.as_str()) {
            continue; // a template's instructions and drop-down lists
        }
        let cannot = |e: calamine::XlsxError| Refusal::CannotReadSheet {
            sheet: name.clone(),
            detail: e.to_string(),
        };
        let mut cells = book.worksheet_cells_reader(&name).map_err(cannot)?;
        // Rows by their number, each row's cells by column: only cells that hold
        // something are kept.
        let mut rows: std::collections::BTreeMap<u32, Vec<Cell>> = Default::default();
        while let Some(cell) = cells.next_cell().map_err(cannot)? {
            let value = xlsx_cell(cell.get_value());
            if value.text.trim().is_empty() {
                continue;
            }
            let (row, col) = cell.get_position();
            if col as usize >= limits::COLUMNS {
                return Err(Refusal::OverLimit {
                    limit: Limit::Columns,
                });
            }
            if row as usize >= limits::ROWS {
                return Err(Refusal::OverLimit { limit: Limit::Rows });
            }
            if value.text.chars().count() > limits::CELL_CHARS {
                return Err(Refusal::OverLimit {
                    limit: Limit::CellChars,
                });
            }
            let r = rows.entry(row).or_default();
            if r.len() <= col as usize {
                r.resize(col as usize + 1, Cell::default());
            }
            r[col as usize] = value;
        }
        let mut rows = rows.into_iter();
        let Some((_, header)) = rows.next() else {
            continue; // an empty sheet
        };
        let kind = kind_named(&name).unwrap_or_else(|| name.clone());
        let header: Vec<String> = header
            .into_iter()
            .map(|c| c.text.trim().to_owned())
            .collect();
        let mut rows: Vec<RawRow> = rows
            .map(|(row, cells)| RawRow {
                line: row as usize + 1,
                cells,
            })
            .collect();
        if rows
            .first()
            .is_some_and(|r| second_header(&kind, &header, r))
        {
            rows.remove(0);
        }
        tables.push(Table {
            kind,
            source: format!("{}#{name}", display(path)),
            header,
            rows,
        });
    }
    // A workbook of one sheet whose name says nothing (Sheet1, Trang_tính1) is of the kind
    // its file is named after, as a CSV file would be.
    if let [only] = &mut tables[..] {
        if crate::kinds::find(&only.kind).is_none() {
            if let Some(kind) = kind_named(&base_name(path)) {
                only.kind = kind;
                if only
                    .rows
                    .first()
                    .is_some_and(|r| second_header(&only.kind, &only.header, r))
                {
                    only.rows.remove(0);
                }
            }
        }
    }
    Ok(tables)
}

/// Whether the first row under the header heads the columns again: a template's codes
/// under its Vietnamese titles (or the reverse). It is no data.
fn second_header(kind: &str, header: &[String], row: &RawRow) -> bool {
    crate::kinds::find(kind).is_some_and(|k| crate::kinds::heads_again(k.spec(), header, row))
}

/// The file kind a sheet or file name names: its code (`households`) or its Vietnamese
/// name ("Hộ gia đình", in any case, with or without tone marks).
fn kind_named(name: &str) -> Option<String> {
    let folded = domain::text::fold(name.trim());
    crate::kinds::all()
        .iter()
        .map(|k| k.spec())
        .find(|s| s.kind == name.trim() || domain::text::fold(s.label_vi) == folded)
        .map(|s| s.kind.to_owned())
}

/// Measures what every part of the archive decompresses to, by decompressing it into
/// nothing (what an archive declares may lie), and refuses a workbook past the limits
/// before calamine holds any of it in memory.
fn check_archive(path: &Path) -> Result<(), ReadError> {
    let over = |limit| Refusal::OverLimit { limit };
    let cannot = |e: &dyn std::fmt::Display| Refusal::CannotOpenWorkbook {
        detail: e.to_string(),
    };
    let size = std::fs::metadata(path)
        .map_err(|e| Refusal::CannotReadFile {
            detail: e.to_string(),
        })?
        .len();
    if size > limits::XLSX_BYTES {
        return Err(over(Limit::XlsxBytes));
    }
    let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| cannot(&e))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|e| cannot(&e))?;
        let mut limited = std::io::Read::take(part, limits::XLSX_PART_BYTES + 1);
        let n = std::io::copy(&mut limited, &mut std::io::sink()).map_err(|e| cannot(&e))?;
        if n > limits::XLSX_PART_BYTES {
            return Err(over(Limit::XlsxPartBytes));
        }
        total += n;
        if total > limits::XLSX_TOTAL_BYTES {
            return Err(over(Limit::XlsxTotalBytes));
        }
    }
    Ok(())
}

fn xlsx_cell(d: &calamine::DataRef<'_>) -> Cell {
    use calamine::DataRef as D;
    match d {
        D::Empty => Cell::default(),
        D::String(s) => Cell::text(s.clone()),
        D::SharedString(s) => Cell::text(*s),
        D::Int(i) => Cell {
            text: i.to_string(),
            from_number: true,
            from_date: false,
        },
        D::Float(f) => Cell {
            text: number_text(*f),
            from_number: true,
            from_date: false,
        },
        D::Bool(b) => Cell::text(if *b { "true" } else { "false" }),
        // The reader's own conversion, which knows the workbook's date system (1900 or
        // 1904: a Mac workbook counts its days from 1904).
        D::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Cell {
                text: format!("{y:04}-{m:02}-{d:02}"),
                from_number: false,
                from_date: true,
            }
        }
        D::DateTimeIso(s) => Cell {
            text: s.chars().take(10).collect(),
            from_number: false,
            from_date: true,
        },
        D::DurationIso(s) => Cell::text(s.clone()),
        D::Error(e) => Cell::text(format!("#{e:?}")),
    }
}

/// Excel shows whole numbers without a decimal point; so do we.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}
