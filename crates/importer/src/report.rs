//! The row-level error report: every bad row of a rejected import, with the file, row,
//! column, value and reason in Vietnamese and English.

use crate::refusal::Refusal;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RowError {
    pub file: String,
    /// The row a person sees in the file (header = 1); 0 for the file as a whole.
    pub row: usize,
    pub column: String,
    pub value: String,
    pub refusal: Refusal,
}

impl RowError {
    /// A problem with a whole file.
    pub fn file(path: &Path, refusal: Refusal) -> RowError {
        RowError::whole(path.display().to_string(), refusal)
    }

    /// A problem that belongs to no row (a file by its name, or the import as a whole).
    pub fn whole(file: String, refusal: Refusal) -> RowError {
        RowError {
            file,
            row: 0,
            column: String::new(),
            value: String::new(),
            refusal,
        }
    }

    pub fn reason_vi(&self) -> String {
        self.refusal.vi()
    }

    pub fn reason_en(&self) -> String {
        self.refusal.en()
    }
}

/// A rejected import: nothing was written. It keeps the first
/// [`ERRORS_KEPT`](crate::limits::ERRORS_KEPT) errors in file order and counts the rest,
/// so that a file of a million bad rows makes a report of a thousand.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    pub errors: Vec<RowError>,
    /// Errors found beyond the ones kept.
    pub omitted: usize,
}

/// Values as long as this are shown whole in a report; longer ones are cut.
const VALUE_SHOWN: usize = 100;

/// A cell's value as an error report shows it: cut after [`VALUE_SHOWN`] characters,
/// so that a megabyte cell does not make a megabyte report line.
pub fn shown(value: &str) -> String {
    match value.char_indices().nth(VALUE_SHOWN) {
        None => value.to_owned(),
        Some((at, _)) => format!("{}…", &value[..at]),
    }
}

/// Errors collected while an import runs, bounded: sorted and cut to what a report keeps
/// whenever they pile up, the rest counted.
pub fn bound(errors: &mut Vec<RowError>, omitted: &mut usize) {
    let kept = crate::limits::ERRORS_KEPT;
    if errors.len() > kept {
        errors.sort();
        *omitted += errors.len() - kept;
        errors.truncate(kept);
    }
}

impl Rejection {
    /// The rejection of `errors` (and `omitted` more already counted).
    pub fn new(mut errors: Vec<RowError>, mut omitted: usize) -> Rejection {
        errors.sort();
        bound(&mut errors, &mut omitted);
        Rejection { errors, omitted }
    }

    /// Every error found, kept or counted.
    pub fn total(&self) -> usize {
        self.errors.len() + self.omitted
    }

    /// A readable listing for the terminal: at most `limit` rows, then a count.
    pub fn render(&self, limit: usize) -> String {
        let mut out = format!(
            "Nhập dữ liệu bị từ chối, không có gì được ghi: {} lỗi. / Import rejected, nothing written: {} error(s).\n",
            self.total(),
            self.total()
        );
        for e in self.errors.iter().take(limit) {
            let place = if e.row == 0 {
                e.file.clone()
            } else {
                format!("{} dòng {}", e.file, e.row)
            };
            let col = if e.column.is_empty() {
                String::new()
            } else {
                format!(" [{}={:?}]", e.column, e.value)
            };
            let _ = writeln!(out, "  {place}{col}: {} / {}", e.reason_vi(), e.reason_en());
        }
        if self.total() > limit {
            let _ = writeln!(
                out,
                "  … và {} lỗi khác / and {} more",
                self.total() - limit.min(self.errors.len()),
                self.total() - limit.min(self.errors.len())
            );
        }
        out
    }

    /// The full report as CSV (`file,row,column,value,reason_vi,reason_en`).
    pub fn write_csv(&self, path: &Path) -> std::io::Result<()> {
        let mut w = csv::Writer::from_path(path)?;
        w.write_record(["file", "row", "column", "value", "reason_vi", "reason_en"])?;
        for e in &self.errors {
            w.write_record([
                &e.file,
                &e.row.to_string(),
                &e.column,
                &e.value,
                &e.reason_vi(),
                &e.reason_en(),
            ])?;
        }
        if self.omitted > 0 {
            let more = self.omitted.to_string();
            w.write_record([
                "",
                "",
                "",
                &more,
                &format!("và {more} lỗi khác, không liệt kê"),
                &format!("and {more} more, not listed"),
            ])?;
        }
        w.flush()
    }
}
